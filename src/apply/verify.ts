// Verification is the planner's own judgement: after apply, re-read the kernel and re-plan; an
// empty plan means the kernel holds what the policy wants. Nothing here compares objects itself,
// so verify can never disagree with plan.

import type { Operation, Plan } from "../model/types.js";

export type VerifyResult = { ok: true } | { ok: false; remaining: Operation[] };

export interface VerifyOptions {
  /** Re-plans before giving up (≥ 1): later attempts absorb changes that settle just after apply. */
  attempts: number;
  /** Pause between attempts. */
  delayMs?: number;
}

export async function verify(replan: () => Promise<Plan>, opts: VerifyOptions): Promise<VerifyResult> {
  if (!Number.isInteger(opts.attempts) || opts.attempts < 1) {
    throw new RangeError(`verify needs at least one attempt, got ${opts.attempts}`);
  }
  let remaining: Operation[] = [];
  for (let attempt = 1; attempt <= opts.attempts; attempt++) {
    if (attempt > 1 && opts.delayMs) await new Promise((resolve) => setTimeout(resolve, opts.delayMs));
    remaining = (await replan()).operations;
    if (remaining.length === 0) return { ok: true };
  }
  return { ok: false, remaining };
}
