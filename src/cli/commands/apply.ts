import type { Command } from "commander";
import { acquireLock } from "../../apply/lock.js";
import type { Conflict, Operation } from "../../model/types.js";
import { reconcile } from "../../reconcile.js";
import { EXIT } from "../exit-codes.js";
import { operationJson, operationLine } from "../render/operations.js";
import { assessNow, policyCommand, policyOrFail, snapshotOrFail, withKernel, type PolicyOptions } from "../session.js";

export function registerApply(program: Command): void {
  policyCommand(program, "apply", "Reconcile once: make the kernel match the policy for NetworkManager's current devices")
    .option("--dry-run", "show what would change and change nothing (same as `plan`)")
    .option("--json", "print the result as JSON")
    .action(async (opts: PolicyOptions & { json?: boolean; dryRun?: boolean }) => {
      if (opts.dryRun) {
        const { plan } = await assessNow(opts);
        report(opts.json, { changes: plan.operations, failed: [], remaining: [], conflicts: plan.conflicts });
        return;
      }
      const policy = await policyOrFail(opts);
      // Reading NetworkManager inside the lock: a run that waited must not apply a stale view.
      const lock = await acquireLock();
      try {
        const snapshot = await snapshotOrFail();
        const outcome = await withKernel((io) => reconcile(snapshot, policy, io));
        const ok = report(opts.json, {
          changes: outcome.applied.applied,
          failed: outcome.applied.failed,
          remaining: outcome.remaining,
          conflicts: outcome.plan.conflicts,
        });
        process.exitCode = ok ? EXIT.ok : EXIT.failed;
      } finally {
        await lock.release();
      }
    });
}

interface Report {
  changes: Operation[];
  failed: { op: Operation; message: string }[];
  remaining: Operation[];
  conflicts: Conflict[];
}

/** Prints the report; true when the kernel matches the policy. */
function report(json: boolean | undefined, r: Report): boolean {
  const ok = r.failed.length === 0 && r.remaining.length === 0 && r.conflicts.length === 0;
  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          ok,
          changes: r.changes.map(operationJson),
          failed: r.failed.map((f) => ({ ...operationJson(f.op), error: f.message })),
          remaining: r.remaining.map(operationJson),
          conflicts: r.conflicts,
        },
        null,
        2,
      )}\n`,
    );
    return ok;
  }
  for (const op of r.changes) process.stdout.write(`${operationLine(op)}\n`);
  for (const f of r.failed) process.stderr.write(`failed: ${operationLine(f.op)}\n  ${f.message}\n`);
  for (const op of r.remaining) process.stderr.write(`still to do after apply: ${operationLine(op)}\n`);
  for (const c of r.conflicts) process.stderr.write(`conflict: ${c.message}\n`);
  return ok;
}
