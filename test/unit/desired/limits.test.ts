import { describe, expect, it } from "vitest";
import { desiredLimits } from "../../../src/desired/limits.js";
import type { DesiredEndpoint, EndpointFlag } from "../../../src/model/types.js";

const endpoint = (i: number, flags: EndpointFlag[]): DesiredEndpoint => ({
  address: `10.0.${i}.2`, family: "ipv4", dev: `eth${i}`, flags, reason: { device: `eth${i}`, rule: "r" },
});
const endpoints = (subflow: number, signal: number): DesiredEndpoint[] => [
  ...Array.from({ length: subflow }, (_, i) => endpoint(i, i % 2 ? ["subflow", "backup"] : ["subflow"])),
  ...Array.from({ length: signal }, (_, i) => endpoint(100 + i, ["signal"])),
];

describe("desiredLimits", () => {
  it.each([
    { subflow: 0, signal: 0, setting: "auto", expected: { kind: "at-least", value: 0 } },
    { subflow: 2, signal: 0, setting: "auto", expected: { kind: "at-least", value: 2 } },
    { subflow: 3, signal: 4, setting: "auto", expected: { kind: "at-least", value: 3 } },
    { subflow: 11, signal: 0, setting: "auto", expected: { kind: "at-least", value: 8 } },
    { subflow: 3, signal: 0, setting: 1, expected: { kind: "exact", value: 1 } },
    { subflow: 0, signal: 0, setting: 6, expected: { kind: "exact", value: 6 } },
  ] as const)("$subflow subflow + $signal signal endpoints, $setting → $expected", ({ subflow, signal, setting, expected }) => {
    const got = desiredLimits({ subflows: setting, addAddrAccepted: setting }, endpoints(subflow, signal));
    expect(got).toEqual({ subflows: expected, addAddrAccepted: expected });
  });

  it("each limit follows its own setting", () => {
    expect(desiredLimits({ subflows: 4, addAddrAccepted: "auto" }, endpoints(2, 0))).toEqual({
      subflows: { kind: "exact", value: 4 },
      addAddrAccepted: { kind: "at-least", value: 2 },
    });
  });
});
