// The kernel state the daemon's last reconcile read back, kept current with `ip monitor`'s address, link,
// main-table gateway and prefix, and router-neighbour events, so that a reconcile an address event started
// can plan at once instead of reading the kernel first.
// It only ever stands in for that first read: every reconcile still re-reads after applying.
import type { KernelEvent } from "../kernel/monitor.js";
import type { KernelAddress, KernelState } from "../model/types.js";

/** The state with the event applied, or undefined when the event says something the cache cannot follow. */
export function patchKnown(known: KernelState, event: KernelEvent): KernelState | undefined {
  switch (event.kind) {
    case "address-added": {
      const { kind: _, ...address } = event;
      return { ...known, addresses: [...known.addresses.filter((a) => !sameAddress(a, address)), address] };
    }
    case "address-removed":
      return { ...known, addresses: known.addresses.filter((a) => !sameAddress(a, event)) };
    case "link": {
      // A link the last read did not see is new: its index and flags are unknown here.
      if (!known.links.some((l) => l.ifname === event.ifname)) return undefined;
      return { ...known, links: known.links.map((l) => (l.ifname === event.ifname ? { ...l, up: event.up } : l)) };
    }
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
 * A router the cache already lists moving between usable states (REACHABLE, STALE, DELAY, ...), which the
 * kernel announces every few seconds while the link carries traffic: nothing to reconcile.
 */
export function isNeighbourNoise(event: KernelEvent, before: KernelState | undefined, after: KernelState | undefined): boolean {
  return event.kind === "router" && after !== undefined && after === before;
}

function sameAddress(a: KernelAddress, b: Pick<KernelAddress, "ifname" | "family" | "address">): boolean {
  return a.ifname === b.ifname && a.family === b.family && a.address === b.address;
}
