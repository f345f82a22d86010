import type { DesiredState, LimitTarget, Limits, Operation } from "../model/types.js";

/**
 * One `limits-set` carrying both values when either must move: an exact target is set when different,
 * an at-least target only when the kernel is below it (a value raised by someone else is left alone).
 */
export function planLimits(desired: Pick<DesiredState, "limits">, current: Limits): Operation[] {
  const next: Limits = {
    subflows: settle(desired.limits.subflows, current.subflows),
    addAddrAccepted: settle(desired.limits.addAddrAccepted, current.addAddrAccepted),
  };
  if (next.subflows === current.subflows && next.addAddrAccepted === current.addAddrAccepted) return [];
  const why = (name: string, target: LimitTarget, from: number) =>
    `${name} ${from} → ${target.kind === "exact" ? "" : "at least "}${target.value}`;
  const reason = [
    why("subflows", desired.limits.subflows, current.subflows),
    why("add_addr_accepted", desired.limits.addAddrAccepted, current.addAddrAccepted),
  ].join(", ");
  return [{ op: "limits-set", limits: next, reason }];
}

function settle(target: LimitTarget, current: number): number {
  return target.kind === "exact" ? target.value : Math.max(current, target.value);
}
