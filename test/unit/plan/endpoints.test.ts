import { describe, expect, it } from "vitest";
import { planEndpoints } from "../../../src/plan/endpoints.js";
import type { DesiredEndpoint, Endpoint, EndpointFlag, Marks } from "../../../src/model/types.js";

const marks: Marks = { endpointIds: [100, 103], tables: [1000, 1999], protocol: 203, priority: 5000 };
const want = (address: string, flags: EndpointFlag[] = ["subflow"], extra: Partial<DesiredEndpoint> = {}): DesiredEndpoint => ({
  address, family: "ipv4", dev: "eth0", flags, reason: { device: "eth0", rule: "r" }, ...extra,
});
const have = (id: number, address: string, flags: EndpointFlag[] = ["subflow"], dev = "eth0"): Endpoint => ({ id, address, flags, dev });
const plan = (wanted: DesiredEndpoint[], current: Endpoint[]) =>
  planEndpoints({ endpoints: wanted, devices: [{ device: "eth0", rule: "r", kind: "ethernet" }] }, current, marks);
const summary = (wanted: DesiredEndpoint[], current: Endpoint[]) =>
  plan(wanted, current).ops.map((op) =>
    op.op === "endpoint-add" ? `add ${op.endpoint.address}#${op.endpoint.id}`
    : op.op === "endpoint-delete" ? `delete ${op.address}#${op.id}`
    : op.op === "endpoint-change" ? `change ${op.address}#${op.id} backup=${op.backup}` : op.op);

describe("planEndpoints: id allocation", () => {
  it.each([
    { name: "empty range → first id", current: [], wanted: ["10.0.0.1", "10.0.0.2"], expected: ["add 10.0.0.1#100", "add 10.0.0.2#101"] },
    { name: "fills holes", current: [have(100, "10.0.0.9"), have(102, "10.0.0.8")], wanted: ["10.0.0.9", "10.0.0.8", "10.0.0.1"], expected: ["add 10.0.0.1#101"] },
    { name: "foreign ids do not block our range", current: [have(1, "10.9.9.9"), have(2, "10.9.9.8")], wanted: ["10.0.0.1"], expected: ["add 10.0.0.1#100"] },
    { name: "swept ids are free again", current: [have(100, "10.0.0.9")], wanted: ["10.0.0.1"], expected: ["delete 10.0.0.9#100", "add 10.0.0.1#100"] },
    { name: "adds in address order", current: [], wanted: ["10.0.0.3", "10.0.0.1"], expected: ["add 10.0.0.1#100", "add 10.0.0.3#101"] },
  ])("$name", ({ current, wanted, expected }) => {
    expect(summary(wanted.map((a) => want(a)), current)).toEqual(expected);
  });

  it("running out of ids is a conflict, not a throw", () => {
    const current = [100, 101, 102, 103].map((id) => have(id, `10.0.1.${id - 99}`));
    const result = plan([...current.map((e) => want(e.address)), want("10.0.0.1")], current);
    expect(result.ops).toEqual([]);
    expect(result.conflicts).toEqual([
      expect.objectContaining({ kind: "endpoint-ids-exhausted", device: "eth0", address: "10.0.0.1" }),
    ]);
  });
});

describe("planEndpoints: the kernel's 8 endpoints per namespace", () => {
  const wide: Marks = { ...marks, endpointIds: [100, 199] };
  const planWide = (wanted: DesiredEndpoint[], current: Endpoint[]) =>
    planEndpoints({ endpoints: wanted, devices: [{ device: "eth0", rule: "r", kind: "ethernet" }] }, current, wide);

  it("foreign and owned endpoints count toward the 8; the 9th address is a conflict", () => {
    const current = [have(1, "10.9.9.1"), have(2, "10.9.9.2"), ...[100, 101, 102, 103, 104].map((id) => have(id, `10.0.1.${id - 99}`))];
    const result = planWide([...current.slice(2).map((e) => want(e.address)), want("10.0.0.1"), want("10.0.0.2")], current);
    expect(result.ops.map((o) => (o.op === "endpoint-add" ? o.endpoint.address : o.op))).toEqual(["10.0.0.1"]);
    expect(result.conflicts).toEqual([
      expect.objectContaining({ kind: "kernel-endpoint-limit", device: "eth0", address: "10.0.0.2" }),
    ]);
  });

  it("a swept endpoint makes room in the same plan", () => {
    const current = [100, 101, 102, 103, 104, 105, 106, 107].map((id) => have(id, `10.0.1.${id - 99}`));
    const result = planWide([...current.slice(1).map((e) => want(e.address)), want("10.0.0.1")], current);
    expect(result.conflicts).toEqual([]);
    expect(result.ops.map((o) => o.op)).toEqual(["endpoint-delete", "endpoint-add"]);
  });
});

describe("planEndpoints: existing endpoint on a wanted address", () => {
  it.each([
    { name: "same", current: have(101, "10.0.0.1", ["subflow"]), wanted: want("10.0.0.1", ["subflow"]), expected: [] },
    { name: "flag order does not matter", current: have(101, "10.0.0.1", ["backup", "subflow"]), wanted: want("10.0.0.1", ["subflow", "backup"]), expected: [] },
    { name: "backup on", current: have(101, "10.0.0.1", ["subflow"]), wanted: want("10.0.0.1", ["subflow", "backup"]), expected: ["change 10.0.0.1#101 backup=true"] },
    { name: "backup off", current: have(101, "10.0.0.1", ["subflow", "backup"]), wanted: want("10.0.0.1", ["subflow"]), expected: ["change 10.0.0.1#101 backup=false"] },
    { name: "subflow → signal", current: have(101, "10.0.0.1", ["subflow"]), wanted: want("10.0.0.1", ["signal"]), expected: ["delete 10.0.0.1#101", "add 10.0.0.1#101"] },
    { name: "fullmesh added with backup", current: have(101, "10.0.0.1", ["subflow"]), wanted: want("10.0.0.1", ["subflow", "fullmesh", "backup"]), expected: ["delete 10.0.0.1#101", "add 10.0.0.1#101"] },
    { name: "port differs", current: have(101, "10.0.0.1", ["signal"]), wanted: want("10.0.0.1", ["signal"], { port: 9000 }), expected: ["delete 10.0.0.1#101", "add 10.0.0.1#101"] },
    { name: "dev differs", current: have(101, "10.0.0.1", ["subflow"], "eth1"), wanted: want("10.0.0.1"), expected: ["delete 10.0.0.1#101", "add 10.0.0.1#101"] },
  ])("$name → $expected", ({ current, wanted, expected }) => {
    expect(summary([wanted], [current])).toEqual(expected);
  });

  it("a replaced endpoint keeps the device's reason; a swept one is 'not wanted'", () => {
    const ops = plan([want("10.0.0.1", ["signal"])], [have(101, "10.0.0.1"), have(102, "10.0.0.2")]).ops;
    expect(ops.filter((o) => o.op === "endpoint-delete").map((o) => o.reason)).toEqual([
      "not wanted",
      { device: "eth0", rule: "r" },
    ]);
  });
});

describe("planEndpoints: foreign endpoints", () => {
  it("are never deleted and block the add with a conflict", () => {
    const result = plan([want("10.0.0.1")], [have(3, "10.0.0.1"), have(4, "10.0.0.4")]);
    expect(result.ops).toEqual([]);
    expect(result.conflicts).toEqual([
      expect.objectContaining({ kind: "foreign-endpoint", device: "eth0", address: "10.0.0.1", endpointId: 3 }),
    ]);
  });

  it.each([
    { source: "the profile", advice: 'nmcli connection modify "Office/LAN" connection.mptcp-flags 0x1 && nmcli device reapply eth0' },
    { source: "NetworkManager's built-in default", advice: "then systemctl restart NetworkManager" },
    { source: undefined, advice: "ip mptcp endpoint delete id 3" },
  ])("advice when NetworkManager's MPTCP handling comes from $source", ({ source, advice }) => {
    const nmMptcp = source && { on: true, profile: "Office/LAN", flags: 0x22, source };
    const devices = [{ device: "eth0", rule: "r", kind: "ethernet" as const, ...(nmMptcp && { nmMptcp }) }];
    const [conflict] = planEndpoints({ endpoints: [want("10.0.0.1")], devices }, [have(3, "10.0.0.1")], marks).conflicts;
    expect(conflict?.message).toContain(advice);
  });
});

describe("planEndpoints: taking over what NetworkManager left", () => {
  const handling = (on: boolean) => ({ on, profile: "wired", flags: on ? 0x22 : 0x1, source: "default in /etc/NetworkManager/conf.d/90-mptcp-policy.conf" });
  it.each([
    { name: "handling off, bound to the device → delete + add in our range", nm: handling(false), dev: "eth0", ops: ["delete 10.0.0.1#3 (takeover)", "add 10.0.0.1#100"], conflict: false },
    { name: "handling on → NetworkManager would fight: conflict", nm: handling(true), dev: "eth0", ops: [], conflict: true },
    { name: "handling unknown → conflict", nm: undefined, dev: "eth0", ops: [], conflict: true },
    { name: "handling off, not bound to a device (not NetworkManager's) → conflict", nm: handling(false), dev: undefined, ops: [], conflict: true },
    { name: "handling off, bound to another device → conflict", nm: handling(false), dev: "eth1", ops: [], conflict: true },
  ])("$name", ({ nm, dev, ops, conflict }) => {
    const devices = [{ device: "eth0", rule: "r", kind: "ethernet" as const, ...(nm && { nmMptcp: nm }) }];
    const foreign: Endpoint = { id: 3, address: "10.0.0.1", flags: ["subflow"], ...(dev && { dev }) };
    const result = planEndpoints({ endpoints: [want("10.0.0.1")], devices }, [foreign], marks);
    expect(result.ops.map((op) =>
      op.op === "endpoint-add" ? `add ${op.endpoint.address}#${op.endpoint.id}`
      : op.op === "endpoint-delete" ? `delete ${op.address}#${op.id}${op.takeover ? " (takeover)" : ""}` : op.op)).toEqual(ops);
    expect(result.conflicts.length > 0).toBe(conflict);
  });

  it("the replaced endpoint no longer counts against the kernel's 8", () => {
    const wide: Marks = { ...marks, endpointIds: [100, 199] };
    const others = [1, 2, 4, 5, 6, 7, 8].map((id): Endpoint => ({ id, address: `10.9.0.${id}`, flags: ["subflow"], dev: "eth9" }));
    const devices = [{ device: "eth0", rule: "r", kind: "ethernet" as const, nmMptcp: handling(false) }];
    const result = planEndpoints({ endpoints: [want("10.0.0.1")], devices }, [...others, { id: 3, address: "10.0.0.1", flags: ["subflow"], dev: "eth0" }], wide);
    expect(result.conflicts).toEqual([]);
    expect(result.ops.map((op) => op.op)).toEqual(["endpoint-delete", "endpoint-add"]);
  });
});
