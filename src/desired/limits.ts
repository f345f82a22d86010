import type { DesiredEndpoint, LimitSetting, LimitTarget, Policy } from "../model/types.js";

/** The in-kernel path manager refuses either limit above this (MPTCP_PM_ADDR_MAX). */
const KERNEL_MAX = 8;

/**
 * "auto" asks for at least one extra subflow per endpoint with `subflow`, and for accepting as many
 * announced addresses: each local subflow address may pair with every address the peer announces, so
 * accepting fewer would leave some of our links unused toward a multihomed peer. "At least", because
 * another tool (or the admin) may have raised them for its own reasons and lowering would cut its subflows.
 * An explicit number is the admin's decision and is applied exactly, lower or higher.
 */
export function desiredLimits(
  limits: Policy["limits"],
  endpoints: readonly DesiredEndpoint[],
): { subflows: LimitTarget; addAddrAccepted: LimitTarget } {
  const subflowEndpoints = endpoints.filter((e) => e.flags.includes("subflow")).length;
  const target = (setting: LimitSetting): LimitTarget =>
    setting === "auto"
      ? { kind: "at-least", value: Math.min(KERNEL_MAX, subflowEndpoints) }
      : { kind: "exact", value: setting };
  return { subflows: target(limits.subflows), addAddrAccepted: target(limits.addAddrAccepted) };
}
