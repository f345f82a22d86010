// NetworkManager's configured default for connection.mptcp-flags, which a profile with mptcp-flags 0 follows.
// Only the unconditional [connection] section is read: the device-matched [connection-*] sections would
// need NetworkManager's own device matching, and the drop-in this tool ships uses [connection].
// I/O lives here (locate, read); the order of the files is the pure nmConfOrder.
import { access, constants, readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { NmConfMptcpFlags, NmSnapshot } from "../model/types.js";

/** Where a NetworkManager reads its configuration: compiled-in defaults, changed by its command line. */
export interface NmConfPaths {
  /** --system-config-dir. */
  systemDir: string;
  /** Always /run/NetworkManager/conf.d; NetworkManager skips it when it equals one of the other two. */
  runDir: string;
  /** --config. */
  mainFile: string;
  /** --config-dir. */
  configDir: string;
  /** Prefix the paths are read under: NetworkManager's own view of the file system (/proc/PID/root) when we may look. */
  root: string;
  /** When the NetworkManager process started (ms since the epoch), when known. */
  startedAtMs?: number;
}

export const DEFAULT_NM_CONF_PATHS: NmConfPaths = {
  systemDir: "/usr/lib/NetworkManager/conf.d",
  runDir: "/run/NetworkManager/conf.d",
  mainFile: "/etc/NetworkManager/NetworkManager.conf",
  configDir: "/etc/NetworkManager/conf.d",
  root: "/",
};

/** The last connection.mptcp-flags in a [connection] section of one file, or null. */
export function parseNmMptcpFlags(text: string): number | null {
  let section = "";
  let value: number | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1]!.trim();
    else if (section === "connection") {
      const m = /^connection\.mptcp-flags\s*=\s*(\S+)/.exec(line);
      const n = m ? Number(m[1]) : NaN;
      if (Number.isInteger(n) && n >= 0) value = n;
    }
  }
  return value;
}

/** The paths a NetworkManager command line (argv of /proc/PID/cmdline) names, over the defaults. */
export function nmConfPathsFromArgv(argv: readonly string[], root = "/"): NmConfPaths {
  const option = (name: string): string | undefined => {
    let value: string | undefined;
    argv.forEach((arg, i) => {
      if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
      else if (arg === name && argv[i + 1] !== undefined) value = argv[i + 1];
    });
    return value;
  };
  const d = DEFAULT_NM_CONF_PATHS;
  return {
    systemDir: option("--system-config-dir") ?? d.systemDir,
    runDir: d.runDir,
    mainFile: option("--config") ?? d.mainFile,
    configDir: option("--config-dir") ?? d.configDir,
    root,
  };
}

/**
 * NetworkManager's read order (nm-config.c read_entire_config, NetworkManager.conf(5)): the system directory,
 * the run directory, the main file, the config directory; each directory's *.conf by name. A file in the system
 * directory is skipped when one of the same name is in the run or config directory, one in the run directory
 * when one is in the config directory. Later files override earlier ones. `listings` holds each directory's names.
 */
export function nmConfOrder(paths: NmConfPaths, listings: ReadonlyMap<string, readonly string[]>): string[] {
  const runDir = paths.runDir === paths.systemDir || paths.runDir === paths.configDir ? undefined : paths.runDir;
  const confs = (dir: string | undefined) => (dir === undefined ? [] : [...(listings.get(dir) ?? [])].filter((n) => n.endsWith(".conf")).sort());
  const etc = confs(paths.configDir);
  const run = confs(runDir);
  return [
    ...confs(paths.systemDir).filter((n) => !etc.includes(n) && !run.includes(n)).map((n) => join(paths.systemDir, n)),
    ...run.filter((n) => !etc.includes(n)).map((n) => join(runDir!, n)),
    paths.mainFile,
    ...etc.map((n) => join(paths.configDir, n)),
  ];
}

/**
 * The configuration paths of NetworkManager process `pid` (from its command line), read through its own root
 * when allowed; the defaults when there is no such process.
 */
export async function locateNmConf(pid: number | undefined): Promise<NmConfPaths> {
  if (pid === undefined) return DEFAULT_NM_CONF_PATHS;
  const argv = await readFile(`/proc/${pid}/cmdline`, "utf8").then((t) => t.split("\0").filter(Boolean), () => []);
  // NetworkManager may run in its own mount namespace (a private /run); without CAP_SYS_PTRACE over it
  // (the hardened unit) /proc/PID/root is closed to us and the shared file system is the best view.
  const root = `/proc/${pid}/root`;
  const canLook = await access(join(root, "etc"), constants.R_OK).then(() => true, () => false);
  const startedAtMs = await processStartMs(pid);
  return { ...nmConfPathsFromArgv(argv, canLook ? root : "/"), ...(startedAtMs !== undefined && { startedAtMs }) };
}

/** Field 22 of /proc/PID/stat (clock ticks after boot; USER_HZ is 100 on Linux) plus the boot time. */
async function processStartMs(pid: number): Promise<number | undefined> {
  try {
    const [stat, procStat] = await Promise.all([readFile(`/proc/${pid}/stat`, "utf8"), readFile("/proc/stat", "utf8")]);
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const btime = Number(/^btime (\d+)$/m.exec(procStat)?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(btime) ? btime * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How much earlier than the truth processStartMs can put a start: /proc/stat's btime is whole seconds. A package
 * that installs the drop-in and restarts NetworkManager within that second (postinst) would otherwise read as
 * "changed after start" and its endpoints would never be taken over (seen once in the container's package test).
 * A change less than a second after a start counts as in force: NetworkManager reads its configuration then.
 */
const START_UNCERTAINTY_MS = 1_000;

/** What the snapshot carries from NetworkManager's configuration files. */
export type NmConf = Required<Pick<NmSnapshot, "mptcpDefault">> & Pick<NmSnapshot, "confChangedSinceStart">;

/**
 * The configured default, and whether a configuration file or directory changed after NetworkManager started:
 * NetworkManager evaluates the default when it activates a device (measured with 1.42: neither `nmcli general
 * reload conf` nor `nmcli device reapply` reaches an active device), so such a change is not in force yet.
 */
export async function readNmConf(paths: NmConfPaths): Promise<NmConf> {
  const dirs = [paths.systemDir, paths.runDir, paths.configDir];
  const listings = new Map(
    await Promise.all(dirs.map(async (d) => [d, await readdir(join(paths.root, d)).catch(() => [])] as const)),
  );
  const order = nmConfOrder(paths, listings);
  let mptcpDefault: NmConfMptcpFlags | null = null;
  for (const file of order) {
    const value = parseNmMptcpFlags(await readFile(join(paths.root, file), "utf8").catch(() => ""));
    if (value !== null) mptcpDefault = { value, file };
  }
  // A directory's mtime moves when a file is added or removed there; a file's when it is written.
  const mtimes = await Promise.all([...dirs, ...order].map((f) => stat(join(paths.root, f)).then((s) => s.mtimeMs, () => 0)));
  const changed = paths.startedAtMs !== undefined && Math.max(0, ...mtimes) > paths.startedAtMs + START_UNCERTAINTY_MS;
  return { mptcpDefault, ...(changed && { confChangedSinceStart: true as const }) };
}


/** NetworkManager's configuration facts for the one on `bus`: its process, then its files. */
export async function readNmConfOf(nm: { nmPid(): Promise<number | undefined> }): Promise<NmConf> {
  return readNmConf(await locateNmConf(await nm.nmPid().catch(() => undefined)));
}
