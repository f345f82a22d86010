// The targets, checked against a result. A target whose inputs are missing is reported unmet with
// the value null: a run that could not measure something has not shown that it meets it.
import type { Results } from "./results.js";

export interface TargetCheck {
  target: string;
  value: number | string | null;
  met: boolean;
}

export function checkTargets(r: Results): TargetCheck[] {
  const ours = r.reaction?.["mptcp-policy"];
  const nm = r.reaction?.networkmanager;
  const all = ours && ours.all !== "n/a" ? ours.all : undefined;
  const largest = r.scale?.find((s) => s.links === 32) ?? r.scale?.at(-1);
  const perReconcile = r.scale?.map((s) => s.ip_processes_per_reconcile ?? (s.ip_processes === 0 ? 0 : Infinity));
  const worstPerReconcile = perReconcile && perReconcile.length > 0 ? Math.max(...perReconcile) : null;
  const rssMax = r.memory ? Math.max(r.memory.rss_start_mb, r.memory.rss_after_flaps_mb) : null;
  const gap = r.failover?.["mptcp-policy"]?.max_gap_ms ?? null;
  const removal = ours?.removal;
  const nmRemoval = nm?.removal;
  const atMost = (value: number | null | undefined, limit: number) => value !== null && value !== undefined && value <= limit;
  return [
    { target: "address → endpoint p50 ≤ 2 ms", value: ours?.p50_ms ?? null, met: atMost(ours?.p50_ms, 2) },
    { target: "address → endpoint p95 ≤ 5 ms", value: ours?.p95_ms ?? null, met: atMost(ours?.p95_ms, 5) },
    { target: "endpoint + rule + route p50 ≤ 5 ms", value: all?.p50_ms ?? null, met: atMost(all?.p50_ms, 5) },
    {
      target: "removal no slower than NetworkManager's own (p50 and p95)",
      value: removal && nmRemoval ? `${removal.p50_ms} / ${removal.p95_ms} vs ${nmRemoval.p50_ms} / ${nmRemoval.p95_ms} ms` : null,
      met: !!removal && !!nmRemoval && atMost(removal.p50_ms, nmRemoval.p50_ms ?? -1) && atMost(removal.p95_ms, nmRemoval.p95_ms ?? -1),
    },
    {
      target: `${largest?.links ?? 32} links converged ≤ 100 ms after the last address`,
      value: largest?.converge_ms ?? null,
      met: largest?.links === 32 && atMost(largest.converge_ms, 100),
    },
    { target: "≤ 2 ip processes per reconcile", value: worstPerReconcile, met: atMost(worstPerReconcile, 2) },
    { target: "daemon RSS ≤ 80 MB", value: rssMax, met: atMost(rssMax, 80) },
    {
      target: "RSS growth ≤ 10% over 1000 flaps",
      value: r.memory ? `${r.memory.growth_pct}% over ${r.memory.flaps}` : null,
      met: !!r.memory && r.memory.flaps >= 1000 && r.memory.growth_pct <= 10,
    },
    { target: "steady-state apply ≤ 300 ms", value: r.apply?.steady_ms ?? null, met: atMost(r.apply?.steady_ms, 300) },
    { target: "failover gap ≤ 300 ms", value: gap, met: atMost(gap, 300) },
  ];
}
