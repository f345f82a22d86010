import type { Command } from "commander";
import { acquireLock } from "../../apply/lock.js";
import { sweep } from "../../reconcile.js";
import { EXIT } from "../exit-codes.js";
import { operationLine } from "../render/operations.js";
import { policyCommand, policyOrFail, withKernel, type PolicyOptions } from "../session.js";

export function registerFlush(program: Command): void {
  policyCommand(program, "flush", "Remove every endpoint, rule and route this tool owns (by its marks), and nothing else")
    .action(async (opts: PolicyOptions) => {
      // The policy only supplies the marks (id range, protocol, tables); NetworkManager is not needed.
      const { marks } = await policyOrFail(opts);
      const lock = await acquireLock();
      try {
        const left = await withKernel(async (io) => {
          const { applied, remaining } = await sweep(marks, io);
          for (const op of applied.applied) process.stdout.write(`${operationLine(op)}\n`);
          for (const f of applied.failed) process.stderr.write(`failed: ${operationLine(f.op)}\n  ${f.message}\n`);
          return remaining;
        });
        for (const op of left) process.stderr.write(`still owned after flush: ${operationLine(op)}\n`);
        process.exitCode = left.length === 0 ? EXIT.ok : EXIT.failed;
      } finally {
        await lock.release();
      }
    });
}
