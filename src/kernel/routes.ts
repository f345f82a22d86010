// `ip [-4|-6] -json route show table all [proto N]` → RouteEntry[].
// Quirks: `"table"` is absent for the main table; `"protocol"` is absent when the dump was filtered by
// protocol (the caller passes the filter) and for routes with protocol 0; `"dst":"default"` is printed for
// both families; the preferred source is `"prefsrc"`; a dump without a family lists v4 and v6 together.
import type { Family, RouteEntry } from "../model/types.js";
import { KernelParseError, optStr, parseJsonList, str } from "./json.js";
import { BUILTIN_NAMES, protocolNumber, tableNumber, type Iproute2Names } from "./names.js";

const WHAT = "route show";

export interface RouteDumpContext {
  /** Family of a `-4`/`-6` dump; without it each route's family is read from its addresses. */
  family?: Family;
  /** Protocol the dump was filtered by (`proto N`), which ip then leaves out of each route. */
  protocol?: number;
  names?: Iproute2Names;
}

export function parseRoutes(json: string, ctx: RouteDumpContext = {}): RouteEntry[] {
  const names = ctx.names ?? BUILTIN_NAMES;
  const routes: RouteEntry[] = [];
  for (const r of parseJsonList(json, WHAT)) {
    // local/broadcast/multicast/unreachable... routes are the kernel's or carry no device to own.
    if (r.type !== undefined && r.type !== "unicast") continue;
    const dst = str(r, "dst", WHAT);
    const dev = optStr(r, "dev");
    if (dev === undefined) continue;
    const gateway = optStr(r, "gateway");
    const family = ctx.family ?? routeFamily(dst, gateway, optStr(r, "prefsrc"), r);
    const protocol = optStr(r, "protocol");
    const route: RouteEntry = {
      family,
      table: tableNumber(optStr(r, "table") ?? "main", names),
      dst: normaliseDst(dst, family),
      dev,
      protocol: protocol !== undefined ? protocolNumber(protocol, names) : (ctx.protocol ?? 0),
    };
    if (gateway !== undefined) route.gateway = gateway;
    if (r.scope === "link") route.scope = "link";
    const prefsrc = optStr(r, "prefsrc");
    if (prefsrc !== undefined) route.src = prefsrc;
    routes.push(route);
  }
  return routes;
}

function routeFamily(dst: string, gateway: string | undefined, prefsrc: string | undefined, r: object): Family {
  const hint = [dst, gateway, prefsrc].find((a) => a !== undefined && a !== "default");
  if (hint === undefined) {
    throw new KernelParseError(`${WHAT}: cannot tell the family of ${JSON.stringify(r)}: dump one family at a time`);
  }
  return hint.includes(":") ? "ipv6" : "ipv4";
}

/** "default", or PREFIX/LEN (ip leaves the length off host routes). */
function normaliseDst(dst: string, family: Family): string {
  if (dst === "default" || dst === "0.0.0.0/0" || dst === "::/0") return "default";
  if (dst.includes("/")) return dst;
  if (!/^[0-9a-f.:]+$/i.test(dst)) throw new KernelParseError(`${WHAT}: unexpected dst "${dst}"`);
  return `${dst}/${family === "ipv6" ? 128 : 32}`;
}
