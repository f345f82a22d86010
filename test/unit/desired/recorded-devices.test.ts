// The embedded default policy on NetworkManager data in its D-Bus shape (test/fixtures/nm): devices veth
// cannot stand for (Wi-Fi, modem, Bluetooth) go through the same conversion, matching, desired state and
// planner as the rig's recorded veth links.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { desiredState } from "../../../src/desired/index.js";
import type { KernelAddress, KernelState, NmDevice, Policy } from "../../../src/model/types.js";
import { toNmDevice, type RawDevice } from "../../../src/nm/snapshot.js";
import { planChanges } from "../../../src/plan/index.js";
import { DEFAULT_POLICY_YAML, EMBEDDED_DEFAULT_NAME } from "../../../src/policy/default-policy.js";
import { parsePolicyText } from "../../../src/policy/load.js";

const device = (name: string): NmDevice =>
  toNmDevice(JSON.parse(readFileSync(new URL(`../../fixtures/nm/${name}.json`, import.meta.url), "utf8")) as RawDevice);

const parsed = parsePolicyText(DEFAULT_POLICY_YAML, EMBEDDED_DEFAULT_NAME);
if (!parsed.ok) throw new Error("the embedded default policy does not parse");
const policy: Policy = parsed.policy;

/** The kernel's view of a device's NetworkManager addresses; `temporary` marks IPv6 privacy addresses. */
function kernelOf(d: NmDevice, temporary: readonly string[] = []): KernelState {
  const addresses: KernelAddress[] = [
    ...d.ip4.addresses.map((a) => ({ ...a, family: "ipv4" as const })),
    ...d.ip6.addresses.map((a) => ({ ...a, family: "ipv6" as const })),
  ].map((a) => ({
    ifname: d.interface,
    family: a.family,
    address: a.address,
    prefix: a.prefix,
    scope: a.address.startsWith("fe80:") ? "link" : "global",
    flags: temporary.includes(a.address) ? ["temporary"] : [],
  }));
  return {
    endpoints: [],
    limits: { subflows: 2, addAddrAccepted: 0 },
    rules: [],
    routes: [],
    addresses,
    links: [{ ifname: d.interface, ifindex: 3, up: true, pointToPoint: d.type === "modem" }],
    rpFilter: { all: 0, [d.interface]: 1 },
    mptcp: { enabled: true, pmType: 0 },
  };
}

describe("embedded default policy on recorded and derived NetworkManager devices", () => {
  it("Wi-Fi: a subflow on its global addresses, privacy and link-local addresses skipped, table via the gateway", () => {
    const wifi = device("wifi");
    const kernel = kernelOf(wifi, ["2001:db8:42:1:8d1e:2b4c:a1f0:77e2"]);
    const desired = desiredState({ devices: [wifi] }, kernel, policy);
    expect(desired.devices).toEqual([expect.objectContaining({ device: "wlp0s20f3", rule: "wired-and-wifi", kind: "wifi" })]);
    expect(desired.endpoints.map((e) => [e.address, e.flags])).toEqual([
      ["192.168.178.57", ["subflow"]],
      ["2001:db8:42:1:5a2c:80ff:fe12:3456", ["subflow"]],
    ]);
    expect(wifi.ip4.gateway).toBe("192.168.178.1");
    expect(desired.routing[0]?.routes).toContainEqual({ family: "ipv4", dst: "default", gateway: "192.168.178.1" });
    const plan = planChanges(desired, kernel, policy.marks);
    expect(plan.operations.filter((o) => o.op === "endpoint-add")).toHaveLength(2);
    expect(plan.operations).toContainEqual(expect.objectContaining({ op: "rp-filter-set", ifname: "wlp0s20f3", value: 2 }));
  });

  it("modem: matched on the IP interface (wwan0), metered guess-yes → backup, point-to-point default without a gateway", () => {
    const modem = device("modem-gsm");
    expect(modem).toMatchObject({ interface: "wwan0", type: "modem", metered: "guess-yes" });
    const desired = desiredState({ devices: [modem] }, kernelOf(modem), policy);
    expect(desired.devices).toEqual([expect.objectContaining({ device: "wwan0", rule: "metered" })]);
    expect(desired.endpoints).toEqual([expect.objectContaining({ address: "100.71.18.203", dev: "wwan0", flags: ["subflow", "backup"] })]);
    // A /32 has no on-link prefix route; the default route goes straight out of the device.
    expect(desired.routing[0]?.routes).toEqual([{ family: "ipv4", dst: "default", scope: "link" }]);
  });

  it("Bluetooth PAN: backup (NetworkManager guesses it metered), and NetworkManager's own MPTCP (0x22) is named for the conflict advice", () => {
    const bt = device("bluetooth-panu");
    const desired = desiredState({ devices: [bt] }, kernelOf(bt), policy);
    expect(desired.devices).toEqual([
      expect.objectContaining({ device: "bnep0", rule: "metered", kind: "bluetooth", nmMptcp: expect.objectContaining({ on: true, profile: bt.connection?.id }) }),
    ]);
    expect(desired.endpoints.map((e) => e.flags)).toEqual([["subflow", "backup"]]);
    // Had it said "not metered", the type would still make it a backup.
    const unmetered = desiredState({ devices: [{ ...bt, metered: "no" }] }, kernelOf(bt), policy);
    expect(unmetered.devices).toEqual([expect.objectContaining({ rule: "cellular" })]);
    expect(unmetered.endpoints.map((e) => e.flags)).toEqual([["subflow", "backup"]]);
  });

  it("a link re-assumed by a restarted NetworkManager (state 80, Metered 0) is held, not matched by type", () => {
    const lte = device("veth-metered-never-default");
    const reassumed: NmDevice = { ...lte, state: 80, metered: "unknown" };
    const desired = desiredState({ devices: [reassumed] }, kernelOf(lte), policy);
    expect(desired).toMatchObject({ devices: [], endpoints: [], routing: [], held: [{ device: "lte0", rule: "metered", unknown: ["metered"] }] });
  });

  it("never-default DHCP link (recorded): backup, and its table's default route uses the lease's router", () => {
    const lte = device("veth-dhcp-never-default");
    const desired = desiredState({ devices: [lte] }, kernelOf(lte), policy);
    expect(desired.devices).toEqual([expect.objectContaining({ device: "lte0", rule: "metered" })]);
    expect(desired.routing[0]?.routes).toContainEqual({ family: "ipv4", dst: "default", gateway: "10.229.2.1" });
    const plan = planChanges(desired, kernelOf(lte), policy.marks);
    expect(plan.operations.map((o) => o.op)).toEqual([
      "limits-set", "rp-filter-set", "route-add", "route-add", "rule-add", "endpoint-add",
    ]);
  });
});
