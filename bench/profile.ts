// `npx tsx bench/profile.ts [--out DIR] [--flaps N]`: where the time and memory of issue 11's figures go,
// from V8 CPU profiles of the bundle the package ships, and the daemon's own per-stage timings:
//   - `--version` and an `apply` that changes nothing (10 runs each, profiles added up);
//   - the daemon during 20 `nmcli` down/up cycles (bench/reaction.ts) and while 32 links come up at once
//     (bench/scale.ts), with the stage times of its reconciles (its debug log);
//   - the daemon's memory: resident set split into file-backed and anonymous pages against an idle
//     `node`, and V8's heap after each full collection (`--trace-gc`) over the flaps of bench/memory.ts.
// Writes OUT/<date>-profile.md (default bench/results).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundle } from "../packaging/bundle.js";
import type { FirstRead } from "../src/daemon/daemon.js";
import { rigName, startRig } from "../test/rig/rig.js";
import { nodeTimer } from "./apply.js";
import { summariseProfiles, type ProfileSummary } from "./cpu-profile.js";
import { measureMemory } from "./memory.js";
import { rss, waitQuiet, type Rss } from "./proc.js";
import { writePolicy } from "./policy.js";
import { measureReaction } from "./reaction.js";
import { measureScale } from "./scale.js";
import { median } from "./stats.js";
import { CLI, linksFor, LOG_DIR } from "./systems.js";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: fileURLToPath(new URL("./results", import.meta.url)) },
    flaps: { type: "string", default: "300" },
  },
});
const RUNS = 10;
const sections: string[] = [];

await bundle();

/** Runs `use` with a fresh directory for V8's profiles and removes it afterwards, whatever happens. */
async function withProfileDir<T>(name: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `mptcp-policy-profile-${name}-`));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const profilesIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(dir, f));
/**
 * One-shot runs are sampled every 0.1 ms; the daemon every 2 ms, since the sampler's own CPU use would keep it
 * from ever looking idle to the measurements that wait for that (bench/proc.ts waitQuiet).
 */
const cpuProf = (dir: string, intervalUs = 100) => ["--cpu-prof", "--cpu-prof-interval", String(intervalUs), "--cpu-prof-dir", dir];

function table(summary: ProfileSummary, runs: number, top = 12): string {
  const per = (ms: number) => (ms / runs).toFixed(1);
  const share = (ms: number) => `${((ms / summary.sampledMs) * 100).toFixed(0)} %`;
  return [
    `Sampled ${per(summary.sampledMs)} ms per run (${runs} run${runs === 1 ? "" : "s"} added up).`,
    "",
    "| where | ms per run | share |",
    "| --- | --- | --- |",
    ...summary.categories.slice(0, top).map(([name, ms]) => `| ${name} | ${per(ms)} | ${share(ms)} |`),
    "",
    "Heaviest functions (self time):",
    "",
    "| function | ms per run |",
    "| --- | --- |",
    ...summary.functions.slice(0, top).map(([name, ms]) => `| \`${name.replace(/\|/g, "\\|")}\` | ${per(ms)} |`),
  ].join("\n");
}

// One-shot runs: Node's start is outside the profile (it begins once V8 runs the main script), so the wall
// time is given beside it, and `node -e 0`'s as the floor.
{
  const names = Array.from({ length: 8 }, (_, i) => `a${i}`);
  const rig = await startRig({ name: rigName("bpr"), links: linksFor("mptcp-policy", names.map((name) => ({ name }))) });
  try {
    const policy = writePolicy(rig, { subflow: names });
    const timed = nodeTimer(rig);
    const wall = async (argv: string[]) => (await timed(argv)).ms;
    await wall([CLI, "apply", "--policy", policy]);
    for (const [name, args] of [["--version", ["--version"]], ["apply (nothing to change)", ["apply", "--policy", policy]]] as const) {
      await withProfileDir("oneshot", async (dir) => {
        const plain: number[] = [];
        const floor: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          plain.push(await wall([CLI, ...args]));
          floor.push(await wall(["-e", "0"]));
          await wall([...cpuProf(dir), CLI, ...args]);
        }
        sections.push(`## \`${name}\`\n\nWall time, median of ${RUNS}: ${median(plain)!.toFixed(0)} ms; \`node -e 0\` ` +
          `${median(floor)!.toFixed(0)} ms in the same loop.\n\n${table(summariseProfiles(profilesIn(dir)), RUNS)}`);
      });
    }
  } finally {
    await rig.stop();
  }
}

// The daemon: its whole life in the reaction and scale measurements, profiled, with its per-stage times.
mkdirSync(LOG_DIR, { recursive: true });
const daemonLogsBefore = new Set(readdirSync(LOG_DIR, { withFileTypes: true }).map((e) => e.name));
const newDaemonLog = () => {
  const logs = readdirSync(LOG_DIR).filter((f) => f.endsWith("-daemon.log") && !daemonLogsBefore.has(f));
  for (const f of logs) daemonLogsBefore.add(f);
  if (logs.length !== 1) throw new Error(`expected one new daemon log in ${LOG_DIR}, found ${logs.length}`);
  return join(LOG_DIR, logs[0]!);
};

interface Reconciled { reasons: string[]; read: FirstRead; ms: number; operations: number; stages?: Record<string, number> }

const READS: Record<FirstRead, string> = {
  cache: "kernel events: from the cache",
  unmonitored: "NetworkManager device signals: endpoints, limits and sysctls read, the rest from the cache",
  full: "start, resync, NetworkManager restart, recheck: full read",
};

function stageTable(log: string): string {
  const runs = readFileSync(log, "utf8").split("\n").filter((l) => l.includes('"msg":"reconciled"')).map((l) => JSON.parse(l) as Reconciled);
  const groups = (Object.keys(READS) as FirstRead[]).map((read): [string, Reconciled[]] => [READS[read], runs.filter((r) => r.read === read)]);
  const p50 = (rs: Reconciled[], key: string) => median(rs.map((r) => r.stages?.[key] ?? 0))?.toFixed(2) ?? "-";
  return [
    "| reconciles | n | waited p50 | planned p50 | applied p50 | verified p50 | whole p50 |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...groups.map(([name, rs]) => `| ${name} | ${rs.length} | ${["waited", "planned", "applied", "verified"].map((k) => p50(rs, k)).join(" | ")} | ${median(rs.map((r) => r.ms))?.toFixed(2) ?? "-"} |`),
  ].join("\n");
}

/** Runs a measurement with extra Node options for the daemon it starts; returns its result and that daemon's log. */
async function withDaemonArgs<T>(nodeArgs: string[], measure: () => Promise<T>): Promise<{ result: T; log: string }> {
  process.env.BENCH_DAEMON_NODE_ARGS = nodeArgs.join(" ");
  try {
    const result = await measure();
    return { result, log: newDaemonLog() };
  } finally {
    delete process.env.BENCH_DAEMON_NODE_ARGS;
  }
}

const daemonRuns: [string, () => Promise<string>][] = [
  ["20 link-down/up cycles", async () => {
    const r = await measureReaction("mptcp-policy", { cycles: 20, carrierCycles: 0 });
    return `address → endpoint p50 ${r.p50_ms} ms, removal p50 ${r.removal.p50_ms} ms (profiled, so slower than unprofiled)`;
  }],
  ["32 links up at once", async () => {
    const r = await measureScale(32);
    return `32 links: converged ${r.converge_ms} ms after the last address, addresses spread over ${r.address_spread_ms} ms, ` +
      `${r.reconciles} reconciles, daemon CPU ${r.cpu_ms} ms`;
  }],
];
for (const [title, measure] of daemonRuns) {
  await withProfileDir("daemon", async (dir) => {
    const { result: text, log } = await withDaemonArgs(cpuProf(dir, 2_000), measure);
    sections.push(`## Daemon: ${title}\n\n${text}.\n\n${stageTable(log)}\n\n${table(summariseProfiles(profilesIn(dir)), 1)}`);
  });
}

// Memory: what the resident set is made of, and whether V8's live heap grows over flaps.
{
  const flaps = Number(values.flaps);
  const { result, log: logFile } = await withDaemonArgs(["--trace-gc"], () => measureMemory(flaps));
  const log = readFileSync(logFile, "utf8");
  // `Mark-Compact 6.1 (8.9) -> 5.2 (9.1) MB`: the live heap after a full collection, and the heap's size.
  const fulls = [...log.matchAll(/Mark-Compact[^\n]*?-> ([\d.]+) \(([\d.]+)\) MB/g)].map((m) => ({ live: Number(m[1]), size: Number(m[2]) }));
  const first = fulls[0];
  const last = fulls.at(-1);
  const idle = await idleNodeRss();
  sections.push([
    `## Daemon memory over ${flaps} flaps`,
    "",
    `VmRSS ${result.rss_start_mb} MB after start (${result.rss_file_mb[0]} MB file-backed, ${result.rss_anon_mb[0]} MB anonymous), ` +
      `${result.rss_after_flaps_mb} MB after the flaps (${result.rss_file_mb[1]} / ${result.rss_anon_mb[1]}; +${result.growth_pct} %). ` +
      `An idle \`node\` (a timer, nothing loaded) holds ${idle.total} MB (${idle.file} / ${idle.anon}).`,
    "",
    first && last
      ? `V8's live heap after a full collection: ${first.live} MB (heap ${first.size} MB) at the first of ${fulls.length}, ` +
        `${last.live} MB (heap ${last.size} MB) at the last.`
      : "No full collection happened during the run.",
  ].join("\n"));
}

async function idleNodeRss(): Promise<Rss> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  try {
    await waitQuiet(child.pid!);
    return rss(child.pid!);
  } finally {
    child.kill();
  }
}

const out = values.out!;
mkdirSync(out, { recursive: true });
const file = join(out, `${new Date().toISOString().slice(0, 10)}-profile.md`);
writeFileSync(file, `# mptcp-policy profiles, ${new Date().toISOString().slice(0, 10)}\n\n${sections.join("\n\n")}\n`);
process.stderr.write(`profile: wrote ${file}\n`);
