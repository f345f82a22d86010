// describe() for suites that need the namespace rig (or a booted container). Never a silent pass: with
// something missing the suite fails under CI (the list is the error) and is skipped loudly elsewhere.
import { describe, it } from "vitest";
import { rigPrerequisites } from "./prereqs.js";

/** `what` names the facility in the messages ("namespace rig", "booted container"). */
export function describeWhenReady(title: string, what: string, missing: string[], fn: () => void): void {
  if (missing.length === 0) {
    describe(title, fn);
  } else if (process.env.CI) {
    describe(title, () => {
      it(`has what the ${what} needs`, () => {
        throw new Error(`${what} cannot run, missing: ${missing.join("; ")}`);
      });
    });
  } else {
    console.warn(`SKIP "${title}": ${what} cannot run, missing: ${missing.join("; ")}`);
    describe.skip(title, fn);
  }
}

/** `needs.commands`: programs a suite needs beyond the rig's own (e.g. dnsmasq). */
export function describeRig(title: string, fn: () => void, needs: { commands?: string[] } = {}): void {
  describeWhenReady(title, "namespace rig", rigPrerequisites(needs.commands), fn);
}
