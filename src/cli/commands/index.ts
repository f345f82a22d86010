import type { Command } from "commander";
import { registerDoctor } from "./doctor.js";
import { registerValidate } from "./validate.js";

/** Each subcommand lives in its own file and registers itself on the program. */
export const commands: ((program: Command) => void)[] = [registerValidate, registerDoctor];
