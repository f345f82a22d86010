import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { nmConfOrder, nmConfPathsFromArgv, parseNmMptcpFlags, readNmConf, type NmConfPaths } from "../../../src/nm/conf.js";

describe("parseNmMptcpFlags", () => {
  it.each([
    { text: "[connection]\nconnection.mptcp-flags=0x1\n", value: 1 },
    { text: "[connection]\nconnection.mptcp-flags = 34\n", value: 34 },
    { text: "[connection-wifi]\nmatch-device=type:wifi\nconnection.mptcp-flags=0x1\n", value: null },
    { text: "[main]\nplugins=keyfile\n", value: null },
    { text: "[connection]\nconnection.mptcp-flags=0x22\n[connection]\nconnection.mptcp-flags=0x1\n", value: 1 },
  ])("$text → $value", ({ text, value }) => {
    expect(parseNmMptcpFlags(text)).toBe(value);
  });
});

describe("nmConfPathsFromArgv", () => {
  it.each([
    { argv: ["/usr/sbin/NetworkManager", "--no-daemon"], config: "/etc/NetworkManager/NetworkManager.conf", dir: "/etc/NetworkManager/conf.d", sys: "/usr/lib/NetworkManager/conf.d" },
    { argv: ["NetworkManager", "--config=/x/nm.conf", "--config-dir", "/x/conf.d", "--system-config-dir=/x/sys"], config: "/x/nm.conf", dir: "/x/conf.d", sys: "/x/sys" },
  ])("$argv", ({ argv, config, dir, sys }) => {
    expect(nmConfPathsFromArgv(argv)).toMatchObject({ mainFile: config, configDir: dir, systemDir: sys, runDir: "/run/NetworkManager/conf.d" });
  });
});

describe("nmConfOrder", () => {
  const paths: NmConfPaths = { systemDir: "/lib", runDir: "/run", mainFile: "/etc/nm.conf", configDir: "/etc/d", root: "/" };
  it("system, run, main file, config dir; same names hide lower directories; *.conf only, sorted", () => {
    const listings = new Map([
      ["/lib", ["20-b.conf", "10-a.conf", "30-c.conf", "README"]],
      ["/run", ["20-b.conf", "40-d.conf"]],
      ["/etc/d", ["30-c.conf", "05-z.conf"]],
    ]);
    expect(nmConfOrder(paths, listings)).toEqual(["/lib/10-a.conf", "/run/20-b.conf", "/run/40-d.conf", "/etc/nm.conf", "/etc/d/05-z.conf", "/etc/d/30-c.conf"]);
  });
  it("the run directory is skipped when it is the system or config directory (as NetworkManager does)", () => {
    expect(nmConfOrder({ ...paths, runDir: "/etc/d" }, new Map([["/etc/d", ["a.conf"]]]))).toEqual(["/etc/nm.conf", "/etc/d/a.conf"]);
  });
});

// Each case writes files under a temporary tree and expects the default NetworkManager ends up with.
const DROP_IN = "[connection]\nconnection.mptcp-flags=0x1\n";
const ON = "[connection]\nconnection.mptcp-flags=0x22\n";
const cases: { name: string; files: Record<string, string>; value: number | null; from?: string }[] = [
  { name: "nothing configured", files: {}, value: null },
  { name: "drop-in in /usr/lib (the package's)", files: { "lib/90-mptcp-policy.conf": DROP_IN }, value: 1, from: "lib/90-mptcp-policy.conf" },
  { name: "/usr/lib drop-in overridden by a later /etc file", files: { "lib/90-mptcp-policy.conf": DROP_IN, "etc/95-admin.conf": ON }, value: 0x22, from: "etc/95-admin.conf" },
  { name: "/usr/lib drop-in hidden by a same-named /etc file without the key", files: { "lib/90-mptcp-policy.conf": DROP_IN, "etc/90-mptcp-policy.conf": "[main]\n" }, value: null },
  { name: "/usr/lib drop-in hidden by a same-named /run file", files: { "lib/90-x.conf": DROP_IN, "run/90-x.conf": ON }, value: 0x22, from: "run/90-x.conf" },
  { name: "main file overrides /usr/lib and /run", files: { "lib/90-mptcp-policy.conf": ON, "run/10-a.conf": ON, "main.conf": DROP_IN }, value: 1, from: "main.conf" },
  { name: "/etc conf.d overrides the main file", files: { "main.conf": ON, "etc/90-mptcp-policy.conf": DROP_IN }, value: 1, from: "etc/90-mptcp-policy.conf" },
  { name: "later name in /etc wins", files: { "etc/10-a.conf": DROP_IN, "etc/20-b.conf": ON }, value: 0x22, from: "etc/20-b.conf" },
  { name: "a device-matched section is not the global default", files: { "etc/90-x.conf": "[connection-wifi]\nmatch-device=type:wifi\nconnection.mptcp-flags=0x1\n" }, value: null },
];

describe("readNmConf: NetworkManager.conf(5) order", () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });
  const layout = (r: string): NmConfPaths => ({ systemDir: `${r}/lib`, runDir: `${r}/run`, mainFile: `${r}/main.conf`, configDir: `${r}/etc`, root: "/" });

  it.each(cases)("$name", async ({ files, value, from }) => {
    root = await mkdtemp(join(tmpdir(), "nmconf-"));
    for (const [file, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, file)), { recursive: true });
      await writeFile(join(root, file), text);
    }
    const got = (await readNmConf(layout(root))).mptcpDefault;
    expect(got).toEqual(value === null ? null : { value, file: join(root, from!) });
  });

  it("reads under `root` (NetworkManager's own view, /proc/PID/root)", async () => {
    root = await mkdtemp(join(tmpdir(), "nmconf-"));
    await mkdir(join(root, "etc/NetworkManager/conf.d"), { recursive: true });
    await writeFile(join(root, "etc/NetworkManager/conf.d/90-mptcp-policy.conf"), DROP_IN);
    const got = (await readNmConf(nmConfPathsFromArgv(["NetworkManager"], root))).mptcpDefault;
    expect(got).toEqual({ value: 1, file: "/etc/NetworkManager/conf.d/90-mptcp-policy.conf" });
  });

  it("a file written after NetworkManager started is not in force on active devices yet", async () => {
    root = await mkdtemp(join(tmpdir(), "nmconf-"));
    await mkdir(join(root, "etc"), { recursive: true });
    await writeFile(join(root, "etc/90-mptcp-policy.conf"), DROP_IN);
    const now = Date.now();
    expect(await readNmConf({ ...layout(root), startedAtMs: now + 60_000 })).toEqual({ mptcpDefault: { value: 1, file: join(root, "etc/90-mptcp-policy.conf") } });
    expect((await readNmConf({ ...layout(root), startedAtMs: now - 60_000 })).confChangedSinceStart).toBe(true);
    // btime is whole seconds: a start computed up to a second before a change may be the true start after it.
    expect((await readNmConf({ ...layout(root), startedAtMs: now - 500 })).confChangedSinceStart).toBeUndefined();
    // Unknown start: nothing claimed.
    expect((await readNmConf(layout(root))).confChangedSinceStart).toBeUndefined();
  });

  // NetworkManager itself merges the same trees (its run directory is compiled in: only cases without one).
  const nm = ["/usr/sbin/NetworkManager", "/sbin/NetworkManager"].find(existsSync);
  const crossCheck = nm !== undefined && !existsSync("/run/NetworkManager/conf.d");
  if (!crossCheck && process.env.CI) throw new Error("NetworkManager is not installed (or /run/NetworkManager/conf.d exists): cannot cross-check");
  it.skipIf(!crossCheck).each(cases.filter((c) => !Object.keys(c.files).some((f) => f.startsWith("run/"))))(
    "agrees with NetworkManager --print-config: $name",
    async ({ files }) => {
      root = await mkdtemp(join(tmpdir(), "nmconf-"));
      for (const [file, text] of Object.entries({ "main.conf": "[main]\n", ...files })) {
        await mkdir(dirname(join(root, file)), { recursive: true });
        await writeFile(join(root, file), text);
      }
      await mkdir(join(root, "lib"), { recursive: true });
      await mkdir(join(root, "etc"), { recursive: true });
      const printed = execFileSync(nm!, ["--print-config", `--config=${root}/main.conf`, `--config-dir=${root}/etc`, `--system-config-dir=${root}/lib`], { encoding: "utf8" });
      const theirs = parseNmMptcpFlags(printed);
      const ours = (await readNmConf(layout(root))).mptcpDefault;
      expect(ours?.value ?? null).toBe(theirs);
    },
  );
});
