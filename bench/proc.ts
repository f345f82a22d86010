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

export interface Rss {
  /** VmRSS in MB. */
  total: number;
  /** Of it, pages mapped from files (the node binary, shared libraries) and anonymous ones (heaps). */
  file: number;
  anon: number;
}

export function rss(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const mb = (field: string) => {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
    if (!kb) throw new Error(`no ${field} for pid ${pid}`);
    return Math.round((Number(kb[1]) / 1024) * 10) / 10;
  };
  return { total: mb("VmRSS"), file: mb("RssFile"), anon: mb("RssAnon") };
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
