// `mptcp-policy daemon` against a real NetworkManager and kernel: one rig and one daemon for the whole file,
// scenarios in order, each asserting on what the kernel holds (ip -j) and on the daemon's log.
import type { ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertFreshBuild } from "../rig/cli.js";
import { describeRig } from "../rig/describe-rig.js";
import { run } from "../rig/exec.js";
import { startRig, type Rig } from "../rig/rig.js";

const PROTOCOL = "203";
const POLICY = (lteFlags: string) => `version: 1
rules:
  - name: management
    match: { interface: "mgmt*" }
    ignore: true
  - name: wired
    match: { interface: ["wan*", "new*"] }
    endpoint: { flags: [subflow] }
  - name: cellular
    match: { interface: "lte*" }
    endpoint: { flags: [${lteFlags}] }
`;

interface Endpoint { address: string; id: number; dev?: string; subflow?: boolean; backup?: boolean }
interface Rule { src: string; table: string; protocol?: string }
interface Route { dst: string; dev: string; table: string }
interface LogLine { level: number; msg: string; reasons?: string[]; op?: string; device?: string; error?: string; file?: string; line?: number }

/** What we own in the kernel, per interface: endpoint addresses, rule sources and route devices. */
interface Owned { endpoints: Endpoint[]; rules: Rule[]; routes: Route[] }

describeRig("mptcp-policy daemon", () => {
  let rig: Rig;
  let daemon: ChildProcess;
  let policyFile: string;
  let runDir: string;
  const log: LogLine[] = [];
  let exit: Promise<{ code: number | null; at: number }>;

  const ip = async (...args: string[]) => JSON.parse((await run(["ip", "-n", rig.hostNs, "-j", ...args])) || "[]") as unknown;
  const owned = async (): Promise<Owned> => ({
    endpoints: (await ip("mptcp", "endpoint", "show")) as Endpoint[],
    rules: ((await ip("rule", "show")) as Rule[]).filter((r) => r.protocol === PROTOCOL),
    routes: (await ip("route", "show", "table", "all", "proto", PROTOCOL)) as Route[],
  });
  const addr = (link: string) => rig.links[link]!.hostAddr4!;
  /** Exactly these addresses (link → address) own one endpoint, one rule and their routes, nothing else. */
  const matches = (o: Owned, want: Record<string, string>) => {
    const sorted = (xs: string[]) => [...xs].sort().join(" ");
    const pairs = Object.entries(want);
    return (
      sorted(o.endpoints.map((e) => `${e.dev}=${e.address}`)) === sorted(pairs.map(([l, a]) => `${l}=${a}`)) &&
      sorted(o.rules.map((r) => r.src)) === sorted(pairs.map(([, a]) => a)) &&
      sorted([...new Set(o.routes.map((r) => r.dev))]) === sorted(pairs.map(([l]) => l))
    );
  };
  const waitOwned = async (want: Record<string, string>, timeoutMs = 5_000) => {
    await rig.waitFor(async () => matches(await owned(), want), timeoutMs, `owned objects to be exactly ${JSON.stringify(want)}`);
    return owned();
  };
  const upLinks = () => ({ wan0: addr("wan0"), lte0: addr("lte0") });
  const logSince = (n: number) => log.slice(n);
  const problems = (from = 0) => logSince(from).filter((l) => l.level >= 40);

  beforeAll(async () => {
    assertFreshBuild();
    rig = await startRig({
      links: [{ name: "wan0" }, { name: "lte0", neverDefault: true, metered: true }, { name: "mgmt0" }],
    });
    policyFile = join(rig.dir, "policy.yaml");
    runDir = join(rig.dir, "run");
    writeFileSync(policyFile, POLICY("subflow"), { mode: 0o644 });
    daemon = rig.spawnInHost(
      ["node", "dist/cli/main.js", "daemon", "--policy", policyFile, "--log-level", "debug", "--resync-interval", "2"],
      { env: { ...rig.env, MPTCP_POLICY_RUN_DIR: runDir }, stdio: ["ignore", "pipe", "inherit"] },
    );
    let rest = "";
    daemon.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (line.trim()) log.push(JSON.parse(line) as LogLine);
    });
    exit = new Promise((resolve) => daemon.once("exit", (code) => resolve({ code, at: Date.now() })));
  });
  afterAll(async () => {
    daemon?.kill("SIGKILL");
    await rig?.stop();
  });

  it("reconciles at start: wan0 and lte0 managed, mgmt0 left alone, pid file written", async () => {
    const o = await waitOwned(upLinks());
    expect(o.endpoints.every((e) => e.id >= 100 && e.id <= 199 && e.subflow && !e.backup)).toBe(true);
    // wan0 has a gateway: a default route in its table; lte0 (never-default, no gateway in NM) only the subnet.
    expect(o.routes.filter((r) => r.dst === "default").map((r) => r.dev)).toEqual(["wan0"]);
    expect(existsSync(join(runDir, "daemon.pid"))).toBe(true);
    expect(log.filter((l) => l.op === "endpoint-add").map((l) => l.device).sort()).toEqual(["lte0", "wan0"]);
  });

  it("is quiet at steady state: resyncs log nothing at info level", async () => {
    await rig.waitFor(() => log.some((l) => l.reasons?.includes("resync")), 5_000, "a resync");
    const from = log.length;
    await rig.waitFor(() => logSince(from).some((l) => l.reasons?.includes("resync")), 5_000, "another resync");
    expect(logSince(from).filter((l) => l.level >= 30)).toEqual([]);
  });

  it("ignores NetworkManager signals sent by another bus peer, and the resync repairs a deleted endpoint", async () => {
    const lte = (await owned()).endpoints.find((e) => e.dev === "lte0")!;
    const from = log.length;
    await run(["ip", "-n", rig.hostNs, "mptcp", "endpoint", "delete", "id", String(lte.id)]);
    const emit = (path: string, sig: string, ...args: string[]) =>
      run(["busctl", `--address=${rig.busAddress}`, "emit", path, "org.freedesktop.NetworkManager" + sig, "StateChanged", ...args]);
    await emit("/org/freedesktop/NetworkManager", "", "u", "70");
    await emit("/org/freedesktop/NetworkManager/Devices/1", ".Device", "uuu", "100", "30", "0");
    await emit("/org/freedesktop/NetworkManager/Devices/2", ".Device", "uuu", "30", "100", "0");
    await waitOwned(upLinks(), 5_000);
    const runs = logSince(from).filter((l) => l.msg === "reconciled");
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((l) => l.reasons!.every((r) => r === "resync"))).toBe(true);
    // Same address, new id from our range: put back by the resync, not by a forged signal.
    expect(logSince(from).filter((l) => l.op === "endpoint-add").map((l) => l.device)).toEqual(["lte0"]);
  });

  it("connection down removes the link's endpoint, rules and routes; up puts them back", async () => {
    await rig.connDown("lte0");
    await waitOwned({ wan0: addr("wan0") });
    await rig.connUp("lte0");
    await waitOwned(upLinks());
  });

  it("an address change moves the endpoint and the rule to the new address", async () => {
    const old = addr("lte0");
    const next = old.replace(/\.2$/, ".3");
    await rig.nmcli("connection", "modify", "lte0", "ipv4.addresses", `${next}/24`);
    await rig.nmcli("device", "reapply", "lte0");
    const o = await waitOwned({ wan0: addr("wan0"), lte0: next });
    expect(o.rules.map((r) => r.src)).not.toContain(old);
    await rig.nmcli("connection", "modify", "lte0", "ipv4.addresses", `${old}/24`);
    await rig.nmcli("device", "reapply", "lte0");
    await waitOwned(upLinks());
  });

  it("carrier loss removes everything of the link once NetworkManager drops the address; carrier back restores it", async () => {
    const from = log.length;
    await rig.cutCarrier("wan0");
    await waitOwned({ lte0: addr("lte0") }, 15_000);
    await rig.restoreCarrier("wan0");
    const o = await waitOwned(upLinks(), 10_000);
    expect(o.endpoints).toHaveLength(2);
    expect(problems(from)).toEqual([]);
  }, 40_000);

  it("a link created at run time gets its endpoint; deleting it removes everything", async () => {
    await rig.addLink({ name: "new0" });
    await waitOwned({ ...upLinks(), new0: addr("new0") });
    await rig.removeLink("new0");
    await waitOwned(upLinks());
  });

  it("SIGHUP with a broken policy logs file:line and keeps state; with a good one applies it in place", async () => {
    const before = await owned();
    let from = log.length;
    writeFileSync(policyFile, POLICY("subflow").replace("ignore: true", "ignore: maybe"));
    daemon.kill("SIGHUP");
    await rig.waitFor(() => logSince(from).some((l) => l.msg.includes("keeping the current policy")), 5_000, "the reload to fail");
    const diagnostic = logSince(from).find((l) => l.file === policyFile);
    expect(diagnostic?.msg).toMatch(new RegExp(`^${policyFile}:5:\\d+: `));
    expect(await owned()).toEqual(before);

    from = log.length;
    writeFileSync(policyFile, POLICY("subflow, backup"));
    daemon.kill("SIGHUP");
    await rig.waitFor(async () => (await owned()).endpoints.some((e) => e.dev === "lte0" && e.backup), 5_000, "lte0 to become backup");
    const lte = (await owned()).endpoints.find((e) => e.dev === "lte0")!;
    expect(lte.id).toBe(before.endpoints.find((e) => e.dev === "lte0")!.id);
    expect(logSince(from).filter((l) => l.op).map((l) => [l.op, l.device])).toEqual([["endpoint-change", "lte0"]]);
  });

  it("keeps following after NetworkManager restarts, without tearing anything down meanwhile", async () => {
    const from = log.length;
    await rig.restartNetworkManager();
    await rig.waitDeviceState("lte0", 100, 10_000);
    await rig.waitDeviceState("wan0", 100, 10_000);
    await waitOwned(upLinks());
    expect(daemon.exitCode).toBeNull();
    // The new instance re-assumes its devices through transient states: deleting endpoints then would
    // close every subflow for nothing.
    expect(logSince(from).filter((l) => l.op !== undefined && /delete|change/.test(l.msg))).toEqual([]);
    await rig.connDown("lte0");
    await waitOwned({ wan0: addr("wan0") });
    await rig.connUp("lte0");
    await waitOwned(upLinks());
  });

  it("50 up/down flaps of one link end in the exact state, nothing leaked", async () => {
    const from = log.length;
    for (let i = 0; i < 50; i++) {
      await rig.nmcli("--wait", "0", "connection", "down", "lte0");
      await rig.nmcli("--wait", "0", "connection", "up", "lte0");
    }
    await rig.waitDeviceState("lte0", 100, 20_000);
    const o = await waitOwned(upLinks(), 10_000);
    expect(o.endpoints).toHaveLength(2);
    expect(o.rules).toHaveLength(2);
    // One table per link: the flaps did not leave a second table for lte0.
    expect(new Set(o.routes.map((r) => r.table)).size).toBe(2);
    const runs = logSince(from).filter((l) => l.msg === "reconciled").length;
    console.info(`50 flaps: ${runs} reconciles`);
    expect(problems(from).filter((l) => /failed|still to do/.test(l.msg))).toEqual([]);
  }, 90_000);

  it("SIGTERM: exits 0 within 2 s, leaves the kernel state, removes the pid file", async () => {
    const before = await owned();
    const sent = Date.now();
    daemon.kill("SIGTERM");
    const { code, at } = await exit;
    expect(code).toBe(0);
    expect(at - sent).toBeLessThan(2_000);
    expect(await owned()).toEqual(before);
    expect(existsSync(join(runDir, "daemon.pid"))).toBe(false);
  });

  it("--flush-on-exit removes what it owns on SIGTERM", async () => {
    const flusher = rig.spawnInHost(["node", "dist/cli/main.js", "daemon", "--policy", policyFile, "--flush-on-exit"], {
      env: { ...rig.env, MPTCP_POLICY_RUN_DIR: runDir },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => flusher.once("exit", resolve));
    await rig.waitFor(() => existsSync(join(runDir, "daemon.pid")), 5_000, "the daemon to start");
    await waitOwned(upLinks());
    flusher.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(await owned()).toEqual({ endpoints: [], rules: [], routes: [] });
  });
});
