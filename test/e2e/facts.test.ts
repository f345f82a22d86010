// Decide only on known facts, follow every fact live: the daemon against a real NetworkManager while an
// endpoint sampler (test/rig/endpoint_sampler.py, a generic-netlink dump every ~0.5 ms) records every
// endpoint list the kernel holds. Policy as in the field report: metered → backup, veth → full subflow,
// so a metered link seen half-known would show up as a full subflow; a first rule on the connection id
// shows that fact followed live too.
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertFreshBuild, spawnDaemon } from "../rig/cli.js";
import { describeRig } from "../rig/describe-rig.js";
import { jsonLines } from "../rig/exec.js";
import { startRig, type Rig } from "../rig/rig.js";

const POLICY = `version: 1
rules:
  - name: spare
    match: { connection: "spare-*" }
    endpoint: { flags: [subflow, backup] }
  - name: metered
    match: { metered: true }
    endpoint: { flags: [subflow, backup] }
  - name: wired
    match: { type: [veth] }
    endpoint: { flags: [subflow] }
`;
const SAMPLER = fileURLToPath(new URL("../rig/endpoint_sampler.py", import.meta.url));
const DHCP_SERVER = fileURLToPath(new URL("../rig/dhcp_server.py", import.meta.url));

interface Endpoint { id: number; address: string; flags: string[] }
interface Sample { t: number; endpoints: Endpoint[] }
interface LogLine { level: number; msg: string; reasons?: string[]; held?: number; op?: string }

/** The sampler's stream of distinct endpoint lists, from its first sample until stop(). */
interface Sampler {
  samples: Sample[];
  /** IPv4 addresses the kernel added or removed meanwhile, in order. */
  addressEvents: { t: number; addr: "add" | "del"; address: string }[];
  stop(): Promise<{ samples: number; maxGapUs: number }>;
}

const show = (list: Endpoint[]) => list.map((e) => `${e.id} ${e.address} ${e.flags.join(",")}`).join("; ") || "(none)";

describeRig("facts: known facts only, followed live", () => {
  let rig: Rig;
  let daemon: ChildProcess | undefined;
  let policyFile: string;
  const log: LogLine[] = [];
  const addr = (link: string) => rig.links[link]!.hostAddr4!;

  const startDaemon = async () => {
    daemon = spawnDaemon<LogLine>(rig, ["--policy", policyFile, "--log-level", "debug", "--resync-interval", "0"], (line) => log.push(line));
    const from = log.length;
    await rig.waitFor(() => log.slice(from).some((l) => l.msg === "started"), 10_000, "the daemon to start");
  };
  const stopDaemon = async () => {
    const child = daemon;
    daemon = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };

  const startSampler = async (): Promise<Sampler> => {
    const child = rig.spawnInHost(["python3", "-u", SAMPLER], { stdio: ["ignore", "pipe", "inherit"] });
    const samples: Sample[] = [];
    const addressEvents: Sampler["addressEvents"] = [];
    let summary: { samples: number; maxGapUs: number } | undefined;
    let ready = false;
    type Line = Sample & Sampler["addressEvents"][number] & { ready?: boolean; samples: number; maxGapUs?: number };
    jsonLines<Line>(child, (line) => {
      if (line.ready) ready = true;
      else if (line.maxGapUs !== undefined) summary = { samples: line.samples, maxGapUs: line.maxGapUs };
      else if (line.addr) addressEvents.push({ t: line.t, addr: line.addr, address: line.address });
      else samples.push({ t: line.t, endpoints: line.endpoints });
    });
    await rig.waitFor(() => ready && samples.length > 0, 5_000, "the endpoint sampler's first sample");
    return {
      samples,
      addressEvents,
      async stop() {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
        if (!summary) throw new Error("the sampler printed no summary");
        return summary;
      },
    };
  };
  const latest = (s: Sampler) => s.samples.at(-1)!.endpoints;
  const endpointOf = (list: Endpoint[], link: string) => list.find((e) => e.address === addr(link));

  /** wan0 a full subflow, lte0 a backup subflow, nothing else. */
  const steady = (list: Endpoint[]) =>
    list.length === 2 &&
    endpointOf(list, "wan0")?.flags.join(",") === "subflow" &&
    endpointOf(list, "lte0")?.flags.join(",") === "subflow,backup";

  beforeAll(async () => {
    // The daemon runs from dist/, which `npm test` builds first (the Debian 13 container has no npm to build with).
    assertFreshBuild();
    rig = await startRig({
      links: [
        { name: "wan0" },
        { name: "lte0", neverDefault: true, metered: true },
        { name: "mob0", neverDefault: true, metered: true, up: false },
      ],
    });
    console.info(`rig ${rig.name}`);
    policyFile = join(rig.dir, "policy.yaml");
    writeFileSync(policyFile, POLICY, { mode: 0o644 });
    await startDaemon();
  }, 180_000);
  afterAll(async () => {
    daemon?.kill("SIGKILL");
    await rig?.stop();
  });

  it("five NetworkManager restarts change nothing in the kernel, not for one sample", async () => {
    const sampler = await startSampler();
    await rig.waitFor(() => steady(latest(sampler)), 5_000, "wan0 subflow and lte0 backup");
    const before = sampler.samples.length;
    const logFrom = log.length;
    let heldSeen = 0;
    for (let i = 0; i < 5; i++) {
      const from = log.length;
      await rig.restartNetworkManager();
      // The event under test: the daemon has read the new NetworkManager in full and then reconciled with
      // every device's facts known again (a full read may still show them re-assumed and held).
      await rig.waitFor(() => {
        const since = log.slice(from);
        const full = since.findIndex((l) => l.msg === "read NetworkManager in full");
        return full >= 0 && since.slice(full).some((l) => l.msg === "reconciled" && l.held === 0);
      }, 10_000, `the daemon to reconcile after restart ${i + 1} with every fact known`);
      heldSeen += log.slice(from).some((l) => l.msg === "reconciled" && l.held! > 0) ? 1 : 0;
    }
    const { samples, maxGapUs } = await sampler.stop();
    console.info(
      `5 restarts: ${samples} endpoint dumps, longest gap ${(maxGapUs / 1000).toFixed(1)} ms; ` +
        `${heldSeen} restart(s) showed the daemon re-assumed devices it held`,
    );
    const changes = sampler.samples.slice(before).map((s) => show(s.endpoints));
    expect(changes).toEqual([]);
    expect(steady(latest(sampler))).toBe(true);
    expect(log.slice(logFrom).filter((l) => l.op !== undefined)).toEqual([]);
  });

  it("a metered link brought up 20 times never has its endpoint without backup", async () => {
    const sampler = await startSampler();
    const lte = addr("lte0");
    const has = (list: Endpoint[]) => list.some((e) => e.address === lte);
    for (let i = 0; i < 20; i++) {
      await rig.connDown("lte0");
      await rig.waitFor(() => !has(latest(sampler)), 5_000, `lte0's endpoint to go (round ${i + 1})`);
      await rig.connUp("lte0");
      await rig.waitFor(() => has(latest(sampler)), 5_000, `lte0's endpoint to come back (round ${i + 1})`);
    }
    const { samples } = await sampler.stop();
    const seen = sampler.samples.map((s) => s.endpoints.find((e) => e.address === lte)).filter((e) => e !== undefined);
    // How long the endpoint waits for NetworkManager to report Metered after the address is in the kernel.
    const waits = sampler.addressEvents
      .filter((a) => a.addr === "add" && a.address === lte)
      .flatMap((a) => {
        const appeared = sampler.samples.find((s) => s.t >= a.t && endpointOf(s.endpoints, "lte0"));
        return appeared ? [(appeared.t - a.t) / 1e6] : [];
      })
      .sort((a, b) => a - b);
    console.info(
      `20 × con down/up: ${samples} dumps, ${seen.length} distinct lists with lte0's endpoint; address → backup ` +
        `endpoint p50 ${waits[waits.length >> 1]?.toFixed(1)} ms, max ${waits.at(-1)?.toFixed(1)} ms (n=${waits.length})`,
    );
    expect(seen.length).toBeGreaterThanOrEqual(20);
    expect(seen.filter((e) => !e.flags.includes("backup"))).toEqual([]);
  });

  it("daemon started while a metered link activates: backup from the first endpoint, no link change needed", async () => {
    await stopDaemon();
    // mob0 (metered, never-default) by DHCP with no server yet: NetworkManager activates it and waits in
    // IP_CONFIG for a lease. The daemon starts in that window; the server only once the daemon runs.
    await rig.nmcli("connection", "modify", "mob0", "ipv4.method", "auto", "ipv4.addresses", "", "ipv4.gateway", "");
    const sampler = await startSampler();
    const up = rig.connUp("mob0");
    await rig.waitDeviceState("mob0", 70, 5_000);
    await startDaemon();
    const stateAtStart = await rig.deviceState("mob0");
    const { peerAddr4, hostAddr4, prefix4 } = rig.links.mob0!;
    const server = rig.spawnInPeer(["python3", "-u", DHCP_SERVER, "mob0", peerAddr4!, hostAddr4!, String(prefix4)], { stdio: "ignore" });
    try {
      await up;
      await rig.waitFor(() => endpointOf(latest(sampler), "mob0") !== undefined, 10_000, "mob0's endpoint");
      await sampler.stop();
    } finally {
      server.kill();
    }
    expect(stateAtStart).toBe(70);
    const seen = sampler.samples.map((s) => endpointOf(s.endpoints, "mob0")).filter((e) => e !== undefined);
    expect(seen.map((e) => e.flags.join(","))).toEqual(["subflow,backup"]);
    await rig.connDown("mob0");
  });

  it.each([
    { from: "yes", to: "no", flags: "subflow" },
    { from: "no", to: "yes", flags: "subflow,backup" },
  ])("metered $from → $to on the active connection: the flag follows in place within a second", async ({ to, flags }) => {
    const sampler = await startSampler();
    const before = endpointOf(latest(sampler), "lte0");
    expect(before).toBeDefined();
    // NetworkManager 1.42 sometimes reports the new Metered on the modify already, before the reapply.
    const t0 = process.hrtime.bigint();
    await rig.nmcli("connection", "modify", "lte0", "connection.metered", to);
    await rig.nmcli("device", "reapply", "lte0");
    await rig.waitFor(() => endpointOf(latest(sampler), "lte0")?.flags.join(",") === flags, 5_000, `lte0's endpoint to be ${flags}`);
    await sampler.stop();
    const changed = sampler.samples.find((s) => endpointOf(s.endpoints, "lte0")?.flags.join(",") === flags)!;
    const ms = Number(BigInt(changed.t) - t0) / 1e6;
    console.info(`metered ${to}: flag followed ${ms.toFixed(1)} ms after the modify started`);
    expect(ms).toBeLessThan(1_000);
    // In place: every list the sampler saw holds lte0's endpoint with the same id.
    expect(sampler.samples.map((s) => endpointOf(s.endpoints, "lte0")?.id)).toEqual(sampler.samples.map(() => before!.id));
  });

  it("renaming the active connection (con mod + reapply) moves its endpoint to the rule for the new id, in place", async () => {
    const sampler = await startSampler();
    const before = endpointOf(latest(sampler), "wan0");
    expect(before?.flags).toEqual(["subflow"]);
    try {
      await rig.nmcli("connection", "modify", "wan0", "connection.id", "spare-wan0");
      await rig.nmcli("device", "reapply", "wan0");
      await rig.waitFor(() => endpointOf(latest(sampler), "wan0")?.flags.join(",") === "subflow,backup", 5_000, "wan0's endpoint to be a backup");
    } finally {
      await rig.nmcli("connection", "modify", "spare-wan0", "connection.id", "wan0");
      await rig.nmcli("device", "reapply", "wan0");
    }
    await rig.waitFor(() => endpointOf(latest(sampler), "wan0")?.flags.join(",") === "subflow", 5_000, "wan0's endpoint to be a full subflow again");
    await sampler.stop();
    expect(sampler.samples.map((s) => endpointOf(s.endpoints, "wan0")?.id)).toEqual(sampler.samples.map(() => before!.id));
  });
});
