// The kernel state the daemon's last reconcile read back, kept current with `ip monitor`'s address, link,
// main-table gateway and prefix, and router-neighbour events, so that a reconcile an address event started
// can plan at once instead of reading the kernel first; and with the daemon's own writes when a run leaves
// its re-read to the run already waiting behind it (withApplied).
// It only ever stands in for a run's first read: the last run of every burst re-reads after applying.
import type { KernelEvent } from "../kernel/monitor.js";
import type { Endpoint, Family, KernelAddress, KernelState, Operation, RouteEntry } from "../model/types.js";
import { routeKey, ruleKey } from "../plan/routing.js";

/** The state with the event applied, or undefined when the event says something the cache cannot follow. */
export function patchKnown(known: KernelState, event: KernelEvent): KernelState | undefined {
  switch (event.kind) {
    case "address-added": {
      const { kind: _, ...address } = event;
      return { ...known, addresses: [...known.addresses.filter((a) => !sameAddress(a, address)), address] };
    }
    case "address-removed": {
      const addresses = known.addresses.filter((a) => !sameAddress(a, event));
      if (event.family === "ipv6") return { ...known, addresses, routes: known.routes.map((r) => withoutSource(r, event)) };
      const lastIpv4 = !addresses.some((a) => a.ifname === event.ifname && a.family === "ipv4");
      return lastIpv4 ? withoutRoutesThrough({ ...known, addresses }, event.ifname, "ipv4") : { ...known, addresses };
    }
    case "link": {
      // A link the last read did not see is new: its index and flags are unknown here.
      if (!known.links.some((l) => l.ifname === event.ifname)) return undefined;
      const links = known.links.map((l) => (l.ifname === event.ifname ? { ...l, up: event.up } : l));
      return event.adminUp ? { ...known, links } : withoutRoutesThrough({ ...known, links }, event.ifname, "all");
    }
    case "link-removed":
      return withoutRoutesThrough({ ...known, links: known.links.filter((l) => l.ifname !== event.ifname) }, event.ifname, "all");
    case "main-default": {
      const others = (known.mainDefaults ?? []).filter(
        (d) => !(d.family === event.family && d.dev === event.dev && d.gateway === event.gateway),
      );
      const route = { family: event.family, dev: event.dev, gateway: event.gateway };
      return { ...known, mainDefaults: event.added ? [...others, route] : others };
    }
    case "ra-prefix": {
      const others = (known.raPrefixes ?? []).filter((p) => !(p.dev === event.dev && p.dst === event.dst));
      const prefix = { dev: event.dev, dst: event.dst };
      return { ...known, raPrefixes: event.added ? [...others, prefix] : others };
    }
    case "router": {
      const routers = known.routers ?? [];
      const listed = routers.some((r) => r.dev === event.dev && r.address === event.address);
      // Most events are a known router's state moving between usable states: the same state for us.
      if (listed === event.usable) return known;
      const others = routers.filter((r) => !(r.dev === event.dev && r.address === event.address));
      return { ...known, routers: event.usable ? [...others, { dev: event.dev, address: event.address }] : others };
    }
    case "route":
    case "rule":
      // Ours follow our own writes, which the re-read after applying saw; foreign ones wait for the resync.
      return known;
    case "monitor-restarted":
      return undefined;
  }
}

/**
 * The kernel removes every route through a link that is set down or deleted, and every IPv4 route through a
 * link whose last IPv4 address went, and announces only the IPv6 ones (measured with 6.18, test/integration/
 * kernel-cache.test.ts), which the cache does not follow for our own routes: it drops them itself, or an
 * address coming back would be planned against the gateway and table routes of its last time up.
 */
function withoutRoutesThrough(state: KernelState, dev: string, families: Family | "all"): KernelState {
  const flushed = (r: { family: Family; dev: string }) => r.dev === dev && (families === "all" || r.family === families);
  return {
    ...state,
    routes: state.routes.filter((r) => !flushed(r)),
    ...(state.mainDefaults && { mainDefaults: state.mainDefaults.filter((d) => !flushed(d)) }),
    ...(state.raPrefixes && { raPrefixes: state.raPrefixes.filter((p) => !flushed({ family: "ipv6", dev: p.dev })) }),
  };
}

/** The kernel keeps an IPv6 route whose source address went, without the source, and says nothing (6.18). */
function withoutSource(route: RouteEntry, gone: Pick<KernelAddress, "ifname" | "address">): RouteEntry {
  if (route.family !== "ipv6" || route.dev !== gone.ifname || route.src !== gone.address) return route;
  const { src: _, ...rest } = route;
  return rest;
}

/**
 * The state after `applied` (operations the kernel accepted), as a re-read would show our own writes: the
 * planner made each of them from the same entries it compares, so planning again against the result finds
 * them done. Deletes of objects already gone count as applied and remove nothing.
 */
export function withApplied(state: KernelState, applied: readonly Operation[]): KernelState {
  return applied.reduce(applyOne, state);
}

function applyOne(state: KernelState, op: Operation): KernelState {
  switch (op.op) {
    case "limits-set":
      return { ...state, limits: op.limits };
    case "endpoint-add": {
      const { id, address } = op.endpoint;
      return { ...state, endpoints: [...state.endpoints.filter((e) => e.id !== id && e.address !== address), op.endpoint] };
    }
    case "endpoint-change":
      return { ...state, endpoints: state.endpoints.map((e) => (e.id === op.id ? withBackup(e, op.backup) : e)) };
    case "endpoint-delete":
      return { ...state, endpoints: state.endpoints.filter((e) => e.id !== op.id) };
    case "route-add":
    case "route-delete": {
      const key = routeKey(op.route);
      const others = state.routes.filter((r) => routeKey(r) !== key);
      return { ...state, routes: op.op === "route-add" ? [...others, op.route] : others };
    }
    case "rule-add":
    case "rule-delete": {
      const key = ruleKey(op.rule);
      const others = state.rules.filter((r) => ruleKey(r) !== key);
      return { ...state, rules: op.op === "rule-add" ? [...others, op.rule] : others };
    }
    case "rp-filter-set":
      return { ...state, rpFilter: { ...state.rpFilter, [op.ifname]: op.value } };
  }
}

function withBackup(endpoint: Endpoint, backup: boolean): Endpoint {
  const others = endpoint.flags.filter((f) => f !== "backup");
  return { ...endpoint, flags: backup ? [...others, "backup"] : others };
}

/**
 * A router the cache already lists moving between usable states (REACHABLE, STALE, DELAY, ...), which the
 * kernel announces every few seconds while the link carries traffic: nothing to reconcile.
 */
export function isNeighbourNoise(event: KernelEvent, before: KernelState | undefined, after: KernelState | undefined): boolean {
  return event.kind === "router" && after !== undefined && after === before;
}

function sameAddress(a: KernelAddress, b: Pick<KernelAddress, "ifname" | "family" | "address">): boolean {
  return a.ifname === b.ifname && a.family === b.family && a.address === b.address;
}
