// iproute2 prints route/rule protocols and tables by name when it knows one (`"protocol":"static"`,
// `"table":"main"`) and by number otherwise (`"protocol":"203"`). These are its built-in names
// (lib/rt_names.c, /etc/iproute2/rt_protos and rt_tables of iproute2 6.1). A name an administrator adds in
// /etc/iproute2 for our own protocol or tables would hide them from us: readIproute2Names picks those up.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { KernelParseError } from "./json.js";

export interface Iproute2Names {
  protocols: ReadonlyMap<string, number>;
  tables: ReadonlyMap<string, number>;
}

export const BUILTIN_NAMES: Iproute2Names = {
  protocols: new Map([
    ["unspec", 0], ["redirect", 1], ["kernel", 2], ["boot", 3], ["static", 4], ["gated", 8], ["ra", 9],
    ["mrt", 10], ["zebra", 11], ["bird", 12], ["dnrouted", 13], ["xorp", 14], ["ntk", 15], ["dhcp", 16],
    ["keepalived", 18], ["babel", 42], ["openr", 99], ["bgp", 186], ["isis", 187], ["ospf", 188],
    ["rip", 189], ["eigrp", 192],
  ]),
  tables: new Map([["unspec", 0], ["default", 253], ["main", 254], ["local", 255]]),
};

function resolve(map: ReadonlyMap<string, number>, value: string, what: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const n = map.get(value);
  if (n === undefined) throw new KernelParseError(`${what}: unknown name "${value}"`);
  return n;
}

/** A `"protocol"` value; absent means the kernel's default for the object (the caller says which). */
export function protocolNumber(value: string, names: Iproute2Names = BUILTIN_NAMES): number {
  return resolve(names.protocols, value, "protocol");
}

export function tableNumber(value: string, names: Iproute2Names = BUILTIN_NAMES): number {
  return resolve(names.tables, value, "table");
}

/** Built-in names plus those of `root`/rt_protos, rt_tables and their `.d/*.conf` (missing files are fine). */
export async function readIproute2Names(root = "/etc/iproute2"): Promise<Iproute2Names> {
  const [protocols, tables] = await Promise.all([
    readNameFiles(root, "rt_protos", BUILTIN_NAMES.protocols),
    readNameFiles(root, "rt_tables", BUILTIN_NAMES.tables),
  ]);
  return { protocols, tables };
}

async function readNameFiles(root: string, base: string, builtin: ReadonlyMap<string, number>) {
  const map = new Map(builtin);
  const dropIns = await readdir(join(root, `${base}.d`)).catch(() => [] as string[]);
  const files = [join(root, base), ...dropIns.filter((f) => f.endsWith(".conf")).sort().map((f) => join(root, `${base}.d`, f))];
  for (const file of files) {
    const text = await readFile(file, "utf8").catch(() => "");
    for (const [name, n] of parseNameFile(text)) map.set(name, n);
  }
  return map;
}

/** `NUMBER NAME` lines, `#` comments: the format of /etc/iproute2/rt_* files. */
export function parseNameFile(text: string): [string, number][] {
  const out: [string, number][] = [];
  for (const raw of text.split("\n")) {
    const [num, name] = raw.replace(/#.*/, "").trim().split(/\s+/);
    if (num === undefined || name === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(num)) continue;
    out.push([name, Number(num)]);
  }
  return out;
}
