// What each rig owns, written down under /run/mptcp-policy-rigs/<name>/ so that teardown — by stop(),
// by a signal or exit handler, or by a later startRig after a crash — touches only what the rig made:
// processes by recorded pid *and* start time (a reused pid is someone else), namespaces by recorded name.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const RIGS_DIR = "/run/mptcp-policy-rigs";
const SUBNETS_DIR = join(RIGS_DIR, ".subnets");
const SUBNET_RANGE = [200, 250] as const;

export interface ProcessRecord {
  pid: number;
  /** Start time in clock ticks since boot (/proc/PID/stat field 22). */
  start: number;
  what: string;
}

export interface RigState {
  name: string;
  owner: ProcessRecord;
  namespaces: string[];
  processes: ProcessRecord[];
  subnet?: number;
}

export function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): a zombie has already let go of its namespaces.
    return fields[0] === "Z" ? undefined : Number(fields[19]);
  } catch {
    return undefined;
  }
}

export function processRecord(pid: number, what: string): ProcessRecord {
  const start = processStart(pid);
  if (start === undefined) throw new Error(`${what} (pid ${pid}) is not running`);
  return { pid, start, what };
}

export function isAlive(record: ProcessRecord): boolean {
  return processStart(record.pid) === record.start;
}

export function rigDir(name: string): string {
  return join(RIGS_DIR, name);
}

export function writeState(state: RigState): void {
  writeFileSync(join(rigDir(state.name), "state.json"), JSON.stringify(state, null, 2));
}

function readState(name: string): RigState | undefined {
  try {
    return JSON.parse(readFileSync(join(rigDir(name), "state.json"), "utf8")) as RigState;
  } catch {
    return undefined;
  }
}

/** Creates the rig's folder, failing if a live rig has that name; a dead one's leftovers are removed first. */
export function claimRigDir(name: string): RigState {
  removeLeftovers();
  mkdirSync(RIGS_DIR, { recursive: true });
  mkdirSync(rigDir(name)); // throws EEXIST: a live rig of that name
  const state: RigState = { name, owner: processRecord(process.pid, "owner"), namespaces: [], processes: [] };
  writeState(state);
  return state;
}

/** Picks X for 10.X.0.0/16 not used by another live rig; the claim is a file created exclusively. */
export function claimSubnet(state: RigState): number {
  mkdirSync(SUBNETS_DIR, { recursive: true });
  const [first, last] = SUBNET_RANGE;
  const size = last - first + 1;
  const offset = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const x = first + ((offset + i) % size);
    try {
      writeFileSync(join(SUBNETS_DIR, String(x)), state.name, { flag: "wx" });
      state.subnet = x;
      writeState(state);
      return x;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  throw new Error(`no free rig subnet in 10.${first}..${last}.0.0/16`);
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Synchronous, so the exit and signal handlers can use it: SIGTERM (udevd then ends its workers), up to
 * 2 s grace, SIGKILL; then the namespaces, the subnet claim and the folder. Safe to call twice.
 */
export function teardownSync(state: RigState): void {
  const alive = () => state.processes.filter(isAlive);
  for (const p of alive()) signal(p.pid, "SIGTERM");
  for (let waited = 0; alive().length > 0 && waited < 2_000; waited += 20) sleepSync(20);
  for (const p of alive()) signal(p.pid, "SIGKILL");
  for (let waited = 0; alive().length > 0 && waited < 1_000; waited += 20) sleepSync(20);
  for (const ns of state.namespaces) {
    if (existsSync(`/run/netns/${ns}`)) spawnSync("ip", ["netns", "del", ns], { stdio: "ignore" });
  }
  if (state.subnet !== undefined) releaseSubnet(state.subnet, state.name);
  rmSync(rigDir(state.name), { recursive: true, force: true });
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

function releaseSubnet(x: number, name: string): void {
  const claim = join(SUBNETS_DIR, String(x));
  try {
    if (readFileSync(claim, "utf8") === name) unlinkSync(claim);
  } catch {
    // Not claimed (any more).
  }
}

/** Tears down rigs whose owning process is gone, and subnet claims without a rig folder. */
export function removeLeftovers(): void {
  if (!existsSync(RIGS_DIR)) return;
  for (const entry of readdirSync(RIGS_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const state = readState(entry.name);
    if (state === undefined) continue; // being created right now, or not ours to judge
    if (!isAlive(state.owner)) teardownSync(state);
  }
  if (!existsSync(SUBNETS_DIR)) return;
  for (const x of readdirSync(SUBNETS_DIR)) {
    const owner = readFileSync(join(SUBNETS_DIR, x), "utf8");
    if (!existsSync(rigDir(owner))) releaseSubnet(Number(x), owner);
  }
}
