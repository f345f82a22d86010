import { describe, expect, it } from "vitest";
import { describeOperation } from "../../../src/plan/index.js";
import type { Operation } from "../../../src/model/types.js";

const reason = { device: "wan0", rule: "wired" };
describe("describeOperation", () => {
  it.each<[Operation, string]>([
    [{ op: "endpoint-add", endpoint: { id: 100, address: "10.1.1.2", flags: ["subflow"], dev: "wan0" }, reason },
      "wan0 (rule wired): add endpoint 10.1.1.2 subflow dev wan0 id 100"],
    [{ op: "endpoint-change", id: 101, address: "10.64.12.7", backup: false, reason }, "wan0 (rule wired): clear backup on endpoint 10.64.12.7 id 101"],
    [{ op: "endpoint-delete", id: 102, address: "10.1.1.9", reason: "not wanted" }, "not wanted: delete endpoint 10.1.1.9 id 102"],
    [{ op: "endpoint-delete", id: 2, address: "10.1.1.2", reason, takeover: true },
      "wan0 (rule wired): take over endpoint 10.1.1.2 id 2 left by NetworkManager (delete, then add ours: subflows on it are re-established)"],
    [{ op: "route-add", route: { family: "ipv6", table: 1000, dst: "default", gateway: "fe80::1", dev: "wan0", protocol: 203 }, reason },
      "wan0 (rule wired): add route default via fe80::1 dev wan0 table 1000"],
    [{ op: "rule-delete", rule: { family: "ipv4", priority: 5000, from: "10.1.1.2", table: 1000, protocol: 203 }, reason: "not wanted" },
      "not wanted: delete rule from 10.1.1.2 table 1000 priority 5000"],
    [{ op: "rp-filter-set", ifname: "wan0", value: 2, reason }, "wan0 (rule wired): set rp_filter of wan0 to 2 (loose)"],
    [{ op: "limits-set", limits: { subflows: 2, addAddrAccepted: 2 }, reason: "subflows 0 → at least 2" },
      "set limits subflows 2 add_addr_accepted 2 (subflows 0 → at least 2)"],
  ])("%j", (op, text) => {
    expect(describeOperation(op)).toBe(text);
  });
});
