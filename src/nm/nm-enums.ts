// NetworkManager's numeric enums (NMDeviceType, NMMetered, NMDeviceState) by the names the policy uses.
// Source: NetworkManager's D-Bus API reference, "Types" (nm-dbus-interface.h), 1.42.
import type { DeviceKind, Metered } from "../model/types.js";

const DEVICE_KIND_BY_NM_TYPE: ReadonlyMap<number, DeviceKind> = new Map<number, DeviceKind>([
  [1, "ethernet"],
  [2, "wifi"],
  [5, "bluetooth"],
  [8, "modem"],
  [9, "infiniband"],
  [10, "bond"],
  [11, "vlan"],
  [13, "bridge"],
  [15, "team"],
  [16, "tun"],
  // ip-tunnel (GRE, IPIP, SIT, ...): like tun, a layer-3 tunnel riding on another link; a policy that
  // says `type: tun` to keep tunnels out of MPTCP means these too.
  [17, "tun"],
  [18, "macvlan"],
  [19, "vxlan"],
  // NetworkManager reports a veth as 20 even under an ethernet profile (measured on 1.42).
  [20, "veth"],
  [23, "ppp"],
  [29, "wireguard"],
  [32, "loopback"],
]);

/**
 * Device kind from NMDeviceType; everything without a kind of its own (generic 14, macsec 21, dummy 22,
 * OVS 24–26, wpan, 6lowpan, wifi-p2p, vrf, hsr, unknown) is "other". A device carrying a VPN active
 * connection is "vpn" whatever its own type, since that is what the user configured it as.
 */
export function deviceKind(nmType: number, activeConnectionType?: string): DeviceKind {
  if (activeConnectionType === "vpn") return "vpn";
  return DEVICE_KIND_BY_NM_TYPE.get(nmType) ?? "other";
}

const METERED: readonly Metered[] = ["unknown", "yes", "no", "guess-yes", "guess-no"];

/** NMMetered 0..4; out-of-range values read as "unknown". */
export function meteredName(value: number): Metered {
  return METERED[value] ?? "unknown";
}

/** NMDeviceState values the rest of the code refers to. */
export const DeviceState = {
  Unknown: 0,
  Unmanaged: 10,
  Unavailable: 20,
  Disconnected: 30,
  Prepare: 40,
  Config: 50,
  NeedAuth: 60,
  IpConfig: 70,
  IpCheck: 80,
  Secondaries: 90,
  Activated: 100,
  Deactivating: 110,
  Failed: 120,
} as const;

const STATE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(DeviceState).map(([name, value]) => [value, name.replace(/[A-Z]/g, (c, i: number) => (i ? "-" : "") + c.toLowerCase())]),
);

/** "activated", "ip-config", ... for logs and status output; the number itself when unknown. */
export function deviceStateName(state: number): string {
  return STATE_NAMES.get(state) ?? String(state);
}
