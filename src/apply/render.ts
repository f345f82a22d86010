// Operation → `ip` argv (one batch line) and the shell-readable command shown by `plan`.
// Every line is written so that iproute2 6.1 can tell its address family from the line itself,
// because a batch line cannot carry `-4`/`-6` (measured with iproute2 6.1).

import type { Endpoint, EndpointFlag, Family, Operation, RouteEntry, RuleEntry } from "../model/types.js";
import { ENDPOINT_FLAGS } from "../model/types.js";

/** The batch a line must go to: a `-4`/`-6` batch exits (not just fails the line) on a prefix of the other family. */
export type LineFamily = Family | "any";

export function familyOfAddress(address: string): Family {
  return address.includes(":") ? "ipv6" : "ipv4";
}

/** The `ip` argv (without "ip") of one batch line; null for operations that are not `ip` commands (rp_filter). */
export function renderOperation(op: Operation): string[] | null {
  switch (op.op) {
    case "limits-set":
      return ["mptcp", "limits", "set", "subflows", String(op.limits.subflows),
        "add_addr_accepted", String(op.limits.addAddrAccepted)];
    case "endpoint-add":
      return ["mptcp", "endpoint", "add", ...endpointArgs(op.endpoint)];
    case "endpoint-change":
      // Only the backup flag can change in place; subflow/signal changes are delete + add.
      return ["mptcp", "endpoint", "change", "id", String(op.id), op.backup ? "backup" : "nobackup"];
    case "endpoint-delete":
      return ["mptcp", "endpoint", "delete", "id", String(op.id)];
    case "route-add":
      return ["route", "add", ...routeArgs(op.route)];
    case "route-delete":
      return ["route", "delete", ...routeArgs(op.route)];
    case "rule-add":
      return ["rule", "add", ...ruleArgs(op.rule)];
    case "rule-delete":
      return ["rule", "delete", ...ruleArgs(op.rule)];
    case "rp-filter-set":
      return null;
  }
}

/**
 * Which batch can run the line. Rules need a `-6` batch for IPv6 sources (`ip rule` assumes inet
 * when no family is given, whatever the address), and a `-4` batch dies on any IPv6 address, so
 * every line naming an address goes to its own family; id-only lines and limits run anywhere.
 */
export function lineFamily(op: Operation): LineFamily | null {
  switch (op.op) {
    case "limits-set":
    case "endpoint-change":
    case "endpoint-delete":
      return "any";
    case "endpoint-add":
      return familyOfAddress(op.endpoint.address);
    case "route-add":
    case "route-delete":
      return op.route.family;
    case "rule-add":
    case "rule-delete":
      return op.rule.family;
    case "rp-filter-set":
      return null;
  }
}

/** The full command for humans (`plan` output): `ip ...`, or the sysctl write for rp_filter. */
export function renderCommand(op: Operation): string {
  if (op.op === "rp-filter-set") {
    // sysctl reads dots as separators; an interface name with a dot (VLANs) needs the slash form.
    const key = op.ifname.includes(".")
      ? `net/ipv4/conf/${op.ifname}/rp_filter`
      : `net.ipv4.conf.${op.ifname}.rp_filter`;
    return ["sysctl", "-w", `${key}=${op.value}`].map(shellWord).join(" ");
  }
  const argv = renderOperation(op) ?? [];
  // Outside a batch the family of a rule must be given: `ip rule add from fd00::2/128` alone is refused.
  const familyFlag = lineFamily(op) === "ipv6" && (op.op === "rule-add" || op.op === "rule-delete") ? ["-6"] : [];
  return ["ip", ...familyFlag, ...argv].map(shellWord).join(" ");
}

function endpointArgs(ep: Endpoint): string[] {
  const args = [ep.address];
  if (ep.port !== undefined) args.push("port", String(ep.port));
  args.push("id", String(ep.id));
  if (ep.dev !== undefined) args.push("dev", ep.dev);
  return [...args, ...canonicalFlags(ep.flags)];
}

function canonicalFlags(flags: readonly EndpointFlag[]): EndpointFlag[] {
  return ENDPOINT_FLAGS.filter((flag) => flags.includes(flag));
}

// Deletes repeat every selector the add had, so that only this route goes and not, say, another
// default route of the same table.
function routeArgs(route: RouteEntry): string[] {
  const args = [routeDst(route)];
  if (route.gateway !== undefined) args.push("via", route.gateway);
  args.push("dev", route.dev);
  if (route.scope !== undefined) args.push("scope", route.scope);
  if (route.src !== undefined) args.push("src", route.src);
  args.push("table", String(route.table), "proto", String(route.protocol));
  return args;
}

/** `default` alone means inet in a family-less batch: IPv6 needs `::/0`. */
function routeDst(route: RouteEntry): string {
  if (route.dst === "default") return route.family === "ipv6" ? "::/0" : "default";
  return route.dst;
}

function ruleArgs(rule: RuleEntry): string[] {
  return ["from", hostPrefix(rule.from, rule.family), "lookup", String(rule.table),
    "priority", String(rule.priority), "protocol", String(rule.protocol)];
}

function hostPrefix(address: string, family: Family): string {
  if (address.includes("/")) return address;
  return `${address}/${family === "ipv6" ? 128 : 32}`;
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

function shellWord(word: string): string {
  return SHELL_SAFE.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
