import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli as run } from "../cli/run-cli.js";

// The real command line, in-process (paths relative to the repository, where vitest runs).
const cli = (...args: string[]) => run("validate", ...args);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "validate-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("mptcp-policy validate FILE...", () => {
  it("prints FILE: ok and exits 0 when every file is valid", async () => {
    const result = await cli("policies/laptop.yaml", "policies/server.yaml");
    expect(result).toEqual({ code: 0, stdout: "policies/laptop.yaml: ok\npolicies/server.yaml: ok\n", stderr: "" });
  });

  it("prints every problem as FILE:LINE:COL: message and exits 1 when any file is invalid", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, "version: 1\nrules:\n  - match: { type: lte }\n    endpiont: { flags: [subflow] }\nlimits: { subflows: 12 }\n");
    const result = await cli("policies/laptop.yaml", bad);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("policies/laptop.yaml: ok\n");
    expect(result.stderr.trimEnd().split("\n")).toEqual([
      `${bad}:4:5: rule 1: unknown key "endpiont"; did you mean "endpoint"?`,
      `${bad}:5:21: limits.subflows: must be from 0 to 8, got 12`,
    ]);
  });

  it("locates YAML syntax errors and names unreadable files", async () => {
    const broken = join(dir, "broken.yaml");
    await writeFile(broken, "version: 1\nrules: [\n  {match: }\n");
    const missing = join(dir, "missing.yaml");
    const result = await cli(broken, missing);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${broken}:\\d+:\\d+: YAML syntax: `, "m"));
    expect(result.stderr).toContain(`${missing}: cannot read: ENOENT`);
  });
});

describe("mptcp-policy validate (effective policy)", () => {
  it("prints the effective policy with each rule's source", async () => {
    const root = join(dir, "root");
    await mkdir(join(root, "etc/mptcp-policy/policy.d"), { recursive: true });
    await writeFile(join(root, "etc/mptcp-policy/policy.d/10-lan.yaml"), "version: 1\nrules:\n  - name: lan\n    match: { interface: lan0 }\n    ignore: true\n");
    const result = await cli("--root", root);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`# Effective policy, from: <embedded default>, ${root}/etc/mptcp-policy/policy.d/10-lan.yaml\n`);
    expect(result.stdout).toContain(`  # from ${root}/etc/mptcp-policy/policy.d/10-lan.yaml:3\n  - name: lan\n`);
    expect(result.stdout).toContain("  # from <embedded default>:8\n  - name: metered\n");
  });

  it("exits 1 with diagnostics when the effective policy is invalid", async () => {
    const root = join(dir, "badroot");
    await mkdir(join(root, "etc/mptcp-policy"), { recursive: true });
    await writeFile(join(root, "etc/mptcp-policy/policy.yaml"), "version: 1\nrp-filter: strict\n");
    const result = await cli("--root", root);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `${root}/etc/mptcp-policy/policy.yaml:2:12: rp-filter: unknown rp-filter mode "strict"; expected one of: loose, keep\n`,
    );
  });
});
