// Failover under real MPTCP traffic: the primary link (wan0) loses carrier mid-transfer; the longest pause
// at the receiver is how long the connection stalled before the secondary (lte0) carried it.
// mptcp-policy makes lte0 a backup subflow with its own table; NetworkManager's own handling makes both
// plain subflows. Both links have a gateway: NetworkManager only makes endpoints where a default route exists.
import { rigName, startRig } from "../test/rig/rig.js";
import { startTraffic, txBytes } from "../test/rig/traffic.js";
import { writePolicy } from "./policy.js";
import { linksFor, startSystem, waitEndpoints, type SystemName } from "./systems.js";

export interface FailoverRun {
  max_gap_ms: number;
  /** When the longest gap began, counted from the first byte read; the carrier is cut about cut_at_ms. */
  gap_at_ms: number;
  bytes_per_link: Record<string, number>;
}

export interface FailoverResult {
  /** The longest receive gap of all runs. */
  max_gap_ms: number;
  cut_at_ms: number;
  runs: FailoverRun[];
}

const SECONDS = 6;
const CUT_AFTER_MS = 2_000;
/** wan0 has sent this much more than before the transfer: data is flowing, the cut can be timed from here. */
const FLOWING_BYTES = 1_000_000;

export async function measureFailover(system: "mptcp-policy" | "networkmanager", runs: number): Promise<FailoverResult> {
  const all: FailoverRun[] = [];
  for (let i = 0; i < runs; i++) all.push(await failoverOnce(system));
  return { max_gap_ms: Math.max(...all.map((r) => r.max_gap_ms)), cut_at_ms: CUT_AFTER_MS, runs: all };
}

async function failoverOnce(system: "mptcp-policy" | "networkmanager"): Promise<FailoverRun> {
  const rig = await startRig({ name: rigName("bfo"), links: linksFor(system as SystemName, [{ name: "wan0" }, { name: "lte0" }]) });
  try {
    const policy = system === "mptcp-policy" ? writePolicy(rig, { subflow: ["wan0"], backup: ["lte0"] }) : undefined;
    const running = await startSystem(system, rig, { policy });
    try {
      await waitEndpoints(rig, [rig.links.wan0!.hostAddr4!, rig.links.lte0!.hostAddr4!]);
      const before = (await txBytes(rig)).wan0 ?? 0;
      const traffic = await startTraffic(rig, { seconds: SECONDS, via: "wan0" });
      await rig.waitFor(async () => ((await txBytes(rig)).wan0 ?? 0) - before > FLOWING_BYTES, 10_000, "data on wan0");
      await new Promise((r) => setTimeout(r, CUT_AFTER_MS));
      await rig.cutCarrier("wan0");
      const result = await withTimeout(traffic.done, (SECONDS + 30) * 1000, "the transfer to finish after the cut");
      return {
        max_gap_ms: result.longestGapMs,
        gap_at_ms: result.longestGapAtMs,
        bytes_per_link: result.bytesPerLink,
      };
    } finally {
      await running.stop();
    }
  } finally {
    await rig.stop();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
