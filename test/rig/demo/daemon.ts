// The demo's mptcp-policy daemon: started in the rig's host namespace with the embedded default policy, its
// JSON log lines kept and shown to the reader a few at a time, in a form a person reads.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Rig } from "../rig.js";
import { waitFor, type Waiters } from "./wake.js";

export interface LogLine {
  time: number;
  level: number;
  msg: string;
  component?: string;
  [field: string]: unknown;
}

export interface DemoDaemon {
  /** What the reader would type to start it the same way. */
  command: string;
  /** Prints the log lines that arrived since the last call. */
  showNewLines(): void;
  /**
   * Waits for a line not shown yet. The kernel changes before the daemon logs them (it verifies first), so a
   * step waits for the line, not for the kernel, before showing the log.
   */
  waitForNewLine(predicate: (line: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine>;
  /** SIGTERM, as systemd stops it; resolves with its exit code once it has exited. */
  stop(): Promise<number | null>;
}

const LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };
/** Fields every line has or that its message already says. */
const SHOWN_ELSEWHERE = new Set(["time", "level", "msg", "pid", "hostname", "component", "device", "rule", "op", "command"]);

/**
 * `root`: an empty folder, so no policy file of this machine is found. The run directory (apply lock, pid
 * file) is the rig's too: a daemon of the machine itself must not be blocked by the demo's, nor the reverse.
 */
export function startDemoDaemon(rig: Rig, cli: string, root: string): DemoDaemon {
  const runDir = join(rig.dir, "run");
  mkdirSync(runDir);
  const args = ["daemon", "--root", root];
  const child = rig.spawnInHost([process.execPath, cli, ...args], {
    env: { ...rig.env, MPTCP_POLICY_RUN_DIR: runDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  let shown = 0;
  const waiters: Waiters = new Set();
  let buffer = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      lines.push(parse(buffer.slice(0, i)));
      buffer = buffer.slice(i + 1);
    }
    for (const wake of waiters) wake();
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once("close", (code) => {
      exitCode = code;
      for (const wake of waiters) wake();
      resolve(code);
    }),
  );

  return {
    command: `MPTCP_POLICY_RUN_DIR=${runDir} ip netns exec ${rig.hostNs} node dist/cli/main.js ${args.join(" ")}`,
    showNewLines() {
      for (const line of lines.slice(shown)) process.stdout.write(`  daemon| ${format(line)}\n`);
      shown = lines.length;
    },
    waitForNewLine(predicate, timeoutMs, what) {
      return waitFor(
        waiters,
        () => lines.slice(shown).find(predicate),
        () => (exitCode === undefined ? undefined : `the daemon exited (${exitCode}): ${stderr.trim()}`),
        timeoutMs,
        `the daemon to log ${what}`,
      );
    },
    async stop() {
      if (exitCode === undefined) child.kill("SIGTERM");
      return exited;
    },
  };
}

function parse(text: string): LogLine {
  try {
    return JSON.parse(text) as LogLine;
  } catch {
    return { time: Date.now(), level: 30, msg: text }; // not pino's: show it as it is
  }
}

function format(line: LogLine): string {
  const time = new Date(line.time).toISOString().slice(11, 23);
  const extra = Object.entries(line)
    .filter(([key]) => !SHOWN_ELSEWHERE.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return [time, (LEVELS[line.level] ?? String(line.level)).padEnd(5), line.component ? `[${line.component}]` : "", line.msg, ...extra]
    .filter(Boolean)
    .join(" ");
}
