// `ip -json link show` → KernelLink[].
import type { KernelLink } from "../model/types.js";
import { KernelParseError, int, parseJsonList, str } from "./json.js";

const WHAT = "link show";

export function parseLinks(json: string): KernelLink[] {
  return parseJsonList(json, WHAT).map((r) => {
    const flags = r.flags;
    if (!Array.isArray(flags)) throw new KernelParseError(`${WHAT}: no flags in ${JSON.stringify(r)}`);
    return {
      ifname: str(r, "ifname", WHAT),
      ifindex: int(r, "ifindex", WHAT),
      up: isUp(flags),
      pointToPoint: flags.includes("POINTOPOINT"),
    };
  });
}

/**
 * Administratively up and with carrier. iproute2 prints NO-CARRIER when the link is UP but not RUNNING,
 * which happens even with LOWER_UP set (a veth whose peer just came up), so both are checked.
 */
export function isUp(flags: readonly unknown[]): boolean {
  return flags.includes("UP") && flags.includes("LOWER_UP") && !flags.includes("NO-CARRIER");
}
