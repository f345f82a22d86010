import { Option, type Command } from "commander";
import { selfTestFinding } from "../../doctor/checks/apps.js";
import { evaluate, exitStatus } from "../../doctor/evaluate.js";
import { fixMptcpEnabled } from "../../doctor/fix.js";
import { gatherFacts } from "../../doctor/gather.js";
import type { Finding } from "../../doctor/finding.js";
import { renderHuman, renderJson, wantColor } from "../../doctor/render.js";
import { runSelfTest } from "../../doctor/self-test.js";

interface DoctorOptions {
  policy?: string;
  json?: boolean;
  fix?: boolean;
  /** true: only the self-test; false: everything but; undefined: everything. */
  selfTest?: boolean;
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("Check kernel, tools, other managers, endpoints, routing and applications; print the fix for each problem")
    .option("--policy <file>", "use exactly this policy file (no search, no drop-ins)")
    .option("--json", 'print { "checks": [{ "id", "status", "summary", "fix"? }] }')
    .option("--fix", "set net.mptcp.enabled=1 if it is 0 (the only thing it changes), then check")
    .addOption(new Option("--self-test", "run only the live self-test (an MPTCP connection over loopback in a throwaway network namespace)"))
    .addOption(new Option("--no-self-test", "skip the live self-test"))
    .action(async (opts: DoctorOptions) => {
      if (opts.fix) process.stderr.write(`mptcp-policy doctor: ${await fixMptcpEnabled()}\n`);
      const findings: Finding[] =
        opts.selfTest === true
          ? [selfTestFinding(await runSelfTest())]
          : evaluate(await gatherFacts({ ...(opts.policy !== undefined && { policyFile: opts.policy }), selfTest: opts.selfTest !== false }));
      process.stdout.write(opts.json ? renderJson(findings) : renderHuman(findings, { color: wantColor(process.stdout.isTTY === true, process.env) }));
      process.exitCode = exitStatus(findings);
    });
}
