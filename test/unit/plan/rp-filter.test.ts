import { describe, expect, it } from "vitest";
import { planRpFilter } from "../../../src/plan/rp-filter.js";

describe("planRpFilter", () => {
  it.each([
    { name: "strict → loose", all: 0, own: 1, listed: true, expected: true },
    { name: "loose kept", all: 0, own: 2, listed: true, expected: false },
    { name: "off kept", all: 0, own: 0, listed: true, expected: false },
    { name: "off but all strict is strict → loose", all: 1, own: 0, listed: true, expected: true },
    { name: "all loose wins over strict", all: 2, own: 1, listed: true, expected: false },
    { name: "strict but not listed → untouched", all: 0, own: 1, listed: false, expected: false },
  ])("$name", ({ all, own, listed, expected }) => {
    const ops = planRpFilter(
      { rpFilterLoose: listed ? ["eth0"] : [], devices: [{ device: "eth0", rule: "r", kind: "ethernet" }] },
      { rpFilter: { all, eth0: own, eth1: 1 } },
    );
    expect(ops).toEqual(expected ? [{ op: "rp-filter-set", ifname: "eth0", value: 2, reason: { device: "eth0", rule: "r" } }] : []);
  });
});
