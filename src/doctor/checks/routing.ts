// Routing: would a subflow from each endpoint's address leave through that endpoint's device?
import type { Facts, RouteProbe } from "../facts.js";
import { type Finding, notMeasured } from "../finding.js";

function probeLine(p: RouteProbe): string {
  return p.result.ok ? `${p.address} → ${p.result.value.dev}` : `${p.address} → ${p.result.reason}`;
}

function gatewayOf(facts: Facts, p: RouteProbe): string | undefined {
  if (!facts.nm.ok) return undefined;
  const device = facts.nm.value.snapshot.devices.find((d) => d.interface === p.expectedDev);
  return p.family === "ipv4" ? device?.ip4.gateway : device?.ip6.gateway;
}

function fixFor(facts: Facts, p: RouteProbe): string {
  const gw = gatewayOf(facts, p);
  const six = p.family === "ipv6" ? "-6 " : "";
  const byHand = `ip ${six}route add default via ${gw ?? "GW"} dev ${p.expectedDev} table T && ip ${six}rule add from ${p.address} table T   (T: a free table number${gw ? "" : ", GW: the link's gateway"})`;
  const routing = facts.desired.ok ? facts.desired.value.routing.find((r) => r.device === p.expectedDev) : undefined;
  if (routing) {
    // A table with only the prefix route sends nothing off-link: without a gateway the default route is missing.
    const hasDefault = routing.routes.some((r) => r.family === p.family && r.dst === "default");
    return hasDefault
      ? `${p.expectedDev}: mptcp-policy apply (the policy gives it a table and a source rule)`
      : `${p.expectedDev}: the policy's table for it has no default route because NetworkManager reports no ${p.family} gateway for the device; by hand: ${byHand}`;
  }
  const rule = facts.desired.ok ? facts.desired.value.devices.find((d) => d.device === p.expectedDev)?.rule : undefined;
  return rule
    ? `${p.expectedDev}: set \`routing: { table: auto }\` in policy rule "${rule}", or by hand: ${byHand}`
    : `${p.expectedDev}: ${byHand}`;
}

export function checkSourceRouting(facts: Facts): Finding {
  if (facts.routes.length === 0) return { id: "routing.source", status: "ok", summary: "no endpoint bound to a device: nothing to route" };
  const wrong = facts.routes.filter((p) => !p.result.ok || p.result.value.dev !== p.expectedDev);
  if (wrong.length === 0) {
    return { id: "routing.source", status: "ok", summary: `a packet from each endpoint address leaves through its own device: ${facts.routes.map(probeLine).join(", ")}` };
  }
  return {
    id: "routing.source",
    status: "fail",
    summary: `subflows from ${wrong.map((p) => `${p.address} (endpoint on ${p.expectedDev})`).join(", ")} would not leave through their device: ${wrong.map(probeLine).join(", ")}`,
    fix: wrong.map((p) => fixFor(facts, p)).join("\n"),
  };
}

/** The kernel applies the larger of conf.all and conf.DEV. */
function effectiveRpFilter(rp: Record<string, number>, dev: string): number | undefined {
  const mine = rp[dev];
  const all = rp["all"];
  if (mine === undefined && all === undefined) return undefined;
  return Math.max(mine ?? 0, all ?? 0);
}

export function checkRpFilter(facts: Facts): Finding {
  if (!facts.kernelState.ok) return notMeasured("routing.rp-filter", facts.kernelState.reason);
  const rp = facts.kernelState.value.rpFilter;
  const devices = [...new Set(facts.routes.filter((p) => p.family === "ipv4").map((p) => p.expectedDev))];
  // Strict mode drops a reply arriving on a link that is not the main table's way back to the sender:
  // exactly the situation of every subflow on a non-default link.
  const strict = devices.filter((d) => effectiveRpFilter(rp, d) === 1);
  if (strict.length === 0) {
    return { id: "routing.rp-filter", status: "ok", summary: devices.length ? `no strict rp_filter on ${devices.join(", ")}` : "no IPv4 endpoint device to look at" };
  }
  const loosened = facts.desired.ok ? facts.desired.value.rpFilterLoose : [];
  return {
    id: "routing.rp-filter",
    status: "warn",
    summary: `strict rp_filter (1) on ${strict.join(", ")}: replies to subflows on a non-default link are dropped`,
    fix: strict
      .map((d) => (loosened.includes(d) ? `${d}: mptcp-policy apply (the policy loosens it)` : `sysctl -w net.ipv4.conf.${d}.rp_filter=2${rp["all"] === 1 ? " net.ipv4.conf.all.rp_filter=2" : ""}   (or \`rpFilter: loose\` in the policy)`))
      .join("\n"),
  };
}
