// The effective policy: an explicit file, or the main file and drop-ins found by precedence.
// The daemon calls this again on SIGHUP and keeps its old policy when the result is not ok.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Policy } from "../model/types.js";
import { DEFAULT_POLICY_YAML, EMBEDDED_DEFAULT_NAME } from "./default-policy.js";
import type { Diagnostic } from "./diagnostic.js";
import { findPolicyFiles } from "./files.js";
import { assemblePolicy } from "./normalise.js";
import { parsePolicyFragment, parseTrustedFragment, type FragmentResult } from "./parse.js";
import { checkChain, checkExplicitFile } from "./permissions.js";

export { formatDiagnostic, type Diagnostic } from "./diagnostic.js";
export { parsePolicyText } from "./parse.js";

export interface LoadOptions {
  /** Use exactly this file: no search, no drop-ins. */
  policyFile?: string;
  /** Prefix for /etc, /run and /usr/lib (tests, images). Default "/". */
  root?: string;
}

export type LoadResult = { ok: true; policy: Policy; sources: string[] } | { ok: false; diagnostics: Diagnostic[] };

export async function loadPolicy(opts: LoadOptions): Promise<LoadResult> {
  if (opts.policyFile !== undefined) {
    const file = resolve(opts.policyFile);
    const unsafe = await checkExplicitFile(file);
    if (unsafe.length > 0) return { ok: false, diagnostics: unsafe };
    const main = await readFragment(file);
    return main.ok ? { ok: true, policy: assemblePolicy(main.fragment), sources: [file] } : main;
  }
  const root = resolve(opts.root ?? "/");
  let files;
  try {
    files = await findPolicyFiles(root);
  } catch (err) {
    return { ok: false, diagnostics: [{ file: root, line: 0, col: 0, message: `cannot list policy files: ${(err as Error).message}` }] };
  }
  const checked = new Set<string>();
  const unsafe: Diagnostic[] = [];
  for (const file of files.found) unsafe.push(...(await checkChain(root, file, checked)));
  if (unsafe.length > 0) return { ok: false, diagnostics: unsafe };

  const main: FragmentResult =
    files.main.kind === "file"
      ? await readFragment(files.main.path)
      : { ok: true, fragment: parseTrustedFragment(DEFAULT_POLICY_YAML, EMBEDDED_DEFAULT_NAME) };
  const dropIns = await Promise.all(files.dropIns.map(readFragment));
  if (!main.ok || dropIns.some((r) => !r.ok)) {
    return { ok: false, diagnostics: [main, ...dropIns].flatMap((r) => (r.ok ? [] : r.diagnostics)) };
  }
  const fragments = dropIns.flatMap((r) => (r.ok ? [r.fragment] : []));
  return {
    ok: true,
    policy: assemblePolicy(main.fragment, fragments),
    sources: [main.fragment.file, ...fragments.map((f) => f.file)],
  };
}

async function readFragment(file: string): Promise<FragmentResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    return { ok: false, diagnostics: [{ file, line: 0, col: 0, message: `cannot read: ${(err as Error).message}` }] };
  }
  return parsePolicyFragment(text, file);
}
