// MPTCP subflows from the kernel's socket diagnostics (TCP-diag with the MPTCP ULP info), as iproute2's
// `ss -tinH` prints them: a header line per socket (state, queues, local and peer address) and a tab-indented
// info line. A TCP socket is an MPTCP subflow when its info carries `tcp-ulp-mptcp` (ss.c, mptcp_subflow_info).
// Read-only; nothing here runs unless someone asks for traffic figures.
import { ssOnce, type IpOptions } from "./ip.js";
import { KernelParseError } from "./json.js";

export interface Subflow {
  state: string;
  /** Local address without ss's `%dev` suffix; an IPv4-mapped IPv6 address is written as IPv4. */
  local: string;
  localPort: number;
  peer: string;
  peerPort: number;
  /** The device the socket is bound to (ss prints `address%dev`): the kernel binds joined subflows to their endpoint's device. */
  boundDev?: string;
  /** Our side's MPTCP connection token: with the addresses it tells a subflow from a later one on the same ports. */
  token: string;
  /**
   * Either side asked for backup priority (ss flags `b`: we asked, `B`: the peer asked, from
   * MPTCP_SUBFLOW_FLAG_BKUP_LOC/_REM): the kernel's scheduler sends on it only when no other subflow works.
   */
  backup: boolean;
  /** tcpi_bytes_sent (retransmissions included) and tcpi_bytes_received; ss leaves a zero counter out. */
  bytesSent: number;
  bytesReceived: number;
}

const WHAT = "ss -tinH";

/** One socket as `ss -tinH` prints it, or throws naming the line it cannot read. */
export function parseSubflows(text: string): Subflow[] {
  const out: Subflow[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const header = lines[i]!;
    if (header.trim() === "") continue;
    if (/^\s/.test(header)) throw new KernelParseError(`${WHAT} line ${i + 1}: info line without a socket: ${JSON.stringify(header)}`);
    const info = /^\s/.test(lines[i + 1] ?? "") ? lines[++i]! : "";
    const ulp = info.indexOf("tcp-ulp-mptcp");
    if (ulp < 0) continue; // a plain TCP socket
    const fields = header.trim().split(/\s+/);
    if (fields.length < 5) throw new KernelParseError(`${WHAT} line ${i}: expected state, queues and two addresses: ${JSON.stringify(header)}`);
    const local = parseEndpoint(fields[3]!, i);
    const peer = parseEndpoint(fields[4]!, i);
    const mptcp = info.slice(ulp);
    out.push({
      state: fields[0]!,
      local: local.address,
      localPort: local.port,
      peer: peer.address,
      peerPort: peer.port,
      ...(local.dev !== undefined && { boundDev: local.dev }),
      token: /\btoken:[0-9a-f]+\(id:\d+\)\/([0-9a-f]+)\(id:\d+\)/.exec(mptcp)?.[1] ?? "",
      backup: /[bB]/.test(/\bflags:(\S+)/.exec(mptcp)?.[1] ?? ""),
      bytesSent: counter(info, "bytes_sent"),
      bytesReceived: counter(info, "bytes_received"),
    });
  }
  return out;
}

/** `10.1.1.2:5201`, `10.1.1.2%lte0:5201`, `[fd00::2]:5201`, `[fe80::1]%wan0:5201`, `[::ffff:10.1.1.2]:5201`. */
const ENDPOINT = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+))(?:%(\S+))?:(\d+)$/;

function parseEndpoint(text: string, line: number): { address: string; dev?: string; port: number } {
  const m = ENDPOINT.exec(text);
  if (m === null) throw new KernelParseError(`${WHAT} line ${line}: cannot read the address ${JSON.stringify(text)}`);
  const v6 = m[1];
  const address = v6 === undefined ? m[2]! : (/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v6)?.[1] ?? v6.toLowerCase());
  return { address, ...(m[3] !== undefined && { dev: m[3] }), port: Number(m[4]) };
}

function counter(info: string, name: string): number {
  const m = new RegExp(`(?:^|\\s)${name}:(\\d+)(?:\\s|$)`).exec(info);
  return m === null ? 0 : Number(m[1]);
}

/** The subflows of the namespace right now (one `ss` process). */
export async function readSubflows(opts?: IpOptions): Promise<Subflow[]> {
  const r = await ssOnce(["-tinH"], opts);
  if (r.exitCode !== 0) throw new KernelParseError(`${WHAT} failed (${r.exitCode}): ${r.stderr.trim()}`);
  return parseSubflows(r.stdout);
}
