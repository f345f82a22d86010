// status, plan and apply --dry-run print what one assessment says. The assessment (policy, NetworkManager's
// snapshot, kernel, plan) comes from a recorded case instead of the machine; the subflow sample is this host's.
import { describe, expect, it, vi } from "vitest";
import { desiredState } from "../../../src/desired/index.js";
import type { KernelState, NmSnapshot, Policy } from "../../../src/model/types.js";
import { planChanges } from "../../../src/plan/index.js";
import { readCase } from "../../cases/cases.js";
import { cli } from "./run-cli.js";

const assessed = vi.hoisted(() => ({ name: "nothing-to-do" }));

vi.mock("../../../src/cli/session.js", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../src/cli/session.js")>()),
  assessNow: async () => {
    const snapshot = readCase<NmSnapshot>(assessed.name, "snapshot.json");
    const current = readCase<KernelState>(assessed.name, "kernel.json");
    const policy = readCase<Policy>(assessed.name, "policy.json");
    const desired = desiredState(snapshot, current, policy);
    return { policy, snapshot, current, desired, plan: planChanges(desired, current, policy.marks) };
  },
}));

describe("commands that print an assessment", () => {
  it("status: one block per device, then limits, sync verdict and traffic", async () => {
    assessed.name = "nothing-to-do";
    const r = await cli("status");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe(`wlan0  wifi  activated  "CoffeeShop"  managed by rule "wifi"  in sync`);
    expect(r.stdout).toContain("    endpoint 100: 192.168.1.23 subflow\n");
    expect(r.stdout).toContain("    table 1000\n");
    expect(r.stdout).toContain("NetworkManager's own MPTCP handling: off (mptcp-flags 0x1 from the profile)");
    expect(r.stdout).toContain("limits: subflows 2, add_addr_accepted 2\nkernel matches the policy\ntraffic: ");
  });

  it("status --json --interval: the report as JSON, traffic sampled twice", async () => {
    assessed.name = "foreign-endpoint-conflict";
    const r = await cli("status", "--json", "--interval", "0.05");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { inSync: boolean; devices: { interface: string; inSync: boolean }[]; warnings: string[] };
    expect(report.inSync).toBe(false);
    expect(report.devices.find((d) => d.interface === "wlan0")?.inSync).toBe(false);
    expect(report.warnings.at(-1)).toBe("run `mptcp-policy doctor` for the full checklist");
  });

  it("status text of a drifted kernel says DRIFTED and prints the warnings", async () => {
    assessed.name = "foreign-endpoint-conflict";
    const r = await cli("status");
    expect(r.stdout).toMatch(/^wlan0 .* DRIFTED$/m);
    expect(r.stdout).toContain("kernel differs from the policy: `mptcp-policy plan` shows how");
    expect(r.stdout).toContain("warning: run `mptcp-policy doctor` for the full checklist\n");
  });

  it("plan: nothing to do is said on standard error; --json gives empty lists", async () => {
    assessed.name = "nothing-to-do";
    expect(await cli("plan")).toEqual({ code: 0, stdout: "", stderr: "nothing to do: the kernel matches the policy\n" });
    expect(JSON.parse((await cli("plan", "--json")).stdout)).toEqual({ operations: [], conflicts: [] });
  });

  it("plan and apply --dry-run print the same operations, one ip command per line, conflicts on standard error", async () => {
    assessed.name = "foreign-endpoint-conflict";
    const plan = await cli("plan");
    const ops = plan.stdout.trim().split("\n");
    expect(ops.length).toBeGreaterThan(0);
    for (const line of ops) expect(line).toMatch(/^ip .* {4}# .+$/);
    expect(plan.stderr).toMatch(/^conflict: /m);
    const dry = await cli("apply", "--dry-run");
    expect(dry.stdout).toBe(plan.stdout);
    expect(dry.stderr).toBe(plan.stderr);
    const json = JSON.parse((await cli("apply", "--dry-run", "--json")).stdout) as { ok: boolean; changes: { command: string }[]; conflicts: unknown[] };
    expect(json.ok).toBe(false);
    expect(json.changes.map((c) => c.command)).toEqual(ops.map((l) => l.split("    # ")[0]));
    expect(json.conflicts.length).toBeGreaterThan(0);
  });
});
