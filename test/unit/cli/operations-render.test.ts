// How plan/apply/flush print an operation: the command an admin could type, then why; JSON adds both fields.
import { describe, expect, it } from "vitest";
import { operationJson, operationLine } from "../../../src/cli/render/operations.js";
import { endpointChange, limitsSet, rule4 } from "../apply/ops.js";

describe("operation rendering", () => {
  it("a line is the ip command, four spaces, then '# ' and the reason", () => {
    const line = operationLine(endpointChange(3, "10.1.1.2", true));
    expect(line).toMatch(/^ip mptcp endpoint change id 3 .*backup.* {4}# .+$/);
    expect(line.split("    # ")).toHaveLength(2);
  });

  it("JSON keeps the operation's fields and adds the same command and description as the line", () => {
    const op = limitsSet(4, 2);
    const json = operationJson(op);
    expect(json).toMatchObject({ op: "limits-set", limits: { subflows: 4, addAddrAccepted: 2 }, reason: "policy" });
    expect(operationLine(op)).toBe(`${json.command}    # ${json.description}`);
    expect(json.command).toContain("ip mptcp limits set subflows 4 add_addr_accepted 2");
    const rule = operationJson({ op: "rule-add", rule: rule4, reason: { device: "wan0", rule: "wired" } });
    expect(rule.command).toContain("from 10.1.1.2");
    expect(rule.description).toContain("wan0");
  });
});
