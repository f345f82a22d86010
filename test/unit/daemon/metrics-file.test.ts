// The daemon's metrics file over its life: counters the daemon reports land in the file at stop; a file that
// cannot be written is logged once, not at every tick.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { Logger } from "pino";
import { startMetricsFile } from "../../../src/daemon/metrics.js";
import { parsePrometheusText } from "../../rig/prometheus-text.js";

const dir = mkdtempSync(join(tmpdir(), "metrics-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logger = () => ({ warn: vi.fn() }) as unknown as Logger & { warn: ReturnType<typeof vi.fn> };

describe("startMetricsFile", () => {
  it("writes what the daemon reported, with a zero series for each managed link, by the time stop returns", async () => {
    const file = join(dir, "mptcp-policy.prom");
    const log = logger();
    const metrics = startMetricsFile({ file, intervalMs: 60_000, log });
    metrics.reconciled({ seconds: 0.0123456789, conflicts: 2, addresses: [], managed: ["eth9"] });
    metrics.reconciled({ seconds: 0.5, conflicts: 0, addresses: [], managed: ["eth9"] });
    metrics.reloadFailed();
    await metrics.stop();
    const samples = Object.fromEntries(parsePrometheusText(readFileSync(file, "utf8")).flatMap((f) =>
      f.samples.map((s) => [`${s.name}${s.labels.device ? `{${s.labels.device}}` : ""}`, s.value])));
    expect(samples).toMatchObject({
      mptcp_policy_reconciles_total: 2,
      mptcp_policy_last_reconcile_duration_seconds: 0.5,
      mptcp_policy_conflicts: 0,
      mptcp_policy_policy_reload_failures_total: 1,
      "mptcp_policy_subflows{eth9}": 0,
      "mptcp_policy_sent_bytes_total{eth9}": 0,
    });
    expect(log.warn).not.toHaveBeenCalled();
  });

  it("warns once when the file cannot be written, however many ticks fail", async () => {
    const file = join(dir, "no-such-dir", "mptcp-policy.prom");
    const log = logger();
    const metrics = startMetricsFile({ file, intervalMs: 10, log });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await metrics.stop();
    const fileWarnings = log.warn.mock.calls.filter((c) => c[1] === "cannot write the metrics file");
    expect(fileWarnings).toHaveLength(1);
    expect(fileWarnings[0]![0]).toMatchObject({ file });
  });
});
