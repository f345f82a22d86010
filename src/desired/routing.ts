import type {
  DesiredRoute,
  DesiredRouting,
  DeviceKind,
  Family,
  KernelAddress,
  KernelLink,
  KernelState,
  NmDevice,
  Reason,
} from "../model/types.js";
import { networkOf } from "./ip.js";

/** Kinds whose link has no neighbours to resolve, so a default route needs no gateway. */
const POINT_TO_POINT_KINDS: readonly DeviceKind[] = ["modem", "ppp", "wireguard", "tun"];
const HOST_PREFIX: Record<Family, number> = { ipv4: 32, ipv6: 128 };

/**
 * The per-interface table's content and its source rules, or undefined when the device has no usable
 * address (an empty table would route nothing).
 * Per family with an address: a default route via NetworkManager's gateway; without one, a link-scope
 * default on a point-to-point device (a modem's /32 has no gateway), else none. Plus each address's
 * on-link prefix route with that address as `src`, one per network (the kernel refuses a second route to
 * the same destination in a table). Host prefixes (/32, /128) have no on-link network to route.
 */
/**
 * IPv4 on-link routes carry `scope link`. IPv6 routes have no scope: the kernel stores every one as
 * global, so asking for `scope link` would never read back equal and each reconcile would replace it.
 */
function onLink(family: Family): { scope?: "link" } {
  return family === "ipv4" ? { scope: "link" } : {};
}

export function desiredRouting(
  device: NmDevice,
  addresses: readonly KernelAddress[],
  link: KernelLink | undefined,
  table: number | "auto",
  reason: Reason,
  mainDefaults: NonNullable<KernelState["mainDefaults"]> = [],
): DesiredRouting | undefined {
  if (addresses.length === 0) return undefined;
  const pointToPoint = link?.pointToPoint === true || POINT_TO_POINT_KINDS.includes(device.type);
  const routes: DesiredRoute[] = [];
  for (const family of ["ipv4", "ipv6"] as const) {
    if (!addresses.some((a) => a.family === family)) continue;
    // NetworkManager's word first; the main table's default route through this link is the same gateway,
    // seen in the kernel before NetworkManager's D-Bus view of a link that just came up is read.
    const gateway =
      (family === "ipv4" ? device.ip4 : device.ip6).gateway ??
      mainDefaults.find((d) => d.family === family && d.dev === device.interface)?.gateway;
    if (gateway) routes.push({ family, dst: "default", gateway });
    else if (pointToPoint) routes.push({ family, dst: "default", ...onLink(family) });
  }
  const networks = new Set<string>();
  for (const a of addresses) {
    if (a.prefix >= HOST_PREFIX[a.family]) continue;
    const dst = networkOf(a.family, a.address, a.prefix);
    if (networks.has(dst)) continue;
    networks.add(dst);
    routes.push({ family: a.family, dst, ...onLink(a.family), src: a.address });
  }
  return {
    device: device.interface,
    table,
    routes,
    sources: addresses.map((a) => ({ family: a.family, address: a.address })),
    reason,
  };
}
