import type { Command } from "commander";
import { asksOnlyVersion } from "../version.js";

type Register = (program: Command) => void;

/**
 * Each subcommand lives in its own file and registers itself on the program. They are imported on demand:
 * a run loads only the subcommand it names (its modules are most of a one-shot run's start-up time).
 */
export const commands: Record<string, () => Promise<Register>> = {
  apply: async () => (await import("./apply.js")).registerApply,
  plan: async () => (await import("./plan.js")).registerPlan,
  status: async () => (await import("./status.js")).registerStatus,
  flush: async () => (await import("./flush.js")).registerFlush,
  validate: async () => (await import("./validate.js")).registerValidate,
  doctor: async () => (await import("./doctor.js")).registerDoctor,
  daemon: async () => (await import("./daemon.js")).registerDaemon,
};

/**
 * The subcommands a command line needs registered: the one it names; none for a bare --version; every one
 * otherwise (help lists them all, and an unknown name gets commander's "did you mean").
 */
export function commandsFor(args: readonly string[]): (() => Promise<Register>)[] {
  const named = args.find((a) => !a.startsWith("-"));
  if (named !== undefined && Object.hasOwn(commands, named)) return [commands[named]!];
  if (asksOnlyVersion(args)) return [];
  return Object.values(commands);
}
