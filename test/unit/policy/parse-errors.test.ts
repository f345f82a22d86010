import { describe, expect, it } from "vitest";
import { parsePolicyText } from "../../../src/policy/parse.js";

// Each policy has one mistake; the diagnostic must name it and point at its line (and column).
const rule = (body: string) => `version: 1\nrules:\n  - name: r\n${body}`;

const invalid: { name: string; text: string; message: string; line: number; col?: number }[] = [
  { name: "missing version", text: "rules: []\n", message: 'missing required key "version"', line: 1, col: 1 },
  { name: "version 2", text: "version: 2\n", message: "unsupported version 2", line: 1, col: 10 },
  { name: "version as string", text: 'version: "1"\n', message: 'unsupported version "1"', line: 1, col: 10 },
  { name: "empty file", text: "", message: "the file is empty", line: 1, col: 1 },
  { name: "top-level typo", text: "version: 1\nlimit:\n  subflows: 2\n", message: 'unknown key "limit"; did you mean "limits"?', line: 2, col: 1 },
  {
    name: "rule key typo endpiont",
    text: rule("    match: { interface: eth0 }\n    endpiont:\n      flags: [subflow]\n"),
    message: 'rule "r": unknown key "endpiont"; did you mean "endpoint"?',
    line: 5,
    col: 5,
  },
  {
    name: "unknown key far from any",
    text: rule("    match: { interface: eth0 }\n    routing: true\n    zzzzzzzz: 1\n"),
    message: 'unknown key "zzzzzzzz"; expected one of: name, match, ignore, endpoint, routing',
    line: 6,
    col: 5,
  },
  {
    name: "match typo",
    text: rule("    match: { interfce: eth0 }\n    routing: true\n"),
    message: 'unknown key "interfce"; did you mean "interface"?',
    line: 4,
    col: 14,
  },
  { name: "missing match", text: rule("    routing: true\n"), message: 'rule "r": missing required key "match"', line: 3, col: 5 },
  { name: "empty match", text: rule("    match: {}\n    routing: true\n"), message: "match: must not be empty", line: 4, col: 12 },
  {
    name: "empty interface list",
    text: rule("    match: { interface: [] }\n    routing: true\n"),
    message: "match.interface: must not be an empty list",
    line: 4,
    col: 25,
  },
  {
    name: "ignore with endpoint",
    text: rule("    match: { interface: eth0 }\n    ignore: true\n    endpoint: { flags: [subflow] }\n"),
    message: "`ignore: true` stands alone",
    line: 5,
    col: 5,
  },
  { name: "ignore false", text: rule("    match: { interface: eth0 }\n    ignore: false\n"), message: "ignore: must be true, got false", line: 5, col: 13 },
  { name: "no action", text: rule("    match: { interface: eth0 }\n"), message: "says nothing to do", line: 3, col: 5 },
  {
    name: "routing false alone",
    text: rule("    match: { interface: eth0 }\n    routing: false\n"),
    message: "`routing: false` without `endpoint` does nothing",
    line: 5,
    col: 14,
  },
  {
    name: "empty flags",
    text: rule("    match: { interface: eth0 }\n    endpoint: { flags: [] }\n"),
    message: "endpoint.flags: must not be an empty list",
    line: 5,
    col: 24,
  },
  {
    name: "duplicate flag",
    text: rule("    match: { interface: eth0 }\n    endpoint: { flags: [subflow, backup, subflow] }\n"),
    message: 'endpoint.flags: duplicate entry "subflow"',
    line: 5,
    col: 42,
  },
  {
    name: "unknown flag",
    text: rule("    match: { interface: eth0 }\n    endpoint: { flags: [subflow, bakup] }\n"),
    message: 'unknown endpoint flag "bakup"; did you mean "backup"?',
    line: 5,
    col: 34,
  },
  {
    name: "backup alone",
    text: rule("    match: { interface: eth0 }\n    endpoint: { flags: [backup] }\n"),
    message: 'needs "signal" or "subflow"',
    line: 5,
    col: 24,
  },
  {
    name: "fullmesh without subflow",
    text: rule("    match: { interface: eth0 }\n    endpoint:\n      flags: [backup, fullmesh]\n"),
    message: '"fullmesh" needs "subflow"',
    line: 6,
    col: 23,
  },
  {
    name: "fullmesh with signal",
    text: rule("    match: { interface: eth0 }\n    endpoint:\n      flags: [subflow, signal, fullmesh]\n"),
    message: '"fullmesh" cannot be combined with "signal"',
    line: 6,
    col: 32,
  },
  {
    name: "port without signal",
    text: rule("    match: { interface: eth0 }\n    endpoint:\n      flags: [subflow]\n      port: 8080\n"),
    message: '`port` only applies to "signal" endpoints',
    line: 7,
    col: 13,
  },
  {
    name: "port out of range",
    text: rule("    match: { interface: eth0 }\n    endpoint:\n      flags: [signal]\n      port: 70000\n"),
    message: "endpoint.port: must be from 0 to 65535, got 70000",
    line: 7,
    col: 13,
  },
  {
    name: "pinned main table",
    text: rule("    match: { interface: eth0 }\n    routing: { table: 254 }\n"),
    message: 'table 254 is the kernel\'s "main" table',
    line: 5,
    col: 23,
  },
  {
    name: "pinned table 0",
    text: rule("    match: { interface: eth0 }\n    routing: { table: 0 }\n"),
    message: "routing.table: must be from 1 to 4294967295, got 0",
    line: 5,
    col: 23,
  },
  {
    name: "pinned table too big",
    text: rule("    match: { interface: eth0 }\n    routing: { table: 4294967296 }\n"),
    message: "must be from 1 to 4294967295",
    line: 5,
  },
  {
    name: "routing as string",
    text: rule('    match: { interface: eth0 }\n    routing: "yes"\n'),
    message: 'routing: must be true, false or { table: N }, got "yes"',
    line: 5,
    col: 14,
  },
  {
    name: "routing table typo",
    text: rule("    match: { interface: eth0 }\n    routing: { tabel: 7 }\n"),
    message: 'unknown key "tabel"; did you mean "table"?',
    line: 5,
    col: 16,
  },
  {
    name: "unknown device type with suggestion",
    text: rule("    match: { type: [modem, wifii] }\n    routing: true\n"),
    message: 'unknown device type "wifii"; did you mean "wifi"?',
    line: 4,
    col: 28,
  },
  {
    name: "metered as string",
    text: rule('    match: { metered: "yes" }\n    routing: true\n'),
    message: 'match.metered: must be true or false, got "yes"',
    line: 4,
    col: 23,
  },
  {
    name: "bad glob",
    text: rule('    match: { interface: ["eth*", "wwan[0-"] }\n    routing: true\n'),
    message: 'bad glob "wwan[0-": unclosed "["',
    line: 4,
    col: 34,
  },
  {
    name: "empty glob",
    text: rule('    match: { connection: "" }\n    routing: true\n'),
    message: "match.connection: must not be an empty string",
    line: 4,
    col: 26,
  },
  {
    name: "malformed uuid",
    text: rule("    match: { uuid: not-a-uuid }\n    routing: true\n"),
    message: "must be a connection UUID",
    line: 4,
    col: 20,
  },
  { name: "limits 9", text: "version: 1\nlimits:\n  subflows: 9\n", message: "limits.subflows: must be from 0 to 8, got 9", line: 3, col: 13 },
  {
    name: "limits word",
    text: "version: 1\nlimits:\n  add-addr-accepted: many\n",
    message: 'must be auto or a number from 0 to 8, got "many"',
    line: 3,
    col: 22,
  },
  { name: "limits negative", text: "version: 1\nlimits:\n  subflows: -1\n", message: "must be from 0 to 8, got -1", line: 3 },
  {
    name: "tables reversed",
    text: "version: 1\nrouting:\n  tables: [2000, 1000]\n",
    message: "routing.tables: must be ordered [first, last] with first <= last",
    line: 3,
    col: 11,
  },
  {
    name: "tables cross reserved",
    text: "version: 1\nrouting:\n  tables: [100, 300]\n",
    message: "contains reserved tables 253 (default), 254 (main), 255 (local)",
    line: 3,
    col: 11,
  },
  { name: "tables not a pair", text: "version: 1\nrouting:\n  tables: [1000]\n", message: "must be a pair [first, last]", line: 3, col: 11 },
  { name: "tables start at 0", text: "version: 1\nrouting:\n  tables: [0, 10]\n", message: "must be from 1 to 4294967295, got 0", line: 3, col: 12 },
  { name: "endpoint ids above 255", text: "version: 1\nendpoint-ids: [100, 300]\n", message: "must be from 1 to 255, got 300", line: 2, col: 21 },
  { name: "endpoint ids reversed", text: "version: 1\nendpoint-ids: [9, 1]\n", message: "must be ordered", line: 2, col: 15 },
  { name: "kernel protocol", text: "version: 1\nrouting:\n  protocol: 4\n", message: 'protocol 4 is "static"', line: 3, col: 13 },
  { name: "routing daemon protocol", text: "version: 1\nrouting:\n  protocol: 186\n", message: 'protocol 186 is "bgp"', line: 3, col: 13 },
  { name: "protocol 0", text: "version: 1\nrouting:\n  protocol: 0\n", message: "routing.protocol: must be from 1 to 255, got 0", line: 3 },
  { name: "priority too high", text: "version: 1\nrouting:\n  priority: 32766\n", message: "must be from 1 to 32765, got 32766", line: 3, col: 13 },
  { name: "rp-filter strict", text: "version: 1\nrp-filter: strict\n", message: 'unknown rp-filter mode "strict"; expected one of: loose, keep', line: 2, col: 12 },
  {
    name: "unknown address class",
    text: "version: 1\naddresses:\n  skip: [link-local, loopback]\n",
    message: 'unknown address class "loopback"',
    line: 3,
    col: 22,
  },
  { name: "rules not a list", text: "version: 1\nrules:\n  name: x\n", message: "rules: must be a list", line: 3, col: 3 },
  { name: "duplicate key", text: "version: 1\nlimits:\n  subflows: 2\n  subflows: 3\n", message: "duplicate key: Map keys must be unique", line: 4, col: 3 },
  { name: "duplicate key in JSON", text: '{"version": 1,\n "version": 1}\n', message: "duplicate key", line: 2, col: 2 },
  { name: "YAML syntax error", text: "version: 1\nrules: [\n", message: "YAML syntax:", line: 3, col: 1 },
  { name: "JSON syntax error", text: '{"version": 1,,}\n', message: "YAML syntax:", line: 1 },
];

describe("malformed policies", () => {
  it.each(invalid)("$name", ({ text, message, line, col }) => {
    const result = parsePolicyText(text, "p.yaml");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const hit = result.diagnostics.find((d) => d.message.includes(message));
    expect(hit, `no diagnostic containing ${JSON.stringify(message)} in:\n${result.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`).join("\n")}`).toBeDefined();
    expect(hit!.file).toBe("p.yaml");
    expect(hit!.line).toBe(line);
    if (col !== undefined) expect(hit!.col).toBe(col);
  });
});

describe("reporting", () => {
  it("reports every problem of a file at once, in text order", () => {
    const text = [
      "version: 1",
      "rules:",
      "  - match: { type: [lte5] }",
      "    endpoint: { flags: [backup] }",
      "limits:",
      "  subflows: 11",
      "rp-filter: off",
    ].join("\n");
    const result = parsePolicyText(text, "p.yaml");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [3, expect.stringContaining('rule 1: match.type: unknown device type "lte5"')],
      [4, expect.stringContaining('rule 1: endpoint.flags: needs "signal" or "subflow"')],
      [6, "limits.subflows: must be from 0 to 8, got 11"],
      [7, expect.stringContaining('unknown rp-filter mode "off"')],
    ]);
  });
});
