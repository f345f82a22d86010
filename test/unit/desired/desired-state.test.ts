import { describe, expect, it } from "vitest";
import { desiredState } from "../../../src/desired/index.js";
import type { KernelAddress, NmDevice, Policy, PolicyRule } from "../../../src/model/types.js";

const nmDevice = (ifname: string, extra: Partial<NmDevice> = {}): NmDevice => ({
  path: `/d/${ifname}`, interface: ifname, type: "ethernet", nmType: 1, state: 100, managed: true, metered: "no",
  connection: { id: ifname, uuid: `uuid-${ifname}`, type: "802-3-ethernet", mptcpFlags: 0x1 },
  ip4: { addresses: [], gateway: "10.0.0.1" }, ip6: { addresses: [] }, ...extra,
});
const kernelAddr = (ifname: string, address: string): KernelAddress => ({
  ifname, family: "ipv4", address, prefix: 24, scope: "global", flags: [],
});
const manage: PolicyRule = {
  name: "all", match: {}, action: { kind: "manage", endpoint: { flags: ["subflow"] }, routing: { table: "auto" } },
};
const policy = (rules: PolicyRule[], rpFilter: Policy["rpFilter"] = "loose"): Policy => ({
  rules,
  addresses: { ipv4: true, ipv6: true, skip: [] },
  limits: { subflows: "auto", addAddrAccepted: "auto" },
  marks: { endpointIds: [100, 199], tables: [1000, 1999], protocol: 203, priority: 5000 },
  rpFilter,
});
const kernel = (...ifnames: string[]) => ({
  addresses: ifnames.map((n, i) => kernelAddr(n, `10.0.${i}.2`)),
  links: [],
});

describe("desiredState: which devices count", () => {
  it.each([
    { state: 20, managed: true, counts: false },
    // Disconnected or activating with a kernel address: NetworkManager is bringing it up (comingUp).
    { state: 30, managed: true, counts: true },
    { state: 60, managed: true, counts: true },
    { state: 70, managed: true, counts: true },
    { state: 80, managed: true, counts: true },
    { state: 90, managed: true, counts: true },
    { state: 100, managed: true, counts: true },
    { state: 110, managed: true, counts: false },
    { state: 120, managed: true, counts: false },
    { state: 100, managed: false, counts: false },
  ])("state $state managed $managed → $counts", ({ state, managed, counts }) => {
    const got = desiredState({ devices: [nmDevice("eth0", { state, managed })] }, kernel("eth0"), policy([manage]));
    expect(got.devices.map((d) => d.device)).toEqual(counts ? ["eth0"] : []);
    expect(got.endpoints.map((e) => e.address)).toEqual(counts ? ["10.0.0.2"] : []);
    expect(got.routing.map((r) => r.device)).toEqual(counts ? ["eth0"] : []);
  });

  it.each([
    { name: "carrier lost", up: false, counts: false },
    { name: "carrier present", up: true, counts: true },
  ])("an activated device with its link's $name → $counts", ({ up, counts }) => {
    const k = { ...kernel("eth0"), links: [{ ifname: "eth0", ifindex: 2, up, pointToPoint: false }] };
    const got = desiredState({ devices: [nmDevice("eth0")] }, k, policy([manage]));
    expect(got.endpoints.map((e) => e.address)).toEqual(counts ? ["10.0.0.2"] : []);
    expect(got.routing.map((r) => r.device)).toEqual(counts ? ["eth0"] : []);
  });

  it.each([
    { name: "its link listed with a carrier", links: [{ ifname: "eth0", ifindex: 2, up: true, pointToPoint: false }], counts: true },
    { name: "its link listed without a carrier", links: [{ ifname: "eth0", ifindex: 2, up: false, pointToPoint: false }], counts: false },
    { name: "its link not listed", links: [], counts: false },
  ])("an unavailable device with a kernel address and $name → $counts (the carrier came back before NetworkManager's signal)", ({ links, counts }) => {
    const unavailable = nmDevice("eth0", { state: 20, connection: undefined, metered: "unknown" });
    const got = desiredState({ devices: [unavailable] }, { ...kernel("eth0"), links }, policy([manage]));
    expect(got.endpoints.map((e) => e.address)).toEqual(counts ? ["10.0.0.2"] : []);
    expect(got.routing.map((r) => r.device)).toEqual(counts ? ["eth0"] : []);
  });

  it("an unavailable device whose carrier came back is held while a rule before its match looks at metered", () => {
    const meteredFirst: PolicyRule = { name: "metered", match: { metered: true }, action: { kind: "ignore" } };
    const unavailable = nmDevice("eth0", { state: 20, connection: undefined, metered: "unknown" });
    const links = [{ ifname: "eth0", ifindex: 2, up: true, pointToPoint: false }];
    const got = desiredState({ devices: [unavailable] }, { ...kernel("eth0"), links }, policy([meteredFirst, manage]));
    expect(got).toMatchObject({ endpoints: [], routing: [], held: [{ device: "eth0", rule: "metered", unknown: ["metered"] }] });
  });

  it("a disconnected or activating device without kernel address does not count", () => {
    for (const state of [30, 40, 60]) {
      expect(desiredState({ devices: [nmDevice("eth0", { state })] }, kernel(), policy([manage])).devices).toEqual([]);
    }
  });

  it.each([
    { name: "a connection glob", match: { connection: ["VPN*"] }, unknown: ["connection"] },
    { name: "a uuid", match: { uuid: ["uuid-other"] }, unknown: ["uuid"] },
    { name: "an ssid", match: { ssid: ["Home"] }, unknown: ["ssid"], type: "wifi" as const },
    { name: "metered", match: { metered: true }, unknown: ["metered"] },
  ])("an activating device is held while a rule before its match looks at $name", ({ match, unknown, type }) => {
    const ignore: PolicyRule = { name: "first", match, action: { kind: "ignore" } };
    const activating = nmDevice("eth0", { state: 40, connection: undefined, metered: "unknown", type: type ?? "ethernet" });
    const early = desiredState({ devices: [activating] }, kernel("eth0"), policy([ignore, manage]));
    expect(early).toMatchObject({ devices: [], endpoints: [], routing: [], held: [{ device: "eth0", rule: "first", unknown }] });
    // Once NetworkManager reports the facts (none of which matches the first rule), the second rule decides.
    const known = { ...activating, state: 70, metered: "no" as const, connection: nmDevice("eth0").connection!, ssid: "Cafe" };
    const later = desiredState({ devices: [known] }, kernel("eth0"), policy([ignore, manage]));
    expect(later.devices).toHaveLength(1);
    expect(later.held).toEqual([]);
  });

  it("a device without interface name does not count", () => {
    expect(desiredState({ devices: [nmDevice("")] }, kernel(""), policy([manage])).devices).toEqual([]);
  });
});

describe("desiredState: rules", () => {
  const ignoreEth1: PolicyRule = { name: "skip", match: { interface: ["eth1"] }, action: { kind: "ignore" } };
  const routeOnly: PolicyRule = { name: "route-only", match: { interface: ["eth2"] }, action: { kind: "manage", routing: { table: 1500 } } };
  const endpointOnly: PolicyRule = {
    name: "ep-only", match: { interface: ["eth3"] }, action: { kind: "manage", endpoint: { flags: ["signal"], port: 8080 }, routing: false },
  };
  const snapshot = { devices: ["eth3", "eth0", "eth2", "eth1", "eth9"].map((n) => nmDevice(n)) };
  const got = desiredState(snapshot, kernel("eth0", "eth1", "eth2", "eth3"), policy([ignoreEth1, routeOnly, endpointOnly, manage]));

  it("ignored devices are absent; others in name order with their rule", () => {
    expect(got.devices.map((d) => [d.device, d.rule])).toEqual([
      ["eth0", "all"], ["eth2", "route-only"], ["eth3", "ep-only"], ["eth9", "all"],
    ]);
  });
  it("endpoints only where the rule asks, with the rule's flags and port", () => {
    expect(got.endpoints.map((e) => [e.dev, e.address, e.flags, e.port])).toEqual([
      ["eth0", "10.0.0.2", ["subflow"], undefined],
      ["eth3", "10.0.3.2", ["signal"], 8080],
    ]);
  });
  it("routing only where the rule asks, pinned table kept", () => {
    expect(got.routing.map((r) => [r.device, r.table])).toEqual([["eth0", "auto"], ["eth2", 1500]]);
  });
  it("rp_filter loosened only on devices with routing or endpoints (eth9 has no address)", () => {
    expect(got.rpFilterLoose).toEqual(["eth0", "eth2", "eth3"]);
  });
  it("auto limits count subflow endpoints only", () => {
    expect(got.limits.subflows).toEqual({ kind: "at-least", value: 1 });
  });
  it("rpFilter keep → nothing to loosen", () => {
    expect(desiredState(snapshot, kernel("eth0"), policy([manage], "keep")).rpFilterLoose).toEqual([]);
  });
});

describe("desiredState: NetworkManager's own MPTCP", () => {
  it.each([
    { flags: undefined, on: undefined },
    { flags: 0, on: true },
    { flags: 0x1, on: false },
    { flags: 0x22, on: true },
    { flags: 0x23, on: false },
  ])("mptcp-flags $flags → handling on: $on", ({ flags, on }) => {
    const dev = nmDevice("eth0", { connection: { id: "c", uuid: "u", type: "802-3-ethernet", ...(flags !== undefined && { mptcpFlags: flags }) } });
    expect(desiredState({ devices: [dev] }, kernel("eth0"), policy([manage])).devices[0]?.nmMptcp?.on).toBe(on);
  });
});

describe("desiredState: a gateway NetworkManager may still report", () => {
  const v6 = { ifname: "eth0", family: "ipv6" as const, address: "fd00::2", prefix: 64, scope: "global", flags: [] };
  const withBoth = { addresses: [kernelAddr("eth0", "10.0.0.2"), v6], links: [] };
  it.each([
    { name: "activating, no IPv4 gateway yet: IPv4 waits, IPv6 (its gateway known) does not", state: 70, ip4Gateway: undefined, waits: ["ipv4"] },
    { name: "activating with both gateways known: nothing waits", state: 70, ip4Gateway: "10.0.0.1", waits: undefined },
    { name: "activated without an IPv4 gateway: it has none, nothing waits", state: 100, ip4Gateway: undefined, waits: undefined },
  ])("$name", ({ state, ip4Gateway, waits }) => {
    const device = nmDevice("eth0", { state, ip4: { addresses: [], gateway: ip4Gateway }, ip6: { addresses: [], gateway: "fe80::1" } });
    const got = desiredState({ devices: [device] }, withBoth, policy([manage]));
    expect(got.routing[0]?.waitsForGateway).toEqual(waits);
    expect(got.endpoints.filter((e) => e.waitsForRoute).map((e) => e.family)).toEqual(waits ?? []);
  });
});
