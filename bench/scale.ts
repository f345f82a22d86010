// Scale: N links brought up at once under the daemon. How long after the last address everything is in
// place, how many ip processes the daemon started for it, and how much CPU it used.
// The kernel holds at most 8 MPTCP endpoints per namespace: with more links, the daemon reports a
// conflict for the rest, so endpoints count for the first 8 only while every link gets its table and rule.
import { join } from "node:path";
import { rigName, startRig, type LinkSpec } from "../test/rig/rig.js";
import { makeIpShim } from "./ip-shim.js";
import { RULE_PROTOCOL, writePolicy } from "./policy.js";
import { Probe, type AddrEvent } from "./probe.js";
import { cpuMs, waitQuiet } from "./proc.js";
import { round } from "./stats.js";
import { linksFor, reconciles, startSystem } from "./systems.js";

export const KERNEL_MAX_ENDPOINTS = 8;

export interface ScaleResult {
  links: number;
  /** From the last address event to the last reaction (endpoints for min(links, 8), rule and route for all). */
  converge_ms: number | null;
  /** From the first address event to the last one: how spread out NetworkManager's activations were. */
  address_spread_ms: number;
  endpoints_expected: number;
  endpoints_seen: number;
  /** Links whose rule or route never appeared within the probe's timeout. */
  routing_missed: number;
  ip_processes: number;
  /** ip processes the daemon started before the step (its resident ones): shows the shim counts at all. */
  ip_processes_at_start: number;
  reconciles: number;
  ip_processes_per_reconcile: number | null;
  cpu_ms: number;
  /** Largest gap between two looks of the probe: on a loaded machine it is starved too, and times are upper bounds. */
  probe_resolution_ms_max: number | null;
}

const PROBE_TIMEOUT_MS = 10_000;

export async function measureScale(count: number): Promise<ScaleResult> {
  const names = Array.from({ length: count }, (_, i) => `s${i}`);
  const specs: LinkSpec[] = names.map((name) => ({ name, up: false }));
  const rig = await startRig({ name: rigName("bsc"), links: linksFor("mptcp-policy", specs) });
  try {
    const ipShim = makeIpShim(join(rig.dir, "shim"));
    const daemon = await startSystem("mptcp-policy", rig, { policy: writePolicy(rig, { subflow: names }), ipShim });
    try {
      const pid = daemon.pid!;
      await waitQuiet(pid, 500);
      // A coarser poll than the default: up to 32 events are watched at once, and a busy-polling probe
      // would take a core from the daemon it times on a 2-core machine.
      const probe = await Probe.start(rig, {
        want: ["endpoint", "rule", "route"], ruleProtocol: RULE_PROTOCOL, ifnameGlob: "s*",
        timeoutMs: PROBE_TIMEOUT_MS, pollUs: 2_000,
      });
      const ipBefore = ipShim.count();
      const reconcilesBefore = reconciles(daemon);
      const cpuBefore = cpuMs(pid);
      await Promise.all(names.map((n) => rig.connUp(n)));
      const adds = (await probe.count("add", count, 30_000 + PROBE_TIMEOUT_MS)).filter((e) => e.family === "inet");
      await waitQuiet(pid);
      const ipProcesses = ipShim.count() - ipBefore;
      const runs = reconciles(daemon) - reconcilesBefore;
      const cpu = cpuMs(pid) - cpuBefore;
      const summary = await probe.stop();
      return {
        links: count,
        ...convergence(adds),
        endpoints_expected: Math.min(count, KERNEL_MAX_ENDPOINTS),
        endpoints_seen: adds.filter((e) => e.endpoint_ms !== null).length,
        routing_missed: adds.filter((e) => e.rule_ms === null || e.route_ms === null).length,
        ip_processes: ipProcesses,
        ip_processes_at_start: ipBefore,
        reconciles: runs,
        ip_processes_per_reconcile: runs === 0 ? null : round(ipProcesses / runs, 2),
        cpu_ms: cpu,
        probe_resolution_ms_max: (summary.resolution_ms_max as number | null) ?? null,
      };
    } finally {
      await daemon.stop();
    }
  } finally {
    await rig.stop();
  }
}

function convergence(adds: AddrEvent[]): { converge_ms: number | null; address_spread_ms: number } {
  const at = adds.map((e) => e.t_addr_ns / 1e6);
  const lastAddress = Math.max(...at);
  const spread = round(lastAddress - Math.min(...at));
  if (adds.some((e) => e.rule_ms === null || e.route_ms === null)) return { converge_ms: null, address_spread_ms: spread };
  const done = adds.map((e, i) => at[i]! + Math.max(e.endpoint_ms ?? 0, e.rule_ms!, e.route_ms!));
  return { converge_ms: round(Math.max(...done) - lastAddress), address_spread_ms: spread };
}
