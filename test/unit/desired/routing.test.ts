import { describe, expect, it } from "vitest";
import { desiredRouting } from "../../../src/desired/routing.js";
import type { DeviceKind, DesiredRoute, KernelAddress, KernelLink, NmDevice } from "../../../src/model/types.js";

const device = (type: DeviceKind, gw4?: string, gw6?: string): NmDevice => ({
  path: "/d/1", interface: "x0", type, nmType: 0, state: 100, managed: true, metered: "unknown",
  ip4: { addresses: [], ...(gw4 && { gateway: gw4 }) },
  ip6: { addresses: [], ...(gw6 && { gateway: gw6 }) },
});
const addr = (address: string, prefix: number): KernelAddress => ({
  ifname: "x0", family: address.includes(":") ? "ipv6" : "ipv4", address, prefix, scope: "global", flags: [],
});
const link = (pointToPoint: boolean): KernelLink => ({ ifname: "x0", ifindex: 4, up: true, pointToPoint });
const reason = { device: "x0", rule: "r" };

describe("desiredRouting: routes", () => {
  const table: {
    name: string; dev: NmDevice; addresses: KernelAddress[]; link?: KernelLink; routes: DesiredRoute[];
  }[] = [
    {
      name: "IPv4 gateway + prefix route",
      dev: device("ethernet", "10.1.1.1"),
      addresses: [addr("10.1.1.2", 24)],
      routes: [
        { family: "ipv4", dst: "default", gateway: "10.1.1.1" },
        { family: "ipv4", dst: "10.1.1.0/24", scope: "link", src: "10.1.1.2" },
      ],
    },
    {
      name: "no gateway, not point-to-point: prefix route only",
      dev: device("ethernet"),
      addresses: [addr("10.1.1.2", 24)],
      link: link(false),
      routes: [{ family: "ipv4", dst: "10.1.1.0/24", scope: "link", src: "10.1.1.2" }],
    },
    {
      name: "modem /32 without gateway: link-scope default, no prefix route",
      dev: device("modem"),
      addresses: [addr("10.64.12.7", 32)],
      routes: [{ family: "ipv4", dst: "default", scope: "link" }],
    },
    {
      name: "ethernet kind on a point-to-point link",
      dev: device("ethernet"),
      addresses: [addr("100.64.0.9", 32)],
      link: link(true),
      routes: [{ family: "ipv4", dst: "default", scope: "link" }],
    },
    {
      name: "wireguard kind",
      dev: device("wireguard"),
      addresses: [addr("fd99::2", 128)],
      routes: [{ family: "ipv6", dst: "default" }],
    },
    {
      name: "IPv6 link-local gateway; a family without address gets no default",
      dev: device("wifi", "192.168.1.1", "fe80::1"),
      addresses: [addr("2001:db8:1::23", 64)],
      routes: [
        { family: "ipv6", dst: "default", gateway: "fe80::1" },
        { family: "ipv6", dst: "2001:db8:1::/64", src: "2001:db8:1::23" },
      ],
    },
    {
      name: "two addresses in one network: one prefix route",
      dev: device("ethernet", "10.1.1.1"),
      addresses: [addr("10.1.1.2", 24), addr("10.1.1.3", 24), addr("10.2.0.5", 16)],
      routes: [
        { family: "ipv4", dst: "default", gateway: "10.1.1.1" },
        { family: "ipv4", dst: "10.1.1.0/24", scope: "link", src: "10.1.1.2" },
        { family: "ipv4", dst: "10.2.0.0/16", scope: "link", src: "10.2.0.5" },
      ],
    },
  ];
  it.each(table)("$name", ({ dev, addresses, link: l, routes }) => {
    const got = desiredRouting(dev, addresses, l, "auto", reason);
    expect(got?.routes).toEqual(routes);
    expect(got?.sources).toEqual(addresses.map((a) => ({ family: a.family, address: a.address })));
  });
});

describe("desiredRouting: table and absence", () => {
  it.each([["auto"], [1234]] as const)("keeps table %s as the policy gives it", (table) => {
    expect(desiredRouting(device("ethernet"), [addr("10.1.1.2", 24)], undefined, table, reason)?.table).toBe(table);
  });
  it("no usable address → no routing", () => {
    expect(desiredRouting(device("ethernet", "10.1.1.1"), [], undefined, "auto", reason)).toBeUndefined();
  });
});

describe("desiredRouting: the main table's default route as a gateway", () => {
  const mainDefaults = [
    { family: "ipv4" as const, dev: "x0", gateway: "10.1.1.254" },
    { family: "ipv4" as const, dev: "other0", gateway: "10.9.9.1" },
    { family: "ipv6" as const, dev: "x0", gateway: "fe80::1" },
  ];
  const defaults = (dev: NmDevice) =>
    desiredRouting(dev, [addr("10.1.1.2", 24), addr("2001:db8::2", 64)], link(false), "auto", reason, mainDefaults)
      ?.routes.filter((r) => r.dst === "default");

  it("stands in while NetworkManager has not said (yet), for this device's own routes only", () => {
    expect(defaults(device("ethernet"))).toEqual([
      { family: "ipv4", dst: "default", gateway: "10.1.1.254" },
      { family: "ipv6", dst: "default", gateway: "fe80::1" },
    ]);
  });

  it("gives way to NetworkManager's gateway", () => {
    expect(defaults(device("ethernet", "10.1.1.1", "fe80::2"))).toEqual([
      { family: "ipv4", dst: "default", gateway: "10.1.1.1" },
      { family: "ipv6", dst: "default", gateway: "fe80::2" },
    ]);
  });
});
