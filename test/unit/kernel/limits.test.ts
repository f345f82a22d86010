import { describe, expect, it } from "vitest";
import { KernelParseError } from "../../../src/kernel/json.js";
import { parseLimits } from "../../../src/kernel/limits.js";
import { fixture } from "./fixture.js";

describe("parseLimits", () => {
  it.each([
    { name: "text (recorded)", text: fixture("limits.txt") },
    { name: "-json on iproute2 6.1, which prints text (recorded)", text: fixture("limits-json-6.1.txt") },
    // Later iproute2 prints a JSON object (ip/ipmptcp.c print_mptcp_limit with a JSON context).
    { name: "JSON object", text: '{"add_addr_accepted":2,"subflows":4}\n' },
    { name: "JSON array", text: '[{"add_addr_accepted":2,"subflows":4}]\n' },
  ])("$name", ({ text }) => {
    expect(parseLimits(text)).toEqual({ subflows: 4, addAddrAccepted: 2 });
  });

  it.each(["", "subflows 4 ", "add_addr_accepted x subflows 4", "{}", "[]"])("refuses %j", (text) => {
    expect(() => parseLimits(text)).toThrow(KernelParseError);
  });
});
