import { describe, expect, it } from "vitest";
import { KernelParseError } from "../../../src/kernel/json.js";
import { parseRules } from "../../../src/kernel/rules.js";
import { fixture } from "./fixture.js";

describe("parseRules", () => {
  it("keeps IPv4 rules with a source, protocols by number or name, absent protocol as 0", () => {
    expect(parseRules(fixture("rules-v4.json"), "ipv4")).toEqual([
      { family: "ipv4", priority: 100, from: "10.2.2.3", table: 50, protocol: 0 },
      { family: "ipv4", priority: 200, from: "10.1.1.0/24", table: 254, protocol: 4 },
      { family: "ipv4", priority: 5000, from: "10.1.1.2", table: 1000, protocol: 203 },
      { family: "ipv4", priority: 5000, from: "10.2.2.2", table: 1001, protocol: 203 },
    ]);
  });

  it("reads `ip -6 rule show` (protocol 4 printed as \"static\")", () => {
    expect(parseRules(fixture("rules-v6.json"), "ipv6")).toEqual([
      { family: "ipv6", priority: 100, from: "fd00:2::/64", table: 60, protocol: 4 },
      { family: "ipv6", priority: 5000, from: "fd00:1::2", table: 1000, protocol: 203 },
    ]);
  });

  it("resolves names an administrator added in /etc/iproute2", () => {
    const names = { protocols: new Map([["mptcp-policy", 203]]), tables: new Map([["wan", 1000]]) };
    const json = '[{"priority":5000,"src":"10.1.1.2","table":"wan","protocol":"mptcp-policy"}]';
    expect(parseRules(json, "ipv4", names)).toEqual([
      { family: "ipv4", priority: 5000, from: "10.1.1.2", table: 1000, protocol: 203 },
    ]);
  });

  it("refuses a name it cannot resolve rather than guess", () => {
    const json = '[{"priority":5000,"src":"10.1.1.2","table":"wan","protocol":"203"}]';
    expect(() => parseRules(json, "ipv4")).toThrow(KernelParseError);
  });
});
