import { describe, expect, it } from "vitest";
import type { Plan } from "../../../src/model/types.js";
import { caseNames, planCase, readCase } from "../../cases/cases.js";

// Each directory under test/cases is one scenario. The test only compares: expected plans are rewritten by
// `npm run update:cases` (test/cases/update.ts), never by a test run.
describe("plan cases", () => {
  const names = caseNames();

  it("finds the cases", () => {
    expect(names.length).toBeGreaterThan(0);
  });

  it.each(names)("%s", (name) => {
    expect(planCase(name)).toEqual(readCase<Plan>(name, "plan.json"));
  });
});
