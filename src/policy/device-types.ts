import { DEVICE_KINDS, type DeviceKind } from "../model/types.js";

/** Other names people use for a device kind; `match.type` accepts them and normalises to the kind. */
export const DEVICE_TYPE_ALIASES: Readonly<Record<string, DeviceKind>> = {
  cellular: "modem",
  wwan: "modem",
  gsm: "modem",
  cdma: "modem",
  lte: "modem",
  wired: "ethernet",
  eth: "ethernet",
  wlan: "wifi",
  wireless: "wifi",
  "wi-fi": "wifi",
  bt: "bluetooth",
  wg: "wireguard",
};

/** Every name `match.type` accepts: the kinds, then the aliases. */
export const DEVICE_TYPE_NAMES: readonly string[] = [...DEVICE_KINDS, ...Object.keys(DEVICE_TYPE_ALIASES)];

/** The canonical kind of an accepted type name (the schema has already rejected other names). */
export function deviceKindOf(name: string): DeviceKind {
  const kind = (DEVICE_KINDS as readonly string[]).includes(name) ? (name as DeviceKind) : DEVICE_TYPE_ALIASES[name];
  if (!kind) throw new Error(`not a device type: ${name}`);
  return kind;
}
