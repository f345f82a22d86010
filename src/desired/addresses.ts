import type { AddressClass, Family, KernelAddress, Policy } from "../model/types.js";
import { inNetwork } from "./ip.js";
import { compareText } from "../model/compare.js";

const LOOPBACK: Record<Family, string> = { ipv4: "127.0.0.0/8", ipv6: "::1/128" };
const LINK_LOCAL: Record<Family, string> = { ipv4: "169.254.0.0/16", ipv6: "fe80::/10" };

const CLASS_TEST: Record<AddressClass, (a: KernelAddress) => boolean> = {
  "link-local": (a) => a.scope === "link" || inNetwork(a.family, a.address, LINK_LOCAL[a.family]),
  ula: (a) => a.family === "ipv6" && inNetwork("ipv6", a.address, "fc00::/7"),
  temporary: (a) => a.flags.includes("temporary"),
  deprecated: (a) => a.flags.includes("deprecated"),
  tentative: (a) => a.flags.includes("tentative"),
};

/**
 * The addresses of `ifname` that may carry an endpoint, a source rule and a prefix route, in a stable order
 * (IPv4 first, then by address text). They come from the kernel, not NetworkManager: the kernel's view has
 * the DAD and lifetime flags, and it is what changes first when a link comes or goes.
 * Loopback, host scope and failed DAD never qualify; the policy switches families and skips classes.
 */
export function usableAddresses(
  addresses: readonly KernelAddress[],
  ifname: string,
  policy: Policy["addresses"],
): KernelAddress[] {
  return addresses
    .filter(
      (a) =>
        a.ifname === ifname &&
        policy[a.family] &&
        a.scope !== "host" &&
        !inNetwork(a.family, a.address, LOOPBACK[a.family]) &&
        !a.flags.includes("dadfailed") &&
        !policy.skip.some((skipped) => CLASS_TEST[skipped](a)),
    )
    .sort((a, b) => compareText(a.family, b.family) || compareText(a.address, b.address));
}
