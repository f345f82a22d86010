import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { desiredState } from "../../../src/desired/index.js";
import { planChanges } from "../../../src/plan/index.js";
import type { KernelState, NmSnapshot, Plan, Policy } from "../../../src/model/types.js";

// Each directory under test/cases is one scenario: NetworkManager snapshot + kernel state + normalised
// policy in, the expected plan out. `UPDATE_CASES=1` rewrites plan.json; review every such diff by hand.
const casesDir = fileURLToPath(new URL("../../cases/", import.meta.url));
const update = process.env["UPDATE_CASES"] === "1";
const read = <T>(dir: string, file: string): T => JSON.parse(readFileSync(join(casesDir, dir, file), "utf8")) as T;

describe("plan cases", () => {
  const names = readdirSync(casesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

  it("finds the cases", () => {
    expect(names.length).toBeGreaterThan(0);
  });

  it.each(names)("%s", (name) => {
    const snapshot = read<NmSnapshot>(name, "snapshot.json");
    const kernel = read<KernelState>(name, "kernel.json");
    const policy = read<Policy>(name, "policy.json");
    const plan = planChanges(desiredState(snapshot, kernel, policy), kernel, policy.marks);
    if (update) writeFileSync(join(casesDir, name, "plan.json"), `${JSON.stringify(plan, null, 2)}\n`);
    else expect(plan).toEqual(read<Plan>(name, "plan.json"));
  });
});
