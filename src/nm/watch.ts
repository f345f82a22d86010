// Keeps an NmSnapshot current from NetworkManager's signals, so the daemon never re-reads every device
// per event. A signal only says "this device may have changed": the device is re-read, and a burst (con up
// emits eight StateChanged in a few ms) costs one or two reads, not eight, because signals arriving during a
// read only mark the device for one more read. The one payload taken as it comes is a StateChanged's new
// state, when the caller asks for it (statesAtOnce): NetworkManager signals DEACTIVATING 1.5-2.5 ms before it
// removes the link's address (measured with 1.42), and a re-read would take longer than that.
import type { NmDevice, NmSnapshot } from "../model/types.js";
import { NM_PATH, NM_SERVICE, type BusSignal, type NmBus } from "./bus.js";
import { changesNothingWatched } from "./ignored-signals.js";
import { IFACE, readRawDevice, readRawDevices, relatedPaths, toNmDevice, type RawDevice } from "./snapshot.js";

/** The interface whose device changed, or "all" after a full re-read (start, new NetworkManager, reconnect). */
export type NmChange = string;

export interface NmWatch {
  snapshot(): NmSnapshot;
  /** NetworkManager's process id on the watched bus (where to find its configuration). */
  nmPid(): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface WatchOptions {
  /** Reconnect backoff after losing the bus: first delay, doubled up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How long a DeviceRemoved waits before it counts. A NetworkManager that shuts down (restart, upgrade)
   * first removes every device from D-Bus and leaves the bus about 30 ms later (measured, 1.42); the
   * devices are still there in the kernel, so removals followed by the owner leaving are dropped.
   */
  removalGraceMs?: number;
  /** Errors that do not stop the watch (a failed re-read, a lost bus); default: ignored. */
  onError?: (error: Error) => void;
  /**
   * Awaited before each device re-read. The daemon passes "until no reconcile runs": dbus-next parses
   * replies on the one JavaScript thread, and a re-read during a reconcile that the kernel's address event
   * started (NetworkManager signals in the same milliseconds) stretched it from ~3 ms to 20–40 ms.
   */
  beforeRead?: () => Promise<void>;
  /**
   * States taken from a device's StateChanged signal at once, before its re-read (which still follows): the
   * caller names those it acts on whatever else the device reports (`take`) and hears of each (`onState`).
   * A device read that began before such a signal keeps the signalled state.
   */
  statesAtOnce?: { take: (state: number) => boolean; onState: (iface: string, state: number) => void };
}

const DEVICE_PREFIX = `${NM_PATH}/Devices/`;

export async function watchNetworkManager(
  connect: () => Promise<NmBus>,
  onChange: (change: NmChange) => void,
  options: WatchOptions = {},
): Promise<NmWatch> {
  const onError = options.onError ?? (() => {});
  const devices = new Map<string, NmDevice>();
  /** Path of an Ip4Config, Ip6Config, active connection or access point → the device it belongs to. */
  const owners = new Map<string, string>();
  const reading = new Set<string>();
  const dirty = new Set<string>();
  /**
   * Object paths NetworkManager signalled on while a full read ran: which device they concern is known only
   * once that read has mapped the devices' sub-objects, and what they announced may have come after the
   * read's answer for that device (a link activating while the daemon starts: its Metered arrives then).
   */
  const signalledDuringFullRead = new Set<string>();
  let version: string | undefined;
  let owner: string | undefined;
  /** The instance whose full read the devices come from: a new one's object paths may name other devices. */
  let readOwner: string | undefined;
  let bus: NmBus;
  // Bumped by every full re-read: device reads started before it are stale and dropped.
  let generation = 0;
  let fullRead: Promise<void> | undefined;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const removals = new Map<string, NodeJS.Timeout>();
  /** States taken from signals (statesAtOnce), numbered so that a read begun before a signal cannot undo it. */
  const signalled = new Map<string, { state: number; seq: number }>();
  let signalSeq = 0;
  const cancelRemovals = () => {
    for (const timer of removals.values()) clearTimeout(timer);
    removals.clear();
  };

  /** `readFrom`: signalSeq when the read that returned `raw` began. */
  const store = (raw: RawDevice, readFrom: number) => {
    for (const [related, device] of owners) if (device === raw.path) owners.delete(related);
    for (const related of relatedPaths(raw)) owners.set(related, raw.path);
    const newer = signalled.get(raw.path);
    if (newer !== undefined && newer.seq <= readFrom) signalled.delete(raw.path);
    const read = toNmDevice(raw);
    const next = newer !== undefined && newer.seq > readFrom ? { ...read, state: newer.state } : read;
    const previous = devices.get(raw.path);
    devices.set(raw.path, next);
    return previous === undefined || JSON.stringify(previous) !== JSON.stringify(next) ? next : undefined;
  };

  const forget = (path: string) => {
    const previous = devices.get(path);
    devices.delete(path);
    signalled.delete(path);
    for (const [related, device] of owners) if (device === path) owners.delete(related);
    if (previous) onChange(previous.interface);
  };

  const readDevice = async (path: string) => {
    if (reading.has(path) || fullRead) {
      dirty.add(path);
      return;
    }
    reading.add(path);
    const started = generation;
    try {
      do {
        dirty.delete(path);
        let read: { raw: RawDevice; from: number } | undefined;
        try {
          await options.beforeRead?.();
          if (closed || started !== generation) return;
          const from = signalSeq;
          read = { raw: await readRawDevice(bus, path), from };
        } catch (error) {
          // Gone between the signal and the read: DeviceRemoved follows, or already came.
          if (!closed) onError(error as Error);
        }
        if (closed || started !== generation) return;
        if (read === undefined) continue;
        const previous = devices.get(path)?.interface;
        const changed = store(read.raw, read.from);
        if (changed) {
          if (previous && previous !== changed.interface) onChange(previous);
          onChange(changed.interface);
        }
      } while (dirty.has(path));
    } finally {
      if (started === generation) reading.delete(path);
    }
  };

  const readAll = async (announce: boolean) => {
    const run = (async () => {
      const mine = ++generation;
      reading.clear();
      const readFrom = signalSeq;
      const instance = owner;
      const snapshot = await readRawDevices(bus);
      if (closed || mine !== generation) return;
      devices.clear();
      owners.clear();
      for (const raw of snapshot.devices) store(raw, readFrom);
      version = snapshot.version;
      readOwner = instance;
    })();
    fullRead = run;
    try {
      await run;
    } finally {
      if (fullRead === run) fullRead = undefined;
    }
    if (closed) return;
    if (announce) onChange("all");
    for (const path of signalledDuringFullRead) {
      const device = deviceOf(path);
      if (device !== undefined && devices.has(device)) dirty.add(device);
    }
    signalledDuringFullRead.clear();
    // Signals that came in during the full read may describe something newer than what it saw.
    const again = [...dirty];
    dirty.clear();
    for (const path of again) void readDevice(path);
  };

  // A starting NetworkManager owns its name a few ms before it exports its objects (measured ~12 ms):
  // retry the full read while the same instance owns the name.
  const readAllOf = async (instance: string) => {
    for (let delay = 20; !closed && owner === instance; delay = Math.min(delay * 2, 2_000)) {
      try {
        return await readAll(true);
      } catch (error) {
        onError(error as Error);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };

  const handleSignal = (signal: BusSignal) => {
    if (closed) return;
    if (signal.member === "NameOwnerChanged" && signal.iface === "org.freedesktop.DBus") {
      if (signal.body[0] !== NM_SERVICE) return;
      owner = (signal.body[2] as string) || undefined;
      cancelRemovals();
      // While NetworkManager is away the last snapshot stays: a restart must not look like every link
      // vanishing. The new instance is read in full.
      if (owner) void readAllOf(owner);
      return;
    }
    if (owner === undefined || signal.sender !== owner) return;
    if (signal.path === NM_PATH && signal.iface === IFACE.manager) {
      const [path] = signal.body as string[];
      if (signal.member === "DeviceAdded" && path) {
        clearTimeout(removals.get(path));
        removals.delete(path);
        void readDevice(path);
      } else if (signal.member === "DeviceRemoved" && path) {
        dirty.delete(path);
        clearTimeout(removals.get(path));
        removals.set(path, setTimeout(() => {
          removals.delete(path);
          forget(path);
        }, options.removalGraceMs ?? 150));
      }
      return;
    }
    if (signal.iface === IFACE.device && signal.member === "StateChanged") takeStateAtOnce(signal);
    if (changesNothingWatched(signal)) return;
    if (fullRead) {
      signalledDuringFullRead.add(signal.path);
      return;
    }
    const device = deviceOf(signal.path);
    if (device !== undefined && (devices.has(device) || reading.has(device))) void readDevice(device);
  };

  const takeStateAtOnce = (signal: BusSignal) => {
    const [state] = signal.body;
    // Not from an instance whose devices were not read yet (a restart): its paths may name other devices.
    if (signal.sender !== readOwner) return;
    const device = devices.get(signal.path);
    if (!options.statesAtOnce || device === undefined || typeof state !== "number" || !options.statesAtOnce.take(state)) return;
    signalled.set(signal.path, { state, seq: ++signalSeq });
    if (device.state === state) return;
    devices.set(signal.path, { ...device, state });
    options.statesAtOnce.onState(device.interface, state);
  };

  const deviceOf = (path: string) => (path.startsWith(DEVICE_PREFIX) ? path : owners.get(path));

  // The first read is the snapshot the caller gets back; only later full reads are announced.
  const attach = async (announce: boolean) => {
    bus = await connect();
    bus.onSignal(handleSignal);
    bus.onLost((error) => {
      onError(error);
      owner = undefined;
      cancelRemovals();
      scheduleReconnect(options.backoffMs ?? 100);
    });
    owner = await bus.nameOwner();
    if (owner) await readAll(announce);
  };

  const scheduleReconnect = (delay: number) => {
    if (closed) return;
    reconnectTimer = setTimeout(() => {
      attach(true).catch((error: Error) => {
        onError(error);
        scheduleReconnect(Math.min(delay * 2, options.maxBackoffMs ?? 5_000));
      });
    }, delay);
  };

  await attach(false);

  return {
    snapshot: () => ({ devices: [...devices.values()], ...(version && { version }) }),
    nmPid: () => bus.nmPid(),
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      cancelRemovals();
      bus.close();
    },
  };
}
