import type { DesiredState, KernelState, Operation } from "../model/types.js";

const STRICT = 1;
const LOOSE = 2;

/**
 * Strict reverse-path filtering drops replies that arrive on a link other than the one the main table
 * would pick, which is every subflow on a secondary link. The kernel uses max(all, interface), so an
 * interface whose effective value is strict is set to loose; 0 (off) and 2 (loose) are left as they are.
 */
export function planRpFilter(
  desired: Pick<DesiredState, "rpFilterLoose" | "devices">,
  current: Pick<KernelState, "rpFilter">,
): Operation[] {
  const ops: Operation[] = [];
  for (const ifname of desired.rpFilterLoose) {
    const own = current.rpFilter[ifname];
    const device = desired.devices.find((d) => d.device === ifname);
    if (own === undefined || device === undefined) continue;
    if (Math.max(current.rpFilter["all"] ?? 0, own) !== STRICT) continue;
    ops.push({ op: "rp-filter-set", ifname, value: LOOSE, reason: { device: ifname, rule: device.rule } });
  }
  return ops;
}
