// The pipeline in one place: kernel read → desired → plan → apply → re-read and verify.
// Everything between the reads and the writes is pure; the NetworkManager snapshot is an input, so the
// CLI can read it once and the daemon can pass the copy its signals keep current.
import { applyPlan, type ApplyResult } from "./apply/apply.js";
import { desiredState } from "./desired/index.js";
import { openIpBatch, type IpBatch, type IpOptions } from "./kernel/ip.js";
import { readKernelState, readUnmonitored } from "./kernel/read.js";
import { writeRpFilter } from "./kernel/sysctl.js";
import type { DesiredState, KernelState, Marks, NmSnapshot, Operation, Plan, Policy } from "./model/types.js";
import { planChanges } from "./plan/index.js";

type Batches = { ipv4: IpBatch; ipv6: IpBatch };

/** Resident `ip -json -force -batch -` processes, one per family, that every read and write goes through. */
export interface KernelIo {
  /** Writes (and the CLI's reads). */
  batches: Batches;
  /** Reads: `batches` themselves, or a pair of their own (`readApart`). */
  readers: Batches;
  writeRpFilter(ifname: string, value: number): Promise<void>;
  close(): Promise<void>;
}

export interface KernelIoOptions extends IpOptions {
  /**
   * Reads go through processes of their own, so a write never queues behind a dump (the daemon: a re-read
   * another run no longer waits for may still be running). Costs two more resident processes.
   */
  readApart?: boolean;
}

export function openKernelIo({ readApart = false, ...opts }: KernelIoOptions = {}): KernelIo {
  const open = (): Batches => ({
    ipv4: openIpBatch({ ...opts, family: "inet", json: true }),
    ipv6: openIpBatch({ ...opts, family: "inet6", json: true }),
  });
  const batches = open();
  const readers = readApart ? open() : batches;
  return {
    batches,
    readers,
    writeRpFilter: (ifname, value) => writeRpFilter(ifname, value),
    close: async () => {
      await Promise.all([...new Set([batches, readers])].flatMap((b) => [b.ipv4.close(), b.ipv6.close()]));
    },
  };
}

/** The kernel's current state through the resident processes. */
export function readCurrent(io: KernelIo, marks: Marks): Promise<KernelState> {
  return readKernelState({ v4: io.readers.ipv4, v6: io.readers.ipv6 }, marks);
}

/** `known` with what no kernel event announces (endpoints, limits, sysctls) read again. */
export async function refreshUnmonitored(io: KernelIo, known: KernelState): Promise<KernelState> {
  return { ...known, ...(await readUnmonitored(io.readers.ipv4)) };
}

export interface Assessment {
  current: KernelState;
  desired: DesiredState;
  plan: Plan;
}

/** Plans against `known` when the caller knows the kernel's state, else reads it first; changes nothing. */
export async function assess(
  snapshot: NmSnapshot,
  policy: Policy,
  io: KernelIo,
  known?: KernelState,
): Promise<Assessment> {
  return assessAgainst(snapshot, policy, known ?? (await readCurrent(io, policy.marks)));
}

function assessAgainst(snapshot: NmSnapshot, policy: Policy, current: KernelState): Assessment {
  const desired = desiredState(snapshot, current, policy);
  return { current, desired, plan: planChanges(desired, current, policy.marks) };
}

/** A plan applied, not yet re-read. */
export interface Applied extends Assessment {
  applied: ApplyResult;
  /** performance.now() when each stage ended (debug logs time the reaction path with them). */
  at: { planned: number; applied?: number };
}

export interface Outcome extends Applied {
  /** What a re-read still finds to do after applying: empty when the kernel matches the policy. */
  remaining: Operation[];
  /** The kernel as the last read saw it (after applying, when anything was applied). */
  final: KernelState;
  at: Applied["at"] & { verified?: number };
}

/**
 * Plans against `known` (or a fresh read when the caller has none) and applies; a failed operation is
 * reported, never thrown. The daemon passes the state its last run read back, patched with the kernel's
 * events since, so an address costs a plan and one batch round trip before its endpoint is in. With `known`,
 * the first write is handed to ip before this returns its promise (nothing is awaited on the way).
 */
export async function planAndApply(snapshot: NmSnapshot, policy: Policy, io: KernelIo, known?: KernelState): Promise<Applied> {
  const before = known === undefined ? await assess(snapshot, policy, io) : assessAgainst(snapshot, policy, known);
  const planned = performance.now();
  if (before.plan.operations.length === 0) return { ...before, applied: { applied: [], failed: [] }, at: { planned } };
  const applied = await applyPlan(before.plan, io);
  return { ...before, applied, at: { planned, applied: performance.now() } };
}

/** The re-read after applying, which decides: what is still to do, and the kernel as it now is. */
export async function verify(snapshot: NmSnapshot, policy: Policy, io: KernelIo, run: Applied): Promise<Outcome> {
  const after = await assess(snapshot, policy, io);
  return { ...run, remaining: after.plan.operations, final: after.current, at: { ...run.at, verified: performance.now() } };
}

/** A run that applied nothing: what it planned against is how the kernel is. */
export function unchanged(run: Applied): Outcome {
  return { ...run, remaining: [], final: run.current };
}

/** One level-triggered reconcile: plan, apply, and re-read whenever anything was applied. */
export async function reconcile(
  snapshot: NmSnapshot,
  policy: Policy,
  io: KernelIo,
  known?: KernelState,
): Promise<Outcome> {
  const run = await planAndApply(snapshot, policy, io, known);
  return run.plan.operations.length === 0 ? unchanged(run) : verify(snapshot, policy, io, run);
}

/** A desired state that wants nothing: planning against it sweeps every object we own and leaves limits alone. */
export function nothingWanted(): DesiredState {
  const keep = { kind: "at-least", value: 0 } as const;
  return { devices: [], held: [], endpoints: [], routing: [], limits: { subflows: keep, addAddrAccepted: keep }, rpFilterLoose: [] };
}

/** Removes every object we own (by the marks), re-reads, and says what is still owned; limits stay. */
export async function sweep(marks: Marks, io: KernelIo): Promise<Pick<Outcome, "plan" | "applied" | "remaining">> {
  const read = () => readCurrent(io, marks);
  const plan = planChanges(nothingWanted(), await read(), marks);
  const applied = await applyPlan(plan, io);
  return { plan, applied, remaining: planChanges(nothingWanted(), await read(), marks).operations };
}
