import { describe, expect, it } from "vitest";
import { desiredState } from "../../src/desired/index.js";
import type { KernelState, NmSnapshot, Policy } from "../../src/model/types.js";
import { planChanges } from "../../src/plan/index.js";
import { buildStatus } from "../../src/status.js";
import { readCase } from "../cases/cases.js";

/** status for one case directory, with the kernel and snapshot edited first when a test needs it. */
function statusOf(name: string, edit: (k: KernelState, s: NmSnapshot, p: Policy) => void = () => {}) {
  const snapshot = readCase<NmSnapshot>(name, "snapshot.json");
  const current = readCase<KernelState>(name, "kernel.json");
  const policy = readCase<Policy>(name, "policy.json");
  edit(current, snapshot, policy);
  const desired = desiredState(snapshot, current, policy);
  return buildStatus(snapshot, policy, { current, desired, plan: planChanges(desired, current, policy.marks) }, { devices: new Map(), rates: false });
}

const device = (report: ReturnType<typeof statusOf>, name: string) => report.devices.find((d) => d.interface === name)!;

describe("buildStatus", () => {
  it("shows a kernel that matches the policy as in sync, per device with its rule, endpoints and table", () => {
    const s = statusOf("nothing-to-do");
    expect(s.inSync).toBe(true);
    expect(s.warnings).toEqual([]);
    expect(s.limits).toEqual({ subflows: 2, addAddrAccepted: 2 });
    expect(s.devices.map((d) => d.interface)).toEqual(["wlan0", "wwan0"]);
    expect(device(s, "wlan0")).toEqual({
      interface: "wlan0", type: "wifi", state: "activated", connection: "CoffeeShop", metered: "guess-no",
      rule: "wifi", role: "managed", addresses: ["192.168.1.23/24"],
      endpoints: [{ id: 100, address: "192.168.1.23", flags: ["subflow"] }], table: 1000, inSync: true,
      traffic: { subflows: 0, backupSubflows: 0, bytesSent: 0, bytesReceived: 0 },
      nmMptcp: { flags: 1, on: false, source: "the profile" },
    });
    expect(device(s, "wwan0")).toMatchObject({ rule: "modem", table: 1001, endpoints: [{ id: 101, flags: ["subflow", "backup"] }] });
  });

  it("marks the devices a pending operation names, and warns about foreign endpoints and NetworkManager's MPTCP", () => {
    const s = statusOf("foreign-endpoint-conflict");
    expect(s.inSync).toBe(false);
    expect(device(s, "wlan0").inSync).toBe(false);
    expect(device(s, "wlan0").table).toBeUndefined();
    expect(s.warnings.some((w) => w.startsWith(`NetworkManager's own MPTCP handling is on for "CoffeeShop" (wlan0)`))).toBe(true);
    expect(s.warnings).toContain("3 endpoint(s) not owned by mptcp-policy: 192.168.1.23 id 1, 10.64.12.7 id 5, 172.16.0.9 id 7");
    expect(s.warnings.at(-1)).toBe("run `mptcp-policy doctor` for the full checklist");
  });

  it("names the role: ignored by a rule, matched by none, not in play", () => {
    expect(device(statusOf("ignored-device-stale-objects-swept"), "wwan0")).toMatchObject({ rule: "no-modems", role: "ignored" });
    const unmatched = statusOf("nothing-to-do", (_k, _s, p) => void (p.rules = p.rules.filter((r) => r.name !== "wifi")));
    expect(device(unmatched, "wlan0")).toMatchObject({ role: "unmatched" });
    expect(device(unmatched, "wlan0").rule).toBeUndefined();
    const gone = statusOf("nothing-to-do", (k, s) => {
      s.devices.find((d) => d.interface === "wlan0")!.state = 30;
      k.addresses = k.addresses.filter((x) => x.ifname !== "wlan0");
    });
    expect(device(gone, "wlan0")).toMatchObject({ role: "inactive", state: "disconnected", addresses: [] });
  });

  it("leaves out loopback and devices without an interface name", () => {
    const s = statusOf("nothing-to-do", (_k, snap) => {
      const wifi = snap.devices[0]!;
      snap.devices.push({ ...wifi, interface: "lo", type: "loopback" }, { ...wifi, interface: "" });
    });
    expect(s.devices.map((d) => d.interface)).toEqual(["wlan0", "wwan0"]);
  });

  it("flags a link the kernel reports without carrier", () => {
    const s = statusOf("nothing-to-do", (k) => void (k.links = [{ ifname: "wlan0", up: false }, { ifname: "wwan0", up: true }]));
    expect(device(s, "wlan0")).toMatchObject({ noCarrier: true, role: "inactive", inSync: false }); // its objects go
    expect(device(s, "wwan0").noCarrier).toBeUndefined();
  });

  it("warns when MPTCP is off or the userspace path manager is selected", () => {
    const off = statusOf("nothing-to-do", (k) => void (k.mptcp = { enabled: false, pmType: 1 }));
    expect(off.warnings).toEqual([
      "net.mptcp.enabled is 0: the kernel opens no MPTCP connections",
      "net.mptcp.pm_type is 1 (userspace path manager): in-kernel endpoints do nothing",
      "run `mptcp-policy doctor` for the full checklist",
    ]);
  });
});
