// The daemon's composition root. Triggers (NetworkManager signals, kernel address and link events, the
// resync timer, SIGHUP) only request a reconcile; the loop runs one at a time, each under the apply lock,
// planning from the kernel's state (cached or read, see FirstRead) and NetworkManager's snapshot, which the
// watch keeps current; the last run of a burst re-reads the kernel to verify.
import { acquireLock, lockClaim, writeDaemonPidFile } from "../apply/lock.js";
import { watchKernel, type KernelEvent } from "../kernel/monitor.js";
import type { Logger } from "../log.js";
import type { Policy } from "../model/types.js";
import { connectNmBus, type NmBus } from "../nm/bus.js";
import { watchNetworkManager, type NmWatch } from "../nm/watch.js";
import { DeviceState, deviceStateName } from "../nm/nm-enums.js";
import { formatDiagnostic, type LoadResult } from "../policy/load.js";
import { openKernelIo, planAndApply, refreshUnmonitored, sweep, unchanged, verify, type Applied, type Outcome } from "../reconcile.js";
import type { KernelState, NmSnapshot } from "../model/types.js";
import { locateNmConf, readNmConf, type NmConfPaths } from "../nm/conf.js";
import { watchNmConf, type NmConfWatch } from "../nm/conf-watch.js";
import { isNeighbourNoise, patchKnown, withApplied } from "./kernel-cache.js";
import { serialLoop } from "./loop.js";
import { startMetricsFile, type MetricsFileOptions } from "./metrics.js";
import { conflictReporter, heldReporter, reportOperations, stageTimes } from "./report.js";

export interface DaemonOptions {
  policy: Policy;
  /** Loads the policy again (SIGHUP). */
  loadPolicy: () => Promise<LoadResult>;
  /** Holds the apply lock and the pid file. */
  runDir: string;
  /** Full reconcile this often even without events (repairs drift nobody signals); 0 = never. */
  resyncMs: number;
  /** On stop, remove everything we own instead of leaving it in place. */
  flushOnExit: boolean;
  log: Logger;
  connectBus?: () => Promise<NmBus>;
  /** Write metrics (and only then read the MPTCP sockets) to this file at this interval. */
  metrics?: MetricsFileOptions;
  /** Manage this network namespace through `ip -n` instead of the daemon's own (tests; rp_filter excepted). */
  netns?: string;
}

export interface Daemon {
  /** Resolves after the first NetworkManager read and the first reconcile request. */
  started: Promise<void>;
  reload(): Promise<void>;
  stop(): Promise<void>;
}

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** A reconcile still running at stop (e.g. waiting for a CLI apply's lock) is not waited for longer. */
const STOP_WAIT_MS = 1_000;

/** Reasons that the kernel cache follows (address and link events) start with this. */
const KERNEL_REASON = "kernel event: ";
/** `nm <interface>`: NetworkManager's facts for one device changed; `nm all`: it was read in full (a restart). */
const NM_REASON = "nm ";
const NM_ALL = "nm all";
/** NetworkManager signalled a teardown state (TEARDOWN_STATES), before the device was re-read. */
const NM_STATE_REASON = "nm state: ";
/**
 * States NetworkManager signals when it takes a link down on purpose, in which a device gets nothing (see
 * deviceCounts): acted on before the device's re-read. Not UNMANAGED or UNAVAILABLE: a restarted
 * NetworkManager signals those for every device it is about to re-assume (measured with 1.42: 10 → 20 → 30
 * → 40 ... within 30 ms of owning its name), and not DISCONNECTED, which counts as coming up while the link
 * still holds addresses.
 */
const TEARDOWN_STATES: ReadonlySet<number> = new Set([DeviceState.Deactivating, DeviceState.Failed]);

/**
 * What a run reads before planning. Kernel events alone change only what the cache follows ("cache"). A
 * NetworkManager device signal may come with endpoints or limits NetworkManager wrote itself, which no
 * event announces: those are re-read on top of the cache ("unmonitored"), not the whole kernel, so a burst
 * of device signals (32 links activating) does not hold the address events behind full reads. Anything else
 * (start, resync, reload, retry, a NetworkManager restart, a CLI apply that held the lock) reads it all.
 * A state signalled at once (a device going down) only takes away: the cache serves, and what NetworkManager
 * wrote meanwhile is read by the run the device's re-read requests.
 */
export type FirstRead = "cache" | "unmonitored" | "full";

export function firstRead(reasons: readonly string[], cacheUsable: boolean): FirstRead {
  if (!cacheUsable) return "full";
  const isNmDevice = (r: string) => r.startsWith(NM_REASON) && r !== NM_ALL;
  if (reasons.every((r) => r.startsWith(KERNEL_REASON) || r.startsWith(NM_STATE_REASON))) return "cache";
  return reasons.every((r) => r.startsWith(KERNEL_REASON) || isNmDevice(r)) ? "unmonitored" : "full";
}

/**
 * Address and link changes come from NetworkManager or an admin, and so do the main table's default routes
 * (a link's gateway, often known there before NetworkManager's D-Bus view of the link is read). Other route
 * and rule events also follow our own writes: reacting to them would loop, so their drift waits for the resync.
 */
export function kernelTrigger(event: KernelEvent): string | undefined {
  switch (event.kind) {
    case "address-added":
    case "address-removed":
      return `${KERNEL_REASON}${event.kind} ${event.address} ${event.ifname}`;
    case "link":
      return `${KERNEL_REASON}link ${event.ifname} ${event.up ? "up" : "down"}`;
    case "link-removed":
      return `${KERNEL_REASON}link ${event.ifname} removed`;
    case "main-default":
      return `${KERNEL_REASON}main default route via ${event.gateway} dev ${event.dev} ${event.added ? "added" : "removed"}`;
    case "ra-prefix":
      return `${KERNEL_REASON}advertised prefix ${event.dst} dev ${event.dev} ${event.added ? "added" : "removed"}`;
    case "router":
      return `${KERNEL_REASON}router ${event.address} dev ${event.dev} ${event.usable ? "usable" : "gone"}`;
    case "monitor-restarted":
      return "kernel monitor restarted";
    default:
      return undefined;
  }
}

export function startDaemon(opts: DaemonOptions): Daemon {
  const log = opts.log;
  const io = openKernelIo({ netns: opts.netns, readApart: true });
  const applyLock = lockClaim(opts.runDir);
  const reportConflicts = conflictReporter(log.child({ component: "plan" }));
  const reportHeld = heldReporter(log.child({ component: "plan" }));
  let policy = opts.policy;
  let watch: NmWatch | undefined;
  /** No NetworkManager read yet: an empty snapshot would sweep every link, so nothing is reconciled. */
  let nmSeen = false;
  let stopping = false;
  let retryMs = RETRY_FIRST_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;
  let wakeConnect: (() => void) | undefined;
  /** What the last reconcile read back, patched with address and link events since; undefined: read first. */
  let known: KernelState | undefined;
  /** `known` holds writes of a run that left its re-read to the next run: that run re-reads, whatever it applies. */
  let unverified = false;
  /**
   * Kernel events since the current reconcile started: its final read may have come before them, so they are
   * applied again on top of it (each patch is idempotent: an address or route added twice is there once).
   */
  let eventsDuringRun: KernelEvent[] = [];
  /** NetworkManager's configuration facts (mptcp-flags default); empty until read (then treated as none). */
  let nmConf: Pick<NmSnapshot, "mptcpDefault" | "confChangedSinceStart"> = {};
  let confPaths: NmConfPaths | undefined;
  let confWatch: NmConfWatch | undefined;
  const metrics = opts.metrics && startMetricsFile({ ...opts.metrics, log: log.child({ component: "metrics" }) });

  const scheduleRetry = () => {
    if (retryTimer !== undefined || stopping) return;
    log.info({ retryMs }, "will reconcile again");
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      loop.request("retry");
    }, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  const runReconcile = async (reasons: string[], requestedAt: number) => {
    if (!nmSeen || watch === undefined) return;
    const started = performance.now();
    // Taken without a wait when free, so that a run started at once (requestNow) reaches its write unbroken.
    const lock = applyLock.tryAcquire() ?? (await applyLock.waitFor());
    const lockMs = Number((performance.now() - started).toFixed(2));
    // A lock that did not come at once was held by a CLI apply, which may have changed anything. (Not
    // judged by lockMs: on a loaded machine the lock's few syscalls alone took over 1 ms.)
    const cached = known;
    const read = firstRead(reasons, cached !== undefined && !lock.contended);
    eventsDuringRun = [];
    let outcome: Outcome | undefined;
    /** The re-read began and a request came before it ended. */
    let dropped = false;
    let run: Applied;
    try {
      const snapshot = { ...watch.snapshot(), ...nmConf };
      const current =
        cached === undefined || read === "full" ? undefined : read === "cache" ? cached : await refreshUnmonitored(io, cached);
      run = await planAndApply(snapshot, policy, io, current);
      const toVerify = run.plan.operations.length > 0 || (unverified && read !== "full");
      // A run is waiting (the next address of a burst, the gateway right after an address): it plans from
      // these writes and the last run of the burst re-reads, so this run's re-read would only delay it. A
      // request during the re-read drops it the same way (it goes on in the readers, never before a write).
      if (!toVerify) outcome = unchanged(run);
      else if (!loop.pending()) {
        outcome = await verifyUnlessRequested(snapshot, run);
        dropped = outcome === undefined;
      }
    } finally {
      await lock.release();
    }
    unverified = outcome === undefined;
    const final = outcome?.final ?? withApplied(run.current, run.applied.applied);
    known = eventsDuringRun.reduce<KernelState | undefined>((k, e) => k && patchKnown(k, e), final);
    const ms = Number((performance.now() - started).toFixed(2));
    const held = run.desired.held.length;
    log.debug({
      reasons, ms, lockMs, read, operations: run.plan.operations.length, held,
      ...(unverified && { verified: dropped ? "by the next run (re-read dropped)" : "by the next run" }), stages: stageTimes(requestedAt, started, outcome?.at ?? run.at),
    }, "reconciled");
    metrics?.reconciled({
      seconds: ms / 1000, conflicts: run.plan.conflicts.length, addresses: final.addresses,
      managed: run.desired.devices.map((d) => d.device),
    });
    const remaining = outcome?.remaining ?? [];
    const unfinished = run.applied.failed.length > 0 || remaining.length > 0;
    // What the re-read still finds either follows news that came during the run (a gateway's default route
    // right after the address: the run that news requested handles it, from the cache) or, with no news,
    // means the cache missed drift nobody announces: then a full reconcile decides.
    const news = eventsDuringRun.some((e) => e.kind !== "route" && e.kind !== "rule");
    if (unfinished && read !== "full" && !news) {
      known = undefined;
      loop.request("recheck");
    }
    // A run from the cache that missed, or a link that changed again while we applied (a flap): the run
    // requested next owns what is left over, so it is no warning yet.
    if (unfinished && loop.pending()) {
      reportOperations(log.child({ component: "apply" }), { applied: { ...run.applied, failed: [] }, remaining: [] });
      log.debug({ failed: run.applied.failed.length, remaining: remaining.length }, "running again");
    } else {
      reportOperations(log.child({ component: "apply" }), { applied: run.applied, remaining });
      if (unfinished) scheduleRetry();
      else retryMs = RETRY_FIRST_MS;
    }
    reportConflicts(run.plan.conflicts);
    reportHeld(run.desired.held);
  };

  const verifyUnlessRequested = (snapshot: NmSnapshot, run: Applied): Promise<Outcome | undefined> => {
    const verified = verify(snapshot, policy, io, run);
    verified.catch(() => undefined); // dropped: its error is the next run's to meet
    return Promise.race([verified, loop.requested().then(() => undefined)]);
  };

  const loop = serialLoop(runReconcile, (error) => {
    log.error({ error: (error as Error).message }, "reconcile failed");
    scheduleRetry();
  });

  const nmLog = log.child({ component: "nm" });

  /**
   * Re-reads NetworkManager's configuration (where its command line says it is) and says whether the
   * mptcp-flags default changed; the files are watched from then on, so a drop-in installed later is seen.
   */
  const refreshNmConf = async (): Promise<boolean> => {
    if (watch === undefined) return false;
    const paths = await locateNmConf(await watch.nmPid().catch(() => undefined));
    if (JSON.stringify(paths) !== JSON.stringify(confPaths)) {
      confWatch?.close();
      confPaths = paths;
      confWatch = watchNmConf(paths, (file) => void onNmConfChange(`NetworkManager configuration file changed: ${file}`));
    }
    const next = await readNmConf(paths);
    if (JSON.stringify(next) === JSON.stringify(nmConf)) return false;
    nmConf = next;
    const value = next.mptcpDefault;
    nmLog.info(
      {
        ...(value ? { mptcpFlags: `0x${value.value.toString(16)}`, file: value.file } : { mptcpFlags: "unset" }),
        ...(next.confChangedSinceStart && { changedSinceStart: true }),
      },
      "NetworkManager's configured default for connection.mptcp-flags",
    );
    return true;
  };
  const onNmConfChange = async (reason: string) => {
    if (stopping) return;
    if (await refreshNmConf().catch(() => false)) loop.request(reason);
  };

  const onNmChange = (change: string) => {
    if (change === "all") {
      nmSeen = true;
      nmLog.info("read NetworkManager in full");
      // A new NetworkManager (restart) may run with another command line: its configuration is read first.
      void refreshNmConf().catch(() => false).finally(() => loop.request(NM_ALL));
      return;
    }
    loop.request(`${NM_REASON}${change}`);
  };

  // Until the bus answers (booting before D-Bus, a restarting bus daemon): keep trying, change nothing.
  const connectWatch = async (): Promise<NmWatch | undefined> => {
    for (let delay = 100; !stopping; delay = Math.min(delay * 2, 5_000)) {
      try {
        return await watchNetworkManager(opts.connectBus ?? (() => connectNmBus()), onNmChange, {
          onError: (error) => nmLog.warn({ error: error.message }, "NetworkManager watch"),
          beforeRead: () => loop.idle(),
          statesAtOnce: {
            take: (state) => TEARDOWN_STATES.has(state),
            // At once: dbus-next parses every message of the batch NetworkManager sends with the signal
            // before a queued run could start (up to 3.6 ms in the bench), and the address goes 1.5-2.5 ms
            // after the signal: the endpoint's delete is handed to ip before this handler returns.
            onState: (iface, state) => loop.requestNow(`${NM_STATE_REASON}${iface} ${deviceStateName(state)}`),
          },
        });
      } catch (error) {
        nmLog.warn({ error: (error as Error).message, retryMs: delay }, "cannot reach NetworkManager on the bus");
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wakeConnect = () => (clearTimeout(timer), resolve());
        });
      }
    }
    return undefined;
  };

  const kernel = watchKernel((event) => {
    eventsDuringRun.push(event);
    const before = known;
    known = known && patchKnown(known, event);
    const reason = kernelTrigger(event);
    if (reason !== undefined && !isNeighbourNoise(event, before, known)) loop.request(reason);
  }, { netns: opts.netns });

  const pidFile = writeDaemonPidFile(opts.runDir);
  const started = (async () => {
    await pidFile;
    // The writers start now rather than with the first write, which would wait for the spawn (5-20 ms).
    io.batches.ipv4.prestart();
    io.batches.ipv6.prestart();
    watch = await connectWatch();
    if (watch === undefined) return;
    nmSeen = watch.snapshot().version !== undefined;
    if (!nmSeen) nmLog.warn("NetworkManager is not on the bus; waiting for it and changing nothing");
    await refreshNmConf().catch((error: Error) => nmLog.warn({ error: error.message }, "cannot read NetworkManager's configuration"));
    log.info({ devices: watch.snapshot().devices.length, resyncS: opts.resyncMs / 1000 }, "started");
    loop.request("start");
    if (opts.resyncMs > 0) {
      resyncTimer = setInterval(() => void refreshNmConf().catch(() => false).finally(() => loop.request("resync")), opts.resyncMs);
    }
  })();

  return {
    started,
    async reload() {
      await onNmConfChange("reload: NetworkManager configuration changed");
      const result = await opts.loadPolicy();
      if (!result.ok) {
        for (const d of result.diagnostics) log.error({ file: d.file, line: d.line, col: d.col }, formatDiagnostic(d));
        log.error("policy reload failed; keeping the current policy");
        metrics?.reloadFailed();
        return;
      }
      if (JSON.stringify(result.policy) === JSON.stringify(policy)) {
        log.info({ sources: result.sources }, "policy reloaded, unchanged");
        // Still a full reconcile: what nothing announces (NetworkManager rewriting endpoints when a device is
        // reapplied, see README "Installing") is repaired now instead of at the next resync.
        loop.request("reload");
        return;
      }
      policy = result.policy;
      log.info({ sources: result.sources }, "policy reloaded");
      loop.request("reload");
    },
    async stop() {
      stopping = true;
      wakeConnect?.();
      clearTimeout(retryTimer);
      clearInterval(resyncTimer);
      const timedOut = await Promise.race([
        loop.stop().then(() => false),
        new Promise<boolean>((resolve) => setTimeout(resolve, STOP_WAIT_MS, true).unref()),
      ]);
      if (timedOut) log.warn("stopping while a reconcile is still running");
      await started.catch(() => undefined);
      confWatch?.close();
      await Promise.all([kernel.stop(), watch?.close(), metrics?.stop()]);
      if (opts.flushOnExit && !timedOut) await flushOwned();
      applyLock.close();
      await io.close();
      await (await pidFile.catch(() => undefined))?.remove();
      log.info("stopped");
    },
  };

  async function flushOwned() {
    const lock = await acquireLock(opts.runDir, { timeoutMs: STOP_WAIT_MS });
    try {
      const outcome = await sweep(policy.marks, io);
      reportOperations(log.child({ component: "apply" }), outcome);
    } finally {
      await lock.release();
    }
  }
}
