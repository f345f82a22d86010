// Live proof that this kernel negotiates MPTCP: one connection over loopback in a throwaway network namespace.
//
// The namespace is anonymous (`unshare -n`), not a named `ip netns`: it exists only as long as the python3
// process inside it, so the kernel removes it even if doctor is killed mid-test; there is nothing to clean up
// and nothing that can leak. A new namespace starts with net.mptcp.enabled=1 and its own MIB counters, so
// the counters read afterwards belong to this one connection. (The host's own sysctl is mptcp.enabled's check.)
import type { SelfTestResult } from "./facts.js";
import { runProgram } from "./probes.js";

// Brings lo up with SIOCSIFFLAGS (no `ip` needed inside), connects an MPTCP client to an MPTCP listener,
// exchanges a few bytes, then reports MPTCP_INFO (SOL_MPTCP 284, MPTCP_INFO 1; Linux 5.16+) and the
// namespace's MPTcpExt counters. On a fallback to TCP the getsockopt fails with EOPNOTSUPP.
const SCRIPT = String.raw`
import errno, fcntl, json, socket, struct
out = {}
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flags = struct.unpack('16sh', fcntl.ioctl(s, 0x8913, struct.pack('16sh', b'lo', 0)))[1]
    fcntl.ioctl(s, 0x8914, struct.pack('16sh', b'lo', flags | 1))
    s.close()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
    srv.bind(('127.0.0.1', 0)); srv.listen(1); srv.settimeout(3)
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); cli.settimeout(3)
    cli.connect(srv.getsockname())
    conn, _ = srv.accept()
    cli.sendall(b'mptcp?'); conn.recv(16)
    try:
        info = cli.getsockopt(284, 1, 256)
        out['infoFlags'] = struct.unpack_from('<I', info, 8)[0]
    except OSError as e:
        out['infoError'] = errno.errorcode.get(e.errno, str(e.errno))
except OSError as e:
    out['error'] = '%s (%s)' % (e.strerror, errno.errorcode.get(e.errno, e.errno))
lines = open('/proc/net/netstat').read().split('\n')
for i in range(0, len(lines) - 1, 2):
    if lines[i].startswith('MPTcpExt:'):
        out['counters'] = {k: int(v) for k, v in zip(lines[i].split()[1:], lines[i + 1].split()[1:]) if int(v)}
print(json.dumps(out))
`;

/** What the script prints. */
export interface SelfTestOutput {
  error?: string;
  infoFlags?: number;
  infoError?: string;
  counters?: Record<string, number>;
}

const MPTCP_INFO_FLAG_FALLBACK = 0x1;

/** Judges the script's report: negotiated means MP_CAPABLE came back on the SYN-ACK and nothing fell back. */
export function judgeSelfTest(output: SelfTestOutput, durationMs: number): SelfTestResult {
  const counters = output.counters ?? {};
  if (output.error) {
    const hint = output.error.includes("ENOPROTOOPT") ? ": net.mptcp.enabled is 0" : output.error.includes("EPROTONOSUPPORT") || output.error.includes("EINVAL") ? ": the kernel has no MPTCP" : "";
    return { ran: true, negotiated: false, durationMs, detail: `the MPTCP socket failed: ${output.error}${hint}`, counters };
  }
  const fallbacks = Object.keys(counters).filter((k) => k.startsWith("MPCapableFallback"));
  const synAck = counters["MPCapableSYNACKRX"] ?? 0;
  const infoSaysFallback = output.infoFlags !== undefined && (output.infoFlags & MPTCP_INFO_FLAG_FALLBACK) !== 0;
  if (synAck > 0 && fallbacks.length === 0 && !infoSaysFallback) {
    const info = output.infoFlags !== undefined ? `, MPTCP_INFO flags 0x${output.infoFlags.toString(16)} (no fallback)` : "";
    return { ran: true, negotiated: true, durationMs, detail: `the client got MP_CAPABLE on the SYN-ACK (MPCapableSYNACKRX=${synAck})${info}`, counters };
  }
  const why =
    fallbacks.length > 0
      ? `fell back to plain TCP (${fallbacks.map((k) => `${k}=${counters[k]}`).join(", ")})`
      : infoSaysFallback
        ? `fell back to plain TCP (MPTCP_INFO flags 0x${output.infoFlags!.toString(16)})`
        : `no MP_CAPABLE SYN-ACK seen (MPCapableSYNACKRX=${synAck})`;
  return { ran: true, negotiated: false, durationMs, detail: `${why}${output.infoError ? `, MPTCP_INFO: ${output.infoError}` : ""}`, counters };
}

export async function runSelfTest(): Promise<SelfTestResult> {
  // As root a bare network namespace; otherwise a user namespace makes us root inside it, where allowed.
  const unshareArgs = process.getuid?.() === 0 ? ["-n"] : ["-r", "-n"];
  const started = performance.now();
  const run = await runProgram("unshare", [...unshareArgs, "python3", "-c", SCRIPT], 10_000);
  const durationMs = performance.now() - started;
  if (!run.ok) return { ran: false, reason: run.reason };
  const last = run.value.stdout.trim().split("\n").pop() ?? "";
  if (run.value.code !== 0 || !last.startsWith("{")) {
    return { ran: false, reason: `unshare ${unshareArgs.join(" ")} python3 exited ${run.value.code}: ${run.value.stderr.trim().split("\n").pop() ?? ""}` };
  }
  return judgeSelfTest(JSON.parse(last) as SelfTestOutput, durationMs);
}
