import { describe, expect, it } from "vitest";
import { parseRouters } from "../../../src/kernel/neighbours.js";

describe("parseRouters", () => {
  it("keeps neighbours flagged as routers that are not unreachable", () => {
    // `ip -6 -json neigh show` recorded in the rig (dnsmasq advertising on lte0), plus the states to skip.
    const json = JSON.stringify([
      { dst: "fe80::99", dev: "lte0", lladdr: "d2:ca:99:18:09:82", router: null, state: ["STALE"] },
      { dst: "fe80::9858:fdff:fe2c:b782", dev: "lte0", lladdr: "9a:58:fd:2c:b7:82", state: ["REACHABLE"] },
      { dst: "fe80::d0ca:99ff:fe18:982", dev: "lte0", router: null, state: ["FAILED"] },
      { dst: "fe80::5", dev: "lte0", router: null, state: ["INCOMPLETE"] },
      { dst: "fe80::6", dev: "wan0", lladdr: "02:00:00:00:00:06", router: null, state: ["PERMANENT"] },
    ]);
    expect(parseRouters(json)).toEqual([
      { dev: "lte0", address: "fe80::99" },
      { dev: "wan0", address: "fe80::6" },
    ]);
  });

  it("reads an empty neighbour table", () => {
    expect(parseRouters("")).toEqual([]);
    expect(parseRouters("[]")).toEqual([]);
  });
});
