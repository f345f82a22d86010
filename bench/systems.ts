// The three MPTCP managers the bench compares, each started on its own rig so they never fight:
// mptcp-policy's daemon, NetworkManager's own MPTCP handling, and mptcpd.
import type { ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUNDLE_DIR, ENTRY } from "../packaging/bundle.js";
import type { LinkSpec, Rig } from "../test/rig/rig.js";
import type { IpShim } from "./ip-shim.js";

export const SYSTEMS = ["mptcp-policy", "networkmanager", "mptcpd"] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** What the package installs as /usr/bin/mptcp-policy and the unit runs; bench/run.ts builds it first. */
export const CLI = join(BUNDLE_DIR, ENTRY);
const MPTCPD = "/usr/libexec/mptcpd";
// enabled,subflow: NetworkManager's built-in default, spelled out because the rig's global default turns it off.
const NM_MPTCP_ON = 0x22;
const NM_MPTCP_OFF = 0x1;

/** The rig links for a system: only the networkmanager system leaves NetworkManager's MPTCP handling on. */
export function linksFor(system: SystemName, links: LinkSpec[]): LinkSpec[] {
  const mptcpFlags = system === "networkmanager" ? NM_MPTCP_ON : NM_MPTCP_OFF;
  return links.map((l) => ({ ...l, mptcpFlags }));
}

export interface RunningSystem {
  /** The process doing the work (NetworkManager has none of its own here: undefined). */
  pid: number | undefined;
  log: string | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Policy file for mptcp-policy. */
  policy?: string;
  /** Count the daemon's ip processes. */
  ipShim?: IpShim;
}

export async function startSystem(system: SystemName, rig: Rig, opts: StartOptions = {}): Promise<RunningSystem> {
  switch (system) {
    case "networkmanager":
      return { pid: undefined, log: undefined, stop: async () => {} };
    case "mptcpd":
      return spawnLogged(rig, "mptcpd", [MPTCPD, "--path-manager=addr_adv", "--addr-flags=subflow",
        "--notify-flags=existing,skip_link_local,skip_loopback", "--log=stderr"]);
    case "mptcp-policy": {
      if (opts.policy === undefined) throw new Error("mptcp-policy needs a policy file");
      // Its own lock and pid file: other daemons on this machine (tests) must not make it wait.
      const unit = unitSettings();
      const env: NodeJS.ProcessEnv = { ...rig.env, MPTCP_POLICY_RUN_DIR: join(rig.dir, "run") };
      if (opts.ipShim) env.PATH = `${opts.ipShim.dir}:${env.PATH ?? ""}`;
      // Debug level: one "reconciled" line per run, which reconciles() counts.
      const daemon = [process.execPath, ...unit.nodeArgs, ...daemonNodeArgs(), CLI, "daemon", "--policy", opts.policy, "--log-level", "debug"];
      return spawnLogged(rig, "daemon", [...unit.launcher, ...daemon], env);
    }
  }
}

const UNIT = fileURLToPath(new URL("../packaging/mptcp-policy.service", import.meta.url));

/**
 * The unit's Node flags (from `ExecStart=`, between node and the program), and its `Nice=` and real-time policy
 * as a `nice`/`chrt` prefix: the daemon under test runs as the unit runs it. `BENCH_DAEMON_SCHED=other` leaves
 * the real-time policy out (the fair scheduler at `Nice=` only), to compare the two.
 */
function unitSettings(): { nodeArgs: string[]; launcher: string[] } {
  const text = readFileSync(UNIT, "utf8");
  const setting = (name: string) => new RegExp(`^${name}=(\\S+)$`, "m").exec(text)?.[1];
  const execStart = /^ExecStart=(.*)$/m.exec(text)?.[1]?.split(/\s+/) ?? [];
  const program = execStart.findIndex((word) => word.endsWith(`/${ENTRY}`));
  if (program < 1) throw new Error(`${UNIT}: ExecStart= does not run node on ${ENTRY}`);
  const nice = setting("Nice");
  const policy = process.env.BENCH_DAEMON_SCHED === "other" ? undefined : setting("CPUSchedulingPolicy");
  const realTime = policy === "fifo" || policy === "rr";
  return {
    nodeArgs: execStart.slice(1, program),
    launcher: [
      ...(nice === undefined ? [] : ["nice", "-n", nice]),
      ...(realTime ? ["chrt", `--${policy}`, setting("CPUSchedulingPriority") ?? "1"] : []),
    ],
  };
}

/**
 * Extra Node options for the daemon under test, e.g. `BENCH_DAEMON_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p"`
 * to profile its reaction path (Node refuses --cpu-prof in NODE_OPTIONS).
 */
function daemonNodeArgs(): string[] {
  return process.env.BENCH_DAEMON_NODE_ARGS?.split(/\s+/).filter((a) => a !== "") ?? [];
}

/** Logs outlive the rig (its folder goes with it), for a look after a bad number. */
export const LOG_DIR = join(tmpdir(), `mptcp-policy-bench-${process.pid}`);

function spawnLogged(rig: Rig, name: string, argv: string[], env = rig.env): RunningSystem {
  mkdirSync(LOG_DIR, { recursive: true });
  const log = join(LOG_DIR, `${rig.name}-${name}.log`);
  const fd = openSync(log, "a");
  // `ip netns exec` execs the command in place: the child's pid is the daemon's.
  const child = rig.spawnInHost(argv, { env, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  return { pid: child.pid, log, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** How many reconciles the daemon has logged. */
export function reconciles(running: RunningSystem): number {
  if (running.log === undefined) return 0;
  return readFileSync(running.log, "utf8").split("\n").filter((l) => l.includes('"msg":"reconciled"')).length;
}

interface Endpoint {
  address: string;
  id: number;
}

export async function endpoints(rig: Rig): Promise<Endpoint[]> {
  const { stdout } = await rig.hostExec(["ip", "-j", "mptcp", "endpoint", "show"]);
  return stdout.trim() ? (JSON.parse(stdout) as Endpoint[]) : [];
}

/** Waits until each address has an endpoint: the system has picked up the links that were up at its start. */
export async function waitEndpoints(rig: Rig, addresses: string[], timeoutMs = 15_000): Promise<void> {
  await rig.waitFor(async () => {
    const have = new Set((await endpoints(rig)).map((e) => e.address));
    return addresses.every((a) => have.has(a));
  }, timeoutMs, `endpoints for ${addresses.join(", ")}`);
}
