// bench/results/<date>.md: the summary table a person reads; the JSON next to it has everything.
import type { FailoverRun } from "./failover.js";
import type { Results } from "./results.js";
import type { Distribution } from "./stats.js";
import { SYSTEMS } from "./systems.js";

const dist = (d: Distribution | "n/a" | undefined) =>
  d === undefined ? "–" : d === "n/a" ? "n/a" : `${fmt(d.p50_ms)} / ${fmt(d.p95_ms)} / ${fmt(d.max_ms)}`;
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : String(v));

function table(head: string[], rows: (string | number | null | undefined)[][]): string[] {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => " --- ").join("|")}|`, ...rows.map((r) => `| ${r.map((c) => fmt(c as number)).join(" | ")} |`)];
}

export function markdown(r: Results, svgName: string | undefined): string {
  const m = r.machine;
  const out = [
    `# mptcp-policy benchmark, ${r.date.slice(0, 10)}${r.quick ? " (--quick: small counts)" : ""}`,
    "",
    `Kernel ${m.kernel}, ${m.cpus} × ${m.cpu_model}, Node ${m.node}, ${m.iproute2}. ` +
      `Load average ${m.load_start} at start, ${m.load_end ?? "?"} at the end (other jobs shared the machine).`,
    "Each system ran on its own fresh namespace rig with a real NetworkManager; times are from the kernel's",
    "address event, taken by `bench/probe.py` in its normal (not SCHED_FIFO) mode.",
    "",
  ];
  if (r.reaction) {
    out.push("## Reaction (ms, p50 / p95 / max)", "");
    out.push(...table(
      ["system", "link-ups", "→ endpoint", "→ endpoint + rule + route", "removal: → endpoint gone", "endpoint missed: up / down", "stale endpoints at a link-up (max)"],
      SYSTEMS.filter((s) => r.reaction?.[s]).map((s) => {
        const x = r.reaction![s]!;
        const skipped = x.link_ups_after_a_stale_endpoint > 0 ? `, ${x.link_ups_after_a_stale_endpoint} left out: endpoint never removed` : "";
        return [s, `${x.n} (${x.triggers.nmcli} nmcli, ${x.triggers.carrier} carrier${skipped})`, dist(x), dist(x.all), dist(x.removal),
          `${x.misses} / ${x.removal.misses}`, x.stale_endpoints_max];
      }),
    ), "");
    out.push("NetworkManager and mptcpd make no rule or route: n/a. A missed removal is an endpoint left behind " +
      `(stale) for at least the probe's ${Object.values(r.reaction)[0]?.probe_timeout_ms} ms.`, "");
    out.push("The link's own default route in main, which NetworkManager adds in every rig, against the endpoint " +
      "(negative: the endpoint came before the route; mptcp-policy waits for the link's gateway, see bench/endpoint-order.sh):", "");
    out.push(...table(
      ["system", "address → default route in main", "default route in main → endpoint"],
      SYSTEMS.filter((s) => r.reaction?.[s]).map((s) => [s, dist(r.reaction![s]!.main_default), dist(r.reaction![s]!.endpoint_after_main_default)]),
    ), "");
    if (svgName) out.push(`![latency distributions](${svgName})`, "");
  }
  if (r.scale) {
    out.push("## Scale (links brought up at once under the daemon)", "");
    out.push(...table(
      ["links", "converged after last address (ms)", "address spread (ms)", "endpoints", "ip processes (at daemon start)", "reconciles", "daemon CPU (ms)"],
      r.scale.map((s) => [s.links, s.converge_ms, s.address_spread_ms, `${s.endpoints_seen}/${s.endpoints_expected}`,
        `${s.ip_processes} (${s.ip_processes_at_start})`, s.reconciles, s.cpu_ms]),
    ), "", "The kernel holds at most 8 MPTCP endpoints per namespace: endpoints are counted for the first 8 links, " +
      "tables and rules for all.", "");
  }
  if (r.apply) {
    const a = r.apply;
    out.push("## One-shot `apply` (wall, Node start included, median)", "");
    out.push(...table(["nothing to change", `full setup of ${a.links} links`, "`--version` (load floor)", "Node + dbus-next + reading NetworkManager (apply's floor)", "`node -e 0` (Node's floor)", "runs"],
      [[a.steady_ms, a.full_setup_ms, a.cli_load_ms, a.nm_read_floor_ms, a.node_floor_ms, a.runs]]), "");
  }
  if (r.memory) {
    const x = r.memory;
    out.push("## Daemon memory (RSS)", "");
    out.push(...table(["after start (MB)", "after flaps (MB)", "of which file-backed / anonymous (MB)", "flaps", "growth", "ms per flap"],
      [[x.rss_start_mb, x.rss_after_flaps_mb, `${x.rss_file_mb.join(" → ")} / ${x.rss_anon_mb.join(" → ")}`, x.flaps, `${x.growth_pct}%`, x.flap_ms]]), "");
  }
  if (r.failover) {
    const runs = (rs: FailoverRun[] | undefined) => (rs ?? []).map((run) => `${run.max_gap_ms} at ${run.gap_at_ms}; ` +
      Object.entries(run.bytes_per_link).map(([l, b]) => `${l} ${(b / 1e6).toFixed(0)} MB`).join(", ")).join("<br>");
    const first = Object.values(r.failover)[0];
    out.push("## Failover (longest receive pause, ms)", "");
    out.push(`Links shaped with \`${first?.shaping ?? "?"}\` on the host ends. wan0 fails about ${first?.cut_at_ms} ms after data flows; ` +
      "a pause that began well before that is not the failover. Per run: pause (ms) at (ms from the first byte); bytes per link.", "");
    out.push(...table(["system", "no cut", "carrier cut", "dies with carrier up", "runs: no cut", "runs: carrier cut", "runs: carrier up"],
      Object.entries(r.failover).map(([s, f]) => [s, f.no_cut_max_gap_ms, f.max_gap_ms, f.silent_max_gap_ms,
        runs(f.no_cut_runs), runs(f.runs), runs(f.silent_runs)])), "");
    out.push("Transfers left out because the peer's kernel reset lte0's join before the failure (a DSS mapping mismatch; " +
      `a failover needs that subflow): ${Object.entries(r.failover).map(([s, f]) => `${s} ${f.join_resets}`).join(", ")}.`, "");
  }
  if (r.targets) {
    out.push("## Targets", "");
    out.push(...table(["target", "measured", "met"], r.targets.map((t) => [t.target, t.value === null ? "not measured" : String(t.value), t.met ? "yes" : "**no**"])), "");
  }
  if (r.errors) {
    out.push("## Failed sections", "", ...Object.entries(r.errors).map(([k, v]) => `- ${k}: ${v}`), "");
  }
  return out.join("\n");
}
