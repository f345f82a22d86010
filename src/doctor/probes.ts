// The doctor's reads of programs other than `ip` and of /proc: the only file here that spawns.
// Programs run with an argv array (no shell) and a timeout, and never make the caller throw.
import { execFile } from "node:child_process";
import { access, constants, readFile, readdir, readlink } from "node:fs/promises";
import { gunzip } from "node:zlib";
import { promisify } from "node:util";
import { delimiter, join } from "node:path";
import type { KernelConfigFacts, Measured, SocketCounts } from "./facts.js";

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs FILE ARGS; a non-zero exit is a result, only "could not run at all" (ENOENT, timeout) is a failure. */
export function runProgram(file: string, args: string[], timeoutMs = 5_000): Promise<Measured<ProgramResult>> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") {
        resolve({ ok: false, reason: err.killed ? `${file} timed out after ${timeoutMs} ms` : `${file}: ${err.message}` });
        return;
      }
      resolve({ ok: true, value: { code: err ? Number(err.code) : 0, stdout, stderr } });
    });
  });
}

export async function findInPath(name: string, path = process.env["PATH"] ?? ""): Promise<string | null> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

const CONFIG_OPTIONS = ["CONFIG_MPTCP", "CONFIG_MPTCP_IPV6", "CONFIG_INET_MPTCP_DIAG"];

/** Picks CONFIG_ lines out of a kernel .config; "# CONFIG_X is not set" and absence both give null. */
export function parseKernelConfig(text: string, options = CONFIG_OPTIONS): Record<string, string | null> {
  const found: Record<string, string | null> = Object.fromEntries(options.map((o) => [o, null]));
  for (const line of text.split("\n")) {
    const m = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (m && m[1]! in found) found[m[1]!] = m[2]!;
  }
  return found;
}

export async function readKernelConfig(release: string): Promise<KernelConfigFacts> {
  try {
    const text = (await promisify(gunzip)(await readFile("/proc/config.gz"))).toString("utf8");
    return { source: "/proc/config.gz", options: parseKernelConfig(text) };
  } catch {
    // not built with CONFIG_IKCONFIG_PROC (or module not loaded): distributions ship /boot/config-* instead
  }
  const boot = `/boot/config-${release}`;
  try {
    return { source: boot, options: parseKernelConfig(await readFile(boot, "utf8")) };
  } catch {
    return { source: null, options: parseKernelConfig("") };
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Pids whose command name is NAME and whose network namespace is ours: a daemon in another namespace manages other endpoints. */
export async function pidsInOurNetns(name: string): Promise<number[]> {
  const ours = await readlink("/proc/self/ns/net").catch(() => null);
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readFile(`/proc/${entry}/comm`, "utf8")).trim() !== name) continue;
      const theirs = await readlink(`/proc/${entry}/ns/net`).catch(() => null);
      // Not allowed to look (not root): count it, a possible conflict is worth a line.
      if (ours === null || theirs === null || theirs === ours) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function countLines(text: string, keep: (line: string) => boolean = () => true): number {
  return text.split("\n").filter((l) => l.trim() !== "" && keep(l)).length;
}

/** MPTCP connections (`ss -M`, listeners excluded) and established TCP sockets that are not MPTCP subflows. */
export async function countSockets(): Promise<Measured<SocketCounts>> {
  const mptcp = await runProgram("ss", ["-HMn"]);
  if (!mptcp.ok) return mptcp;
  if (mptcp.value.code !== 0) return { ok: false, reason: `ss -M failed (no CONFIG_INET_MPTCP_DIAG?): ${mptcp.value.stderr.trim()}` };
  // One line per socket (-O); an MPTCP subflow is a TCP socket whose info names the mptcp ULP.
  const tcp = await runProgram("ss", ["-HtinO", "state", "established"]);
  if (!tcp.ok) return tcp;
  if (tcp.value.code !== 0) return { ok: false, reason: `ss -t failed: ${tcp.value.stderr.trim()}` };
  return {
    ok: true,
    value: { mptcp: countLines(mptcp.value.stdout), tcp: countLines(tcp.value.stdout, (l) => !l.includes("tcp-ulp-mptcp")) },
  };
}
