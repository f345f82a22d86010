// The Debian package installed the way users install it, on a booted Debian 13 (systemd, NetworkManager and
// its real nm-dispatcher): `apt install ./mptcp-policy_<version>_all.deb`, then what the service does with two
// links NetworkManager already manages, reload, the journal, the unit's exposure, the daemon-less mode through
// the dispatcher script, an upgrade, remove and purge. Steps depend on each other and run in order.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildPackage, packageVersion } from "../../packaging/build-deb.js";
import { describeNeeding } from "../rig/needs.js";
import { onExitOrSignal } from "../rig/exit-handlers.js";
import { startContainer, type Container } from "./container.js";
import { containerPrerequisites } from "./prereqs.js";
import { ensureRoot } from "./root.js";

const DEBS = "/debs";
const OWNED_IDS = [100, 199] as const;
const PROTOCOL = 203;
const POLICY = "/etc/mptcp-policy/policy.yaml";
const BROKEN_POLICY = "rules: [oops\n";
const EVENT_TIMEOUT_MS = 20_000;
// A dispatcher script that runs after ours (NetworkManager runs them in name order, one after the other):
// when it has written an event down, our script has finished with that event.
const MARKER_SCRIPT = "/etc/NetworkManager/dispatcher.d/99-test-marker";
const MARKER_LOG = "/run/test-dispatcher-events";
const DHCP_SERVER = fileURLToPath(new URL("../rig/dhcp_server.py", import.meta.url));
// Short, so that NetworkManager renews every few seconds: a changed router then reaches it as dhcp4-change.
const LEASE_SECONDS = "10";

interface Endpoint {
  address: string;
  id: number;
  dev?: string;
  subflow?: boolean;
  backup?: boolean;
  signal?: boolean;
}

// wan0 and lte0 exist before the package; wan1 comes after it. lte0 is what an LTE router looks like:
// never-default, metered, IPv4 by DHCP (its gateway known to NetworkManager only from the lease).
const LINKS = {
  wan0: { addr: "10.77.1.2", peer: "10.77.1.1" },
  lte0: { addr: "10.77.2.2", peer: "10.77.2.1" },
  lte0NewRouter: { addr: "10.77.2.2", peer: "10.77.2.3" },
  wan1: { addr: "10.77.3.2", peer: "10.77.3.1" },
};

describeNeeding(containerPrerequisites(), "the Debian package on a booted Debian 13 with NetworkManager", () => {
  let c: Container;
  let debDir: string;
  let removeDebDir = () => {};
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
  type LinkName = "wan0" | "lte0" | "wan1";
  const ipv4 = (name: LinkName) => ["ipv4.method", "manual", "ipv4.addresses", `${LINKS[name].addr}/24`, "ipv4.gateway", LINKS[name].peer];
  /** The profile first, so that NetworkManager activates it rather than a "Wired connection N" by DHCP. */
  const addLink = async (name: LinkName, profile: string[], beforeUp: () => Promise<void> = async () => {}) => {
    await c.run(["nmcli", "connection", "add", "type", "ethernet", "ifname", name, "con-name", name, "ipv6.method", "disabled", ...profile]);
    await c.addLink(name, [`${LINKS[name].peer}/24`]);
    await beforeUp();
    await c.waitFor(async () => (await c.run(["nmcli", "-g", "GENERAL.STATE", "device", "show", name])).startsWith("100"),
      EVENT_TIMEOUT_MS, `${name} activated`);
  };
  /** The link's source rule and its table's default route via the link's gateway. */
  const expectRoutedTable = async (name: keyof typeof LINKS) => {
    const link = LINKS[name];
    await c.waitFor(async () => (await ownedRules()).some((r: { src?: string }) => r.src === link.addr), EVENT_TIMEOUT_MS, `${name}'s source rule`);
    const rule = (await ownedRules()).find((r: { src?: string }) => r.src === link.addr);
    await c.waitFor(async () => JSON.parse(await c.run(["ip", "-j", "route", "show", "table", String(rule.table)]))
      .some((r: { dst: string; gateway?: string }) => r.dst === "default" && r.gateway === link.peer), EVENT_TIMEOUT_MS,
    `a default route via ${link.peer} in table ${rule.table}`);
  };
  let dhcp: ChildProcess | undefined;
  const startDhcp = async (router: string) => {
    dhcp?.kill();
    const server = c.spawnInPeer(["python3", "-u", DHCP_SERVER, "lte0p", LINKS.lte0.peer, LINKS.lte0.addr, "24", LEASE_SECONDS, router]);
    dhcp = server;
    let out = "";
    server.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    await c.waitFor(() => out.includes("ready"), EVENT_TIMEOUT_MS, "the DHCP server");
  };
  const dispatcherEvents = async () => (await c.exec(["cat", MARKER_LOG])).stdout;
  const withPolicy = async (text: string, fn: () => Promise<unknown>) => {
    await c.run(["mkdir", "-p", "/etc/mptcp-policy"]);
    c.writeFile(POLICY, text);
    try {
      await fn();
    } finally {
      await c.run(["rm", "-f", POLICY]);
    }
  };
  /** What the dispatcher script logged about failed applies (syslog tag mptcp-policy, as the daemon's). */
  const dispatcherFailures = async () => (await c.run(["journalctl", "--no-pager", "-o", "cat", "-t", "mptcp-policy"]))
    .split("\n").filter((l) => l.startsWith("dispatcher ("));
  const eventCount = async (iface: string, action: string) =>
    (await dispatcherEvents()).split("\n").filter((l) => l === `${iface} ${action}`).length;
  /** Runs the trigger, then waits until the marker script has seen `iface action` (so ours has run for it). */
  const dispatcherEvent = async (trigger: () => Promise<unknown>, iface: string, action: string) => {
    const before = await eventCount(iface, action);
    await trigger();
    await c.waitFor(async () => (await eventCount(iface, action)) > before, EVENT_TIMEOUT_MS,
      `nm-dispatcher to run the scripts for ${iface} ${action}`);
  };
  const nmcliEvent = (args: string[], iface: string, action: string) => dispatcherEvent(() => c.run(["nmcli", ...args]), iface, action);

  beforeAll(async () => {
    const t0 = Date.now();
    const root = await ensureRoot((line) => console.info(line));
    timings.rootBuild = root.builtMs;
    debDir = mkdtempSync(join(tmpdir(), "mpp-debs-"));
    const dir = debDir;
    removeDebDir = onExitOrSignal(() => rmSync(dir, { recursive: true, force: true }));
    const t1 = Date.now();
    await buildPackage({ outDir: debDir });
    await buildPackage({ outDir: debDir, version: newer });
    timings.packageBuild = Date.now() - t1;
    c = await startContainer({ root: root.dir, mounts: [{ host: debDir, dest: DEBS, mode: "ro" }] });
    timings.boot = c.bootMs;
    console.info(`container ${c.name} booted in ${c.bootMs} ms (${c.systemState}); setup ${Date.now() - t0} ms`);

    // Two links NetworkManager manages before the package exists (it makes its own endpoint on wan0).
    await addLink("wan0", ipv4("wan0"));
    await addLink("lte0", ["ipv4.method", "auto", "ipv4.never-default", "yes", "connection.metered", "yes"], () => startDhcp(LINKS.lte0.peer));
    c.writeFile(MARKER_SCRIPT, `#!/bin/sh\necho "$1 $2" >> ${MARKER_LOG}\n`, 0o755);
  }, 25 * 60_000);

  afterAll(async () => {
    await c?.stop();
    if (debDir) rmSync(debDir, { recursive: true, force: true });
    removeDebDir();
    console.info(`timings (ms): ${JSON.stringify(timings)}`);
  });

  it("NetworkManager made its own endpoint on wan0 before the package is installed", async () => {
    // NetworkManager 1.52 makes endpoints only for links with a default route: wan0, not the never-default lte0.
    await waitEndpoint(LINKS.wan0.addr, (e) => e !== undefined, "NetworkManager's endpoint");
    expect((await endpoints()).filter(owned)).toEqual([]);
  });

  it("apt install: the service is active", async () => {
    timings.install = await aptInstall(`mptcp-policy_${version}_all.deb`);
    await c.waitFor(async () => (await isActive()) === "active", EVENT_TIMEOUT_MS, "mptcp-policy.service to be active");
  });

  it("the metered link gets an owned backup endpoint, its source rule and its table", async () => {
    await waitEndpoint(LINKS.lte0.addr, (e) => !!e && owned(e) && !!e.subflow && !!e.backup, "lte0: owned backup endpoint");
    await expectRoutedTable("lte0");
  });

  it("the daemon and its resident ip processes run real-time FIFO at priority 1, as the unit says", async () => {
    const pid = (await c.run(["systemctl", "show", "--property=MainPID", "--value", "mptcp-policy"])).trim();
    const scheduling = async (select: string[]) =>
      (await c.run(["ps", "-o", "cls=,rtprio=,comm=", ...select])).trim().split("\n").map((l) => l.trim().split(/\s+/));
    expect((await scheduling(["-p", pid]))[0]!.slice(0, 2)).toEqual(["FF", "1"]);
    // The monitor, the two writers (started with the daemon) and the two readers (with its first read).
    const children = await scheduling(["--ppid", pid]);
    expect(children).toHaveLength(5);
    expect(children.filter(([cls, prio, comm]) => cls !== "FF" || prio !== "1" || comm !== "ip")).toEqual([]);
  });

  it("a plain link brought up after the install gets an owned subflow endpoint (none of NetworkManager's), rule and table", async () => {
    await addLink("wan1", ipv4("wan1"));
    await waitEndpoint(LINKS.wan1.addr, (e) => !!e && owned(e) && !!e.subflow && !e.backup, "wan1: owned subflow endpoint");
    await expectRoutedTable("wan1");
    expect((await endpoints()).filter((e) => e.address === LINKS.wan1.addr)).toHaveLength(1);
  });

  it("NetworkManager's pre-existing endpoint on wan0 is taken over: replaced by an owned one, policy in force", async () => {
    await waitEndpoint(LINKS.wan0.addr, (e) => !!e && owned(e) && !!e.subflow && !e.backup, "wan0: owned subflow endpoint");
    await expectRoutedTable("wan0");
    expect((await endpoints()).filter((e) => !owned(e))).toEqual([]);
  });

  it("systemctl reload: a good policy applies in place, a broken one keeps the last good and says why", async () => {
    const lteId = (await endpointOf(LINKS.lte0.addr))!.id;
    // Good: metered links become ordinary subflows (the flag flips in place: same id).
    const good = (await c.run(["cat", "/usr/share/mptcp-policy/default.yaml"])).replace(
      /(- name: metered\n(?:.*\n)*?\s+flags: )\[subflow, backup\]/, "$1[subflow]");
    expect(good).toContain("name: metered");
    await withPolicy(good, async () => {
      await c.run(["systemctl", "reload", "mptcp-policy"]);
      await waitEndpoint(LINKS.lte0.addr, (e) => !!e && !e.backup && e.id === lteId, "lte0 without backup, same id");

      c.writeFile(POLICY, `${good}\n${BROKEN_POLICY}`);
      await c.run(["systemctl", "reload", "mptcp-policy"]);
      await c.waitFor(async () => (await journal(["-p", "warning"])).includes(POLICY), EVENT_TIMEOUT_MS,
        "the broken policy's error in the journal at warning or above");
      console.info(`journalctl -p warning -u mptcp-policy:\n${(await journal(["-p", "warning"])).trim()}`);
      expect(await isActive()).toBe("active");
      expect(await endpointOf(LINKS.lte0.addr)).toMatchObject({ id: lteId, subflow: true });
      expect((await endpointOf(LINKS.lte0.addr))!.backup).toBeFalsy();
    });

    // Back to the shipped default.
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
    // A broken policy makes any apply by the script fail loudly ("dispatcher (...): apply failed"); the
    // running daemon does not re-read it.
    const before = (await dispatcherFailures()).length;
    await withPolicy(BROKEN_POLICY, () => nmcliEvent(["device", "reapply", "lte0"], "lte0", "reapply"));
    expect((await dispatcherFailures()).slice(before)).toEqual([]);
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

    // The lease's router changes: at the next renewal NetworkManager reports dhcp4-change, the dispatcher
    // runs the script and lte0's table follows to the new gateway.
    await c.peerExec(["ip", "addr", "add", `${LINKS.lte0NewRouter.peer}/24`, "dev", "lte0p"]);
    await dispatcherEvent(() => startDhcp(LINKS.lte0NewRouter.peer), "lte0", "dhcp4-change");
    await expectRoutedTable("lte0NewRouter");

    // The control for the previous test: without the daemon, the same event does run apply.
    const before = (await dispatcherFailures()).length;
    await withPolicy(BROKEN_POLICY, () => nmcliEvent(["device", "reapply", "lte0"], "lte0", "reapply"));
    expect((await dispatcherFailures()).slice(before).join("\n")).toContain("dispatcher (reapply lte0): apply failed");
    await c.run(["systemctl", "start", "mptcp-policy"]);
    await c.waitFor(async () => (await isActive()) === "active", EVENT_TIMEOUT_MS, "mptcp-policy.service active again");
  });

  it("an upgrade to a newer build keeps every endpoint with its id and flags", async () => {
    const before = (await endpoints()).sort((a, b) => a.id - b.id);
    expect(before.filter(owned).length).toBeGreaterThanOrEqual(2);
    timings.upgrade = await aptInstall(`mptcp-policy_${newer}_all.deb`);
    expect(await c.run(["dpkg-query", "-W", "-f=${Version}", "mptcp-policy"])).toBe(newer);
    await c.waitFor(async () => (await isActive()) === "active", EVENT_TIMEOUT_MS, "the upgraded service to be active");
    expect((await endpoints()).sort((a, b) => a.id - b.id)).toEqual(before);
  });

  it("apt remove leaves no owned endpoint, rule or route", async () => {
    const eventsBefore = (await dispatcherEvents()).split("\n").length;
    await c.run(["apt-get", "remove", "-y", "mptcp-policy"], { env: { DEBIAN_FRONTEND: "noninteractive" }, timeoutMs: 120_000 });
    // NetworkManager events during the removal (lte0's lease renews every few seconds) run the dispatcher script.
    console.info(`dispatcher events during apt remove: ${(await dispatcherEvents()).split("\n").slice(eventsBefore - 1).join(", ")}`);
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
