// `npm run package`: build/mptcp-policy_<version>_all.deb from the bundle (dist/bundle, rebuilt) and the files in
// this tree, with plain `dpkg-deb --build` (no debhelper, no network). The layout is the table below; maintainer
// scripts are in packaging/debian/. `--version V` builds another version number (an upgrade test needs a newer one).
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, lstatSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { bundle, ENTRY } from "./bundle.js";
import { manPage } from "./man-page.js";

const TREE = fileURLToPath(new URL("..", import.meta.url));
export const BUILD_DIR = join(TREE, "build");
export const PROGRAM_DIR = "usr/lib/mptcp-policy";
export const SHARE_DIR = "usr/share/mptcp-policy";
const DOC_DIR = "usr/share/doc/mptcp-policy";
const MAN_DIR = "usr/share/man/man1";
const MAINTAINER = "mptcp-policy maintainers <maintainers@users.noreply.r-seed-5dac782b.example>";

/** Files copied from the tree: source (relative to the checkout) → path in the package, with its mode. */
const TREE_FILES: readonly { from: string; to: string; mode: number }[] = [
  { from: "packaging/mptcp-policy.service", to: "usr/lib/systemd/system/mptcp-policy.service", mode: 0o644 },
  { from: "packaging/NetworkManager-mptcp-policy.conf", to: "usr/lib/NetworkManager/conf.d/90-mptcp-policy.conf", mode: 0o644 },
  { from: "dispatcher.d/90-mptcp-policy", to: "usr/lib/NetworkManager/dispatcher.d/90-mptcp-policy", mode: 0o755 },
  { from: "README.md", to: `${DOC_DIR}/README.md`, mode: 0o644 },
  { from: "packaging/debian/copyright", to: `${DOC_DIR}/copyright`, mode: 0o644 },
  { from: "packaging/debian/lintian-overrides", to: "usr/share/lintian/overrides/mptcp-policy", mode: 0o644 },
  // The policy reference where README.md's links to policies/README.md still lead.
  { from: "policies/README.md", to: `${DOC_DIR}/policies/README.md`, mode: 0o644 },
  // The shipped example policies and the JSON Schema (which the program reads at run time).
  ...readdirSync(join(TREE, "policies"))
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .map((name) => ({ from: `policies/${name}`, to: `${SHARE_DIR}/${name}`, mode: 0o644 })),
];

const MAINTAINER_SCRIPTS = ["postinst", "prerm", "postrm"];

/**
 * What the package needs at run time. nodejs 20: Debian 13 has 20.19; Debian 12 has only 18, so there it takes
 * NodeSource's nodejs 20+ (same package name). network-manager 1.20 reads dispatcher scripts from /usr/lib
 * (NEWS of 1.20); the D-Bus properties we read are older. iproute2: `ip mptcp` (doctor reports missing features).
 */
export const DEPENDS = "nodejs (>= 20), iproute2, network-manager (>= 1.20)";

export interface BuiltPackage {
  deb: string;
  version: string;
}

/** Builds into `outDir` (the package and its staging tree `deb-root/`, replaced each time). */
export async function buildPackage({ version = packageVersion(), outDir = BUILD_DIR } = {}): Promise<BuiltPackage> {
  const stage = join(outDir, "deb-root");
  rmSync(stage, { recursive: true, force: true });
  const epoch = sourceDateEpoch();

  // Bundled in the tree first: run from there (the schema is found next to it), it writes its manual page.
  const built = await bundle();
  place(stage, PROGRAM_DIR);
  for (const name of readdirSync(dirname(built))) {
    const to = join(stage, PROGRAM_DIR, name);
    const text = readFileSync(join(dirname(built), name), "utf8");
    // Depends: nodejs provides /usr/bin/node; `env node` could find another Node earlier in PATH (/usr/local/bin).
    writeFileSync(to, name === ENTRY ? text.replace(/^#!.*\n/, "#!/usr/bin/node\n") : text);
    chmodSync(to, name === ENTRY ? 0o755 : 0o644);
  }
  place(stage, MAN_DIR);
  const date = new Date(epoch * 1000).toISOString().slice(0, 10);
  writeFileSync(join(stage, MAN_DIR, "mptcp-policy.1.gz"), gzipSync(await manPage(built, version, date), { level: 9 }));
  chmodSync(join(stage, MAN_DIR, "mptcp-policy.1.gz"), 0o644);
  place(stage, "usr/bin");
  symlinkSync(`../lib/mptcp-policy/${ENTRY}`, join(stage, "usr/bin/mptcp-policy"));

  for (const file of TREE_FILES) {
    place(stage, dirname(file.to));
    copyFileSync(join(TREE, file.from), join(stage, file.to));
    chmodSync(join(stage, file.to), file.mode);
  }
  writeFileSync(join(stage, DOC_DIR, "changelog.gz"), gzipSync(debianChangelog(version, epoch), { level: 9 }));
  chmodSync(join(stage, DOC_DIR, "changelog.gz"), 0o644);

  place(stage, "DEBIAN");
  for (const script of MAINTAINER_SCRIPTS) {
    copyFileSync(join(TREE, "packaging/debian", script), join(stage, "DEBIAN", script));
    chmodSync(join(stage, "DEBIAN", script), 0o755);
  }
  const files = payloadFiles(stage);
  writeFileSync(join(stage, "DEBIAN/md5sums"), files.map((f) => `${md5(join(stage, f))}  ${f}\n`).join(""));
  writeFileSync(join(stage, "DEBIAN/control"), control(version, installedSizeKiB(stage, files)));
  for (const name of ["md5sums", "control"]) chmodSync(join(stage, "DEBIAN", name), 0o644);
  stampTimes(stage, epoch);

  const deb = join(outDir, `mptcp-policy_${version}_all.deb`);
  execFileSync("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", stage, deb], {
    env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return { deb, version };
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(TREE, "package.json"), "utf8")) as { version: string }).version;
}

function control(version: string, installedSize: number): string {
  return [
    "Package: mptcp-policy",
    `Version: ${version}`,
    "Architecture: all",
    `Maintainer: ${MAINTAINER}`,
    `Installed-Size: ${installedSize}`,
    `Depends: ${DEPENDS}`,
    "Section: net",
    "Priority: optional",
    "Description: MPTCP endpoints, limits and routing from NetworkManager state",
    " mptcp-policy keeps the Linux kernel's Multipath TCP endpoints, MPTCP limits",
    " and per-interface routing tables and rules right as NetworkManager links come",
    " and go, from one policy file: which links carry subflows, which are backups",
    " (cellular, metered), which are left alone. It runs as a daemon following",
    " NetworkManager over D-Bus, or as one-shot runs from NetworkManager's",
    " dispatcher.",
    "",
  ].join("\n");
}

/** A native package's changelog: one entry for the version, dated by the commit the package is built from. */
function debianChangelog(version: string, epoch: number): string {
  const date = new Date(epoch * 1000).toUTCString().replace("GMT", "+0000");
  return `mptcp-policy (${version}) unstable; urgency=medium\n\n  * Built from the mptcp-policy repository.\n\n -- ${MAINTAINER}  ${date}\n`;
}

/** The commit's time (reproducible builds), or now outside a git checkout. */
function sourceDateEpoch(): number {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: TREE, encoding: "utf8" }).trim());
  } catch {
    return Math.floor(Date.now() / 1000);
  }
}

/** A directory in the package, and its parents, mode 755 whatever the umask. */
function place(stage: string, dir: string): void {
  let path = stage;
  for (const part of dir.split("/")) {
    path = join(path, part);
    mkdirSync(path, { recursive: true });
    chmodSync(path, 0o755);
  }
}

/** Regular files outside DEBIAN/, relative to the stage (md5sums lists exactly these). */
function payloadFiles(stage: string, dir = stage): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return path === join(stage, "DEBIAN") ? [] : payloadFiles(stage, path);
      return e.isFile() ? [relative(stage, path)] : [];
    })
    .sort();
}

function installedSizeKiB(stage: string, files: string[]): number {
  return files.reduce((kib, f) => kib + Math.ceil(statSync(join(stage, f)).size / 1024), 0);
}

function md5(path: string): string {
  return createHash("md5").update(readFileSync(path)).digest("hex");
}

function stampTimes(dir: string, epoch: number): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) stampTimes(path, epoch);
    if (!lstatSync(path).isSymbolicLink()) utimesSync(path, epoch, epoch);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { version: { type: "string" } } });
  const started = performance.now();
  const { deb } = await buildPackage({ version: values.version });
  const size = statSync(deb).size;
  process.stdout.write(`${relative(process.cwd(), deb)}: ${(size / 1024).toFixed(0)} KiB in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
