import { describe, expect, it } from "vitest";
import { matchDevice } from "../../../src/policy/match.js";
import type { NmDevice, PolicyRule, RuleMatch } from "../../../src/model/types.js";

// Shapes as NetworkManager 1.42 reports them over D-Bus (device types 2 = wifi, 8 = modem, 5 = bluetooth).
const noIp = { addresses: [] };
const wifi: NmDevice = {
  path: "/org/freedesktop/NetworkManager/Devices/3",
  interface: "wlp2s0",
  type: "wifi",
  nmType: 2,
  state: 100,
  managed: true,
  metered: "guess-no",
  connection: { id: "Home/Office 5G", uuid: "6b1e0c2a-7d8f-4e3b-9a51-2f0c4d6e8a10", type: "802-11-wireless" },
  ssid: "Home/Office 5G",
  ip4: { addresses: [{ address: "192.168.1.23", prefix: 24 }], gateway: "192.168.1.1" },
  ip6: noIp,
};
const modem: NmDevice = {
  path: "/org/freedesktop/NetworkManager/Devices/7",
  interface: "wwan0",
  type: "modem",
  nmType: 8,
  state: 100,
  managed: true,
  metered: "guess-yes",
  connection: { id: "Telekom LTE", uuid: "0f3c1a9e-52b4-4c6d-8e7f-a1b2c3d4e5f6", type: "gsm" },
  ip4: { addresses: [{ address: "10.64.12.7", prefix: 32 }] },
  ip6: noIp,
};
const bluetooth: NmDevice = {
  path: "/org/freedesktop/NetworkManager/Devices/9",
  interface: "bnep0",
  type: "bluetooth",
  nmType: 5,
  state: 100,
  managed: true,
  metered: "unknown",
  connection: { id: "Phone Network", uuid: "3d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d", type: "bluetooth" },
  ip4: { addresses: [{ address: "192.168.44.5", prefix: 24 }], gateway: "192.168.44.1" },
  ip6: noIp,
};
const wiredNoConnection: NmDevice = {
  path: "/org/freedesktop/NetworkManager/Devices/2",
  interface: "enp0s31f6",
  type: "ethernet",
  nmType: 1,
  state: 30,
  managed: true,
  metered: "no",
  ip4: noIp,
  ip6: noIp,
};
const devices = { wifi, modem, bluetooth, wiredNoConnection };
type DeviceName = keyof typeof devices;

const rule = (name: string, match: RuleMatch, ignore = false): PolicyRule => ({
  name,
  match,
  action: ignore ? { kind: "ignore" } : { kind: "manage", routing: { table: "auto" } },
});

describe("matchDevice: one condition at a time", () => {
  const table: { condition: string; match: RuleMatch; device: DeviceName; expected: boolean }[] = [
    { condition: "empty match", match: {}, device: "wiredNoConnection", expected: true },
    { condition: "interface exact", match: { interface: ["wwan0"] }, device: "modem", expected: true },
    { condition: "interface exact, other", match: { interface: ["wwan0"] }, device: "wifi", expected: false },
    { condition: "interface glob *", match: { interface: ["wl*"] }, device: "wifi", expected: true },
    { condition: "interface glob ?", match: { interface: ["bnep?"] }, device: "bluetooth", expected: true },
    { condition: "interface glob ? needs one char", match: { interface: ["bnep0?"] }, device: "bluetooth", expected: false },
    { condition: "interface glob class", match: { interface: ["wwan[0-3]"] }, device: "modem", expected: true },
    { condition: "interface glob negated class", match: { interface: ["wwan[!0]"] }, device: "modem", expected: false },
    { condition: "interface glob negated class, other", match: { interface: ["wwan[!1]"] }, device: "modem", expected: true },
    { condition: "interface glob is anchored", match: { interface: ["wlp"] }, device: "wifi", expected: false },
    { condition: "list is any of", match: { interface: ["eth*", "wwan*"] }, device: "modem", expected: true },
    { condition: "list, none matches", match: { interface: ["eth*", "enp*"] }, device: "modem", expected: false },
    { condition: "type wifi", match: { type: ["wifi"] }, device: "wifi", expected: true },
    { condition: "type modem", match: { type: ["modem"] }, device: "modem", expected: true },
    { condition: "type bluetooth", match: { type: ["bluetooth"] }, device: "bluetooth", expected: true },
    { condition: "type list", match: { type: ["ethernet", "modem"] }, device: "modem", expected: true },
    { condition: "type other", match: { type: ["ethernet"] }, device: "wifi", expected: false },
    { condition: "connection id", match: { connection: ["Telekom LTE"] }, device: "modem", expected: true },
    { condition: "connection glob * crosses /", match: { connection: ["Home*5G"] }, device: "wifi", expected: true },
    { condition: "connection glob ? matches /", match: { connection: ["Home?Office 5G"] }, device: "wifi", expected: true },
    { condition: "connection literal /", match: { connection: ["Home/Office*"] }, device: "wifi", expected: true },
    { condition: "connection needs one", match: { connection: ["*"] }, device: "wiredNoConnection", expected: false },
    { condition: "uuid", match: { uuid: ["0f3c1a9e-52b4-4c6d-8e7f-a1b2c3d4e5f6"] }, device: "modem", expected: true },
    { condition: "uuid other", match: { uuid: ["0f3c1a9e-52b4-4c6d-8e7f-a1b2c3d4e5f6"] }, device: "wifi", expected: false },
    { condition: "uuid needs a connection", match: { uuid: ["*"] }, device: "wiredNoConnection", expected: false },
    { condition: "ssid", match: { ssid: ["Home/Office 5G"] }, device: "wifi", expected: true },
    { condition: "ssid glob", match: { ssid: ["*5G"] }, device: "wifi", expected: true },
    { condition: "ssid needs an SSID", match: { ssid: ["*"] }, device: "modem", expected: false },
    { condition: "dot is not special", match: { connection: ["*"] }, device: "modem", expected: true },
    { condition: "two conditions both hold", match: { type: ["modem"], interface: ["wwan*"] }, device: "modem", expected: true },
    { condition: "two conditions, one fails", match: { type: ["modem"], interface: ["wl*"] }, device: "modem", expected: false },
  ];
  it.each(table)("$condition on $device → $expected", ({ match, device, expected }) => {
    const r = rule("r", match);
    expect(matchDevice(devices[device], [r])).toBe(expected ? r : undefined);
  });
});

describe("matchDevice: metered", () => {
  const table: { metered: NmDevice["metered"]; wanted: boolean; expected: boolean }[] = [
    { metered: "yes", wanted: true, expected: true },
    { metered: "guess-yes", wanted: true, expected: true },
    { metered: "no", wanted: true, expected: false },
    { metered: "guess-no", wanted: true, expected: false },
    { metered: "unknown", wanted: true, expected: false },
    { metered: "yes", wanted: false, expected: false },
    { metered: "guess-yes", wanted: false, expected: false },
    { metered: "no", wanted: false, expected: true },
    { metered: "guess-no", wanted: false, expected: true },
    { metered: "unknown", wanted: false, expected: true },
  ];
  it.each(table)("device $metered, metered: $wanted → $expected", ({ metered, wanted, expected }) => {
    const r = rule("r", { metered: wanted });
    expect(matchDevice({ ...modem, metered }, [r])).toBe(expected ? r : undefined);
  });
});

describe("matchDevice: rule order", () => {
  const ignoreModems = rule("no-modems", { type: ["modem"] }, true);
  const metered = rule("metered", { metered: true });
  const wireless = rule("wireless", { type: ["wifi", "bluetooth"] });
  const catchAll = rule("rest", {});
  const rules = [ignoreModems, metered, wireless, catchAll];
  const table: { device: DeviceName; expected: PolicyRule }[] = [
    // The modem is metered too, but the ignore rule comes first and stops the search.
    { device: "modem", expected: ignoreModems },
    { device: "wifi", expected: wireless },
    { device: "bluetooth", expected: wireless },
    { device: "wiredNoConnection", expected: catchAll },
  ];
  it.each(table)("$device → rule $expected.name", ({ device, expected }) => {
    expect(matchDevice(devices[device], rules)).toBe(expected);
  });

  it("first of two matching rules wins", () => {
    const first = rule("first", { interface: ["wl*"] });
    const second = rule("second", { type: ["wifi"] });
    expect(matchDevice(wifi, [first, second])).toBe(first);
    expect(matchDevice(wifi, [second, first])).toBe(second);
  });

  it("no rule matches → undefined", () => {
    expect(matchDevice(bluetooth, [ignoreModems, metered])).toBeUndefined();
  });
});
