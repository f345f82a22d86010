import { setFlagsFromString } from "node:v8";
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_RUN_DIR } from "../../apply/lock.js";
import { startDaemon } from "../../daemon/daemon.js";
import { createLogger, isLogLevel, LOG_LEVELS } from "../../log.js";
import { loadPolicy } from "../../policy/load.js";
import { EXIT } from "../exit-codes.js";
import { policyCommand, policyOrFail, type PolicyOptions } from "../session.js";

interface DaemonCliOptions extends PolicyOptions {
  logLevel: string;
  resyncInterval: number;
  flushOnExit?: boolean;
}

export function registerDaemon(program: Command): void {
  policyCommand(program, "daemon", "Follow NetworkManager and the kernel and keep MPTCP endpoints, limits and routing right")
    .option("--log-level <level>", `one of ${LOG_LEVELS.join(", ")}`, "info")
    .option("--resync-interval <seconds>", "full reconcile this often even without events; 0 = never", seconds, 300)
    .option("--flush-on-exit", "on SIGTERM/SIGINT remove what mptcp-policy owns instead of leaving it in place")
    .action(async (opts: DaemonCliOptions) => {
      if (!isLogLevel(opts.logLevel)) throw new InvalidArgumentError(`--log-level must be one of ${LOG_LEVELS.join(", ")}`);
      // V8's heap growth heuristics for a small resident heap (measured in bench/memory.ts: committed heap and
      // RSS grow less over link flaps; the live heap stays ~9.5 MB either way). The unit sets the young
      // generation's size (NODE_OPTIONS), which V8 only reads at start.
      setFlagsFromString("--optimize-for-size");
      const policy = await policyOrFail(opts);
      const log = createLogger(opts.logLevel);
      const daemon = startDaemon({
        policy,
        loadPolicy: () => loadPolicy({ policyFile: opts.policy, root: opts.root }),
        runDir: DEFAULT_RUN_DIR,
        resyncMs: opts.resyncInterval * 1000,
        flushOnExit: opts.flushOnExit ?? false,
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
