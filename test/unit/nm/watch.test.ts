import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { watchNetworkManager } from "../../../src/nm/watch.js";
import { DEVICE_IFACE, FakeNm, fixture } from "./fake-nm.js";

// Fake timers: every delay (the bus's answers, the removal grace, retries, backoff) runs on the test's clock.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const settle = (ms = 40) => vi.advanceTimersByTimeAsync(ms);
const fakeNm = () => new FakeNm(settle);

/** Resolves a promise that depends on the fake bus's delayed answers. */
async function settled<T>(p: Promise<T>): Promise<T> {
  await settle();
  return p;
}

async function setup() {
  const nm = fakeNm();
  const wan = fixture("veth-ethernet-ipv6.json");
  const lte = fixture("veth-metered-never-default.json");
  nm.addDevice(wan);
  nm.addDevice(lte);
  const changes: string[] = [];
  const errors: string[] = [];
  const watch = await settled(watchNetworkManager(async () => nm, (c) => changes.push(c), { onError: (e) => errors.push(e.message) }));
  nm.deviceReads.clear();
  return { nm, watch, changes, errors, wan, lte };
}

const stateOf = (watch: { snapshot(): { devices: { interface: string; state: number }[] } }, name: string) =>
  watch.snapshot().devices.find((d) => d.interface === name)?.state;

describe("watchNetworkManager with a fake bus", () => {
  it("starts from a full read and announces nothing for it", async () => {
    const { watch, changes } = await setup();
    expect(watch.snapshot().devices.map((d) => d.interface).sort()).toEqual(["lte0", "wan0"]);
    expect(watch.snapshot().version).toBe("1.42.4");
    expect(changes).toEqual([]);
  });

  it("ignores a signal whose sender is not NetworkManager's current owner", async () => {
    const { nm, watch, changes, lte } = await setup();
    nm.stateChanged(lte.path, 30, ":1.99");
    await settle();
    expect(nm.deviceReads.get(lte.path)).toBeUndefined();
    expect(changes).toEqual([]);
    expect(stateOf(watch, "lte0")).toBe(100);
  });

  it("re-reads a device on its owner's signal and coalesces a burst", async () => {
    const { nm, watch, changes, lte } = await setup();
    for (const state of [110, 30, 40, 50, 70, 80, 90, 100, 110, 30]) nm.stateChanged(lte.path, state);
    await settle();
    expect(nm.deviceReads.get(lte.path)).toBe(2); // one read, plus one for everything that came during it
    expect(stateOf(watch, "lte0")).toBe(30);
    expect(changes).toEqual(["lte0"]);
  });

  it("takes a state the caller asks for from StateChanged at once, tells it, and still re-reads the device", async () => {
    const nm = fakeNm();
    const lte = fixture("veth-metered-never-default.json");
    nm.addDevice(lte);
    const states: [string, number][] = [];
    const changes: string[] = [];
    const statesAtOnce = { take: (s: number) => s === 110 || s === 20, onState: (i: string, s: number) => void states.push([i, s]) };
    const watch = await settled(watchNetworkManager(async () => nm, (c) => changes.push(c), { statesAtOnce }));
    nm.deviceReads.clear();
    nm.stateChanged(lte.path, 90); // not asked for: learnt by the re-read only
    expect(stateOf(watch, "lte0")).toBe(100);
    await settle();
    expect(stateOf(watch, "lte0")).toBe(90);
    nm.stateChanged(lte.path, 110);
    expect(stateOf(watch, "lte0")).toBe(110); // before any answer from the bus
    expect(states).toEqual([["lte0", 110]]);
    await settle();
    expect(nm.deviceReads.get(lte.path)).toBe(2);
    expect(changes).toEqual(["lte0"]); // the 90; the 110 was told through onState, and the re-read found no more
  });

  it("takes no state from a restarted NetworkManager before it has read that instance's devices", async () => {
    const nm = fakeNm();
    const lte = fixture("veth-metered-never-default.json");
    nm.addDevice(lte);
    const states: number[] = [];
    const statesAtOnce = { take: (s: number) => s === 110, onState: (_: string, s: number) => void states.push(s) };
    const watch = await settled(watchNetworkManager(async () => nm, () => {}, { statesAtOnce }));
    await nm.stop();
    // The new instance owns the name ~12 ms before it serves its objects; its first full read fails and is
    // retried 20 ms later. Its signals, on paths it may give other devices, wait for that read: while the
    // read runs and between its tries.
    nm.servesFrom = Date.now() + 12;
    nm.ownerChanged(":1.9");
    const deactivating = { path: lte.path, iface: DEVICE_IFACE, member: "StateChanged", body: [110, 100, 0] };
    nm.emit(deactivating);
    await settle(5);
    nm.emit(deactivating);
    expect(stateOf(watch, "lte0")).toBe(100);
    await settle();
    expect(states).toEqual([]);
    nm.stateChanged(lte.path, 110); // once read, its signals count
    expect(states).toEqual([110]);
  });

  it("keeps a signalled state over a device read that began before the signal", async () => {
    const nm = fakeNm();
    const lte = fixture("veth-metered-never-default.json");
    nm.addDevice(lte);
    const seenBeforeReads: (number | undefined)[] = [];
    let watch: Awaited<ReturnType<typeof watchNetworkManager>> | undefined;
    const options = {
      statesAtOnce: { take: (s: number) => s === 110, onState: () => {} },
      beforeRead: async () => void seenBeforeReads.push(watch && stateOf(watch, "lte0")),
    };
    watch = await settled(watchNetworkManager(async () => nm, () => {}, options));
    // A read starts; while it is on the bus NetworkManager signals DEACTIVATING, which that read's answer predates
    // (the fake still answers 100).
    nm.emit({ path: lte.path, iface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged", body: [DEVICE_IFACE, { Metered: 1 }, []] });
    await settle(1); // the read's first call is on the bus (answered after 2 ms)
    nm.emit({ path: lte.path, iface: DEVICE_IFACE, member: "StateChanged", body: [110, 100, 39] });
    await settle();
    // Before the second read (the one the signal asked for) the first read's answer had not undone the 110;
    // the second began after the signal, so its answer stands.
    expect(seenBeforeReads).toEqual([100, 110]);
    expect(stateOf(watch, "lte0")).toBe(100);
  });

  it("does not re-read a device for property changes the snapshot does not use, and does for the rest", async () => {
    const { nm, watch, changes, wan } = await setup();
    const properties = (path: string, iface: string, changed: Record<string, unknown>, invalidated: string[] = []) =>
      nm.emit({ path, iface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged", body: [iface, changed, invalidated] });
    const ip4Path = wan.device.Ip4Config as string;
    properties(wan.path, DEVICE_IFACE, { StateReason: [100, 0] });
    properties(wan.path, "org.freedesktop.NetworkManager.Device.Statistics", { RxBytes: 1234 });
    properties(ip4Path, "org.freedesktop.NetworkManager.IP4Config", { DnsPriority: 100 });
    await settle();
    expect(nm.deviceReads.get(wan.path)).toBeUndefined();
    nm.props(wan.path, DEVICE_IFACE).State = 90;
    properties(wan.path, DEVICE_IFACE, { State: 90 });
    await settle();
    expect(nm.deviceReads.get(wan.path)).toBe(1);
    expect(stateOf(watch, "wan0")).toBe(90);
    properties(ip4Path, "org.freedesktop.NetworkManager.IP4Config", { DnsPriority: 50, Gateway: "10.0.0.9" });
    properties(wan.path, DEVICE_IFACE, {}, ["StateReason"]); // invalidated: its value is unknown, so read
    await settle();
    expect(nm.deviceReads.get(wan.path)).toBe(3);
    expect(changes).toEqual(["wan0"]);
  });

  it("maps an IP4Config signal to its device and reports only real changes", async () => {
    const { nm, watch, changes, wan } = await setup();
    const ip4Path = wan.device.Ip4Config as string;
    const signal = { path: ip4Path, iface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged", body: [] };
    nm.emit(signal);
    await settle();
    expect(nm.deviceReads.get(wan.path)).toBe(1);
    expect(changes).toEqual([]); // nothing differed
    nm.props(ip4Path, "org.freedesktop.NetworkManager.IP4Config").AddressData = [];
    nm.emit(signal);
    await settle();
    expect(changes).toEqual(["wan0"]);
    expect(watch.snapshot().devices.find((d) => d.interface === "wan0")?.ip4.addresses).toEqual([]);
  });

  it("follows the facts rules match on: Metered on the device, the connection's id on the active connection", async () => {
    const { nm, watch, changes, lte } = await setup();
    const device = () => watch.snapshot().devices.find((d) => d.interface === "lte0")!;
    const changed = (path: string) =>
      nm.emit({ path, iface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged", body: [] });
    // A restarted NetworkManager re-assuming the device: Metered 0 first, then its answer.
    nm.props(lte.path, DEVICE_IFACE).Metered = 0;
    changed(lte.path);
    await settle();
    expect(device().metered).toBe("unknown");
    nm.props(lte.path, DEVICE_IFACE).Metered = 2;
    changed(lte.path);
    await settle();
    expect(device().metered).toBe("no");
    const active = lte.device.ActiveConnection as string;
    nm.props(active, "org.freedesktop.NetworkManager.Connection.Active").Id = "renamed";
    changed(active);
    await settle();
    expect(device().connection?.id).toBe("renamed");
    expect(changes).toEqual(["lte0", "lte0", "lte0"]);
  });

  it("a fact signalled while the first full read runs, after its device was read, is read again", async () => {
    // The daemon starting while a link activates: NetworkManager answers the device's GetAll with Metered 0,
    // then reports Metered on the device and a new id on its active connection before the read is done.
    const nm = fakeNm();
    const lte = fixture("veth-metered-never-default.json");
    nm.addDevice(lte);
    nm.props(lte.path, DEVICE_IFACE).Metered = 0;
    const active = lte.device.ActiveConnection as string;
    const getAll = nm.getAll.bind(nm);
    let signalled = false;
    nm.getAll = async (path: string, iface: string) => {
      const props = await getAll(path, iface);
      if (path === lte.path && !signalled) {
        signalled = true;
        nm.props(lte.path, DEVICE_IFACE).Metered = 1;
        nm.props(active, "org.freedesktop.NetworkManager.Connection.Active").Id = "renamed";
        for (const p of [lte.path, active]) nm.emit({ path: p, iface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged", body: [] });
      }
      return props;
    };
    const changes: string[] = [];
    const watch = await settled(watchNetworkManager(async () => nm, (c) => changes.push(c)));
    expect(signalled).toBe(true);
    await settle();
    const device = watch.snapshot().devices.find((d) => d.interface === "lte0")!;
    expect(device.metered).toBe("yes");
    expect(device.connection?.id).toBe("renamed");
    expect(changes).toEqual(["lte0"]);
  });

  it("removes a device once DeviceRemoved has stood for the grace period", async () => {
    const { nm, watch, changes, lte } = await setup();
    nm.deviceRemoved(lte.path);
    await settle(100);
    expect(changes).toEqual([]); // still within the grace: NetworkManager may be stopping
    await settle(100);
    expect(changes).toEqual(["lte0"]);
    expect(watch.snapshot().devices.map((d) => d.interface)).toEqual(["wan0"]);
  });

  it("keeps every device when NetworkManager stops (devices removed, the bus left ~30 ms later)", async () => {
    const { nm, watch, changes } = await setup();
    await nm.stop();
    await settle(1_000);
    expect(watch.snapshot().devices.map((d) => d.interface).sort()).toEqual(["lte0", "wan0"]);
    expect(changes).toEqual([]);
  });

  it("reads a restarted NetworkManager once it serves its objects (~12 ms after owning the name)", async () => {
    const { nm, watch, changes, errors, lte } = await setup();
    await nm.stop();
    nm.props(lte.path, DEVICE_IFACE).State = 30;
    await nm.start(":1.8");
    await settle(100);
    expect(errors).toContain("org.freedesktop.DBus.Error.UnknownObject"); // the first read came too early
    // DeviceAdded (at +12 ms) lands in the retry's wait: lte0 is read and announced on its own, then the
    // full re-read announces "all".
    expect(changes).toEqual(["lte0", "all"]);
    expect(stateOf(watch, "lte0")).toBe(30);
    expect(watch.snapshot().devices.map((d) => d.interface).sort()).toEqual(["lte0", "wan0"]);
    nm.stateChanged(lte.path, 100); // sender is the new owner now
    await settle();
    expect(stateOf(watch, "lte0")).toBe(100);
  });

  it("reads a device that DeviceAdded announces, and announces it", async () => {
    const { nm, watch, changes } = await setup();
    const dhcp = fixture("veth-dhcp-never-default.json");
    nm.addDevice(dhcp);
    nm.deviceAdded(dhcp.path);
    await settle();
    const name = dhcp.device.Interface as string;
    expect(changes).toEqual([name]);
    expect(watch.snapshot().devices.map((d) => d.interface)).toContain(name);
  });

  it("keeps a device whose DeviceRemoved is followed by DeviceAdded within the grace", async () => {
    const { nm, watch, changes, lte } = await setup();
    nm.deviceRemoved(lte.path);
    await settle(20);
    nm.deviceAdded(lte.path);
    await settle(500);
    expect(changes).toEqual([]);
    expect(watch.snapshot().devices.map((d) => d.interface).sort()).toEqual(["lte0", "wan0"]);
  });

  it("reconnects with backoff after losing the bus, keeping the last snapshot meanwhile", async () => {
    const first = fakeNm();
    const second = fakeNm();
    const lte = fixture("veth-metered-never-default.json");
    first.addDevice(lte);
    second.addDevice(lte);
    second.props(lte.path, DEVICE_IFACE).State = 30;
    const attempts: number[] = [];
    let failures = 2;
    const connect = async () => {
      attempts.push(Date.now());
      if (attempts.length === 1) return first;
      if (failures-- > 0) throw new Error("bus not there yet");
      return second;
    };
    const changes: string[] = [];
    const errors: string[] = [];
    const watch = await settled(watchNetworkManager(connect, (c) => changes.push(c), {
      backoffMs: 10, maxBackoffMs: 15, onError: (e) => errors.push(e.message),
    }));
    const lostAt = Date.now();
    first.lose();
    expect(stateOf(watch, "lte0")).toBe(100); // nothing is dropped while the bus is away
    await settle(200);
    // first, two refused, the one that worked: after 10 ms, then doubled and capped at 15 ms
    expect(attempts.slice(1).map((t) => t - lostAt)).toEqual([10, 25, 40]);
    expect(errors).toEqual(["connection lost", "bus not there yet", "bus not there yet"]);
    expect(changes).toEqual(["all"]);
    expect(stateOf(watch, "lte0")).toBe(30); // read again from the new connection
    await watch.close();
    expect(second.closed).toBe(true);
  });
});
