import { describe, expect, it } from "vitest";
import { verify } from "../../../src/apply/verify.js";
import type { Plan } from "../../../src/model/types.js";
import { limitsSet, routeAdd, default4 } from "./ops.js";

const plans = (...sequence: Plan["operations"][]) => {
  let calls = 0;
  const replan = async (): Promise<Plan> => ({ operations: sequence[Math.min(calls++, sequence.length - 1)]!, conflicts: [] });
  return { replan, calls: () => calls };
};

describe("verify", () => {
  it("is ok when the re-plan is empty, without further attempts", async () => {
    const p = plans([]);
    expect(await verify(p.replan, { attempts: 3 })).toEqual({ ok: true });
    expect(p.calls()).toBe(1);
  });

  it("retries and succeeds when the kernel settles", async () => {
    const p = plans([limitsSet(2, 2)], []);
    expect(await verify(p.replan, { attempts: 2 })).toEqual({ ok: true });
    expect(p.calls()).toBe(2);
  });

  it("reports what the last re-plan still wants", async () => {
    const p = plans([limitsSet(2, 2)], [routeAdd(default4)]);
    expect(await verify(p.replan, { attempts: 2, delayMs: 1 })).toEqual({ ok: false, remaining: [routeAdd(default4)] });
    expect(p.calls()).toBe(2);
  });

  it("refuses zero attempts", async () => {
    await expect(verify(plans([]).replan, { attempts: 0 })).rejects.toThrow(/at least one attempt/);
  });
});
