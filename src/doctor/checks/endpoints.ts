// Endpoints and limits: what the policy wants against what the kernel shows.
import type { Endpoint, LimitTarget, Limits } from "../../model/types.js";
import type { Facts } from "../facts.js";
import { type Finding, notMeasured } from "../finding.js";

const APPLY = "mptcp-policy apply   (or keep the daemon running: systemctl enable --now mptcp-policy)";

export function checkPolicy(facts: Facts): Finding {
  if (!facts.policy.ok) return { id: "policy", status: "fail", summary: `policy not loaded: ${facts.policy.reason}`, fix: "mptcp-policy validate FILE (or plain `mptcp-policy validate` for the effective policy) shows every problem with its line" };
  const { source } = facts.policy.value;
  if (!facts.desired.ok) return { id: "policy", status: "ok", summary: `${source}: loaded (which devices it manages is unknown: ${facts.desired.reason})` };
  const devices = facts.desired.value.devices.map((d) => `${d.device} (${d.rule})`).join(", ") || "no device right now";
  return { id: "policy", status: "ok", summary: `${source}: manages ${devices}` };
}

function isOwned(e: Endpoint, [first, last]: [number, number]): boolean {
  return e.id >= first && e.id <= last;
}

export function checkMissingEndpoints(facts: Facts): Finding {
  if (!facts.policy.ok) return notMeasured("endpoints.missing", "policy not loaded");
  if (!facts.desired.ok) return notMeasured("endpoints.missing", facts.desired.reason);
  if (!facts.kernelState.ok) return notMeasured("endpoints.missing", facts.kernelState.reason);
  const { marks } = facts.policy.value;
  const desired = facts.desired.value;
  const current = facts.kernelState.value.endpoints;
  const problems: string[] = [];
  const waiting: string[] = [];
  for (const want of desired.endpoints) {
    const have = current.find((e) => e.address === want.address);
    if (!have && want.waitsForRoute) waiting.push(`${want.address} on ${want.dev}`);
    else if (!have) problems.push(`${want.address} on ${want.dev} has no endpoint`);
    // A foreign endpoint on a managed address is endpoints.foreign's business.
    else if (isOwned(have, marks.endpointIds) && have.dev !== want.dev) {
      problems.push(`${want.address} endpoint id ${have.id} is bound to ${have.dev ?? "no device"}, not ${want.dev}`);
    }
  }
  if (problems.length === 0) {
    const wait = waiting.length === 0 ? "" : `; ${waiting.join(", ")} waiting for its link's default route (NetworkManager is still configuring it)`;
    return { id: "endpoints.missing", status: "ok", summary: `${desired.endpoints.length - waiting.length} usable address(es) on managed devices, each with an endpoint bound to its device${wait}` };
  }
  return { id: "endpoints.missing", status: "fail", summary: problems.join("; "), fix: APPLY };
}

export function checkEndpointsWithoutDev(facts: Facts): Finding {
  if (!facts.kernelState.ok) return notMeasured("endpoints.no-dev", facts.kernelState.reason);
  const loose = facts.kernelState.value.endpoints.filter((e) => e.dev === undefined);
  if (loose.length === 0) return { id: "endpoints.no-dev", status: "ok", summary: "every endpoint names its device" };
  return {
    id: "endpoints.no-dev",
    status: "warn",
    // Without dev the subflow socket is not bound to the link: the routing table alone picks where it leaves.
    summary: `endpoint(s) without dev: ${loose.map((e) => `id ${e.id} ${e.address}`).join(", ")}: their subflows go wherever the main routing table sends them`,
    fix: loose.map((e) => `ip mptcp endpoint delete id ${e.id}`).join("\n") + `\nthen, for addresses the policy manages: ${APPLY}`,
  };
}

export function checkForeignEndpoints(facts: Facts): Finding {
  if (!facts.policy.ok) return notMeasured("endpoints.foreign", "policy not loaded (the owned id range comes from it)");
  if (!facts.kernelState.ok) return notMeasured("endpoints.foreign", facts.kernelState.reason);
  const { marks } = facts.policy.value;
  const [first, last] = marks.endpointIds;
  const foreign = facts.kernelState.value.endpoints.filter((e) => !isOwned(e, marks.endpointIds));
  if (foreign.length === 0) return { id: "endpoints.foreign", status: "ok", summary: `no endpoint outside this tool's ids ${first}-${last}` };
  // Without the desired state no address is known to be managed: every foreign endpoint is then a warning.
  const managed = new Set(facts.desired.ok ? facts.desired.value.endpoints.map((e) => e.address) : []);
  const blocking = foreign.filter((e) => managed.has(e.address));
  const describe = (e: Endpoint) => `id ${e.id} ${e.address}${e.dev ? ` dev ${e.dev}` : ""}${managed.has(e.address) ? " (a managed address: blocks ours)" : ""}`;
  return {
    id: "endpoints.foreign",
    // An address holds one endpoint: a foreign one on a managed address keeps ours out.
    status: blocking.length > 0 ? "fail" : "warn",
    summary: `endpoint(s) outside ids ${first}-${last}, made by another manager or by hand: ${foreign.map(describe).join(", ")}`,
    fix: [...foreign.map((e) => `ip mptcp endpoint delete id ${e.id}`), "and stop whatever adds them (see conflict.mptcpd, conflict.networkmanager)"].join("\n"),
  };
}

function below(have: number, target: LimitTarget): boolean {
  return target.kind === "exact" ? have !== target.value : have < target.value;
}

function describeTarget(target: LimitTarget): string {
  return target.kind === "exact" ? `${target.value}` : `at least ${target.value}`;
}

export function checkLimits(facts: Facts): Finding {
  if (!facts.desired.ok) return notMeasured("limits", facts.desired.reason);
  if (!facts.kernelState.ok) return notMeasured("limits", facts.kernelState.reason);
  const have: Limits = facts.kernelState.value.limits;
  const want = facts.desired.value.limits;
  const shown = `subflows ${have.subflows}, add_addr_accepted ${have.addAddrAccepted}`;
  const wrong = [
    ...(below(have.subflows, want.subflows) ? [`subflows should be ${describeTarget(want.subflows)}`] : []),
    ...(below(have.addAddrAccepted, want.addAddrAccepted) ? [`add_addr_accepted should be ${describeTarget(want.addAddrAccepted)}`] : []),
  ];
  if (wrong.length === 0) return { id: "limits", status: "ok", summary: `${shown}: enough for the endpoints` };
  const fixed = { subflows: below(have.subflows, want.subflows) ? want.subflows.value : have.subflows, addAddrAccepted: below(have.addAddrAccepted, want.addAddrAccepted) ? want.addAddrAccepted.value : have.addAddrAccepted };
  // Too few subflows is what silently leaves a link unused; a different exact value is only drift.
  const tooLow = have.subflows < want.subflows.value || have.addAddrAccepted < want.addAddrAccepted.value;
  return {
    id: "limits",
    status: tooLow ? "fail" : "warn",
    summary: `${shown}: ${wrong.join(", ")}${tooLow ? ": extra subflows are not created" : ""}`,
    fix: `ip mptcp limits set subflows ${fixed.subflows} add_addr_accepted ${fixed.addAddrAccepted}   (or: mptcp-policy apply)`,
  };
}
