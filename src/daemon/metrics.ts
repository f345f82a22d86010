// The daemon's metrics file for node_exporter's textfile collector (Prometheus text format 0.0.4): its own
// figures plus the MPTCP traffic per link from the socket diagnostics, rewritten atomically (a temporary file
// renamed over it, so a reader never sees half a file) at an interval. No HTTP: the unit keeps
// IPAddressDeny=any. Only a configured file makes the daemon read sockets at all.
import { rename, writeFile } from "node:fs/promises";
import { readSubflows, type Subflow } from "../kernel/sockets.js";
import type { Logger } from "../log.js";
import type { KernelAddress } from "../model/types.js";
import { bytesBetween, trafficByDevice } from "../traffic.js";

export interface MetricsFileOptions {
  file: string;
  intervalMs: number;
}

/** What a finished reconcile tells the metrics. */
export interface ReconcileFigures {
  seconds: number;
  conflicts: number;
  /** The kernel's addresses after it: they say which device a subflow's local address is on. */
  addresses: readonly KernelAddress[];
  /** Devices the policy manages: they get traffic series even before their first subflow. */
  managed: readonly string[];
}

export interface DaemonMetrics {
  reconciled(figures: ReconcileFigures): void;
  reloadFailed(): void;
  /** Writes the file a last time. */
  stop(): Promise<void>;
}

export interface MetricsState {
  reconciles: number;
  lastReconcileSeconds?: number;
  conflicts: number;
  reloadFailures: number;
  /** Per device: subflows now, and bytes counted since the daemon started (they only grow). */
  links: Map<string, { subflows: number; backupSubflows: number; sent: number; received: number }>;
  /** The last socket read failed: the traffic series keep their last values. */
  socketsReadable: boolean;
}

export function startMetricsFile(opts: MetricsFileOptions & { log: Logger }): DaemonMetrics {
  const state: MetricsState = { reconciles: 0, conflicts: 0, reloadFailures: 0, links: new Map(), socketsReadable: true };
  let addresses: readonly KernelAddress[] = [];
  let previous: Subflow[] = [];
  let running: Promise<void> | undefined;
  /** Each kind of failure is logged once until it recovers, not at every tick. */
  const warned = { sockets: false, file: false };

  const sample = async () => {
    try {
      const now = await readSubflows();
      state.links = accumulate(state.links, previous, now, addresses);
      previous = now;
      state.socketsReadable = true;
      warned.sockets = false;
    } catch (error) {
      state.socketsReadable = false;
      if (!warned.sockets) opts.log.warn({ error: (error as Error).message }, "cannot read MPTCP sockets for the metrics file");
      warned.sockets = true;
    }
    const temporary = `${opts.file}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, renderMetrics(state), { mode: 0o644 });
      await rename(temporary, opts.file);
      warned.file = false;
    } catch (error) {
      if (!warned.file) opts.log.warn({ file: opts.file, error: (error as Error).message }, "cannot write the metrics file");
      warned.file = true;
    }
  };
  // One write at a time: a slow one makes the next tick wait, not overlap.
  const tick = () => {
    running ??= sample().finally(() => (running = undefined));
    return running;
  };
  void tick();
  const timer = setInterval(() => void tick(), opts.intervalMs);

  return {
    reconciled(f) {
      state.reconciles++;
      state.lastReconcileSeconds = Math.round(f.seconds * 1e6) / 1e6; // no binary-fraction noise in the file
      state.conflicts = f.conflicts;
      addresses = f.addresses;
      for (const device of f.managed) if (!state.links.has(device)) state.links.set(device, { subflows: 0, backupSubflows: 0, sent: 0, received: 0 });
    },
    reloadFailed() {
      state.reloadFailures++;
    },
    async stop() {
      clearInterval(timer);
      await running;
      await tick();
    },
  };
}

/** Adds what each device's subflows moved since the last read; subflow gauges are replaced. */
export function accumulate(
  links: MetricsState["links"],
  before: readonly Subflow[],
  after: readonly Subflow[],
  addresses: readonly KernelAddress[],
): MetricsState["links"] {
  const now = trafficByDevice(after, addresses);
  const moved = bytesBetween(before, after, addresses);
  const out = new Map<string, { subflows: number; backupSubflows: number; sent: number; received: number }>();
  for (const device of new Set([...links.keys(), ...now.keys()])) {
    const was = links.get(device);
    const m = moved.get(device);
    out.set(device, {
      subflows: now.get(device)?.subflows ?? 0,
      backupSubflows: now.get(device)?.backupSubflows ?? 0,
      sent: (was?.sent ?? 0) + (m?.sent ?? 0),
      received: (was?.received ?? 0) + (m?.received ?? 0),
    });
  }
  return out;
}

interface Family {
  name: string;
  type: "counter" | "gauge";
  help: string;
  samples: { labels?: Record<string, string>; value: number }[];
}

/** The file's text: one family per figure, HELP and TYPE first, devices sorted for stable diffs. */
export function renderMetrics(s: MetricsState): string {
  const devices = [...s.links.keys()].sort();
  const perDevice = (pick: (l: { subflows: number; backupSubflows: number; sent: number; received: number }) => number) =>
    devices.map((device) => ({ labels: { device }, value: pick(s.links.get(device)!) }));
  const families: Family[] = [
    { name: "mptcp_policy_reconciles_total", type: "counter", help: "Reconciles finished since the daemon started.", samples: [{ value: s.reconciles }] },
    ...(s.lastReconcileSeconds === undefined ? [] : [{
      name: "mptcp_policy_last_reconcile_duration_seconds", type: "gauge" as const, help: "How long the last reconcile took.",
      samples: [{ value: s.lastReconcileSeconds }],
    }]),
    { name: "mptcp_policy_conflicts", type: "gauge", help: "Conflicts the last reconcile found (e.g. another manager's endpoint on our address).", samples: [{ value: s.conflicts }] },
    { name: "mptcp_policy_policy_reload_failures_total", type: "counter", help: "Policy reloads (SIGHUP) rejected because the policy was invalid.", samples: [{ value: s.reloadFailures }] },
    { name: "mptcp_policy_socket_diag_up", type: "gauge", help: "1 if the last read of the MPTCP sockets (ss) worked.", samples: [{ value: s.socketsReadable ? 1 : 0 }] },
    { name: "mptcp_policy_subflows", type: "gauge", help: "MPTCP subflows with a local address on the link now.", samples: perDevice((l) => l.subflows) },
    { name: "mptcp_policy_backup_subflows", type: "gauge", help: "Of those, subflows with backup priority.", samples: perDevice((l) => l.backupSubflows) },
    { name: "mptcp_policy_sent_bytes_total", type: "counter", help: "Bytes the link's MPTCP subflows sent (TCP counters, retransmissions included) while the daemon watched.", samples: perDevice((l) => l.sent) },
    { name: "mptcp_policy_received_bytes_total", type: "counter", help: "Bytes the link's MPTCP subflows received while the daemon watched.", samples: perDevice((l) => l.received) },
  ];
  return families
    .filter((f) => f.samples.length > 0)
    .map((f) => [
      `# HELP ${f.name} ${f.help}`,
      `# TYPE ${f.name} ${f.type}`,
      ...f.samples.map((x) => `${f.name}${labels(x.labels)} ${x.value}`),
    ].join("\n"))
    .join("\n") + "\n";
}

function labels(l: Record<string, string> | undefined): string {
  if (l === undefined) return "";
  const escape = (v: string) => v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
  return `{${Object.entries(l).map(([k, v]) => `${k}="${escape(v)}"`).join(",")}}`;
}
