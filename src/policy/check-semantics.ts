// Cross-field rules the schema cannot say. They run on the raw document even when it has structural
// problems (so every problem is reported at once), hence every read is guarded by a type test.
import picomatch from "picomatch";
import type { DocPath, Problem } from "./diagnostic.js";
import { RESERVED_PROTOCOLS, RESERVED_TABLES } from "./reserved.js";
import { RULE_KEYS } from "./schema-file.js";


type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);

export function checkSemantics(doc: unknown): Problem[] {
  if (!isObj(doc)) return [];
  const problems: Problem[] = [];
  if (Array.isArray(doc.rules)) {
    doc.rules.forEach((rule, i) => {
      if (isObj(rule)) problems.push(...checkRule(rule, ["rules", i]));
    });
  }
  if (isObj(doc.routing)) {
    problems.push(...checkRange(doc.routing.tables, ["routing", "tables"], RESERVED_TABLES, "table"));
    const protocol = doc.routing.protocol;
    if (isInt(protocol) && RESERVED_PROTOCOLS[protocol] !== undefined) {
      problems.push({
        path: ["routing", "protocol"],
        message: `protocol ${protocol} is "${RESERVED_PROTOCOLS[protocol]}" in /etc/iproute2/rt_protos; pick an unassigned number (default 203)`,
      });
    }
  }
  problems.push(...checkRange(doc["endpoint-ids"], ["endpoint-ids"], {}, "endpoint id"));
  return problems;
}

function checkRule(rule: Obj, at: DocPath): Problem[] {
  const problems: Problem[] = [];
  const has = (key: string) => rule[key] !== undefined;
  // With an unknown key (a misspelt `endpoint`), that key is the problem to report, not "nothing to do".
  const onlyKnownKeys = Object.keys(rule).every((k) => RULE_KEYS.includes(k));
  if (has("ignore") && (has("endpoint") || has("routing"))) {
    problems.push({
      path: [...at, "ignore"],
      at: "key",
      message: "`ignore: true` stands alone: drop `endpoint`/`routing`, or drop `ignore` to manage the devices",
    });
  } else if (!has("ignore") && !has("endpoint") && !has("routing") && onlyKnownKeys) {
    problems.push({ path: at, message: "says nothing to do: give `endpoint` and/or `routing`, or `ignore: true`" });
  } else if (!has("endpoint") && rule.routing === false) {
    problems.push({
      path: [...at, "routing"],
      message: "`routing: false` without `endpoint` does nothing; write `ignore: true` to leave the devices alone",
    });
  }
  if (isObj(rule.endpoint)) problems.push(...checkEndpoint(rule.endpoint, [...at, "endpoint"]));
  if (isObj(rule.routing) && isInt(rule.routing.table) && RESERVED_TABLES[rule.routing.table] !== undefined) {
    const table = rule.routing.table;
    problems.push({
      path: [...at, "routing", "table"],
      message: `table ${table} is the kernel's "${RESERVED_TABLES[table]}" table; pin another number`,
    });
  }
  if (isObj(rule.match)) {
    for (const key of ["interface", "connection", "ssid"]) {
      const value = rule.match[key];
      const globs = typeof value === "string" ? [[value, [...at, "match", key]] as const] : [];
      const listed = Array.isArray(value) ? value.map((g, i) => [g, [...at, "match", key, i]] as const) : [];
      for (const [glob, path] of [...globs, ...listed]) {
        const problem = typeof glob === "string" && glob !== "" ? globProblem(glob) : undefined;
        if (problem) problems.push({ path, message: `bad glob ${JSON.stringify(glob)}: ${problem}` });
      }
    }
  }
  return problems;
}

function checkEndpoint(endpoint: Obj, at: DocPath): Problem[] {
  const problems: Problem[] = [];
  const flags = Array.isArray(endpoint.flags) ? endpoint.flags.filter((f): f is string => typeof f === "string") : [];
  const flag = (f: string) => flags.includes(f);
  const flagsAt = [...at, "flags"];
  if (Array.isArray(endpoint.flags) && flags.length > 0 && !flag("signal") && !flag("subflow")) {
    problems.push({ path: flagsAt, message: 'needs "signal" or "subflow" ("backup" and "fullmesh" only modify them)' });
  }
  const fullmeshAt = [...flagsAt, flags.indexOf("fullmesh")];
  if (flag("fullmesh") && !flag("subflow")) problems.push({ path: fullmeshAt, message: '"fullmesh" needs "subflow"' });
  if (flag("fullmesh") && flag("signal")) {
    problems.push({ path: fullmeshAt, message: '"fullmesh" cannot be combined with "signal" (the kernel refuses it)' });
  }
  if (endpoint.port !== undefined && Array.isArray(endpoint.flags) && !flag("signal")) {
    problems.push({ path: [...at, "port"], message: '`port` only applies to "signal" endpoints (it is the port announced)' });
  }
  return problems;
}

function checkRange(value: unknown, at: DocPath, reserved: Readonly<Record<number, string>>, what: string): Problem[] {
  if (!Array.isArray(value) || value.length !== 2 || !isInt(value[0]) || !isInt(value[1])) return [];
  const [first, last] = value as [number, number];
  if (first > last) return [{ path: at, message: `must be ordered [first, last] with first <= last, got [${first}, ${last}]` }];
  const inside = Object.entries(reserved).filter(([n]) => Number(n) >= first && Number(n) <= last);
  if (inside.length === 0) return [];
  const names = inside.map(([n, name]) => `${n} (${name})`).join(", ");
  return [{ path: at, message: `contains reserved ${what}${inside.length > 1 ? "s" : ""} ${names}; choose a range clear of them` }];
}

/** Why a name glob is malformed, or undefined. Options match the matcher's (src/policy/match.ts). */
function globProblem(glob: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "\\") {
      if (i === glob.length - 1) return "ends with a lone backslash";
      i++;
    } else if (c === "[" && !inClass) {
      inClass = true;
      if (glob[i + 1] === "]") i++; // fnmatch: a "]" right after "[" is a member, not the end
    } else if (c === "]") {
      inClass = false;
    }
  }
  if (inClass) return 'unclosed "[" (write "\\[" for a literal bracket)';
  try {
    picomatch.makeRe(glob, { dot: true, nobrace: true, noextglob: true });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
