import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { POLICY_SCHEMA } from "../../../src/policy/schema-file.js";
import { validatePolicy } from "../../../src/policy/validate-policy.generated.js";

// The checked-in validator (regenerated and compared in shipped.test.ts) must judge every document exactly as
// ajv compiling policies/schema.json at run time with its default options did before it was precompiled.
const runtime = new Ajv({ allErrors: true, verbose: true, strict: true }).compile(POLICY_SCHEMA);

const repo = join(import.meta.dirname, "../../..");
const shipped = readdirSync(join(repo, "policies"))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => ({ name: `policies/${f}`, doc: parse(readFileSync(join(repo, "policies", f), "utf8")) as unknown }));

const rule = (r: Record<string, unknown>) => ({ version: 1, rules: [{ match: { interface: "eth0" }, routing: true, ...r }] });
const corpus: { name: string; doc: unknown }[] = [
  ...shipped,
  { name: "version only", doc: { version: 1 } },
  { name: "version 2", doc: { version: 2 } },
  { name: "version string", doc: { version: "1" } },
  { name: "not an object", doc: [1, 2] },
  { name: "unknown top key", doc: { version: 1, limit: {} } },
  { name: "rule without match", doc: { version: 1, rules: [{ routing: true }] } },
  { name: "empty match", doc: rule({ match: {} }) },
  { name: "empty interface glob", doc: rule({ match: { interface: "" } }) },
  { name: "astral interface glob", doc: rule({ match: { interface: "\u{1F600}" } }) },
  { name: "empty interface list", doc: rule({ match: { interface: [] } }) },
  { name: "interface list with empty glob", doc: rule({ match: { interface: ["eth*", ""] } }) },
  { name: "unknown device type", doc: rule({ match: { type: "wify" } }) },
  { name: "bad uuid", doc: rule({ match: { uuid: "1234" } }) },
  { name: "metered string", doc: rule({ match: { metered: "yes" } }) },
  { name: "ignore false", doc: rule({ ignore: false }) },
  { name: "empty rule name", doc: rule({ name: "" }) },
  { name: "one-letter rule name", doc: rule({ name: "r" }) },
  { name: "duplicate flags", doc: rule({ endpoint: { flags: ["subflow", "subflow"] } }) },
  { name: "unknown flag", doc: rule({ endpoint: { flags: ["backupp"] } }) },
  { name: "port too big", doc: rule({ endpoint: { flags: ["signal"], port: 70000 } }) },
  { name: "routing table 0", doc: rule({ routing: { table: 0 } }) },
  { name: "routing string", doc: rule({ routing: "yes" }) },
  { name: "limits", doc: { version: 1, limits: { subflows: "auto", "add-addr-accepted": 9 } } },
  { name: "limits float", doc: { version: 1, limits: { subflows: 1.5 } } },
  { name: "tables not a pair", doc: { version: 1, routing: { tables: [100] } } },
  { name: "tables of three", doc: { version: 1, routing: { tables: [100, 200, 300] } } },
  { name: "endpoint-ids out of range", doc: { version: 1, "endpoint-ids": [0, 300] } },
  { name: "duplicate address class", doc: { version: 1, addresses: { skip: ["ula", "ula"] } } },
  { name: "rp-filter", doc: { version: 1, "rp-filter": "strict" } },
  { name: "many mistakes at once", doc: { version: 3, rules: [{ match: { interfce: 1 }, endpoint: { flags: [] } }], x: 1 } },
];

const comparable = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map(({ instancePath, schemaPath, keyword, params, data, parentSchema }) => ({
    instancePath, schemaPath, keyword, params, data, parentSchema,
  }));

describe("precompiled policy validator", () => {
  it("the corpus has valid and invalid documents", () => {
    const verdicts = corpus.map(({ doc }) => runtime(doc));
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });

  it.each(corpus)("agrees with ajv compiling the schema at run time: $name", ({ doc }) => {
    const expected = runtime(doc);
    const expectedErrors = comparable(runtime.errors);
    expect(validatePolicy(doc)).toBe(expected);
    expect(comparable(validatePolicy.errors)).toEqual(expectedErrors);
  });
});
