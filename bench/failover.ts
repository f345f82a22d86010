// Failover under real MPTCP traffic: the primary link (wan0) loses carrier mid-transfer; the longest pause
// at the receiver is how long the connection stalled before the secondary (lte0) carried it.
// mptcp-policy makes lte0 a backup subflow with its own table; NetworkManager's own handling makes both
// plain subflows. Both links have a gateway: NetworkManager only makes endpoints where a default route exists.
import { rigName, startRig } from "../test/rig/rig.js";
import { startTraffic } from "../test/rig/traffic.js";
import { writePolicy } from "./policy.js";
import { linksFor, startSystem, waitEndpoints, type SystemName } from "./systems.js";

export interface FailoverResult {
  max_gap_ms: number;
  /** When the longest gap began, from the first byte; the carrier is cut at cut_at_ms. */
  gap_at_ms: number;
  cut_at_ms: number;
  bytes_per_link: Record<string, number>;
}

const SECONDS = 6;
const CUT_AFTER_MS = 2_000;

export async function measureFailover(system: "mptcp-policy" | "networkmanager"): Promise<FailoverResult> {
  const rig = await startRig({ name: rigName("bfo"), links: linksFor(system as SystemName, [{ name: "wan0" }, { name: "lte0" }]) });
  try {
    const policy = system === "mptcp-policy" ? writePolicy(rig, { subflow: ["wan0"], backup: ["lte0"] }) : undefined;
    const running = await startSystem(system, rig, { policy });
    try {
      await waitEndpoints(rig, [rig.links.wan0!.hostAddr4!, rig.links.lte0!.hostAddr4!]);
      const traffic = await startTraffic(rig, { seconds: SECONDS, via: "wan0" });
      await new Promise((r) => setTimeout(r, CUT_AFTER_MS));
      await rig.cutCarrier("wan0");
      const result = await withTimeout(traffic.done, (SECONDS + 30) * 1000, "the transfer to finish after the cut");
      return {
        max_gap_ms: result.longestGapMs,
        gap_at_ms: result.longestGapAtMs,
        cut_at_ms: CUT_AFTER_MS,
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
