import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedPolicyFiles, REGENERATE_COMMAND } from "../../../src/policy/generated-files.js";
import { parsePolicyText } from "../../../src/policy/parse.js";

const repo = join(import.meta.dirname, "../../..");
const shipped = readdirSync(join(repo, "policies")).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== "schema.json");

describe("shipped policies", () => {
  it("include the examples the docs refer to", () => {
    expect(shipped).toEqual(
      expect.arrayContaining(["default.yaml", "laptop.yaml", "lte-failover-gateway.yaml", "server.yaml", "aggregation.yaml"]),
    );
  });

  it.each(shipped)("policies/%s is valid", (name) => {
    const result = parsePolicyText(readFileSync(join(repo, "policies", name), "utf8"), name);
    expect(result.ok ? [] : result.diagnostics).toEqual([]);
  });
});

describe("generated files", () => {
  it.each(Object.entries(generatedPolicyFiles()))("%s is up to date", (path, expected) => {
    const committed = readFileSync(join(repo, path), "utf8");
    expect(committed === expected, `${path} is stale: run \`${REGENERATE_COMMAND}\` and commit it`).toBe(true);
  });
});
