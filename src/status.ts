// `status` as data: per device what NetworkManager says, which rule matched, what the kernel holds for it,
// and whether that is what the policy wants; plus limits and warnings. Pure: built from one assessment.
import type { Endpoint, KernelState, NmDevice, NmFact, NmMptcpHandling, NmSnapshot, Operation, Policy } from "./model/types.js";
import { isInPlay } from "./desired/index.js";
import { describeNmMptcp, nmMptcpFix, nmMptcpHandling } from "./nm/mptcp-handling.js";
import { deviceStateName } from "./nm/nm-enums.js";
import { matchDevice } from "./policy/match.js";
import { ownsEndpoint, ownsMarked } from "./plan/ownership.js";
import type { Assessment } from "./reconcile.js";
import { NO_TRAFFIC, trafficSummary, type LinkTraffic } from "./traffic.js";
import { compareText } from "./model/compare.js";

/** "undecided": a rule that may match waits for facts NetworkManager has not reported; the kernel is left as it is. */
export type DeviceRole = "managed" | "ignored" | "unmatched" | "inactive" | "undecided";

export interface DeviceStatus {
  interface: string;
  type: string;
  state: string;
  connection?: string;
  metered: string;
  rule?: string;
  role: DeviceRole;
  /** With role "undecided": the facts the rule waits for. */
  unknown?: NmFact[];
  addresses: string[];
  endpoints: Pick<Endpoint, "id" | "address" | "flags">[];
  table?: number;
  /** The kernel reports the link without carrier (or down): it counts as gone whatever NetworkManager says. */
  noCarrier?: true;
  /** NetworkManager's own MPTCP handling for the active profile, when known: the same answer doctor gives. */
  nmMptcp?: Pick<NmMptcpHandling, "on" | "flags" | "source">;
  /** No pending operation names this device. */
  inSync: boolean;
  /** MPTCP subflows with a local address on this device and their counters (socket diagnostics). */
  traffic: LinkTraffic;
}

export interface StatusReport {
  devices: DeviceStatus[];
  limits: KernelState["limits"];
  inSync: boolean;
  warnings: string[];
  /**
   * Links the traffic figures are about: the managed ones, those the policy would manage once up (a primary
   * without carrier explains why a backup carries the traffic), and any other link with subflows.
   */
  trafficLinks: string[];
  /** Where the MPTCP traffic of those links goes, in one line. */
  trafficSummary: string;
}

/** Subflow figures per device from one sample, or from two with rates (then every device has a rate). */
export interface TrafficSample {
  devices: ReadonlyMap<string, LinkTraffic>;
  rates: boolean;
}

export function buildStatus(snapshot: NmSnapshot, policy: Policy, a: Assessment, traffic: TrafficSample): StatusReport {
  const pending = a.plan.operations;
  const none: LinkTraffic = traffic.rates ? { ...NO_TRAFFIC, sendRate: 0, receiveRate: 0 } : NO_TRAFFIC;
  const shown = snapshot.devices
    .filter((d) => d.interface !== "" && d.type !== "loopback")
    .sort((x, y) => compareText(x.interface, y.interface));
  const devices = shown.map((d) => deviceStatus(d, snapshot, policy, a.current, pending, traffic.devices.get(d.interface) ?? none));
  const carrying = devices.filter((d, i) => {
    const match = matchDevice(shown[i]!, policy.rules);
    return d.role === "managed" || d.traffic.subflows > 0 || (d.role === "inactive" && match.kind !== "none" && match.rule.action.kind !== "ignore");
  });
  return {
    devices,
    limits: a.current.limits,
    inSync: pending.length === 0 && a.plan.conflicts.length === 0,
    warnings: warnings(policy, a),
    trafficLinks: carrying.map((d) => d.interface),
    trafficSummary: trafficSummary(carrying.map((d) => ({
      interface: d.interface,
      backup: isBackupLink(d),
      ...(d.noCarrier && { noCarrier: d.noCarrier }),
      ...(d.role === "inactive" && { down: d.state }),
      traffic: d.traffic,
    }))),
  };
}

/** A link whose endpoint is a backup one, or whose subflows are all backup. */
export function isBackupLink(d: Pick<DeviceStatus, "endpoints" | "traffic">): boolean {
  return d.endpoints.some((e) => e.flags.includes("backup")) ||
    (d.traffic.subflows > 0 && d.traffic.backupSubflows === d.traffic.subflows);
}

function deviceStatus(
  d: NmDevice,
  snapshot: NmSnapshot,
  policy: Policy,
  current: KernelState,
  pending: readonly Operation[],
  traffic: LinkTraffic,
): DeviceStatus {
  const match = matchDevice(d, policy.rules);
  const rule = match.kind === "none" ? undefined : match.rule;
  const role: DeviceRole = !isInPlay(d, current, policy)
    ? "inactive"
    : match.kind === "none"
      ? "unmatched"
      : match.kind === "undecided"
        ? "undecided"
        : match.rule.action.kind === "ignore"
          ? "ignored"
          : "managed";
  const addresses = current.addresses.filter((x) => x.ifname === d.interface);
  const own = new Set(addresses.map((x) => x.address));
  const table = current.rules.find((r) => ownsMarked(r, policy.marks) && own.has(r.from))?.table;
  const nm = nmMptcpHandling(d, snapshot);
  return {
    interface: d.interface,
    type: d.type,
    state: deviceStateName(d.state),
    ...(d.connection && { connection: d.connection.id }),
    metered: d.metered,
    ...(rule && { rule: rule.name }),
    role,
    ...(role === "undecided" && match.kind === "undecided" && { unknown: match.unknown }),
    addresses: addresses.map((x) => `${x.address}/${x.prefix}`),
    endpoints: current.endpoints
      .filter((e) => e.dev === d.interface || own.has(e.address))
      .map(({ id, address, flags }) => ({ id, address, flags })),
    ...(table !== undefined && { table }),
    ...(current.links.find((l) => l.ifname === d.interface)?.up === false && { noCarrier: true as const }),
    ...(nm && { nmMptcp: { on: nm.on, flags: nm.flags, source: nm.source } }),
    inSync: !pending.some((op) => deviceOf(op) === d.interface),
    traffic: { ...traffic },
  };
}

function deviceOf(op: Operation): string | undefined {
  if (op.op === "limits-set") return undefined;
  if (op.reason !== "not wanted") return op.reason.device;
  if (op.op === "route-delete") return op.route.dev;
  return undefined;
}

function warnings(policy: Policy, a: Assessment): string[] {
  const out: string[] = [];
  if (a.current.mptcp.enabled === false) out.push("net.mptcp.enabled is 0: the kernel opens no MPTCP connections");
  if (a.current.mptcp.pmType === 1) {
    out.push("net.mptcp.pm_type is 1 (userspace path manager): in-kernel endpoints do nothing");
  }
  for (const d of a.desired.devices) {
    if (d.nmMptcp?.on) {
      out.push(
        `NetworkManager's own MPTCP handling is on for ${describeNmMptcp(d.nmMptcp, d.device)}: it rewrites endpoints; ` +
          nmMptcpFix(d.nmMptcp, d.device),
      );
    }
  }
  for (const c of a.plan.conflicts) out.push(c.message);
  const foreign = a.current.endpoints.filter((e) => !ownsEndpoint(e, policy.marks));
  if (foreign.length > 0) {
    out.push(`${foreign.length} endpoint(s) not owned by mptcp-policy: ${foreign.map((e) => `${e.address} id ${e.id}`).join(", ")}`);
  }
  if (out.length > 0) out.push("run `mptcp-policy doctor` for the full checklist");
  return out;
}
