import { describe, expect, it } from "vitest";
import { assignTables } from "../../../src/plan/tables.js";
import type { DesiredRouting, KernelAddress, Marks, RouteEntry, RuleEntry } from "../../../src/model/types.js";

const marks: Marks = { endpointIds: [100, 199], tables: [1000, 1003], protocol: 203, priority: 5000 };
const routing = (device: string, table: number | "auto" = "auto", address = `10.0.${device.at(-1)}.2`): DesiredRouting => ({
  device, table, routes: [], sources: [{ family: "ipv4", address }], reason: { device, rule: "r" },
});
const route = (dev: string, table: number, protocol = 203): RouteEntry => ({ family: "ipv4", table, dst: "default", dev, scope: "link", protocol });
const rule = (from: string, table: number, protocol = 203): RuleEntry => ({ family: "ipv4", priority: 5000, from, table, protocol });
const address = (ifname: string, a: string): KernelAddress => ({ ifname, family: "ipv4", address: a, prefix: 24, scope: "global", flags: [] });

describe("assignTables", () => {
  const table: {
    name: string; wanted: DesiredRouting[]; routes?: RouteEntry[]; rules?: RuleEntry[]; addresses?: KernelAddress[];
    expected: Record<string, number>;
  }[] = [
    { name: "new devices: lowest free, in name order", wanted: [routing("eth1"), routing("eth0")], expected: { eth0: 1000, eth1: 1001 } },
    { name: "kept from our route on the interface", wanted: [routing("eth0"), routing("eth1")], routes: [route("eth1", 1000)], expected: { eth0: 1001, eth1: 1000 } },
    { name: "kept from our rule from its address (routes gone with the carrier)", wanted: [routing("eth0")], rules: [rule("10.0.0.2", 1002)], expected: { eth0: 1002 } },
    { name: "kept from a rule from a kernel address no longer wanted", wanted: [routing("eth0", "auto", "10.0.0.9")], rules: [rule("10.0.0.2", 1003)], addresses: [address("eth0", "10.0.0.2")], expected: { eth0: 1003 } },
    { name: "not renumbered when a lower table is free", wanted: [routing("eth0")], routes: [route("eth0", 1003)], expected: { eth0: 1003 } },
    { name: "tables of objects being swept are not reused", wanted: [routing("eth0")], routes: [route("gone0", 1000)], rules: [rule("10.9.9.9", 1001)], expected: { eth0: 1002 } },
    { name: "foreign rules block a table, foreign evidence keeps nothing", wanted: [routing("eth0")], rules: [rule("10.0.0.2", 1000, 4)], expected: { eth0: 1001 } },
    { name: "out-of-range table is not kept", wanted: [routing("eth0")], routes: [route("eth0", 50)], expected: { eth0: 1000 } },
    { name: "pinned used as given and avoided by auto", wanted: [routing("eth0"), routing("eth1", 1000)], expected: { eth0: 1001, eth1: 1000 } },
    { name: "pinned takes a table the kernel showed for another device", wanted: [routing("eth0"), routing("eth1", 1000)], routes: [route("eth0", 1000)], expected: { eth0: 1001, eth1: 1000 } },
    { name: "two devices claiming one table: first by name keeps it", wanted: [routing("eth0"), routing("eth1")], routes: [route("eth0", 1001), route("eth1", 1001)], expected: { eth0: 1001, eth1: 1000 } },
  ];
  it.each(table)("$name", ({ wanted, routes = [], rules = [], addresses = [], expected }) => {
    const { tables, conflicts } = assignTables(wanted, { routes, rules, addresses }, marks);
    expect(Object.fromEntries(tables)).toEqual(expected);
    expect(conflicts).toEqual([]);
  });

  it("running out of tables is a conflict for the device left over", () => {
    const wanted = ["eth0", "eth1", "eth2", "eth3", "eth4"].map((d) => routing(d));
    const { tables, conflicts } = assignTables(wanted, { routes: [], rules: [], addresses: [] }, marks);
    expect(tables.size).toBe(4);
    expect(conflicts).toEqual([expect.objectContaining({ kind: "tables-exhausted", device: "eth4" })]);
  });
});
