import { describe, expect, it } from "vitest";
import { parseMonitorLine, type KernelEvent } from "../../../src/kernel/monitor.js";
import { fixture } from "./fixture.js";

const events = (text: string) =>
  text.split("\n").map(parseMonitorLine).filter((e): e is KernelEvent => e !== null);

describe("parseMonitorLine", () => {
  it.each([
    {
      line: "3: wan0    inet 10.1.1.7/24 scope global secondary wan0",
      want: { kind: "address-added", ifname: "wan0", family: "ipv4", address: "10.1.1.7", prefix: 24, scope: "global", flags: ["secondary"] },
    },
    {
      line: "Deleted 3: wan0    inet6 fd00:1::7/64 scope global nodad ",
      want: { kind: "address-removed", ifname: "wan0", family: "ipv6", address: "fd00:1::7", prefix: 64, scope: "global", flags: ["nodad"] },
    },
    {
      line: "Deleted 3: wan0    inet6 fd00:5::ed65:653:dd62:b18a/64 scope global temporary dynamic ",
      want: { kind: "address-removed", ifname: "wan0", family: "ipv6", address: "fd00:5::ed65:653:dd62:b18a", prefix: 64, scope: "global", flags: ["temporary", "dynamic"] },
    },
    {
      line: "Deleted 5: lte0    inet6 fd00:2::2/64 scope global dadfailed tentative ",
      want: { kind: "address-removed", ifname: "lte0", family: "ipv6", address: "fd00:2::2", prefix: 64, scope: "global", flags: ["dadfailed", "tentative"] },
    },
    {
      line: "2: eth0    inet 192.168.1.5/24 brd 192.168.1.255 scope global dynamic noprefixroute eth0:1",
      want: { kind: "address-added", ifname: "eth0", family: "ipv4", address: "192.168.1.5", prefix: 24, scope: "global", flags: ["dynamic", "noprefixroute"] },
    },
    {
      line: "8: tun0    inet 10.9.9.1 peer 10.9.9.2/32 scope global tun0",
      want: { kind: "address-added", ifname: "tun0", family: "ipv4", address: "10.9.9.1", prefix: 32, scope: "global", flags: [] },
    },
    {
      line: "4: lo    inet6 ::1/128 scope host noprefixroute ",
      want: { kind: "address-added", ifname: "lo", family: "ipv6", address: "::1", prefix: 128, scope: "host", flags: ["noprefixroute"] },
    },
    {
      line: "5: lte0@if4: <NO-CARRIER,BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state DOWN group default ",
      want: { kind: "link", ifname: "lte0", up: false, adminUp: true },
    },
    {
      line: "5: lte0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default ",
      want: { kind: "link", ifname: "lte0", up: true, adminUp: true },
    },
    {
      line: "3: wan0@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default ",
      want: { kind: "link", ifname: "wan0", up: false, adminUp: false },
    },
    {
      line: "Deleted 5: lte0@NONE: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noop state DOWN group default ",
      want: { kind: "link-removed", ifname: "lte0" },
    },
    { line: "5000:\tfrom 10.1.1.9 lookup 1002 proto 203", want: { kind: "rule" } },
    { line: "Deleted 5000:\tfrom 10.1.1.9 lookup 1002 proto 203", want: { kind: "rule" } },
    { line: "10.8.0.0/16 via 10.1.1.1 dev wan0 table 1002 proto 203 ", want: { kind: "route" } },
    {
      line: "default via 10.5.0.1 dev va proto static metric 100 ",
      want: { kind: "main-default", added: true, family: "ipv4", dev: "va", gateway: "10.5.0.1" },
    },
    {
      line: "Deleted default via 10.5.0.1 dev va proto static metric 100 ",
      want: { kind: "main-default", added: false, family: "ipv4", dev: "va", gateway: "10.5.0.1" },
    },
    {
      line: "default via fd00::1 dev va proto static metric 100 pref medium",
      want: { kind: "main-default", added: true, family: "ipv6", dev: "va", gateway: "fd00::1" },
    },
    { line: "default via 10.5.0.1 dev va table 1000 proto 203 ", want: { kind: "route" } },
    { line: "Deleted default via fe80::1 dev wan0 table 1000 proto 203 metric 1024 linkdown pref medium", want: { kind: "route" } },
    { line: "local 10.1.1.7 dev wan0 table local proto kernel scope host src 10.1.1.2 ", want: { kind: "route" } },
    // Recorded in the rig: a dnsmasq router advertising on lte0 to NetworkManager 1.42 (never-default, DHCPv6).
    {
      line: "2001:db8:215:1::/64 dev lte0 proto ra metric 100 pref medium",
      want: { kind: "ra-prefix", added: true, dev: "lte0", dst: "2001:db8:215:1::/64" },
    },
    {
      line: "Deleted 2001:db8:215:1::/64 dev lte0 proto ra metric 100 pref medium",
      want: { kind: "ra-prefix", added: false, dev: "lte0", dst: "2001:db8:215:1::/64" },
    },
    { line: "Deleted 2001:db8:215:1::2 dev lte0 proto kernel metric 100 pref medium", want: { kind: "route" } },
    { line: "2001:db8:215:1::/64 dev lte0 table 1000 proto ra metric 100 pref medium", want: { kind: "route" } },
    { line: "2001:db8:9::/48 via fe80::99 dev lte0 proto ra metric 100 pref medium", want: { kind: "route" } },
    {
      line: "fe80::99 dev lte0 lladdr d2:ca:99:18:09:82 router STALE ",
      want: { kind: "router", dev: "lte0", address: "fe80::99", usable: true },
    },
    {
      line: "fe80::d0ca:99ff:fe18:982 dev lte0 lladdr d2:ca:99:18:09:82 router PROBE ",
      want: { kind: "router", dev: "lte0", address: "fe80::d0ca:99ff:fe18:982", usable: true },
    },
    {
      line: "fe80::d0ca:99ff:fe18:982 dev lte0 router FAILED ",
      want: { kind: "router", dev: "lte0", address: "fe80::d0ca:99ff:fe18:982", usable: false },
    },
    {
      line: "Deleted fe80::99 dev lte0 lladdr d2:ca:99:18:09:82 router STALE ",
      want: { kind: "router", dev: "lte0", address: "fe80::99", usable: false },
    },
    {
      line: "fe80::9858:fdff:fe2c:b782 dev lte0 lladdr 9a:58:fd:2c:b7:82 REACHABLE ",
      want: { kind: "router", dev: "lte0", address: "fe80::9858:fdff:fe2c:b782", usable: false },
    },
  ])("$line", ({ line, want }) => {
    expect(parseMonitorLine(line)).toEqual(want);
  });

  it.each([
    "",
    "       valid_lft forever preferred_lft forever",
    "    link/ether 72:2b:82:b9:f2:8f brd ff:ff:ff:ff:ff:ff",
    // Neighbours that cannot be routers: IPv4 and IPv6 beyond the link-local range routers advertise from.
    "10.215.1.1 dev lte0 lladdr d2:ca:99:18:09:82 STALE ",
    "Deleted ff02::16 dev lte0 lladdr 33:33:00:00:00:16 NOARP ",
    "2001:db8:215:1::1 dev lte0 lladdr d2:ca:99:18:09:82 router REACHABLE ",
  ])(
    "ignores line %j",
    (line) => {
      expect(parseMonitorLine(line)).toBeNull();
    },
  );

  it("turns the recorded session into the address, link, rule and route events it shows", () => {
    const all = events(fixture("monitor.txt"));
    const addresses = all.filter((e) => e.kind === "address-added" || e.kind === "address-removed");
    expect(addresses.slice(0, 4)).toEqual([
      { kind: "address-added", ifname: "wan0", family: "ipv4", address: "10.1.1.7", prefix: 24, scope: "global", flags: ["secondary"] },
      { kind: "address-added", ifname: "wan0", family: "ipv6", address: "fd00:1::7", prefix: 64, scope: "global", flags: ["nodad"] },
      { kind: "address-removed", ifname: "wan0", family: "ipv4", address: "10.1.1.7", prefix: 24, scope: "global", flags: ["secondary"] },
      { kind: "address-removed", ifname: "wan0", family: "ipv6", address: "fd00:1::7", prefix: 64, scope: "global", flags: ["nodad"] },
    ]);
    const links = all.filter((e) => e.kind === "link");
    expect(links.slice(0, 3)).toEqual([
      { kind: "link", ifname: "lte0", up: false, adminUp: false },
      { kind: "link", ifname: "lte0", up: false, adminUp: true }, // UP again but NO-CARRIER until the veth peer answers
      { kind: "link", ifname: "lte0", up: true, adminUp: true },
    ]);
    expect(all.filter((e) => e.kind === "rule")).toHaveLength(2);
    expect(all.some((e) => e.kind === "route")).toBe(true);
    // Every address line of the session parsed as an address event, none fell through to "route".
    const addressLines = fixture("monitor.txt").split("\n").filter((l) => / {4}inet6? /.test(l));
    expect(addresses).toHaveLength(addressLines.length);
  });
});
