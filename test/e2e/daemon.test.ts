// `mptcp-policy daemon` against a real NetworkManager and kernel. Every test gets a fresh rig and a fresh
// daemon (one failure cannot leave state behind for the next), and waits on the event it caused: a log line
// the daemon wrote after it, or a reconcile that started after it, never a state that may already hold.
import type { ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import dbus from "dbus-next";
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { assertFreshBuild, spawnDaemon } from "../rig/cli.js";
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
/** lte0's flags follow NetworkManager's Metered: a restart reports it unknown for a few ms. */
const METERED_POLICY = `version: 1
rules:
  - name: management
    match: { interface: "mgmt*" }
    ignore: true
  - name: metered
    match: { metered: true }
    endpoint: { flags: [subflow, backup] }
  - name: wired
    match: { interface: ["wan*", "lte*"] }
    endpoint: { flags: [subflow] }
`;
/** Operations that take something away or flip it: none may run while NetworkManager restarts. */
const TEARING_OPS = new Set(["endpoint-delete", "endpoint-change", "rule-delete", "route-delete"]);

interface Endpoint { address: string; id: number; dev?: string; subflow?: boolean; backup?: boolean }
interface Rule { src: string; table: string; protocol?: string }
interface Route { dst: string; dev: string; table: string }
interface LogLine {
  level: number; msg: string; reasons?: string[]; op?: string; device?: string; error?: string; file?: string; line?: number;
}

/** What we own in the kernel, per interface: endpoint addresses, rule sources and route devices. */
interface Owned { endpoints: Endpoint[]; rules: Rule[]; routes: Route[] }

describeRig("mptcp-policy daemon", () => {
  let rig: Rig;
  let daemon: ChildProcess;
  let policyFile: string;
  let runDir: string;
  let log: LogLine[];
  let exit: Promise<{ code: number | null }>;

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
  /** The first log line from index `from` on that satisfies `test`, waiting for it. */
  const waitLog = async (test: (l: LogLine) => boolean, from: number, what: string, timeoutMs = 5_000) => {
    await rig.waitFor(() => logSince(from).some(test), timeoutMs, what);
    return logSince(from).find(test)!;
  };
  /**
   * Waits until a full reconcile (the 2 s resync) has run from index `from` on. The loop runs one reconcile at a
   * time, so everything the events before `from` requested is done by then and the kernel is what it leaves.
   */
  const settledSince = (from: number, timeoutMs = 10_000) =>
    waitLog((l) => l.msg === "reconciled" && l.reasons!.includes("resync"), from, "a resync after the event", timeoutMs);

  const launch = (extra: string[] = []) => {
    log = [];
    daemon = spawnDaemon<LogLine>(rig, ["--policy", policyFile, "--log-level", "debug", "--resync-interval", "2", ...extra],
      (line) => log.push(line));
    exit = new Promise((resolve) => daemon.once("exit", (code) => resolve({ code })));
  };
  /** A daemon on the rig, past its first reconcile with both links managed. */
  const begin = async (policy = POLICY("subflow"), extra: string[] = []) => {
    writeFileSync(policyFile, policy, { mode: 0o644 });
    launch(extra);
    await waitLog((l) => l.msg === "reconciled" && l.reasons!.includes("start"), 0, "the first reconcile", 10_000);
    return waitOwned(upLinks());
  };

  beforeAll(async () => {
    assertFreshBuild();
  });
  beforeEach(async () => {
    rig = await startRig({
      links: [{ name: "wan0" }, { name: "lte0", neverDefault: true, metered: true }, { name: "mgmt0" }],
    });
    policyFile = join(rig.dir, "policy.yaml");
    runDir = join(rig.dir, "run");
  });
  afterEach(async () => {
    daemon?.kill("SIGKILL");
    await rig?.stop();
  });

  it("reconciles at start: wan0 and lte0 managed, mgmt0 left alone, pid file written", async () => {
    const o = await begin();
    expect(o.endpoints.every((e) => e.id >= 100 && e.id <= 199 && e.subflow && !e.backup)).toBe(true);
    // wan0 has a gateway: a default route in its table; lte0 (never-default, no gateway in NM) only the subnet.
    expect(o.routes.filter((r) => r.dst === "default").map((r) => r.dev)).toEqual(["wan0"]);
    expect(existsSync(join(runDir, "daemon.pid"))).toBe(true);
    // The log line of each add comes after the apply's re-read: wait for the lines, not for the kernel.
    await waitLog((l) => l.op === "endpoint-add" && l.device === "lte0", 0, "lte0's endpoint-add line");
    await waitLog((l) => l.op === "endpoint-add" && l.device === "wan0", 0, "wan0's endpoint-add line");
    expect(log.filter((l) => l.op === "endpoint-add").map((l) => l.device).sort()).toEqual(["lte0", "wan0"]);
  });

  it("is quiet at steady state: resyncs log nothing at info level", async () => {
    await begin();
    const first = await settledSince(0);
    const from = log.indexOf(first) + 1;
    await settledSince(from);
    expect(logSince(from).filter((l) => l.level >= 30)).toEqual([]);
  });

  it("acts only on its NetworkManager's signals: a DeviceRemoved sent to it by another bus peer is ignored", async () => {
    await begin();
    const before = await owned();
    const lteDevice = (await run(["busctl", `--address=${rig.busAddress}`, "call", "org.freedesktop.NetworkManager",
      "/org/freedesktop/NetworkManager", "org.freedesktop.NetworkManager", "GetDeviceByIpIface", "s", "lte0"])).trim().split(" ")[1]!.replace(/"/g, "");
    // Addressed to the daemon's own connection: a unicast signal passes the bus whatever the match rules say,
    // so only the daemon's check of the sender stands between it and the forged removal.
    const peers = JSON.parse(await run(["busctl", `--address=${rig.busAddress}`, "list", "--json=short"])) as
      { name: string; pid?: number }[];
    const me = peers.find((p) => p.pid === daemon.pid && p.name.startsWith(":"))?.name;
    expect(me, `the daemon's connection among ${JSON.stringify(peers)}`).toBeDefined();
    const from = log.length;
    const forger = dbus.sessionBus({ busAddress: rig.busAddress });
    try {
      await new Promise((resolve, reject) => forger.once("connect", resolve).once("error", reject));
      const signal = (path: string, iface: string, member: string, signature: string, body: unknown[]) =>
        forger.send(new dbus.Message({ type: dbus.MessageType.SIGNAL, destination: me!, path, interface: iface, member, signature, body }));
      signal("/org/freedesktop/NetworkManager", "org.freedesktop.NetworkManager", "DeviceRemoved", "o", [lteDevice]);
      signal(lteDevice, "org.freedesktop.NetworkManager.Device", "StateChanged", "uuu", [30, 100, 0]);
      // A method call after the signals returns once the bus has passed them on (messages keep their order).
      await forger.call(new dbus.Message({ destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
        interface: "org.freedesktop.DBus", member: "GetId" }));
    } finally {
      forger.disconnect();
    }
    // Two resyncs later the removal grace (150 ms) is long over and any reconcile the forgery caused has run.
    const firstResync = await settledSince(from);
    await settledSince(log.indexOf(firstResync) + 1);
    expect(logSince(from).filter((l) => l.op !== undefined)).toEqual([]);
    expect(logSince(from).filter((l) => l.msg === "reconciled").flatMap((l) => l.reasons)).not.toContain("nm lte0");
    expect(await owned()).toEqual(before);
  });

  it("the resync repairs a deleted endpoint nobody announces", async () => {
    await begin();
    const lte = (await owned()).endpoints.find((e) => e.dev === "lte0")!;
    const from = log.length;
    await run(["ip", "-n", rig.hostNs, "mptcp", "endpoint", "delete", "id", String(lte.id)]);
    await settledSince(from);
    await waitOwned(upLinks());
    expect(logSince(from).filter((l) => l.op === "endpoint-add").map((l) => l.device)).toEqual(["lte0"]);
  });

  it("connection down removes the link's endpoint, rules and routes; up puts them back", async () => {
    await begin();
    await rig.connDown("lte0");
    await waitOwned({ wan0: addr("wan0") });
    await rig.connUp("lte0");
    await waitOwned(upLinks());
  });

  it("an address change moves the endpoint and the rule to the new address", async () => {
    await begin();
    const old = addr("lte0");
    const next = old.replace(/\.2$/, ".3");
    await rig.nmcli("connection", "modify", "lte0", "ipv4.addresses", `${next}/24`);
    await rig.nmcli("device", "reapply", "lte0");
    const o = await waitOwned({ wan0: addr("wan0"), lte0: next });
    expect(o.rules.map((r) => r.src)).not.toContain(old);
  });

  it("carrier loss removes the link's objects before NetworkManager drops the address; carrier back restores them", async () => {
    await begin();
    const from = log.length;
    await rig.cutCarrier("wan0");
    await waitOwned({ lte0: addr("lte0") });
    // NetworkManager keeps the address for its ~6 s carrier timeout: the endpoint went on the kernel's word.
    const addresses = (await ip("addr", "show", "dev", "wan0")) as { addr_info: { local: string }[] }[];
    expect(addresses[0]!.addr_info.map((a) => a.local)).toContain(addr("wan0"));
    await rig.restoreCarrier("wan0");
    const o = await waitOwned(upLinks(), 10_000);
    expect(o.endpoints).toHaveLength(2);
    expect(problems(from)).toEqual([]);
  });

  it("a link created at run time gets its endpoint; deleting it removes everything", async () => {
    await begin();
    await rig.addLink({ name: "new0" });
    await waitOwned({ ...upLinks(), new0: addr("new0") });
    await rig.removeLink("new0");
    await waitOwned(upLinks());
  });

  it("SIGHUP with a broken policy logs file:line and keeps state; with a good one applies it in place", async () => {
    const before = await begin();
    let from = log.length;
    writeFileSync(policyFile, POLICY("subflow").replace("ignore: true", "ignore: maybe"));
    daemon.kill("SIGHUP");
    await waitLog((l) => l.msg.includes("keeping the current policy"), from, "the reload to fail");
    const diagnostic = logSince(from).find((l) => l.file === policyFile);
    expect(diagnostic?.msg).toMatch(new RegExp(`^${policyFile}:5:\\d+: `));
    expect(await owned()).toEqual(before);

    from = log.length;
    writeFileSync(policyFile, POLICY("subflow, backup"));
    daemon.kill("SIGHUP");
    await waitLog((l) => l.msg === "reconciled" && l.reasons!.includes("reload"), from, "the reload's reconcile");
    await waitLog((l) => l.op === "endpoint-change", from, "the endpoint-change line");
    const lte = (await owned()).endpoints.find((e) => e.dev === "lte0")!;
    expect(lte.backup).toBe(true);
    expect(lte.id).toBe(before.endpoints.find((e) => e.dev === "lte0")!.id);
    expect(logSince(from).filter((l) => l.op).map((l) => [l.op, l.device])).toEqual([["endpoint-change", "lte0"]]);
  });

  it("keeps following after NetworkManager restarts, without tearing or flipping anything meanwhile", async () => {
    const before = await begin(METERED_POLICY);
    expect(before.endpoints.find((e) => e.dev === "lte0")?.backup).toBe(true);
    const from = log.length;
    await rig.restartNetworkManager();
    // The event under test: the daemon reads the new NetworkManager in full, then reconciles from it.
    const read = await waitLog((l) => l.msg === "read NetworkManager in full", from, "the daemon to read the new NetworkManager", 10_000);
    const after = log.indexOf(read);
    await waitLog((l) => l.msg === "reconciled" && l.reasons!.includes("nm all"), after, "the reconcile after the new read");
    await settledSince(after);
    expect(daemon.exitCode).toBeNull();
    // The new instance re-assumes its devices through transient states (metered unknown for a few ms):
    // deleting endpoints or flipping backup then would disturb every subflow for nothing.
    expect(logSince(from).filter((l) => l.op !== undefined && TEARING_OPS.has(l.op))).toEqual([]);
    expect(await owned()).toEqual(before);
    await rig.connDown("lte0");
    await waitOwned({ wan0: addr("wan0") });
    await rig.connUp("lte0");
    await waitOwned(upLinks());
  });

  it("50 up/down flaps of one link end in the exact state, nothing leaked", async () => {
    await begin();
    const from = log.length;
    for (let i = 0; i < 50; i++) {
      await rig.nmcli("--wait", "0", "connection", "down", "lte0");
      await rig.nmcli("--wait", "0", "connection", "up", "lte0");
    }
    await rig.waitDeviceState("lte0", 100, 20_000);
    // A resync that began after lte0 came up for the last time: the flaps' runs are all done by then.
    await settledSince(log.length);
    const o = await owned();
    expect(matches(o, upLinks())).toBe(true);
    expect(o.endpoints).toHaveLength(2);
    expect(o.rules).toHaveLength(2);
    // One table per link: the flaps did not leave a second table for lte0.
    expect(new Set(o.routes.map((r) => r.table)).size).toBe(2);
    const runs = logSince(from).filter((l) => l.msg === "reconciled").length;
    console.info(`50 flaps: ${runs} reconciles`);
    expect(problems(from).filter((l) => /failed|still to do/.test(l.msg))).toEqual([]);
  }, 90_000);

  it("SIGTERM: exits 0, leaves the kernel state, removes the pid file", async () => {
    const before = await begin();
    daemon.kill("SIGTERM");
    const { code } = await exit;
    expect(code).toBe(0);
    expect(log.at(-1)?.msg).toBe("stopped");
    expect(log.filter((l) => l.msg === "stopping while a reconcile is still running")).toEqual([]);
    expect(await owned()).toEqual(before);
    expect(existsSync(join(runDir, "daemon.pid"))).toBe(false);
  });

  it("--flush-on-exit removes what it owns on SIGTERM", async () => {
    await begin(POLICY("subflow"), ["--flush-on-exit"]);
    daemon.kill("SIGTERM");
    expect((await exit).code).toBe(0);
    expect(await owned()).toEqual({ endpoints: [], rules: [], routes: [] });
  });
});
