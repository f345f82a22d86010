// describe() for suites that need the namespace rig. Never a silent pass: with something missing the
// suite fails under CI (the list is the error) and is skipped loudly elsewhere.
import { describe, it } from "vitest";
import { rigPrerequisites } from "./prereqs.js";

export function describeRig(title: string, fn: () => void, needs: { commands?: string[] } = {}): void {
  const missing = rigPrerequisites(needs.commands);
  if (missing.length === 0) {
    describe(title, fn);
  } else if (process.env.CI) {
    describe(title, () => {
      it("has what the namespace rig needs", () => {
        throw new Error(`namespace rig cannot run, missing: ${missing.join("; ")}`);
      });
    });
  } else {
    console.warn(`SKIP "${title}": namespace rig cannot run, missing: ${missing.join("; ")}`);
    describe.skip(title, fn);
  }
}
