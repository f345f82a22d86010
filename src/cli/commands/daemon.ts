import { setFlagsFromString } from "node:v8";
import { InvalidArgumentError, Option, type Command } from "commander";
import { DEFAULT_RUN_DIR } from "../../apply/lock.js";
import { startDaemon } from "../../daemon/daemon.js";
import { createLogger, LOG_FORMATS, LOG_LEVELS, type LogFormat } from "../../log.js";
import { loadPolicy } from "../../policy/load.js";
import { EXIT } from "../exit-codes.js";
import { policyCommand, policyOrFail, positiveSeconds, type PolicyOptions } from "../session.js";

interface DaemonCliOptions extends PolicyOptions {
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat?: LogFormat;
  resyncInterval: number;
  flushOnExit?: boolean;
  metricsFile?: string;
  metricsInterval: number;
}

export function registerDaemon(program: Command): void {
  policyCommand(program, "daemon", "Follow NetworkManager and the kernel and keep MPTCP endpoints, limits and routing right")
    // choices(): commander rejects another value with a message (an error thrown in the action is not shown).
    .addOption(new Option("--log-level <level>", "least severe level logged").choices(LOG_LEVELS).default("info"))
    .addOption(
      new Option("--log-format <format>", "text or json (default: text on the journal or a terminal, json otherwise)").choices(LOG_FORMATS),
    )
    .option("--resync-interval <seconds>", "full reconcile this often even without events; 0 = never", seconds, 300)
    .option("--flush-on-exit", "on SIGTERM/SIGINT remove what mptcp-policy owns instead of leaving it in place")
    .option("--metrics-file <path>", "write metrics in the Prometheus text format to this file (for node_exporter's textfile collector)")
    .option("--metrics-interval <seconds>", "rewrite the metrics file this often", positiveSeconds, 15)
    .action(async (opts: DaemonCliOptions) => {
      // V8's heap growth heuristics for a small resident heap. Over 1000 link flaps (bench/memory.ts) RSS grew
      // 13.4-14.5 % in four runs without --heap-growing-percent=25 and 5.4-7.0 % in three with it. Under
      // node --trace-gc both showed the same 55 full collections (all memory-reducer ones) and the same live
      // heap after each (6.0-6.9 MB, first flap to last): the flag changed no collection of V8's own heap, so
      // no pause was added. Later runs with it varied from 3.8 to 13.7 % (README "Performance": the old
      // generation cycles between the live heap and live + 8 MB, and the sample lands anywhere in that cycle).
      // The unit passes the flags V8 only reads at start (--lite-mode, the young generation's size) on node's
      // command line.
      setFlagsFromString("--optimize-for-size");
      setFlagsFromString("--heap-growing-percent=25");
      const policy = await policyOrFail(opts);
      const log = createLogger({ level: opts.logLevel, format: opts.logFormat });
      const daemon = startDaemon({
        policy,
        loadPolicy: () => loadPolicy({ policyFile: opts.policy, root: opts.root }),
        runDir: DEFAULT_RUN_DIR,
        resyncMs: opts.resyncInterval * 1000,
        flushOnExit: opts.flushOnExit ?? false,
        ...(opts.metricsFile !== undefined && { metrics: { file: opts.metricsFile, intervalMs: opts.metricsInterval * 1000 } }),
        log,
      });
      // Reloads one after the other: a second SIGHUP during a reload reads the file again afterwards.
      let reloading = Promise.resolve();
      process.on("SIGHUP", () => {
        log.info("SIGHUP: reloading the policy");
        reloading = reloading.then(() => daemon.reload());
      });
      const stopped = new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          log.info({ signal }, "stopping");
          process.removeAllListeners("SIGTERM").removeAllListeners("SIGINT");
          void daemon.stop().then(resolve);
        };
        process.once("SIGTERM", stop).once("SIGINT", stop);
      });
      try {
        await daemon.started;
      } catch (error) {
        log.fatal({ error: (error as Error).message }, "cannot start");
        await daemon.stop();
        process.exit(EXIT.unavailable);
      }
      await stopped;
      // Nothing of ours is left to wait for; a straggling handle (D-Bus socket) must not hold the exit.
      process.exit(EXIT.ok);
    });
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("a number of seconds, 0 or more");
  return n;
}
