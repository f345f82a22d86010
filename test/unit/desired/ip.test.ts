import { describe, expect, it } from "vitest";
import { inNetwork, networkOf, parseAddress } from "../../../src/desired/ip.js";

describe("networkOf", () => {
  it.each([
    ["ipv4", "10.1.1.2", 24, "10.1.1.0/24"],
    ["ipv4", "192.168.44.129", 25, "192.168.44.128/25"],
    ["ipv4", "10.0.0.1", 0, "0.0.0.0/0"],
    ["ipv6", "2001:db8:1:2::7", 64, "2001:db8:1:2::/64"],
    ["ipv6", "2001:db8:0:0:1:0:0:1", 128, "2001:db8::1:0:0:1/128"],
    ["ipv6", "2001:0db8:0000:0001:0000:0000:0000:0005", 48, "2001:db8::/48"],
    ["ipv6", "fe80::1:2:3:4", 64, "fe80::/64"],
    ["ipv6", "2001:db8:0:1:1:1:1:1", 64, "2001:db8:0:1::/64"],
    ["ipv6", "::ffff:10.1.2.3", 120, "::ffff:a01:200/120"],
  ] as const)("%s %s/%d → %s", (family, address, prefix, expected) => {
    expect(networkOf(family, address, prefix)).toBe(expected);
  });
});

describe("parseAddress rejects non-addresses", () => {
  it.each([
    ["ipv4", "10.1.1"],
    ["ipv4", "10.1.1.256"],
    ["ipv4", "::1"],
    ["ipv6", "1::2::3"],
    ["ipv6", "1:2:3:4:5:6:7"],
    ["ipv6", "12345::"],
    ["ipv6", "10.1.1.1"],
  ] as const)("%s %s", (family, text) => {
    expect(parseAddress(family, text)).toBeUndefined();
  });
});

describe("inNetwork", () => {
  it.each([
    ["ipv4", "169.254.3.4", "169.254.0.0/16", true],
    ["ipv4", "169.253.3.4", "169.254.0.0/16", false],
    ["ipv6", "febf::1", "fe80::/10", true],
    ["ipv6", "fec0::1", "fe80::/10", false],
    ["ipv6", "fd12:3456::1", "fc00::/7", true],
    ["ipv6", "::1", "::1/128", true],
    ["ipv4", "127.8.9.1", "127.0.0.0/8", true],
    ["ipv6", "fe80::1", "169.254.0.0/16", false],
  ] as const)("%s %s in %s → %s", (family, address, network, expected) => {
    expect(inNetwork(family, address, network)).toBe(expected);
  });
});
