// The kernel's current state in one group of show lines per resident process: the inet process reads
// endpoints, limits, links and IPv4 rules, routes and addresses; the inet6 process IPv6 rules, routes,
// addresses, the main table's router-advertised prefixes and the neighbours flagged as routers. Measured
// with iproute2 6.1: `rule show` without a family lists IPv4 rules only, so IPv6 rules need the `-6`
// process; `addr show` under -4 lists inet addresses only; `route show table all proto N` filters by
// protocol and then leaves "protocol" out of each route. Protocols go by number: iproute2 6.1
// caches the last protocol name it resolved and, after a numeric `proto 203`, answers that name with 203
// (measured: `proto ra` then listed our own routes' protocol, i.e. nothing in the main table).
import type { KernelState, Marks } from "../model/types.js";
import { parseAddresses } from "./addresses.js";
import { parseEndpoints } from "./endpoints.js";
import type { BatchResult, IpBatch } from "./ip.js";
import { parseLimits } from "./limits.js";
import { parseLinks } from "./links.js";
import { BUILTIN_NAMES, type Iproute2Names } from "./names.js";
import { parseRouters } from "./neighbours.js";
import { parseRoutes } from "./routes.js";
import { parseRules } from "./rules.js";
import { readMptcpSysctls, readRpFilter, type SysctlOptions } from "./sysctl.js";

/** RTPROT_RA (linux/rtnetlink.h): routes NetworkManager made from router advertisements. */
const RTPROT_RA = 9;

/** A show line failed: the kernel lacks something we read (e.g. MPTCP), or the namespace is gone. */
export class KernelReadError extends Error {
  readonly kind = "kernel-read";
}

export interface ReadOptions {
  sysctl?: SysctlOptions;
  names?: Iproute2Names;
}

/**
 * What `ip monitor` does not announce: MPTCP endpoints and limits (another manager, NetworkManager included,
 * writes them without an event) and the sysctls. The daemon re-reads these alone when a NetworkManager signal
 * may have come with such writes; everything else it follows through the monitor.
 */
export type Unmonitored = Pick<KernelState, "endpoints" | "limits" | "rpFilter" | "mptcp">;

const UNMONITORED_LINES = [
  ["mptcp", "endpoint", "show"],
  ["mptcp", "limits", "show"],
];
const UNMONITORED_WHAT = ["mptcp endpoint show", "mptcp limits show"];

/** `v4` must be `-json` with family inet. */
export async function readUnmonitored(v4: IpBatch, opts: ReadOptions = {}): Promise<Unmonitored> {
  return unmonitoredFrom(outputsOrThrow(await v4.run(UNMONITORED_LINES), UNMONITORED_WHAT), opts);
}

/** The unmonitored state from the outputs of UNMONITORED_LINES, and the sysctls. */
function unmonitoredFrom([endpoints, limits]: readonly string[], opts: ReadOptions): Unmonitored {
  return {
    endpoints: parseEndpoints(endpoints!),
    limits: parseLimits(limits!),
    rpFilter: readRpFilter(opts.sysctl),
    mptcp: readMptcpSysctls(opts.sysctl),
  };
}

/**
 * Both batches must be `-json`; `v4` with family inet, `v6` with family inet6. The unmonitored lines go in the
 * same group as the rest: a group of its own cost one more round trip (0.78-0.85 → 0.90-0.98 ms p50 per read).
 */
export async function readKernelState(
  batches: { v4: IpBatch; v6: IpBatch },
  marks: Marks,
  opts: ReadOptions = {},
): Promise<KernelState> {
  const names = opts.names ?? BUILTIN_NAMES;
  const proto = String(marks.protocol);
  const [v4, v6] = await Promise.all([
    batches.v4.run([
      ...UNMONITORED_LINES,
      ["rule", "show"],
      ["route", "show", "table", "all", "proto", proto],
      ["addr", "show"],
      ["link", "show"],
      ["route", "show", "table", "main", "default"],
    ]),
    batches.v6.run([
      ["rule", "show"],
      ["route", "show", "table", "all", "proto", proto],
      ["addr", "show"],
      ["route", "show", "table", "main", "default"],
      ["route", "show", "table", "main", "proto", String(RTPROT_RA)],
      ["neigh", "show"],
    ]),
  ]);
  const out4 = outputsOrThrow(v4, [...UNMONITORED_WHAT, "rule show", "route show", "addr show", "link show", "route show default"]);
  const out6 = outputsOrThrow(v6, [
    "ip -6 rule show", "ip -6 route show", "ip -6 addr show", "ip -6 route show default", "ip -6 route show proto ra",
    "ip -6 neigh show",
  ]);
  const [rules4, routes4, addresses, links, defaults4] = out4.slice(UNMONITORED_LINES.length);
  const [rules6, routes6, addresses6, defaults6, raRoutes, neighbours] = out6;
  return {
    ...unmonitoredFrom(out4, opts),
    rules: [...parseRules(rules4!, "ipv4", names), ...parseRules(rules6!, "ipv6", names)],
    routes: [
      ...parseRoutes(routes4!, { family: "ipv4", protocol: marks.protocol, names }),
      ...parseRoutes(routes6!, { family: "ipv6", protocol: marks.protocol, names }),
    ],
    addresses: [...parseAddresses(addresses!), ...parseAddresses(addresses6!)],
    links: parseLinks(links!),
    mainDefaults: [
      ...parseRoutes(defaults4!, { family: "ipv4", names }),
      ...parseRoutes(defaults6!, { family: "ipv6", names }),
    ].flatMap((r) => (r.gateway === undefined ? [] : [{ family: r.family, dev: r.dev, gateway: r.gateway }])),
    raPrefixes: parseRoutes(raRoutes!, { family: "ipv6", names })
      .filter((r) => r.gateway === undefined && r.dst !== "default")
      .map((r) => ({ dev: r.dev, dst: r.dst })),
    routers: parseRouters(neighbours!),
  };
}

function outputsOrThrow(r: BatchResult, what: readonly string[]): string[] {
  const failure = r.failures[0];
  if (failure !== undefined) {
    throw new KernelReadError(`${what[failure.index]} failed: ${failure.message}`);
  }
  return r.outputs;
}
