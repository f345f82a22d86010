// Splits a plan's operations into steps over the two resident batches (inet, inet6) without
// changing the plan's meaning. Within a step the two batches run at the same time, so an
// operation may join a step only if it commutes with everything already queued on the other
// batch; inside one batch lines keep the plan's order. A typical plan (routing, then endpoints,
// then limits) takes a handful of steps whatever the number of links.

import type { Family, Operation } from "../model/types.js";
import { lineFamily } from "./render.js";

export type Step =
  | { kind: "ip"; lines: Record<Family, number[]> }
  | { kind: "sysctl"; index: number };

const OTHER: Record<Family, Family> = { ipv4: "ipv6", ipv6: "ipv4" };

/** Steps holding indexes into `ops`; every operation appears exactly once. */
export function scheduleOperations(ops: readonly Operation[]): Step[] {
  const steps: Step[] = [];
  let open: Record<Family, number[]> | null = null;
  const close = () => {
    if (open) steps.push({ kind: "ip", lines: open });
    open = null;
  };

  ops.forEach((op, index) => {
    const family = lineFamily(op);
    if (family === null) {
      // Sysctl writes are barriers: rp_filter must be loose before routes and endpoints use the link.
      close();
      steps.push({ kind: "sysctl", index });
      return;
    }
    const candidates: Family[] = family === "any" ? ["ipv4", "ipv6"] : [family];
    const fits = (step: Record<Family, number[]>, batch: Family) =>
      step[OTHER[batch]].every((other) => commute(ops[other]!, op));
    let batch = open ? candidates.find((b) => fits(open!, b)) : undefined;
    if (!open || batch === undefined) {
      close();
      open = { ipv4: [], ipv6: [] };
      batch = candidates[0]!;
    }
    open[batch].push(index);
  });
  close();
  return steps;
}

/**
 * Whether two operations may run in either order. Conservative: routing of one family never
 * touches the other family's tables; endpoints are independent unless they share an id or an
 * address; routing stays ordered against endpoints (an endpoint added before its route makes
 * subflows that fail once and are not retried) and limits stay ordered against everything.
 */
export function commute(a: Operation, b: Operation): boolean {
  const ra = routingFamily(a);
  const rb = routingFamily(b);
  if (ra !== null && rb !== null) return ra !== rb;
  const ea = endpointKey(a);
  const eb = endpointKey(b);
  if (ea !== null && eb !== null) {
    const sameId = ea.id !== undefined && ea.id === eb.id;
    const sameAddress = ea.address !== undefined && ea.address === eb.address;
    return !sameId && !sameAddress;
  }
  return false;
}

/** The family of a route or rule operation (the only ones that touch a family's tables), else null. */
function routingFamily(op: Operation): Family | null {
  const isRouting = op.op.startsWith("route-") || op.op.startsWith("rule-");
  const family = isRouting ? lineFamily(op) : null;
  return family === "any" ? null : family;
}

function endpointKey(op: Operation): { id?: number; address?: string } | null {
  switch (op.op) {
    case "endpoint-add":
      return { id: op.endpoint.id, address: op.endpoint.address };
    case "endpoint-change":
    case "endpoint-delete":
      return { id: op.id, address: op.address };
    default:
      return null;
  }
}
