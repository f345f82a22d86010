import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { accumulate, renderMetrics, type MetricsState } from "../../../src/daemon/metrics.js";
import { parseAddresses } from "../../../src/kernel/addresses.js";
import { parseSubflows } from "../../../src/kernel/sockets.js";
import { parsePrometheusText } from "../../rig/prometheus-text.js";

const file = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/ss/${name}`, import.meta.url)), "utf8");
const subflows = (name: string) => parseSubflows(file(`${name}.txt`));
const addresses = parseAddresses(file("primary-up.addresses.json"));

const state = (links: MetricsState["links"]): MetricsState => ({
  reconciles: 3, lastReconcileSeconds: 0.0042, conflicts: 1, reloadFailures: 2, links, socketsReadable: true,
});

/** name{device} → value, from the strictly parsed text. */
function values(text: string): Record<string, number> {
  return Object.fromEntries(parsePrometheusText(text).flatMap((f) =>
    f.samples.map((s) => [`${s.name}${s.labels.device ? `{${s.labels.device}}` : ""}`, s.value])));
}

describe("metrics file", () => {
  it("says zero for every link when no socket is open, in valid text format", () => {
    const links = accumulate(new Map([["wan0", { subflows: 0, backupSubflows: 0, sent: 0, received: 0 }]]), [], subflows("idle"), addresses);
    expect(values(renderMetrics(state(links)))).toEqual({
      mptcp_policy_reconciles_total: 3,
      mptcp_policy_last_reconcile_duration_seconds: 0.0042,
      mptcp_policy_conflicts: 1,
      mptcp_policy_policy_reload_failures_total: 2,
      mptcp_policy_socket_diag_up: 1,
      "mptcp_policy_subflows{wan0}": 0,
      "mptcp_policy_backup_subflows{wan0}": 0,
      "mptcp_policy_sent_bytes_total{wan0}": 0,
      "mptcp_policy_received_bytes_total{wan0}": 0,
    });
  });

  it("adds what the subflows moved between reads, and keeps the bytes of a subflow that closed", () => {
    const first = accumulate(new Map(), [], subflows("primary-up"), addresses);
    const second = accumulate(first, subflows("primary-up"), subflows("failover"), addresses);
    const third = accumulate(second, subflows("failover"), subflows("idle"), addresses);
    const read = [first, second, third].map((l) => values(renderMetrics(state(l))));
    expect(read.map((v) => [v["mptcp_policy_sent_bytes_total{wan0}"], v["mptcp_policy_sent_bytes_total{lte0}"]])).toEqual([
      [24924928, 0],
      [24927808, 47091192],
      [24927808, 47091192],
    ]);
    expect(read.map((v) => [v["mptcp_policy_subflows{lte0}"], v["mptcp_policy_backup_subflows{lte0}"]])).toEqual([[1, 1], [1, 1], [0, 0]]);
  });

  it("escapes a device name in a label value", () => {
    const text = renderMetrics(state(new Map([['we"ird\\', { subflows: 1, backupSubflows: 0, sent: 5, received: 0 }]])));
    expect(text).toContain('mptcp_policy_sent_bytes_total{device="we\\"ird\\\\"} 5');
    expect(parsePrometheusText(text).find((f) => f.name === "mptcp_policy_subflows")!.samples[0]!.labels).toEqual({ device: 'we"ird\\' });
  });
});
