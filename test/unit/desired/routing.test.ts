import { describe, expect, it } from "vitest";
import { desiredRouting, type LinkRouting } from "../../../src/desired/routing.js";
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
    desiredRouting(dev, [addr("10.1.1.2", 24), addr("2001:db8::2", 64)], link(false), "auto", reason, { mainDefaults })
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

describe("desiredRouting: IPv6 from router advertisements", () => {
  const raDevice = (opts: { gw6?: string; neverDefault?: boolean; iface?: string } = {}): NmDevice => ({
    ...device("ethernet", "10.1.1.1", opts.gw6),
    interface: opts.iface ?? "x0",
    ip6: { addresses: [], ...(opts.gw6 && { gateway: opts.gw6 }), ...(opts.neverDefault && { neverDefault: true }) },
  });
  const dhcp6 = addr("2001:db8:5:2::2", 128);
  const v4 = addr("10.1.1.2", 24);
  const raPrefixes = [
    { dev: "x0", dst: "2001:db8:5:2::/64" },
    { dev: "other0", dst: "2001:db8:9:9::/64" },
  ];
  const routers = [
    { dev: "x0", address: "fe80::9858:fdff:fe2c:b782" },
    { dev: "x0", address: "fe80::99" },
    { dev: "other0", address: "fe80::1" },
  ];
  const v6Routes = (dev: NmDevice, addresses: KernelAddress[], kernel: LinkRouting) =>
    desiredRouting(dev, addresses, link(false), "auto", reason, kernel)?.routes.filter((r) => r.family === "ipv6");

  it.each<{ name: string; dev: NmDevice; addresses: KernelAddress[]; kernel: LinkRouting; routes: DesiredRoute[] }>([
    {
      name: "never-default, DHCPv6 /128: the advertised prefix (src the address) and default via the learned router",
      dev: raDevice({ neverDefault: true }),
      addresses: [v4, dhcp6],
      kernel: { raPrefixes, routers },
      routes: [
        { family: "ipv6", dst: "default", gateway: "fe80::99" },
        { family: "ipv6", dst: "2001:db8:5:2::/64", src: "2001:db8:5:2::2" },
      ],
    },
    {
      name: "never-default, no router learned (yet): the prefix alone",
      dev: raDevice({ neverDefault: true }),
      addresses: [dhcp6],
      kernel: { raPrefixes, routers: routers.filter((r) => r.dev !== "x0") },
      routes: [{ family: "ipv6", dst: "2001:db8:5:2::/64", src: "2001:db8:5:2::2" }],
    },
    {
      name: "NetworkManager's gateway wins over a learned router",
      dev: raDevice({ gw6: "fe80::7", neverDefault: true }),
      addresses: [dhcp6],
      kernel: { raPrefixes, routers },
      routes: [
        { family: "ipv6", dst: "default", gateway: "fe80::7" },
        { family: "ipv6", dst: "2001:db8:5:2::/64", src: "2001:db8:5:2::2" },
      ],
    },
    {
      name: "the main table's default through the link wins over a learned router",
      dev: raDevice({ neverDefault: true }),
      addresses: [dhcp6],
      kernel: { raPrefixes, routers, mainDefaults: [{ family: "ipv6", dev: "x0", gateway: "fe80::8" }] },
      routes: [
        { family: "ipv6", dst: "default", gateway: "fe80::8" },
        { family: "ipv6", dst: "2001:db8:5:2::/64", src: "2001:db8:5:2::2" },
      ],
    },
    {
      name: "not never-default: NetworkManager's silence means no router (an expired lifetime), learned ones are not used",
      dev: raDevice(),
      addresses: [dhcp6],
      kernel: { raPrefixes, routers },
      routes: [{ family: "ipv6", dst: "2001:db8:5:2::/64", src: "2001:db8:5:2::2" }],
    },
    {
      name: "not never-default, SLAAC /64 and the same advertised prefix: one route, gateway from NetworkManager",
      dev: raDevice({ gw6: "fe80::99" }),
      addresses: [addr("2001:db8:5:2:a8b:7ff:fe01:203", 64)],
      kernel: { raPrefixes, routers },
      routes: [
        { family: "ipv6", dst: "default", gateway: "fe80::99" },
        { family: "ipv6", dst: "2001:db8:5:2::/64", src: "2001:db8:5:2:a8b:7ff:fe01:203" },
      ],
    },
    {
      name: "an advertised prefix no address of the link lies in: on-link without src",
      dev: raDevice({ neverDefault: true }),
      addresses: [addr("2001:db8:7::2", 128)],
      kernel: { raPrefixes, routers },
      routes: [
        { family: "ipv6", dst: "default", gateway: "fe80::99" },
        { family: "ipv6", dst: "2001:db8:5:2::/64" },
      ],
    },
    {
      name: "IPv4 only on the link: advertised prefixes and routers are not used",
      dev: raDevice({ neverDefault: true }),
      addresses: [v4],
      kernel: { raPrefixes, routers },
      routes: [],
    },
    {
      name: "another link's prefixes and routers are not this link's",
      dev: raDevice({ neverDefault: true, iface: "x1" }),
      addresses: [{ ...dhcp6, ifname: "x1" }],
      kernel: { raPrefixes, routers },
      routes: [],
    },
  ])("$name", ({ dev, addresses, kernel, routes }) => {
    expect(v6Routes(dev, addresses, kernel)).toEqual(routes);
  });

  it("the choice among several routers does not depend on the order the kernel lists them", () => {
    const dev = raDevice({ neverDefault: true });
    const gateways = [routers, [...routers].reverse()].map(
      (list) => v6Routes(dev, [dhcp6], { routers: list })?.find((r) => r.dst === "default")?.gateway,
    );
    expect(gateways).toEqual(["fe80::99", "fe80::99"]);
  });

  it("a never-default IPv4 family is not given an IPv6 router", () => {
    const dev = { ...raDevice({ neverDefault: true }), ip4: { addresses: [], neverDefault: true } };
    expect(desiredRouting(dev, [v4], link(false), "auto", reason, { routers })?.routes).toEqual([
      { family: "ipv4", dst: "10.1.1.0/24", scope: "link", src: "10.1.1.2" },
    ]);
  });
});
