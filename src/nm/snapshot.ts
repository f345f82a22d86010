// NetworkManager's view of the devices, read over D-Bus into the plain NmSnapshot.
// I/O (readRawDevice, readSnapshot) is kept apart from the pure conversion (toNmDevice),
// which the unit tests drive with recorded D-Bus data (test/fixtures/nm/).
import type { NmConnection, NmDevice, NmIpConfig, NmSnapshot } from "../model/types.js";
import { NM_PATH, type NmBus } from "./bus.js";
import { deviceKind, meteredName } from "./nm-enums.js";

/** NetworkManager's D-Bus interfaces the snapshot reads (and whose signals the watch follows). */
export const IFACE = {
  manager: "org.freedesktop.NetworkManager",
  device: "org.freedesktop.NetworkManager.Device",
  wireless: "org.freedesktop.NetworkManager.Device.Wireless",
  ip4: "org.freedesktop.NetworkManager.IP4Config",
  ip6: "org.freedesktop.NetworkManager.IP6Config",
  dhcp4: "org.freedesktop.NetworkManager.DHCP4Config",
  active: "org.freedesktop.NetworkManager.Connection.Active",
  accessPoint: "org.freedesktop.NetworkManager.AccessPoint",
} as const;

const NM_TYPE_WIFI = 2;

type Props = Record<string, unknown>;

/** The D-Bus data one device's NmDevice is made from: properties by object, as GetAll returns them. */
export interface RawDevice {
  path: string;
  /** org.freedesktop.NetworkManager.Device properties. */
  device: Props;
  ip4Config?: Props;
  ip6Config?: Props;
  /** org.freedesktop.NetworkManager.DHCP4Config properties: `Options` holds the lease (`routers`, ...). */
  dhcp4Config?: Props;
  /** org.freedesktop.NetworkManager.Connection.Active properties of the device's ActiveConnection. */
  activeConnection?: Props;
  /** Device.GetAppliedConnection's settings (setting name → key → value). */
  appliedConnection?: Record<string, Props>;
  /** org.freedesktop.NetworkManager.Device.Wireless properties of a Wi-Fi device. */
  wireless?: Props;
  /** Properties of a Wi-Fi device's ActiveAccessPoint. */
  accessPoint?: Props;
}

/** Object paths a device's data came from besides its own: their signals mean the device changed. */
export function relatedPaths(raw: RawDevice): string[] {
  const d = raw.device;
  return [d.Ip4Config, d.Ip6Config, d.Dhcp4Config, d.ActiveConnection, raw.wireless?.ActiveAccessPoint].filter(isObjectPath);
}

export function toNmDevice(raw: RawDevice): NmDevice {
  const d = raw.device;
  const nmType = num(d.DeviceType);
  const connection = raw.activeConnection && toConnection(raw.activeConnection, raw.appliedConnection);
  const ssid = raw.accessPoint && bytesToString(raw.accessPoint.Ssid);
  return {
    path: raw.path,
    interface: str(d.IpInterface) || str(d.Interface),
    type: deviceKind(nmType, connection?.type),
    nmType,
    state: num(d.State),
    managed: d.Managed === true,
    metered: meteredName(num(d.Metered)),
    ...(connection && { connection }),
    ...(ssid && { ssid }),
    ip4: toIpConfig(raw.ip4Config, raw.appliedConnection?.ipv4, dhcpRouter(raw.dhcp4Config)),
    ip6: { ...toIpConfig(raw.ip6Config, raw.appliedConnection?.ipv6), ...neverDefault(raw.appliedConnection?.ipv6) },
  };
}

function toConnection(active: Props, applied: Record<string, Props> | undefined): NmConnection {
  return {
    id: str(active.Id),
    uuid: str(active.Uuid),
    type: str(active.Type),
    // NetworkManager leaves a setting at its default out of the applied connection: absent means 0.
    ...(applied && { mptcpFlags: num(applied.connection?.["mptcp-flags"]) }),
  };
}

function toIpConfig(config: Props | undefined, profile: Props | undefined, leaseRouter = ""): NmIpConfig {
  const addresses = Array.isArray(config?.AddressData)
    ? (config.AddressData as Props[]).map((a) => ({ address: str(a.address), prefix: num(a.prefix) }))
    : [];
  const gateway =
    str(config?.Gateway) || str(profile?.gateway) || defaultRouteNextHop(profile?.["route-data"]) || leaseRouter;
  return { addresses, ...(gateway && { gateway }) };
}

/**
 * NetworkManager 1.42 normalises a never-default profile by dropping its ipvX.gateway (measured: the
 * keyfile and the applied connection lose it, IPxConfig.Gateway is empty), so such a link has a gateway
 * only if its profile names one in a default route (`ipv4.routes "0.0.0.0/0 GW table=N"`): use that.
 */
function defaultRouteNextHop(routes: unknown): string {
  if (!Array.isArray(routes)) return "";
  const route = (routes as Props[]).find((r) => num(r.prefix) === 0 && str(r["next-hop"]));
  return route ? str(route["next-hop"]) : "";
}

/**
 * Only IPv6 needs it: there it means NetworkManager hides the advertised router. NetworkManager leaves a
 * setting at its default out of the applied connection: absent means false.
 */
function neverDefault(profile: Props | undefined): { neverDefault?: true } {
  return profile?.["never-default"] === true ? { neverDefault: true } : {};
}

/**
 * A DHCP link that is never-default (LTE, metered uplinks) has no IP4Config.Gateway, but NetworkManager
 * keeps the lease's routers in Dhcp4Config.Options (measured with 1.42): the first is the gateway.
 */
function dhcpRouter(dhcp4: Props | undefined): string {
  const options = dhcp4?.Options as Props | undefined;
  return str(options?.routers).trim().split(/\s+/)[0] ?? "";
}

/** Reads one device and the objects it points to, concurrently. Sub-objects that vanish mid-read are left out. */
export async function readRawDevice(bus: NmBus, path: string): Promise<RawDevice> {
  const device = await bus.getAll(path, IFACE.device);
  const optional = <T>(p: Promise<T>) => p.catch(() => undefined);
  const read = (objectPath: unknown, iface: string) =>
    isObjectPath(objectPath) ? optional(bus.getAll(objectPath, iface)) : Promise.resolve(undefined);
  const active = isObjectPath(device.ActiveConnection);
  const [ip4Config, ip6Config, dhcp4Config, activeConnection, appliedConnection, wireless] = await Promise.all([
    read(device.Ip4Config, IFACE.ip4),
    read(device.Ip6Config, IFACE.ip6),
    read(device.Dhcp4Config, IFACE.dhcp4),
    read(device.ActiveConnection, IFACE.active),
    active
      ? optional(bus.call(path, IFACE.device, "GetAppliedConnection", "u", [0]).then(([settings]) => settings as Record<string, Props>))
      : undefined,
    num(device.DeviceType) === NM_TYPE_WIFI ? optional(bus.getAll(path, IFACE.wireless)) : undefined,
  ]);
  const accessPoint = await read(wireless?.ActiveAccessPoint, IFACE.accessPoint);
  return {
    path,
    device,
    ...(ip4Config && { ip4Config }),
    ...(ip6Config && { ip6Config }),
    ...(dhcp4Config && { dhcp4Config }),
    ...(activeConnection && { activeConnection }),
    ...(appliedConnection && { appliedConnection }),
    ...(wireless && { wireless }),
    ...(accessPoint && { accessPoint }),
  };
}

/** Device paths and NetworkManager's version, from one GetAll on the manager. */
export async function readManager(bus: NmBus): Promise<{ devices: string[]; version?: string }> {
  const props = await bus.getAll(NM_PATH, IFACE.manager);
  const devices = Array.isArray(props.Devices) ? props.Devices.filter(isObjectPath) : [];
  const version = str(props.Version);
  return { devices, ...(version && { version }) };
}

/** Every realized device, read concurrently; a device removed while being read is left out. */
export async function readRawDevices(bus: NmBus): Promise<{ devices: RawDevice[]; version?: string }> {
  const manager = await readManager(bus);
  const devices = await Promise.all(manager.devices.map((path) => readRawDevice(bus, path).catch(() => undefined)));
  return { ...manager, devices: devices.filter((d): d is RawDevice => d !== undefined) };
}

export async function readSnapshot(bus: NmBus): Promise<NmSnapshot> {
  const { devices, version } = await readRawDevices(bus);
  return { devices: devices.map(toNmDevice), ...(version && { version }) };
}

function isObjectPath(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("/") && value !== "/";
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function num(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

function bytesToString(value: unknown): string | undefined {
  return Array.isArray(value) && value.length > 0 ? Buffer.from(value as number[]).toString("utf8") : undefined;
}
