// `ip -json` documents as plain records; a malformed one is a typed error naming what was being read.

export class KernelParseError extends Error {
  readonly kind = "kernel-parse";
}

export type JsonRecord = Record<string, unknown>;

/** One `ip -json ... show` answer: an array of objects. Empty text (nothing printed) is an empty list. */
export function parseJsonList(text: string, what: string): JsonRecord[] {
  if (text.trim() === "") return [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new KernelParseError(`${what}: not JSON (${(e as Error).message}): ${text.slice(0, 120)}`);
  }
  if (!Array.isArray(doc) || !doc.every(isRecord)) {
    throw new KernelParseError(`${what}: expected a JSON array of objects: ${text.slice(0, 120)}`);
  }
  return doc;
}

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(r: JsonRecord, key: string, what: string): string {
  const v = r[key];
  if (typeof v !== "string") throw new KernelParseError(`${what}: "${key}" is not a string in ${JSON.stringify(r)}`);
  return v;
}

export function int(r: JsonRecord, key: string, what: string): number {
  const v = r[key];
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new KernelParseError(`${what}: "${key}" is not an integer in ${JSON.stringify(r)}`);
  }
  return v;
}

export function optStr(r: JsonRecord, key: string): string | undefined {
  const v = r[key];
  return typeof v === "string" ? v : undefined;
}
