import type { Command } from "commander";
import { registerApply } from "./apply.js";
import { registerDaemon } from "./daemon.js";
import { registerDoctor } from "./doctor.js";
import { registerFlush } from "./flush.js";
import { registerPlan } from "./plan.js";
import { registerStatus } from "./status.js";
import { registerValidate } from "./validate.js";

/** Each subcommand lives in its own file and registers itself on the program. */
export const commands: ((program: Command) => void)[] = [
  registerApply,
  registerPlan,
  registerStatus,
  registerFlush,
  registerValidate,
  registerDoctor,
  registerDaemon,
];
