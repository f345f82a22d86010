// Structural checks: ajv against the schema, with its errors turned into messages a person can act on.
import type { ErrorObject } from "ajv";
import { closest } from "./suggest.js";
import type { DocPath, Problem } from "./diagnostic.js";
// Precompiled from the schema (validator-code.ts): no ajv compiler at run time.
import { validatePolicy } from "./validate-policy.generated.js";

interface SchemaNode {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
  title?: string;
  properties?: Record<string, unknown>;
  anyOf?: SchemaNode[];
}

/** Every structural problem of a parsed document (empty when it fits the schema). */
export function checkStructure(doc: unknown): Problem[] {
  if (doc === null || doc === undefined) {
    return [{ path: [], message: "the file is empty; a policy needs at least `version: 1`" }];
  }
  if (validatePolicy(doc)) return [];
  return explainErrors(validatePolicy.errors ?? []);
}

function explainErrors(errors: ErrorObject[]): Problem[] {
  const dropped = new Set<ErrorObject>();
  const replaced: Problem[] = [];
  // Outer unions first, so a branch dropped there takes its nested unions with it.
  const unions = errors.filter((e) => e.keyword === "anyOf").sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (dropped.has(union)) continue;
    dropped.add(union);
    const branches = (union.parentSchema as SchemaNode).anyOf ?? [];
    // A `const` branch says nothing beyond the union's own description ("auto or a number ...").
    const fitting = branches.flatMap((b, i) => (b.const === undefined && fitsType(b, union.data) ? [i] : []));
    const inUnion = errors.filter((e) => e.schemaPath.startsWith(`${union.schemaPath}/`));
    // Keep the errors of the one branch whose type fits the value: they say what is wrong inside it.
    const kept = fitting.length === 1 ? `${union.schemaPath}/${fitting[0]}/` : undefined;
    for (const e of inUnion) if (!kept || !e.schemaPath.startsWith(kept)) dropped.add(e);
    if (!kept) {
      const expected = (union.parentSchema as SchemaNode).description ?? "a different value";
      replaced.push({ path: pathOf(union), message: `must be ${expected}, got ${show(union.data)}` });
    }
  }
  const explained = errors.filter((e) => !dropped.has(e)).map(explain);
  return [...explained, ...replaced];
}

function fitsType(schema: SchemaNode, value: unknown): boolean {
  const type = schema.type ?? (schema.const !== undefined ? jsonType(schema.const) : undefined);
  if (type === undefined) return true;
  const actual = jsonType(value);
  return type === actual || (type === "integer" && actual === "number");
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

function pathOf(e: ErrorObject): (string | number)[] {
  if (e.instancePath === "") return [];
  return e.instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const TYPE_NAMES: Record<string, string> = {
  boolean: "true or false",
  integer: "a whole number",
  number: "a number",
  string: "a string",
  array: "a list",
  object: "a mapping (key: value)",
};

function explain(e: ErrorObject): Problem {
  const path: DocPath = pathOf(e);
  const schema = e.parentSchema as SchemaNode;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return { path, message: `missing required key "${String(params.missingProperty)}"` };
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const valid = Object.keys(schema.properties ?? {});
      const hint = closest(key, valid);
      return {
        path: [...path, key],
        at: "key",
        message: `unknown key "${key}"; ${hint ? `did you mean "${hint}"?` : `expected one of: ${valid.join(", ")}`}`,
      };
    }
    case "type":
      return { path, message: `must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}, got ${show(e.data)}` };
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === "string" ? closest(e.data, allowed) : undefined;
      const what = schema.title ?? "value";
      return {
        path,
        message: `unknown ${what} ${show(e.data)}; ${hint ? `did you mean "${hint}"?` : `expected one of: ${allowed.join(", ")}`}`,
      };
    }
    case "const":
      if (path.length === 1 && path[0] === "version") {
        return { path, message: `unsupported version ${show(e.data)}; this program reads version 1` };
      }
      return { path, message: `must be ${show(params.allowedValue)}, got ${show(e.data)}` };
    case "minimum":
    case "maximum":
      return { path, message: `must be from ${schema.minimum} to ${schema.maximum}, got ${show(e.data)}` };
    case "minItems":
    case "maxItems":
    case "additionalItems":
      return schema.minItems === 2 && schema.maxItems === 2
        ? { path, message: `must be a pair [first, last], got ${show(e.data)}` }
        : { path, message: "must not be an empty list" };
    case "minProperties":
      return { path, message: "must not be empty: give at least one condition" };
    case "minLength":
      return { path, message: "must not be an empty string" };
    case "uniqueItems": {
      const later = Math.max(Number(params.i), Number(params.j));
      return { path: [...path, later], message: `duplicate entry ${show((e.data as unknown[])[later])}` };
    }
    case "pattern":
      return { path, message: `must be a ${schema.description ?? "value"} like 8-4-4-4-12 hex digits, got ${show(e.data)}` };
    default:
      return { path, message: e.message ?? `invalid (${e.keyword})` };
  }
}

function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}
