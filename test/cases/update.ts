// Rewrites every case's plan.json from what the code plans today (`npm run update:cases`). Review each
// diff by hand before committing: this is the only way an expected plan changes.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { caseNames, casesDir, planCase } from "./cases.js";

for (const name of caseNames()) {
  writeFileSync(join(casesDir, name, "plan.json"), `${JSON.stringify(planCase(name), null, 2)}\n`);
  console.log(`rewrote ${name}/plan.json`);
}
