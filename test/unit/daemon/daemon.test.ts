// The daemon's composition root with a fake NetworkManager (connectBus) and a real kernel in a throw-away
// namespace (netns). Every wait is on a log line or a kernel state the test caused, never a fixed delay.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLock } from "../../../src/apply/lock.js";
import { firstRead, kernelTrigger, startDaemon, type Daemon, type FirstRead } from "../../../src/daemon/daemon.js";
import type { KernelEvent } from "../../../src/kernel/monitor.js";
import { createLogger } from "../../../src/log.js";
import type { Policy } from "../../../src/model/types.js";
import { loadPolicy } from "../../../src/policy/load.js";
import { describeNeeding, netnsPrerequisites } from "../../rig/needs.js";
import { makeNetns } from "../kernel/netns.js";
import { DEVICE_IFACE, FakeNm, fixture } from "../nm/fake-nm.js";

describe("kernelTrigger", () => {
  const address = { ifname: "wan0", family: "ipv4", address: "10.0.0.2", prefix: 24, scope: "global", flags: [] } as const;
  it.each<[KernelEvent, string | undefined]>([
    [{ kind: "address-added", ...address }, "kernel event: address-added 10.0.0.2 wan0"],
    [{ kind: "address-removed", ...address }, "kernel event: address-removed 10.0.0.2 wan0"],
    [{ kind: "link", ifname: "lte0", up: false, adminUp: true }, "kernel event: link lte0 down"],
    [{ kind: "link", ifname: "lte0", up: true, adminUp: true }, "kernel event: link lte0 up"],
    [{ kind: "link-removed", ifname: "lte0" }, "kernel event: link lte0 removed"],
    [{ kind: "main-default", added: true, family: "ipv4", dev: "wan0", gateway: "10.0.0.1" },
      "kernel event: main default route via 10.0.0.1 dev wan0 added"],
    [{ kind: "main-default", added: false, family: "ipv6", dev: "wan0", gateway: "fe80::1" },
      "kernel event: main default route via fe80::1 dev wan0 removed"],
    // Not a trigger (a loop on our own writes); not from the kernel cache's family of reasons.
    [{ kind: "monitor-restarted" }, "kernel monitor restarted"],
    [{ kind: "route" }, undefined],
    [{ kind: "rule" }, undefined],
  ])("%j → %s", (event, reason) => {
    expect(kernelTrigger(event)).toBe(reason);
  });
});

describe("firstRead", () => {
  const address = "kernel event: address-added 10.0.0.2 wan0";
  it.each<[string[], boolean, FirstRead]>([
    [[address], true, "cache"],
    [[address, "kernel event: link lte0 down"], true, "cache"],
    [["nm wan0"], true, "unmonitored"],
    [[address, "nm wan0", "nm lte0"], true, "unmonitored"],
    // A NetworkManager read in full (a restart) may come with anything; so do the daemon's own reasons.
    [["nm all"], true, "full"],
    [[address, "nm all"], true, "full"],
    [["start"], true, "full"],
    [["resync"], true, "full"],
    [["reload"], true, "full"],
    [["retry"], true, "full"],
    [["recheck"], true, "full"],
    [["kernel monitor restarted"], true, "full"],
    [["NetworkManager configuration file changed"], true, "full"],
    [[address], false, "full"],
    [["nm wan0"], false, "full"],
    // A device going down, signalled before its re-read: only takes away, so the cache serves.
    [["nm state: wan0 deactivating"], true, "cache"],
    [[address, "nm state: wan0 deactivating"], true, "cache"],
    [["nm state: wan0 deactivating", "nm wan0"], true, "unmonitored"],
    [["nm state: wan0 deactivating"], false, "full"],
  ])("%j, cache usable %s → %s", (reasons, usable, read) => {
    expect(firstRead(reasons, usable)).toBe(read);
  });
});

type Line = { level: number; msg: string; reasons?: string[]; read?: FirstRead; op?: string; command?: string; [k: string]: unknown };

/** Log lines as they are written, and a wait for the first one (from `from` on) that satisfies a test. */
function memoryLog() {
  const lines: Line[] = [];
  const waiters: (() => void)[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString().split("\n")) if (text) lines.push(JSON.parse(text) as Line);
      for (const wake of waiters.splice(0)) wake();
      done();
    },
  });
  const waitFor = async (test: (l: Line) => boolean, from = 0): Promise<Line> => {
    for (;;) {
      const hit = lines.slice(from).find(test);
      if (hit) return hit;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { lines, waitFor, log: createLogger({ level: "debug", format: "json", destination: stream }) };
}

const WAN = fixture("veth-ethernet-ipv6.json");
const LTE = fixture("veth-metered-never-default.json");

describeNeeding(netnsPrerequisites(), "startDaemon on a fake NetworkManager and a real kernel", () => {
  let ns: ReturnType<typeof makeNetns>;
  let runDir: string;
  let nm: FakeNm;
  let policy: Policy;
  let daemon: Daemon | undefined;
  let out: ReturnType<typeof memoryLog>;

  const endpoints = () =>
    (JSON.parse(ns.ip("-j", "mptcp", "endpoint", "show")) as Record<string, unknown>[]).map((e) => ({
      id: e.id as number,
      address: e.address as string,
      flags: ["signal", "subflow", "backup", "fullmesh"].filter((f) => e[f] === true),
    }));
  const reconciled = (test: (l: Line) => boolean = () => true, from = 0) =>
    out.waitFor((l) => l.msg === "reconciled" && test(l), from);

  beforeEach(async () => {
    // The links of the recorded devices, as NetworkManager left them: wan0 with the default route, lte0 without.
    ns = makeNetns();
    execFileSync("ip", ["-n", ns.name, "-batch", "-"], {
      input: [
        "link set lo up",
        "link add wan0 type veth peer name wan0p", "link add lte0 type veth peer name lte0p",
        "link set wan0p up", "link set lte0p up", "link set wan0 up", "link set lte0 up",
        "addr add 10.237.1.2/24 dev wan0", "addr add 10.237.2.2/24 dev lte0",
        "route add default via 10.237.1.1 dev wan0 metric 100",
      ].join("\n") + "\n",
    });
    runDir = mkdtempSync(join(tmpdir(), "daemon-unit-"));
    const loaded = await loadPolicy({ root: runDir }); // no files there: the embedded default policy
    if (!loaded.ok) throw new Error("default policy did not load");
    policy = loaded.policy;
    nm = new FakeNm();
    nm.addDevice(WAN);
    nm.addDevice(LTE);
    out = memoryLog();
  });

  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    ns.del();
    rmSync(runDir, { recursive: true, force: true });
  });

  const start = (extra: Partial<Parameters<typeof startDaemon>[0]> = {}) => {
    daemon = startDaemon({
      policy, loadPolicy: () => loadPolicy({ root: runDir }), runDir, resyncMs: 0, flushOnExit: false,
      log: out.log, connectBus: async () => nm, netns: ns.name, ...extra,
    });
    return daemon;
  };

  it("makes the endpoints from its first full read: wan0 a subflow, metered lte0 a backup", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    const eps = endpoints();
    expect(eps.find((e) => e.address === "10.237.1.2")?.flags).toEqual(["subflow"]);
    expect(eps.find((e) => e.address === "10.237.2.2")?.flags).toEqual(["subflow", "backup"]);
  });

  it("changes nothing before NetworkManager is on the bus, then reconciles from its first full read", async () => {
    ns.ip("mptcp", "endpoint", "add", "10.237.9.9", "id", "150", "subflow"); // ours (id range), stale
    nm.owner = undefined;
    await start().started;
    await out.waitFor((l) => l.msg === "NetworkManager is not on the bus; waiting for it and changing nothing");
    ns.ip("addr", "add", "10.237.1.3/24", "dev", "wan0"); // a kernel event requests a reconcile
    await nm.start(":1.8");
    const first = await reconciled();
    expect(first.reasons).toContain("nm all"); // no run before NetworkManager's read: not for start, not for the event
    expect(endpoints().map((e) => e.address)).not.toContain("10.237.9.9"); // swept once the facts were known
  });

  /**
   * Adds wan0 addresses until the reconcile one of them requests took the fast path (it does only when the lock
   * came at once, < 1 ms: on a loaded machine a run may not), calling `before` ahead of each address.
   */
  async function fastRun(before: () => void = () => {}): Promise<{ run: Line; mark: number; address: string }> {
    const address = "10.237.1.5";
    for (let tries = 0; tries < 25; tries++) {
      before();
      const mark = out.lines.length;
      ns.ip("addr", "add", `${address}/24`, "dev", "wan0");
      const run = await reconciled((l) => l.reasons!.some((r) => r.includes(`address-added ${address} `)), mark);
      if (run.read === "cache") return { run, mark, address };
      expect(endpoints().map((e) => e.address)).toContain(address);
      // Back to where this try began (the kernel holds at most 8 endpoints: addresses must not pile up).
      const removedMark = out.lines.length;
      ns.ip("addr", "del", `${address}/24`, "dev", "wan0");
      await reconciled((l) => l.reasons!.some((r) => r.includes(`address-removed ${address} `)), removedMark);
    }
    throw new Error("no reconcile took the fast path in 25 tries");
  }

  it("takes the fast path for a kernel address event, and the re-read verifies it", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    const { mark, address } = await fastRun();
    const added = out.lines.slice(mark).find((l) => l.op === "endpoint-add");
    expect(added?.command).toContain(address);
    expect(endpoints().map((e) => e.address)).toContain(address);
    expect(out.lines.slice(mark).filter((l) => l.msg === "reconciled" && l.reasons!.includes("recheck"))).toEqual([]);
  });

  /**
   * wan0's new address makes an endpoint; one on wan0's peer end (no NetworkManager device) only asks for a
   * run, which finds nothing to do. The second comes from an ip process started without blocking this process
   * (the daemon's), `delayMs(attempt)` after the first: tries until the first one's run logged `verified` as
   * `want`, and returns that run and the second address's.
   */
  async function secondAddressWhile(want: string, delayMs: (attempt: number) => number, tries: number) {
    const address = "10.237.1.6";
    const other = "10.237.3.7";
    for (let attempt = 0; attempt < tries; attempt++) {
      const mark = out.lines.length;
      ns.ip("addr", "add", `${address}/24`, "dev", "wan0");
      if (delayMs(attempt) > 0) await new Promise((resolve) => setTimeout(resolve, delayMs(attempt)));
      await promisify(execFile)("ip", ["-n", ns.name, "addr", "add", `${other}/24`, "dev", "wan0p"]);
      const last = await reconciled((l) => l.reasons!.some((r) => r.includes(`address-added ${other} `)), mark);
      expect(endpoints().map((e) => e.address)).toContain(address);
      const first = out.lines.slice(mark).find((l) => l.msg === "reconciled");
      if (first !== undefined && first !== last && first.verified === want) return { first, last, mark };
      const removedMark = out.lines.length;
      ns.ip("addr", "del", `${other}/24`, "dev", "wan0p");
      ns.ip("addr", "del", `${address}/24`, "dev", "wan0");
      await reconciled((l) => l.reasons!.some((r) => r.includes(`address-removed ${address} `)), removedMark);
    }
    throw new Error(`the first address's run was never verified "${want}" in ${tries} tries`);
  }

  it("leaves a run's re-read to the run waiting behind it, which re-reads even with nothing to do", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    // The second address arrived while the first one's run was applying.
    const { first, last, mark } = await secondAddressWhile("by the next run", () => 0, 25);
    expect(first.stages).not.toHaveProperty("verified");
    expect(last.operations).toBe(0);
    expect(last.verified).toBeUndefined();
    expect(last.stages).toHaveProperty("verified");
    expect(out.lines.slice(mark).filter((l) => l.msg === "reconciled" && l.reasons!.includes("recheck"))).toEqual([]);
  });

  it("drops a run's re-read when a request comes during it: the next run re-reads instead", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    // The second address comes a little later each try, until it came during the first one's re-read.
    const { first, last } = await secondAddressWhile("by the next run (re-read dropped)", (attempt) => attempt % 8, 40);
    expect(first.operations).toBeGreaterThan(0);
    expect(first.stages).not.toHaveProperty("verified");
    expect(last.verified).toBeUndefined();
    expect(last.stages).toHaveProperty("verified");
  });

  it("reads the kernel in full after waiting for a lock another run held (it may have changed anything)", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    const other = await acquireLock(runDir);
    const mark = out.lines.length;
    ns.ip("addr", "add", "10.237.1.9/24", "dev", "wan0");
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.release();
    const run = await reconciled((l) => l.reasons!.some((r) => r.includes("address-added 10.237.1.9 ")), mark);
    expect(run.read).toBe("full");
    expect(endpoints().map((e) => e.address)).toContain("10.237.1.9");
  });

  it("requests a full recheck when a fast run's re-read finds drift the cache could not see", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    const lte = () => endpoints().find((e) => e.address === "10.237.2.2");
    // Each try deletes lte0's endpoint behind the daemon's back: no kernel event tells it.
    const { mark } = await fastRun(() => void ns.ip("mptcp", "endpoint", "delete", "id", String(lte()!.id)));
    const recheck = await reconciled((l) => l.reasons!.includes("recheck"), mark);
    expect(recheck.read).toBe("full");
    expect(lte()?.flags).toEqual(["subflow", "backup"]);
  });

  it("on a NetworkManager device signal re-reads only what no event announces, endpoints included", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    const wan = WAN.path;
    const lte = () => endpoints().find((e) => e.address === "10.237.2.2");
    // Like fastRun: a run whose lock did not come at once reads everything, so try until one did not.
    for (let tries = 0, state = 90; tries < 25; tries++, state = state === 90 ? 100 : 90) {
      ns.ip("mptcp", "endpoint", "delete", "id", String(lte()!.id)); // behind the daemon's back: no event
      const mark = out.lines.length;
      nm.stateChanged(wan, state); // SECONDARIES ↔ ACTIVATED: wan0's facts change, what it gets does not
      const run = await reconciled((l) => l.reasons!.includes("nm wan0"), mark);
      expect(lte()?.flags).toEqual(["subflow", "backup"]);
      if (run.read !== "unmonitored") continue;
      expect(run.reasons!.every((r) => r === "nm wan0" || r.startsWith("kernel event: "))).toBe(true);
      expect(out.lines.slice(mark).filter((l) => l.op !== undefined).map((l) => l.op)).toEqual(["endpoint-add"]);
      return;
    }
    throw new Error("no NetworkManager-signalled run read only the unmonitored state in 25 tries");
  });

  it("removes a link's endpoint on NetworkManager's DEACTIVATING signal, before re-reading the device", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    const mark = out.lines.length;
    nm.stateChanged(LTE.path, 110);
    const run = await reconciled((l) => l.reasons!.includes("nm state: lte0 deactivating"), mark);
    expect(run.reasons!.some((r) => r.startsWith("nm lte0"))).toBe(false); // the device's re-read waits for the run
    const from = out.lines.indexOf(run);
    const next = out.lines.findIndex((l, i) => i > from && l.msg === "reconciled");
    const ops = out.lines.slice(from, next === -1 ? undefined : next).filter((l) => l.op !== undefined);
    expect(ops.map((l) => [l.op, l.command])).toContainEqual(["endpoint-delete", expect.stringMatching(/^ip mptcp endpoint delete id \d+$/)]);
    expect(endpoints().map((e) => e.address)).not.toContain("10.237.2.2");
  });

  it("hands the endpoint's delete to ip while still handling the DEACTIVATING signal", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    const lteEndpoint = () => endpoints().some((e) => e.address === "10.237.2.2");
    for (let tries = 0; tries < 5; tries++) {
      // Idle first: only a run that starts while nothing runs goes straight to its write.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(lteEndpoint()).toBe(true);
      const mark = out.lines.length;
      nm.stateChanged(LTE.path, 110);
      // No await from here on: the daemon gets no turn of the event loop, only the ip process it wrote to can act.
      let gone = false;
      for (const deadline = Date.now() + 1000; !gone && Date.now() < deadline; ) gone = !lteEndpoint();
      if (gone) return;
      await reconciled((l) => l.reasons!.includes("nm state: lte0 deactivating"), mark);
      nm.stateChanged(LTE.path, 100);
      await out.waitFor((l) => l.op === "endpoint-add" && String(l.command).includes("10.237.2.2"), mark);
    }
    throw new Error("the endpoint was never gone before the signal handler returned in 5 tries");
  });

  it("does not act before the re-read on UNAVAILABLE, which a restarted NetworkManager signals while re-assuming", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    const before = endpoints();
    const mark = out.lines.length;
    nm.deviceReads.clear();
    // As NetworkManager 1.42 signals every device right after a restart (10 → 20 → 30 → 40 ...); it answers the
    // re-read with the state the device is really in.
    nm.emit({ path: LTE.path, iface: DEVICE_IFACE, member: "StateChanged", body: [20, 10, 41] });
    // The re-read waits for any run the signal started (beforeRead): once it began, such a run was over.
    while (!nm.deviceReads.get(LTE.path)) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(out.lines.slice(mark).filter((l) => l.msg === "reconciled")).toEqual([]);
    expect(endpoints()).toEqual(before);
  });

  it("re-reads NetworkManager after a restart and keeps the endpoints meanwhile", async () => {
    await start().started;
    await reconciled((l) => l.reasons!.includes("start"));
    const before = endpoints();
    const mark = out.lines.length;
    await nm.stop();
    await nm.start(":1.9");
    await reconciled((l) => l.reasons!.includes("nm all"), mark);
    expect(out.lines.slice(mark).filter((l) => l.op !== undefined)).toEqual([]); // not one operation
    expect(endpoints()).toEqual(before);
  });

  it("reloads the policy on request: unchanged, invalid (kept), changed (reconciled)", async () => {
    const d = start();
    await d.started;
    await reconciled((l) => l.reasons!.includes("start"));
    await d.reload();
    expect(out.lines.at(-1)?.msg).toBe("policy reloaded, unchanged");
    const file = join(runDir, "etc/mptcp-policy/policy.yaml");
    execFileSync("mkdir", ["-p", join(runDir, "etc/mptcp-policy")]);
    execFileSync("sh", ["-c", `printf 'version: 1\\nrules:\\n  - name: x\\n    match: { nope: 1 }\\n' > ${file}; chmod 600 ${file}`]);
    await d.reload();
    expect(out.lines.at(-1)?.msg).toBe("policy reload failed; keeping the current policy");
    execFileSync("sh", ["-c", `printf 'version: 1\\nrules:\\n  - name: wired\\n    match: { interface: [wan0] }\\n    endpoint: { flags: [subflow] }\\n' > ${file}`]);
    const mark = out.lines.length;
    await d.reload();
    await reconciled((l) => l.reasons!.includes("reload"), mark);
    expect(endpoints().map((e) => e.address)).toEqual(["10.237.1.2"]); // lte0 matches no rule now: swept
  });

  it("leaves neither the lock nor the file it links the lock from (kept while it runs) after stop", async () => {
    const d = start();
    await d.started;
    await reconciled((l) => l.reasons!.includes("start"));
    const lockFiles = () => readdirSync(runDir).filter((f) => f.startsWith("apply.lock"));
    expect(lockFiles()).toEqual([`apply.lock.${process.pid}`]);
    await d.stop();
    daemon = undefined;
    expect(lockFiles()).toEqual([]);
  });

  it("removes what it owns at stop with flushOnExit, and only then", async () => {
    ns.ip("mptcp", "endpoint", "add", "10.237.1.2", "id", "7", "subflow"); // not ours
    const d = start({ flushOnExit: true });
    await d.started;
    await reconciled((l) => l.reasons!.includes("start"));
    await d.stop();
    daemon = undefined;
    expect(endpoints()).toEqual([{ id: 7, address: "10.237.1.2", flags: ["subflow"] }]);
    expect(out.lines.at(-1)?.msg).toBe("stopped");
  });
});
