// Property changes that cannot change the device the watch builds (toNmDevice reads none of them), so they
// are no reason to re-read it. NetworkManager sends each in its own PropertiesChanged signal, most right after
// one that does matter (StateReason after State, 6 times per activation), and each cost a device re-read of six
// or seven D-Bus calls, or one more after the read in flight (1.42, 4 links coming up: 30 PropertiesChanged
// signals per link, 11 of them these). Anything not listed here, and any invalidated property, still re-reads.
import type { BusSignal } from "./bus.js";

const DNS_ONLY = ["DnsPriority", "Nameservers", "NameserverData", "Domains", "Searches", "DnsOptions", "WinsServers", "WinsServerData"];

const IGNORED: Record<string, ReadonlySet<string> | "all"> = {
  "org.freedesktop.NetworkManager.Device": new Set(["StateReason", "Ip4Connectivity", "Ip6Connectivity"]),
  "org.freedesktop.NetworkManager.Device.Statistics": "all",
  "org.freedesktop.NetworkManager.IP4Config": new Set(DNS_ONLY),
  "org.freedesktop.NetworkManager.IP6Config": new Set(DNS_ONLY),
};

/** A PropertiesChanged signal that changes only properties listed above. */
export function changesNothingWatched(signal: Pick<BusSignal, "iface" | "member" | "body">): boolean {
  if (signal.iface !== "org.freedesktop.DBus.Properties" || signal.member !== "PropertiesChanged") return false;
  const [iface, changed, invalidated] = signal.body as [unknown, unknown, unknown];
  const ignored = typeof iface === "string" ? IGNORED[iface] : undefined;
  if (ignored === undefined) return false;
  if (ignored === "all") return true;
  if (Array.isArray(invalidated) && invalidated.length > 0) return false;
  if (changed === null || typeof changed !== "object") return false;
  const names = Object.keys(changed);
  return names.length > 0 && names.every((name) => ignored.has(name));
}
