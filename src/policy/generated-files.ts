// Files derived from the code, so editors and packagers see exactly what the program enforces.
// Written by policies/generate.ts (npm run gen:policies); a unit test fails when the committed copies are stale.
import { DEFAULT_POLICY_YAML } from "./default-policy.js";
import { policyJsonSchema } from "./schema.js";
import { policyValidatorModule, VALIDATOR_PATH } from "./validator-code.js";

export const REGENERATE_COMMAND = "npm run gen:policies";

/** Path relative to the repository root → content. */
export function generatedPolicyFiles(): Record<string, string> {
  return {
    "policies/schema.json": `${JSON.stringify(policyJsonSchema(), null, 2)}\n`,
    "policies/default.yaml":
      `# Generated from src/policy/default-policy.ts (${REGENERATE_COMMAND}); edit that file, not this one.\n` +
      DEFAULT_POLICY_YAML,
    [VALIDATOR_PATH]: policyValidatorModule(policyJsonSchema(), REGENERATE_COMMAND),
  };
}
