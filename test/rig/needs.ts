// describe()/it() for tests that need something from the machine. Never a silent pass: with something
// missing the suite fails under CI (the list is the error) and is skipped loudly elsewhere, naming it.
import { describe, it } from "vitest";
import { onPath } from "./prereqs.js";

/** What a test that makes its own network namespace needs. */
export function netnsPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push("root (network namespaces)");
  if (!onPath("ip")) missing.push("ip on PATH");
  return missing;
}

export function rootPrerequisites(): string[] {
  return process.getuid?.() === 0 ? [] : ["root"];
}

function explain(title: string, missing: string[]): string {
  return `"${title}" cannot run, missing: ${missing.join("; ")}`;
}

export function describeNeeding(missing: string[], title: string, fn: () => void): void {
  if (missing.length === 0) describe(title, fn);
  else if (process.env.CI) describe(title, () => it("has what it needs", () => { throw new Error(explain(title, missing)); }));
  else {
    console.warn(`SKIP ${explain(title, missing)}`);
    describe.skip(title, fn);
  }
}

export function itNeeding(missing: string[], title: string, fn: () => Promise<void> | void): void {
  if (missing.length === 0) it(title, fn);
  else if (process.env.CI) it(title, () => { throw new Error(explain(title, missing)); });
  else {
    console.warn(`SKIP ${explain(title, missing)}`);
    it.skip(title, fn);
  }
}
