// Raw (kebab-case, shorthand-allowing) documents → the normalised Policy of src/model/types.ts.
import { ENDPOINT_FLAGS, type EndpointSpec, type Policy, type PolicyRule, type RuleMatch } from "../model/types.js";
import { deviceKindOf } from "./device-types.js";
import type { RawPolicyFile, RawRule } from "./schema.js";

/** What one valid file contributes: its rules (normalised) and the settings it states. */
export interface PolicyFragment {
  file: string;
  rules: PolicyRule[];
  settings: Omit<RawPolicyFile, "version" | "rules">;
}

export const DEFAULT_SETTINGS: Omit<Policy, "rules"> = {
  addresses: { ipv4: true, ipv6: true, skip: ["link-local", "ula", "temporary", "deprecated", "tentative"] },
  limits: { subflows: "auto", addAddrAccepted: "auto" },
  marks: { endpointIds: [100, 199], tables: [1000, 1999], protocol: 203, priority: 5000 },
  rpFilter: "loose",
};

/** `ruleLines[i]` is the line rule i starts on, for `source`. */
export function toFragment(raw: RawPolicyFile, file: string, ruleLines: readonly number[]): PolicyFragment {
  const { version: _version, rules = [], ...settings } = raw;
  return {
    file,
    rules: rules.map((rule, i) => toRule(rule, `rule ${i + 1}`, { file, line: ruleLines[i] ?? 1 })),
    settings,
  };
}

function toRule(raw: RawRule, defaultName: string, source: { file: string; line: number }): PolicyRule {
  const match = toMatch(raw.match);
  const name = raw.name ?? defaultName;
  if (raw.ignore) return { name, match, action: { kind: "ignore" }, source };
  const routing = raw.routing === false ? false : { table: typeof raw.routing === "object" ? raw.routing.table : "auto" as const };
  return {
    name,
    match,
    action: raw.endpoint ? { kind: "manage", endpoint: toEndpoint(raw.endpoint), routing } : { kind: "manage", routing },
    source,
  };
}

function toEndpoint(raw: NonNullable<RawRule["endpoint"]>): EndpointSpec {
  // Canonical flag order, so equal specs compare equal; port 0 is the kernel's "no port".
  const flags = ENDPOINT_FLAGS.filter((f) => raw.flags.includes(f));
  return raw.port ? { flags, port: raw.port } : { flags };
}

function toMatch(raw: RawRule["match"]): RuleMatch {
  const list = (v: string | string[] | undefined) => (v === undefined ? undefined : typeof v === "string" ? [v] : v);
  const match: RuleMatch = {};
  const iface = list(raw.interface);
  const types = list(raw.type);
  const connection = list(raw.connection);
  const uuid = list(raw.uuid);
  const ssid = list(raw.ssid);
  if (iface) match.interface = iface;
  if (types) match.type = [...new Set(types.map(deviceKindOf))];
  if (connection) match.connection = connection;
  if (uuid) match.uuid = uuid;
  if (ssid) match.ssid = ssid;
  if (raw.metered !== undefined) match.metered = raw.metered;
  return match;
}

/**
 * One Policy from the main file's fragment and the drop-ins' (in name order): drop-in rules come first,
 * in name order, then the main file's; each setting a later file states overrides the earlier value.
 */
export function assemblePolicy(main: PolicyFragment, dropIns: readonly PolicyFragment[] = []): Policy {
  const policy: Policy = structuredClone({ ...DEFAULT_SETTINGS, rules: [] });
  for (const { settings: s } of [main, ...dropIns]) {
    if (s.addresses) Object.assign(policy.addresses, structuredClone(s.addresses));
    if (s.limits?.subflows !== undefined) policy.limits.subflows = s.limits.subflows;
    if (s.limits?.["add-addr-accepted"] !== undefined) policy.limits.addAddrAccepted = s.limits["add-addr-accepted"];
    if (s.routing) Object.assign(policy.marks, structuredClone(s.routing));
    if (s["endpoint-ids"]) policy.marks.endpointIds = [...s["endpoint-ids"]];
    if (s["rp-filter"]) policy.rpFilter = s["rp-filter"];
  }
  policy.rules = [...dropIns.flatMap((d) => d.rules), ...main.rules];
  return policy;
}
