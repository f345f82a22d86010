// The daemon's kernel cache against the real kernel: for each change a link goes through (its address goes,
// it is set down, its carrier goes), the state read before, patched with what `ip monitor` reported, must
// equal a fresh read. IPv4 removes routes without announcing it; a cache that missed that would plan
// from routes and gateways that are gone.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterEach, expect, it } from "vitest";
import { patchKnown } from "../../src/daemon/kernel-cache.js";
import { openIpBatch, type IpBatch } from "../../src/kernel/ip.js";
import { watchKernel, type KernelEvent } from "../../src/kernel/monitor.js";
import { readKernelState } from "../../src/kernel/read.js";
import type { KernelState, Marks } from "../../src/model/types.js";
import { describeNeeding, netnsPrerequisites } from "../rig/needs.js";

const marks: Marks = { endpointIds: [100, 199], tables: [1000, 1999], protocol: 203, priority: 5000 };

/** Two links as the daemon leaves them: an address of each family, NetworkManager's defaults, our tables. */
const SETUP: string[][] = [
  ["link", "set", "lo", "up"],
  ...["wan0", "lte0"].flatMap((l) => [
    ["link", "add", l, "type", "veth", "peer", "name", `${l}p`],
    ["link", "set", `${l}p`, "up"],
    ["link", "set", l, "up"],
  ]),
  ["addr", "add", "10.1.1.2/24", "dev", "wan0"],
  ["addr", "add", "10.1.3.2/24", "dev", "wan0"],
  ["addr", "add", "fd00:1::2/64", "dev", "wan0", "nodad"],
  ["addr", "add", "10.2.2.2/24", "dev", "lte0"],
  ["route", "add", "default", "via", "10.1.1.1", "dev", "wan0", "proto", "static", "metric", "100"],
  ["route", "add", "default", "via", "10.2.2.1", "dev", "lte0", "proto", "static", "metric", "200"],
  ["route", "add", "::/0", "via", "fe80::1", "dev", "wan0", "proto", "static", "metric", "100"],
  ["route", "add", "default", "via", "10.1.1.1", "dev", "wan0", "table", "1000", "proto", "203"],
  ["route", "add", "10.1.1.0/24", "dev", "wan0", "scope", "link", "src", "10.1.1.2", "table", "1000", "proto", "203"],
  ["route", "add", "10.1.3.0/24", "dev", "wan0", "scope", "link", "src", "10.1.3.2", "table", "1000", "proto", "203"],
  ["route", "add", "::/0", "via", "fe80::1", "dev", "wan0", "table", "1000", "proto", "203"],
  ["route", "add", "fd00:1::/64", "dev", "wan0", "src", "fd00:1::2", "table", "1000", "proto", "203"],
  ["route", "add", "default", "via", "10.2.2.1", "dev", "lte0", "table", "1001", "proto", "203"],
  ["route", "add", "10.2.2.0/24", "dev", "lte0", "scope", "link", "src", "10.2.2.2", "table", "1001", "proto", "203"],
];

/** What the cache follows, in an order that does not depend on how it got there. */
function followed(state: KernelState) {
  const sorted = <T>(items: readonly T[] | undefined) => (items ?? []).map((i) => JSON.stringify(i)).sort();
  return {
    addresses: sorted(state.addresses.map(({ ifname, family, address }) => ({ ifname, family, address }))),
    routes: sorted(state.routes),
    mainDefaults: sorted(state.mainDefaults),
    links: sorted(state.links.map(({ ifname, up }) => ({ ifname, up }))),
  };
}

describeNeeding(netnsPrerequisites(), "the kernel cache follows the kernel", () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it.each<{ name: string; change: string[][]; gone: string[] }>([
    {
      // Even the table route with the address as its source stays (the kernel flushes those in main only).
      name: "one of the link's two IPv4 addresses goes",
      change: [["addr", "del", "10.1.1.2/24", "dev", "wan0"]],
      gone: [],
    },
    {
      name: "the link's last IPv4 address goes",
      change: [["addr", "del", "10.1.1.2/24", "dev", "wan0"], ["addr", "del", "10.1.3.2/24", "dev", "wan0"]],
      gone: ["10.1.1.0/24", "10.1.3.0/24", "default via 10.1.1.1 table 1000", "default via 10.1.1.1 main"],
    },
    {
      name: "the link is set down",
      change: [["link", "set", "wan0", "down"]],
      gone: ["10.1.1.0/24", "10.1.3.0/24", "default via 10.1.1.1 table 1000", "default via 10.1.1.1 main", "fd00:1::/64",
        "default via fe80::1 table 1000", "default via fe80::1 main"],
    },
    {
      name: "the link is deleted",
      change: [["link", "del", "wan0"]],
      gone: ["10.1.1.0/24", "10.1.3.0/24", "default via 10.1.1.1 table 1000", "default via 10.1.1.1 main", "fd00:1::/64",
        "default via fe80::1 table 1000", "default via fe80::1 main"],
    },
    { name: "the link loses its carrier", change: [["link", "set", "wan0p", "down"]], gone: [] },
    { name: "the link's IPv6 address goes", change: [["addr", "del", "fd00:1::2/64", "dev", "wan0"]], gone: [] },
  ])("$name", async ({ change, gone }) => {
    const ns = `kc-${randomBytes(4).toString("hex")}`;
    execFileSync("ip", ["netns", "add", ns]);
    const batches = { v4: openIpBatch({ netns: ns, family: "inet", json: true }), v6: openIpBatch({ netns: ns, family: "inet6", json: true }) };
    const changer: IpBatch = openIpBatch({ netns: ns });
    const events: KernelEvent[] = [];
    let onEvent = () => {};
    const watch = watchKernel((e) => (events.push(e), onEvent()), { netns: ns });
    cleanup = async () => {
      await Promise.all([watch.stop(), changer.close(), batches.v4.close(), batches.v6.close()].map((p) => p.catch(() => undefined)));
      execFileSync("ip", ["netns", "del", ns]);
    };
    // A marker link whose alias changes, reported after everything the kernel announced before it.
    const marked = async (name: string) => {
      const seen = new Promise<void>((resolve) => {
        onEvent = () => events.some((e) => e.kind === "link" && e.ifname === "mark0p") && resolve();
      });
      await changer.run([["link", "set", "mark0p", "alias", name]]);
      await Promise.race([seen, new Promise((_, reject) => setTimeout(() => reject(new Error(`no event for ${name}`)), 2000))]);
    };
    const setup = await changer.run([...SETUP, ["link", "add", "mark0", "type", "veth", "peer", "name", "mark0p"], ["link", "set", "mark0p", "up"]]);
    expect(setup.failures).toEqual([]);
    // The monitor subscribes after its process starts: poke the marker until it reports.
    for (let i = 0; !events.some((e) => e.kind === "link" && e.ifname === "mark0p"); i++) {
      if (i === 100) throw new Error("ip monitor never reported a link change");
      await changer.run([["link", "set", "mark0p", "alias", `poke${i}`]]);
      await new Promise((r) => setTimeout(r, 20));
    }
    const before = await readKernelState(batches, marks);
    events.length = 0;
    const result = await changer.run(change);
    expect(result.failures).toEqual([]);
    await marked("after");

    const patched = events.reduce<KernelState | undefined>((k, e) => k && patchKnown(k, e), before);
    const after = await readKernelState(batches, marks);
    expect(patched).toBeDefined();
    expect(followed(patched!)).toEqual(followed(after));
    // The change did what the case says, so the comparison above covers a real removal.
    const describe = (r: { dst: string; gateway?: string; table?: number }) =>
      r.gateway === undefined ? r.dst : `${r.dst} via ${r.gateway} ${r.table === undefined ? "main" : `table ${r.table}`}`;
    const listed = (s: KernelState) => [...s.routes.map(describe), ...(s.mainDefaults ?? []).map((d) => describe({ dst: "default", gateway: d.gateway }))];
    expect(listed(before).filter((r) => !listed(after).includes(r)).sort()).toEqual([...gone].sort());
  });
});
