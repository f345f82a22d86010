// NetworkManager's global default for connection.mptcp-flags, which profiles with mptcp-flags 0 follow.
// Only the unconditional [connection] section is read: the device-matched [connection-*] sections would
// need NetworkManager's own device matching, and the drop-in this tool ships uses [connection].
import { readFile, readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import type { NmGlobalMptcpFlags } from "./facts.js";

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

async function confFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith(".conf")).sort().map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/**
 * NetworkManager.conf(5) order: /usr/lib/NetworkManager/conf.d, /run/NetworkManager/conf.d, the main file,
 * /etc/NetworkManager/conf.d; a same-named file in /etc hides the /run and /usr/lib ones, one in /run hides /usr/lib.
 * Later files override earlier ones.
 */
export async function readNmGlobalMptcpFlags(root = "/"): Promise<NmGlobalMptcpFlags | null> {
  const [lib, run, etc] = await Promise.all(
    ["usr/lib/NetworkManager/conf.d", "run/NetworkManager/conf.d", "etc/NetworkManager/conf.d"].map((d) => confFiles(join(root, d))),
  );
  const names = (files: string[]) => new Set(files.map((f) => basename(f)));
  const etcNames = names(etc!);
  const runNames = names(run!);
  const order = [
    ...lib!.filter((f) => !etcNames.has(basename(f)) && !runNames.has(basename(f))),
    ...run!.filter((f) => !etcNames.has(basename(f))),
    join(root, "etc/NetworkManager/NetworkManager.conf"),
    ...etc!,
  ];
  let found: NmGlobalMptcpFlags | null = null;
  for (const file of order) {
    const text = await readFile(file, "utf8").catch(() => "");
    const value = parseNmMptcpFlags(text);
    if (value !== null) found = { value, file };
  }
  return found;
}
