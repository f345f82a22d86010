// A healthy machine written by hand in the shape gather.ts returns (not a recording): wan0 (default route)
// and lte0 (own table), both managed, endpoints in place.
// Each test case changes one fact of it.
import type { Facts } from "../../../src/doctor/facts.js";
import type { DesiredState, KernelState, NmDevice } from "../../../src/model/types.js";

const device = (iface: string, address: string, gateway: string, id: string): NmDevice => ({
  path: `/org/freedesktop/NetworkManager/Devices/${iface}`,
  interface: iface,
  type: "ethernet",
  nmType: 1,
  state: 100,
  managed: true,
  metered: "guess-no",
  connection: { id, uuid: `uuid-${id}`, type: "802-3-ethernet", mptcpFlags: 0x1 },
  ip4: { addresses: [{ address, prefix: 24 }], gateway },
  ip6: { addresses: [] },
});

export function kernelState(): KernelState {
  return {
    endpoints: [
      { id: 100, address: "10.10.1.2", flags: ["subflow"], dev: "wan0" },
      { id: 101, address: "10.10.2.2", flags: ["subflow", "backup"], dev: "lte0" },
    ],
    limits: { subflows: 2, addAddrAccepted: 2 },
    rules: [{ family: "ipv4", priority: 1000, from: "10.10.2.2/32", table: 1000, protocol: 203 }],
    routes: [{ family: "ipv4", table: 1000, dst: "default", dev: "lte0", gateway: "10.10.2.1", protocol: 203 }],
    addresses: [
      { ifname: "wan0", family: "ipv4", address: "10.10.1.2", prefix: 24, scope: "global", flags: [] },
      { ifname: "lte0", family: "ipv4", address: "10.10.2.2", prefix: 24, scope: "global", flags: [] },
    ],
    links: [
      { ifname: "wan0", ifindex: 2, up: true, pointToPoint: false },
      { ifname: "lte0", ifindex: 3, up: true, pointToPoint: false },
    ],
    rpFilter: { all: 0, wan0: 2, lte0: 2 },
    mptcp: { enabled: true, pmType: 0 },
  };
}

export function desired(): DesiredState {
  const reason = (device: string) => ({ device, rule: device === "lte0" ? "lte" : "wired" });
  return {
    devices: [
      { device: "lte0", rule: "lte", kind: "ethernet" },
      { device: "wan0", rule: "wired", kind: "ethernet" },
    ],
    endpoints: [
      { address: "10.10.1.2", family: "ipv4", dev: "wan0", flags: ["subflow"], reason: reason("wan0") },
      { address: "10.10.2.2", family: "ipv4", dev: "lte0", flags: ["subflow", "backup"], reason: reason("lte0") },
    ],
    routing: [
      {
        device: "lte0",
        table: "auto",
        routes: [{ family: "ipv4", dst: "default", gateway: "10.10.2.1" }],
        sources: [{ family: "ipv4", address: "10.10.2.2" }],
        reason: reason("lte0"),
      },
    ],
    limits: { subflows: { kind: "at-least", value: 2 }, addAddrAccepted: { kind: "at-least", value: 2 } },
    rpFilterLoose: ["lte0", "wan0"],
  };
}

export function healthyFacts(): Facts {
  return {
    kernel: {
      release: "6.18.44-fc-v782",
      config: { source: "/proc/config.gz", options: { CONFIG_MPTCP: "y", CONFIG_MPTCP_IPV6: "y", CONFIG_INET_MPTCP_DIAG: "y" } },
      mptcp: { enabled: true, pmType: 0 },
    },
    kernelState: { ok: true, value: kernelState() },
    ip: { ok: true, value: { version: "ip utility, iproute2-6.1.0, libbpf 1.1.2", mptcp: true, endpointChange: true } },
    mptcpdPids: [],
    nm: {
      ok: true,
      value: {
        snapshot: { version: "1.42.4", mptcpDefault: null, devices: [device("wan0", "10.10.1.2", "10.10.1.1", "wan0"), device("lte0", "10.10.2.2", "10.10.2.1", "lte0")] },
      },
    },
    policy: {
      ok: true,
      value: { source: "/etc/mptcp-policy/policy.yaml", marks: { endpointIds: [100, 199], tables: [1000, 1999], protocol: 203, priority: 1000 } },
    },
    desired: { ok: true, value: desired() },
    routes: [
      { address: "10.10.1.2", family: "ipv4", expectedDev: "wan0", result: { ok: true, value: { dev: "wan0" } } },
      { address: "10.10.2.2", family: "ipv4", expectedDev: "lte0", result: { ok: true, value: { dev: "lte0" } } },
    ],
    sockets: { ok: true, value: { mptcp: 4, tcp: 12 } },
    mptcpize: "/usr/bin/mptcpize",
    selfTest: { ran: true, negotiated: true, durationMs: 48, detail: "the client got MP_CAPABLE on the SYN-ACK (MPCapableSYNACKRX=1)", counters: { MPCapableSYNACKRX: 1 } },
  };
}
