// One policy text → a fragment or every problem in it, each placed at file:line:col.
import type { Policy } from "../model/types.js";
import { checkSemantics } from "./check-semantics.js";
import { checkStructure } from "./check-structure.js";
import type { Diagnostic, DocPath, Problem } from "./diagnostic.js";
import { assemblePolicy, toFragment, type PolicyFragment } from "./normalise.js";
import type { RawPolicyFile } from "./schema.js";
import { parseSource } from "./yaml-source.js";

export type FragmentResult = { ok: true; fragment: PolicyFragment } | { ok: false; diagnostics: Diagnostic[] };

export function parsePolicyFragment(text: string, file: string): FragmentResult {
  const parsed = parseSource(text, file);
  if (!parsed.ok) return parsed;
  const { value, position } = parsed.source;
  const problems = [...checkStructure(value), ...checkSemantics(value)];
  if (problems.length > 0) {
    const diagnostics = problems
      .map((p) => ({ file, ...position(p.path, p.at), message: withContext(p, value) }))
      .sort((a, b) => a.line - b.line || a.col - b.col);
    return { ok: false, diagnostics };
  }
  return { ok: true, fragment: fragmentOf(value as RawPolicyFile, file, position) };
}

/**
 * The embedded default, without the checks: it is compiled into the program and the shipped-policy test
 * checks it, so a machine without policy files does not compile the validator at every start.
 */
export function parseTrustedFragment(text: string, file: string): PolicyFragment {
  const parsed = parseSource(text, file);
  if (!parsed.ok) throw new Error(`${file} does not parse: ${parsed.diagnostics[0]?.message ?? "?"}`);
  return fragmentOf(parsed.source.value as RawPolicyFile, file, parsed.source.position);
}

function fragmentOf(raw: RawPolicyFile, file: string, position: (path: DocPath) => { line: number }): PolicyFragment {
  return toFragment(raw, file, (raw.rules ?? []).map((_, i) => position(["rules", i]).line));
}

/** A single file as a whole policy (defaults filled in), as `--policy FILE` and `validate FILE` read it. */
export function parsePolicyText(text: string, file: string): { ok: true; policy: Policy } | { ok: false; diagnostics: Diagnostic[] } {
  const result = parsePolicyFragment(text, file);
  return result.ok ? { ok: true, policy: assemblePolicy(result.fragment) } : result;
}

/** Prefix a message with where it is in the document's terms: `rule "cellular": endpoint.flags: ...`. */
function withContext(problem: Problem, doc: unknown): string {
  let path: DocPath = problem.path;
  let rule = "";
  if (path[0] === "rules" && typeof path[1] === "number") {
    const name = (doc as { rules: { name?: unknown }[] }).rules[path[1]]?.name;
    rule = typeof name === "string" && name !== "" ? `rule "${name}"` : `rule ${path[1] + 1}`;
    path = path.slice(2);
  }
  // The key an unknown-key message is about is already in the message.
  const keys = (problem.at === "key" ? path.slice(0, -1) : path).filter((s) => typeof s === "string");
  const where = [rule, keys.join(".")].filter((s) => s !== "").join(": ");
  return where ? `${where}: ${problem.message}` : problem.message;
}
