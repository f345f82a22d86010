// The policy's JSON Schema at run time. It is generated from the TypeBox definition in schema.ts and shipped
// as policies/schema.json (a unit test fails when that file is stale); reading the JSON instead of building
// the schema with TypeBox keeps TypeBox out of every command's start (measured: 150 ms of module loading).
import { existsSync, readFileSync } from "node:fs";

interface JsonSchemaObject {
  properties: Record<string, { items?: JsonSchemaObject } & Record<string, unknown>>;
}

/**
 * Where schema.json may be, relative to the running module: policies/ two levels up from src/policy/,
 * dist/policy/ and the bundle in dist/bundle/ (tests, a checkout, npm install), else the Debian package's data
 * directory (its bundle sits in /usr/lib/mptcp-policy).
 */
const SCHEMA_PLACES = ["../../policies/schema.json", "/usr/share/mptcp-policy/schema.json"];

function schemaUrl(): URL {
  const places = SCHEMA_PLACES.map((place) => new URL(place, import.meta.url));
  const found = places.find((url) => existsSync(url));
  if (found === undefined) throw new Error(`policy schema not found; looked for ${places.map((u) => u.pathname).join(", ")}`);
  return found;
}

export const POLICY_SCHEMA = JSON.parse(readFileSync(schemaUrl(), "utf8")) as JsonSchemaObject & Record<string, unknown>;

/** The keys a rule may have. */
export const RULE_KEYS: readonly string[] = Object.keys(POLICY_SCHEMA.properties["rules"]?.items?.properties ?? {});
