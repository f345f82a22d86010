import type { Operation } from "../model/types.js";
import { compareText } from "../model/compare.js";

// Limits first, so new subflows are allowed before anything creates them. Removals go before additions:
// endpoints first (they stop subflows that would still use the routes), then rules, then routes. Additions
// go the other way round, so an endpoint only appears once its source rule and table can carry its subflows.
// rp_filter is loosened before any of that arrives.
const STAGE: Record<Operation["op"], number> = {
  "limits-set": 0,
  "endpoint-delete": 1,
  "rule-delete": 2,
  "route-delete": 3,
  "rp-filter-set": 4,
  "route-add": 5,
  "rule-add": 6,
  "endpoint-add": 7,
  "endpoint-change": 7,
};

/** Operations in the order the kernel should see them; within a stage by device, then address. */
export function orderOperations(ops: readonly Operation[]): Operation[] {
  return ops
    .map((op) => ({ op, key: sortKey(op) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ op }) => op);
}

type Key = [number, string, string, string];

function sortKey(op: Operation): Key {
  const device = typeof op.reason === "object" ? op.reason.device : "";
  const last = JSON.stringify(op);
  switch (op.op) {
    case "limits-set":
      return [STAGE[op.op], "", "", last];
    case "endpoint-add":
      return [STAGE[op.op], device, op.endpoint.address, last];
    case "endpoint-change":
    case "endpoint-delete":
      return [STAGE[op.op], device, op.address, last];
    case "rule-add":
    case "rule-delete":
      return [STAGE[op.op], device, op.rule.from, last];
    case "route-add":
    case "route-delete":
      // A default route goes in after the prefix route that reaches its gateway, and out before it.
      return [STAGE[op.op], op.route.dev, `${defaultRank(op.op, op.route.dst)}${op.route.dst}`, last];
    case "rp-filter-set":
      return [STAGE[op.op], op.ifname, "", last];
  }
}

function defaultRank(op: "route-add" | "route-delete", dst: string): string {
  const isDefault = dst === "default";
  return (op === "route-add") === isDefault ? "1" : "0";
}

function compareKeys(a: Key, b: Key): number {
  return a[0] - b[0] || compareText(a[1], b[1]) || compareText(a[2], b[2]) || compareText(a[3], b[3]);
}
