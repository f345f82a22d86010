// The targets of issue 11, checked against a result. Most are relative to NetworkManager or to Node in the same
// run (the machine is shared and noisy). A target whose inputs are missing is reported unmet with the value
// null: a run that could not measure something has not shown that it meets it.
import type { Results } from "./results.js";

export interface TargetCheck {
  target: string;
  value: number | string | null;
  met: boolean;
}

type Maybe = number | null | undefined;
const known = (v: Maybe): v is number => v !== null && v !== undefined;
const atMost = (value: Maybe, limit: Maybe) => known(value) && known(limit) && value <= limit;
const times = (k: number, v: Maybe) => (known(v) ? Math.round(k * v * 1000) / 1000 : null);
const vs = (value: Maybe, limit: Maybe) => (known(value) && known(limit) ? `${value} vs ≤ ${limit}` : null);

export function checkTargets(r: Results): TargetCheck[] {
  const ours = r.reaction?.["mptcp-policy"];
  const nm = r.reaction?.networkmanager;
  const all = ours && ours.all !== "n/a" ? ours.all : undefined;
  const largest = r.scale?.find((s) => s.links === 32) ?? r.scale?.at(-1);
  const perReconcile = r.scale?.map((s) => s.ip_processes_per_reconcile ?? (s.ip_processes === 0 ? 0 : Infinity));
  const worstPerReconcile = perReconcile && perReconcile.length > 0 ? Math.max(...perReconcile) : null;
  const floor = r.apply?.node_floor_ms;
  const rssStart = r.memory?.rss_start_mb;
  const gap = r.failover?.["mptcp-policy"]?.max_gap_ms;
  const nmGap = r.failover?.networkmanager?.max_gap_ms;
  // Both systems' links are shaped alike: a pause without a cut in either run hides failovers in both.
  const quietRuns = Object.values(r.failover ?? {}).map((f) => f?.no_cut_max_gap_ms);
  const quiet = quietRuns.length > 0 && quietRuns.every(known) ? Math.max(...(quietRuns as number[])) : null;
  const removal = ours?.removal;
  const nmRemoval = nm?.removal;
  const check = (target: string, value: Maybe, limit: Maybe): TargetCheck => ({ target, value: vs(value, limit), met: atMost(value, limit) });
  return [
    check("address → endpoint p50 ≤ NetworkManager's p50 (ms)", ours?.p50_ms, nm?.p50_ms),
    check("address → endpoint p95 ≤ 2 × NetworkManager's p95 (ms)", ours?.p95_ms, times(2, nm?.p95_ms)),
    check("endpoint + rule + table route p50 ≤ 1.5 × NetworkManager's endpoint p50 (ms)", all?.p50_ms, times(1.5, nm?.p50_ms)),
    check("removal p50 ≤ NetworkManager's (ms)", removal?.p50_ms, nmRemoval?.p50_ms),
    check("removal p95 ≤ NetworkManager's (ms)", removal?.p95_ms, nmRemoval?.p95_ms),
    {
      target: `${largest?.links ?? 32} links up at once converged ≤ 100 ms after the last address`,
      value: largest?.converge_ms ?? null,
      met: largest?.links === 32 && atMost(largest.converge_ms, 100),
    },
    { target: "0 ip processes per reconcile", value: worstPerReconcile, met: worstPerReconcile === 0 },
    check("`apply` with nothing to change ≤ 1.7 × `node -e 0` (ms, median)", r.apply?.steady_ms, times(1.7, floor)),
    check("`--version` ≤ 1.25 × `node -e 0` (ms, median)", r.apply?.cli_load_ms, times(1.25, floor)),
    check("daemon RSS after start ≤ 55 MB", rssStart, 55),
    {
      target: "daemon RSS ≤ 10 % above the start after 1000 flaps",
      value: r.memory ? `${r.memory.growth_pct}% over ${r.memory.flaps}` : null,
      met: !!r.memory && r.memory.flaps >= 1000 && r.memory.growth_pct <= 10,
    },
    check("no receive pause above 50 ms without a cut (ms)", quiet, 50),
    check("failover (carrier cut) longest pause ≤ NetworkManager's (ms)", gap, nmGap),
  ];
}
