/** One problem in a policy file, located in its text. */
export interface Diagnostic {
  file: string;
  /** 1-based; 0 when the problem concerns the whole file (unreadable, unsafe permissions). */
  line: number;
  /** 1-based; 0 together with line 0. */
  col: number;
  message: string;
}

/** `FILE:LINE:COL: message`, the form compilers use so editors can jump to it. */
export function formatDiagnostic(d: Diagnostic): string {
  return d.line > 0 ? `${d.file}:${d.line}:${d.col}: ${d.message}` : `${d.file}: ${d.message}`;
}

/** Key path into the parsed document: map keys and list indexes. */
export type DocPath = readonly (string | number)[];

/** A problem found on the plain document, before it is placed in the text. */
export interface Problem {
  path: DocPath;
  message: string;
  /** Point at the key of the last path segment rather than its value (unknown keys). */
  at?: "key";
}
