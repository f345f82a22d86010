// `ip -6 -json neigh show` → the routers the kernel knows per link. A neighbour carries `"router":null` when
// flagged (iproute2 prints the flag as a key without value) and its NUD state as a list, e.g. ["STALE"].
// The monitor's text lines (`fe80::1 dev lte0 lladdr 02:.. router STALE`) are read by monitor.ts with the
// same rule (isUsable).
import type { KernelState } from "../model/types.js";
import { parseJsonList, str } from "./json.js";

const WHAT = "ip -6 neigh show";

/** States in which the kernel has found the neighbour unreachable, or never reached it. */
const UNREACHABLE = new Set(["FAILED", "INCOMPLETE"]);

export function parseRouters(json: string): NonNullable<KernelState["routers"]> {
  return parseJsonList(json, WHAT).flatMap((r) => {
    const state = Array.isArray(r.state) ? r.state.map(String) : [];
    return "router" in r && isUsable(state) ? [{ dev: str(r, "dev", WHAT), address: str(r, "dst", WHAT) }] : [];
  });
}

/** A router with no state word counts (a permanent entry made by hand may print none). */
export function isUsable(states: readonly string[]): boolean {
  return !states.some((s) => UNREACHABLE.has(s));
}
