import { describe, expect, it } from "vitest";
import { KernelParseError } from "../../../src/kernel/json.js";
import { parseRoutes } from "../../../src/kernel/routes.js";
import { fixture } from "./fixture.js";

const ours4 = [
  { family: "ipv4", table: 1000, dst: "default", dev: "wan0", gateway: "10.1.1.1", protocol: 203 },
  { family: "ipv4", table: 1000, dst: "10.1.1.0/24", dev: "wan0", scope: "link", src: "10.1.1.2", protocol: 203 },
  { family: "ipv4", table: 1001, dst: "default", dev: "lte0", gateway: "10.2.2.1", protocol: 203 },
  { family: "ipv4", table: 1001, dst: "10.2.2.0/24", dev: "lte0", scope: "link", src: "10.2.2.2", protocol: 203 },
];
const ours6 = [
  { family: "ipv6", table: 1000, dst: "fd00:1::/64", dev: "wan0", src: "fd00:1::2", protocol: 203 },
  { family: "ipv6", table: 1000, dst: "default", dev: "wan0", gateway: "fe80::1", protocol: 203 },
];

describe("parseRoutes", () => {
  it("takes the protocol from the filter, which ip leaves out of a `proto 203` dump", () => {
    expect(parseRoutes(fixture("routes-v4-proto203.json"), { family: "ipv4", protocol: 203 })).toEqual(ours4);
    expect(parseRoutes(fixture("routes-v6-proto203.json"), { family: "ipv6", protocol: 203 })).toEqual(ours6);
  });

  it("tells families apart in a family-less dump (`table all` lists both families)", () => {
    expect(parseRoutes(fixture("routes-unspec-proto203.json"), { protocol: 203 })).toEqual([...ours4, ...ours6]);
  });

  it("reads protocol names, the main table without a table key, and skips local/broadcast/multicast", () => {
    const all = parseRoutes(fixture("routes-unspec-all.json"));
    expect(all.filter((r) => r.protocol === 203)).toEqual([...ours4, ...ours6]);
    expect(all).toContainEqual({ family: "ipv4", table: 1000, dst: "192.0.2.0/24", dev: "wan0", gateway: "10.1.1.1", protocol: 4 });
    expect(all).toContainEqual({ family: "ipv4", table: 254, dst: "default", dev: "wan0", gateway: "10.1.1.1", protocol: 0 });
    // A host route (`"dst":"10.9.9.2"`, the tun0 peer) gets its /32.
    expect(all).toContainEqual({ family: "ipv4", table: 254, dst: "10.9.9.2/32", dev: "tun0", scope: "link", src: "10.9.9.1", protocol: 2 });
    expect(all.every((r) => r.table !== 255)).toBe(true);
  });

  it("reads IPv6 kernel routes of every table", () => {
    const all = parseRoutes(fixture("routes-v6-all.json"), { family: "ipv6" });
    expect(all.filter((r) => r.protocol === 203)).toEqual(ours6);
    expect(all).toContainEqual({ family: "ipv6", table: 254, dst: "fe80::/64", dev: "lte0", protocol: 2 });
    expect(all).toContainEqual({ family: "ipv6", table: 1000, dst: "fd00:9::/64", dev: "wan0", protocol: 4 });
  });

  it.each([
    { name: "::/0", dst: "::/0", family: "ipv6" as const },
    { name: "0.0.0.0/0", dst: "0.0.0.0/0", family: "ipv4" as const },
  ])("normalises $name to default", ({ dst, family }) => {
    const [r] = parseRoutes(`[{"dst":"${dst}","dev":"x0","table":"7"}]`, { family });
    expect(r?.dst).toBe("default");
  });

  it("refuses a route whose family cannot be told", () => {
    expect(() => parseRoutes('[{"dst":"default","dev":"ppp0","table":"7"}]')).toThrow(KernelParseError);
  });
});
