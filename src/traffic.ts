// Where MPTCP traffic goes, per device, from the subflows the kernel's socket diagnostics list: how many
// subflows use each device, how many of those are backup, and their own TCP byte counters (not the link's
// counters, which mix MPTCP with everything else). Pure: subflows and addresses in, figures out.
import type { KernelAddress } from "./model/types.js";
import type { Subflow } from "./kernel/sockets.js";

export interface LinkTraffic {
  subflows: number;
  backupSubflows: number;
  /** Counters of the subflows open now, each since it opened. */
  bytesSent: number;
  bytesReceived: number;
  /** Bytes per second between two samples (only when two were taken). */
  sendRate?: number;
  receiveRate?: number;
}

export const NO_TRAFFIC: LinkTraffic = Object.freeze({ subflows: 0, backupSubflows: 0, bytesSent: 0, bytesReceived: 0 });

/** A subflow's device: the one it is bound to, else the one holding its local address. */
export function deviceOfSubflow(s: Subflow, addresses: readonly KernelAddress[]): string | undefined {
  return s.boundDev ?? addresses.find((a) => a.address === s.local)?.ifname;
}

/** Identity of a subflow across samples. */
export const subflowKey = (s: Subflow) => `${s.local}:${s.localPort} ${s.peer}:${s.peerPort} ${s.token}`;

/** Figures per device from one sample. */
export function trafficByDevice(subflows: readonly Subflow[], addresses: readonly KernelAddress[]): Map<string, LinkTraffic> {
  const out = new Map<string, LinkTraffic>();
  for (const s of subflows) {
    const dev = deviceOfSubflow(s, addresses);
    if (dev === undefined) continue;
    const t = out.get(dev) ?? { ...NO_TRAFFIC };
    out.set(dev, {
      subflows: t.subflows + 1,
      backupSubflows: t.backupSubflows + (s.backup ? 1 : 0),
      bytesSent: t.bytesSent + s.bytesSent,
      bytesReceived: t.bytesReceived + s.bytesReceived,
    });
  }
  return out;
}

/**
 * Bytes each device moved between two samples, subflow by subflow: a subflow that closed in between drops
 * out of the sums without making them go backwards, a new one counts from zero.
 */
export function bytesBetween(
  before: readonly Subflow[],
  after: readonly Subflow[],
  addresses: readonly KernelAddress[],
): Map<string, { sent: number; received: number }> {
  const earlier = new Map(before.map((s) => [subflowKey(s), s]));
  const out = new Map<string, { sent: number; received: number }>();
  for (const s of after) {
    const dev = deviceOfSubflow(s, addresses);
    if (dev === undefined) continue;
    const was = earlier.get(subflowKey(s));
    // A counter below the last one means another socket under the same name: it counts from zero.
    const grew = (now: number, then: number | undefined) => (then === undefined || now < then ? now : now - then);
    const d = out.get(dev) ?? { sent: 0, received: 0 };
    out.set(dev, { sent: d.sent + grew(s.bytesSent, was?.bytesSent), received: d.received + grew(s.bytesReceived, was?.bytesReceived) });
  }
  return out;
}

/** Figures per device from the second of two samples `seconds` apart, with rates from what moved between them. */
export function trafficWithRates(
  before: readonly Subflow[],
  after: readonly Subflow[],
  seconds: number,
  addresses: readonly KernelAddress[],
): Map<string, LinkTraffic> {
  const now = trafficByDevice(after, addresses);
  const moved = bytesBetween(before, after, addresses);
  const devices = new Set([...now.keys(), ...moved.keys()]);
  return new Map(
    [...devices].map((dev) => {
      const m = moved.get(dev) ?? { sent: 0, received: 0 };
      return [dev, { ...(now.get(dev) ?? NO_TRAFFIC), sendRate: Math.round(m.sent / seconds), receiveRate: Math.round(m.received / seconds) }];
    }),
  );
}

export interface TrafficLink {
  interface: string;
  /** Its endpoint is a backup one. */
  backup: boolean;
  noCarrier?: true;
  /** NetworkManager's state when the link is not in play (disconnected, unavailable). */
  down?: string;
  traffic: LinkTraffic;
}

/** Share of the MPTCP traffic per link: by rate when sampled twice, else by the open subflows' counters. */
export function shares(links: readonly TrafficLink[]): { byRate: boolean; share: Map<string, number> } {
  const byRate = links.some((l) => l.traffic.sendRate !== undefined);
  const volume = (t: LinkTraffic) => (byRate ? (t.sendRate ?? 0) + (t.receiveRate ?? 0) : t.bytesSent + t.bytesReceived);
  const total = links.reduce((sum, l) => sum + volume(l.traffic), 0);
  return { byRate, share: new Map(links.map((l) => [l.interface, total === 0 ? 0 : volume(l.traffic) / total])) };
}

export function formatShare(share: number): string {
  const pct = share * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

/** One line saying where the MPTCP traffic goes, naming the links that do not carry it when a backup does. */
export function trafficSummary(links: readonly TrafficLink[]): string {
  const subflows = links.reduce((sum, l) => sum + l.traffic.subflows, 0);
  if (subflows === 0) return "no MPTCP subflows on these links";
  const { byRate, share } = shares(links);
  const ranked = [...links].sort((a, b) => share.get(b.interface)! - share.get(a.interface)!);
  const top = ranked[0]!;
  if (share.get(top.interface) === 0) return `no MPTCP traffic${byRate ? " right now" : ""} (${subflows} subflow${subflows === 1 ? "" : "s"} open)`;
  const name = (l: TrafficLink) => `${l.interface}${l.backup ? " (backup)" : ""}`;
  const verb = byRate ? "is carrying" : "has carried";
  const what = byRate ? "of MPTCP traffic" : "of the bytes of the open MPTCP subflows";
  const head = `${name(top)} ${verb} ${formatShare(share.get(top.interface)!)} ${what}`;
  if (top.backup) {
    // A backup link carries traffic only when the scheduler finds no other subflow working: say which.
    const idle = links.filter((l) => !l.backup && share.get(l.interface)! < 0.01);
    if (idle.length === 0) return head;
    return `${head}: ${idle.map((l) => `${l.interface} has no working subflow${l.noCarrier ? " (no carrier)" : l.down ? ` (${l.down})` : ""}`).join(", ")}`;
  }
  const others = ranked.slice(1).filter((l) => l.traffic.subflows > 0);
  return others.length === 0 ? head : `${head}; ${others.map((l) => `${name(l)} ${formatShare(share.get(l.interface)!)}`).join(", ")}`;
}
