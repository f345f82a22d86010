// The Debian 13 (trixie) root file system the booted-container tests boot: made once with debootstrap and
// cached outside the clone, keyed by what goes into it (suite, package list, this recipe). It is built in a
// temporary folder and renamed only when complete, so an interrupted build is never taken for a root; a
// later build removes such leftovers. Containers never write to it (see container.ts: a throwaway overlay).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exec, run } from "../rig/exec.js";

export const SUITE = "trixie";
export const CACHE_DIR = process.env.MPTCP_POLICY_TEST_CACHE ?? "/var/cache/mptcp-policy-test";
const PACKAGE_LIST = fileURLToPath(new URL("./trixie-packages", import.meta.url));
const COMPLETE_MARK = ".root-complete";
const BUILD_TIMEOUT_MS = 20 * 60_000;

// Changing what the build does must change the cache key: the steps are listed here and hashed.
const RECIPE = [
  "debootstrap --variant=minbase",
  // Timers that would start apt or housekeeping in the middle of a test.
  "mask apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer",
];
const MASKED = RECIPE[1]!.split(" ").slice(1);

export function rootPackages(): string[] {
  return readFileSync(PACKAGE_LIST, "utf8").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}

export function rootPath(): string {
  const key = createHash("sha256").update(JSON.stringify([SUITE, rootPackages(), RECIPE])).digest("hex").slice(0, 12);
  return join(CACHE_DIR, `${SUITE}-${key}`);
}

/**
 * The Debian archive this machine's apt uses (the entry that serves a release's main component, not its
 * security or updates suites), read at run time so that no mirror is written into the project.
 */
export function debianMirror(): string {
  const files: string[] = [];
  if (existsSync("/etc/apt/sources.list")) files.push("/etc/apt/sources.list");
  const dir = "/etc/apt/sources.list.d";
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) if (/\.(list|sources)$/.test(f)) files.push(join(dir, f));
  }
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const entries = file.endsWith(".sources") ? deb822Entries(text) : oneLineEntries(text);
    const archive = entries.find((e) => e.types.includes("deb") && e.components.includes("main") &&
      e.suites.some((s) => /^[a-z]+$/.test(s)) && !/security/.test(e.uri));
    if (archive) return archive.uri;
  }
  throw new Error(`no Debian archive found in ${files.join(", ") || "/etc/apt (no sources)"}`);
}

interface SourceEntry {
  types: string[];
  uri: string;
  suites: string[];
  components: string[];
}

function deb822Entries(text: string): SourceEntry[] {
  return text.split(/\n\s*\n/).flatMap((stanza) => {
    const field = (name: string) => {
      const m = new RegExp(`^${name}:\\s*(.*)$`, "mi").exec(stanza);
      return m ? m[1]!.trim().split(/\s+/) : [];
    };
    if (field("Enabled")[0] === "no") return [];
    return field("URIs").map((uri) => ({ types: field("Types"), uri, suites: field("Suites"), components: field("Components") }));
  });
}

function oneLineEntries(text: string): SourceEntry[] {
  return text.split("\n").flatMap((line) => {
    const words = line.replace(/#.*/, "").replace(/\[[^\]]*\]/, "").trim().split(/\s+/);
    if (words.length < 4) return [];
    const [type, uri, suite, ...components] = words;
    return [{ types: [type!], uri: uri!, suites: [suite!], components }];
  });
}

export interface RootBuild {
  dir: string;
  /** Milliseconds spent building; 0 when the cached root was used. */
  builtMs: number;
}

/** The cached root, built first if missing. */
export async function ensureRoot(log: (line: string) => void = () => {}): Promise<RootBuild> {
  const dir = rootPath();
  if (existsSync(join(dir, COMPLETE_MARK))) return { dir, builtMs: 0 };
  mkdirSync(CACHE_DIR, { recursive: true });
  removeAbandonedBuilds();
  const started = Date.now();
  const tmp = join(CACHE_DIR, `.build-${SUITE}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const mirror = debianMirror();
    log(`building ${dir} from ${mirror} (debootstrap ${SUITE}, a few minutes)`);
    // In a private mount namespace: the /proc and /sys debootstrap mounts in the target vanish with it,
    // even when it is interrupted.
    const result = await exec(["unshare", "-m", "--propagation", "private", "debootstrap", "--variant=minbase",
      `--include=${rootPackages().join(",")}`, SUITE, tmp, mirror], { timeoutMs: BUILD_TIMEOUT_MS });
    if (result.exitCode !== 0) {
      const debootstrapLog = join(tmp, "debootstrap", "debootstrap.log");
      const detail = existsSync(debootstrapLog) ? readFileSync(debootstrapLog, "utf8").split("\n").slice(-30).join("\n") : "";
      throw new Error(`debootstrap ${SUITE} failed (${result.exitCode}): ${result.stderr.trim().split("\n").slice(-10).join("\n")}\n${detail}`);
    }
    await run(["systemctl", `--root=${tmp}`, "mask", ...MASKED]);
    writeFileSync(join(tmp, COMPLETE_MARK), JSON.stringify({ suite: SUITE, packages: rootPackages(), mirror, builtAt: new Date().toISOString() }));
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another run finished the same root first: use it.
      if (!existsSync(join(dir, COMPLETE_MARK))) throw error;
      rmSync(tmp, { recursive: true, force: true });
    }
    return { dir, builtMs: Date.now() - started };
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Build folders whose builder is gone (killed mid-build): never used, only removed. */
function removeAbandonedBuilds(): void {
  for (const entry of readdirSync(CACHE_DIR)) {
    const m = /^\.build-.*-(\d+)$/.exec(entry);
    if (m && !existsSync(`/proc/${m[1]}`)) rmSync(join(CACHE_DIR, entry), { recursive: true, force: true });
  }
}
