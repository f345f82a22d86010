// Each subcommand's edge in-process: exit codes, where messages go, and that nothing is done on bad input.
// NetworkManager is made unreachable (a bus address with nobody behind it), so no test here reads or changes
// this machine's network; the kernel-changing paths are tested in a namespace (test/e2e).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./run-cli.js";

const NO_BUS = "unix:path=/nonexistent/mptcp-policy-test-bus";
let dir: string;
let bad: string;
const saved = { bus: process.env.DBUS_SYSTEM_BUS_ADDRESS, run: process.env.MPTCP_POLICY_RUN_DIR };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-unit-"));
  bad = join(dir, "bad.yaml");
  writeFileSync(bad, "version: 1\nrules:\n  - name: x\n    match: { nope: 1 }\n", { mode: 0o600 });
  process.env.DBUS_SYSTEM_BUS_ADDRESS = NO_BUS;
  process.env.MPTCP_POLICY_RUN_DIR = dir;
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const [key, value] of [["DBUS_SYSTEM_BUS_ADDRESS", saved.bus], ["MPTCP_POLICY_RUN_DIR", saved.run]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("mptcp-policy (in-process)", () => {
  it("prints its version and exits 0", async () => {
    expect(await cli("--version")).toEqual({ code: 0, stdout: "0.1.0\n", stderr: "" });
  });

  it("exits 2 (usage) on an unknown command or a bad option value", async () => {
    const unknown = await cli("nosuch");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'nosuch'");
    const resync = await cli("daemon", "--resync-interval", "-1");
    expect(resync.code).toBe(2);
    expect(resync.stderr).toContain("a number of seconds, 0 or more");
  });

  it("exits 2 naming the valid levels for a bad --log-level, before starting anything", async () => {
    const r = await cli("daemon", "--log-level", "loud");
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toContain("argument 'loud' is invalid. Allowed choices are fatal, error, warn, info, debug, trace");
  });

  it.each(["apply", "plan", "status", "flush", "daemon"])("%s: an invalid policy exits 1 with its diagnostics and changes nothing", async (command) => {
    const r = await cli(command, "--policy", bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^${bad}:\\d+:\\d+: `));
    expect(r.stderr.endsWith("mptcp-policy: the policy is invalid; nothing was changed\n")).toBe(true);
  });

  it.each([["plan"], ["status"], ["apply"], ["apply", "--dry-run"]])("%s %s: NetworkManager unreachable exits 69 and says where it looked", async (...args) => {
    const r = await cli(...args.filter(Boolean), "--policy", "policies/laptop.yaml");
    expect(r.code).toBe(69);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^mptcp-policy: cannot read NetworkManager on ${NO_BUS}: .*Is NetworkManager running\\?\\n$`));
  });

  it("doctor --json: a checklist that says NetworkManager is unreachable, exit 1", async () => {
    const r = await cli("doctor", "--json", "--no-self-test", "--policy", "policies/laptop.yaml");
    expect(r.code).toBe(1);
    const { checks } = JSON.parse(r.stdout) as { checks: { id: string; status: string; summary: string }[] };
    const byId = new Map(checks.map((c) => [c.id, c]));
    expect(byId.get("mptcp.enabled")).toMatchObject({ status: "ok", summary: "net.mptcp.enabled = 1" });
    expect(byId.get("nm.bus")).toMatchObject({ status: "fail", summary: expect.stringContaining("NetworkManager is not reachable") });
    expect(byId.get("policy")).toMatchObject({ status: "ok", summary: expect.stringContaining("policies/laptop.yaml: loaded") });
  });

  it("doctor --fix changes nothing when net.mptcp.enabled is already 1, and says so", async () => {
    const r = await cli("doctor", "--fix", "--no-self-test", "--policy", "policies/laptop.yaml");
    expect(r.stderr).toContain("mptcp-policy doctor: nothing to fix: net.mptcp.enabled is already 1");
  });

  it("the installed entry point runs the same command line", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "--version"], { encoding: "utf8" });
    expect(out).toBe("0.1.0\n");
  });
});
