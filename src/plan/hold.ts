import type { DesiredState, Endpoint, KernelState, Marks, RouteEntry, RuleEntry } from "../model/types.js";
import { ownsMarked } from "./ownership.js";

/** Which of our kernel objects belong to a held device: the planners neither delete nor change them. */
export interface Held {
  endpoint(endpoint: Endpoint): boolean;
  route(route: RouteEntry): boolean;
  rule(rule: RuleEntry): boolean;
}

/**
 * A held device's objects, found the way status finds a device's: endpoints bound to it or on one of its
 * addresses, routes through it, and rules from its addresses or into its table (an address it lost while its
 * facts were unknown keeps its rule: nothing about the device changes until it is decided again).
 */
export function heldObjects(
  desired: Pick<DesiredState, "held">,
  current: Pick<KernelState, "addresses" | "routes">,
  marks: Marks,
): Held {
  const devices = new Set(desired.held.map((h) => h.device));
  const addresses = new Set(current.addresses.filter((a) => devices.has(a.ifname)).map((a) => a.address));
  const tables = new Set(current.routes.filter((r) => ownsMarked(r, marks) && devices.has(r.dev)).map((r) => r.table));
  return {
    endpoint: (e) => (e.dev !== undefined && devices.has(e.dev)) || addresses.has(e.address),
    route: (r) => devices.has(r.dev),
    rule: (r) => addresses.has(r.from) || tables.has(r.table),
  };
}
