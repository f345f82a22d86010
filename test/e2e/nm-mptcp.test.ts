// NetworkManager's own MPTCP handling against a real NetworkManager and kernel: while it is on, NetworkManager
// makes the endpoints and status, doctor and the daemon all say so. The shipped drop-in + `nmcli general reload
// conf` + reapply does not reach active devices (NetworkManager 1.42 evaluates the default at activation), and
// all three say that too; after a NetworkManager restart (links stay up) the running daemon replaces its
// endpoints with its own and status and doctor both say the handling is off. A profile's own flags keep it on.
import type { ChildProcess } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertFreshBuild, runCli, spawnDaemon } from "../rig/cli.js";
import { describeRig } from "../rig/describe-rig.js";
import { run } from "../rig/exec.js";
import { startRig, type Rig } from "../rig/rig.js";

const POLICY = `version: 1
rules:
  - name: wired
    match: { interface: "wan*" }
    endpoint: { flags: [subflow] }
  - name: cellular
    match: { interface: "lte*" }
    endpoint: { flags: [subflow, backup] }
`;
const DROP_IN = fileURLToPath(new URL("../../packaging/NetworkManager-mptcp-policy.conf", import.meta.url));
/**
 * "enabled,subflow,also-without-default-route" set in the profile itself: the global drop-in does not reach it.
 * NetworkManager makes endpoints only on a device with its own default route unless 0x8 is set (measured, 1.42).
 */
const PROFILE_ON = 0x2a;
const OUR_IDS = [100, 199];

interface Endpoint { address: string; id: number; dev?: string; subflow?: boolean; backup?: boolean }
interface LogLine { level: number; msg: string; op?: string; device?: string; conflict?: string; command?: string }
interface DeviceStatus { interface: string; nmMptcp?: { on: boolean; flags: number; source: string }; inSync: boolean; endpoints: { id: number }[] }
interface StatusReport { devices: DeviceStatus[]; warnings: string[]; inSync: boolean }
interface Check { id: string; status: string; summary: string; fix?: string }

describeRig("NetworkManager's own MPTCP handling: one answer, and its endpoints taken over", () => {
  let rig: Rig;
  let daemon: ChildProcess;
  let monitor: ChildProcess;
  let policyFile: string;
  const log: LogLine[] = [];
  let addressEvents = "";

  const endpoints = async () => JSON.parse((await run(["ip", "-n", rig.hostNs, "-j", "mptcp", "endpoint", "show"])) || "[]") as Endpoint[];
  const addr = (link: string) => rig.links[link]!.hostAddr4!;
  const ours = (e: Endpoint) => e.id >= OUR_IDS[0]! && e.id <= OUR_IDS[1]!;
  const endpointOf = async (link: string) => (await endpoints()).find((e) => e.address === addr(link));
  const status = async (): Promise<StatusReport> => {
    const r = await runCli(rig, "status", "--json", "--policy", policyFile);
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as StatusReport;
  };
  const device = (s: StatusReport, name: string) => s.devices.find((d) => d.interface === name)!;
  const nmCheck = async (): Promise<Check> => {
    const r = await runCli(rig, "doctor", "--json", "--no-self-test", "--policy", policyFile);
    const checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks;
    return checks.find((c) => c.id === "conflict.networkmanager")!;
  };

  beforeAll(async () => {
    assertFreshBuild();
    // No configured default: profiles with mptcp-flags 0 get NetworkManager's built-in "enabled,subflow".
    rig = await startRig({
      nmMptcpDefault: null,
      links: [
        { name: "wan0", mptcpFlags: 0 },
        // A gateway of its own (not never-default): else NetworkManager's built-in default makes no endpoint there.
        { name: "lte0", mptcpFlags: 0, metered: true },
        { name: "wan1", mptcpFlags: PROFILE_ON, gateway: false },
      ],
    });
    console.info(`rig ${rig.name}`);
    policyFile = join(rig.dir, "policy.yaml");
    writeFileSync(policyFile, POLICY, { mode: 0o644 });
  }, 60_000);
  afterAll(async () => {
    daemon?.kill("SIGKILL");
    monitor?.kill();
    await rig?.stop();
  });

  it("with its handling on, NetworkManager makes the endpoints (kernel-chosen ids, bound to the device)", async () => {
    await rig.waitFor(async () => (await endpoints()).length === 3, 5_000, "NetworkManager's three endpoints");
    for (const link of ["wan0", "lte0", "wan1"]) {
      const e = await endpointOf(link);
      expect(e).toMatchObject({ dev: link, subflow: true });
      expect(ours(e!)).toBe(false);
    }
  });

  it("the daemon reports the conflict and leaves NetworkManager's endpoints alone; status and doctor say it is on", async () => {
    const before = await endpoints();
    daemon = spawnDaemon<LogLine>(rig, ["--policy", policyFile, "--resync-interval", "0"], (line) => log.push(line));
    const conflicts = () => log.filter((l) => l.conflict === "foreign-endpoint");
    await rig.waitFor(() => conflicts().length === 3, 10_000, "the daemon to report three foreign endpoints");
    expect(conflicts().map((l) => l.msg).join("\n")).toMatch(/NetworkManager's own MPTCP handling is on for "wan0" \(wan0\): mptcp-flags 0x22 from NetworkManager's built-in default/);
    expect(await endpoints()).toEqual(before);

    const s = await status();
    for (const link of ["wan0", "lte0"]) expect(device(s, link).nmMptcp).toMatchObject({ on: true, flags: 0x22 });
    expect(device(s, "wan1").nmMptcp).toMatchObject({ on: true, flags: PROFILE_ON });
    expect(device(s, "wan0").nmMptcp?.source).toBe("NetworkManager's built-in default");
    expect(device(s, "wan1").nmMptcp?.source).toBe("the profile");
    expect(s.warnings.join("\n")).toContain(`NetworkManager's own MPTCP handling is on for "lte0" (lte0)`);
    const check = await nmCheck();
    expect(check.status).toBe("fail");
    for (const link of ["wan0", "lte0"]) expect(check.summary).toContain(`"${link}" (${link}): mptcp-flags 0x22 from NetworkManager's built-in default`);
    expect(check.summary).toContain(`"wan1" (wan1): mptcp-flags 0x2a from the profile`);
  }, 60_000);

  it("drop-in + `nmcli general reload conf` + reapply: not in force on active devices, and status, doctor and the daemon say so", async () => {
    const before = await endpoints();
    const from = log.length;
    copyFileSync(DROP_IN, join(rig.dir, "conf.d", "90-mptcp-policy.conf"));
    await rig.nmcli("general", "reload", "conf");
    for (const link of ["wan0", "lte0", "wan1"]) await rig.nmcli("device", "reapply", link);
    // The daemon saw the file (its log says so) and still takes nothing over: NetworkManager would fight.
    await rig.waitFor(() => log.slice(from).some((l) => /configured default for connection\.mptcp-flags/.test(l.msg)), 5_000, "the daemon to read the drop-in");
    await new Promise((r) => setTimeout(r, 500));
    expect(await endpoints()).toEqual(before);
    expect(log.slice(from).filter((l) => l.op !== undefined)).toEqual([]);

    const pending = /^default in .*90-mptcp-policy\.conf, changed after NetworkManager started: in force from the device's next activation$/;
    const s = await status();
    for (const link of ["wan0", "lte0"]) {
      expect(device(s, link).nmMptcp).toMatchObject({ on: true, flags: 0x1 });
      expect(device(s, link).nmMptcp?.source).toMatch(pending);
    }
    const check = await nmCheck();
    expect(check.status).toBe("fail");
    expect(check.summary).toContain(`"wan0" (wan0): mptcp-flags 0x1 from default in`);
    expect(check.fix).toMatch(/systemctl restart NetworkManager/);
    expect(s.warnings.join("\n")).toMatch(/foreign|not ours/);
  }, 60_000);

  it("NetworkManager restarted (links stay up): the running daemon takes over wan0's and lte0's endpoints", async () => {
    monitor = rig.spawnInHost(["ip", "monitor", "address", "link"], { stdio: ["ignore", "pipe", "inherit"] });
    monitor.stdout!.setEncoding("utf8").on("data", (chunk: string) => (addressEvents += chunk));
    const nmEndpoints = { wan0: (await endpointOf("wan0"))!, lte0: (await endpointOf("lte0"))!, wan1: (await endpointOf("wan1"))! };
    const from = log.length;

    await rig.restartNetworkManager();
    await rig.waitFor(async () => {
      const [w, l] = [await endpointOf("wan0"), await endpointOf("lte0")];
      return w !== undefined && l !== undefined && ours(w) && ours(l);
    }, 10_000, "the daemon's own endpoints on wan0 and lte0");

    expect(await endpointOf("wan0")).toMatchObject({ dev: "wan0", subflow: true });
    expect((await endpointOf("wan0"))?.backup).toBeUndefined();
    expect(await endpointOf("lte0")).toMatchObject({ dev: "lte0", subflow: true, backup: true });
    // wan1's profile turns NetworkManager's handling on itself: its endpoint stays NetworkManager's.
    expect(await endpointOf("wan1")).toEqual(nmEndpoints.wan1);

    // One info line per replaced endpoint that says what it costs.
    const takeovers = log.slice(from).filter((l) => l.op === "endpoint-delete");
    expect(takeovers.map((l) => l.device).sort()).toEqual(["lte0", "wan0"]);
    for (const l of takeovers) {
      expect(l.level).toBe(30);
      expect(l.msg).toMatch(/take over endpoint .* id \d+ left by NetworkManager .*subflows on it are re-established/);
    }
    expect(takeovers.map((l) => l.command).sort()).toEqual(
      [`ip mptcp endpoint delete id ${nmEndpoints.lte0.id}`, `ip mptcp endpoint delete id ${nmEndpoints.wan0.id}`].sort(),
    );

    // No link went down and no address left: NetworkManager re-assumed every device.
    await new Promise((r) => setTimeout(r, 200));
    expect(addressEvents).not.toMatch(/^Deleted/m);
    expect(addressEvents).not.toMatch(/state DOWN/);
    for (const link of ["wan0", "lte0", "wan1"]) expect(await rig.deviceState(link)).toBe(100);
  }, 60_000);

  it("after the takeover NetworkManager keeps its hands off (reapply), and status and doctor both say its handling is off", async () => {
    const taken = { wan0: await endpointOf("wan0"), lte0: await endpointOf("lte0") };
    // Before the restart, any of these made NetworkManager rewrite lte0's endpoint (backup lost).
    for (const link of ["wan0", "lte0", "wan1"]) await rig.nmcli("device", "reapply", link);
    await new Promise((r) => setTimeout(r, 500));
    expect(await endpointOf("wan0")).toEqual(taken.wan0);
    expect(await endpointOf("lte0")).toEqual(taken.lte0);

    const s = await status();
    const dropIn = `default in ${join(rig.dir, "conf.d", "90-mptcp-policy.conf")}`;
    for (const link of ["wan0", "lte0"]) {
      expect(device(s, link).nmMptcp).toEqual({ on: false, flags: 0x1, source: dropIn });
      expect(device(s, link).inSync).toBe(true);
    }
    expect(device(s, "wan1").nmMptcp).toMatchObject({ on: true, source: "the profile" });
    const warnings = s.warnings.join("\n");
    expect(warnings).not.toMatch(/handling is on for "(wan0|lte0)"/);
    expect(warnings).toContain(`NetworkManager's own MPTCP handling is on for "wan1" (wan1): mptcp-flags 0x2a from the profile`);

    const check = await nmCheck();
    // Doctor names exactly the one profile status names, with the same fix.
    expect(check.status).toBe("fail");
    expect(check.summary).toContain(`"wan1" (wan1): mptcp-flags 0x2a from the profile`);
    expect(check.summary).not.toMatch(/"(wan0|lte0)"/);
    expect(check.fix).toBe(`nmcli connection modify "wan1" connection.mptcp-flags 0x1 && nmcli device reapply wan1`);
  }, 60_000);
});
