// Failover under real MPTCP traffic, on links rate-limited so that a transfer without any failure shows no
// pause: the longest receive pause at the sink when the primary (wan0) loses its carrier mid-transfer, and
// when it dies without losing carrier (the peer drops everything arriving on it).
// mptcp-policy makes lte0 a backup subflow with its own table; NetworkManager's own handling makes both
// plain subflows. Both links have a gateway: NetworkManager only makes endpoints where a default route exists.
import { rigName, startRig, type Rig } from "../test/rig/rig.js";
import { kernelResetJoin, mptcpCounters, shapeLinks, SHAPING, startTraffic, txBytes } from "../test/rig/traffic.js";
import { writePolicy } from "./policy.js";
import { linksFor, startSystem, waitEndpoints, type SystemName } from "./systems.js";

export interface FailoverRun {
  max_gap_ms: number;
  /** When the longest gap began, counted from the first byte read; the failure comes about cut_at_ms. */
  gap_at_ms: number;
  bytes_per_link: Record<string, number>;
}

export interface FailoverResult {
  /** The longest receive gap of all carrier-cut runs. */
  max_gap_ms: number;
  cut_at_ms: number;
  /** Carrier cut: the peer end of wan0 is set down. */
  runs: FailoverRun[];
  /** The same transfer with nothing cut: the floor a failover gap is read against. */
  no_cut_max_gap_ms: number;
  no_cut_runs: FailoverRun[];
  /** wan0 dies with its carrier up: the peer drops every IP packet arriving on it. */
  silent_max_gap_ms: number;
  silent_runs: FailoverRun[];
  /** The qdisc every host-side link sends through. */
  shaping: string;
  /**
   * Transfers left out because the peer's kernel reset lte0's join before the failure (kernelResetJoin in
   * test/rig/traffic.ts): a failover needs the second subflow, and the path manager never tries it again.
   */
  join_resets: number;
}

type Failure = "none" | "carrier" | "silent";

const MAX_JOIN_RESETS = 3;

const SECONDS = 6;
const CUT_AFTER_MS = 2_000;
/** wan0 has sent this much more than before the transfer: data is flowing, the cut can be timed from here. */
const FLOWING_BYTES = 1_000_000;

export async function measureFailover(system: "mptcp-policy" | "networkmanager", runs: number): Promise<FailoverResult> {
  let joinResets = 0;
  const scenario = async (failure: Failure) => {
    const all: FailoverRun[] = [];
    while (all.length < runs) {
      const run = await failoverOnce(system, failure);
      if (run === "join reset") {
        if (++joinResets > MAX_JOIN_RESETS) throw new Error(`the kernel reset lte0's join in ${joinResets} connections`);
      } else {
        all.push(run);
      }
    }
    return all;
  };
  const noCut = await scenario("none");
  const carrier = await scenario("carrier");
  const silent = await scenario("silent");
  const longest = (r: FailoverRun[]) => Math.max(...r.map((x) => x.max_gap_ms));
  return {
    max_gap_ms: longest(carrier), cut_at_ms: CUT_AFTER_MS, runs: carrier,
    no_cut_max_gap_ms: longest(noCut), no_cut_runs: noCut,
    silent_max_gap_ms: longest(silent), silent_runs: silent,
    shaping: SHAPING.join(" "),
    join_resets: joinResets,
  };
}

async function failoverOnce(system: "mptcp-policy" | "networkmanager", failure: Failure): Promise<FailoverRun | "join reset"> {
  const rig = await startRig({ name: rigName("bfo"), links: linksFor(system as SystemName, [{ name: "wan0" }, { name: "lte0" }]) });
  try {
    const policy = system === "mptcp-policy" ? writePolicy(rig, { subflow: ["wan0"], backup: ["lte0"] }) : undefined;
    const running = await startSystem(system, rig, { policy });
    try {
      await waitEndpoints(rig, [rig.links.wan0!.hostAddr4!, rig.links.lte0!.hostAddr4!]);
      await shapeLinks(rig, ["wan0", "lte0"]);
      const before = (await txBytes(rig)).wan0 ?? 0;
      const counters = await mptcpCounters(rig.peerExec);
      const traffic = await startTraffic(rig, { seconds: SECONDS, via: "wan0" });
      await rig.waitFor(async () => ((await txBytes(rig)).wan0 ?? 0) - before > FLOWING_BYTES, 10_000, "data on wan0");
      await new Promise((r) => setTimeout(r, CUT_AFTER_MS));
      if (kernelResetJoin(counters, await mptcpCounters(rig.peerExec))) {
        await traffic.done;
        return "join reset";
      }
      if (failure === "carrier") await rig.cutCarrier("wan0");
      if (failure === "silent") await dropArriving(rig, "wan0");
      const result = await traffic.done;
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

/**
 * The peer drops every IP packet arriving on `link`, while the link, its carrier and ARP stay up: a policy
 * rule `iif LINK blackhole` ahead of the local table (this kernel has no tc drop action, and no nft or
 * iptables is installed). The local table's rule moves from priority 0 to 1 so the blackhole can go first.
 */
async function dropArriving(rig: Rig, link: string): Promise<void> {
  for (const args of [
    ["rule", "add", "priority", "1", "lookup", "local"],
    ["rule", "del", "priority", "0", "lookup", "local"],
    ["rule", "add", "priority", "0", "iif", link, "blackhole"],
  ]) {
    const r = await rig.peerExec(["ip", ...args]);
    if (r.exitCode !== 0) throw new Error(`ip ${args.join(" ")} in the peer namespace: ${r.stderr.trim()}`);
  }
}
