// `npm run bench`: every measurement of issue 5, each on its own fresh rig, written to
// OUT/<date>.json (the contract other tools read, see results.ts), OUT/<date>.md and OUT/<date>.svg.
//   npx tsx bench/run.ts [--quick] [--out DIR] [--only reaction,scale,apply,memory,failover]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundle } from "../packaging/bundle.js";
import { rigPrerequisites } from "../test/rig/prereqs.js";
import { measureApply } from "./apply.js";
import { measureFailover } from "./failover.js";
import { loadNow, machine } from "./machine.js";
import { measureMemory } from "./memory.js";
import { measureReaction } from "./reaction.js";
import { markdown } from "./report.js";
import type { Results } from "./results.js";
import { measureScale } from "./scale.js";
import { latencySvg } from "./svg.js";
import { LOG_DIR, SYSTEMS } from "./systems.js";
import { checkTargets } from "./targets.js";

const SECTIONS = ["reaction", "scale", "apply", "memory", "failover"] as const;
type Section = (typeof SECTIONS)[number];

const COUNTS = {
  // --quick: the same shape in about two minutes.
  quick: { cycles: 10, carrierCycles: 0, scale: [1, 8], applyRuns: 3, flaps: 50, failoverRuns: 1 },
  full: { cycles: 40, carrierCycles: 3, scale: [1, 8, 32], applyRuns: 10, flaps: 1000, failoverRuns: 3 },
};

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string", default: fileURLToPath(new URL("./results", import.meta.url)) },
    only: { type: "string" },
  },
});
const only = new Set((values.only?.split(",") ?? SECTIONS) as Section[]);
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section ${s} (${SECTIONS.join(", ")})`);
const counts = values.quick ? COUNTS.quick : COUNTS.full;

const missing = rigPrerequisites();
if (missing.length > 0) {
  process.stderr.write(`bench: cannot build the namespace rig, missing: ${missing.join(", ")}\n`);
  process.exit(2);
}

// The program as it ships (one bundled file), built from this checkout's source, not tsc's module tree.
await bundle();

const results: Results = { date: new Date().toISOString(), quick: values.quick!, machine: machine() };
const errors: Record<string, string> = {};

/** Runs one measurement; a failure is recorded and the others still run. */
async function section(name: string, fn: () => Promise<void>): Promise<void> {
  const started = Date.now();
  process.stderr.write(`bench: ${name}...\n`);
  try {
    await fn();
    process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    errors[name] = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: ${name} FAILED: ${errors[name]}\n`);
  }
}

if (only.has("reaction")) {
  const reaction: NonNullable<Results["reaction"]> = (results.reaction = {});
  for (const system of SYSTEMS) {
    await section(`reaction ${system}`, async () => void (reaction[system] = await measureReaction(system, counts)));
  }
}
if (only.has("scale")) {
  const scale: NonNullable<Results["scale"]> = (results.scale = []);
  for (const links of counts.scale) await section(`scale ${links} links`, async () => void scale.push(await measureScale(links)));
}
if (only.has("apply")) await section("apply", async () => void (results.apply = await measureApply(counts.applyRuns)));
if (only.has("memory")) await section("memory", async () => void (results.memory = await measureMemory(counts.flaps)));
if (only.has("failover")) {
  const failover: NonNullable<Results["failover"]> = (results.failover = {});
  for (const system of ["mptcp-policy", "networkmanager"] as const) {
    await section(`failover ${system}`, async () => void (failover[system] = await measureFailover(system, counts.failoverRuns)));
  }
}

results.machine.load_end = loadNow();
results.targets = checkTargets(results);
if (Object.keys(errors).length > 0) results.errors = errors;

const day = results.date.slice(0, 10);
const out = values.out!;
mkdirSync(out, { recursive: true });
const svg = latencySvg(results);
if (svg) writeFileSync(join(out, `${day}.svg`), svg);
writeFileSync(join(out, `${day}.json`), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(out, `${day}.md`), markdown(results, svg ? `${day}.svg` : undefined));
process.stderr.write(`bench: wrote ${join(out, `${day}`)}.{json,md${svg ? ",svg" : ""}}; system logs in ${LOG_DIR}\n`);
process.exitCode = Object.keys(errors).length > 0 ? 1 : 0;
