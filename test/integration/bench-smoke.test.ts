// `npm run bench -- --quick` end to end, into a temporary folder (the committed results stay as they are):
// every section runs, and the JSON has the shape other tools read (bench/results.ts) with real numbers.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Results } from "../../bench/results.js";
import { describeRig } from "../rig/describe-rig.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const QUICK_BUDGET_MS = 300_000; // the failover section runs three scenarios per system

const isNumber = (v: unknown) => typeof v === "number" && Number.isFinite(v);

describeRig("npm run bench -- --quick", () => {
  let out: string;
  let results: Results;
  let stderr: string;
  let exit: number | string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "bench-smoke-"));
    // A failed run still writes its JSON: keep its exit status and assert on it, never swallow it.
    const run = await promisify(execFile)("npx", ["tsx", "bench/run.ts", "--quick", "--out", out], {
      cwd: ROOT, timeout: QUICK_BUDGET_MS, maxBuffer: 1 << 24,
    }).then(
      (ok) => ({ exit: 0 as number | string, stderr: ok.stderr }),
      (error: { code?: number | string; signal?: string; stderr?: string; message: string }) => ({
        exit: error.code ?? error.signal ?? "failed to start",
        stderr: error.stderr ?? error.message,
      }),
    );
    exit = run.exit;
    stderr = run.stderr;
    const day = new Date().toISOString().slice(0, 10);
    results = JSON.parse(readFileSync(join(out, `${day}.json`), "utf8")) as Results;
  }, QUICK_BUDGET_MS + 10_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("exits 0", () => {
    expect(exit, stderr).toBe(0);
  });

  it("ran every section without an error", () => {
    expect(results.errors, stderr).toBeUndefined();
    expect(results.quick).toBe(true);
  });

  it("names the machine", () => {
    expect(results.machine.kernel).toMatch(/^\d+\.\d+/);
    expect(results.machine.cpus).toBeGreaterThan(0);
  });

  it("has reaction times for the three systems", () => {
    for (const system of ["mptcp-policy", "networkmanager", "mptcpd"] as const) {
      const r = results.reaction?.[system];
      expect(r, system).toBeDefined();
      expect(r!.n).toBeGreaterThan(0);
      for (const v of [r!.p50_ms, r!.p95_ms, r!.max_ms, r!.removal.p50_ms]) expect(isNumber(v), `${system}: ${v}`).toBe(true);
    }
    expect(results.reaction!.networkmanager!.rule).toBe("n/a");
    expect(results.reaction!["mptcp-policy"]!.all).not.toBe("n/a");
  });

  it("has scale rows with numbers", () => {
    expect(results.scale?.length).toBeGreaterThan(0);
    for (const s of results.scale!) {
      for (const v of [s.links, s.converge_ms, s.ip_processes, s.cpu_ms]) expect(isNumber(v), JSON.stringify(s)).toBe(true);
    }
  });

  it("has apply, memory and failover numbers", () => {
    expect(isNumber(results.apply?.steady_ms)).toBe(true);
    expect(isNumber(results.apply?.full_setup_ms)).toBe(true);
    expect(isNumber(results.apply?.cli_load_ms)).toBe(true);
    expect(isNumber(results.apply?.node_floor_ms)).toBe(true);
    expect(isNumber(results.apply?.nm_read_floor_ms)).toBe(true);
    const m = results.memory!;
    for (const v of [m.rss_start_mb, m.rss_after_flaps_mb, m.flaps]) expect(isNumber(v)).toBe(true);
    expect(m.flaps).toBeGreaterThan(0);
    for (const system of ["mptcp-policy", "networkmanager"] as const) {
      const f = results.failover?.[system];
      for (const v of [f?.max_gap_ms, f?.no_cut_max_gap_ms, f?.silent_max_gap_ms]) expect(isNumber(v), `${system}: ${v}`).toBe(true);
    }
  });

  it("writes the markdown summary and checks every target", () => {
    const day = results.date.slice(0, 10);
    expect(readFileSync(join(out, `${day}.md`), "utf8")).toContain("## Targets");
    expect(existsSync(join(out, `${day}.svg`))).toBe(true);
    expect(results.targets?.length).toBe(13);
  });
});
