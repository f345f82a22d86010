import { describe, expect, it } from "vitest";
import { lineFamily, renderCommand, renderOperation } from "../../../src/apply/render.js";
import type { Operation } from "../../../src/model/types.js";
import {
  default4, default6, endpointAdd, endpointChange, endpointDelete, limitsSet, prefix4, prefix6,
  routeAdd, routeDelete, rpFilterSet, rule4, rule6, ruleAdd, ruleDelete,
} from "./ops.js";

const cases: { name: string; op: Operation; line: string | null; family: string | null; command: string }[] = [
  { name: "limits-set", op: limitsSet(2, 2), family: "any",
    line: "mptcp limits set subflows 2 add_addr_accepted 2",
    command: "ip mptcp limits set subflows 2 add_addr_accepted 2" },
  { name: "endpoint-add v4 subflow backup (flags in canonical order)",
    op: endpointAdd({ id: 100, address: "10.1.1.2", dev: "wan0", flags: ["backup", "subflow"] }), family: "ipv4",
    line: "mptcp endpoint add 10.1.1.2 id 100 dev wan0 subflow backup",
    command: "ip mptcp endpoint add 10.1.1.2 id 100 dev wan0 subflow backup" },
  { name: "endpoint-add v6 signal with port",
    op: endpointAdd({ id: 101, address: "fd00:1::2", dev: "wan0", port: 5000, flags: ["signal"] }), family: "ipv6",
    line: "mptcp endpoint add fd00:1::2 port 5000 id 101 dev wan0 signal",
    command: "ip mptcp endpoint add fd00:1::2 port 5000 id 101 dev wan0 signal" },
  { name: "endpoint-add without dev", op: endpointAdd({ id: 7, address: "10.0.0.1", flags: ["subflow", "fullmesh"] }),
    family: "ipv4", line: "mptcp endpoint add 10.0.0.1 id 7 subflow fullmesh",
    command: "ip mptcp endpoint add 10.0.0.1 id 7 subflow fullmesh" },
  { name: "endpoint-change to backup", op: endpointChange(100, "10.1.1.2", true), family: "any",
    line: "mptcp endpoint change id 100 backup", command: "ip mptcp endpoint change id 100 backup" },
  { name: "endpoint-change to nobackup", op: endpointChange(100, "fd00:1::2", false), family: "any",
    line: "mptcp endpoint change id 100 nobackup", command: "ip mptcp endpoint change id 100 nobackup" },
  { name: "endpoint-delete", op: endpointDelete(100, "10.1.1.2"), family: "any",
    line: "mptcp endpoint delete id 100", command: "ip mptcp endpoint delete id 100" },
  { name: "route-add v4 default", op: routeAdd(default4), family: "ipv4",
    line: "route add default via 10.1.1.1 dev wan0 table 1000 proto 203",
    command: "ip route add default via 10.1.1.1 dev wan0 table 1000 proto 203" },
  { name: "route-add v4 prefix", op: routeAdd(prefix4), family: "ipv4",
    line: "route add 10.1.1.0/24 dev wan0 scope link src 10.1.1.2 table 1000 proto 203",
    command: "ip route add 10.1.1.0/24 dev wan0 scope link src 10.1.1.2 table 1000 proto 203" },
  { name: "route-add v6 default is ::/0", op: routeAdd(default6), family: "ipv6",
    line: "route add ::/0 via fd00:1::1 dev wan0 table 1000 proto 203",
    command: "ip route add ::/0 via fd00:1::1 dev wan0 table 1000 proto 203" },
  { name: "route-add v6 prefix", op: routeAdd(prefix6), family: "ipv6",
    line: "route add fd00:1::/64 dev wan0 src fd00:1::2 table 1000 proto 203",
    command: "ip route add fd00:1::/64 dev wan0 src fd00:1::2 table 1000 proto 203" },
  { name: "route-delete v4 keeps every selector", op: routeDelete(default4), family: "ipv4",
    line: "route delete default via 10.1.1.1 dev wan0 table 1000 proto 203",
    command: "ip route delete default via 10.1.1.1 dev wan0 table 1000 proto 203" },
  { name: "route-delete v6", op: routeDelete(default6), family: "ipv6",
    line: "route delete ::/0 via fd00:1::1 dev wan0 table 1000 proto 203",
    command: "ip route delete ::/0 via fd00:1::1 dev wan0 table 1000 proto 203" },
  { name: "rule-add v4 gets /32", op: ruleAdd(rule4), family: "ipv4",
    line: "rule add from 10.1.1.2/32 lookup 1000 priority 5000 protocol 203",
    command: "ip rule add from 10.1.1.2/32 lookup 1000 priority 5000 protocol 203" },
  { name: "rule-add v6 gets /128 and -6 on the command", op: ruleAdd(rule6), family: "ipv6",
    line: "rule add from fd00:1::2/128 lookup 1000 priority 5000 protocol 203",
    command: "ip -6 rule add from fd00:1::2/128 lookup 1000 priority 5000 protocol 203" },
  { name: "rule-add keeps a given prefix", op: ruleAdd({ ...rule4, from: "10.1.1.2/32" }), family: "ipv4",
    line: "rule add from 10.1.1.2/32 lookup 1000 priority 5000 protocol 203",
    command: "ip rule add from 10.1.1.2/32 lookup 1000 priority 5000 protocol 203" },
  { name: "rule-delete v4", op: ruleDelete(rule4), family: "ipv4",
    line: "rule delete from 10.1.1.2/32 lookup 1000 priority 5000 protocol 203",
    command: "ip rule delete from 10.1.1.2/32 lookup 1000 priority 5000 protocol 203" },
  { name: "rule-delete v6", op: ruleDelete(rule6), family: "ipv6",
    line: "rule delete from fd00:1::2/128 lookup 1000 priority 5000 protocol 203",
    command: "ip -6 rule delete from fd00:1::2/128 lookup 1000 priority 5000 protocol 203" },
  { name: "rp-filter-set is a sysctl write", op: rpFilterSet("wan0", 2), family: null, line: null,
    command: "sysctl -w net.ipv4.conf.wan0.rp_filter=2" },
  { name: "rp-filter-set on a VLAN name uses the slash form", op: rpFilterSet("wan0.100", 2), family: null, line: null,
    command: "sysctl -w net/ipv4/conf/wan0.100/rp_filter=2" },
];

describe("renderOperation", () => {
  it.each(cases)("$name", ({ op, line, family, command }) => {
    expect(renderOperation(op)?.join(" ") ?? null).toBe(line);
    expect(lineFamily(op)).toBe(family);
    expect(renderCommand(op)).toBe(command);
  });

  it("keeps each argument a single argv element", () => {
    expect(renderOperation(endpointAdd({ id: 1, address: "10.0.0.1", dev: "we ird", flags: ["subflow"] })))
      .toEqual(["mptcp", "endpoint", "add", "10.0.0.1", "id", "1", "dev", "we ird", "subflow"]);
  });
});

describe("renderCommand quoting", () => {
  it.each([
    ["we ird", "'we ird'"],
    ["it's", `'it'\\''s'`],
    ["a$b", "'a$b'"],
  ])("quotes the interface name %j as %s", (dev, quoted) => {
    expect(renderCommand(routeAdd({ ...default4, dev }))).toBe(
      `ip route add default via 10.1.1.1 dev ${quoted} table 1000 proto 203`);
  });
});
