// The CLI against a real NetworkManager and kernel in the namespace rig: plan, apply, status and flush
// with a dual-stack link, a DHCP never-default metered link and an ignored one; idempotence, a foreign
// endpoint, a broken policy. Every claim is checked in the kernel with `ip -j`. One rig for the file, but each
// test starts from a verified reset (the base links only, nothing owned, no endpoint at all), and makes what it
// builds on itself: a failed test cannot fail the ones after it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { assertFreshBuild, runCli, runCliCountingIp } from "../rig/cli.js";
import { describeRig } from "../rig/describe-rig.js";
import { startRig, type Rig } from "../rig/rig.js";

const POLICY = `version: 1
rules:
  - name: wired
    match: { interface: "wan*" }
    endpoint: { flags: [subflow] }
  - name: metered
    match: { metered: true }
    endpoint: { flags: [subflow, backup] }
  - name: management
    match: { interface: "mgmt*" }
    ignore: true
addresses:
  # The rig's IPv6 addresses are ULA (fd00::/8), which the default skips.
  skip: [link-local]
`;

const PROTOCOL = "203";
const BASE_LINKS = ["wan0", "lte0", "mgmt0"];
const PRIORITY = 5000;

interface IpEndpoint { address: string; id: number; dev?: string; subflow?: boolean; backup?: boolean; signal?: boolean }
interface IpRule { priority: number; src: string; table: string; protocol?: string }
interface IpRoute { dst: string; gateway?: string; dev?: string; table?: string; protocol?: string; prefsrc?: string }

interface KernelView {
  endpoints: IpEndpoint[];
  rules: IpRule[];
  routes: IpRoute[];
}

describeRig("reconcile against a real NetworkManager", () => {
  let rig: Rig;
  let dir: string;
  let policy: string;

  beforeAll(async () => {
    assertFreshBuild();
    rig = await startRig({
      links: [
        { name: "wan0", ipv6: true },
        { name: "lte0", dhcp: true, neverDefault: true, metered: true },
        // No gateway: wan0 stays the main table's only default route.
        { name: "mgmt0", gateway: false },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), "reconcile-e2e-"));
    policy = join(dir, "policy.yaml");
    writeFileSync(policy, POLICY, { mode: 0o600 });
  });
  afterAll(async () => {
    await rig?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCli(rig, ...args, "--policy", policy);
  const ipJson = async <T>(...args: string[]): Promise<T> => {
    const { stdout, exitCode, stderr } = await rig.hostExec(["ip", "-j", ...args]);
    if (exitCode !== 0) throw new Error(`ip ${args.join(" ")}: ${stderr}`);
    return JSON.parse(stdout) as T;
  };
  const kernel = async (): Promise<KernelView> => {
    const [endpoints, rules4, rules6, routes4, routes6] = await Promise.all([
      ipJson<IpEndpoint[]>("mptcp", "endpoint", "show"),
      ipJson<IpRule[]>("-4", "rule", "show"),
      ipJson<IpRule[]>("-6", "rule", "show"),
      ipJson<IpRoute[]>("-4", "route", "show", "table", "all"),
      ipJson<IpRoute[]>("-6", "route", "show", "table", "all"),
    ]);
    return { endpoints, rules: [...rules4, ...rules6], routes: [...routes4, ...routes6] };
  };
  const owned = (k: KernelView) => ({
    endpoints: k.endpoints.filter((e) => e.id >= 100 && e.id <= 199),
    rules: k.rules.filter((r) => r.protocol === PROTOCOL),
    routes: k.routes.filter((r) => r.protocol === PROTOCOL),
  });
  const mainRoutes = (k: KernelView) => k.routes.filter((r) => r.table === undefined);
  const link = (name: string) => rig.links[name]!;

  beforeEach(async () => {
    for (const name of Object.keys(rig.links)) if (!BASE_LINKS.includes(name)) await rig.removeLink(name);
    for (const e of await ipJson<IpEndpoint[]>("mptcp", "endpoint", "show")) {
      if (e.id < 100 || e.id > 199) await rig.hostExec(["ip", "mptcp", "endpoint", "delete", "id", String(e.id)]);
    }
    const flushed = await runCli(rig, "flush", "--policy", policy);
    expect(flushed.exitCode, flushed.stderr).toBe(0);
    const k = await kernel();
    expect(owned(k)).toEqual({ endpoints: [], rules: [], routes: [] });
    expect(k.endpoints).toEqual([]);
  });
  /** Applies the policy (checked) and returns what we then own. */
  const applyOwned = async () => {
    const run = await cli("apply");
    expect(run.exitCode, run.stderr).toBe(0);
    return owned(await kernel());
  };

  it("refuses a broken policy file with FILE:LINE:COL and changes nothing", async () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, POLICY.replace("flags: [subflow]", "flags: [subflw]"), { mode: 0o600 });
    const before = await kernel();
    const run = await runCli(rig, "apply", "--policy", broken);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`${broken}:5:\\d+: .*subflw`));
    expect(run.stdout).toBe("");
    expect(await kernel()).toEqual(before);
  });

  it("plan lists endpoint, route and rule adds for the managed links and nothing for the ignored one", async () => {
    const run = await cli("plan", "--json");
    expect(run.exitCode).toBe(0);
    const { operations, conflicts } = JSON.parse(run.stdout) as { operations: { op: string; command: string }[]; conflicts: unknown[] };
    expect(conflicts).toEqual([]);
    const commands = operations.map((o) => o.command);
    const wan = link("wan0");
    const lte = link("lte0");
    expect(commands).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^ip mptcp endpoint add ${lte.hostAddr4} id 1\\d\\d dev lte0 subflow backup$`)),
      expect.stringMatching(new RegExp(`^ip mptcp endpoint add ${wan.hostAddr4} id 1\\d\\d dev wan0 subflow$`)),
      expect.stringMatching(new RegExp(`^ip mptcp endpoint add ${wan.hostAddr6} id 1\\d\\d dev wan0 subflow$`)),
      expect.stringMatching(new RegExp(`^ip route add default via ${lte.peerAddr4} dev lte0 table 1\\d\\d\\d proto 203$`)),
      expect.stringMatching(new RegExp(`^ip route add default via ${wan.peerAddr4} dev wan0 table 1\\d\\d\\d proto 203$`)),
      expect.stringMatching(new RegExp(`^ip route add ::/0 via ${wan.peerAddr6} dev wan0 table 1\\d\\d\\d proto 203$`)),
      expect.stringMatching(new RegExp(`^ip rule add from ${lte.hostAddr4}/32 lookup 1\\d\\d\\d priority 5000 protocol 203$`)),
      expect.stringMatching(new RegExp(`^ip -6 rule add from ${wan.hostAddr6}/128 lookup 1\\d\\d\\d priority 5000 protocol 203$`)),
    ]));
    expect(commands.filter((c) => c.includes("mgmt0") || c.includes(link("mgmt0").hostAddr4!))).toEqual([]);
    // Nothing was changed by planning.
    expect(owned(await kernel())).toEqual({ endpoints: [], rules: [], routes: [] });
  });

  it("apply makes endpoints, a table per managed device with its gateway, and v4 and v6 source rules", async () => {
    const run = await cli("apply");
    const k = await kernel();
    const applied = owned(k);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines.some((l) => l.startsWith(`ip mptcp endpoint add ${link("lte0").hostAddr4} `) && l.includes("(rule metered)"))).toBe(true);

    const wan = link("wan0");
    const lte = link("lte0");
    expect(applied.endpoints.map(({ id: _id, ...e }) => e).sort((a, b) => a.address.localeCompare(b.address))).toEqual([
      { address: wan.hostAddr4, subflow: true, dev: "wan0" },
      { address: lte.hostAddr4, subflow: true, backup: true, dev: "lte0" },
      { address: wan.hostAddr6, subflow: true, dev: "wan0" },
    ].sort((a, b) => a.address!.localeCompare(b.address!)));

    const tableOf = (address: string) => {
      const rules = applied.rules.filter((r) => r.src === address);
      expect(rules, `one rule from ${address}`).toHaveLength(1);
      expect(rules[0]!.priority).toBe(PRIORITY);
      return rules[0]!.table;
    };
    const table = { wan0: tableOf(wan.hostAddr4!), lte0: tableOf(lte.hostAddr4!) };
    expect(tableOf(wan.hostAddr6!)).toBe(table.wan0);
    expect(table.wan0).not.toBe(table.lte0);
    for (const t of Object.values(table)) expect(Number(t)).toBeGreaterThanOrEqual(1000);

    const routesIn = (t: string) => applied.routes.filter((r) => r.table === t).map((r) => `${r.dst} ${r.gateway ?? "-"} ${r.dev}`).sort();
    const net = (address: string, prefix: number) => address.replace(/\.2$/, ".0").replace(/::2$/, "::") + `/${prefix}`;
    // lte0's gateway exists only in its DHCP lease: the table's default route proves the snapshot read it.
    expect(routesIn(table.lte0)).toEqual([`${net(lte.hostAddr4!, 24)} - lte0`, `default ${lte.peerAddr4} lte0`].sort());
    expect(routesIn(table.wan0)).toEqual([
      `${net(wan.hostAddr4!, 24)} - wan0`, `${net(wan.hostAddr6!, 64)} - wan0`,
      `default ${wan.peerAddr4} wan0`, `default ${wan.peerAddr6} wan0`,
    ].sort());

    const mgmt = link("mgmt0").hostAddr4!;
    expect(k.endpoints.filter((e) => e.address === mgmt || e.dev === "mgmt0")).toEqual([]);
    expect(k.rules.filter((r) => r.src === mgmt)).toEqual([]);
    expect(applied.routes.filter((r) => r.dev === "mgmt0")).toEqual([]);
    // never-default holds: lte0 has no default route in the main table.
    expect(mainRoutes(k).filter((r) => r.dst === "default").map((r) => r.dev)).toEqual(["wan0", "wan0"]);
  });

  it("a second plan is empty and a second apply changes nothing", async () => {
    const applied = await applyOwned();
    const plan = await cli("plan", "--json");
    expect(JSON.parse(plan.stdout)).toEqual({ operations: [], conflicts: [] });
    const again = await cli("apply");
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toBe("");
    expect(owned(await kernel())).toEqual(applied);
  });

  it("status reports each device's role and that it is in sync", async () => {
    await applyOwned();
    const run = await cli("status", "--json");
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as { inSync: boolean; warnings: string[]; devices: { interface: string; role: string; inSync: boolean; table?: number; endpoints: unknown[] }[] };
    const byName = Object.fromEntries(report.devices.map((d) => [d.interface, d]));
    expect(byName.wan0).toMatchObject({ role: "managed", inSync: true });
    expect(byName.wan0!.endpoints).toHaveLength(2);
    expect(byName.lte0).toMatchObject({ role: "managed", inSync: true, rule: "metered" });
    expect(byName.mgmt0).toMatchObject({ role: "ignored", inSync: true, endpoints: [] });
    expect(byName.mgmt0).not.toHaveProperty("table");
    expect(report).toMatchObject({ inSync: true, warnings: [] });
  });

  it("leaves a foreign endpoint on a managed address alone and reports the conflict", async () => {
    const applied = await applyOwned();
    const wan = link("wan0");
    const ours = applied.endpoints.find((e) => e.address === wan.hostAddr4)!;
    await rig.hostExec(["ip", "mptcp", "endpoint", "delete", "id", String(ours.id)]);
    const added = await rig.hostExec(["ip", "mptcp", "endpoint", "add", wan.hostAddr4!, "id", "5", "signal"]);
    expect(added.exitCode).toBe(0);
    const foreign = { address: wan.hostAddr4, id: 5, signal: true };

    const run = await cli("apply");
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/conflict: .*id 5/);
    const k = await kernel();
    expect(k.endpoints).toContainEqual(foreign);
    expect(k.endpoints.filter((e) => e.address === wan.hostAddr4)).toEqual([foreign]);

    const status = JSON.parse((await cli("status", "--json")).stdout) as { inSync: boolean; warnings: string[] };
    expect(status.inSync).toBe(false);
    expect(status.warnings.join("\n")).toContain(`${wan.hostAddr4} id 5`);
  });

  it("flush removes every owned object and leaves the foreign endpoint and the main table alone", async () => {
    expect((await applyOwned()).endpoints).toHaveLength(3);
    const mgmt = link("mgmt0").hostAddr4!; // on the ignored link: apply leaves it, flush must too
    expect((await rig.hostExec(["ip", "mptcp", "endpoint", "add", mgmt, "id", "5", "signal"])).exitCode).toBe(0);
    const before = await kernel();
    const run = await runCli(rig, "flush", "--policy", policy);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const after = await kernel();
    expect(owned(after)).toEqual({ endpoints: [], rules: [], routes: [] });
    expect(after.endpoints).toEqual([{ address: mgmt, id: 5, signal: true }]);
    expect(mainRoutes(after)).toEqual(mainRoutes(before));
    expect(after.rules).toEqual(before.rules.filter((r) => r.protocol !== PROTOCOL));
  });

  it("counts the ip processes one apply starts for 3 and for 16 links", async () => {
    const three = await runCliCountingIp(rig, "apply", "--policy", policy);
    expect(three.result.exitCode).toBe(0);
    console.info(`apply, 3 links: ${three.ipRuns.length} ip processes: ${three.ipRuns.join(" | ")}`);

    for (let i = 1; i <= 13; i++) await rig.addLink({ name: `wan${i}` });
    const sixteen = await runCliCountingIp(rig, "apply", "--policy", policy);
    const endpoints = await ipJson<IpEndpoint[]>("mptcp", "endpoint", "show");
    console.info(
      `apply, 16 links: ${sixteen.ipRuns.length} ip processes, exit ${sixteen.result.exitCode}, ` +
        `${endpoints.length} endpoints in the kernel; stderr:\n${sixteen.result.stderr}`,
    );
    expect(sixteen.ipRuns.length).toBe(three.ipRuns.length);
    // Every managed link gets its table and rule even where the kernel refuses more endpoints (8 at most).
    const rules = (await ipJson<IpRule[]>("-4", "rule", "show")).filter((r) => r.protocol === PROTOCOL);
    expect(rules).toHaveLength(15);
    expect(endpoints.length).toBe(8);
  });
});
