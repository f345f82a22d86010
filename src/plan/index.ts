import type { Conflict, DesiredState, KernelState, Marks, Plan } from "../model/types.js";
import { planEndpoints } from "./endpoints.js";
import { heldObjects } from "./hold.js";
import { planLimits } from "./limits.js";
import { orderOperations } from "./order.js";
import { planRouting } from "./routing.js";
import { planRpFilter } from "./rp-filter.js";

export { describeOperation } from "./describe.js";

/** The ordered operations that take the kernel from `current` to `desired`; pure, and empty when nothing differs. */
export function planChanges(desired: DesiredState, current: KernelState, marks: Marks): Plan {
  const held = heldObjects(desired, current, marks);
  const endpoints = planEndpoints(desired, current.endpoints, marks, held);
  const routing = planRouting(desired, current, marks, held);
  return {
    operations: orderOperations([
      ...planLimits(desired, current.limits),
      ...endpoints.ops,
      ...routing.ops,
      ...planRpFilter(desired, current),
    ]),
    conflicts: [...endpoints.conflicts, ...routing.conflicts].sort(
      (a, b) => a.device.localeCompare(b.device) || a.kind.localeCompare(b.kind) || addressOf(a).localeCompare(addressOf(b)),
    ),
  };
}

const addressOf = (c: Conflict): string => ("address" in c ? c.address : "");
