// A fake NetworkManager on a fake bus, keeping the real one's ordering and timing (shared by the watch and
// daemon unit tests).
import { readFileSync } from "node:fs";
import { NM_PATH, NM_SERVICE, type BusSignal, type NmBus } from "../../../src/nm/bus.js";
import type { RawDevice } from "../../../src/nm/snapshot.js";

export const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/nm/${name}`, import.meta.url), "utf8")) as RawDevice;

export const DEVICE_IFACE = "org.freedesktop.NetworkManager.Device";
export const NM_OWNER = ":1.7";

// Timings of a real NetworkManager 1.42 (measured in the rig): a stopping instance removes its devices from
// D-Bus and leaves the bus about 30 ms later; a starting one owns its name about 12 ms before it serves
// its objects, then announces each device with DeviceAdded.
export const LEAVES_AFTER_REMOVAL_MS = 30;
export const SERVES_AFTER_OWNING_MS = 12;

/** NetworkManager as a map of objects; every call answers after a short delay, like a real bus. */
export class FakeNm implements NmBus {
  owner: string | undefined = NM_OWNER;
  /** Clock time before which the objects are not exported yet (a just-started NetworkManager). */
  servesFrom = 0;

  /** `sleep` lets time pass: real timers, or the test's fake clock (vi.advanceTimersByTimeAsync). */
  constructor(private readonly sleep: (ms: number) => Promise<unknown> = (ms) => new Promise((r) => setTimeout(r, ms))) {}
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
        if (Date.now() < this.servesFrom) throw new Error("org.freedesktop.DBus.Error.UnknownObject");
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
  deviceRemoved(path: string): void {
    this.emit({ path: NM_PATH, iface: "org.freedesktop.NetworkManager", member: "DeviceRemoved", body: [path] });
  }
  deviceAdded(path: string): void {
    this.emit({ path: NM_PATH, iface: "org.freedesktop.NetworkManager", member: "DeviceAdded", body: [path] });
  }
  /** A real shutdown: every device removed from D-Bus, the name released ~30 ms later. */
  async stop(): Promise<void> {
    for (const path of this.devicePaths()) this.deviceRemoved(path);
    await this.sleep(LEAVES_AFTER_REMOVAL_MS);
    this.ownerChanged(undefined);
  }
  /** A real start: the name first, the objects ~12 ms later, then DeviceAdded for each device. */
  async start(newOwner: string): Promise<void> {
    this.servesFrom = Date.now() + SERVES_AFTER_OWNING_MS;
    this.ownerChanged(newOwner);
    await this.sleep(SERVES_AFTER_OWNING_MS);
    for (const path of this.devicePaths()) this.deviceAdded(path);
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
