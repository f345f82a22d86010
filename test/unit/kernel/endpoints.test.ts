import { describe, expect, it } from "vitest";
import { parseEndpoints } from "../../../src/kernel/endpoints.js";
import { KernelParseError } from "../../../src/kernel/json.js";
import { fixture } from "./fixture.js";

describe("parseEndpoints", () => {
  it("reads every flag combination, dev and port from a recorded dump", () => {
    expect(parseEndpoints(fixture("endpoints.json"))).toEqual([
      { id: 5, address: "10.9.9.1", flags: ["signal", "backup"] },
      { id: 6, address: "10.3.3.2", flags: ["subflow", "backup", "fullmesh"], dev: "dn0" },
      { id: 100, address: "10.1.1.2", flags: ["subflow"], dev: "wan0" },
      { id: 101, address: "10.2.2.2", flags: ["subflow", "backup"], dev: "lte0" },
      { id: 102, address: "fd00:1::2", flags: ["signal"] },
      { id: 103, address: "10.2.2.3", flags: ["signal"], port: 10100 },
      { id: 104, address: "fd00:2::5", flags: ["subflow", "fullmesh"] },
    ]);
  });

  it.each([
    { name: "empty list", text: "[]\n", want: [] },
    { name: "nothing printed", text: "", want: [] },
  ])("$name", ({ text, want }) => {
    expect(parseEndpoints(text)).toEqual(want);
  });

  it.each([
    { name: "text output", text: fixture("endpoints.txt") },
    { name: "id missing", text: '[{"address":"10.0.0.1"}]' },
    { name: "not a list", text: '{"address":"10.0.0.1","id":1}' },
  ])("refuses $name", ({ text }) => {
    expect(() => parseEndpoints(text)).toThrow(KernelParseError);
  });
});
