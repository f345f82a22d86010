// reconcile() against a real kernel: each case directory's world is built in a throw-away namespace (links,
// addresses, NetworkManager's default routes in the main table, whatever of ours and others' the case's kernel
// already holds), read back through the resident ip processes, reconciled, and read again: the second plan
// must be empty. IPv4 and IPv6 both, and the main table's defaults (mainDefaults) come from the real read.
import { execFileSync } from "node:child_process";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { KernelState, NmSnapshot, Policy } from "../../src/model/types.js";
import { withApplied } from "../../src/daemon/kernel-cache.js";
import { desiredState } from "../../src/desired/index.js";
import { planChanges } from "../../src/plan/index.js";
import { assess, openKernelIo, planAndApply, readCurrent, reconcile, sweep, type KernelIo } from "../../src/reconcile.js";
import { fakeBatch } from "./apply/fake-batch.js";
import { caseNames, readCase } from "../cases/cases.js";
import { describeNeeding, netnsPrerequisites } from "../rig/needs.js";
import { makeNetns } from "./kernel/netns.js";

type Ns = ReturnType<typeof makeNetns>;

/** Kernel I/O inside the namespace: rp_filter written there too, not in the test's own namespace. */
function kernelIoIn(ns: Ns): KernelIo {
  const io = openKernelIo({ netns: ns.name });
  return {
    ...io,
    writeRpFilter: async (ifname, value) => {
      execFileSync("ip", ["netns", "exec", ns.name, "sysctl", "-qw", `net.ipv4.conf.${ifname}.rp_filter=${value}`]);
    },
  };
}

function batch(ns: Ns, lines: string[]): void {
  if (lines.length > 0) execFileSync("ip", ["-n", ns.name, "-batch", "-"], { input: `${lines.join("\n")}\n` });
}

/** The case's links, addresses, default routes (from NetworkManager's gateways) and existing objects. */
function buildWorld(ns: Ns, snapshot: NmSnapshot, kernel: KernelState): void {
  const links = kernel.links.filter((l) => l.ifname !== "lo");
  batch(ns, [
    "link set lo up",
    ...links.flatMap((l, i) => [`link add ${l.ifname} type veth peer name peer${i}`, `link set peer${i} up`, `link set ${l.ifname} up`]),
  ]);
  batch(ns, kernel.addresses
    .filter((a) => a.ifname !== "lo" && a.scope !== "link")
    .map((a) => `addr add ${a.address}/${a.prefix} dev ${a.ifname}${a.family === "ipv6" ? " nodad" : ""}${a.flags.includes("noprefixroute") ? " noprefixroute" : ""}`));
  let metric = 100;
  const defaults = snapshot.devices.flatMap((d) => [
    ...(d.ip4?.gateway ? [`route add default via ${d.ip4.gateway} dev ${d.interface} metric ${metric++} onlink`] : []),
    ...(d.ip6?.gateway ? [`-6 route add default via ${d.ip6.gateway} dev ${d.interface} metric ${metric++} onlink`] : []),
  ]).filter((line) => links.some((l) => line.includes(` dev ${l.ifname} `)));
  for (const line of defaults) execFileSync("ip", ["-n", ns.name, ...line.split(" ")]);
  batch(ns, [
    `mptcp limits set subflows ${kernel.limits.subflows} add_addr_accepted ${kernel.limits.addAddrAccepted}`,
    ...kernel.endpoints.map((e) => `mptcp endpoint add ${e.address} id ${e.id} ${e.flags.join(" ")}${e.dev && links.some((l) => l.ifname === e.dev) ? ` dev ${e.dev}` : ""}`),
  ]);
  for (const r of kernel.rules) {
    execFileSync("ip", ["-n", ns.name, r.family === "ipv6" ? "-6" : "-4", "rule", "add", "from", r.from, "table", String(r.table),
      "priority", String(r.priority), ...(r.protocol !== undefined ? ["protocol", String(r.protocol)] : [])]);
  }
  const present = new Set(kernel.addresses.map((a) => a.address));
  for (const r of kernel.routes) {
    // The kernel flushes a route whose link or source address is gone: such a route cannot be made.
    if (!links.some((l) => l.ifname === r.dev) || (r.src !== undefined && !present.has(r.src))) continue;
    execFileSync("ip", ["-n", ns.name, r.family === "ipv6" ? "-6" : "-4", "route", "add", r.dst, "dev", r.dev, "table", String(r.table),
      ...(r.gateway ? ["via", r.gateway, "onlink"] : []), ...(r.src ? ["src", r.src] : []), ...(r.scope ? ["scope", r.scope] : []),
      ...(r.protocol !== undefined ? ["proto", String(r.protocol)] : [])]);
  }
}

describeNeeding(netnsPrerequisites(), "reconcile round trip on a real kernel", () => {
  // A fresh namespace per test: one case's world never meets the next one's, and a failure stays in its test.
  let ns: Ns;
  let io: KernelIo;
  beforeEach(() => {
    ns = makeNetns();
    io = kernelIoIn(ns);
  });
  afterEach(async () => {
    ns.del();
    await io.close();
  });

  it.each(caseNames())("%s: plan, apply, read back, the second plan is empty; the writes predict the read-back", async (name) => {
    const snapshot = readCase<NmSnapshot>(name, "snapshot.json");
    const policy = readCase<Policy>(name, "policy.json");
    buildWorld(ns, snapshot, readCase<KernelState>(name, "kernel.json"));

    const outcome = await reconcile(snapshot, policy, io);
    expect(outcome.applied.failed).toEqual([]);
    expect(outcome.remaining).toEqual([]);
    const again = await assess(snapshot, policy, io);
    expect(again.plan.operations).toEqual([]);
    // What we own reads back the same (link-local IPv6 addresses come and leave DAD on their own: not compared).
    const ours = (k: KernelState) => ({ endpoints: k.endpoints, rules: k.rules, routes: k.routes, limits: k.limits });
    expect(ours(again.current)).toEqual(ours(outcome.final));
    // The daemon plans the next run of a burst from its own writes (withApplied) and leaves the re-read to the
    // last run: those writes must show what the kernel shows, in any order, and plan to nothing.
    const predicted = withApplied(outcome.current, outcome.applied.applied);
    const sorted = (xs: readonly object[]) => xs.map((x) => JSON.stringify(Object.fromEntries(Object.entries(x).sort()))).sort();
    const asSets = (k: KernelState) => ({ endpoints: sorted(k.endpoints), rules: sorted(k.rules), routes: sorted(k.routes), limits: k.limits });
    expect(asSets(predicted)).toEqual(asSets(outcome.final));
    expect(planChanges(desiredState(snapshot, predicted, policy), predicted, policy.marks).operations).toEqual([]);
    // The main table's default routes were read from the kernel and used.
    const gateways = snapshot.devices.filter((d) => d.ip4?.gateway || d.ip6?.gateway).length;
    if (gateways > 0) expect(outcome.current.mainDefaults?.length).toBeGreaterThan(0);
  });

  it("takes a link's gateway from the main table's default route when NetworkManager reports none", async () => {
    const snapshot = readCase<NmSnapshot>("fresh-add-wifi-and-modem", "snapshot.json");
    const policy = readCase<Policy>("fresh-add-wifi-and-modem", "policy.json");
    buildWorld(ns, snapshot, readCase<KernelState>("fresh-add-wifi-and-modem", "kernel.json"));
    const wlan = snapshot.devices.find((d) => d.interface === "wlan0")!;
    const gateway = wlan.ip4.gateway!;
    delete wlan.ip4.gateway; // as NetworkManager 1.42 does for a never-default static profile
    const outcome = await reconcile(snapshot, policy, io);
    expect(outcome.current.mainDefaults).toContainEqual({ family: "ipv4", dev: "wlan0", gateway });
    expect(outcome.remaining).toEqual([]);
    const table = outcome.final.rules.find((r) => r.from === wlan.ip4.addresses[0]!.address)!.table;
    expect(outcome.final.routes).toContainEqual(expect.objectContaining({ table, dst: "default", dev: "wlan0", gateway }));
    expect((await assess(snapshot, policy, io)).plan.operations).toEqual([]);
  });

  it("sweeps everything it owns and nothing else", async () => {
    buildWorld(ns, readCase<NmSnapshot>("nothing-to-do", "snapshot.json"), readCase<KernelState>("nothing-to-do", "kernel.json"));
    const before = await readCurrent(io, readCase<Policy>("nothing-to-do", "policy.json").marks);
    const marks = readCase<Policy>("nothing-to-do", "policy.json").marks;
    const result = await sweep(marks, io);
    expect(result.plan.operations.length).toBeGreaterThan(0);
    expect(result.applied.failed).toEqual([]);
    expect(result.remaining).toEqual([]);
    const after = await readCurrent(io, marks);
    expect(after.endpoints.filter((e) => e.id >= marks.endpointIds[0] && e.id <= marks.endpointIds[1])).toEqual([]);
    expect(after.rules.filter((r) => r.protocol === marks.protocol)).toEqual([]);
    const global = (k: KernelState) => k.addresses.filter((a) => a.scope !== "link").map((a) => `${a.ifname} ${a.address}/${a.prefix}`);
    expect(global(after)).toEqual(global(before));
    expect(after.limits).toEqual(before.limits);
  });
});

it("planAndApply from a known state hands its first write to ip before returning (nothing awaited on the way)", async () => {
  const name = "deactivating-device-swept";
  const batches = { ipv4: fakeBatch(), ipv6: fakeBatch() };
  const io: KernelIo = { batches, readers: batches, writeRpFilter: async () => {}, close: async () => {} };
  const kernel = readCase<KernelState>(name, "kernel.json");
  const applying = planAndApply(readCase<NmSnapshot>(name, "snapshot.json"), readCase<Policy>(name, "policy.json"), io, kernel);
  expect(batches.ipv4.runs[0]?.[0]).toMatch(/^mptcp endpoint delete id 100$/);
  expect((await applying).applied.failed).toEqual([]);
});
