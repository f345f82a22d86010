// What every kernel-touching subcommand needs first: the policy (diagnostics on failure), NetworkManager's
// snapshot and the resident ip processes. Failures become CliErrors with the exit code main.ts uses.
import { InvalidArgumentError, type Command } from "commander";
import { formatDiagnostic, loadPolicy, type Diagnostic } from "../policy/load.js";
import type { NmSnapshot, Policy } from "../model/types.js";
import { assess, openKernelIo, type Assessment, type KernelIo } from "../reconcile.js";
import { CliError, EXIT } from "./exit-codes.js";

export interface PolicyOptions {
  policy?: string;
  root?: string;
}

export function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
}

export async function policyOrFail(opts: PolicyOptions): Promise<Policy> {
  const result = await loadPolicy({ policyFile: opts.policy, root: opts.root });
  if (result.ok) return result.policy;
  printDiagnostics(result.diagnostics);
  throw new CliError("the policy is invalid; nothing was changed", EXIT.failed);
}

/** NetworkManager's devices over D-Bus, with the configured mptcp-flags default from its files. */
export async function snapshotOrFail(): Promise<NmSnapshot> {
  // Loaded here: validate and flush use this module but never talk to NetworkManager (dbus-next and its
  // dependencies: 37 modules in the bundle).
  const { readNmOnce } = await import("../nm/read-once.js");
  try {
    return await readNmOnce();
  } catch (err) {
    const where = process.env.DBUS_SYSTEM_BUS_ADDRESS ?? "the system bus";
    throw new CliError(
      `cannot read NetworkManager on ${where}: ${(err as Error).message}. Is NetworkManager running?`,
      EXIT.unavailable,
    );
  }
}

/** Runs `fn` with the resident ip processes open, and always closes them. */
export async function withKernel<T>(fn: (io: KernelIo) => Promise<T>): Promise<T> {
  const io = openKernelIo();
  try {
    return await fn(io);
  } finally {
    await io.close();
  }
}

/** Option parser for an interval: a number of seconds above 0. */
export function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("a number of seconds above 0");
  return n;
}

/** A subcommand that reads a policy: --policy and --root declared once for all of them. */
export function policyCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option("--policy <file>", "use exactly this policy file (no drop-ins)")
    .option("--root <dir>", "prefix for /etc, /run and /usr/lib when looking for policy files");
}

/** Policy, NetworkManager's snapshot and a plan against the kernel, changing nothing (plan, status, apply --dry-run). */
export async function assessNow(opts: PolicyOptions): Promise<{ policy: Policy; snapshot: NmSnapshot } & Assessment> {
  const policy = await policyOrFail(opts);
  const snapshot = await snapshotOrFail();
  return { policy, snapshot, ...(await withKernel((io) => assess(snapshot, policy, io))) };
}
