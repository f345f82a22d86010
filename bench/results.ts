// The shape of bench/results/<date>.json: the contract other tools read.
import type { ApplyResult } from "./apply.js";
import type { FailoverResult } from "./failover.js";
import type { Machine } from "./machine.js";
import type { MemoryResult } from "./memory.js";
import type { ReactionResult } from "./reaction.js";
import type { ScaleResult } from "./scale.js";
import type { SystemName } from "./systems.js";
import type { TargetCheck } from "./targets.js";

export interface Results {
  date: string;
  /** --quick: small counts, not comparable with a full run's tails. */
  quick: boolean;
  machine: Machine;
  reaction?: Partial<Record<SystemName, ReactionResult>>;
  scale?: ScaleResult[];
  apply?: ApplyResult;
  memory?: MemoryResult;
  failover?: Partial<Record<"mptcp-policy" | "networkmanager", FailoverResult>>;
  targets?: TargetCheck[];
  /** Sections that failed, with the error. */
  errors?: Record<string, string>;
}
