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
