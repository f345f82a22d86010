// Which policy files apply, by the systemd rules for configuration directories:
// /etc over /run over /usr/lib, a same-named file in a higher directory masks the lower one,
// an empty file or a symlink to /dev/null masks without adding anything.
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";

/** Main policy directories, highest precedence first. */
const MAIN_DIRS = ["etc/mptcp-policy", "usr/lib/mptcp-policy"];
const MAIN_NAMES = ["policy.yaml", "policy.yml", "policy.json"];
/** Drop-in directories, lowest precedence first. */
const DROP_IN_DIRS = ["usr/lib/mptcp-policy/policy.d", "run/mptcp-policy/policy.d", "etc/mptcp-policy/policy.d"];
const POLICY_FILE = /\.(ya?ml|json)$/;

export type MainPolicy =
  | { kind: "file"; path: string }
  /** The highest main file is a mask: the embedded default applies, lower files are hidden. */
  | { kind: "masked"; path: string }
  | { kind: "embedded" };

export interface PolicyFiles {
  main: MainPolicy;
  /** Drop-ins to apply, in name order (later ones override earlier settings). */
  dropIns: string[];
  /** Every file found, masks included: all of them decide what applies, so all must be safe. */
  found: string[];
}

export async function findPolicyFiles(root: string): Promise<PolicyFiles> {
  const found: string[] = [];
  let main: MainPolicy = { kind: "embedded" };
  search: for (const dir of MAIN_DIRS) {
    for (const name of MAIN_NAMES) {
      const path = join(root, dir, name);
      if (!(await exists(path))) continue;
      found.push(path);
      main = (await isMask(path)) ? { kind: "masked", path } : { kind: "file", path };
      break search;
    }
  }
  const byName = new Map<string, string>();
  for (const dir of DROP_IN_DIRS) {
    for (const name of await policyFileNames(join(root, dir))) byName.set(name, join(root, dir, name));
  }
  const dropIns: string[] = [];
  // Byte order, like systemd's strcmp: "10-a" < "9-b" < "a"; locale collation would vary between machines.
  for (const name of [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = byName.get(name)!;
    found.push(path);
    if (!(await isMask(path))) dropIns.push(path);
  }
  return { main, dropIns, found };
}

async function policyFileNames(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => !e.isDirectory() && POLICY_FILE.test(e.name)).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function isMask(path: string): Promise<boolean> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return (await readlink(path)) === "/dev/null";
  return info.isFile() && info.size === 0;
}
