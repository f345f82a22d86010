// What /proc says about a process: CPU time and resident memory, for the daemon under test.
import { readFileSync } from "node:fs";

// USER_HZ is 100 on every Linux architecture Node runs on; utime/stime are counted in it.
const TICK_MS = 10;

/** utime + stime of the process itself, in ms (10 ms resolution). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which may hold spaces: field 3 (state) is index 0.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** VmRSS in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Math.round((Number(kb[1]) / 1024) * 10) / 10;
}

/**
 * Waits until the process has used no CPU for `quietMs` (it finished what it was doing): the daemon has
 * no readiness signal a benchmark can rely on, and an idle daemon is the state every measurement starts from.
 */
export async function waitQuiet(pid: number, quietMs = 300, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = cpuMs(pid);
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} still busy after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
    const now = cpuMs(pid);
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}
