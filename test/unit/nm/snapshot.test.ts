import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deviceKind, deviceStateName, meteredName } from "../../../src/nm/nm-enums.js";
import { relatedPaths, toNmDevice, type RawDevice } from "../../../src/nm/snapshot.js";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/nm/${name}`, import.meta.url), "utf8")) as RawDevice;

describe("toNmDevice on recorded and derived NetworkManager data", () => {
  it.each([
    {
      file: "veth-ethernet-ipv6.json",
      expected: {
        interface: "wan0", type: "veth", nmType: 20, state: 100, managed: true, metered: "guess-no",
        connection: { id: "wan0", type: "802-3-ethernet", mptcpFlags: 1 },
        ip4: { addresses: [{ address: "10.237.1.2", prefix: 24 }], gateway: "10.237.1.1" },
        ip6: {
          addresses: [{ address: "fe80::886c:b9ff:fe93:a91c", prefix: 64 }, { address: "fd00:237:1::2", prefix: 64 }],
          gateway: "fd00:237:1::1",
        },
      },
    },
    {
      file: "veth-metered-never-default.json",
      expected: {
        interface: "lte0", type: "veth", metered: "yes",
        connection: { id: "lte0", mptcpFlags: 1 },
        ip4: { addresses: [{ address: "10.237.2.2", prefix: 24 }] },
        ip6: { addresses: [] },
      },
    },
    {
      file: "wifi.json",
      expected: {
        interface: "wlp0s20f3", type: "wifi", nmType: 2, metered: "guess-no", ssid: "Café Wi-Fi",
        connection: { id: "Café Wi-Fi", type: "802-11-wireless", mptcpFlags: 0 },
        ip4: { addresses: [{ address: "192.168.178.57", prefix: 24 }], gateway: "192.168.178.1" },
      },
    },
    {
      file: "modem-gsm.json",
      expected: {
        interface: "wwan0", type: "modem", nmType: 8, metered: "guess-yes",
        connection: { id: "Telco LTE", type: "gsm", mptcpFlags: 0 },
        ip4: { addresses: [{ address: "100.71.18.203", prefix: 32 }] },
      },
    },
    {
      file: "bluetooth-panu.json",
      expected: {
        interface: "bnep0", type: "bluetooth", nmType: 5, metered: "guess-yes",
        connection: { id: "Phone PAN", type: "bluetooth", mptcpFlags: 0x22 },
        ip4: { addresses: [{ address: "172.20.10.4", prefix: 28 }], gateway: "172.20.10.1" },
        ip6: { addresses: [] },
      },
    },
  ])("$file", ({ file, expected }) => {
    const device = toNmDevice(fixture(file));
    expect(device).toMatchObject(expected);
    expect(device.path).toMatch(/^\/org\/freedesktop\/NetworkManager\/Devices\/\d+$/);
    // The output is plain data: what goes into fixtures and --json.
    expect(JSON.parse(JSON.stringify(device))).toEqual(device);
  });

  it("has no ssid outside Wi-Fi and no gateway on a point-to-point modem", () => {
    expect(toNmDevice(fixture("modem-gsm.json"))).not.toHaveProperty("ssid");
    expect(toNmDevice(fixture("modem-gsm.json")).ip4).not.toHaveProperty("gateway");
  });

  it("takes a never-default link's gateway from a default route in its profile", () => {
    const raw = fixture("veth-metered-never-default.json");
    raw.appliedConnection!.ipv4!["route-data"] = [{ dest: "0.0.0.0", prefix: 0, "next-hop": "10.237.2.1", table: 1000 }];
    expect(toNmDevice(raw).ip4.gateway).toBe("10.237.2.1");
  });

  it("takes a DHCP never-default link's gateway from the lease's first router", () => {
    const raw = fixture("veth-dhcp-never-default.json");
    // As recorded: never-default leaves IP4Config.Gateway empty; only the lease names the router.
    expect(raw.ip4Config!.Gateway).toBe("");
    expect(toNmDevice(raw)).toMatchObject({
      interface: "lte0", metered: "yes",
      ip4: { addresses: [{ address: "10.229.2.2", prefix: 24 }], gateway: "10.229.2.1" },
    });
    raw.dhcp4Config!.Options = { ...(raw.dhcp4Config!.Options as object), routers: "10.229.2.254 10.229.2.1" };
    expect(toNmDevice(raw).ip4.gateway).toBe("10.229.2.254");
    const { dhcp4Config: _lease, ...withoutLease } = raw;
    expect(toNmDevice(withoutLease).ip4).not.toHaveProperty("gateway");
  });

  it("marks a never-default IPv6 link whose router NetworkManager does not report (RA + DHCPv6)", () => {
    const raw = fixture("veth-ra-never-default.json");
    // As recorded: IP6Config has no gateway although a router advertised itself; the address is a /128.
    expect(raw.ip6Config!.Gateway).toBe("");
    const device = toNmDevice(raw);
    expect(device.ip6).toEqual({
      addresses: expect.arrayContaining([{ address: "2001:db8:212:1::2", prefix: 128 }]) as unknown,
      neverDefault: true,
    });
    expect(device.ip4).toEqual({ addresses: [{ address: "10.212.1.2", prefix: 24 }], gateway: "10.212.1.1" });
    delete raw.appliedConnection!.ipv6!["never-default"];
    expect(toNmDevice(raw).ip6).not.toHaveProperty("neverDefault");
  });

  it("prefers NetworkManager's own gateway over the lease's router", () => {
    const raw = fixture("veth-dhcp-never-default.json");
    raw.ip4Config!.Gateway = "10.229.2.9";
    expect(toNmDevice(raw).ip4.gateway).toBe("10.229.2.9");
  });

  it("has no connection when the device is not activated", () => {
    const { activeConnection: _a, appliedConnection: _b, ...raw } = fixture("veth-ethernet-ipv6.json");
    raw.device = { ...raw.device, ActiveConnection: "/", State: 30 };
    expect(toNmDevice(raw)).not.toHaveProperty("connection");
  });

  it("lists the objects whose signals concern the device", () => {
    expect(relatedPaths(fixture("wifi.json")).sort()).toEqual([
      "/org/freedesktop/NetworkManager/AccessPoint/31",
      "/org/freedesktop/NetworkManager/ActiveConnection/9",
      "/org/freedesktop/NetworkManager/DHCP4Config/5",
      "/org/freedesktop/NetworkManager/IP4Config/12",
      "/org/freedesktop/NetworkManager/IP6Config/12",
    ]);
    expect(relatedPaths(fixture("bluetooth-panu.json"))).not.toContain("/");
  });
});

describe("NetworkManager enums", () => {
  it.each([
    [1, "ethernet"], [2, "wifi"], [5, "bluetooth"], [8, "modem"], [9, "infiniband"], [10, "bond"], [11, "vlan"],
    [13, "bridge"], [14, "other"], [15, "team"], [16, "tun"], [17, "tun"], [18, "macvlan"], [19, "vxlan"],
    [20, "veth"], [21, "other"], [22, "other"], [23, "ppp"], [29, "wireguard"], [32, "loopback"], [0, "other"], [99, "other"],
  ] as const)("DeviceType %i is %s", (nmType, kind) => {
    expect(deviceKind(nmType)).toBe(kind);
  });

  it("calls a device carrying a VPN connection vpn", () => {
    expect(deviceKind(16, "vpn")).toBe("vpn");
    expect(deviceKind(29, "wireguard")).toBe("wireguard");
  });

  it.each([[0, "unknown"], [1, "yes"], [2, "no"], [3, "guess-yes"], [4, "guess-no"], [7, "unknown"]] as const)(
    "Metered %i is %s", (value, name) => expect(meteredName(value)).toBe(name),
  );

  it("names device states", () => {
    expect(deviceStateName(100)).toBe("activated");
    expect(deviceStateName(70)).toBe("ip-config");
    expect(deviceStateName(60)).toBe("need-auth");
    expect(deviceStateName(5)).toBe("5");
  });
});
