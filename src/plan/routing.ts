import type { DesiredState, KernelState, Marks, Operation, Reason, RouteEntry, RuleEntry } from "../model/types.js";
import type { Held } from "./hold.js";
import { ownsMarked } from "./ownership.js";
import type { PlanPart } from "./part.js";
import { assignTables } from "./tables.js";

interface Wanted<T> {
  entry: T;
  reason: Reason;
}

/**
 * Mark and sweep on our routes and rules: every owned object is compared field by field with the wanted
 * set; an exact match stays, anything else is deleted, and whatever is wanted but missing is added.
 * A delete keeps the device's reason when the same destination (route) or source (rule) is re-added
 * differently, and says "not wanted" when nothing replaces it. Held objects (a device whose facts are
 * unknown) are not candidates, and their tables stay taken; nor is the routing of a family that waits for
 * its gateway (DesiredRouting.waitsForGateway), which is not made yet either.
 */
export function planRouting(
  desired: Pick<DesiredState, "routing">,
  current: Pick<KernelState, "routes" | "rules" | "addresses">,
  marks: Marks,
  held?: Pick<Held, "route" | "rule">,
): PlanPart {
  const { tables, conflicts } = assignTables(desired.routing, current, marks);
  const routes: Wanted<RouteEntry>[] = [];
  const rules: Wanted<RuleEntry>[] = [];
  /** `device|family` and `table|family` of the routing that waits for a gateway: neither made nor swept. */
  const waitingDevices = new Set<string>();
  const waitingTables = new Set<string>();
  for (const r of desired.routing) {
    const table = tables.get(r.device);
    if (table === undefined) continue;
    const waits = new Set(r.waitsForGateway);
    for (const family of waits) {
      waitingDevices.add(`${r.device}|${family}`);
      waitingTables.add(`${table}|${family}`);
    }
    for (const route of r.routes.filter((route) => !waits.has(route.family))) {
      routes.push({ entry: { ...route, table, dev: r.device, protocol: marks.protocol }, reason: r.reason });
    }
    for (const s of r.sources.filter((source) => !waits.has(source.family))) {
      const entry = { family: s.family, priority: marks.priority, from: s.address, table, protocol: marks.protocol };
      rules.push({ entry, reason: r.reason });
    }
  }
  const ownedRoutes = current.routes.filter(
    (r) => ownsMarked(r, marks) && !held?.route(r) && !waitingDevices.has(`${r.dev}|${r.family}`),
  );
  const ownedRules = current.rules.filter(
    (r) => ownsMarked(r, marks) && !held?.rule(r) && !waitingTables.has(`${r.table}|${r.family}`),
  );
  const routeChanges = diff(routes, ownedRoutes, routeKey, routeIdentity);
  const ruleChanges = diff(rules, ownedRules, ruleKey, ruleIdentity);
  const ops: Operation[] = [
    ...routeChanges.deletes.map(({ entry, reason }): Operation => ({ op: "route-delete", route: entry, reason })),
    ...routeChanges.adds.map(({ entry, reason }): Operation => ({ op: "route-add", route: entry, reason })),
    ...ruleChanges.deletes.map(({ entry, reason }): Operation => ({ op: "rule-delete", rule: entry, reason })),
    ...ruleChanges.adds.map(({ entry, reason }): Operation => ({ op: "rule-add", rule: entry, reason })),
  ];
  return { ops, conflicts };
}

function diff<T>(
  wanted: readonly Wanted<T>[],
  owned: readonly T[],
  key: (entry: T) => string,
  identity: (entry: T) => string,
): { adds: Wanted<T>[]; deletes: { entry: T; reason: Reason | "not wanted" }[] } {
  const wantedKeys = new Set(wanted.map((w) => key(w.entry)));
  const ownedKeys = new Set(owned.map(key));
  const replacedBy = new Map(wanted.map((w) => [identity(w.entry), w.reason]));
  return {
    adds: wanted.filter((w) => !ownedKeys.has(key(w.entry))),
    deletes: owned
      .filter((o) => !wantedKeys.has(key(o)))
      .map((entry) => ({ entry, reason: replacedBy.get(identity(entry)) ?? "not wanted" })),
  };
}

/** What makes two routes the same route to the planner (and to anything that patches the kernel state). */
export const routeKey = (r: RouteEntry): string =>
  [r.family, r.table, r.dst, r.gateway ?? "", r.dev, r.scope ?? "", r.src ?? ""].join("|");
const routeIdentity = (r: RouteEntry): string => [r.family, r.dev, r.dst].join("|");
/** What makes two rules the same rule to the planner. */
export const ruleKey = (r: RuleEntry): string => [r.family, r.priority, r.from, r.table].join("|");
const ruleIdentity = (r: RuleEntry): string => [r.family, r.from].join("|");
