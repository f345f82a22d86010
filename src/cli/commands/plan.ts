import type { Command } from "commander";
import { operationJson, operationLine } from "../render/operations.js";
import { assessNow, policyCommand, type PolicyOptions } from "../session.js";

export function registerPlan(program: Command): void {
  policyCommand(program, "plan", "Show the operations `apply` would run, without running them")
    .option("--json", "print { operations, conflicts } as JSON")
    .action(async (opts: PolicyOptions & { json?: boolean }) => {
      const { plan } = await assessNow(opts);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ operations: plan.operations.map(operationJson), conflicts: plan.conflicts }, null, 2)}\n`,
        );
        return;
      }
      for (const op of plan.operations) process.stdout.write(`${operationLine(op)}\n`);
      for (const c of plan.conflicts) process.stderr.write(`conflict: ${c.message}\n`);
      if (plan.operations.length === 0) process.stderr.write("nothing to do: the kernel matches the policy\n");
    });
}
