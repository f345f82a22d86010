import { describe, expect, it } from "vitest";
import { planRouting } from "../../../src/plan/routing.js";
import type { DesiredRouting, Marks, RouteEntry, RuleEntry } from "../../../src/model/types.js";

const marks: Marks = { endpointIds: [100, 199], tables: [1000, 1999], protocol: 203, priority: 5000 };
const reason = { device: "eth0", rule: "r" };
const wanted: DesiredRouting = {
  device: "eth0", table: "auto", reason,
  routes: [
    { family: "ipv4", dst: "default", gateway: "10.0.0.1" },
    { family: "ipv4", dst: "10.0.0.0/24", scope: "link", src: "10.0.0.2" },
  ],
  sources: [{ family: "ipv4", address: "10.0.0.2" }],
};
const gw: RouteEntry = { family: "ipv4", table: 1000, dst: "default", gateway: "10.0.0.1", dev: "eth0", protocol: 203 };
const prefix: RouteEntry = { family: "ipv4", table: 1000, dst: "10.0.0.0/24", scope: "link", src: "10.0.0.2", dev: "eth0", protocol: 203 };
const rule: RuleEntry = { family: "ipv4", priority: 5000, from: "10.0.0.2", table: 1000, protocol: 203 };
const plan = (routes: RouteEntry[], rules: RuleEntry[]) => planRouting({ routing: [wanted] }, { routes, rules, addresses: [] }, marks);

describe("planRouting: exact match", () => {
  it("everything in place → nothing", () => {
    expect(plan([gw, prefix], [rule]).ops).toEqual([]);
  });

  it.each([
    { field: "gateway", route: { ...gw, gateway: "10.0.0.254" } },
    { field: "scope", route: { ...gw, scope: "link" as const } },
    { field: "src", route: { ...prefix, src: "10.0.0.3" } },
    { field: "dev", route: { ...prefix, dev: "eth9" } },
  ])("route differing in $field → delete old + add new", ({ route }) => {
    const kept = [gw, prefix].filter((r) => r.dst !== route.dst);
    const ops = plan([...kept, route], [rule]).ops;
    expect(ops).toEqual([
      { op: "route-delete", route, reason: route.dev === "eth0" ? reason : "not wanted" },
      { op: "route-add", route: [gw, prefix].find((r) => r.dst === route.dst), reason },
    ]);
  });

  it.each([
    { field: "priority", stale: { ...rule, priority: 4000 } },
    { field: "table", stale: { ...rule, table: 1001 } },
  ])("rule differing in $field → delete old + add new", ({ stale }) => {
    // The routes keep the table at 1000, so only the rule is off.
    expect(plan([gw, prefix], [stale]).ops).toEqual([
      { op: "rule-delete", rule: stale, reason },
      { op: "rule-add", rule, reason },
    ]);
  });

  it("objects with another protocol are not ours: never deleted, and ours are still added", () => {
    const foreignRoute = { ...gw, protocol: 4 };
    const foreignRule = { ...rule, protocol: 4, table: 1000 };
    const ops = plan([foreignRoute], [foreignRule]).ops;
    expect(ops.map((o) => o.op)).toEqual(["route-add", "route-add", "rule-add"]);
    expect(ops.every((o) => o.op.endsWith("-add") && "reason" in o && o.reason !== "not wanted")).toBe(true);
  });
});

describe("planRouting: a family waiting for its gateway", () => {
  const v6: DesiredRouting = {
    ...wanted,
    routes: [...wanted.routes.slice(1), { family: "ipv6", dst: "default", gateway: "fe80::1" }],
    sources: [...wanted.sources, { family: "ipv6", address: "fd00::2" }],
    waitsForGateway: ["ipv4"],
  };
  const gw6: RouteEntry = { family: "ipv6", table: 1000, dst: "default", gateway: "fe80::1", dev: "eth0", protocol: 203 };
  const rule6: RuleEntry = { family: "ipv6", priority: 5000, from: "fd00::2", table: 1000, protocol: 203 };
  const planWaiting = (routes: RouteEntry[], rules: RuleEntry[]) =>
    planRouting({ routing: [v6] }, { routes, rules, addresses: [] }, marks).ops;

  it("makes nothing of the waiting family, and the other family's routing at once", () => {
    expect(planWaiting([], [])).toEqual([
      { op: "route-add", route: gw6, reason },
      { op: "rule-add", rule: rule6, reason },
    ]);
  });

  it("keeps what the kernel holds of the waiting family, even what it would not make (an old gateway, an old address)", () => {
    const oldGateway = { ...gw, gateway: "10.0.0.254" };
    const oldRule = { ...rule, from: "10.0.0.9" };
    expect(planWaiting([oldGateway, prefix, gw6], [oldRule, rule6])).toEqual([]);
  });

  it("sweeps another device's routing in the same family as before", () => {
    const other = { ...gw, dev: "eth9", table: 1001 };
    const otherRule = { ...rule, from: "10.9.0.2", table: 1001 };
    expect(planWaiting([other, gw6], [otherRule, rule6])).toEqual([
      { op: "route-delete", route: other, reason: "not wanted" },
      { op: "rule-delete", rule: otherRule, reason: "not wanted" },
    ]);
  });
});
