// The built CLI run inside a rig's host namespace, as an admin would run it there (one-shot, optionally with an
// `ip` shim first in PATH that logs every `ip` process the CLI starts, or the daemon).
import type { ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { jsonLines } from "./exec.js";
import type { ExecResult, Rig } from "./rig.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = join(REPO, "dist/cli/main.js");

/**
 * The tests run the compiled CLI (a tsx start costs ~2 s a run): fail, naming the file, when the build is
 * missing or older than a source file, rather than test yesterday's code. `npm test` builds first.
 */
export function assertFreshBuild(): void {
  const src = join(REPO, "src");
  const stale = listTs(src).filter((file) => {
    const built = join(REPO, "dist", relative(src, file)).replace(/\.ts$/, ".js");
    return !existsSync(built) || statSync(built).mtimeMs < statSync(file).mtimeMs;
  });
  if (stale.length > 0) throw new Error(`dist/ is older than ${stale.map((f) => relative(REPO, f)).join(", ")}: run npm run build`);
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

export function runCli(rig: Rig, ...args: string[]): Promise<ExecResult> {
  return rig.hostExec([process.execPath, CLI, ...args]);
}

/**
 * `mptcp-policy daemon ARGS` from the build in the rig's host namespace, with its lock and pid file in the rig
 * (rig.dir/run: no other daemon on this machine makes it wait). With `onLogLine`, each JSON log line it prints
 * (`--log-format json` is the default off a terminal) is handed over parsed; without, its output is dropped.
 */
export function spawnDaemon<T>(rig: Rig, args: string[], onLogLine?: (line: T) => void): ChildProcess {
  const child = rig.spawnInHost([process.execPath, CLI, "daemon", ...args], {
    env: { ...rig.env, MPTCP_POLICY_RUN_DIR: join(rig.dir, "run") },
    stdio: ["ignore", onLogLine ? "pipe" : "ignore", "inherit"],
  });
  if (onLogLine) jsonLines(child, onLogLine);
  return child;
}

/** Runs the CLI with a logging `ip` first in PATH; resolves to its result and the argv of each `ip` it started. */
export async function runCliCountingIp(rig: Rig, ...args: string[]): Promise<{ result: ExecResult; ipRuns: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "ip-shim-"));
  try {
    const log = join(dir, "runs");
    writeFileSync(log, "");
    writeFileSync(join(dir, "ip"), `#!/bin/sh\necho "$*" >> ${log}\nPATH=${process.env.PATH}\nexec ip "$@"\n`);
    chmodSync(join(dir, "ip"), 0o755);
    const result = await rig.hostExec(["env", `PATH=${dir}:${process.env.PATH}`, process.execPath, CLI, ...args]);
    return { result, ipRuns: readFileSync(log, "utf8").split("\n").filter(Boolean) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
