// Real MPTCP traffic through a rig: a python3 sink in the peer namespace, a python3 sender in the host
// namespace, per-link bytes from the host ends' kernel counters.
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readSubflows } from "../../src/kernel/sockets.js";
import type { Rig } from "./rig.js";

const SINK = fileURLToPath(new URL("./mptcp_sink.py", import.meta.url));
const SENDER = fileURLToPath(new URL("./mptcp_send.py", import.meta.url));

export interface TrafficOptions {
  seconds: number;
  /** Link whose peer address the sender connects to (the initial subflow); default: the rig's first link. */
  via?: string;
  /** Address to connect to instead of the `via` link's peer address (e.g. the rig's serverAddr6). */
  to?: string;
  port?: number;
}

export interface TrafficResult {
  /** Bytes each host-side link transmitted during the run (stats64.tx.bytes delta). */
  bytesPerLink: Record<string, number>;
  sentBytes: number;
  receivedBytes: number;
  /** Longest pause between two reads at the sink: how long a failover stalled the transfer. */
  longestGapMs: number;
  /** When that pause began, counted from the first read. */
  longestGapAtMs: number;
}

export interface TrafficRun {
  /**
   * Resolves when the sender has finished and the sink has read everything. A transfer still running
   * STUCK_AFTER_S past its length is stuck: it rejects, saying which side has not reported and what both
   * ends' MPTCP sockets hold, and both processes are killed.
   */
  done: Promise<TrafficResult>;
}

/** A blocked send() never reaches the sender's deadline, so a transfer that lost every path waits for this. */
const STUCK_AFTER_S = 30;

/** Starts a transfer and returns once the sender runs; waitFlowing tells when data moves on a link. */
export async function startTraffic(rig: Rig, opts: TrafficOptions): Promise<TrafficRun> {
  const via = opts.via ?? Object.keys(rig.links)[0];
  const link = via === undefined ? undefined : rig.links[via];
  const target = opts.to ?? link?.peerAddr4 ?? link?.peerAddr6;
  if (target === undefined) throw new Error(`no peer address on link ${via}`);
  const port = String(opts.port ?? 5201);

  const sink = rig.spawnInPeer(["python3", "-u", SINK, target, port], { stdio: ["ignore", "pipe", "pipe"] });
  const sinkLines = lines(sink);
  if ((await sinkLines.next()) !== "ready") throw new Error(`traffic sink did not start: ${await sinkLines.errors()}`);

  const before = await txBytes(rig);
  const sender = rig.spawnInHost(["python3", "-u", SENDER, target, port, String(opts.seconds)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const senderLines = lines(sender);
  const reported = { sender: false, sink: false };

  const finished = (async (): Promise<TrafficResult> => {
    const [sent, received] = await Promise.all([
      senderLines.next().finally(() => (reported.sender = true)),
      sinkLines.next().finally(() => (reported.sink = true)),
    ]);
    if (sent === undefined || received === undefined) {
      sink.kill();
      sender.kill();
      throw new Error(`traffic failed: ${await senderLines.errors()} ${await sinkLines.errors()}`);
    }
    const after = await txBytes(rig);
    const sinkReport = JSON.parse(received) as { bytes: number; longestGapMs: number; longestGapAtMs: number };
    return {
      bytesPerLink: Object.fromEntries(Object.keys(after).map((n) => [n, (after[n] ?? 0) - (before[n] ?? 0)])),
      sentBytes: (JSON.parse(sent) as { bytes: number }).bytes,
      receivedBytes: sinkReport.bytes,
      longestGapMs: sinkReport.longestGapMs,
      longestGapAtMs: sinkReport.longestGapAtMs,
    };
  })();
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const sockets = async (where: string, exec: Rig["hostExec"]) => `${where}:\n${(await exec(["ss", "-MtinH"])).stdout.trim()}`;
      void Promise.all([sockets("host", rig.hostExec), sockets("peer", rig.peerExec)]).then(([host, peer]) => {
        sink.kill();
        sender.kill();
        reject(new Error(`a ${opts.seconds} s transfer still runs ${STUCK_AFTER_S} s after its end: sender ` +
          `${reported.sender ? "reported" : "still running"}, sink ${reported.sink ? "reported" : "still running"}; ` +
          `MPTCP sockets (ss -Mtin) ${host}\n${peer}`));
      }, reject);
    }, (opts.seconds + STUCK_AFTER_S) * 1000);
  });
  return { done: Promise.race([finished, stuck]).finally(() => clearTimeout(timer)) };
}

export async function runTraffic(rig: Rig, opts: TrafficOptions): Promise<TrafficResult> {
  return (await startTraffic(rig, opts)).done;
}

export interface Flowing {
  /** ms from the call until a subflow from the link was first seen established, and until `bytes` were sent. */
  firstSubflowMs: number;
  reachedMs: number;
}

const FLOW_POLL_MS = 50;

/**
 * Waits until the MPTCP subflows from `link`'s host address have sent `bytes` in all (read from the kernel's
 * socket diagnostics): a transfer confirmed flowing there, not a process merely started. On a timeout the
 * error holds what the link's subflows did meanwhile (state and bytes sent, at each change) and the kernel's
 * MPTCP counters, so a failure in CI explains itself.
 */
export async function waitFlowing(rig: Rig, link: string, bytes: number, timeoutMs = 10_000): Promise<Flowing> {
  const addrs = rig.links[link];
  const own = new Set([addrs?.hostAddr4, addrs?.hostAddr6].filter((a) => a !== undefined));
  const started = performance.now();
  const history: string[] = [];
  let firstSubflowMs: number | undefined;
  for (;;) {
    const elapsed = performance.now() - started;
    const subflows = (await readSubflows({ netns: rig.hostNs })).filter((s) => own.has(s.local));
    if (firstSubflowMs === undefined && subflows.some((s) => s.state === "ESTAB")) firstSubflowMs = elapsed;
    const sent = subflows.reduce((sum, s) => sum + s.bytesSent, 0);
    if (sent >= bytes) return { firstSubflowMs: firstSubflowMs ?? elapsed, reachedMs: elapsed };
    const seen = subflows.map((s) => `${s.state} ${s.local}:${s.localPort}→${s.peer}:${s.peerPort} sent ${s.bytesSent}`).join(", ") || "no subflow";
    if (history.at(-1)?.endsWith(seen) !== true) history.push(`${elapsed.toFixed(0)} ms: ${seen}`);
    if (elapsed > timeoutMs) {
      const counters = async (exec: Rig["hostExec"]) =>
        Object.entries(await mptcpCounters(exec)).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ");
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${bytes} bytes of MPTCP traffic sent from ${link}; ` +
        `its subflows:\n${history.join("\n")}\nMPTCP counters since the rig started: host ${await counters(rig.hostExec)}; ` +
        `peer ${await counters(rig.peerExec)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, FLOW_POLL_MS));
  }
}

/** The namespace's MPTCP counters (`nstat`), by name without the MPTcpExt prefix. */
export async function mptcpCounters(exec: Rig["hostExec"]): Promise<Record<string, number>> {
  const { stdout } = await exec(["nstat", "-asz", "MPTcp*"]);
  return Object.fromEntries([...stdout.matchAll(/^MPTcpExt(\w+)\s+(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

/**
 * The receiving kernel reset a subflow because a DSS mapping did not match the one it held (MPTcpExtDSSNotMatching
 * and MPTcpExtMPRstTx both rose on the peer): this kernel (6.18) does so now and then to a join subflow that
 * carries data from its first packet (two plain subflows), and its in-kernel path manager never tries the join
 * again. Measured in a rig: 1 of 12 to 9 of 40 connections, shaped or not, with bbr or cubic. It is the kernel's
 * doing, after the join went through the link: no routing of ours can cause or prevent it.
 */
export function kernelResetJoin(before: Record<string, number>, after: Record<string, number>): boolean {
  const rose = (name: string) => (after[name] ?? 0) > (before[name] ?? 0);
  return rose("DSSNotMatching") && rose("MPRstTx");
}

/**
 * Unshaped veth runs at memory speed, faster than the Python sink reads on a loaded 2-core machine: its
 * receive window fills and MPTCP's data-level retransmit timer (200 ms minimum) fires and re-sends on the
 * other subflow (MPTcpExtMPTCPRetrans 38, MPTcpExtDuplicateData 38, no TCP-level drop, 250 ms pauses with nothing
 * cut). At 100 Mbit/s per link the sink keeps up (longest pause 14-17 ms at load 8-13) and every subflow the
 * scheduler may use runs full. The data flows host → peer, so the host ends' egress is shaped; tbf's queue is
 * bounded by TCP small queues.
 */
export const SHAPING = ["tbf", "rate", "100mbit", "burst", "64kb", "latency", "50ms"];

export async function shapeLinks(rig: Rig, links: readonly string[]): Promise<void> {
  for (const link of links) {
    const r = await rig.hostExec(["tc", "qdisc", "replace", "dev", link, "root", ...SHAPING]);
    if (r.exitCode !== 0) throw new Error(`tc qdisc replace dev ${link} root ${SHAPING.join(" ")}: ${r.stderr.trim()}`);
  }
}

/** tx bytes of the rig's links on the host side. */
export async function txBytes(rig: Rig): Promise<Record<string, number>> {
  const { stdout } = await rig.hostExec(["ip", "-j", "-s", "link", "show"]);
  const links = JSON.parse(stdout) as { ifname: string; stats64?: { tx: { bytes: number } } }[];
  return Object.fromEntries(links.filter((l) => l.ifname in rig.links).map((l) => [l.ifname, l.stats64?.tx.bytes ?? 0]));
}

/** A child's stdout line by line (next() resolves undefined at end of output) and its whole stderr. */
function lines(child: ChildProcess): { next(): Promise<string | undefined>; errors(): Promise<string> } {
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const closed = new Promise((resolve) => child.once("close", resolve));
  const queue: string[] = [];
  const waiters: ((line: string | undefined) => void)[] = [];
  let buffer = "";
  let ended = false;
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else queue.push(line);
    }
  });
  child.once("close", () => {
    ended = true;
    for (const waiter of waiters.splice(0)) waiter(undefined);
  });
  return {
    next: () => {
      const line = queue.shift();
      if (line !== undefined || ended) return Promise.resolve(line);
      return new Promise((resolve) => waiters.push(resolve));
    },
    errors: async () => {
      await closed;
      return stderr.trim();
    },
  };
}
