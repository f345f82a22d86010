// `npm run gen:policies`: regenerates policies/schema.json, policies/default.yaml and the precompiled validator from src/policy.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generatedPolicyFiles } from "../src/policy/generated-files.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const [path, content] of Object.entries(generatedPolicyFiles())) {
  writeFileSync(join(repo, path), content);
  console.log(`wrote ${path}`);
}
