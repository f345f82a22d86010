import type { Conflict, Operation } from "../model/types.js";

/** What one family's planner contributes; order.ts puts the operations of all families in order. */
export interface PlanPart {
  ops: Operation[];
  conflicts: Conflict[];
}
