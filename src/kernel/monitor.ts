// `ip monitor address link route rule neigh` text lines (iproute2 6.1 has no JSON monitor) → typed events.
// Formats, as recorded in test/fixtures/ip/monitor.txt:
//   address  `[Deleted ]3: wan0    inet 10.1.1.7/24 scope global secondary wan0`  (+ an indented lifetime line)
//            `[Deleted ]8: tun0    inet 10.9.9.1 peer 10.9.9.2/32 scope global tun0`
//   link     `[Deleted ]5: lte0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ...` (+ an indented link/ line)
//   rule     `[Deleted ]5000:\tfrom 10.1.1.9 lookup 1002 proto 203`
//   neigh    `[Deleted ]fe80::1 dev lte0 lladdr 02:00:00:00:00:01 router STALE` (ends with the NUD state)
//   route    anything else (`10.8.0.0/16 via ...`, `local ...`, `Deleted default via ...`)
import type { Family, KernelAddress } from "../model/types.js";
import { spawnIpMonitor, type IpOptions } from "./ip.js";
import { isUp } from "./links.js";
import { isUsable } from "./neighbours.js";

export type KernelEvent =
  | ({ kind: "address-added" | "address-removed" } & KernelAddress)
  /** `up`: administratively up and with carrier (isUp); `adminUp`: set up, whatever the carrier. */
  | { kind: "link"; ifname: string; up: boolean; adminUp: boolean }
  | { kind: "link-removed"; ifname: string }
  /** A default route of the main table (NetworkManager's) came or went: a gateway for that link. */
  | { kind: "main-default"; added: boolean; family: Family; dev: string; gateway: string }
  /** An on-link prefix NetworkManager put in the main table from a router advertisement came or went. */
  | { kind: "ra-prefix"; added: boolean; dev: string; dst: string }
  /**
   * A link-local IPv6 neighbour (routers advertise from one) changed: `usable` when it is flagged as a
   * router and not unreachable. Other neighbours are no event.
   */
  | { kind: "router"; dev: string; address: string; usable: boolean }
  | { kind: "route" }
  | { kind: "rule" }
  /** The monitor process died and was started again: events in between were lost. */
  | { kind: "monitor-restarted" };

const DELETED = "Deleted ";
const ADDRESS = /^\d+: (\S+)\s+(inet6?) ([0-9a-f.:]+)(?:\/(\d+))?(?: peer [0-9a-f.:]+\/(\d+))? (.*)$/i;
const LINK = /^\d+: ([^:@\s]+)(?:@\S*)?: <([^>]*)>/;
const RULE = /^\d+:\t/;
/** Routes in another table name it (`table 1000`); the main table's do not. */
const MAIN_DEFAULT = /^default via ([0-9a-f.:]+) dev (\S+)(?!.* table )/i;
/** NetworkManager's router-advertised prefix routes live in the main table, without a next hop (`ra` is 9). */
const RA_PREFIX = /^([0-9a-f:]+\/\d+) dev (\S+) proto (?:ra|9)\b(?!.* (?:table|via) )/i;
const NEIGHBOUR = /^([0-9a-f.:]+) dev (\S+)(.*?)\s*\b(?:INCOMPLETE|REACHABLE|STALE|DELAY|PROBE|FAILED|NOARP|PERMANENT|NONE)\s*$/;
const SCOPE_WORDS = new Set(["scope", "global", "link", "host", "site", "nowhere"]);
const LIFETIME_WORDS = /^(valid_lft|preferred_lft|brd|metric|proto|forever|\d+sec)$/;

/** One monitor line → an event, or null for continuation lines (indented), blank ones and other neighbours. */
export function parseMonitorLine(line: string): KernelEvent | null {
  if (line.trim() === "" || /^\s/.test(line)) return null;
  const deleted = line.startsWith(DELETED);
  const body = deleted ? line.slice(DELETED.length) : line;
  const addr = ADDRESS.exec(body);
  if (addr !== null) {
    const [, ifname, fam, address, len, peerLen, rest] = addr;
    const family: Family = fam === "inet6" ? "ipv6" : "ipv4";
    return {
      kind: deleted ? "address-removed" : "address-added",
      ifname: ifname!,
      family,
      address: address!,
      prefix: Number(len ?? peerLen ?? (family === "ipv6" ? 128 : 32)),
      scope: /\bscope (\S+)/.exec(rest!)?.[1] ?? "global",
      flags: addressFlags(rest!, family),
    };
  }
  const link = LINK.exec(body);
  if (link !== null) {
    if (deleted) return { kind: "link-removed", ifname: link[1]! };
    const flags = link[2]!.split(",");
    return { kind: "link", ifname: link[1]!, up: isUp(flags), adminUp: flags.includes("UP") };
  }
  if (RULE.test(body)) return { kind: "rule" };
  const neighbour = NEIGHBOUR.exec(body);
  if (neighbour !== null) {
    const [, address, dev, flags] = neighbour;
    if (!/^fe80:/i.test(address!)) return null;
    const state = body.trim().split(/\s+/).pop()!;
    return { kind: "router", dev: dev!, address: address!, usable: !deleted && /\brouter\b/.test(flags!) && isUsable([state]) };
  }
  const prefix = RA_PREFIX.exec(body);
  if (prefix !== null) return { kind: "ra-prefix", added: !deleted, dev: prefix[2]!, dst: prefix[1]! };
  const route = MAIN_DEFAULT.exec(body);
  if (route !== null) {
    const gateway = route[1]!;
    return { kind: "main-default", added: !deleted, family: gateway.includes(":") ? "ipv6" : "ipv4", dev: route[2]!, gateway };
  }
  return { kind: "route" };
}

/** `scope global temporary dynamic` / `brd B scope global secondary wan0:1` (IPv4 ends with its label). */
function addressFlags(rest: string, family: Family): string[] {
  const words = rest.trim().split(/\s+/);
  if (family === "ipv4") words.pop();
  const flags: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === "brd" || w === "metric") {
      i++;
    } else if (!SCOPE_WORDS.has(w) && !LIFETIME_WORDS.test(w) && !/^\d+$/.test(w)) {
      flags.push(w);
    }
  }
  return flags;
}

const RESTART_DELAY_MS = 200;

/**
 * Kernel address, link, route, rule and router-neighbour changes as events, from one resident `ip monitor`.
 * If that process dies (OOM killer, an admin's kill), it is started again and a `monitor-restarted` event
 * says that changes may have been missed.
 */
export function watchKernel(onEvent: (e: KernelEvent) => void, opts?: IpOptions): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: { stop(): Promise<void> };
  const start = (): void => {
    current = spawnIpMonitor(["address", "link", "route", "rule", "neigh"], (line) => {
      const e = parseMonitorLine(line);
      if (e !== null) onEvent(e);
    }, {
      ...opts,
      onExit: () => {
        if (stopped) return;
        timer = setTimeout(() => {
          start();
          onEvent({ kind: "monitor-restarted" });
        }, RESTART_DELAY_MS);
      },
    });
  };
  start();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current.stop();
    },
  };
}
