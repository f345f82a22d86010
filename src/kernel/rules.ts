// `ip [-6] -json rule show` → RuleEntry[], only rules with a source selector. The JSON carries no family:
// the caller says which process asked. `"protocol"` is absent for rules added without one (and for the
// kernel's own rules), printed as a name when iproute2 knows one, else as a number string.
import type { Family, RuleEntry } from "../model/types.js";
import { int, optStr, parseJsonList, str } from "./json.js";
import { BUILTIN_NAMES, protocolNumber, tableNumber, type Iproute2Names } from "./names.js";

const WHAT = "rule show";

export function parseRules(json: string, family: Family, names: Iproute2Names = BUILTIN_NAMES): RuleEntry[] {
  const rules: RuleEntry[] = [];
  for (const r of parseJsonList(json, WHAT)) {
    const src = str(r, "src", WHAT);
    if (src === "all") continue;
    const srclen = r.srclen === undefined ? undefined : int(r, "srclen", WHAT);
    const protocol = optStr(r, "protocol");
    rules.push({
      family,
      priority: int(r, "priority", WHAT),
      // ip prints srclen only when the source is not a single host.
      from: srclen === undefined ? src : `${src}/${srclen}`,
      table: tableNumber(str(r, "table", WHAT), names),
      protocol: protocol === undefined ? 0 : protocolNumber(protocol, names),
    });
  }
  return rules;
}
