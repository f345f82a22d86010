// `npm run bench`: every measurement of issue 5, each on its own fresh rig, written to
// bench/results/<date>.json (the contract other tools read) and <date>.md (the summary table).
//   npx tsx bench/run.ts [--quick] [--out DIR] [--only reaction,scale,apply,memory,failover]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { rigPrerequisites } from "../test/rig/prereqs.js";
import { measureApply } from "./apply.js";
import { loadNow, machine } from "./machine.js";
import { measureReaction } from "./reaction.js";
import { measureScale } from "./scale.js";
import { LOG_DIR, SYSTEMS } from "./systems.js";

const SECTIONS = ["reaction", "scale", "apply", "memory", "failover"] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string", default: fileURLToPath(new URL("./results", import.meta.url)) },
    only: { type: "string" },
  },
});
const quick = values.quick!;
const only = new Set((values.only?.split(",") ?? SECTIONS) as Section[]);
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section ${s} (${SECTIONS.join(", ")})`);

const missing = rigPrerequisites();
if (missing.length > 0) {
  process.stderr.write(`bench: cannot build the namespace rig, missing: ${missing.join(", ")}\n`);
  process.exit(2);
}

const counts = quick
  ? { cycles: 10, carrierCycles: 0, scale: [1, 8], applyRuns: 3 }
  : { cycles: 40, carrierCycles: 3, scale: [1, 8, 32], applyRuns: 7 };

const results: Record<string, unknown> = { date: new Date().toISOString(), quick, machine: machine() };
const errors: Record<string, string> = {};

async function section(name: string, fn: () => Promise<unknown>): Promise<void> {
  const started = Date.now();
  process.stderr.write(`bench: ${name}...\n`);
  try {
    return await fn().then((r) => {
      process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      return r as void;
    });
  } catch (error) {
    errors[name] = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: ${name} FAILED: ${errors[name]}\n`);
  }
}

if (only.has("reaction")) {
  const reaction: Record<string, unknown> = {};
  for (const system of SYSTEMS) {
    await section(`reaction ${system}`, async () => {
      reaction[system] = await measureReaction(system, counts);
    });
  }
  results.reaction = reaction;
}

if (only.has("scale")) {
  const scale: unknown[] = [];
  for (const links of counts.scale) await section(`scale ${links} links`, async () => void scale.push(await measureScale(links)));
  results.scale = scale;
}

if (only.has("apply")) await section("apply", async () => void (results.apply = await measureApply(counts.applyRuns)));

(results.machine as { load_end: number }).load_end = loadNow();
if (Object.keys(errors).length > 0) results.errors = errors;
const day = (results.date as string).slice(0, 10);
mkdirSync(values.out!, { recursive: true });
writeFileSync(join(values.out!, `${day}.json`), `${JSON.stringify(results, null, 2)}\n`);
process.stderr.write(`bench: wrote ${join(values.out!, `${day}.json`)}; system logs in ${LOG_DIR}\n`);
process.exitCode = Object.keys(errors).length > 0 ? 1 : 0;
