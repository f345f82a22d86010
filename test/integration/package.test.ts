// `npm run package` output as dpkg sees it: the control fields, every file with its mode and owner, the md5sums,
// the maintainer scripts, and the program itself run from the extracted tree (the schema found where the
// package puts it). Installing it on a booted systemd is the container test's job.
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundle } from "../../packaging/bundle.js";
import { buildPackage, packageVersion } from "../../packaging/build-deb.js";

const run = promisify(execFile);
const root = process.getuid?.() === 0;

interface Member {
  mode: string;
  owner: string;
  link?: string;
}

describe("the Debian package", () => {
  let dir: string;
  let deb: string;
  let tree: string;
  let members: Map<string, Member>;
  const version = packageVersion();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mpp-package-"));
    ({ deb } = await buildPackage({ outDir: dir }));
    members = new Map(
      execFileSync("dpkg-deb", ["--contents", deb], { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((line) => {
          // drwxr-xr-x root/root         0 2026-11-25 10:41 ./usr/  [-> target]
          const [mode, owner, , , , path, arrow, link] = line.split(/\s+/);
          return [path!.replace(/^\.\//, "/").replace(/(.)\/$/, "$1"), { mode: mode!, owner: owner!, ...(arrow === "->" && { link }) }];
        }),
    );
    tree = join(dir, "tree");
    execFileSync("dpkg-deb", ["--extract", deb, tree]);
    execFileSync("dpkg-deb", ["--control", deb, join(dir, "control")]);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is named for its version and architecture", () => {
    expect(deb).toBe(join(dir, `mptcp-policy_${version}_all.deb`));
  });

  it("declares what it needs at run time", () => {
    const field = (name: string) => execFileSync("dpkg-deb", ["--field", deb, name], { encoding: "utf8" }).trim();
    expect(field("Package")).toBe("mptcp-policy");
    expect(field("Version")).toBe(version);
    expect(field("Architecture")).toBe("all");
    expect(field("Depends")).toBe("nodejs (>= 20), iproute2, network-manager (>= 1.20)");
    // Installed-Size is in KiB and covers at least the program.
    expect(Number(field("Installed-Size")) * 1024).toBeGreaterThan(statSync(join(tree, "usr/lib/mptcp-policy/mptcp-policy.mjs")).size);
  });

  it.each([
    ["/usr/lib/mptcp-policy/mptcp-policy.mjs", "-rwxr-xr-x"],
    ["/usr/lib/systemd/system/mptcp-policy.service", "-rw-r--r--"],
    ["/usr/lib/NetworkManager/conf.d/90-mptcp-policy.conf", "-rw-r--r--"],
    ["/usr/lib/NetworkManager/dispatcher.d/90-mptcp-policy", "-rwxr-xr-x"],
    ["/usr/share/mptcp-policy/schema.json", "-rw-r--r--"],
    ["/usr/share/mptcp-policy/default.yaml", "-rw-r--r--"],
    ["/usr/share/mptcp-policy/laptop.yaml", "-rw-r--r--"],
    ["/usr/share/doc/mptcp-policy/README.md", "-rw-r--r--"],
    ["/usr/share/doc/mptcp-policy/policies/README.md", "-rw-r--r--"],
    ["/usr/share/doc/mptcp-policy/copyright", "-rw-r--r--"],
    ["/usr/share/doc/mptcp-policy/changelog.gz", "-rw-r--r--"],
    ["/usr/share/man/man1/mptcp-policy.1.gz", "-rw-r--r--"],
  ])("ships %s as %s", (path, mode) => {
    expect(members.get(path)?.mode).toBe(mode);
  });

  it("puts mptcp-policy on PATH as a link to the program", () => {
    expect(members.get("/usr/bin/mptcp-policy")).toMatchObject({ mode: "lrwxrwxrwx", link: "../lib/mptcp-policy/mptcp-policy.mjs" });
  });

  it("has only root-owned files under /usr, directories 755, nothing in /etc", () => {
    for (const [path, m] of members) {
      expect(m.owner, path).toBe("root/root");
      expect(/^\/(usr(\/.*)?)?$/.test(path), path).toBe(true);
      if (m.mode.startsWith("d")) expect(m.mode, path).toBe("drwxr-xr-x");
    }
  });

  it("starts the daemon from the path it installs, with the interpreter nodejs provides", () => {
    const unit = readFileSync(join(tree, "usr/lib/systemd/system/mptcp-policy.service"), "utf8");
    // Node's own flags go between the interpreter and the program (NODE_OPTIONS refuses --lite-mode).
    const execStart = /^ExecStart=(\S+) ((?:--\S+ )*)(\S+) daemon$/m.exec(unit);
    expect(execStart, unit).not.toBeNull();
    expect(execStart![1]).toBe("/usr/bin/node");
    expect(execStart![2]).toContain("--lite-mode");
    expect(members.get(execStart![3]!)?.mode).toBe("-rwxr-xr-x");
    expect(readFileSync(join(tree, "usr/lib/mptcp-policy/mptcp-policy.mjs"), "utf8").split("\n", 1)[0]).toBe("#!/usr/bin/node");
  });

  it("lists every file in md5sums with its real checksum", () => {
    const sums = readFileSync(join(dir, "control/md5sums"), "utf8").trim().split("\n").map((l) => l.split(/\s+/) as [string, string]);
    const files = [...members].filter(([, m]) => m.mode.startsWith("-")).map(([path]) => path.slice(1));
    expect(sums.map(([, f]) => f).sort()).toEqual(files.sort());
    for (const [sum, file] of sums) expect(createHash("md5").update(readFileSync(join(tree, file))).digest("hex"), file).toBe(sum);
  });

  it.each(["postinst", "prerm", "postrm"])("has an executable %s that sh can parse", async (script) => {
    const path = join(dir, "control", script);
    expect(statSync(path).mode & 0o777).toBe(0o755);
    await expect(run("sh", ["-n", path])).resolves.toBeDefined();
  });

  it("has a manual page with a section for every command, from their --help", () => {
    const page = gunzipSync(readFileSync(join(tree, "usr/share/man/man1/mptcp-policy.1.gz"))).toString();
    const sections = [...page.matchAll(/^\.SS (\S+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(["apply", "plan", "status", "flush", "validate", "doctor", "daemon"]);
    expect(page).toContain("\\-\\-log\\-format <format>");
  });

  it("has a Debian changelog for this version", () => {
    const changelog = gunzipSync(readFileSync(join(tree, "usr/share/doc/mptcp-policy/changelog.gz"))).toString();
    expect(changelog.split("\n", 1)[0]).toBe(`mptcp-policy (${version}) unstable; urgency=medium`);
  });

  // The program reads its schema from /usr/share/mptcp-policy: bind the package's /usr/share there in a mount
  // namespace and run it through the /usr/bin link, as an installed copy runs.
  it.skipIf(!root)("runs from the extracted tree and finds the schema where the package puts it (needs root for a mount namespace)", async () => {
    const installed = (...args: string[]) =>
      run("unshare", ["--mount", "sh", "-c", 'mount --bind "$1/usr/share" /usr/share && shift && exec "$@"', "sh", tree, join(tree, "usr/bin/mptcp-policy"), ...args]);
    expect((await installed("--version")).stdout.trim()).toBe(version);
    expect((await installed("validate")).stdout).toMatch(/^# Effective policy, from: <embedded default>$/m);
  });
});

describe("the bundle in dist/bundle", () => {
  it("runs from a checkout and finds policies/schema.json there", async () => {
    const entry = await bundle();
    expect(statSync(entry).mode & 0o111).toBe(0o111);
    expect(readFileSync(entry, "utf8").split("\n", 1)[0]).toBe("#!/usr/bin/env node");
    const { stdout } = await run(entry, ["validate"]);
    expect(stdout).toMatch(/^# Effective policy, from: <embedded default>$/m);
  }, 60_000);
});
