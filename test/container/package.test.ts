// The Debian package installed the way users install it, on a booted Debian 13 (systemd, NetworkManager and
// its real nm-dispatcher): `apt install ./mptcp-policy_<version>_all.deb`, then what the service does with two
// links NetworkManager already manages, reload, the journal, the unit's exposure, the daemon-less mode through
// the dispatcher script, an upgrade, remove and purge. Steps depend on each other and run in order.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildPackage, packageVersion } from "../../packaging/build-deb.js";
import { describeWhenReady } from "../rig/describe-rig.js";
import { startContainer, type Container } from "./container.js";
import { containerPrerequisites } from "./prereqs.js";
import { ensureRoot } from "./root.js";

const DEBS = "/debs";
const OWNED_IDS = [100, 199] as const;
const PROTOCOL = 203;
const POLICY = "/etc/mptcp-policy/policy.yaml";
const EVENT_TIMEOUT_MS = 20_000;
// A dispatcher script that runs after ours (NetworkManager runs them in name order, one after the other):
// when it has written an event down, our script has finished with that event.
const MARKER_SCRIPT = "/etc/NetworkManager/dispatcher.d/99-test-marker";
const MARKER_LOG = "/run/test-dispatcher-events";

interface Endpoint {
  address: string;
  id: number;
  dev?: string;
  subflow?: boolean;
  backup?: boolean;
  signal?: boolean;
}

const LINKS = {
  wan0: { addr: "10.77.1.2", peer: "10.77.1.1" },
  lte0: { addr: "10.77.2.2", peer: "10.77.2.1" },
};

describeWhenReady("the Debian package on a booted Debian 13 with NetworkManager", "booted container", containerPrerequisites(), () => {
  let c: Container;
  let debDir: string;
  const version = packageVersion();
  const newer = `${version}+upgrade1`;
  const timings: Record<string, number> = {};

  const endpoints = async (): Promise<Endpoint[]> => JSON.parse(await c.run(["ip", "-j", "mptcp", "endpoint", "show"]));
  const owned = (e: Endpoint) => e.id >= OWNED_IDS[0] && e.id <= OWNED_IDS[1];
  const endpointOf = async (addr: string) => (await endpoints()).find((e) => e.address === addr);
  const ownedRules = async () => {
    const rules = [...JSON.parse(await c.run(["ip", "-j", "rule", "show"])), ...JSON.parse(await c.run(["ip", "-j", "-6", "rule", "show"]))];
    return rules.filter((r: { protocol?: string }) => r.protocol === String(PROTOCOL));
  };
  const ownedRoutes = async () => {
    const routes = [...JSON.parse(await c.run(["ip", "-j", "route", "show", "table", "all"])),
      ...JSON.parse(await c.run(["ip", "-j", "-6", "route", "show", "table", "all"]))];
    return routes.filter((r: { protocol?: string }) => r.protocol === String(PROTOCOL));
  };
  const journal = (args: string[]) => c.run(["journalctl", "--no-pager", "-o", "cat", "-u", "mptcp-policy", ...args]);
  const isActive = async () => (await c.exec(["systemctl", "is-active", "mptcp-policy"])).stdout.trim();
  const waitEndpoint = (addr: string, want: (e: Endpoint | undefined) => boolean, what: string) =>
    c.waitFor(async () => want(await endpointOf(addr)), EVENT_TIMEOUT_MS, `${what} (${addr})`);
  const aptInstall = async (deb: string) => {
    const t0 = Date.now();
    await c.run(["apt-get", "install", "-y", "--no-install-recommends", `${DEBS}/${deb}`], { env: { DEBIAN_FRONTEND: "noninteractive" }, timeoutMs: 180_000 });
    return Date.now() - t0;
  };
  const dispatcherEvents = async () => (await c.exec(["cat", MARKER_LOG])).stdout;
  /** Runs nmcli, then waits until the marker script has seen `iface action` (so ours has run for it). */
  const nmcliEvent = async (args: string[], iface: string, action: string) => {
    const before = (await dispatcherEvents()).split("\n").filter((l) => l === `${iface} ${action}`).length;
    await c.run(["nmcli", ...args]);
    await c.waitFor(async () => (await dispatcherEvents()).split("\n").filter((l) => l === `${iface} ${action}`).length > before,
      EVENT_TIMEOUT_MS, `nm-dispatcher to run the scripts for ${iface} ${action}`);
  };

  beforeAll(async () => {
    const t0 = Date.now();
    const root = await ensureRoot((line) => console.info(line));
    timings.rootBuild = root.builtMs;
    debDir = mkdtempSync(join(tmpdir(), "mpp-debs-"));
    const t1 = Date.now();
    await buildPackage({ outDir: debDir });
    await buildPackage({ outDir: debDir, version: newer });
    timings.packageBuild = Date.now() - t1;
    c = await startContainer({ root: root.dir, mounts: [{ host: debDir, dest: DEBS, mode: "ro" }] });
    timings.boot = c.bootMs;
    console.info(`container ${c.name} booted in ${c.bootMs} ms (${c.systemState}); setup ${Date.now() - t0} ms`);

    // Two links NetworkManager manages before the package exists: it makes its own endpoints on them.
    for (const [name, link] of Object.entries(LINKS)) await c.addLink(name, [`${link.peer}/24`]);
    await c.run(["nmcli", "connection", "add", "type", "ethernet", "ifname", "wan0", "con-name", "wan0",
      "ipv4.method", "manual", "ipv4.addresses", `${LINKS.wan0.addr}/24`, "ipv4.gateway", LINKS.wan0.peer, "ipv6.method", "disabled"]);
    await c.run(["nmcli", "connection", "add", "type", "ethernet", "ifname", "lte0", "con-name", "lte0",
      "ipv4.method", "manual", "ipv4.addresses", `${LINKS.lte0.addr}/24`, "ipv4.gateway", LINKS.lte0.peer, "ipv4.never-default", "yes",
      "ipv6.method", "disabled", "connection.metered", "yes"]);
    await c.run(["nmcli", "connection", "up", "wan0"], { timeoutMs: 30_000 });
    await c.run(["nmcli", "connection", "up", "lte0"], { timeoutMs: 30_000 });
    c.writeFile(MARKER_SCRIPT, `#!/bin/sh\necho "$1 $2" >> ${MARKER_LOG}\n`, 0o755);
  }, 25 * 60_000);

  afterAll(async () => {
    await c?.stop();
    if (debDir) rmSync(debDir, { recursive: true, force: true });
    console.info(`timings (ms): ${JSON.stringify(timings)}`);
  });

  it("NetworkManager made its own endpoints before the package is installed", async () => {
    await waitEndpoint(LINKS.wan0.addr, (e) => e !== undefined, "NetworkManager's endpoint");
    await waitEndpoint(LINKS.lte0.addr, (e) => e !== undefined, "NetworkManager's endpoint");
    expect((await endpoints()).filter(owned)).toEqual([]);
  });

  it("apt install: the service is active and takes over NetworkManager's endpoints (policy in force, ids ours)", async () => {
    timings.install = await aptInstall(`mptcp-policy_${version}_all.deb`);
    await c.waitFor(async () => (await isActive()) === "active", EVENT_TIMEOUT_MS, "mptcp-policy.service to be active");
    await waitEndpoint(LINKS.wan0.addr, (e) => !!e && owned(e) && !!e.subflow && !e.backup, "wan0: owned subflow endpoint");
    await waitEndpoint(LINKS.lte0.addr, (e) => !!e && owned(e) && !!e.subflow && !!e.backup, "lte0: owned backup endpoint");
    // No endpoint of NetworkManager's is left beside ours.
    expect((await endpoints()).filter((e) => !owned(e))).toEqual([]);
  });

  it("each link has its source rule and its table with a default route via its gateway", async () => {
    await c.waitFor(async () => (await ownedRules()).length >= 2, EVENT_TIMEOUT_MS, "the two source rules");
    const rules = await ownedRules();
    for (const link of Object.values(LINKS)) {
      const rule = rules.find((r: { src?: string }) => r.src === link.addr);
      expect(rule, `rule from ${link.addr}`).toBeDefined();
      const table = await c.run(["ip", "-j", "route", "show", "table", String(rule.table)]);
      expect(JSON.parse(table)).toContainEqual(expect.objectContaining({ dst: "default", gateway: link.peer }));
    }
  });

  it("systemctl reload: a good policy applies in place, a broken one keeps the last good and says why", async () => {
    const lteId = (await endpointOf(LINKS.lte0.addr))!.id;
    await c.run(["mkdir", "-p", "/etc/mptcp-policy"]);
    // Good: metered links become ordinary subflows (the flag flips in place: same id).
    const good = (await c.run(["cat", "/usr/share/mptcp-policy/default.yaml"])).replace(
      /(- name: metered\n(?:.*\n)*?\s+flags: )\[subflow, backup\]/, "$1[subflow]");
    expect(good).toContain("name: metered");
    c.writeFile(POLICY, good);
    await c.run(["systemctl", "reload", "mptcp-policy"]);
    await waitEndpoint(LINKS.lte0.addr, (e) => !!e && !e.backup && e.id === lteId, "lte0 without backup, same id");

    c.writeFile(POLICY, `${good}\nrules: [oops\n`);
    await c.run(["systemctl", "reload", "mptcp-policy"]);
    await c.waitFor(async () => (await journal(["-p", "warning"])).includes(POLICY), EVENT_TIMEOUT_MS,
      "the broken policy's error in the journal at warning or above");
    const errors = await journal(["-p", "warning"]);
    console.info(`journalctl -p warning -u mptcp-policy:\n${errors.trim()}`);
    expect(await isActive()).toBe("active");
    expect(await endpointOf(LINKS.lte0.addr)).toMatchObject({ id: lteId, subflow: true });
    expect((await endpointOf(LINKS.lte0.addr))!.backup).toBeFalsy();

    // Back to the shipped default.
    await c.run(["rm", POLICY]);
    await c.run(["systemctl", "reload", "mptcp-policy"]);
    await waitEndpoint(LINKS.lte0.addr, (e) => !!e && !!e.backup && e.id === lteId, "lte0 backup again, same id");
  });

  it("systemd-analyze security: exposure at most 2.0", async () => {
    const out = await c.exec(["systemd-analyze", "security", "--no-pager", "mptcp-policy.service"]);
    const m = /Overall exposure level for mptcp-policy\.service:\s*([\d.]+)/.exec(out.stdout);
    expect(m, out.stdout.slice(-500) + out.stderr).not.toBeNull();
    console.info(`exposure: ${m![1]}`);
    expect(Number(m![1])).toBeLessThanOrEqual(2.0);
  });

  it("with the service running, the dispatcher script does nothing", async () => {
    // A broken policy makes any apply fail loudly (the script logs "apply failed"); the daemon does not re-read it.
    c.writeFile(POLICY, "rules: [oops\n");
    await nmcliEvent(["device", "reapply", "lte0"], "lte0", "reapply");
    expect(await c.run(["journalctl", "--no-pager", "-o", "cat", "-t", "mptcp-policy"]).catch(() => "")).not.toContain("apply failed");
    await c.run(["rm", POLICY]);
  });

  it("service stopped: the real nm-dispatcher runs the script on down and up, and the kernel follows", async () => {
    await c.run(["systemctl", "stop", "mptcp-policy"]);
    const kept = await endpointOf(LINKS.lte0.addr);
    expect(kept && owned(kept)).toBe(true); // a stop leaves the kernel state

    await nmcliEvent(["connection", "down", "lte0"], "lte0", "down");
    await waitEndpoint(LINKS.lte0.addr, (e) => e === undefined, "lte0's endpoint gone after down");
    expect((await ownedRules()).some((r: { src?: string }) => r.src === LINKS.lte0.addr)).toBe(false);

    await nmcliEvent(["connection", "up", "lte0"], "lte0", "up");
    await waitEndpoint(LINKS.lte0.addr, (e) => !!e && owned(e) && !!e.backup, "lte0's backup endpoint back after up");
    expect((await ownedRules()).some((r: { src?: string }) => r.src === LINKS.lte0.addr)).toBe(true);

    // The control for the previous test: without the daemon, the same event does run apply.
    c.writeFile(POLICY, "rules: [oops\n");
    await nmcliEvent(["device", "reapply", "lte0"], "lte0", "reapply");
    expect(await c.run(["journalctl", "--no-pager", "-o", "cat", "-t", "mptcp-policy"])).toContain("apply failed");
    await c.run(["rm", POLICY]);
    await c.run(["systemctl", "start", "mptcp-policy"]);
    await c.waitFor(async () => (await isActive()) === "active", EVENT_TIMEOUT_MS, "mptcp-policy.service active again");
  });

  it("an upgrade to a newer build keeps every endpoint with its id and flags", async () => {
    const before = (await endpoints()).sort((a, b) => a.id - b.id);
    expect(before.filter(owned)).toHaveLength(2);
    timings.upgrade = await aptInstall(`mptcp-policy_${newer}_all.deb`);
    expect(await c.run(["dpkg-query", "-W", "-f=${Version}", "mptcp-policy"])).toBe(newer);
    await c.waitFor(async () => (await isActive()) === "active", EVENT_TIMEOUT_MS, "the upgraded service to be active");
    expect((await endpoints()).sort((a, b) => a.id - b.id)).toEqual(before);
  });

  it("apt remove leaves no owned endpoint, rule or route", async () => {
    await c.run(["apt-get", "remove", "-y", "mptcp-policy"], { env: { DEBIAN_FRONTEND: "noninteractive" }, timeoutMs: 120_000 });
    expect((await endpoints()).filter(owned)).toEqual([]);
    expect(await ownedRules()).toEqual([]);
    expect(await ownedRoutes()).toEqual([]);
  });

  it("apt purge leaves no file of the package", async () => {
    await c.run(["apt-get", "purge", "-y", "mptcp-policy"], { env: { DEBIAN_FRONTEND: "noninteractive" }, timeoutMs: 120_000 });
    expect((await c.exec(["dpkg-query", "-W", "mptcp-policy"])).exitCode).not.toBe(0);
    // Anything named for the package anywhere (the program, the unit and its enablement links, the drop-ins,
    // /etc/mptcp-policy, /run/mptcp-policy, dpkg's records), outside the folder the packages came from.
    const left = await c.run(["find", "/", "(", "-path", "/proc", "-o", "-path", "/sys", "-o", "-path", DEBS, ")", "-prune",
      "-o", "-name", "*mptcp-policy*", "-print"]);
    expect(left.trim()).toBe("");
  });
});
