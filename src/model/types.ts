// Plain, serialisable data passed between the pipeline's stages:
// NetworkManager snapshot + kernel state + policy → desired → plan → apply.
// Types only: no classes, no handles, so fixtures and `--json` output are JSON.stringify of these.

export type Family = "ipv4" | "ipv6";

/** Device kinds the policy language can name (`match.type`). NetworkManager's numeric DeviceType maps onto these. */
export const DEVICE_KINDS = [
  "ethernet", "wifi", "modem", "bluetooth", "wireguard", "tun", "vpn", "vlan", "bond", "bridge", "team",
  "macvlan", "vxlan", "veth", "ppp", "infiniband", "loopback", "other",
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** NetworkManager's NMMetered, by name. */
export type Metered = "unknown" | "yes" | "no" | "guess-yes" | "guess-no";

/**
 * Facts a rule can look at that NetworkManager reports only once it activates a connection on a device
 * (and, for a few ms, not while a restarted NetworkManager re-assumes it): until then they are unknown, not "no".
 */
export type NmFact = "connection" | "uuid" | "ssid" | "metered" | "type";

export const ENDPOINT_FLAGS = ["signal", "subflow", "backup", "fullmesh"] as const;
export type EndpointFlag = (typeof ENDPOINT_FLAGS)[number];

/** Address classes a policy can skip (`addresses.skip`); loopback is always skipped. */
export const ADDRESS_CLASSES = ["link-local", "ula", "temporary", "deprecated", "tentative"] as const;
export type AddressClass = (typeof ADDRESS_CLASSES)[number];

// ───────────────────────── NetworkManager snapshot ─────────────────────────

export interface NmIpConfig {
  addresses: { address: string; prefix: number }[];
  /** Default gateway NetworkManager knows for this family (IPxConfig.Gateway, else the applied profile's). */
  gateway?: string;
  /**
   * The applied profile's ipv6.never-default (read for IPv6 only): NetworkManager then reports no gateway
   * even when a router advertises itself on the link, so the router the kernel learned stands in.
   */
  neverDefault?: boolean;
}

export interface NmConnection {
  id: string;
  uuid: string;
  /** Profile type, e.g. "802-3-ethernet", "802-11-wireless", "gsm". */
  type: string;
  /** connection.mptcp-flags of the applied profile (0 = NetworkManager's default, which enables its own MPTCP handling). */
  mptcpFlags?: number;
}

export interface NmDevice {
  /** D-Bus object path; stable while NetworkManager runs. */
  path: string;
  /** Kernel interface name (IpInterface, else Interface). */
  interface: string;
  type: DeviceKind;
  /** NetworkManager's raw NMDeviceType, kept for status output and unmapped types. */
  nmType: number;
  /** NMDeviceState (100 = activated). */
  state: number;
  managed: boolean;
  metered: Metered;
  connection?: NmConnection;
  /** Wi-Fi network name of the active access point. */
  ssid?: string;
  ip4: NmIpConfig;
  ip6: NmIpConfig;
}

/** NetworkManager's configured default for connection.mptcp-flags and the file that sets it last. */
export interface NmConfMptcpFlags {
  value: number;
  file: string;
}

export interface NmSnapshot {
  devices: NmDevice[];
  /** NetworkManager's own Version property, when reachable. */
  version?: string;
  /**
   * The configured default for connection.mptcp-flags from NetworkManager's configuration files (nm/conf.ts):
   * null when no file sets it, absent when not read (D-Bus does not carry it).
   */
  mptcpDefault?: NmConfMptcpFlags | null;
  /**
   * A configuration file changed after NetworkManager started: it evaluates the default when it activates a
   * device, so devices active since then may still run the previous one.
   */
  confChangedSinceStart?: true;
}

/** Whether NetworkManager manages MPTCP endpoints itself on a device (nm/mptcp-handling.ts decides). */
export interface NmMptcpHandling {
  on: boolean;
  /** Id of the active profile. */
  profile: string;
  /** The connection.mptcp-flags NetworkManager applies. */
  flags: number;
  /** Where they come from: "the profile", "default in FILE", "NetworkManager's built-in default", ... */
  source: string;
}

// ───────────────────────── Policy (normalised: defaults filled in) ─────────────────────────

export interface SourceRef {
  file: string;
  line: number;
}

export interface RuleMatch {
  /** Each present condition must hold; a list means any of its entries. Globs are shell-style. */
  interface?: string[];
  type?: DeviceKind[];
  connection?: string[];
  uuid?: string[];
  ssid?: string[];
  metered?: boolean;
}

export interface EndpointSpec {
  flags: EndpointFlag[];
  port?: number;
}

export type RoutingSpec = false | { table: number | "auto" };

export type RuleAction =
  | { kind: "ignore" }
  | { kind: "manage"; endpoint?: EndpointSpec; routing: RoutingSpec };

export interface PolicyRule {
  name: string;
  match: RuleMatch;
  action: RuleAction;
  source?: SourceRef;
}

export type LimitSetting = number | "auto";

export interface Marks {
  /** Endpoint ids [first, last] that mark endpoints this tool owns. */
  endpointIds: [number, number];
  /** Table numbers [first, last] this tool allocates per-interface tables from. */
  tables: [number, number];
  /** Route/rule protocol number that marks routes and rules this tool owns. */
  protocol: number;
  /** Priority of the source rules. */
  priority: number;
}

export interface Policy {
  rules: PolicyRule[];
  addresses: { ipv4: boolean; ipv6: boolean; skip: AddressClass[] };
  limits: { subflows: LimitSetting; addAddrAccepted: LimitSetting };
  marks: Marks;
  rpFilter: "loose" | "keep";
}

// ───────────────────────── Kernel state (what `ip` reads back) ─────────────────────────

export interface KernelAddress {
  ifname: string;
  family: Family;
  address: string;
  prefix: number;
  scope: string;
  /** Kernel address flags as `ip -json` names them: temporary, deprecated, tentative, dadfailed, ... */
  flags: string[];
}

export interface KernelLink {
  ifname: string;
  ifindex: number;
  up: boolean;
  pointToPoint: boolean;
}

export interface Endpoint {
  id: number;
  address: string;
  flags: EndpointFlag[];
  dev?: string;
  port?: number;
}

export interface Limits {
  subflows: number;
  addAddrAccepted: number;
}

export interface RouteEntry {
  family: Family;
  table: number;
  /** "default" or "PREFIX/LEN". */
  dst: string;
  dev: string;
  gateway?: string;
  scope?: "link";
  /** Preferred source address, set on prefix routes. */
  src?: string;
  protocol: number;
}

export interface RuleEntry {
  family: Family;
  priority: number;
  /** Source address (a single host: /32 or /128). */
  from: string;
  table: number;
  protocol: number;
}

export interface KernelState {
  endpoints: Endpoint[];
  limits: Limits;
  /** Every rule with a `from` selector (owned or not): ownership is the planner's business. */
  rules: RuleEntry[];
  /** Routes carrying the policy's protocol mark, in any table. */
  routes: RouteEntry[];
  addresses: KernelAddress[];
  links: KernelLink[];
  /**
   * Default routes of the main table (NetworkManager's, for links that have the default route): a gateway
   * the kernel shows before NetworkManager's D-Bus configuration of the link has been read.
   */
  mainDefaults?: { family: Family; dev: string; gateway: string }[];
  /**
   * On-link IPv6 prefixes NetworkManager put in the main table from router advertisements (`proto ra`, no
   * gateway): with a DHCPv6 /128 address they are the only record of the link's network.
   */
  raPrefixes?: { dev: string; dst: string }[];
  /**
   * IPv6 neighbours the kernel flags as routers (set by a router advertisement, cleared by a neighbour
   * advertisement without the router flag) and has not found unreachable (FAILED, INCOMPLETE).
   */
  routers?: { dev: string; address: string }[];
  /** rp_filter per interface name, plus "all". */
  rpFilter: Record<string, number>;
  mptcp: { enabled: boolean | null; pmType: number | null };
}

// ───────────────────────── Desired state (pure function of snapshot, kernel addresses, policy) ─────────────────────────

/** Why an object exists or an operation runs: shown in plan, logs and status. */
export interface Reason {
  device: string;
  rule: string;
}

export interface DesiredEndpoint {
  address: string;
  family: Family;
  dev: string;
  flags: EndpointFlag[];
  port?: number;
  reason: Reason;
  /**
   * Wanted, but not to be made yet: its link's table has no default route for this family while
   * NetworkManager may still report a gateway. The kernel starts subflows the moment an endpoint appears, and
   * one that finds no route for its device is lost, never retried (bench/endpoint-order.sh). One already in
   * the kernel stays as it is.
   */
  waitsForRoute?: true;
}

export interface DesiredRoute {
  family: Family;
  dst: string;
  gateway?: string;
  scope?: "link";
  src?: string;
}

export interface DesiredRouting {
  device: string;
  /** Pinned by the policy, or "auto": the planner keeps the table the kernel already shows for this device, else allocates. */
  table: number | "auto";
  routes: DesiredRoute[];
  /** One source rule per address. */
  sources: { family: Family; address: string }[];
  /**
   * Families whose gateway NetworkManager may still report (no default route for them yet, the device not
   * activated): their rules and routes are not made until it does, and go out with the endpoints in one
   * write; what the kernel holds of them stays as it is. A table without its default route carries no
   * subflow, and writing half of it first put our writes in NetworkManager's way while it was adding that
   * very route (measured: the gateway's run then waited behind the address run's write).
   */
  waitsForGateway?: Family[];
  reason: Reason;
}

export interface HeldDevice {
  device: string;
  /** The first rule that may match; it looks at `unknown`. */
  rule: string;
  unknown: NmFact[];
}

export type LimitTarget = { kind: "exact"; value: number } | { kind: "at-least"; value: number };

export interface DesiredState {
  /** Devices a rule manages, with the rule that matched. Ignored and unmatched devices are absent. */
  devices: {
    device: string;
    rule: string;
    kind: DeviceKind;
    /**
     * NetworkManager's own MPTCP handling for the active profile: when on, it fights us over endpoints; when
     * off, an endpoint it left bound to this device is taken over. Absent when unknown (no applied profile read).
     */
    nmMptcp?: NmMptcpHandling;
  }[];
  /**
   * Devices in play whose deciding facts NetworkManager has not reported yet: whatever the kernel holds for
   * them stays exactly as it is (the planner neither deletes nor changes it) and nothing is added for them.
   */
  held: HeldDevice[];
  endpoints: DesiredEndpoint[];
  routing: DesiredRouting[];
  limits: { subflows: LimitTarget; addAddrAccepted: LimitTarget };
  /** Interfaces whose strict rp_filter (1) should become loose (2). */
  rpFilterLoose: string[];
}

// ───────────────────────── Plan ─────────────────────────

export type Operation =
  | { op: "limits-set"; limits: Limits; reason: string }
  | { op: "endpoint-add"; endpoint: Endpoint; reason: Reason }
  | { op: "endpoint-change"; id: number; address: string; backup: boolean; reason: Reason }
  | {
      op: "endpoint-delete";
      id: number;
      address: string;
      reason: Reason | "not wanted";
      /** A foreign endpoint (NetworkManager's) replaced by ours: its subflows close and are re-established. */
      takeover?: true;
    }
  | { op: "route-add"; route: RouteEntry; reason: Reason }
  | { op: "route-delete"; route: RouteEntry; reason: Reason | "not wanted" }
  | { op: "rule-add"; rule: RuleEntry; reason: Reason }
  | { op: "rule-delete"; rule: RuleEntry; reason: Reason | "not wanted" }
  | { op: "rp-filter-set"; ifname: string; value: number; reason: Reason };

/** Something the plan could not do; reported, never thrown. `message` carries the advice. */
export type Conflict =
  | { kind: "foreign-endpoint"; device: string; address: string; endpointId: number; message: string }
  | { kind: "endpoint-ids-exhausted"; device: string; address: string; message: string }
  | { kind: "kernel-endpoint-limit"; device: string; address: string; message: string }
  | { kind: "tables-exhausted"; device: string; message: string };

export interface Plan {
  operations: Operation[];
  conflicts: Conflict[];
}
