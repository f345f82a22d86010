import { describe, expect, it } from "vitest";
import { parsePolicyText } from "../../../src/policy/parse.js";
import { renderPolicyYaml } from "../../../src/policy/render.js";
import { DEFAULT_POLICY_YAML } from "../../../src/policy/default-policy.js";
import type { Policy } from "../../../src/model/types.js";

function parse(text: string, file = "p.yaml"): Policy {
  const result = parsePolicyText(text, file);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`).join("\n"));
  return result.policy;
}

describe("normalisation", () => {
  it("fills every default when only the version is given", () => {
    expect(parse("version: 1\n")).toEqual({
      rules: [],
      addresses: { ipv4: true, ipv6: true, skip: ["link-local", "ula", "temporary", "deprecated", "tentative"] },
      limits: { subflows: "auto", addAddrAccepted: "auto" },
      marks: { endpointIds: [100, 199], tables: [1000, 1999], protocol: 203, priority: 5000 },
      rpFilter: "loose",
    });
  });

  it("maps kebab-case settings onto the model and keeps what is not stated", () => {
    const policy = parse(
      "version: 1\nlimits: { add-addr-accepted: 3 }\nrouting: { protocol: 77 }\nendpoint-ids: [10, 20]\nrp-filter: keep\naddresses: { ipv6: false, skip: [] }\n",
    );
    expect(policy.limits).toEqual({ subflows: "auto", addAddrAccepted: 3 });
    expect(policy.marks).toEqual({ endpointIds: [10, 20], tables: [1000, 1999], protocol: 77, priority: 5000 });
    expect(policy.rpFilter).toBe("keep");
    expect(policy.addresses).toEqual({ ipv4: true, ipv6: false, skip: [] });
  });

  it.each([
    ["cellular", "modem"], ["wwan", "modem"], ["gsm", "modem"], ["cdma", "modem"], ["lte", "modem"],
    ["wired", "ethernet"], ["eth", "ethernet"], ["wlan", "wifi"], ["wireless", "wifi"], ["wi-fi", "wifi"],
    ["bt", "bluetooth"], ["wg", "wireguard"], ["veth", "veth"],
  ])("device type alias %s means %s", (alias, kind) => {
    const policy = parse(`version: 1\nrules:\n  - match: { type: ${alias} }\n    routing: true\n`);
    expect(policy.rules[0]!.match.type).toEqual([kind]);
  });

  it("merges aliases of one kind into one entry, in first-seen order", () => {
    const policy = parse("version: 1\nrules:\n  - match: { type: [lte, wifi, gsm, modem] }\n    routing: true\n");
    expect(policy.rules[0]!.match.type).toEqual(["modem", "wifi"]);
  });

  it("turns single strings into lists, names rules, and records where each rule starts", () => {
    const policy = parse(
      [
        "version: 1",
        "rules:",
        "  - match:",
        "      interface: wwan*",
        "      connection: ['Office *', Home]",
        "      ssid: Phone*",
        "      uuid: 5fb2a0e4-3e8f-4c52-9a61-0d2f3b1c7e11",
        "      metered: false",
        "    endpoint: { flags: [backup, subflow] }",
        "  - name: lan",
        "    match: { interface: lan0 }",
        "    ignore: true",
        "  - match: { interface: x }",
        "    routing: false",
        "    endpoint: { flags: [signal], port: 0 }",
        "  - match: { interface: y }",
        "    endpoint: { flags: [signal], port: 8443 }",
        "    routing: { table: 42 }",
      ].join("\n"),
      "/etc/mptcp-policy/policy.yaml",
    );
    expect(policy.rules).toEqual([
      {
        name: "rule 1",
        match: {
          interface: ["wwan*"],
          connection: ["Office *", "Home"],
          ssid: ["Phone*"],
          uuid: ["5fb2a0e4-3e8f-4c52-9a61-0d2f3b1c7e11"],
          metered: false,
        },
        // Flags in canonical order; routing defaults to an automatic table.
        action: { kind: "manage", endpoint: { flags: ["subflow", "backup"] }, routing: { table: "auto" } },
        source: { file: "/etc/mptcp-policy/policy.yaml", line: 3 },
      },
      {
        name: "lan",
        match: { interface: ["lan0"] },
        action: { kind: "ignore" },
        source: { file: "/etc/mptcp-policy/policy.yaml", line: 10 },
      },
      {
        name: "rule 3",
        match: { interface: ["x"] },
        // port 0 is the kernel's "no port".
        action: { kind: "manage", endpoint: { flags: ["signal"] }, routing: false },
        source: { file: "/etc/mptcp-policy/policy.yaml", line: 13 },
      },
      {
        name: "rule 4",
        match: { interface: ["y"] },
        action: { kind: "manage", endpoint: { flags: ["signal"], port: 8443 }, routing: { table: 42 } },
        source: { file: "/etc/mptcp-policy/policy.yaml", line: 16 },
      },
    ]);
  });

  it("reads JSON with the same rules and positions", () => {
    const policy = parse('{\n  "version": 1,\n  "rules": [\n    {"match": {"type": "wired"}, "endpoint": {"flags": ["subflow"]}}\n  ]\n}\n', "p.json");
    expect(policy.rules[0]).toMatchObject({ match: { type: ["ethernet"] }, source: { file: "p.json", line: 4 } });
  });

  it("accepts a routing-only rule (tables and source rules without an endpoint)", () => {
    const policy = parse("version: 1\nrules:\n  - match: { interface: eth0 }\n    routing: true\n");
    expect(policy.rules[0]!.action).toEqual({ kind: "manage", routing: { table: "auto" } });
  });
});

describe("rendering", () => {
  it("renders a policy that parses back to the same policy", () => {
    const original = parse(DEFAULT_POLICY_YAML, "default.yaml");
    const rendered = renderPolicyYaml(original);
    const again = parse(rendered, "default.yaml");
    const withoutSources = (p: Policy) => ({ ...p, rules: p.rules.map(({ source: _s, ...r }) => r) });
    expect(withoutSources(again)).toEqual(withoutSources(original));
  });

  it("tags each rule with the file and line it came from", () => {
    const rendered = renderPolicyYaml(parse("version: 1\nrules:\n\n  - match: { interface: eth0 }\n    routing: { table: 7 }\n", "/x/p.yaml"));
    expect(rendered).toContain("  # from /x/p.yaml:4\n  - name: rule 1\n");
    expect(rendered).toContain("routing:\n      table: 7\n");
  });
});
