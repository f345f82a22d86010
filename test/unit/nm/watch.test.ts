import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NM_PATH, NM_SERVICE, type BusSignal, type NmBus } from "../../../src/nm/bus.js";
import type { RawDevice } from "../../../src/nm/snapshot.js";
import { watchNetworkManager } from "../../../src/nm/watch.js";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/nm/${name}`, import.meta.url), "utf8")) as RawDevice;

const DEVICE_IFACE = "org.freedesktop.NetworkManager.Device";
const NM_OWNER = ":1.7";

/** NetworkManager as a map of objects; every call answers after a short delay, like a real bus. */
class FakeNm implements NmBus {
  owner: string | undefined = NM_OWNER;
  objects = new Map<string, Record<string, unknown>>();
  applied = new Map<string, unknown>();
  deviceReads = new Map<string, number>();
  private listeners: ((s: BusSignal) => void)[] = [];

  addDevice(raw: RawDevice): void {
    const d = raw.device;
    this.objects.set(`${raw.path}|${DEVICE_IFACE}`, structuredClone(d));
    if (raw.ip4Config) this.objects.set(`${d.Ip4Config}|org.freedesktop.NetworkManager.IP4Config`, structuredClone(raw.ip4Config));
    if (raw.ip6Config) this.objects.set(`${d.Ip6Config}|org.freedesktop.NetworkManager.IP6Config`, structuredClone(raw.ip6Config));
    if (raw.activeConnection) {
      this.objects.set(`${d.ActiveConnection}|org.freedesktop.NetworkManager.Connection.Active`, structuredClone(raw.activeConnection));
    }
    this.applied.set(raw.path, structuredClone(raw.appliedConnection));
  }

  devicePaths(): string[] {
    return [...this.objects.keys()].filter((k) => k.endsWith(`|${DEVICE_IFACE}`)).map((k) => k.split("|")[0]!);
  }

  props(path: string, iface: string): Record<string, unknown> {
    const props = this.objects.get(`${path}|${iface}`);
    if (!props) throw new Error(`no ${iface} at ${path}`);
    return props;
  }

  private later<T>(f: () => T): Promise<T> {
    return new Promise((resolve, reject) => setTimeout(() => {
      try {
        resolve(f());
      } catch (error) {
        reject(error);
      }
    }, 2));
  }

  getAll(path: string, iface: string) {
    if (iface === DEVICE_IFACE) this.deviceReads.set(path, (this.deviceReads.get(path) ?? 0) + 1);
    if (path === NM_PATH) return this.later(() => ({ Devices: this.devicePaths(), Version: "1.42.4" }));
    return this.later(() => structuredClone(this.props(path, iface)));
  }
  call(path: string, _iface: string, member: string) {
    if (member !== "GetAppliedConnection") throw new Error(member);
    return this.later(() => [structuredClone(this.applied.get(path)), 1]);
  }
  nameOwner() {
    return Promise.resolve(this.owner);
  }
  nmPid() {
    return Promise.resolve(undefined);
  }
  onSignal(listener: (s: BusSignal) => void) {
    this.listeners.push(listener);
  }
  private lostListeners: ((e: Error) => void)[] = [];
  onLost(listener: (e: Error) => void) {
    this.lostListeners.push(listener);
  }
  closed = false;
  close() {
    this.closed = true;
  }

  /** The connection to the bus breaks (dbus-daemon restarted, socket closed). */
  lose(): void {
    for (const listener of this.lostListeners) listener(new Error("connection lost"));
  }

  emit(signal: Omit<BusSignal, "sender"> & { sender?: string }): void {
    for (const listener of this.listeners) listener({ sender: this.owner ?? "", ...signal });
  }
  stateChanged(path: string, state: number, sender?: string): void {
    this.props(path, DEVICE_IFACE).State = state;
    this.emit({ path, iface: DEVICE_IFACE, member: "StateChanged", body: [state, 0, 0], ...(sender && { sender }) });
  }
  ownerChanged(newOwner: string | undefined): void {
    const old = this.owner ?? "";
    this.owner = newOwner;
    this.emit({
      sender: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", iface: "org.freedesktop.DBus",
      member: "NameOwnerChanged", body: [NM_SERVICE, old, newOwner ?? ""],
    });
  }
}

const settle = (ms = 40) => new Promise((r) => setTimeout(r, ms));

async function setup(options = {}) {
  const nm = new FakeNm();
  const wan = fixture("veth-ethernet-ipv6.json");
  const lte = fixture("veth-metered-never-default.json");
  nm.addDevice(wan);
  nm.addDevice(lte);
  const changes: string[] = [];
  const watch = await watchNetworkManager(async () => nm, (c) => changes.push(c), { removalGraceMs: 20, ...options });
  nm.deviceReads.clear();
  return { nm, watch, changes, wan, lte };
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
    const nm = new FakeNm();
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
    const watch = await watchNetworkManager(async () => nm, (c) => changes.push(c));
    expect(signalled).toBe(true);
    await settle();
    const device = watch.snapshot().devices.find((d) => d.interface === "lte0")!;
    expect(device.metered).toBe("yes");
    expect(device.connection?.id).toBe("renamed");
    expect(changes).toEqual(["lte0"]);
  });

  it("removes a device after DeviceRemoved, but keeps all when NetworkManager is shutting down", async () => {
    const { nm, watch, changes, wan, lte } = await setup();
    const removed = (path: string) =>
      nm.emit({ path: NM_PATH, iface: "org.freedesktop.NetworkManager", member: "DeviceRemoved", body: [path] });
    removed(lte.path);
    await settle();
    expect(changes).toEqual(["lte0"]);
    expect(watch.snapshot().devices.map((d) => d.interface)).toEqual(["wan0"]);

    removed(wan.path);
    nm.ownerChanged(undefined); // a stopping NetworkManager removes its devices, then leaves the bus
    await settle();
    expect(watch.snapshot().devices.map((d) => d.interface)).toEqual(["wan0"]);
  });

  it("reads everything again when a new NetworkManager takes the name, and announces it", async () => {
    const { nm, watch, changes, lte } = await setup();
    nm.ownerChanged(undefined);
    nm.props(lte.path, DEVICE_IFACE).State = 30;
    nm.ownerChanged(":1.8");
    await settle();
    expect(changes).toEqual(["all"]);
    expect(stateOf(watch, "lte0")).toBe(30);
    nm.stateChanged(lte.path, 100); // sender is the new owner now
    await settle();
    expect(stateOf(watch, "lte0")).toBe(100);
  });

  it("reconnects with backoff after losing the bus, keeping the last snapshot meanwhile", async () => {
    const first = new FakeNm();
    const second = new FakeNm();
    const lte = fixture("veth-metered-never-default.json");
    first.addDevice(lte);
    second.addDevice(lte);
    second.props(lte.path, DEVICE_IFACE).State = 30;
    const attempts: number[] = [];
    let failures = 2;
    const connect = async () => {
      attempts.push(performance.now());
      if (attempts.length === 1) return first;
      if (failures-- > 0) throw new Error("bus not there yet");
      return second;
    };
    const changes: string[] = [];
    const errors: string[] = [];
    const watch = await watchNetworkManager(connect, (c) => changes.push(c), {
      backoffMs: 10, maxBackoffMs: 40, onError: (e) => errors.push(e.message),
    });
    first.lose();
    expect(stateOf(watch, "lte0")).toBe(100); // nothing is dropped while the bus is away
    for (let i = 0; i < 100 && changes.length === 0; i++) await settle(20);
    expect(attempts).toHaveLength(4); // first, two refused, the one that worked
    expect(errors).toEqual(["connection lost", "bus not there yet", "bus not there yet"]);
    expect(changes).toEqual(["all"]);
    expect(stateOf(watch, "lte0")).toBe(30); // read again from the new connection
    await watch.close();
    expect(second.closed).toBe(true);
  });
});
