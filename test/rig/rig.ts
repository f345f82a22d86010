// A real NetworkManager and kernel MPTCP in two network namespaces, built from
// /work/shared/notes/real-networkmanager-in-a-namespace.md: NAME-h holds NetworkManager (and whatever the
// test runs there), NAME-p the peers (gateways, traffic sink), one veth pair per link.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { chmodSync, mkdirSync, openSync, readFileSync, writeFileSync, closeSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectNmBus, NM_PATH, type NmBus } from "../../src/nm/bus.js";
import {
  busConf, keyfile, linkAddresses, networkManagerArgv, networkManagerConf, startScript,
  type LinkAddresses, type LinkSpec,
} from "./config.js";
import { exec, run, type ExecOptions, type ExecResult } from "./exec.js";
import { onExitOrSignal } from "./exit-handlers.js";
import {
  claimRigDir, claimSubnet, isAlive, processRecord, rigDir, teardownSync, writeState, type RigState,
} from "./state.js";

export type { LinkSpec, LinkAddresses } from "./config.js";
export type { ExecResult } from "./exec.js";

export interface Rig {
  name: string;
  hostNs: string;
  peerNs: string;
  dir: string;
  /** unix:path=... of the rig's private system bus. */
  busAddress: string;
  /** process.env + DBUS_SYSTEM_BUS_ADDRESS, for children run in the host namespace. */
  env: NodeJS.ProcessEnv;
  /** 10.X.0.0/16, fd00:X::/32 and 2001:db8:X::/48 belong to this rig. */
  subnet: number;
  /**
   * A global IPv6 address on the peer namespace's loopback, reachable over every link: a far end that
   * survives a cut link (a peer end set down loses the local route of its own IPv6 addresses, unlike IPv4).
   */
  serverAddr6: string;
  links: Record<string, LinkAddresses>;
  hostExec(argv: string[], opts?: Omit<ExecOptions, "env">): Promise<ExecResult>;
  peerExec(argv: string[], opts?: Omit<ExecOptions, "env">): Promise<ExecResult>;
  /** Long-running processes (daemon, traffic); killed by stop() if still running. */
  spawnInHost(argv: string[], opts?: SpawnOptions): ChildProcess;
  spawnInPeer(argv: string[], opts?: SpawnOptions): ChildProcess;
  nmcli(...args: string[]): Promise<string>;
  addLink(spec: LinkSpec): Promise<void>;
  removeLink(name: string): Promise<void>;
  connUp(name: string): Promise<void>;
  connDown(name: string): Promise<void>;
  /** Sets the peer end down: the host end loses carrier (NetworkManager waits ~6 s, then drops the address). */
  cutCarrier(name: string): Promise<void>;
  restoreCarrier(name: string): Promise<void>;
  /**
   * Restarts an `ra` link's dnsmasq: with `routerLifetimeS` its advertisements say so (0: not a default
   * router); with `linkLocal` the peer end first trades its link-local address for that one, so the host
   * learns a new router.
   */
  restartRouter(name: string, opts?: { linkLocal?: string; routerLifetimeS?: number }): Promise<void>;
  /** NMDeviceState of the device, or undefined when NetworkManager does not know it. */
  deviceState(name: string): Promise<number | undefined>;
  waitDeviceState(name: string, state: number, timeoutMs?: number): Promise<void>;
  waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs?: number, what?: string): Promise<void>;
  restartNetworkManager(): Promise<void>;
  /** Idempotent: kills the rig's processes by recorded pid, deletes both namespaces and the folder. */
  stop(): Promise<void>;
}

export interface RigOptions {
  /** Short and unique; namespaces are NAME-h and NAME-p. Default: "mpt" + 4 random hex digits. */
  name?: string;
  links: LinkSpec[];
  /** NetworkManager's configured default for connection.mptcp-flags (networkManagerConf); null: none. */
  nmMptcpDefault?: number | null;
}

const ACTIVATED = 100;

export function rigName(prefix = "mpt"): string {
  return prefix + randomBytes(2).toString("hex");
}

// Rigs of this process, torn down synchronously if the process exits or is interrupted.
const liveRigs = new Map<string, RigState>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  onExitOrSignal(() => {
    for (const state of liveRigs.values()) teardownSync(state);
    liveRigs.clear();
  });
}

export async function startRig(opts: RigOptions): Promise<Rig> {
  const name = opts.name ?? rigName();
  if (!/^[a-z][a-z0-9]{1,11}$/.test(name)) throw new Error(`rig name "${name}": 2-12 lowercase letters and digits`);
  installExitHandlers();
  const state = claimRigDir(name);
  liveRigs.set(name, state);
  try {
    return await buildRig(state, opts.links, opts.nmMptcpDefault);
  } catch (error) {
    const log = tail(join(rigDir(name), "nm.log"));
    liveRigs.delete(name);
    teardownSync(state);
    throw log ? new Error(`${(error as Error).message}\n--- NetworkManager log (tail) ---\n${log}`) : error;
  }
}

async function buildRig(state: RigState, specs: LinkSpec[], nmMptcpDefault?: number | null): Promise<Rig> {
  const { name } = state;
  const dir = rigDir(name);
  const hostNs = `${name}-h`;
  const peerNs = `${name}-p`;
  const subnet = claimSubnet(state);
  const busAddress = `unix:path=${dir}/bus`;
  const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress };
  const links: Record<string, LinkAddresses> = {};
  const uuids = new Map<string, string>();
  const dhcpServers = new Map<string, ChildProcess>();
  const routerLifetimes = new Map<string, number>();
  let nextLink = 1;
  const record = (pid: number, what: string) => {
    state.processes.push(processRecord(pid, what));
    writeState(state);
  };

  for (const sub of ["connections", "conf.d", "nm-run", "nm-lib"]) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "NetworkManager.conf"), networkManagerConf(dir, nmMptcpDefault));
  writeFileSync(join(dir, "bus.conf"), busConf(dir));
  writeFileSync(join(dir, "start-nm.sh"), startScript(dir));

  const busPid = Number(await run(["dbus-daemon", `--config-file=${dir}/bus.conf`, "--fork", "--print-pid"]));
  record(busPid, "dbus-daemon");

  state.namespaces.push(hostNs, peerNs);
  writeState(state);
  await run(["ip", "netns", "add", hostNs]);
  await run(["ip", "netns", "add", peerNs]);
  await Promise.all([
    // arp_ignore=1: else the peer answers ARP for any of its addresses on any link and a subflow "works"
    // without the per-interface table and rule. No DAD on either side: IPv6 addresses usable at once (a
    // router advertisement must come from a link-local address that is no longer tentative).
    run(["ip", "netns", "exec", peerNs, "sysctl", "-q", "-w",
      "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.default.arp_ignore=1",
      "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]),
    run(["ip", "netns", "exec", hostNs, "sysctl", "-q", "-w",
      "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]),
    run(["ip", "-n", hostNs, "link", "set", "lo", "up"]),
    run(["ip", "-n", peerNs, "link", "set", "lo", "up"]),
  ]);
  const serverAddr6 = `2001:db8:${subnet}:ffff::1`;
  await run(["ip", "-n", peerNs, "addr", "add", `${serverAddr6}/128`, "dev", "lo"]);

  /** veth pair + peer end configured; the host end is left to NetworkManager and the profile. */
  const createLink = async (spec: LinkSpec): Promise<LinkAddresses> => {
    if (links[spec.name]) throw new Error(`link ${spec.name} exists`);
    const addrs = linkAddresses(spec, subnet, nextLink++);
    const uuid = randomUUID();
    const file = join(dir, "connections", `${spec.name}.nmconnection`);
    writeFileSync(file, keyfile(spec, addrs, uuid), { mode: 0o600 });
    chmodSync(file, 0o600); // NetworkManager ignores keyfiles others can read
    uuids.set(spec.name, uuid);
    await run(["ip", "-n", hostNs, "link", "add", spec.name, "type", "veth", "peer", "name", spec.name, "netns", peerNs]);
    const peerLines = [
      ...(addrs.peerAddr4 ? [`addr add ${addrs.peerAddr4}/${addrs.prefix4} dev ${spec.name}`] : []),
      ...(addrs.peerAddr6 ? [`addr add ${addrs.peerAddr6}/64 dev ${spec.name} nodad`] : []),
      `link set ${spec.name} up`,
    ];
    await run(["ip", "-n", peerNs, "-batch", "-"], { input: peerLines.join("\n") + "\n" });
    if (spec.ra) {
      // A router answers neighbour solicitations with the router flag; a host peer's answer would clear the
      // flag the kernel set from the advertisement.
      await run(["ip", "netns", "exec", peerNs, "sysctl", "-q", "-w", `net.ipv6.conf.${spec.name}.forwarding=1`]);
      const onPid = (pid: number) => record(pid, `dnsmasq ${spec.name}`);
      dhcpServers.set(spec.name, await startDnsmasq(peerNs, dir, addrs, routerLifetimes.get(spec.name), onPid));
    } else if (spec.dhcp && addrs.hostAddr4 && addrs.peerAddr4) {
      const server = await startDhcpServer(peerNs, spec.name, addrs, (pid) => record(pid, `dhcp ${spec.name}`));
      dhcpServers.set(spec.name, server);
    }
    await run(["ip", "-n", hostNs, "link", "set", spec.name, "up"]);
    links[spec.name] = addrs;
    return addrs;
  };

  for (const spec of specs) await createLink(spec);

  let nmExit: string | undefined;
  let nmChild: ChildProcess | undefined;
  const startNm = (argv: string[]) => {
    const log = openSync(join(dir, "nm.log"), "a");
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ["ignore", log, log] });
    closeSync(log);
    nmExit = undefined;
    nmChild = child;
    child.once("exit", (code, sig) => {
      if (nmChild === child) nmExit = `NetworkManager exited (${sig ?? code})`;
    });
    record(child.pid!, "NetworkManager");
  };
  /** Waits that depend on NetworkManager give up as soon as it is gone. */
  const nmAlive = () => {
    if (nmExit !== undefined) throw new Error(nmExit);
  };
  startNm(["ip", "netns", "exec", hostNs, "unshare", "-m", "-u", "--propagation", "private", "sh", `${dir}/start-nm.sh`]);

  const bus: NmBus = await connectNmBus(busAddress);
  const udevdPid = await waitValue(() => (nmAlive(), readPid(join(dir, "udevd.pid"))), 10_000, "udevd to start");
  record(udevdPid, "systemd-udevd");

  const waitFor: Rig["waitFor"] = async (predicate, timeoutMs = 10_000, what = "condition") => {
    await waitValue(async () => ((await predicate()) ? true : undefined), timeoutMs, what);
  };
  const nmStarted = async () => {
    nmAlive();
    try {
      return (await bus.getAll(NM_PATH, "org.freedesktop.NetworkManager")).Startup === false;
    } catch {
      return false;
    }
  };
  const deviceState = async (ifname: string) => {
    try {
      const [path] = await bus.call(NM_PATH, "org.freedesktop.NetworkManager", "GetDeviceByIpIface", "s", [ifname]);
      const props = await bus.getAll(path as string, "org.freedesktop.NetworkManager.Device");
      return props.State as number;
    } catch {
      return undefined;
    }
  };
  const waitDeviceState: Rig["waitDeviceState"] = (ifname, want, timeoutMs = 10_000) =>
    waitFor(async () => (await deviceState(ifname)) === want, timeoutMs, `${ifname} to reach NM state ${want}`);
  const waitActivated = (names: string[]) => Promise.all(names.map((n) => waitDeviceState(n, ACTIVATED)));
  const autoconnected = (list: LinkSpec[]) => list.filter((s) => s.up ?? true).map((s) => s.name);

  await waitFor(nmStarted, 15_000, "NetworkManager to finish starting");
  await waitActivated(autoconnected(specs));

  const nmcli = (...args: string[]) => run(["nmcli", ...args], { env });
  const nsExec = (ns: string) => (argv: string[], opts: Omit<ExecOptions, "env"> = {}) =>
    exec(["ip", "netns", "exec", ns, ...argv], { ...opts, env });
  const nsSpawn = (ns: string) => (argv: string[], opts: SpawnOptions = {}) => {
    const child = spawn("ip", ["netns", "exec", ns, ...argv], { env, ...opts });
    if (child.pid !== undefined) {
      const rec = processRecord(child.pid, argv[0] ?? "child");
      state.processes.push(rec);
      writeState(state);
      child.once("exit", () => {
        state.processes = state.processes.filter((p) => p !== rec);
        if (liveRigs.has(name)) writeState(state);
      });
    }
    return child;
  };
  /** Kills a link's DHCP server by its pid and forgets it, once it has exited. */
  const stopDhcpServer = async (ifname: string) => {
    const server = dhcpServers.get(ifname);
    if (!server) return;
    const exited = new Promise((resolve) => (server.exitCode !== null ? resolve(undefined) : server.once("exit", resolve)));
    server.kill();
    await exited;
    state.processes = state.processes.filter((p) => p.pid !== server.pid);
    writeState(state);
    dhcpServers.delete(ifname);
  };
  let stopped = false;

  return {
    name, hostNs, peerNs, dir, busAddress, env, subnet, serverAddr6, links,
    hostExec: nsExec(hostNs),
    peerExec: nsExec(peerNs),
    spawnInHost: nsSpawn(hostNs),
    spawnInPeer: nsSpawn(peerNs),
    nmcli,
    async addLink(spec) {
      await createLink(spec);
      await nmcli("connection", "load", join(dir, "connections", `${spec.name}.nmconnection`));
      await waitActivated(autoconnected([spec]));
    },
    async removeLink(ifname) {
      const uuid = uuids.get(ifname);
      if (!uuid) throw new Error(`no link ${ifname}`);
      await run(["ip", "-n", hostNs, "link", "del", ifname]);
      await nmcli("connection", "delete", "uuid", uuid);
      await stopDhcpServer(ifname);
      uuids.delete(ifname);
      delete links[ifname];
    },
    async connUp(ifname) {
      await nmcli("connection", "up", "uuid", uuids.get(ifname) ?? ifname);
    },
    async connDown(ifname) {
      await nmcli("connection", "down", "uuid", uuids.get(ifname) ?? ifname);
    },
    async cutCarrier(ifname) {
      await run(["ip", "-n", peerNs, "link", "set", ifname, "down"]);
    },
    async restoreCarrier(ifname) {
      await run(["ip", "-n", peerNs, "link", "set", ifname, "up"]);
    },
    async restartRouter(ifname, opts = {}) {
      const addrs = links[ifname];
      if (!addrs || !dhcpServers.has(ifname)) throw new Error(`no dnsmasq on link ${ifname}`);
      await stopDhcpServer(ifname);
      if (opts.linkLocal !== undefined) {
        await run(["ip", "-n", peerNs, "-6", "addr", "flush", "dev", ifname, "scope", "link"]);
        await run(["ip", "-n", peerNs, "addr", "add", `${opts.linkLocal}/64`, "dev", ifname, "nodad"]);
      }
      if (opts.routerLifetimeS !== undefined) routerLifetimes.set(ifname, opts.routerLifetimeS);
      const onPid = (pid: number) => record(pid, `dnsmasq ${ifname}`);
      dhcpServers.set(ifname, await startDnsmasq(peerNs, dir, addrs, routerLifetimes.get(ifname), onPid));
    },
    deviceState,
    waitDeviceState,
    waitFor,
    async restartNetworkManager() {
      const activated = [];
      for (const n of Object.keys(links)) if ((await deviceState(n)) === ACTIVATED) activated.push(n);
      const nm = state.processes.find((p) => p.what === "NetworkManager");
      if (nm) {
        process.kill(nm.pid, "SIGTERM");
        await waitFor(() => !isAlive(nm), 10_000, "NetworkManager to exit");
        state.processes = state.processes.filter((p) => p !== nm);
      }
      // The bus drops the old owner a moment after the process is gone; until then a new one cannot start.
      await waitFor(async () => (await bus.nameOwner()) === undefined, 5_000, "the old NetworkManager to leave the bus");
      // Back into the namespaces the first one ran in: udevd still serves that private /run/udev.
      startNm(["nsenter", "-t", String(udevdPid), "-m", "-n", "-u", "--", ...networkManagerArgv(dir)]);
      await waitFor(nmStarted, 15_000, "NetworkManager to finish restarting");
      await waitActivated(activated);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      bus.close();
      liveRigs.delete(name);
      teardownSync(state);
    },
  };
}

const DHCP_SERVER = fileURLToPath(new URL("./dhcp_server.py", import.meta.url));

/** The link's DHCP server in the peer namespace, once it listens (else the client's first DISCOVER is lost). */
function startDhcpServer(
  peerNs: string, ifname: string, addrs: LinkAddresses, record: (pid: number) => void,
): Promise<ChildProcess> {
  const argv = ["python3", "-u", DHCP_SERVER, ifname, addrs.peerAddr4!, addrs.hostAddr4!, String(addrs.prefix4)];
  return startServer(peerNs, argv, "ready\n", `DHCP server for ${ifname}`, record);
}

/**
 * dnsmasq on an `ra` link's peer end: DHCPv4, router advertisements and DHCPv6 (none on a "slaac" link: no
 * host address is set for it) from one foreground process.
 * Returns once it has announced router advertisements on the link.
 */
function startDnsmasq(
  peerNs: string, dir: string, addrs: LinkAddresses, routerLifetimeS: number | undefined, record: (pid: number) => void,
): Promise<ChildProcess> {
  const ifname = addrs.name;
  const base = addrs.prefix6!.replace(/::\/64$/, "");
  const argv = [
    "dnsmasq", "--keep-in-foreground", "--log-facility=-", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
    "--port=0", "--user=root", "--pid-file=", `--dhcp-leasefile=${dir}/dnsmasq-${ifname}.leases`,
    "--bind-interfaces", `--interface=${ifname}`,
    `--dhcp-range=${addrs.hostAddr4},${addrs.hostAddr4},255.255.255.0,1h`, `--dhcp-option=3,${addrs.peerAddr4}`,
    "--enable-ra", addrs.hostAddr6 === undefined ? `--dhcp-range=${base}::,ra-only,64,1h` : `--dhcp-range=${base}::2,${base}::2,64,1h`,
    // Every 3 s instead of minutes apart: a host that missed one (NetworkManager still starting) soon hears the next.
    `--ra-param=${ifname},3${routerLifetimeS === undefined ? "" : `,${routerLifetimeS}`}`,
  ];
  return startServer(peerNs, argv, "router advertisement enabled", `dnsmasq for ${ifname}`, record);
}

/** A server in the peer namespace, recorded by pid for teardown, once its output shows `ready`. */
async function startServer(
  peerNs: string, argv: string[], ready: string, what: string, record: (pid: number) => void,
): Promise<ChildProcess> {
  const child = spawn("ip", ["netns", "exec", peerNs, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
  record(child.pid!);
  let output = "";
  const onData = (chunk: Buffer) => (output += chunk.toString());
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  await new Promise<void>((resolve, reject) => {
    const check = () => output.includes(ready) && resolve();
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}): ${output.trim()}`)));
  });
  // Keep draining its output (a full pipe would block it) without keeping it.
  for (const stream of [child.stdout!, child.stderr!]) stream.removeAllListeners("data").resume();
  return child;
}

async function waitValue<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Namespace names currently present, for tests that check teardown. */
export function listNamespaces(): string[] {
  const out = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
  return out.split("\n").map((l) => l.split(" ")[0] ?? "").filter(Boolean);
}
