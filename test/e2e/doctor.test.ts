// `mptcp-policy doctor` against a real NetworkManager and the real kernel, inside the rig's host namespace:
// the CLI runs there (`ip netns exec`), so /proc/sys, the routing tables and the endpoints it reads are the rig's.
// Each case gets a fresh rig and first makes (and checks) what it builds on: the later ones fix what the
// earlier ones report, so that they can expect a clean bill (exit 0) and blame a failure on the one thing
// they break, without depending on the cases before them having run or passed.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, expect, it } from "vitest";
import { describeRig } from "../rig/describe-rig.js";
import { startRig, type ExecResult, type Rig } from "../rig/rig.js";

interface Check {
  id: string;
  status: "ok" | "warn" | "fail";
  summary: string;
  fix?: string;
}
interface DoctorRun extends ExecResult {
  checks: Check[];
  ms: number;
}

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

// wan* is a plain subflow, anything metered a backup subflow; nmmp0 matches no rule (left alone).
const POLICY = `version: 1
rules:
  - name: wan
    match: { interface: "wan*" }
    endpoint: { flags: [subflow] }
  - name: metered
    match: { metered: true }
    endpoint: { flags: [subflow, backup] }
`;

/**
 * connection.mptcp-flags "enabled,subflow,also-without-default-route": NetworkManager's own MPTCP handling on,
 * for a link without a gateway too. Flags 0 ("the default") would not do: the rig's NetworkManager.conf sets
 * the default to 0x1 (doctor reads it through NetworkManager's command line), so its handling would stay off.
 * The conflict doctor reports is the one NetworkManager really creates (its endpoint is checked below).
 * No gateway: wan0 stays the only default route in the main table.
 */
const NM_MPTCP_ON = 0x2a;

describeRig("doctor in the NetworkManager rig", () => {
  let rig: Rig;
  let policyFile: string;

  beforeEach(async () => {
    const t0 = performance.now();
    rig = await startRig({
      links: [
        { name: "wan0" },
        // DHCP: NetworkManager 1.42 drops a static never-default profile's gateway; a leased router it keeps.
        { name: "lte0", neverDefault: true, metered: true, dhcp: true },
        { name: "nmmp0", mptcpFlags: NM_MPTCP_ON, gateway: false },
      ],
    });
    console.info(`rig ${rig.name} started in ${(performance.now() - t0).toFixed(0)} ms`);
    policyFile = join(rig.dir, "policy.yaml");
    writeFileSync(policyFile, POLICY);
  });
  afterEach(async () => {
    await rig?.stop();
  });

  // From the sources through tsx: no build step to go stale. A run costs 1.5 s on an idle machine, up to ~9 s
  // when the machine is busy, hence the generous limits below.
  const cli = (...args: string[]) => rig.hostExec([process.execPath, "--import", "tsx", CLI, ...args], { timeoutMs: 60_000 });

  const doctor = async (...extra: string[]): Promise<DoctorRun> => {
    const t0 = performance.now();
    const result = await cli("doctor", "--json", "--no-self-test", "--policy", policyFile, ...extra);
    const ms = performance.now() - t0;
    let checks: Check[];
    try {
      checks = (JSON.parse(result.stdout) as { checks: Check[] }).checks;
    } catch {
      throw new Error(`doctor printed no JSON (exit ${result.exitCode}): ${result.stdout}${result.stderr}`);
    }
    console.info(`doctor ${extra.join(" ")}: exit ${result.exitCode} in ${ms.toFixed(0)} ms`);
    return { ...result, checks, ms };
  };
  const check = (run: DoctorRun, id: string): Check => {
    const found = run.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in ${run.checks.map((c) => c.id).join(", ")}`);
    return found;
  };
  const failing = (run: DoctorRun) => run.checks.filter((c) => c.status === "fail").map((c) => c.id);
  /** The device a packet from ADDR to an off-link address leaves through, by the kernel's own lookup. */
  const routeDev = async (address: string) => {
    const out = await rig.hostExec(["ip", "-j", "route", "get", "192.0.2.1", "from", address]);
    expect(out.exitCode).toBe(0);
    return (JSON.parse(out.stdout) as { dev: string }[])[0]?.dev;
  };
  const endpoints = async () =>
    JSON.parse((await rig.hostExec(["ip", "-j", "mptcp", "endpoint", "show"])).stdout || "[]") as { address: string; id: number; dev?: string }[];

  /** Runs the fix doctor prints for NetworkManager's MPTCP on nmmp0, and waits until its endpoint is gone. */
  const endNmConflict = async (fix = 'nmcli connection modify "nmmp0" connection.mptcp-flags 0x1 && nmcli device reapply nmmp0') => {
    const nmAddr = rig.links.nmmp0!.hostAddr4!;
    await rig.waitFor(async () => (await endpoints()).some((e) => e.address === nmAddr), 5_000, "NetworkManager's endpoint on nmmp0");
    const fixed = await rig.hostExec(["sh", "-c", fix]);
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    // NetworkManager removes its endpoint after the reapply returns: wait for that removal (it was there above).
    await rig.waitFor(async () => !(await endpoints()).some((e) => e.address === nmAddr), 5_000, "NetworkManager to remove its endpoint");
  };
  /** What the cases above fix: NetworkManager's own MPTCP off on nmmp0, and the policy applied. */
  const clearTheRest = async () => {
    await endNmConflict();
    const applied = await cli("apply", "--policy", policyFile);
    expect(applied.exitCode, applied.stderr).toBe(0);
  };

  it("before apply: a never-default link's subflows would leave through the main table's default link", async () => {
    const lte = rig.links.lte0!.hostAddr4!;
    // The kernel agrees with what doctor is about to say: without a table and rule, lte0's address goes via wan0.
    expect(await routeDev(lte)).toBe("wan0");

    const run = await doctor();
    expect(run.exitCode).toBe(1);
    const routing = check(run, "routing.source");
    expect(routing.status).toBe("fail");
    expect(routing.summary).toContain(`${lte} (endpoint on lte0)`);
    expect(routing.summary).toContain(`${lte} → wan0`);
    // The DHCP-leased gateway is known, so the policy's table would get a default route: apply is the fix.
    expect(routing.fix).toContain("lte0: mptcp-policy apply");
    expect(check(run, "endpoints.missing")).toMatchObject({ status: "fail" });
    expect(check(run, "endpoints.missing").summary).toContain(`${lte} on lte0 has no endpoint`);
  }, 120_000);

  it("reports NetworkManager's own MPTCP handling by connection, and its printed fix ends the conflict", async () => {
    const nmAddr = rig.links.nmmp0!.hostAddr4!;
    // NetworkManager really manages endpoints on this link: it made one outside our id range.
    await rig.waitFor(async () => (await endpoints()).some((e) => e.address === nmAddr), 5_000, "NetworkManager's endpoint on nmmp0");
    const nmEndpoint = (await endpoints()).find((e) => e.address === nmAddr);
    expect(nmEndpoint).toMatchObject({ dev: "nmmp0" });

    const before = await doctor();
    const conflict = check(before, "conflict.networkmanager");
    expect(conflict.status).toBe("fail");
    expect(conflict.summary).toContain(`"nmmp0" (nmmp0): mptcp-flags 0x${NM_MPTCP_ON.toString(16)} from the profile`);
    // Only nmmp0: wan0 and lte0 have NetworkManager's MPTCP off (0x1).
    expect(conflict.summary).not.toContain('"wan0"');
    expect(conflict.summary).not.toContain('"lte0"');
    expect(conflict.fix).toBe('nmcli connection modify "nmmp0" connection.mptcp-flags 0x1 && nmcli device reapply nmmp0');
    const foreign = check(before, "endpoints.foreign");
    expect(foreign.status).toBe("warn");
    expect(foreign.summary).toContain(`id ${nmEndpoint!.id} ${nmAddr} dev nmmp0`);

    // Run the printed fix as printed (the rig's bus is in the environment).
    await endNmConflict(conflict.fix!);

    const after = await doctor();
    expect(check(after, "conflict.networkmanager")).toMatchObject({ status: "ok" });
    expect(check(after, "conflict.networkmanager").summary).toMatch(/off on 3 active connection/);
    expect(check(after, "endpoints.foreign").status).toBe("ok");
  }, 120_000);

  it("after apply: the never-default link's subflows leave through it, and doctor passes every check", async () => {
    await endNmConflict();
    const lte = rig.links.lte0!.hostAddr4!;
    const wan = rig.links.wan0!.hostAddr4!;
    const t0 = performance.now();
    const applied = await cli("apply", "--policy", policyFile);
    console.info(`apply: exit ${applied.exitCode} in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(await routeDev(lte)).toBe("lte0");

    const run = await doctor();
    const routing = check(run, "routing.source");
    expect(routing.status).toBe("ok");
    expect(routing.summary).toContain(`${lte} → lte0`);
    expect(routing.summary).toContain(`${wan} → wan0`);
    expect(check(run, "endpoints.missing").status).toBe("ok");
    expect(check(run, "limits").status).toBe("ok");
    expect(failing(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
  }, 120_000);

  it("net.mptcp.enabled=0 in the namespace: exit 1 naming it; with --fix the check passes and doctor exits 0", async () => {
    await clearTheRest();
    const machineBefore = readFileSync("/proc/sys/net/mptcp/enabled", "utf8");
    await rig.hostExec(["sysctl", "-q", "-w", "net.mptcp.enabled=0"]);
    // net.mptcp.enabled is per network namespace: the machine's own value is untouched.
    expect(readFileSync("/proc/sys/net/mptcp/enabled", "utf8")).toBe(machineBefore);

    const off = await doctor();
    expect(off.exitCode).toBe(1);
    expect(failing(off)).toEqual(["mptcp.enabled"]); // the one failure, after the cases above cleared the rest
    expect(check(off, "mptcp.enabled").summary).toContain("net.mptcp.enabled = 0");
    expect(check(off, "mptcp.enabled").fix).toContain("sysctl -w net.mptcp.enabled=1");

    const fixed = await doctor("--fix");
    expect(fixed.stderr).toContain("fixed: net.mptcp.enabled 0 → 1");
    expect(check(fixed, "mptcp.enabled")).toMatchObject({ status: "ok", summary: "net.mptcp.enabled = 1" });
    expect(fixed.exitCode).toBe(0);
    expect((await rig.hostExec(["sysctl", "-n", "net.mptcp.enabled"])).stdout.trim()).toBe("1");

    // A second --fix has nothing to do and says so.
    const again = await doctor("--fix");
    expect(again.stderr).toContain("nothing to fix: net.mptcp.enabled is already 1");
    expect(again.exitCode).toBe(0);
  }, 180_000);
});
