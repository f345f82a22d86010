import type { Command } from "commander";
import { acquireLock } from "../../apply/lock.js";
import { applyPlan } from "../../apply/apply.js";
import { readKernelState } from "../../kernel/read.js";
import { planChanges } from "../../plan/index.js";
import { nothingWanted } from "../../reconcile.js";
import { EXIT } from "../exit-codes.js";
import { operationLine } from "../render/operations.js";
import { POLICY_OPTION, ROOT_OPTION, policyOrFail, withKernel, type PolicyOptions } from "../session.js";

export function registerFlush(program: Command): void {
  program
    .command("flush")
    .description("Remove every endpoint, rule and route this tool owns (by its marks), and nothing else")
    .option(...POLICY_OPTION)
    .option(...ROOT_OPTION)
    .action(async (opts: PolicyOptions) => {
      // The policy only supplies the marks (id range, protocol, tables); NetworkManager is not needed.
      const { marks } = await policyOrFail(opts);
      const lock = await acquireLock();
      try {
        const left = await withKernel(async (io) => {
          const read = () => readKernelState({ v4: io.batches.ipv4, v6: io.batches.ipv6 }, marks);
          const result = await applyPlan(planChanges(nothingWanted(), await read(), marks), io);
          for (const op of result.applied) process.stdout.write(`${operationLine(op)}\n`);
          for (const f of result.failed) process.stderr.write(`failed: ${operationLine(f.op)}\n  ${f.message}\n`);
          return planChanges(nothingWanted(), await read(), marks).operations;
        });
        for (const op of left) process.stderr.write(`still owned after flush: ${operationLine(op)}\n`);
        process.exitCode = left.length === 0 ? EXIT.ok : EXIT.failed;
      } finally {
        await lock.release();
      }
    });
}
