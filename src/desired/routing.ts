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
import { inNetwork, networkOf, parseAddress } from "./ip.js";

/** Kinds whose link has no neighbours to resolve, so a default route needs no gateway. */
const POINT_TO_POINT_KINDS: readonly DeviceKind[] = ["modem", "ppp", "wireguard", "tun"];
const HOST_PREFIX: Record<Family, number> = { ipv4: 32, ipv6: 128 };

/**
 * IPv4 on-link routes carry `scope link`. IPv6 routes have no scope: the kernel stores every one as
 * global, so asking for `scope link` would never read back equal and each reconcile would replace it.
 */
function onLink(family: Family): { scope?: "link" } {
  return family === "ipv4" ? { scope: "link" } : {};
}

/** What the kernel knows about a link's gateways and networks besides its addresses. */
export type LinkRouting = Pick<KernelState, "mainDefaults" | "raPrefixes" | "routers">;

/**
 * The per-interface table's content and its source rules, or undefined when the device has no usable
 * address (an empty table would route nothing).
 * Per family with an address: a default route via the link's gateway (see `gatewayOf`); without one, a
 * link-scope default on a point-to-point device (a modem's /32 has no gateway), else none. Plus each
 * address's on-link prefix route with that address as `src`, and each on-link prefix a router advertised
 * on the link (a DHCPv6 /128 address has no network of its own), one route per network (the kernel refuses
 * a second route to the same destination in a table). Host prefixes (/32, /128) have no on-link network.
 */
export function desiredRouting(
  device: NmDevice,
  addresses: readonly KernelAddress[],
  link: KernelLink | undefined,
  table: number | "auto",
  reason: Reason,
  kernel: LinkRouting = {},
): DesiredRouting | undefined {
  if (addresses.length === 0) return undefined;
  const pointToPoint = link?.pointToPoint === true || POINT_TO_POINT_KINDS.includes(device.type);
  const routes: DesiredRoute[] = [];
  for (const family of ["ipv4", "ipv6"] as const) {
    if (!addresses.some((a) => a.family === family)) continue;
    const gateway = gatewayOf(device, family, kernel);
    if (gateway) routes.push({ family, dst: "default", gateway });
    else if (pointToPoint) routes.push({ family, dst: "default", ...onLink(family) });
  }
  const networks = new Set<string>();
  const addNetwork = (family: Family, dst: string, src: string | undefined) => {
    if (networks.has(dst)) return;
    networks.add(dst);
    routes.push({ family, dst, ...onLink(family), ...(src !== undefined && { src }) });
  };
  for (const a of addresses) {
    if (a.prefix < HOST_PREFIX[a.family]) addNetwork(a.family, networkOf(a.family, a.address, a.prefix), a.address);
  }
  if (addresses.some((a) => a.family === "ipv6")) {
    for (const { dst } of (kernel.raPrefixes ?? []).filter((p) => p.dev === device.interface)) {
      const src = addresses.find((a) => a.family === "ipv6" && inNetwork("ipv6", a.address, dst))?.address;
      addNetwork("ipv6", dst, src);
    }
  }
  return {
    device: device.interface,
    table,
    routes,
    sources: addresses.map((a) => ({ family: a.family, address: a.address })),
    reason,
  };
}

/**
 * NetworkManager's word first; the main table's default route through this link is the same gateway, seen
 * in the kernel before NetworkManager's D-Bus view of a link that just came up is read. An IPv6 link whose
 * profile is never-default has its router hidden from both (NetworkManager reports no gateway and installs
 * no default route): the router the kernel learned from the link's advertisements stands in. The lowest
 * address of several keeps the choice stable; one the kernel finds unreachable is no longer a candidate.
 * Only for never-default: elsewhere NetworkManager follows the advertised router lifetime, which the kernel
 * does not record (NetworkManager turns its accept_ra off), so its silence means "no router".
 */
function gatewayOf(device: NmDevice, family: Family, kernel: LinkRouting): string | undefined {
  const config = family === "ipv4" ? device.ip4 : device.ip6;
  const known =
    config.gateway ?? kernel.mainDefaults?.find((d) => d.family === family && d.dev === device.interface)?.gateway;
  if (known !== undefined || family === "ipv4" || config.neverDefault !== true) return known;
  return (kernel.routers ?? [])
    .filter((r) => r.dev === device.interface)
    .map((r) => ({ address: r.address, bits: parseAddress("ipv6", r.address) ?? 0n }))
    .sort((a, b) => (a.bits < b.bits ? -1 : a.bits > b.bits ? 1 : 0))[0]?.address;
}
