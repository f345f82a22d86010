// One-shot `mptcp-policy apply` wall time, Node start included, as an admin or the dispatcher script runs it:
// with nothing to change, and setting up 8 links from nothing (after `flush`); `--version` and `node -e 0`
// the same way, as the floors the targets are relative to.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle } from "../packaging/bundle.js";
import { rigName, startRig, type Rig } from "../test/rig/rig.js";
import { writePolicy } from "./policy.js";
import { median } from "./stats.js";
import { CLI, linksFor } from "./systems.js";

export interface ApplyResult {
  links: number;
  runs: number;
  /** Median wall time of an apply that changes nothing. */
  steady_ms: number;
  /** Median wall time of an apply that makes every endpoint, table and rule of the links. */
  full_setup_ms: number;
  /** Median wall time of `mptcp-policy --version`: Node start plus loading the CLI, the floor of any run. */
  cli_load_ms: number;
  /** Median wall time of `node -e 0`, started the same way: Node's own start on this machine in this run. */
  node_floor_ms: number;
  /**
   * Median wall time of bench/nm-read-floor.ts, bundled like the CLI: Node's start plus loading dbus-next and
   * reading NetworkManager's devices as `apply` does, nothing else. No `apply` can be faster than this.
   */
  nm_read_floor_ms: number;
  steady_samples_ms: number[];
  full_setup_samples_ms: number[];
}

const LINKS = 8;

/** Runs `node ARGV` in the rig's host namespace, timed by the wall clock with Node's start included; throws on failure. */
export function nodeTimer(rig: Rig): (argv: string[]) => Promise<{ ms: number; changes: string }> {
  return async (argv) => {
    const started = performance.now();
    const r = await rig.hostExec([process.execPath, ...argv]);
    const ms = performance.now() - started;
    if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} failed (${r.exitCode}): ${r.stderr.trim()}`);
    return { ms: Math.round(ms * 10) / 10, changes: r.stdout.trim() };
  };
}

export async function measureApply(runs: number): Promise<ApplyResult> {
  const names = Array.from({ length: LINKS }, (_, i) => `a${i}`);
  const floorDir = mkdtempSync(join(tmpdir(), "mptcp-policy-bench-floor-"));
  const nmRead = await bundle(floorDir, fileURLToPath(new URL("./nm-read-floor.ts", import.meta.url)));
  const rig = await startRig({ name: rigName("bap"), links: linksFor("mptcp-policy", names.map((name) => ({ name }))) });
  try {
    const policy = writePolicy(rig, { subflow: names });
    const timed = nodeTimer(rig);
    const cli = (command: "apply" | "flush" | "--version") =>
      timed([CLI, command, ...(command === "--version" ? [] : ["--policy", policy])]);
    const full: number[] = [];
    for (let i = 0; i < runs; i++) {
      await cli("flush");
      const setup = await cli("apply");
      if (setup.changes === "") throw new Error("apply after flush changed nothing");
      full.push(setup.ms);
    }
    const steady: number[] = [];
    for (let i = 0; i < runs; i++) {
      const again = await cli("apply");
      if (again.changes !== "") throw new Error(`a second apply still changed:\n${again.changes}`);
      steady.push(again.ms);
    }
    // What every run pays before doing anything: Node's start and loading the CLI's modules.
    const load: number[] = [];
    const floor: number[] = [];
    const nmFloor: number[] = [];
    for (let i = 0; i < runs; i++) {
      load.push((await cli("--version")).ms);
      floor.push((await timed(["-e", "0"])).ms);
      const read = await timed([nmRead]);
      if (Number(read.changes) < names.length) throw new Error(`the NetworkManager read saw ${read.changes} devices, not the rig's ${names.length}`);
      nmFloor.push(read.ms);
    }
    return {
      links: LINKS, runs, cli_load_ms: median(load)!, node_floor_ms: median(floor)!, nm_read_floor_ms: median(nmFloor)!,
      steady_ms: median(steady)!, full_setup_ms: median(full)!,
      steady_samples_ms: steady, full_setup_samples_ms: full,
    };
  } finally {
    await rig.stop();
    rmSync(floorDir, { recursive: true, force: true });
  }
}
