// Plan → the resident `ip -force -batch -` processes. Every failure is mapped back to its
// operation; one failing line never stops the others (`-force`), and verification (re-read and
// re-plan) decides what is still missing.

import { IpBatchDiedError, IpLineError, type BatchResult, type IpBatch } from "../kernel/ip.js";
import type { Family, Operation, Plan } from "../model/types.js";
import { renderOperation } from "./render.js";
import { scheduleOperations, type Step } from "./schedule.js";

export interface ApplyDeps {
  /** Resident batches: `ipv4` opened with family inet (or none), `ipv6` with inet6. Only used when a step needs them. */
  batches: Record<Family, IpBatch>;
  writeRpFilter(ifname: string, value: number): Promise<void>;
}

export interface ApplyResult {
  /** In plan order; includes deletes of objects that were already gone. */
  applied: Operation[];
  failed: { op: Operation; message: string }[];
}

export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  const ops = plan.operations;
  const errors = new Map<number, string>();
  for (const step of scheduleOperations(ops)) {
    for (const [index, message] of await runStep(step, ops, deps)) errors.set(index, message);
  }
  const result: ApplyResult = { applied: [], failed: [] };
  ops.forEach((op, index) => {
    const message = errors.get(index);
    if (message === undefined || alreadyDone(op, message)) result.applied.push(op);
    else result.failed.push({ op, message });
  });
  return result;
}

/** Errors of one step, keyed by operation index. */
async function runStep(step: Step, ops: readonly Operation[], deps: ApplyDeps): Promise<[number, string][]> {
  if (step.kind === "sysctl") {
    const op = ops[step.index]!;
    if (op.op !== "rp-filter-set") throw new Error(`not a sysctl operation: ${op.op}`);
    try {
      await deps.writeRpFilter(op.ifname, op.value);
      return [];
    } catch (error) {
      return [[step.index, errorMessage(error)]];
    }
  }
  const perBatch = await Promise.all(
    (Object.keys(step.lines) as Family[])
      .filter((family) => step.lines[family].length > 0)
      .map((family) => runLines(deps.batches[family], step.lines[family], ops)),
  );
  return perBatch.flat();
}

async function runLines(batch: IpBatch, indexes: readonly number[], ops: readonly Operation[]): Promise<[number, string][]> {
  if (indexes.length === 0) return [];
  const toOps = (failures: BatchResult["failures"]) => failures.map((f): [number, string] => [indexes[f.index]!, f.message]);
  try {
    return toOps((await batch.run(indexes.map((index) => renderOperation(ops[index]!)!))).failures);
  } catch (error) {
    if (error instanceof IpBatchDiedError && error.index !== null) {
      // ip exits outright on some argument errors: the lines before ran as reported, the running one
      // failed, and the rest never ran, so they go to the fresh process the next run starts.
      const rest = await runLines(batch, indexes.slice(error.index + 1), ops);
      return [...toOps(error.partial.failures), [indexes[error.index]!, error.message], ...rest];
    }
    if (error instanceof IpBatchDiedError) return toOps(error.partial.failures);
    if (error instanceof IpLineError && indexes.length > 1) {
      // A line ip's batch reader cannot take (an interface name with a quote or #): run the lines one
      // by one on the same process, so that only that line fails.
      const perLine: [number, string][] = [];
      for (const index of indexes) perLine.push(...(await runLines(batch, [index], ops)));
      return perLine;
    }
    return indexes.map((index) => [index, errorMessage(error)]);
  }
}

/**
 * A delete whose object is already gone reached the wanted state (someone, or the kernel, removed
 * it first). Each kind answers in its own words: mptcp "address not found" (kernel extack), route
 * ESRCH, rule ENOENT. Adds that meet an existing object are not excused: it may differ from ours.
 */
const GONE: Partial<Record<Operation["op"], RegExp>> = {
  "endpoint-delete": /address not found/i,
  "route-delete": /no such process/i,
  "rule-delete": /no such file or directory/i,
};

function alreadyDone(op: Operation, message: string): boolean {
  return GONE[op.op]?.test(message) ?? false;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
