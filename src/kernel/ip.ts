// The only module that starts iproute2's programs: one-shot `ip` and `ss` runs (execa), resident
// `ip -force -batch -` processes and `ip monitor` (node:child_process, because they live as long as the daemon).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

export interface IpOptions {
  /** Runs `ip -n NETNS ...`: tests and benchmarks work on a namespace from outside it. */
  netns?: string;
}

export interface BatchResult {
  outputs: string[];
  failures: { index: number; message: string }[];
}

/** A resident `ip [-4|-6] [-json] -force -batch -` process fed line by line through stdin. */
export interface IpBatch {
  /**
   * Runs the lines in order; outputs[i] is what line i printed on stdout ("" if nothing); failures name the
   * line index and ip's error text. Never rejects for a failed line; rejects (IpBatchDiedError) only if the
   * process died, and the next call starts a fresh process. Calls are queued (one group at a time).
   */
  run(lines: readonly (readonly string[])[]): Promise<BatchResult>;
  /** Starts the process now, if it is not running, instead of with the next run (the daemon: spawning blocks for milliseconds). */
  prestart(): void;
  close(): Promise<void>;
}

export type IpBatchOptions = IpOptions & { family?: "inet" | "inet6"; json?: boolean };

/** The process died while running a group: iproute2 exits outright on some argument errors (e.g. a bad prefix). */
export class IpBatchDiedError extends Error {
  readonly kind = "ip-batch-died";
  constructor(
    message: string,
    /** What the lines before the one that was running produced. */
    readonly partial: BatchResult,
    /** Index of the line that was running, or null if the process died between lines. */
    readonly index: number | null,
  ) {
    super(message);
  }
}

/** A line that cannot be passed to `ip -batch` as is. */
export class IpLineError extends Error {
  readonly kind = "ip-line-invalid";
}

let started = 0;

/** How many ip processes this module started (benchmarks, tests). */
export function ipProcessCount(): number {
  return started;
}

function globalArgs(opts: IpOptions | undefined): string[] {
  return opts?.netns === undefined ? [] : ["-n", opts.netns];
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function runOnce(program: "ip" | "ss", args: readonly string[]): Promise<RunResult> {
  // Loaded on first use: execa is 145 ms of module loading, and the resident processes do not need it.
  const { execa } = await import("execa");
  const r = await execa(program, args, { reject: false, stripFinalNewline: false });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
}

export async function ipOnce(args: readonly string[], opts?: IpOptions): Promise<RunResult> {
  started++;
  return runOnce("ip", [...globalArgs(opts), ...args]);
}

/**
 * One `ss` run (socket diagnostics: TCP-diag and MPTCP-diag, read-only). Not counted by ipProcessCount: it
 * never takes part in a reconcile. ss switches namespace with `-N`, not ip's `-n`.
 */
export function ssOnce(args: readonly string[], opts?: IpOptions): Promise<RunResult> {
  return runOnce("ss", [...(opts?.netns === undefined ? [] : ["-N", opts.netns]), ...args]);
}

// ───────────────────────── resident batch ─────────────────────────
//
// stdout and stderr are separate pipes, so a group is framed on each of them:
// - after every line we write MARKER, whose stdout answer is recognisable and which fflush()es ip's stdout
//   buffer (so whatever line i left buffered lands before it);
// - after the group we write END, an unknown object: ip prints `Command failed -:N` on stderr, and since
//   ip numbers every stdin line, N tells that all stderr of the group has been read.
// Error text that precedes `Command failed -:N` belongs to line N.
//
// `netconf show dev lo`: lo exists in every namespace, it is one netlink round trip, and iproute2 prints
// it as `inet lo forwarding ...` (6.1 even under -json for one family) or as a JSON array starting
// `[{"family":"inet","interface":"lo"` (no family given). Without a family, text mode prints one line per
// family; only the inet line counts, the inet6 line is dropped. Callers may not run `netconf` themselves.
//
// Under -json, iproute2 6.1 leaves its JSON document open when a `route`/`rule` dump fails (iproute.c,
// iprule.c return before delete_json_obj), and the marker would then print into it with no newline. So
// JSON processes write RESET first: a dump that is always empty (lo has no neighbours) opens and closes a
// fresh document, printing "[]\n", which is cut off the line's output again.
// With a family (-4/-6) the marker is a netlink get with NLM_F_ACK, and since iproute2 6.12 (commit 6887a065,
// Debian 13's 6.15) ip reads it with rtnl_talk(), which returns on the answer and leaves the kernel's ack
// unread; rtnl_talk() accepts a reply whose sequence number is one below its own, so the next get or change
// (`route get`, `route add`) took that stale ack as its own reply: `route get` printed "Not a route:
// 00000024 00000002 00000100", a change reported success before the kernel answered, and its real error was
// lost. A dump skips replies of other sequence numbers, so family processes write DRAIN (a dump) before
// each line to throw the stale ack away. Under -json it prints "[]\n", which is cut off again.
// iproute2 7.1 (commit b468824a) stopped fflush()ing after show commands: there the marker would stay in
// ip's stdio buffer and the watchdog below would end the group. Running ip under `stdbuf -oL` would cure it.
const MARKER = "netconf show dev lo";
const MARKER_LINE = /^(.*?)(?:(inet6?) lo forwarding .*|\[\{"family":"(inet6?)","interface":"lo".*)$/;
const RESET = "neigh show dev lo";
const RESET_OUTPUT = "[]\n";
const DRAIN = RESET;
const END = "kra-end-of-group";
/** After END is seen on stderr, stdout has everything within microseconds; past this the framing is lost. */
const FRAMING_GRACE_MS = 1000;
const FAILED_LINE = /^Command failed -:(\d+)$/;

const FORBIDDEN_CHARS = /[\s"'#\\]/;

/** ip's batch reader splits on blanks, honours quotes, `#` comments and `\` continuations: refuse them all. */
function renderLine(line: readonly string[]): string {
  if (line.length === 0) throw new IpLineError("empty ip line");
  for (const arg of line) {
    if (arg === "" || FORBIDDEN_CHARS.test(arg)) {
      throw new IpLineError(`ip argument ${JSON.stringify(arg)} is empty or holds whitespace, a quote, # or \\`);
    }
  }
  // ip matches objects by prefix (`net` → netns, `netc` → netconf).
  const object = line[0]!;
  if (object.length >= 4 && "netconf".startsWith(object)) {
    throw new IpLineError("`ip netconf` is reserved as the batch's line marker");
  }
  return line.join(" ");
}

interface Group {
  /** ip's line number of each caller line. */
  lineNumbers: number[];
  endLine: number;
  outputs: string[];
  failures: { index: number; message: string }[];
  markersSeen: number;
  current: string;
  endSeen: boolean;
  resolve(r: BatchResult): void;
  reject(e: Error): void;
}

class ResidentBatch implements IpBatch {
  private proc: ChildProcessWithoutNullStreams | null = null;
  private lineNo = 0;
  private group: Group | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Groups handed to run() and not settled yet. */
  private queued = 0;
  private stdoutRest = "";
  private stderrRest = "";
  private stderrText: string[] = [];
  private closed = false;
  private killReason: string | null = null;
  private watchdog: NodeJS.Timeout | null = null;

  constructor(private readonly opts: IpBatchOptions) {}

  run(lines: readonly (readonly string[])[]): Promise<BatchResult> {
    let rendered: string[];
    try {
      rendered = lines.map(renderLine);
    } catch (e) {
      return Promise.reject(e);
    }
    // An idle process gets the group now rather than a microtask later: the daemon's removal on a
    // DEACTIVATING signal races NetworkManager's own removal of the address.
    const next = this.queued === 0 ? this.runGroup(rendered) : this.queue.then(() => this.runGroup(rendered));
    this.queued++;
    this.queue = next.catch(() => undefined).finally(() => this.queued--);
    return next;
  }

  prestart(): void {
    if (!this.closed && this.proc === null) this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    const proc = this.proc;
    if (proc === null) return;
    const exited = new Promise<void>((resolve) => proc.once("close", () => resolve()));
    proc.stdin.end();
    await exited;
  }

  private runGroup(lines: string[]): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new Error("ip batch is closed"));
    if (lines.length === 0) return Promise.resolve({ outputs: [], failures: [] });
    const proc = this.proc ?? this.start();
    const before = this.opts.family === undefined ? [] : [DRAIN];
    const after = this.opts.json === true ? [RESET, MARKER] : [MARKER];
    return new Promise<BatchResult>((resolve, reject) => {
      const lineNumbers: number[] = [];
      let text = "";
      for (const line of lines) {
        this.lineNo += before.length;
        lineNumbers.push(this.lineNo + 1);
        this.lineNo += 1 + after.length;
        text += `${[...before, line, ...after].join("\n")}\n`;
      }
      const endLine = ++this.lineNo;
      text += `${END}\n`;
      this.group = {
        lineNumbers, endLine, outputs: [], failures: [], markersSeen: 0, current: "", endSeen: false, resolve, reject,
      };
      proc.stdin.write(text);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    const args = [...globalArgs(this.opts)];
    if (this.opts.family === "inet") args.push("-4");
    if (this.opts.family === "inet6") args.push("-6");
    if (this.opts.json === true) args.push("-json");
    args.push("-force", "-batch", "-");
    const proc = spawn("ip", args, { stdio: ["pipe", "pipe", "pipe"] });
    started++;
    this.proc = proc;
    this.lineNo = 0;
    this.killReason = null;
    this.stdoutRest = "";
    this.stderrRest = "";
    this.stderrText = [];
    proc.stdout.setEncoding("utf8");
    proc.stderr.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => this.onStdout(chunk));
    proc.stderr.on("data", (chunk: string) => this.onStderr(chunk));
    // A write to a dead process fails with EPIPE; the exit handler reports it.
    proc.stdin.on("error", () => undefined);
    proc.on("error", (e) => this.died(proc, `ip could not run: ${e.message}`));
    // "close", not "exit": by then every byte ip wrote has been read.
    proc.on("close", (code, signal) => this.died(proc, this.killReason ?? `ip exited (${signal ?? code})`));
    return proc;
  }

  private onStdout(chunk: string): void {
    const parts = (this.stdoutRest + chunk).split("\n");
    this.stdoutRest = parts.pop()!;
    for (const line of parts) this.onStdoutLine(line);
  }

  private onStdoutLine(line: string): void {
    const g = this.group;
    if (g === null) return;
    const m = MARKER_LINE.exec(line);
    if (m === null) {
      g.current += `${line}\n`;
      return;
    }
    g.current += m[1];
    const family = m[2] ?? m[3];
    if (family !== (this.opts.family === "inet6" ? "inet6" : "inet")) return;
    let output = g.current;
    if (this.opts.json === true) {
      if (output.endsWith(RESET_OUTPUT)) output = output.slice(0, -RESET_OUTPUT.length);
      if (this.opts.family !== undefined && output.startsWith(RESET_OUTPUT)) output = output.slice(RESET_OUTPUT.length);
    }
    g.outputs.push(output);
    g.current = "";
    g.markersSeen++;
    this.settle();
  }

  private onStderr(chunk: string): void {
    const parts = (this.stderrRest + chunk).split("\n");
    this.stderrRest = parts.pop()!;
    const g = this.group;
    for (const line of parts) {
      const m = FAILED_LINE.exec(line);
      if (m === null) {
        this.stderrText.push(line);
        continue;
      }
      const n = Number(m[1]);
      const message = this.stderrText.join("\n");
      this.stderrText = [];
      if (g === null) continue;
      if (n === g.endLine) {
        g.endSeen = true;
        continue;
      }
      const index = g.lineNumbers.indexOf(n);
      if (index >= 0) {
        g.failures.push({ index, message });
      } else {
        // DRAIN, RESET or MARKER failed: the group's stdout can no longer be framed.
        this.kill(`the batch's framing line ${n} failed: ${message}`);
        return;
      }
    }
    this.settle();
  }

  private settle(): void {
    const g = this.group;
    if (g === null || !g.endSeen) return;
    if (g.markersSeen < g.lineNumbers.length) {
      this.watchdog ??= setTimeout(() => this.kill("ip's output lost its framing"), FRAMING_GRACE_MS);
      return;
    }
    this.clearWatchdog();
    this.group = null;
    g.resolve({ outputs: g.outputs, failures: g.failures });
  }

  private kill(reason: string): void {
    this.killReason = reason;
    this.proc?.kill("SIGKILL");
  }

  private clearWatchdog(): void {
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private died(proc: ChildProcessWithoutNullStreams, why: string): void {
    if (this.proc !== proc) return;
    this.proc = null;
    this.clearWatchdog();
    const g = this.group;
    if (g === null) return;
    this.group = null;
    const index = g.markersSeen < g.lineNumbers.length ? g.markersSeen : null;
    const rest = [...this.stderrText, this.stderrRest].filter((s) => s !== "").join("\n");
    const partial = { outputs: g.outputs, failures: g.failures };
    g.reject(new IpBatchDiedError(`${why}${index === null ? "" : ` at line ${index}`}${rest ? `: ${rest}` : ""}`, partial, index));
  }
}

export function openIpBatch(opts: IpBatchOptions = {}): IpBatch {
  return new ResidentBatch(opts);
}

// ───────────────────────── monitor ─────────────────────────

/** A resident `ip monitor OBJECTS` (iproute2 6.1 has no JSON monitor: lines are parsed by monitor.ts). */
export function spawnIpMonitor(
  objects: readonly string[],
  onLine: (line: string) => void,
  opts?: IpOptions & { /** The process ended without stop(): killed, or ip itself failed. */ onExit?: () => void },
): { stop(): Promise<void> } {
  const proc = spawn("ip", [...globalArgs(opts), "monitor", ...objects], { stdio: ["ignore", "pipe", "ignore"] });
  started++;
  let stopping = false;
  let rest = "";
  proc.stdout.setEncoding("utf8");
  proc.stdout.on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    for (const line of parts) onLine(line);
  });
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      if (!stopping) opts?.onExit?.();
      resolve();
    };
    proc.once("exit", done);
    proc.once("error", done);
  });
  return {
    async stop() {
      stopping = true;
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}
