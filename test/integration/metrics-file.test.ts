// The daemon's metrics file writer on this machine: real `ss` (read-only, whatever sockets the machine has),
// a real file rewritten by rename, what the daemon reports showing up in it, a failing path logged once per failure.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, expect, it } from "vitest";
import { startMetricsFile } from "../../src/daemon/metrics.js";
import { createLogger } from "../../src/log.js";
import { parsePrometheusText } from "../rig/prometheus-text.js";

const dir = mkdtempSync(join(tmpdir(), "metrics-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function logged() {
  const stream = new PassThrough();
  const lines: { level: number; msg: string }[] = [];
  stream.on("data", (chunk: Buffer) => lines.push(...chunk.toString().trim().split("\n").map((l) => JSON.parse(l) as { level: number; msg: string })));
  return { log: createLogger({ level: "info", format: "json", destination: stream }), lines };
}

const value = (text: string, name: string, device?: string) =>
  parsePrometheusText(text).flatMap((f) => f.samples).find((s) => s.name === name && s.labels.device === device)?.value;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it("writes the file at once and at each interval, with what the daemon reported, and leaves no temporary file", async () => {
  const file = join(dir, "mptcp-policy.prom");
  const { log, lines } = logged();
  const metrics = startMetricsFile({ file, intervalMs: 50, log });
  const read = () => { try { return readFileSync(file, "utf8"); } catch { return ""; } };
  await until(() => read() !== "", "the first write");
  expect(value(read(), "mptcp_policy_reconciles_total")).toBe(0);
  expect(value(read(), "mptcp_policy_socket_diag_up")).toBe(1);

  metrics.reconciled({ seconds: 0.0123, conflicts: 2, addresses: [], managed: ["wan0"] });
  metrics.reloadFailed();
  await until(() => value(read(), "mptcp_policy_reconciles_total") === 1, "a rewrite with the reconcile");
  const text = read();
  expect(value(text, "mptcp_policy_last_reconcile_duration_seconds")).toBe(0.0123);
  expect(value(text, "mptcp_policy_conflicts")).toBe(2);
  expect(value(text, "mptcp_policy_policy_reload_failures_total")).toBe(1);
  expect(value(text, "mptcp_policy_sent_bytes_total", "wan0")).toBe(0);
  await metrics.stop();
  expect(readdirSync(dir)).toEqual(["mptcp-policy.prom"]);
  expect(lines.filter((l) => l.level >= 40)).toEqual([]);
});

it("logs a file it cannot write once per failure, again only after it was written", async () => {
  const { log, lines } = logged();
  const folder = join(dir, "later");
  const file = join(folder, "x.prom");
  const metrics = startMetricsFile({ file, intervalMs: 20, log });
  await until(() => lines.length > 0, "the first warning");
  mkdirSync(folder);
  await until(() => existsSync(file), "a write once the folder exists");
  rmSync(folder, { recursive: true });
  await until(() => lines.length > 1, "the warning for the second failure");
  await metrics.stop();
  expect(lines.map((l) => l.msg)).toEqual(["cannot write the metrics file", "cannot write the metrics file"]);
});
