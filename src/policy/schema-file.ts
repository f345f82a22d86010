// The policy's JSON Schema at run time. It is generated from the TypeBox definition in schema.ts and shipped
// as policies/schema.json (a unit test fails when that file is stale); reading the JSON instead of building
// the schema with TypeBox keeps TypeBox out of every command's start (measured: 150 ms of module loading).
import { readFileSync } from "node:fs";

interface JsonSchemaObject {
  properties: Record<string, { items?: JsonSchemaObject } & Record<string, unknown>>;
}

// Same relative place from src/policy/ (tests, tsx) and dist/policy/ (the installed package ships policies/).
export const POLICY_SCHEMA = JSON.parse(
  readFileSync(new URL("../../policies/schema.json", import.meta.url), "utf8"),
) as JsonSchemaObject & Record<string, unknown>;

/** The keys a rule may have. */
export const RULE_KEYS: readonly string[] = Object.keys(POLICY_SCHEMA.properties["rules"]?.items?.properties ?? {});
