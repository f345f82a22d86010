// The one YAML parser (it reads JSON too), kept with its node positions so any problem,
// structural or semantic, can be reported at the line and column of the key or value it concerns.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { Diagnostic, DocPath } from "./diagnostic.js";

export interface ParsedSource {
  /** The document as plain data. */
  value: unknown;
  /** Line and column (1-based) of the node at `path`, or of its key. */
  position(path: DocPath, at?: "key"): { line: number; col: number };
}

export type ParseSourceResult = { ok: true; source: ParsedSource } | { ok: false; diagnostics: Diagnostic[] };

export function parseSource(text: string, file: string): ParseSourceResult {
  const lines = new LineCounter();
  // uniqueKeys (the default) makes a repeated key an error rather than a silent override.
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((e) => {
        const at = e.linePos?.[0] ?? { line: 1, col: 1 };
        return { file, line: at.line, col: at.col, message: yamlMessage(e.message, e.code) };
      }),
    };
  }
  const position = (offset: number | undefined) => (offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset));
  return {
    ok: true,
    source: {
      value: doc.toJS({ maxAliasCount: 100 }),
      position: (path, at) => position(findNode(doc.contents, path, at)?.range?.[0]),
    },
  };
}

/** yaml's messages end with " at line L, column C:" and a code frame; the position is reported separately. */
function yamlMessage(message: string, code: string): string {
  const first = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  return code === "DUPLICATE_KEY" ? `duplicate key: ${first}` : `YAML syntax: ${first}`;
}

/** The deepest node along `path` (the nearest existing ancestor when the path runs out). */
function findNode(root: unknown, path: DocPath, at: "key" | undefined): Node | undefined {
  let node = root as Node | null;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return node;
      if (last && at === "key") return pair.key as Node;
      // An empty value (`match:`) has no node of its own worth pointing at; its key is the place.
      const value = pair.value as Node | null;
      if (!value || (isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1])) {
        return pair.key as Node;
      }
      node = value;
    } else if (isSeq(node) && typeof segment === "number" && node.items[segment]) {
      node = node.items[segment] as Node;
    } else {
      return node ?? undefined;
    }
  }
  return node ?? undefined;
}
