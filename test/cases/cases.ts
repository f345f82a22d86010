// The case directories: NetworkManager snapshot + kernel state + normalised policy in, the expected plan out.
// Shared by the test that compares (test/unit/plan/cases.test.ts) and the script that rewrites plan.json
// (update.ts), so a rewrite can never happen inside a test run and make it pass.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { desiredState } from "../../src/desired/index.js";
import { planChanges } from "../../src/plan/index.js";
import type { KernelState, NmSnapshot, Plan, Policy } from "../../src/model/types.js";

export const casesDir = fileURLToPath(new URL(".", import.meta.url));

export function readCase<T>(name: string, file: string): T {
  return JSON.parse(readFileSync(join(casesDir, name, file), "utf8")) as T;
}

export function caseNames(): string[] {
  return readdirSync(casesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** The plan the code makes today for one case. */
export function planCase(name: string): Plan {
  const snapshot = readCase<NmSnapshot>(name, "snapshot.json");
  const kernel = readCase<KernelState>(name, "kernel.json");
  const policy = readCase<Policy>(name, "policy.json");
  return planChanges(desiredState(snapshot, kernel, policy), kernel, policy.marks);
}
