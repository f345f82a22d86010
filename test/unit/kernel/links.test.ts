import { describe, expect, it } from "vitest";
import { parseLinks } from "../../../src/kernel/links.js";
import { fixture } from "./fixture.js";

describe("parseLinks", () => {
  it("reads up (UP and LOWER_UP) and POINTOPOINT from a recorded dump", () => {
    expect(parseLinks(fixture("links.json")).map(({ ifname, up, pointToPoint }) => ({ ifname, up, pointToPoint }))).toEqual([
      { ifname: "lo", up: true, pointToPoint: false },
      { ifname: "wan0", up: true, pointToPoint: false },
      { ifname: "lte0", up: true, pointToPoint: false },
      { ifname: "dn0", up: false, pointToPoint: false },
      // Administratively up with NO-CARRIER: not up.
      { ifname: "tun0", up: false, pointToPoint: true },
    ]);
  });

  it("keeps the ifindex", () => {
    expect(parseLinks(fixture("links.json"))[0]?.ifindex).toBe(1);
  });
});
