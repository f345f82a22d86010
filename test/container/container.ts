// A booted Debian container: systemd-nspawn --boot on a throwaway overlay of the cached root (root.ts), its
// own network namespace, commands run inside with nsenter, and a peer namespace on the host for the far ends
// of the links moved into it. What a container owns is written under /run/mptcp-policy-containers/<name>/ so
// that teardown — by stop(), by an exit or signal handler, or by a later start after a crash — kills only its
// processes (pid and start time) and deletes only its namespace and folder.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exec, run, type ExecOptions, type ExecResult } from "../rig/exec.js";
import { onExitOrSignal } from "../rig/exit-handlers.js";
import { isAlive, processRecord, type ProcessRecord } from "../rig/state.js";

const STATE_DIR = "/run/mptcp-policy-containers";
// Writable layers of "overlay" mounts: on disk, not in memory; one folder per container, removed at teardown.
const LAYERS_DIR = "/var/tmp/mptcp-policy-containers";
const BOOT_TIMEOUT_MS = 60_000;
const INNER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface Mount {
  /** Folder on the host. */
  host: string;
  /** Where it appears inside the container. */
  dest: string;
  /** "ro": read-only bind; "overlay": read-only below, writes go to a throwaway layer. */
  mode: "ro" | "overlay";
}

export interface ContainerOptions {
  root: string;
  /** Short and unique: the peer namespace is NAME-p. Default "mpc" + 4 hex digits. */
  name?: string;
  mounts?: Mount[];
}

export interface Container {
  name: string;
  /** The container's PID 1 as the host sees it. */
  pid1: number;
  /** The host namespace holding the far ends of addLink's links. */
  peerNs: string;
  /** Milliseconds from spawning systemd-nspawn to `systemctl is-system-running` answering. */
  bootMs: number;
  /** What `systemctl is-system-running --wait` said: running, or degraded with the failed units listed. */
  systemState: string;
  exec(argv: string[], opts?: InnerOptions): Promise<ExecResult>;
  /** exec that throws with the command and its output when it fails. */
  run(argv: string[], opts?: InnerOptions): Promise<string>;
  /** A long-running process inside (killed with the container). */
  spawn(argv: string[], opts?: { env?: Record<string, string>; cwd?: string }): ChildProcess;
  /** Copies a host file into the container's file system (through its root, as seen from its mount namespace). */
  writeFile(path: string, content: string | Buffer, mode?: number): void;
  /** A veth pair: IFNAME inside the container, IFNAME + "p" in the peer namespace (up, with peerAddrs). */
  addLink(ifname: string, peerAddrs: string[]): Promise<void>;
  peerExec(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  spawnInPeer(argv: string[]): ChildProcess;
  waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void>;
  /** Idempotent: the container's processes, the peer namespace, the folder. */
  stop(): Promise<void>;
}

export interface InnerOptions extends Omit<ExecOptions, "env"> {
  env?: Record<string, string>;
  cwd?: string;
}

interface ContainerState {
  name: string;
  owner: ProcessRecord;
  /** systemd-nspawn, then PID 1; peer-side helpers after. */
  processes: ProcessRecord[];
  namespaces: string[];
}

export function containerName(prefix = "mpc"): string {
  return prefix + randomBytes(2).toString("hex");
}

export async function startContainer(opts: ContainerOptions): Promise<Container> {
  const name = opts.name ?? containerName();
  if (!/^[a-z][a-z0-9]{1,11}$/.test(name)) throw new Error(`container name "${name}": 2-12 lowercase letters and digits`);
  removeLeftovers();
  mkdirSync(STATE_DIR, { recursive: true });
  mkdirSync(join(STATE_DIR, name)); // throws EEXIST: a live container of that name
  const state: ContainerState = { name, owner: processRecord(process.pid, "owner"), processes: [], namespaces: [] };
  writeState(state);
  const unregister = onExitOrSignal(() => teardownSync(state));
  try {
    return await boot(state, opts, unregister);
  } catch (error) {
    unregister();
    teardownSync(state);
    throw error;
  }
}

async function boot(state: ContainerState, opts: ContainerOptions, unregister: () => void): Promise<Container> {
  const { name } = state;
  const started = Date.now();
  const record = (pid: number, what: string): ProcessRecord => {
    const rec = processRecord(pid, what);
    state.processes.push(rec);
    writeState(state);
    return rec;
  };
  const mountArgs = (opts.mounts ?? []).map((m, i) => {
    if (m.mode === "ro") return `--bind-ro=${m.host}:${m.dest}`;
    // nspawn puts the overlay's workdir beside the upper folder: each mount gets a folder of its own.
    const upper = join(LAYERS_DIR, name, String(i), "upper");
    mkdirSync(upper, { recursive: true });
    return `--overlay=${m.host}:${upper}:${m.dest}`;
  });
  // --volatile=overlay: the cached root stays read-only below a tmpfs that vanishes with the container.
  const nspawn = spawn("systemd-nspawn", ["-D", opts.root, `--machine=${name}`, "--boot", "--register=no", "--keep-unit",
    "--private-network", "--volatile=overlay", "--console=passive", ...mountArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let nspawnOutput = "";
  nspawn.stdout.setEncoding("utf8").on("data", (c: string) => (nspawnOutput = (nspawnOutput + c).slice(-4000)));
  nspawn.stderr.setEncoding("utf8").on("data", (c: string) => (nspawnOutput = (nspawnOutput + c).slice(-4000)));
  let exited: string | undefined;
  nspawn.once("exit", (code, sig) => (exited = `systemd-nspawn exited (${code ?? sig})`));
  if (nspawn.pid === undefined) throw new Error("systemd-nspawn did not start");
  record(nspawn.pid, "systemd-nspawn");
  const nspawnPid = nspawn.pid;

  const waitFor = async (predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await predicate()) return;
      if (exited) throw new Error(`${exited} while waiting for ${what}:\n${nspawnOutput}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  let pid1 = 0;
  await waitFor(() => {
    const found = innerInit(nspawnPid);
    if (found !== undefined) pid1 = found;
    return found !== undefined;
  }, BOOT_TIMEOUT_MS, "the container's PID 1");
  record(pid1, "container init");

  const nsenter = (argv: string[], o: InnerOptions = {}) => {
    const env = Object.entries({ PATH: INNER_PATH, HOME: "/root", LANG: "C.UTF-8", ...o.env }).map(([k, v]) => `${k}=${v}`);
    // The working directory is set by env inside: nsenter's --wd resolves it before entering the mount namespace.
    return ["nsenter", "-t", String(pid1), "-a", "--", "env", "-i", `--chdir=${o.cwd ?? "/"}`, ...env, ...argv];
  };
  const innerExec = (argv: string[], o: InnerOptions = {}) => exec(nsenter(argv, o), { input: o.input, timeoutMs: o.timeoutMs });
  const innerRun = (argv: string[], o: InnerOptions = {}) => run(nsenter(argv, o), { input: o.input, timeoutMs: o.timeoutMs });

  // systemd inside answers once its bus is up; --wait returns when start-up has finished either way.
  await waitFor(async () => (await innerExec(["systemctl", "is-system-running"])).stdout.trim() !== "", BOOT_TIMEOUT_MS,
    "systemd inside the container to answer");
  let systemState = (await innerExec(["systemctl", "is-system-running", "--wait"], { timeoutMs: BOOT_TIMEOUT_MS })).stdout.trim();
  if (systemState !== "running") {
    const failed = (await innerExec(["systemctl", "--failed", "--plain", "--no-legend"])).stdout.trim();
    systemState += ` (failed: ${failed.replace(/\s+/g, " ")})`;
  }
  const bootMs = Date.now() - started;

  const peerNs = `${name}-p`;
  await run(["ip", "netns", "add", peerNs]);
  state.namespaces.push(peerNs);
  writeState(state);
  // As in the namespace rig: a peer must not answer ARP for addresses of its other links.
  for (const key of ["all", "default"]) await run(["ip", "netns", "exec", peerNs, "sysctl", "-qw", `net.ipv4.conf.${key}.arp_ignore=1`]);
  await run(["ip", "-n", peerNs, "link", "set", "lo", "up"]);

  let stopped = false;
  return {
    name,
    pid1,
    peerNs,
    bootMs,
    systemState,
    exec: innerExec,
    run: innerRun,
    spawn(argv, o = {}) {
      const [cmd, ...args] = nsenter(argv, o);
      return spawn(cmd!, args, { stdio: ["ignore", "pipe", "pipe"] });
    },
    writeFile(path, content, mode = 0o644) {
      // /proc/PID1/root is the container's root as its mount namespace sees it (the overlay, not the cache).
      writeFileSync(join(`/proc/${pid1}/root`, path), content, { mode });
    },
    async addLink(ifname, peerAddrs) {
      const peer = `${ifname}p`;
      await run(["ip", "-n", peerNs, "link", "add", peer, "type", "veth", "peer", "name", ifname]);
      await run(["ip", "-n", peerNs, "link", "set", ifname, "netns", `/proc/${pid1}/ns/net`]);
      for (const addr of peerAddrs) await run(["ip", "-n", peerNs, "addr", "add", addr, "dev", peer, ...(addr.includes(":") ? ["nodad"] : [])]);
      await run(["ip", "-n", peerNs, "link", "set", peer, "up"]);
    },
    peerExec: (argv, o = {}) => exec(["ip", "netns", "exec", peerNs, ...argv], o),
    spawnInPeer(argv) {
      const child = spawn("ip", ["netns", "exec", peerNs, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
      if (child.pid !== undefined) record(child.pid, argv[0] ?? "peer process");
      return child;
    },
    waitFor,
    async stop() {
      if (stopped) return;
      stopped = true;
      unregister();
      teardownSync(state);
    },
  };
}

/** The child of systemd-nspawn that is PID 1 of its own PID namespace. */
function innerInit(nspawnPid: number): number | undefined {
  let children: string[];
  try {
    children = readFileSync(`/proc/${nspawnPid}/task/${nspawnPid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  } catch {
    return undefined;
  }
  for (const child of children) {
    try {
      const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${child}/status`, "utf8"))?.[1]?.trim().split(/\s+/);
      // The init must have exec'd systemd already: before that, nsenter would meet nspawn's own set-up.
      if (nspid?.at(-1) === "1" && readFileSync(`/proc/${child}/comm`, "utf8").trim() === "systemd") return Number(child);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

function stateFile(name: string): string {
  return join(STATE_DIR, name, "state.json");
}

function writeState(state: ContainerState): void {
  writeFileSync(stateFile(state.name), JSON.stringify(state, null, 2));
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * Synchronous, for the exit and signal handlers. Killing PID 1 kills every process of the container's PID
 * namespace (nsenter'd commands included); with them go its network namespace (and the links moved into it),
 * its mount namespace and the tmpfs overlay. Then systemd-nspawn, peer processes, the peer namespace, the folder.
 */
function teardownSync(state: ContainerState): void {
  const [nspawn, init, ...others] = state.processes;
  if (init && isAlive(init)) signal(init.pid, "SIGKILL");
  for (const p of others) if (isAlive(p)) signal(p.pid, "SIGKILL");
  const alive = () => state.processes.filter(isAlive);
  for (let waited = 0; alive().length > 0 && waited < 5_000; waited += 20) {
    if (waited === 2_000 && nspawn && isAlive(nspawn)) signal(nspawn.pid, "SIGKILL");
    sleepSync(20);
  }
  for (const ns of state.namespaces) {
    if (existsSync(`/run/netns/${ns}`)) spawnSync("ip", ["netns", "del", ns], { stdio: "ignore" });
  }
  rmSync(join(LAYERS_DIR, state.name), { recursive: true, force: true });
  rmSync(join(STATE_DIR, state.name), { recursive: true, force: true });
}

/** Containers whose owning process is gone (killed without its handlers running). */
function removeLeftovers(): void {
  if (!existsSync(STATE_DIR)) return;
  for (const entry of readdirSync(STATE_DIR)) {
    let state: ContainerState;
    try {
      state = JSON.parse(readFileSync(stateFile(entry), "utf8")) as ContainerState;
    } catch {
      continue; // being created right now
    }
    if (!isAlive(state.owner)) teardownSync(state);
  }
}
