import { describe, expect, it } from "vitest";
import { usableAddresses } from "../../../src/desired/addresses.js";
import { ADDRESS_CLASSES } from "../../../src/model/types.js";
import type { AddressClass, KernelAddress, Policy } from "../../../src/model/types.js";

const v4 = (address: string, extra: Partial<KernelAddress> = {}): KernelAddress => ({
  ifname: "wan0", family: "ipv4", address, prefix: 24, scope: "global", flags: [], ...extra,
});
const v6 = (address: string, extra: Partial<KernelAddress> = {}): KernelAddress => ({
  ifname: "wan0", family: "ipv6", address, prefix: 64, scope: "global", flags: [], ...extra,
});
const all: Policy["addresses"] = { ipv4: true, ipv6: true, skip: [...ADDRESS_CLASSES] };
const none: Policy["addresses"] = { ipv4: true, ipv6: true, skip: [] };

describe("usableAddresses: classes", () => {
  const table: { name: string; address: KernelAddress; skippedBy: AddressClass | "always" | "never" }[] = [
    { name: "global IPv4", address: v4("10.1.1.2"), skippedBy: "never" },
    { name: "global IPv6", address: v6("2001:db8::2"), skippedBy: "never" },
    { name: "IPv4 loopback", address: v4("127.0.0.1", { prefix: 8 }), skippedBy: "always" },
    { name: "IPv6 loopback", address: v6("::1", { prefix: 128 }), skippedBy: "always" },
    { name: "host scope", address: v4("10.9.9.9", { scope: "host" }), skippedBy: "always" },
    { name: "DAD failed", address: v6("2001:db8::3", { flags: ["dadfailed", "tentative"] }), skippedBy: "always" },
    { name: "IPv4 link-local", address: v4("169.254.7.7", { prefix: 16 }), skippedBy: "link-local" },
    { name: "IPv6 link-local", address: v6("fe80::1", { scope: "link" }), skippedBy: "link-local" },
    { name: "link scope IPv4", address: v4("10.2.2.2", { scope: "link" }), skippedBy: "link-local" },
    { name: "ULA", address: v6("fd00:1::5"), skippedBy: "ula" },
    { name: "temporary", address: v6("2001:db8::abcd", { flags: ["temporary", "dynamic"] }), skippedBy: "temporary" },
    { name: "deprecated", address: v6("2001:db8::dead", { flags: ["deprecated"] }), skippedBy: "deprecated" },
    { name: "tentative", address: v6("2001:db8::7", { flags: ["tentative"] }), skippedBy: "tentative" },
  ];
  it.each(table)("$name: skipped by $skippedBy", ({ address, skippedBy }) => {
    const kept = (policy: Policy["addresses"]) => usableAddresses([address], "wan0", policy).length === 1;
    expect(kept(none)).toBe(skippedBy === "never" || ADDRESS_CLASSES.includes(skippedBy as AddressClass));
    expect(kept(all)).toBe(skippedBy === "never");
    if (skippedBy !== "always" && skippedBy !== "never") {
      const allBut = ADDRESS_CLASSES.filter((c) => c !== skippedBy);
      expect(kept({ ...all, skip: allBut })).toBe(true);
      expect(kept({ ...none, skip: [skippedBy] })).toBe(false);
    }
  });
});

describe("usableAddresses: selection", () => {
  const addresses = [v6("2001:db8::2"), v4("10.1.1.9"), v4("10.7.0.1", { ifname: "lte0" }), v4("10.1.1.2")];
  it.each([
    { families: { ipv4: true, ipv6: true }, expected: ["10.1.1.2", "10.1.1.9", "2001:db8::2"] },
    { families: { ipv4: true, ipv6: false }, expected: ["10.1.1.2", "10.1.1.9"] },
    { families: { ipv4: false, ipv6: true }, expected: ["2001:db8::2"] },
    { families: { ipv4: false, ipv6: false }, expected: [] },
  ])("families $families → only that interface's, IPv4 first", ({ families, expected }) => {
    const got = usableAddresses(addresses, "wan0", { ...families, skip: [] }).map((a) => a.address);
    expect(got).toEqual(expected);
  });
});
