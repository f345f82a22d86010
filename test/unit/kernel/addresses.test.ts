import { describe, expect, it } from "vitest";
import { parseAddresses } from "../../../src/kernel/addresses.js";
import { fixture } from "./fixture.js";

describe("parseAddresses", () => {
  const all = parseAddresses(fixture("addresses.json"));
  const on = (ifname: string, address: string) => all.find((a) => a.ifname === ifname && a.address === address);

  it("reads plain IPv4 and IPv6 addresses with prefix and scope", () => {
    expect(on("wan0", "10.1.1.2")).toEqual({ ifname: "wan0", family: "ipv4", address: "10.1.1.2", prefix: 24, scope: "global", flags: [] });
    expect(on("wan0", "fd00:1::2")).toEqual({ ifname: "wan0", family: "ipv6", address: "fd00:1::2", prefix: 64, scope: "global", flags: ["nodad"] });
    expect(on("lo", "::1")).toMatchObject({ family: "ipv6", prefix: 128, scope: "host" });
  });

  it("reads secondary, deprecated (zero preferred lifetime), tentative and dadfailed", () => {
    expect(on("lte0", "10.2.2.3")?.flags).toEqual(["secondary"]);
    expect(on("lte0", "fd00:2::5")?.flags).toEqual(["dynamic", "nodad", "deprecated"]);
    expect(on("lte0", "fd00:2::6")?.flags).toEqual(["tentative"]);
    expect(on("lte0", "fd00:2::2")?.flags).toEqual(["dadfailed", "tentative"]);
  });

  it("reads SLAAC and temporary (privacy) addresses from a router advertisement", () => {
    const slaac = all.filter((a) => a.ifname === "wan0" && a.address.startsWith("fd00:5::"));
    expect(slaac).toHaveLength(2);
    expect(slaac.filter((a) => a.flags.includes("temporary"))).toHaveLength(1);
    expect(slaac.filter((a) => a.flags.includes("mngtmpaddr"))).toHaveLength(1);
    expect(slaac.every((a) => a.flags.includes("dynamic"))).toBe(true);
  });

  it("reads a point-to-point address (`local` with a peer) and addresses of a down link", () => {
    expect(on("tun0", "10.9.9.1")).toMatchObject({ prefix: 32 });
    expect(on("dn0", "10.3.3.2")).toMatchObject({ prefix: 24 });
  });

  it("drops tentative once DAD is over, keeps dadfailed", () => {
    const after = parseAddresses(fixture("addresses-lte0-after-dad.json"));
    expect(after.find((a) => a.address === "fd00:2::6")?.flags).toEqual([]);
    expect(after.find((a) => a.address === "fd00:2::2")?.flags).toEqual(["dadfailed", "tentative"]);
  });

  it("skips the empty entries of a filtered dump", () => {
    expect(parseAddresses('[{"ifindex":3,"ifname":"x0","addr_info":[{}]}]')).toEqual([]);
  });
});
