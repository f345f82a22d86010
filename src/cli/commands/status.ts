import { Option, type Command } from "commander";
import type { KernelAddress } from "../../model/types.js";
import { readSubflows } from "../../kernel/sockets.js";
import { buildStatus, type StatusReport, type TrafficSample } from "../../status.js";
import { trafficByDevice, trafficWithRates } from "../../traffic.js";
import { openLiveScreen } from "../live-screen.js";
import { trafficLine, trafficLinks, watchScreen } from "../render/traffic.js";
import { assessNow, policyCommand, positiveSeconds, type PolicyOptions } from "../session.js";

interface StatusOptions extends PolicyOptions {
  json?: boolean;
  interval?: number;
  watch?: boolean;
}

/** Default refresh of `--watch`. */
const WATCH_INTERVAL_S = 1;

export function registerStatus(program: Command): void {
  policyCommand(program, "status", "Per device: type, connection, matched rule, addresses, endpoints, table, MPTCP traffic, in sync or drifted")
    .option("--json", "print the report as JSON")
    .option("--interval <seconds>", "sample the MPTCP subflows twice this far apart and add send/receive rates", positiveSeconds)
    .addOption(new Option("--watch", `live view of the MPTCP traffic per link, refreshed every --interval (default ${WATCH_INTERVAL_S} s); Ctrl-C quits`).conflicts("json"))
    .action(async (opts: StatusOptions) => {
      if (opts.watch) return watch(opts, opts.interval ?? WATCH_INTERVAL_S);
      const { policy, snapshot, ...assessment } = await assessNow(opts);
      const traffic = await sampleTraffic(assessment.current.addresses, opts.interval);
      const report = buildStatus(snapshot, policy, assessment, traffic);
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
    });
}

/** One sample, or two `intervalS` apart with rates. */
async function sampleTraffic(addresses: readonly KernelAddress[], intervalS?: number): Promise<TrafficSample> {
  const first = await readSubflows();
  if (intervalS === undefined) return { devices: trafficByDevice(first, addresses), rates: false };
  const from = performance.now();
  await sleep(intervalS * 1000);
  const second = await readSubflows();
  return { devices: trafficWithRates(first, second, (performance.now() - from) / 1000, addresses), rates: true };
}

async function watch(opts: StatusOptions, intervalS: number): Promise<void> {
  const screen = openLiveScreen();
  // Ctrl-C reaches ip and ss too (same process group): whatever is in flight fails, nothing is left to wait for.
  const quit = () => {
    screen.restore();
    process.exit(0);
  };
  process.once("SIGINT", quit).once("SIGTERM", quit);
  let previous: { subflows: Awaited<ReturnType<typeof readSubflows>>; at: number } | undefined;
  for (;;) {
    const header = `mptcp-policy status --watch   every ${intervalS} s   ${new Date().toISOString().slice(11, 19)} UTC   Ctrl-C quits`;
    try {
      const { policy, snapshot, ...assessment } = await assessNow(opts);
      const subflows = await readSubflows();
      const at = performance.now();
      const addresses = assessment.current.addresses;
      const traffic: TrafficSample = previous === undefined
        ? { devices: trafficByDevice(subflows, addresses), rates: false }
        : { devices: trafficWithRates(previous.subflows, subflows, (at - previous.at) / 1000, addresses), rates: true };
      previous = { subflows, at };
      screen.draw(watchScreen(buildStatus(snapshot, policy, assessment, traffic), header));
    } catch (error) {
      // NetworkManager restarting, a policy being edited: say so and try again at the next refresh.
      screen.draw([header, "", `cannot read the state: ${(error as Error).message}`]);
    }
    await sleep(intervalS * 1000);
  }
}

function renderStatus(r: StatusReport): string {
  const lines: string[] = [];
  const withTraffic = new Set(trafficLinks(r));
  for (const d of r.devices) {
    const sync = d.role === "managed" || !d.inSync ? (d.inSync ? "in sync" : "DRIFTED") : "";
    lines.push(
      `${d.interface}  ${d.type}  ${d.state}${d.noCarrier ? " (no carrier)" : ""}  ${d.connection ? `"${d.connection}"` : "-"}  ` +
        `${d.role}${d.rule && (d.role === "managed" || d.role === "ignored") ? ` by rule "${d.rule}"` : ""}${d.metered === "yes" || d.metered === "guess-yes" ? "  metered" : ""}` +
        (sync ? `  ${sync}` : ""),
    );
    if (d.unknown) lines.push(`    kernel left as it is until NetworkManager reports: ${d.unknown.join(", ")} (rule "${d.rule}")`);
    if (d.addresses.length > 0) lines.push(`    addresses: ${d.addresses.join(" ")}`);
    for (const e of d.endpoints) lines.push(`    endpoint ${e.id}: ${e.address} ${e.flags.join(",")}`);
    if (d.table !== undefined) lines.push(`    table ${d.table}`);
    if (d.nmMptcp && d.role === "managed") {
      lines.push(`    NetworkManager's own MPTCP handling: ${d.nmMptcp.on ? "ON" : "off"} (mptcp-flags 0x${d.nmMptcp.flags.toString(16)} from ${d.nmMptcp.source})`);
    }
    if (withTraffic.has(d)) lines.push(`    ${trafficLine(d.traffic)}`);
  }
  lines.push(`limits: subflows ${r.limits.subflows}, add_addr_accepted ${r.limits.addAddrAccepted}`);
  lines.push(r.inSync ? "kernel matches the policy" : "kernel differs from the policy: `mptcp-policy plan` shows how");
  lines.push(`traffic: ${r.trafficSummary}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
