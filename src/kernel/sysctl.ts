// rp_filter and MPTCP sysctls through /proc/sys. /proc/sys/net shows the network namespace of the process
// that reads it, not of any `ip -n NS` child: the CLI and the daemon must run inside the namespace they
// manage (`ip netns exec NS mptcp-policy ...`); tests point `root` at a directory of their own.
import { readFileSync, readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface SysctlOptions {
  /** Where /proc/sys is; tests use a temporary directory shaped like it. */
  root?: string;
}

export interface MptcpSysctls {
  /** net.mptcp.enabled; null when the kernel has no MPTCP. */
  enabled: boolean | null;
  /** net.mptcp.pm_type (0 = in-kernel path manager, 1 = userspace); null when absent. */
  pmType: number | null;
}

const DEFAULT_ROOT = "/proc/sys";

// Reads are synchronous on purpose: a /proc/sys file answers in microseconds, while a dozen async reads
// queue on libuv's thread pool and took ~1.3 ms per reconcile (measured), more than both ip batches.
function readNumber(path: string): number | null {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

/** rp_filter of "all" and of every interface (the kernel uses max(all, interface)). "default" is left out. */
export function readRpFilter(opts: SysctlOptions = {}): Record<string, number> {
  const conf = join(opts.root ?? DEFAULT_ROOT, "net/ipv4/conf");
  const out: Record<string, number> = {};
  for (const name of readdirSync(conf)) {
    if (name === "default") continue;
    const v = readNumber(join(conf, name, "rp_filter"));
    if (v !== null) out[name] = v;
  }
  return out;
}

export function readMptcpSysctls(opts: SysctlOptions = {}): MptcpSysctls {
  const dir = join(opts.root ?? DEFAULT_ROOT, "net/mptcp");
  const enabled = readNumber(join(dir, "enabled"));
  const pmType = readNumber(join(dir, "pm_type"));
  return { enabled: enabled === null ? null : enabled !== 0, pmType };
}

export async function writeRpFilter(ifname: string, value: number, opts: SysctlOptions = {}): Promise<void> {
  // The name becomes a path component: refuse anything that could climb out of conf/.
  if (ifname === "" || ifname.includes("/") || ifname === "." || ifname === "..") {
    throw new Error(`invalid interface name for rp_filter: ${JSON.stringify(ifname)}`);
  }
  if (![0, 1, 2].includes(value)) throw new Error(`rp_filter must be 0, 1 or 2, not ${value}`);
  await writeFile(join(opts.root ?? DEFAULT_ROOT, "net/ipv4/conf", ifname, "rp_filter"), `${value}\n`);
}
