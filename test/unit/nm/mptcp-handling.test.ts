import { describe, expect, it } from "vitest";
import { nmMptcpHandling } from "../../../src/nm/mptcp-handling.js";
import type { NmConfMptcpFlags } from "../../../src/model/types.js";

const DROP_IN: NmConfMptcpFlags = { value: 0x1, file: "/usr/lib/NetworkManager/conf.d/90-mptcp-policy.conf" };
const ON_DEFAULT: NmConfMptcpFlags = { value: 0x22, file: "/etc/NetworkManager/conf.d/50-on.conf" };

// One answer for status, doctor and the planner: the profile's flags, else the configured default, else the built-in one.
describe("nmMptcpHandling", () => {
  it.each([
    { name: "profile 0, nothing configured → built-in enabled,subflow", flags: 0, conf: null, on: true, source: "NetworkManager's built-in default" },
    { name: "profile 0, configuration not read → built-in (leans to on)", flags: 0, conf: undefined, on: true, source: "NetworkManager's built-in default" },
    { name: "profile 0, drop-in 0x1 → off", flags: 0, conf: DROP_IN, on: false, source: `default in ${DROP_IN.file}` },
    { name: "profile 0, configured default 0x22 → on", flags: 0, conf: ON_DEFAULT, on: true, source: `default in ${ON_DEFAULT.file}` },
    { name: "profile 0x1 → off whatever the default", flags: 0x1, conf: ON_DEFAULT, on: false, source: "the profile" },
    { name: "profile 0x22 beats the drop-in → on", flags: 0x22, conf: DROP_IN, on: true, source: "the profile" },
    { name: "profile 0x20 (subflow implies enabled) → on", flags: 0x20, conf: DROP_IN, on: true, source: "the profile" },
    { name: "profile 0x23 (disabled wins) → off", flags: 0x23, conf: null, on: false, source: "the profile" },
    { name: "configured default 0 is no default", flags: 0, conf: { value: 0, file: "/etc/x.conf" }, on: true, source: "NetworkManager's built-in default" },
  ])("$name", ({ flags, conf, on, source }) => {
    const got = nmMptcpHandling(
      { connection: { id: "home", uuid: "u", type: "802-3-ethernet", mptcpFlags: flags } },
      { version: "1.42.4", ...(conf !== undefined && { mptcpDefault: conf }) },
    );
    expect(got).toMatchObject({ on, source, profile: "home" });
  });

  it.each([
    { version: "1.38.6", on: false },
    { version: "1.40.0", on: true },
    { version: "1.52.1", on: true },
    { version: undefined, on: true },
  ])("NetworkManager $version with profile 0 and no default → on: $on", ({ version, on }) => {
    const got = nmMptcpHandling({ connection: { id: "c", uuid: "u", type: "x", mptcpFlags: 0 } }, { ...(version && { version }), mptcpDefault: null });
    expect(got?.on).toBe(on);
  });

  it("a default changed after NetworkManager started is not in force on an active device: still on, says why", () => {
    const device = { connection: { id: "c", uuid: "u", type: "x", mptcpFlags: 0 } };
    const got = nmMptcpHandling(device, { version: "1.42.4", mptcpDefault: DROP_IN, confChangedSinceStart: true });
    expect(got).toMatchObject({ on: true, flags: 1 });
    expect(got?.source).toMatch(/^default in .*90-mptcp-policy\.conf, changed after NetworkManager started: in force from the device's next activation$/);
    // The profile's own flags are applied by reapply: in force whatever the files did.
    expect(nmMptcpHandling({ connection: { ...device.connection, mptcpFlags: 1 } }, { mptcpDefault: null, confChangedSinceStart: true })?.on).toBe(false);
  });

  it("unknown without an applied profile (unset flags) or without a connection", () => {
    expect(nmMptcpHandling({ connection: { id: "c", uuid: "u", type: "x" } }, { version: "1.42.4" })).toBeUndefined();
    expect(nmMptcpHandling({}, { version: "1.42.4" })).toBeUndefined();
  });
});
