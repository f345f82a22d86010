// The policy validator as source code: ajv's standalone output, compiled from the schema when the policy
// files are regenerated (npm run gen:policies) instead of at every start (ajv's import and compile cost
// ~60 ms of a one-shot run). Only the generator and the tests load ajv's compiler.
import { Ajv, type Options } from "ajv";
import standalone from "ajv/dist/standalone/index.js";

/**
 * The options the checked-in validator is compiled with: check-structure's messages need every error
 * (allErrors) with its schema and data (verbose). `unicode: false` counts string length in UTF-16 units
 * instead of calling ajv's runtime helper, so the module imports nothing (a CommonJS helper imported from
 * ESM resolves differently under Node, vitest and bundlers); the schema's only length bound is
 * `minLength: 1`, where both counts agree (the tests compare with a default-compiled ajv).
 */
export const VALIDATOR_OPTIONS = { allErrors: true, verbose: true, strict: true, unicode: false } as const satisfies Options;

export const VALIDATOR_PATH = "src/policy/validate-policy.generated.ts";

/** An ES module exporting `validatePolicy`, ajv's standalone validator for `schema`. */
export function policyValidatorModule(schema: Record<string, unknown>, regenerate: string): string {
  const ajv = new Ajv({ ...VALIDATOR_OPTIONS, code: { source: true, esm: true, lines: true } });
  // A CommonJS module: its default import is module.exports, which carries the function as `default`.
  const code = standalone.default(ajv, ajv.compile(schema));
  const body = code
    .replace(/^"use strict";\n/, "") // an ES module is strict anyway, and a directive after imports is none
    .replace(/^export const validate = (\w+);\nexport default \1;$/m, "export const validatePolicy = $1 as unknown as ValidateFunction;");
  if (/\brequire\(|export default/.test(body)) {
    // A runtime helper (require) would need an import that behaves the same under Node, vitest and bundlers.
    throw new Error("ajv's standalone output needs a runtime helper or changed shape: update validator-code.ts");
  }
  return [
    `// Generated from the policy schema (policies/schema.json) by ${regenerate}; do not edit.`,
    "// @ts-nocheck",
    `import type { ValidateFunction } from "ajv";`,
    body,
  ].join("\n");
}
