// A held device (facts NetworkManager has not reported yet): the planner neither deletes nor changes
// anything of it, keeps its endpoint ids and table taken, and still plans everything else.
import { describe, expect, it } from "vitest";
import type {
  DesiredState, Endpoint, KernelAddress, KernelState, Marks, Operation, RouteEntry, RuleEntry,
} from "../../../src/model/types.js";
import { heldObjects } from "../../../src/plan/hold.js";
import { planChanges } from "../../../src/plan/index.js";

const marks: Marks = { endpointIds: [100, 102], tables: [1000, 1001], protocol: 203, priority: 5000 };
const address = (ifname: string, a: string): KernelAddress => ({ ifname, family: "ipv4", address: a, prefix: 24, scope: "global", flags: [] });
const endpoint = (id: number, a: string, dev?: string, flags: Endpoint["flags"] = ["subflow", "backup"]): Endpoint => ({ id, address: a, flags, ...(dev && { dev }) });
const route = (dev: string, table: number, dst = "default", protocol = 203): RouteEntry => ({ family: "ipv4", table, dst, dev, scope: "link", protocol });
const rule = (from: string, table: number, protocol = 203): RuleEntry => ({ family: "ipv4", priority: 5000, from, table, protocol });

/** lte0 (held) has endpoint 100, table 1000 with a route and a rule; 10.0.9.2 was its address before. */
const kernel = (extra: Partial<KernelState> = {}): KernelState => ({
  endpoints: [endpoint(100, "10.0.1.2", "lte0"), endpoint(101, "10.0.9.2", "lte0")],
  limits: { subflows: 2, addAddrAccepted: 2 },
  rules: [rule("10.0.1.2", 1000), rule("10.0.9.2", 1000)],
  routes: [route("lte0", 1000)],
  addresses: [address("lte0", "10.0.1.2"), address("wan0", "10.0.2.2")],
  links: [],
  rpFilter: { all: 0, lte0: 1, wan0: 1 },
  mptcp: { enabled: true, pmType: 0 },
  ...extra,
});
const atLeast0 = { kind: "at-least", value: 0 } as const;
const desired = (extra: Partial<DesiredState> = {}): DesiredState => ({
  devices: [], held: [{ device: "lte0", rule: "metered", unknown: ["metered"] }], endpoints: [], routing: [],
  limits: { subflows: atLeast0, addAddrAccepted: atLeast0 }, rpFilterLoose: [], ...extra,
});
const wan = (): Partial<DesiredState> => ({
  devices: [{ device: "wan0", rule: "wired", kind: "ethernet" }],
  endpoints: [{ address: "10.0.2.2", family: "ipv4", dev: "wan0", flags: ["subflow"], reason: { device: "wan0", rule: "wired" } }],
  routing: [{
    device: "wan0", table: "auto", routes: [{ family: "ipv4", dst: "default", gateway: "10.0.2.1" }],
    sources: [{ family: "ipv4", address: "10.0.2.2" }], reason: { device: "wan0", rule: "wired" },
  }],
  rpFilterLoose: ["wan0"],
});
const touches = (ops: Operation[], device: string, addresses: string[]) =>
  ops.filter((op) =>
    op.op === "endpoint-delete" || op.op === "endpoint-change" ? addresses.includes(op.address)
    : op.op === "route-delete" || op.op === "route-add" ? op.route.dev === device
    : op.op === "rule-delete" || op.op === "rule-add" ? addresses.includes(op.rule.from)
    : op.op === "rp-filter-set" ? op.ifname === device : false);

describe("planChanges with a held device", () => {
  it("nothing of the held device is deleted, not even what a gone address left behind", () => {
    expect(planChanges(desired(), kernel(), marks).operations).toEqual([]);
  });

  it("without the hold the same kernel is swept: the hold is what keeps it", () => {
    const ops = planChanges(desired({ held: [] }), kernel(), marks).operations.map((o) => o.op).sort();
    expect(ops).toEqual(["endpoint-delete", "endpoint-delete", "route-delete", "rule-delete", "rule-delete"]);
  });

  it("other devices are still planned, around the held one's endpoint ids and table", () => {
    const { operations, conflicts } = planChanges(desired(wan()), kernel(), marks);
    expect(conflicts).toEqual([]);
    expect(touches(operations, "lte0", ["10.0.1.2", "10.0.9.2"])).toEqual([]);
    const add = operations.find((o) => o.op === "endpoint-add");
    expect(add).toMatchObject({ endpoint: { id: 102, address: "10.0.2.2" } });
    expect(operations.filter((o) => o.op === "route-add").map((o) => o.op === "route-add" && o.route.table)).toEqual([1001]);
    expect(operations.find((o) => o.op === "rp-filter-set")).toMatchObject({ ifname: "wan0" });
  });

  it("an endpoint of the held device is found by its address when it carries no device", () => {
    const k = kernel({ endpoints: [endpoint(100, "10.0.1.2", undefined, ["subflow"])] });
    expect(planChanges(desired(), k, marks).operations).toEqual([]);
  });

  it("a stale object of another device is still swept next to a held one", () => {
    const k = kernel({ endpoints: [...kernel().endpoints, endpoint(102, "10.0.7.2", "old0")], routes: [...kernel().routes, route("old0", 1001)] });
    const ops = planChanges(desired(), k, marks).operations;
    expect(ops.map((o) => o.op).sort()).toEqual(["endpoint-delete", "route-delete"]);
    expect(touches(ops, "lte0", ["10.0.1.2", "10.0.9.2"])).toEqual([]);
  });
});

describe("heldObjects", () => {
  const held = heldObjects(desired(), kernel(), marks);
  it.each([
    { name: "endpoint bound to the device", yes: held.endpoint(endpoint(100, "10.0.5.5", "lte0")) },
    { name: "endpoint on the device's address, no device", yes: held.endpoint(endpoint(100, "10.0.1.2")) },
    { name: "route through the device", yes: held.route(route("lte0", 1000, "10.0.1.0/24")) },
    { name: "rule from the device's address", yes: held.rule(rule("10.0.1.2", 1001)) },
    { name: "rule into the device's table from an address it lost", yes: held.rule(rule("10.0.9.2", 1000)) },
  ])("held: $name", ({ yes }) => expect(yes).toBe(true));
  it.each([
    { name: "endpoint of another device", yes: held.endpoint(endpoint(100, "10.0.2.2", "wan0")) },
    { name: "route through another device", yes: held.route(route("wan0", 1001)) },
    { name: "rule from another address into another table", yes: held.rule(rule("10.0.2.2", 1001)) },
  ])("not held: $name", ({ yes }) => expect(yes).toBe(false));

  it("a foreign route through the held device does not make its table held", () => {
    const h = heldObjects(desired(), kernel({ routes: [route("lte0", 1001, "default", 4)] }), marks);
    expect(h.rule(rule("10.0.2.2", 1001))).toBe(false);
  });
});
