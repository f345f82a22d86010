import type { Conflict, DesiredRouting, KernelState, Marks } from "../model/types.js";
import { lowestFree, ownsMarked } from "./ownership.js";
import { compareText } from "../model/compare.js";

export interface TableAssignment {
  tables: Map<string, number>;
  conflicts: Conflict[];
}

/**
 * Which table each device's routing goes to. Pinned tables are used as given. An "auto" device keeps the
 * table the kernel already shows for it (our routes on its interface, or our rules from its addresses), so
 * reconciles and restarts never renumber; otherwise it gets the lowest table of the range that no route or
 * rule we can see uses. No two devices share a table: when two claim the same one (the kernel was edited
 * behind our back), the first by name keeps it.
 */
export function assignTables(
  routing: readonly DesiredRouting[],
  current: Pick<KernelState, "routes" | "rules" | "addresses">,
  marks: Marks,
): TableAssignment {
  const tables = new Map<string, number>();
  const conflicts: Conflict[] = [];
  const routes = current.routes.filter((r) => ownsMarked(r, marks));
  const rules = current.rules.filter((r) => ownsMarked(r, marks));
  const taken = new Set<number>();
  const inRange = (t: number) => t >= marks.tables[0] && t <= marks.tables[1];

  for (const r of routing) {
    if (r.table === "auto") continue;
    tables.set(r.device, r.table);
    taken.add(r.table);
  }
  const auto = routing.filter((r) => r.table === "auto").sort((a, b) => compareText(a.device, b.device));
  const unplaced: DesiredRouting[] = [];
  for (const r of auto) {
    const addresses = new Set([
      ...current.addresses.filter((a) => a.ifname === r.device).map((a) => a.address),
      ...r.sources.map((s) => s.address),
    ]);
    const shown = [
      ...routes.filter((route) => route.dev === r.device).map((route) => route.table),
      ...rules.filter((rule) => addresses.has(rule.from)).map((rule) => rule.table),
    ]
      .filter((t) => inRange(t) && !taken.has(t))
      .sort((a, b) => a - b);
    const kept = shown[0];
    if (kept === undefined) {
      unplaced.push(r);
      continue;
    }
    tables.set(r.device, kept);
    taken.add(kept);
  }
  // A table someone else's rule points at is not free either, even in our range.
  const used = new Set([...taken, ...current.routes.map((r) => r.table), ...current.rules.map((r) => r.table)]);
  for (const r of unplaced) {
    const table = lowestFree(marks.tables, used);
    if (table === undefined) {
      conflicts.push({
        kind: "tables-exhausted",
        device: r.device,
        message: `no free table in ${marks.tables.join("..")} for ${r.device}; widen marks.tables or pin a table`,
      });
      continue;
    }
    tables.set(r.device, table);
    used.add(table);
  }
  return { tables, conflicts };
}
