// IPv6 from router advertisements, end to end: an LTE-like link (never-default, metered, IPv4 by DHCP, IPv6
// by RA + DHCPv6, a /128 address, served by dnsmasq on the peer side) next to a primary link with IPv6. The
// daemon gives the RA link's table the advertised prefix and a default via the router the kernel learned
// (NetworkManager reports none for a never-default link), real IPv6 MPTCP traffic fails over to it, and the
// default route follows the router when it changes.
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertFreshBuild, spawnDaemon } from "../rig/cli.js";
import { describeRig } from "../rig/describe-rig.js";
import { startRig, type Rig } from "../rig/rig.js";
import { startTraffic, txBytes } from "../rig/traffic.js";

const PROTOCOL = "203";
const POLICY = `version: 1
rules:
  - name: wired
    match: { interface: "wan*" }
    endpoint: { flags: [subflow] }
  - name: lte
    match: { metered: true }
    endpoint: { flags: [subflow, backup] }
  - name: tether
    match: { interface: "usb*" }
    endpoint: { flags: [subflow, backup] }
`;
const MB = 1 << 20;
/**
 * A TCP connect from SRC to a closed port at DST, 1 s timeout: exit 0 when the peer's reset came back (the
 * path works both ways), 1 when nothing did. The SYN also makes the kernel resolve the next hop.
 */
const PROBE = `import socket, sys
s = socket.socket(socket.AF_INET6)
s.bind((sys.argv[1], 0))
s.settimeout(1)
try:
    s.connect((sys.argv[2], 9))
except ConnectionRefusedError:
    sys.exit(0)
except OSError:
    sys.exit(1)
`;

interface Route { dst: string; dev: string; gateway?: string; prefsrc?: string; table?: string }
interface Neighbour { dst: string; router?: null; state?: string[] }

describeRig("IPv6 from router advertisements", () => {
  let rig: Rig;
  let daemon: ChildProcess;
  let ownAddr6: string;
  let prefix: string;

  const json = async <T>(argv: string[], ns: "host" | "peer" = "host") =>
    JSON.parse((await (ns === "host" ? rig.hostExec(argv) : rig.peerExec(argv))).stdout || "[]") as T;
  /** A link's IPv6 routes in the tables we own. */
  const ownRoutes6 = (dev: string) => json<Route[]>(["ip", "-6", "-j", "route", "show", "table", "all", "proto", PROTOCOL, "dev", dev]);
  const lteRoutes6 = () => ownRoutes6("lte0");
  const lteDefault = async () => (await lteRoutes6()).find((r) => r.dst === "default")?.gateway;
  /** The peer end's link-local address: the router the link hears advertisements from. */
  const peerLinkLocal = async (dev = "lte0") => {
    const links = await json<{ addr_info: { local: string; scope: string }[] }[]>(["ip", "-6", "-j", "addr", "show", "dev", dev], "peer");
    return links[0]!.addr_info.find((a) => a.scope === "link")!.local;
  };
  const waitDefaultVia = (router: string, timeoutMs = 10_000, poke?: () => Promise<unknown>) =>
    rig.waitFor(async () => {
      await poke?.();
      return (await lteDefault()) === router;
    }, timeoutMs, `lte0's table to route IPv6 via ${router}`);

  beforeAll(async () => {
    assertFreshBuild();
    rig = await startRig({
      links: [{ name: "wan0", ipv6: true }, { name: "lte0", ra: true, neverDefault: true, metered: true }],
    });
    ownAddr6 = rig.links.lte0!.hostAddr6!;
    prefix = rig.links.lte0!.prefix6!;
    const policyFile = join(rig.dir, "policy.yaml");
    writeFileSync(policyFile, POLICY, { mode: 0o644 });
    daemon = spawnDaemon(rig, ["--policy", policyFile]);
    // DHCPv6 answers after NetworkManager reported the device activated (IPv4 was enough for that).
    await rig.waitFor(async () => {
      const addrs = await json<{ addr_info: { local: string }[] }[]>(["ip", "-6", "-j", "addr", "show", "dev", "lte0"]);
      return addrs[0]?.addr_info.some((a) => a.local === ownAddr6) === true;
    }, 20_000, `lte0 to get ${ownAddr6} by DHCPv6`);
  });
  afterAll(async () => {
    daemon?.kill("SIGTERM");
    await rig?.stop();
  });

  it("NetworkManager reports no IPv6 gateway; the kernel knows the router and the advertised prefix", async () => {
    expect((await rig.nmcli("-g", "IP6.GATEWAY", "device", "show", "lte0")).trim()).toBe("");
    const router = await peerLinkLocal();
    await rig.waitFor(async () => {
      const neighbours = await json<Neighbour[]>(["ip", "-6", "-j", "neigh", "show", "dev", "lte0"]);
      return neighbours.some((n) => n.dst === router && "router" in n);
    }, 10_000, `the kernel to flag ${router} as a router`);
    const main = await json<Route[]>(["ip", "-6", "-j", "route", "show", "table", "main", "proto", "ra"]);
    expect(main).toContainEqual(expect.objectContaining({ dst: prefix, dev: "lte0" }));
    expect(main.some((r) => r.dst === "default")).toBe(false);
  });

  it("the RA link's table holds the advertised prefix and a default via the router; a backup endpoint and a source rule", async () => {
    const router = await peerLinkLocal();
    await waitDefaultVia(router);
    const routes = await lteRoutes6();
    expect(routes).toContainEqual(expect.objectContaining({ dst: prefix, prefsrc: ownAddr6 }));
    const endpoints = await json<{ address: string; backup?: boolean; subflow?: boolean }[]>(["ip", "-j", "mptcp", "endpoint", "show"]);
    expect(endpoints.find((e) => e.address === ownAddr6)).toMatchObject({ subflow: true, backup: true });
    const rules = await json<{ src: string; table: string }[]>(["ip", "-6", "-j", "rule", "show"]);
    expect(rules.find((r) => r.src === ownAddr6)?.table).toBe(routes[0]!.table);
  });

  it("IPv6 MPTCP traffic leaves the RA link idle while the primary works and moves to it when the primary's carrier is cut", async () => {
    const idleRun = await startTraffic(rig, { seconds: 2, via: "wan0", to: rig.serverAddr6 });
    const idle = await idleRun.done;
    expect(idle.receivedBytes).toBe(idle.sentBytes);
    const total = idle.bytesPerLink.wan0! + idle.bytesPerLink.lte0!;
    console.info(`IPv6, wan0 up: lte0 ${idle.bytesPerLink.lte0} B of ${total} B`);
    expect(total).toBeGreaterThan(MB);
    expect(idle.bytesPerLink.lte0! / total).toBeLessThan(0.01);

    const run = await startTraffic(rig, { seconds: 4, via: "wan0", to: rig.serverAddr6 });
    // Cut once the transfer is under way on wan0, not after a fixed delay.
    const start = await txBytes(rig);
    await rig.waitFor(async () => (await txBytes(rig)).wan0! - start.wan0! > MB, 5_000, "the transfer to flow on wan0");
    const atCut = await txBytes(rig);
    await rig.cutCarrier("wan0");
    const cutAt = performance.now();
    await rig.waitFor(async () => (await txBytes(rig)).lte0! - atCut.lte0! > MB, 10_000, "lte0 to take over over IPv6");
    const takeoverMs = performance.now() - cutAt;
    const result = await run.done;
    const end = await txBytes(rig);
    console.info(
      `IPv6, wan0 cut: lte0 ${end.lte0! - atCut.lte0!} B after the cut (first MB within ${takeoverMs.toFixed(0)} ms), ` +
        `longest receive gap ${result.longestGapMs} ms`,
    );
    expect(result.receivedBytes).toBe(result.sentBytes);
    expect(end.lte0! - atCut.lte0!).toBeGreaterThan(MB);
    await rig.restoreCarrier("wan0");
  });

  it("follows the router: a new router is used at once, and one the kernel finds unreachable is dropped", async () => {
    // fe80::99 sorts below the EUI-64 address the peer had: the new router is the one to use at once.
    await rig.restartRouter("lte0", { linkLocal: "fe80::99" });
    await waitDefaultVia("fe80::99");
    // fe80::ffff:1 sorts above fe80::99, which is gone from the peer but still looks usable until traffic
    // towards it fails neighbour discovery (DELAY 5 s, then 3 probes): then the route moves.
    await rig.restartRouter("lte0", { linkLocal: "fe80::ffff:1" });
    const probe = () => rig.hostExec(["python3", "-c", PROBE, ownAddr6, rig.serverAddr6]);
    await waitDefaultVia("fe80::ffff:1", 30_000, probe);
    expect((await probe()).exitCode).toBe(0);
  }, 45_000);

  it("a SLAAC link that is not never-default follows NetworkManager's gateway, which honours a router lifetime of 0", async () => {
    // A tethered phone: SLAAC, default route allowed (higher metric than wan0's in the main table).
    await rig.addLink({ name: "usb0", ra: "slaac" });
    const router = await peerLinkLocal("usb0");
    const usbDefault = async () => (await ownRoutes6("usb0")).find((r) => r.dst === "default")?.gateway;
    await rig.waitFor(async () => (await usbDefault()) === router, 20_000, `usb0's table to route IPv6 via ${router}`);
    // NetworkManager 1.52 may publish the gateway after the kernel learned the router (our table's fallback).
    await expect.poll(async () => (await rig.nmcli("-g", "IP6.GATEWAY", "device", "show", "usb0")).trim().replaceAll("\\", ""),
      { timeout: 5_000, interval: 100 }).toBe(router);
    const usbPrefix = rig.links.usb0!.prefix6!;
    // The address the host formed in the advertised prefix: an endpoint, the prefix route's source.
    const slaac = await json<{ address: string; dev?: string }[]>(["ip", "-j", "mptcp", "endpoint", "show"]);
    const usbAddr = slaac.find((e) => e.dev === "usb0" && e.address.startsWith(usbPrefix.replace(/::\/64$/, ":")))?.address;
    expect(usbAddr).toBeDefined();
    expect(await ownRoutes6("usb0")).toContainEqual(expect.objectContaining({ dst: usbPrefix, prefsrc: usbAddr }));

    // The router says it is no default router any more: NetworkManager drops the gateway, and so do we,
    // although the kernel still flags the neighbour as a router.
    await rig.restartRouter("usb0", { routerLifetimeS: 0 });
    await rig.waitFor(async () => (await usbDefault()) === undefined, 20_000, "usb0's IPv6 default route to go");
    expect(await ownRoutes6("usb0")).toContainEqual(expect.objectContaining({ dst: usbPrefix }));
    const neighbours = await json<Neighbour[]>(["ip", "-6", "-j", "neigh", "show", "dev", "usb0"]);
    expect(neighbours.find((n) => n.dst === router)).toHaveProperty("router");
  }, 45_000);
}, { commands: ["dnsmasq"] });
