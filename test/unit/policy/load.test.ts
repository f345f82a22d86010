import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadPolicy, type LoadResult } from "../../../src/policy/load.js";
import { EMBEDDED_DEFAULT_NAME } from "../../../src/policy/default-policy.js";
import { itNeeding, rootPrerequisites } from "../../rig/needs.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "policy-root-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, text: string): Promise<string> {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, text, { mode: 0o644 });
  return full;
}

/** A file whose only rule is named `name`, plus optional top-level settings. */
const named = (name: string, settings = "") =>
  `version: 1\nrules:\n  - name: ${name}\n    match: { interface: ${name} }\n    routing: true\n${settings}`;

function loaded(result: LoadResult) {
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join("\n"));
  return { ...result, names: result.policy.rules.map((r) => r.name) };
}

describe("main policy choice", () => {
  it("falls back to the embedded default when no file exists", async () => {
    const { names, sources } = loaded(await loadPolicy({ root }));
    expect(sources).toEqual([EMBEDDED_DEFAULT_NAME]);
    expect(names).toEqual(["metered", "cellular", "wired-and-wifi", "tunnels-and-local"]);
  });

  it("prefers /etc over /usr/lib, and .yaml over .yml over .json", async () => {
    await put("usr/lib/mptcp-policy/policy.yaml", named("vendor"));
    expect(loaded(await loadPolicy({ root })).names).toEqual(["vendor"]);
    await put("etc/mptcp-policy/policy.json", JSON.stringify({ version: 1, rules: [{ name: "json", match: { type: "wifi" }, routing: true }] }));
    expect(loaded(await loadPolicy({ root })).names).toEqual(["json"]);
    await put("etc/mptcp-policy/policy.yml", named("yml"));
    expect(loaded(await loadPolicy({ root })).names).toEqual(["yml"]);
    await put("etc/mptcp-policy/policy.yaml", named("yaml"));
    const { names, sources } = loaded(await loadPolicy({ root }));
    expect(names).toEqual(["yaml"]);
    expect(sources).toEqual([join(root, "etc/mptcp-policy/policy.yaml")]);
  });

  it("a /dev/null symlink in /etc masks the vendor policy: the embedded default applies", async () => {
    await put("usr/lib/mptcp-policy/policy.yaml", named("vendor"));
    await mkdir(join(root, "etc/mptcp-policy"), { recursive: true });
    await symlink("/dev/null", join(root, "etc/mptcp-policy/policy.yaml"));
    expect(loaded(await loadPolicy({ root })).sources).toEqual([EMBEDDED_DEFAULT_NAME]);
  });

  it("--policy uses exactly that file and no drop-ins", async () => {
    await put("etc/mptcp-policy/policy.d/10-extra.yaml", named("dropin"));
    const file = await put("elsewhere/mine.yaml", named("mine"));
    const { names, sources } = loaded(await loadPolicy({ policyFile: file, root }));
    expect(names).toEqual(["mine"]);
    expect(sources).toEqual([file]);
  });
});

describe("drop-ins", () => {
  it("apply in name order, their rules before the main file's", async () => {
    await put("etc/mptcp-policy/policy.yaml", named("main"));
    await put("etc/mptcp-policy/policy.d/20-b.yaml", named("b"));
    await put("usr/lib/mptcp-policy/policy.d/10-a.yml", named("a"));
    await put("run/mptcp-policy/policy.d/30-c.json", JSON.stringify({ version: 1, rules: [{ name: "c", match: { type: "wifi" }, routing: true }] }));
    await put("etc/mptcp-policy/policy.d/README", "not a policy");
    const { names, sources } = loaded(await loadPolicy({ root }));
    expect(names).toEqual(["a", "b", "c", "main"]);
    expect(sources).toEqual([
      join(root, "etc/mptcp-policy/policy.yaml"),
      join(root, "usr/lib/mptcp-policy/policy.d/10-a.yml"),
      join(root, "etc/mptcp-policy/policy.d/20-b.yaml"),
      join(root, "run/mptcp-policy/policy.d/30-c.json"),
    ]);
  });

  it("sort by bytes, not by locale or number", async () => {
    await put("etc/mptcp-policy/policy.d/9-x.yaml", named("nine"));
    await put("etc/mptcp-policy/policy.d/10-x.yaml", named("ten"));
    await put("etc/mptcp-policy/policy.d/B.yaml", named("upper"));
    await put("etc/mptcp-policy/policy.d/a.yaml", named("lower"));
    expect(loaded(await loadPolicy({ root })).names.slice(0, 4)).toEqual(["ten", "nine", "upper", "lower"]);
  });

  it("a same-named file in /etc masks /run and /usr/lib; /run masks /usr/lib", async () => {
    await put("usr/lib/mptcp-policy/policy.d/50-x.yaml", named("usrlib"));
    await put("run/mptcp-policy/policy.d/50-x.yaml", named("run"));
    expect(loaded(await loadPolicy({ root })).names[0]).toBe("run");
    await put("etc/mptcp-policy/policy.d/50-x.yaml", named("etc"));
    expect(loaded(await loadPolicy({ root })).names[0]).toBe("etc");
  });

  it("an empty file or a /dev/null symlink masks a drop-in and adds nothing", async () => {
    await put("usr/lib/mptcp-policy/policy.d/10-empty.yaml", named("masked-by-empty"));
    await put("usr/lib/mptcp-policy/policy.d/20-null.yaml", named("masked-by-null"));
    await put("usr/lib/mptcp-policy/policy.d/30-kept.yaml", named("kept"));
    await put("etc/mptcp-policy/policy.d/10-empty.yaml", "");
    await symlink("/dev/null", join(root, "etc/mptcp-policy/policy.d/20-null.yaml"));
    const { names, sources } = loaded(await loadPolicy({ root }));
    expect(names[0]).toBe("kept");
    expect(names).not.toContain("masked-by-empty");
    expect(names).not.toContain("masked-by-null");
    expect(sources).toEqual([EMBEDDED_DEFAULT_NAME, join(root, "usr/lib/mptcp-policy/policy.d/30-kept.yaml")]);
  });

  it("override the main file's settings, later drop-ins winning, key by key", async () => {
    await put("etc/mptcp-policy/policy.yaml", "version: 1\nlimits: { subflows: 2, add-addr-accepted: 1 }\nrp-filter: keep\n");
    await put("etc/mptcp-policy/policy.d/10-a.yaml", "version: 1\nlimits: { subflows: 4 }\nrouting: { protocol: 90 }\n");
    await put("etc/mptcp-policy/policy.d/20-b.yaml", "version: 1\nlimits: { subflows: 6 }\nendpoint-ids: [50, 60]\n");
    const { policy } = loaded(await loadPolicy({ root }));
    expect(policy.limits).toEqual({ subflows: 6, addAddrAccepted: 1 });
    expect(policy.marks).toEqual({ endpointIds: [50, 60], tables: [1000, 1999], protocol: 90, priority: 5000 });
    expect(policy.rpFilter).toBe("keep");
  });

  it("need a version and report problems of every file together", async () => {
    await put("etc/mptcp-policy/policy.yaml", "version: 1\nlimits: { subflows: 20 }\n");
    await put("etc/mptcp-policy/policy.d/10-a.yaml", "limits: { subflows: 4 }\n");
    const result = await loadPolicy({ root });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics).toEqual([
      { file: join(root, "etc/mptcp-policy/policy.yaml"), line: 2, col: 21, message: "limits.subflows: must be from 0 to 8, got 20" },
      { file: join(root, "etc/mptcp-policy/policy.d/10-a.yaml"), line: 1, col: 1, message: 'missing required key "version"' },
    ]);
  });
});

describe("permissions", () => {
  it("refuses a group- or world-writable policy file and says how to fix it", async () => {
    const file = await put("etc/mptcp-policy/policy.yaml", named("main"));
    await chmod(file, 0o666);
    const result = await loadPolicy({ root });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]!.file).toBe(file);
    expect(result.diagnostics[0]!.message).toContain("writable by group or others (mode 0666)");
    expect(result.diagnostics[0]!.message).toContain(`chmod go-w ${file}`);
  });

  it("refuses a drop-in directory others can write to, even for a masking file", async () => {
    await put("etc/mptcp-policy/policy.d/10-x.yaml", "");
    const dir = join(root, "etc/mptcp-policy/policy.d");
    await chmod(dir, 0o777);
    const result = await loadPolicy({ root });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics.map((d) => d.file)).toEqual([dir]);
  });

  itNeeding(rootPrerequisites(), "refuses a file owned by another user (chown)", async () => {
    const file = await put("etc/mptcp-policy/policy.d/10-x.yaml", named("x"));
    await chown(file, 65534, 65534);
    const result = await loadPolicy({ root });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics[0]!.message).toContain("owned by uid 65534");
  });

  it("accepts an explicit file in a sticky world-writable directory like /tmp, but not a writable file", async () => {
    const dir = join(root, "sticky");
    await mkdir(dir);
    await chmod(dir, 0o1777);
    const file = join(dir, "p.yaml");
    await writeFile(file, named("p"), { mode: 0o644 });
    expect(loaded(await loadPolicy({ policyFile: file })).names).toEqual(["p"]);
    await chmod(file, 0o620);
    const result = await loadPolicy({ policyFile: file });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics[0]!.message).toContain("mode 0620");
  });
});
