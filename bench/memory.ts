// Daemon memory: resident set after start and after many link flaps (nmcli connection down/up, the way
// NetworkManager really takes a link away and gives it back), to catch growth per event.
import { rigName, startRig } from "../test/rig/rig.js";
import { writePolicy } from "./policy.js";
import { rss, waitQuiet } from "./proc.js";
import { linksFor, startSystem, waitEndpoints } from "./systems.js";

export interface MemoryResult {
  rss_start_mb: number;
  rss_after_flaps_mb: number;
  flaps: number;
  growth_pct: number;
  /** The resident set's file-backed (node binary, libraries) and anonymous (heaps) MB, after start and after the flaps. */
  rss_file_mb: [number, number];
  rss_anon_mb: [number, number];
  /** Mean duration of one down/up flap. */
  flap_ms: number;
}

const FLAPPING = "b0";

export async function measureMemory(flaps: number): Promise<MemoryResult> {
  const rig = await startRig({ name: rigName("bme"), links: linksFor("mptcp-policy", [{ name: "a0" }, { name: FLAPPING }]) });
  try {
    const daemon = await startSystem("mptcp-policy", rig, { policy: writePolicy(rig, { subflow: ["a0", FLAPPING] }) });
    try {
      const pid = daemon.pid!;
      const addresses = [rig.links.a0!.hostAddr4!, rig.links[FLAPPING]!.hostAddr4!];
      await waitEndpoints(rig, addresses);
      await waitQuiet(pid);
      const start = rss(pid);
      const started = performance.now();
      for (let i = 0; i < flaps; i++) {
        await rig.connDown(FLAPPING);
        await rig.connUp(FLAPPING);
      }
      const flapMs = (performance.now() - started) / flaps;
      await waitEndpoints(rig, addresses);
      await waitQuiet(pid);
      const after = rss(pid);
      return {
        rss_start_mb: start.total,
        rss_after_flaps_mb: after.total,
        flaps,
        growth_pct: Math.round(((after.total - start.total) / start.total) * 1000) / 10,
        rss_file_mb: [start.file, after.file],
        rss_anon_mb: [start.anon, after.anon],
        flap_ms: Math.round(flapMs),
      };
    } finally {
      await daemon.stop();
    }
  } finally {
    await rig.stop();
  }
}
