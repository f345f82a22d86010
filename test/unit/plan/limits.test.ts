import { describe, expect, it } from "vitest";
import { planLimits } from "../../../src/plan/limits.js";
import type { LimitTarget } from "../../../src/model/types.js";

const atLeast = (value: number): LimitTarget => ({ kind: "at-least", value });
const exact = (value: number): LimitTarget => ({ kind: "exact", value });

describe("planLimits", () => {
  it.each([
    { name: "at-least, below → raised", subflows: atLeast(3), add: atLeast(3), current: [2, 0], expected: [3, 3] },
    { name: "at-least, above → kept", subflows: atLeast(2), add: atLeast(2), current: [8, 8], expected: null },
    { name: "at-least, one below → both carried, other kept", subflows: atLeast(2), add: atLeast(2), current: [5, 1], expected: [5, 2] },
    { name: "at-least, equal → nothing", subflows: atLeast(2), add: atLeast(2), current: [2, 2], expected: null },
    { name: "exact, higher → lowered", subflows: exact(1), add: exact(0), current: [8, 8], expected: [1, 0] },
    { name: "exact, equal → nothing", subflows: exact(4), add: exact(4), current: [4, 4], expected: null },
    { name: "mixed", subflows: exact(2), add: atLeast(3), current: [5, 4], expected: [2, 4] },
  ])("$name", ({ subflows, add, current, expected }) => {
    const ops = planLimits(
      { limits: { subflows, addAddrAccepted: add } },
      { subflows: current[0]!, addAddrAccepted: current[1]! },
    );
    expect(ops.map((op) => (op.op === "limits-set" ? [op.limits.subflows, op.limits.addAddrAccepted] : op.op))).toEqual(
      expected ? [expected] : [],
    );
  });
});
