// The one place that speaks D-Bus (dbus-next). Everything else in src/nm/ takes an `NmBus`,
// so tests can pass a fake and the rest of the code sees plain JavaScript values only.
import dbus from "dbus-next";

export const NM_SERVICE = "org.freedesktop.NetworkManager";
export const NM_PATH = "/org/freedesktop/NetworkManager";

/** A signal as it arrived, body already converted to plain values. */
export interface BusSignal {
  /** Unique name (":1.42") of the connection that sent it. */
  sender: string;
  path: string;
  iface: string;
  member: string;
  body: unknown[];
}

export interface NmBus {
  /** Calls a method on NetworkManager's service; resolves to the reply body as plain values. */
  call(path: string, iface: string, member: string, signature?: string, body?: unknown[]): Promise<unknown[]>;
  /** org.freedesktop.DBus.Properties.GetAll on NetworkManager's service, as plain values. */
  getAll(path: string, iface: string): Promise<Record<string, unknown>>;
  /** Unique name currently owning NetworkManager's service name, or undefined when nobody does. */
  nameOwner(): Promise<string | undefined>;
  /** Process id of NetworkManager (the bus's GetConnectionUnixProcessID), or undefined when it is not on the bus. */
  nmPid(): Promise<number | undefined>;
  /** Signals sent by NetworkManager's service, plus the bus's NameOwnerChanged for that name. */
  onSignal(listener: (signal: BusSignal) => void): void;
  /** Called once when the connection to the bus is lost (not after close()). */
  onLost(listener: (error: Error) => void): void;
  close(): void;
}

const CALL_TIMEOUT_MS = 5_000;

/** Connects to the system bus (`DBUS_SYSTEM_BUS_ADDRESS` honoured) or to `address` when given. */
export async function connectNmBus(address?: string): Promise<NmBus> {
  // sessionBus({ busAddress }) is dbus-next's only way to name an address; systemBus() reads the
  // environment at call time, which is what the daemon wants.
  const bus = address === undefined ? dbus.systemBus() : dbus.sessionBus({ busAddress: address });
  const signalListeners: ((signal: BusSignal) => void)[] = [];
  const lostListeners: ((error: Error) => void)[] = [];
  const pending = new Set<(error: Error) => void>();
  let closed = false;
  let lost = false;

  const loseConnection = (error: Error) => {
    if (closed || lost) return;
    lost = true;
    for (const reject of pending) reject(error);
    pending.clear();
    for (const listener of lostListeners) listener(error);
  };

  await new Promise<void>((resolve, reject) => {
    bus.once("connect", () => resolve());
    bus.once("error", reject);
  });
  bus.on("error", (err: unknown) => loseConnection(err instanceof Error ? err : new Error(String(err))));
  // dbus-next does not forward the stream's end: a bus daemon going away would otherwise go unnoticed.
  (bus as unknown as { _connection: { on(e: "end", f: () => void): void } })._connection.on("end", () =>
    loseConnection(new Error("D-Bus connection closed by the bus")),
  );
  bus.on("message", (msg: dbus.Message) => {
    if (msg.type !== dbus.MessageType.SIGNAL) return;
    const signal: BusSignal = {
      sender: msg.sender,
      path: msg.path,
      iface: msg.interface,
      member: msg.member,
      body: msg.body.map(toPlain),
    };
    for (const listener of signalListeners) listener(signal);
  });

  const rawCall = async (destination: string, path: string, iface: string, member: string, signature?: string, body?: unknown[]) => {
    if (closed || lost) throw new Error("D-Bus connection is closed");
    const message = new dbus.Message({ destination, path, interface: iface, member, signature: signature ?? "", body: body ?? [] });
    let timer: NodeJS.Timeout | undefined;
    let rejectPending: ((error: Error) => void) | undefined;
    try {
      const reply = await Promise.race([
        bus.call(message),
        new Promise<never>((_, reject) => {
          rejectPending = reject;
          pending.add(reject);
          timer = setTimeout(() => reject(new Error(`D-Bus call ${iface}.${member} on ${path} timed out`)), CALL_TIMEOUT_MS);
        }),
      ]);
      return (reply?.body ?? []).map(toPlain);
    } finally {
      clearTimeout(timer);
      if (rejectPending) pending.delete(rejectPending);
    }
  };

  const DBUS = ["org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus"] as const;
  await rawCall(...DBUS, "AddMatch", "s", [`type='signal',sender='${NM_SERVICE}'`]);
  await rawCall(...DBUS, "AddMatch", "s", [
    `type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${NM_SERVICE}'`,
  ]);

  /** A bus-daemon question about NetworkManager's name; undefined when nobody owns it. */
  const aboutNmName = async (member: string): Promise<unknown> => {
    try {
      const [answer] = await rawCall(...DBUS, member, "s", [NM_SERVICE]);
      return answer;
    } catch (error) {
      if (error instanceof dbus.DBusError && error.type === "org.freedesktop.DBus.Error.NameHasNoOwner") return undefined;
      throw error;
    }
  };

  return {
    call: (path, iface, member, signature, body) => rawCall(NM_SERVICE, path, iface, member, signature, body),
    async getAll(path, iface) {
      const [props] = await rawCall(NM_SERVICE, path, "org.freedesktop.DBus.Properties", "GetAll", "s", [iface]);
      return props as Record<string, unknown>;
    },
    nameOwner: async () => (await aboutNmName("GetNameOwner")) as string | undefined,
    nmPid: async () => (await aboutNmName("GetConnectionUnixProcessID")) as number | undefined,
    onSignal: (listener) => void signalListeners.push(listener),
    onLost: (listener) => void lostListeners.push(listener),
    close() {
      if (closed) return;
      closed = true;
      for (const reject of pending) reject(new Error("D-Bus connection closed"));
      bus.disconnect();
    },
  };
}

/** Variants unwrapped, byte arrays as number[], 64-bit integers as numbers: JSON-ready data. */
export function toPlain(value: unknown): unknown {
  if (value instanceof dbus.Variant) return toPlain(value.value);
  if (Buffer.isBuffer(value)) return [...value];
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}
