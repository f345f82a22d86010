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

/** Administratively up and with carrier: a link that is UP but NO-CARRIER (no LOWER_UP) carries nothing. */
export function isUp(flags: readonly unknown[]): boolean {
  return flags.includes("UP") && flags.includes("LOWER_UP");
}
