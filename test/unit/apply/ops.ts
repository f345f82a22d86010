// Operation builders shared by the apply unit tests.
import type { Endpoint, Operation, RouteEntry, RuleEntry } from "../../../src/model/types.js";

const reason = { device: "wan0", rule: "wired" };

export const endpointAdd = (endpoint: Endpoint): Operation => ({ op: "endpoint-add", endpoint, reason });
export const endpointChange = (id: number, address: string, backup: boolean): Operation =>
  ({ op: "endpoint-change", id, address, backup, reason });
export const endpointDelete = (id: number, address: string): Operation =>
  ({ op: "endpoint-delete", id, address, reason: "not wanted" });
export const limitsSet = (subflows: number, addAddrAccepted: number): Operation =>
  ({ op: "limits-set", limits: { subflows, addAddrAccepted }, reason: "policy" });
export const routeAdd = (route: RouteEntry): Operation => ({ op: "route-add", route, reason });
export const routeDelete = (route: RouteEntry): Operation => ({ op: "route-delete", route, reason: "not wanted" });
export const ruleAdd = (rule: RuleEntry): Operation => ({ op: "rule-add", rule, reason });
export const ruleDelete = (rule: RuleEntry): Operation => ({ op: "rule-delete", rule, reason: "not wanted" });
export const rpFilterSet = (ifname: string, value: number): Operation => ({ op: "rp-filter-set", ifname, value, reason });

export const default4: RouteEntry = { family: "ipv4", table: 1000, dst: "default", dev: "wan0", gateway: "10.1.1.1", protocol: 203 };
export const prefix4: RouteEntry = { family: "ipv4", table: 1000, dst: "10.1.1.0/24", dev: "wan0", scope: "link", src: "10.1.1.2", protocol: 203 };
export const default6: RouteEntry = { family: "ipv6", table: 1000, dst: "default", dev: "wan0", gateway: "fd00:1::1", protocol: 203 };
export const prefix6: RouteEntry = { family: "ipv6", table: 1000, dst: "fd00:1::/64", dev: "wan0", src: "fd00:1::2", protocol: 203 };
export const rule4: RuleEntry = { family: "ipv4", priority: 5000, from: "10.1.1.2", table: 1000, protocol: 203 };
export const rule6: RuleEntry = { family: "ipv6", priority: 5000, from: "fd00:1::2", table: 1000, protocol: 203 };
