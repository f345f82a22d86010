import { describe, expect, it } from "vitest";
import { matchDevice } from "../../../src/policy/match.js";
import type { NmDevice, NmFact, PolicyRule, RuleMatch } from "../../../src/model/types.js";

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
  metered: "guess-no",
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

const matched = (rule: PolicyRule) => ({ kind: "matched", rule });
const none = { kind: "none" };
const undecided = (rule: PolicyRule, unknown: NmFact[]) => ({ kind: "undecided", rule, unknown });

const rule = (name: string, match: RuleMatch, ignore = false): PolicyRule => ({
  name,
  match,
  action: ignore ? { kind: "ignore" } : { kind: "manage", routing: { table: "auto" } },
});

describe("matchDevice: one condition at a time", () => {
  const table: { condition: string; match: RuleMatch; device: DeviceName; expected: boolean | NmFact }[] = [
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
    { condition: "connection unknown without one", match: { connection: ["*"] }, device: "wiredNoConnection", expected: "connection" },
    { condition: "uuid", match: { uuid: ["0f3c1a9e-52b4-4c6d-8e7f-a1b2c3d4e5f6"] }, device: "modem", expected: true },
    { condition: "uuid other", match: { uuid: ["0f3c1a9e-52b4-4c6d-8e7f-a1b2c3d4e5f6"] }, device: "wifi", expected: false },
    { condition: "uuid unknown without a connection", match: { uuid: ["*"] }, device: "wiredNoConnection", expected: "uuid" },
    { condition: "ssid", match: { ssid: ["Home/Office 5G"] }, device: "wifi", expected: true },
    { condition: "ssid glob", match: { ssid: ["*5G"] }, device: "wifi", expected: true },
    { condition: "ssid: a modem never has one", match: { ssid: ["*"] }, device: "modem", expected: false },
    { condition: "ssid: a wired device never has one", match: { ssid: ["*"] }, device: "wiredNoConnection", expected: false },
    { condition: "dot is not special", match: { connection: ["*"] }, device: "modem", expected: true },
    { condition: "two conditions both hold", match: { type: ["modem"], interface: ["wwan*"] }, device: "modem", expected: true },
    { condition: "two conditions, one fails", match: { type: ["modem"], interface: ["wl*"] }, device: "modem", expected: false },
  ];
  it.each(table)("$condition on $device → $expected", ({ match, device, expected }) => {
    const r = rule("r", match);
    const want = expected === true ? matched(r) : expected === false ? none : undecided(r, [expected]);
    expect(matchDevice(devices[device], [r])).toEqual(want);
  });
});

describe("matchDevice: metered", () => {
  const table: { metered: NmDevice["metered"]; wanted: boolean; expected: boolean | "unknown" }[] = [
    { metered: "yes", wanted: true, expected: true },
    { metered: "guess-yes", wanted: true, expected: true },
    { metered: "no", wanted: true, expected: false },
    { metered: "guess-no", wanted: true, expected: false },
    { metered: "unknown", wanted: true, expected: "unknown" },
    { metered: "yes", wanted: false, expected: false },
    { metered: "guess-yes", wanted: false, expected: false },
    { metered: "no", wanted: false, expected: true },
    { metered: "guess-no", wanted: false, expected: true },
    { metered: "unknown", wanted: false, expected: "unknown" },
  ];
  it.each(table)("device $metered, metered: $wanted → $expected", ({ metered, wanted, expected }) => {
    const r = rule("r", { metered: wanted });
    const want = expected === "unknown" ? undecided(r, ["metered"]) : expected ? matched(r) : none;
    expect(matchDevice({ ...modem, metered }, [r])).toEqual(want);
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
    expect(matchDevice(devices[device], rules)).toEqual(matched(expected));
  });

  it("first of two matching rules wins", () => {
    const first = rule("first", { interface: ["wl*"] });
    const second = rule("second", { type: ["wifi"] });
    expect(matchDevice(wifi, [first, second])).toEqual(matched(first));
    expect(matchDevice(wifi, [second, first])).toEqual(matched(second));
  });

  it("no rule matches → none", () => {
    expect(matchDevice(bluetooth, [ignoreModems, metered])).toEqual(none);
  });
});

describe("matchDevice: facts NetworkManager has not reported yet", () => {
  // A device re-assumed by a restarted NetworkManager (state 80, Metered 0) and one whose address is in
  // the kernel before NetworkManager has started activating it (state 30, no active connection yet).
  const reassumed: NmDevice = { ...modem, state: 80, metered: "unknown" };
  const comingUp: NmDevice = { ...wiredNoConnection, metered: "unknown" };
  const { ssid: _, ...associating }: NmDevice = { ...wifi, state: 50 };
  const metered = rule("metered", { metered: true });
  const unmetered = rule("unmetered", { metered: false });
  const byInterface = rule("by-interface", { interface: ["wwan*", "enp*", "wl*"] });
  const byId = rule("by-id", { connection: ["Telekom*"] });
  const byType = rule("by-type", { type: ["modem"] });

  it.each([
    { name: "metered unknown, metered: true", device: reassumed, rules: [metered, byInterface], want: undecided(metered, ["metered"]) },
    { name: "metered unknown, metered: false", device: reassumed, rules: [unmetered, byInterface], want: undecided(unmetered, ["metered"]) },
    // A rule that fails on a known fact is passed over whatever it also asks about the unknown one.
    { name: "a failing known condition beats an unknown one", device: reassumed,
      rules: [rule("wifi-metered", { type: ["wifi"], metered: true }), byInterface], want: matched(byInterface) },
    // ... and a rule that holds without looking at the unknown fact decides before any that looks at it.
    { name: "a rule before the unknown one decides", device: reassumed, rules: [byType, metered], want: matched(byType) },
    { name: "the connection is known while metered is not", device: reassumed, rules: [byId, metered], want: matched(byId) },
    { name: "every unknown fact of the rule is named", device: comingUp,
      rules: [rule("both", { connection: ["x"], metered: false }), byInterface], want: undecided(rule("both", { connection: ["x"], metered: false }), ["connection", "metered"]) },
    { name: "no active connection: the profile is not known yet", device: comingUp, rules: [byId, byInterface], want: undecided(byId, ["connection"]) },
    { name: "a Wi-Fi device not associated yet has no SSID yet", device: associating,
      rules: [rule("home", { ssid: ["Home*"] }), byInterface], want: undecided(rule("home", { ssid: ["Home*"] }), ["ssid"]) },
    { name: "an ignore rule can be undecided too", device: reassumed,
      rules: [rule("no-metered", { metered: true }, true), byInterface], want: undecided(rule("no-metered", { metered: true }, true), ["metered"]) },
    { name: "nothing unknown asked: matched as usual", device: reassumed, rules: [byInterface], want: matched(byInterface) },
    { name: "no rule can match: none, not undecided", device: reassumed, rules: [rule("wifi", { type: ["wifi"], metered: true })], want: none },
  ])("$name", ({ device, rules, want }) => {
    expect(matchDevice(device, rules)).toEqual(want);
  });

  it("a tunnel without its connection may still turn out to be a VPN", () => {
    const tun: NmDevice = { ...wiredNoConnection, interface: "tun0", type: "tun", nmType: 16 };
    const vpn = rule("vpn", { type: ["vpn"] }, true);
    const tunnels = rule("tunnels", { type: ["tun"] });
    const either = rule("either", { type: ["tun", "vpn"] });
    expect(matchDevice(tun, [vpn])).toEqual(undecided(vpn, ["type"]));
    expect(matchDevice(tun, [tunnels])).toEqual(undecided(tunnels, ["type"]));
    expect(matchDevice(tun, [either])).toEqual(matched(either));
    // An ethernet device is never a VPN's device: its type is known without the connection.
    expect(matchDevice(wiredNoConnection, [vpn])).toEqual(none);
    expect(matchDevice({ ...tun, connection: { id: "t", uuid: "u", type: "tun" } }, [vpn])).toEqual(none);
  });
});
