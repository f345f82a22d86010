// What the daemon says about a reconcile: one line per change (device, rule, operation, the command an
// admin could type), warnings for what failed or is still missing, conflicts once when they appear or
// change, and nothing at info level when there was nothing to do.
import { renderCommand } from "../apply/render.js";
import type { Logger } from "../log.js";
import type { Conflict, HeldDevice, Operation } from "../model/types.js";
import { describeOperation } from "../plan/index.js";
import type { Outcome } from "../reconcile.js";

/** Fields of an operation's log line; `device` and `rule` are absent for sweeps and limits. */
export function operationFields(op: Operation): { device?: string; rule?: string; op: string; command: string } {
  const reason = typeof op.reason === "object" ? op.reason : undefined;
  const device = reason?.device ?? (op.op === "route-delete" ? op.route.dev : undefined);
  return { ...(device !== undefined && { device }), ...(reason && { rule: reason.rule }), op: op.op, command: renderCommand(op) };
}

export function reportOperations(log: Logger, outcome: Pick<Outcome, "applied" | "remaining">): void {
  for (const op of outcome.applied.applied) log.info(operationFields(op), describeOperation(op));
  for (const { op, message } of outcome.applied.failed) log.warn({ ...operationFields(op), error: message }, `failed: ${describeOperation(op)}`);
  for (const op of outcome.remaining) log.warn(operationFields(op), `still to do after apply: ${describeOperation(op)}`);
}

/** Logs the conflicts when they differ from the last ones reported (a conflict holds across reconciles). */
export function conflictReporter(log: Logger): (conflicts: readonly Conflict[]) => void {
  let last = "[]";
  return (conflicts) => {
    const now = JSON.stringify(conflicts);
    if (now === last) return;
    last = now;
    if (conflicts.length === 0) log.info("conflicts resolved");
    for (const c of conflicts) log.warn({ device: c.device, conflict: c.kind }, c.message);
  };
}

/**
 * Logs a device when it becomes held (left as it is until NetworkManager reports its facts) and when it is
 * decided again: a restarted NetworkManager re-assuming its devices shows up as a hold for a few ms.
 */
export function heldReporter(log: Logger): (held: readonly HeldDevice[]) => void {
  let last = new Map<string, string>();
  return (held) => {
    const now = new Map(held.map((h) => [h.device, JSON.stringify(h)]));
    for (const h of held) {
      if (last.get(h.device) === now.get(h.device)) continue;
      log.info({ device: h.device, rule: h.rule, unknown: h.unknown }, `${h.device}: kernel left as it is until NetworkManager reports ${h.unknown.join(", ")}`);
    }
    for (const device of last.keys()) if (!now.has(device)) log.info({ device }, `${device}: facts known, deciding again`);
    last = now;
  };
}
