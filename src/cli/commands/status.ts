import type { Command } from "commander";
import { buildStatus, type StatusReport } from "../../status.js";
import { assessNow, policyCommand, type PolicyOptions } from "../session.js";

export function registerStatus(program: Command): void {
  policyCommand(program, "status", "Per device: type, connection, matched rule, addresses, endpoints, table, in sync or drifted")
    .option("--json", "print the report as JSON")
    .action(async (opts: PolicyOptions & { json?: boolean }) => {
      const { policy, snapshot, ...assessment } = await assessNow(opts);
      const report = buildStatus(snapshot, policy, assessment);
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
    });
}

function renderStatus(r: StatusReport): string {
  const lines: string[] = [];
  for (const d of r.devices) {
    const sync = d.role === "managed" || !d.inSync ? (d.inSync ? "in sync" : "DRIFTED") : "";
    lines.push(
      `${d.interface}  ${d.type}  ${d.state}${d.noCarrier ? " (no carrier)" : ""}  ${d.connection ? `"${d.connection}"` : "-"}  ` +
        `${d.role}${d.rule && (d.role === "managed" || d.role === "ignored") ? ` by rule "${d.rule}"` : ""}${d.metered === "yes" || d.metered === "guess-yes" ? "  metered" : ""}` +
        (sync ? `  ${sync}` : ""),
    );
    if (d.addresses.length > 0) lines.push(`    addresses: ${d.addresses.join(" ")}`);
    for (const e of d.endpoints) lines.push(`    endpoint ${e.id}: ${e.address} ${e.flags.join(",")}`);
    if (d.table !== undefined) lines.push(`    table ${d.table}`);
    if (d.nmMptcp && d.role === "managed") {
      lines.push(`    NetworkManager's own MPTCP handling: ${d.nmMptcp.on ? "ON" : "off"} (mptcp-flags 0x${d.nmMptcp.flags.toString(16)} from ${d.nmMptcp.source})`);
    }
  }
  lines.push(`limits: subflows ${r.limits.subflows}, add_addr_accepted ${r.limits.addAddrAccepted}`);
  lines.push(r.inSync ? "kernel matches the policy" : "kernel differs from the policy: `mptcp-policy plan` shows how");
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}
