import { describe, expect, it } from "vitest";
import { orderOperations } from "../../../src/plan/order.js";
import type { Operation, RouteEntry, RuleEntry } from "../../../src/model/types.js";

const reason = (device: string) => ({ device, rule: "r" });
const route = (dev: string, dst: string): RouteEntry => ({ family: "ipv4", table: 1000, dst, dev, protocol: 203 });
const rule = (from: string): RuleEntry => ({ family: "ipv4", priority: 5000, from, table: 1000, protocol: 203 });
const endpoint = (address: string, dev: string) => ({ id: 100, address, flags: ["subflow" as const], dev });

const ops: Record<string, Operation> = {
  limits: { op: "limits-set", limits: { subflows: 2, addAddrAccepted: 2 }, reason: "auto" },
  epDel: { op: "endpoint-delete", id: 101, address: "10.0.0.9", reason: "not wanted" },
  ruleDel: { op: "rule-delete", rule: rule("10.0.0.9"), reason: "not wanted" },
  routeDelPrefix: { op: "route-delete", route: route("eth0", "10.0.0.0/24"), reason: "not wanted" },
  routeDelDefault: { op: "route-delete", route: route("eth0", "default"), reason: "not wanted" },
  rp: { op: "rp-filter-set", ifname: "eth0", value: 2, reason: reason("eth0") },
  routeAddDefault: { op: "route-add", route: route("eth0", "default"), reason: reason("eth0") },
  routeAddPrefix: { op: "route-add", route: route("eth0", "10.0.0.0/24"), reason: reason("eth0") },
  routeAddOther: { op: "route-add", route: route("eth1", "10.1.0.0/24"), reason: reason("eth1") },
  ruleAdd: { op: "rule-add", rule: rule("10.0.0.2"), reason: reason("eth0") },
  epAddB: { op: "endpoint-add", endpoint: endpoint("10.1.0.2", "eth1"), reason: reason("eth1") },
  epChange: { op: "endpoint-change", id: 102, address: "10.0.0.3", backup: true, reason: reason("eth0") },
  epAddA: { op: "endpoint-add", endpoint: endpoint("10.0.0.2", "eth0"), reason: reason("eth0") },
};
const expected = [
  "limits", "epDel", "ruleDel", "routeDelDefault", "routeDelPrefix", "rp",
  "routeAddPrefix", "routeAddDefault", "routeAddOther", "ruleAdd", "epAddA", "epChange", "epAddB",
];
const nameOf = (op: Operation) => Object.entries(ops).find(([, o]) => o === op)?.[0];

describe("orderOperations", () => {
  const names = Object.keys(ops);
  it.each([
    { name: "as listed", input: names },
    { name: "reversed", input: [...names].reverse() },
    { name: "shuffled", input: [names[5], names[11], names[0], names[8], names[2], names[12], names[1], names[9], names[3], names[6], names[10], names[4], names[7]] },
  ])("$name → the same global order", ({ input }) => {
    expect(orderOperations(input.map((n) => ops[n!]!)).map(nameOf)).toEqual(expected);
  });
});
