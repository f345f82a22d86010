// `ip -json addr show` → KernelAddress[]. Address flags are present-only booleans in addr_info
// (`"temporary":true`, `"tentative":true`, `"dadfailed":true`, `"dynamic":true`...). IPv6 privacy
// addresses share the kernel's SECONDARY bit and are printed "temporary"; IPv4 aliases "secondary".
import type { Family, KernelAddress } from "../model/types.js";
import { KernelParseError, int, isRecord, parseJsonList, str } from "./json.js";

const WHAT = "addr show";

/** Every flag name iproute2 6.1 prints for an address (ip/ipaddress.c, ifa_flag_data). */
const ADDRESS_FLAGS = [
  "secondary", "temporary", "dynamic", "nodad", "optimistic", "dadfailed", "home", "deprecated", "tentative",
  "mngtmpaddr", "noprefixroute", "autojoin", "stable-privacy",
] as const;

export function parseAddresses(json: string): KernelAddress[] {
  const out: KernelAddress[] = [];
  for (const link of parseJsonList(json, WHAT)) {
    const ifname = str(link, "ifname", WHAT);
    const infos = link.addr_info ?? [];
    if (!Array.isArray(infos)) throw new KernelParseError(`${WHAT}: addr_info of ${ifname} is not a list`);
    for (const a of infos) {
      // `ip addr show` lists a link with an empty `{}` entry when a filter hides all its addresses.
      if (!isRecord(a) || a.local === undefined) continue;
      const flags: string[] = ADDRESS_FLAGS.filter((f) => a[f] === true);
      // The kernel sets DEPRECATED itself once the preferred lifetime runs out; a zero lifetime says the same.
      if (a.preferred_life_time === 0 && !flags.includes("deprecated")) flags.push("deprecated");
      out.push({
        ifname,
        family: familyOf(str(a, "family", WHAT)),
        address: str(a, "local", WHAT),
        prefix: int(a, "prefixlen", WHAT),
        scope: str(a, "scope", WHAT),
        flags,
      });
    }
  }
  return out;
}

function familyOf(name: string): Family {
  if (name === "inet") return "ipv4";
  if (name === "inet6") return "ipv6";
  throw new KernelParseError(`${WHAT}: unknown family "${name}"`);
}
