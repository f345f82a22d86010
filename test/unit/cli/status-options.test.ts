import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The real CLI from source (tsx): option errors stop it before it reads anything.
const repo = join(import.meta.dirname, "../../..");
function status(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(repo, "src/cli/main.ts"), "status", ...args], { cwd: repo, encoding: "utf8" });
  return { code: run.status, stderr: run.stderr.split("\n")[0] };
}

describe("status options", () => {
  it.each([
    { args: ["--watch", "--json"], error: "error: option '--watch' cannot be used with option '--json'" },
    { args: ["--interval", "0"], error: "error: option '--interval <seconds>' argument '0' is invalid. a number of seconds above 0" },
    { args: ["--interval", "soon"], error: "error: option '--interval <seconds>' argument 'soon' is invalid. a number of seconds above 0" },
  ])("$args: usage error", ({ args, error }) => {
    expect(status(...args)).toEqual({ code: 2, stderr: error });
  });
});
