// `ip mptcp limits show`. iproute2 6.1 prints plain text even under -json (`add_addr_accepted 0 subflows 2 `);
// later versions print a JSON object (`{"add_addr_accepted":0,"subflows":2}`). Both are read.
import type { Limits } from "../model/types.js";
import { KernelParseError, isRecord } from "./json.js";

export function parseLimits(output: string): Limits {
  const text = output.trim();
  const values = text.startsWith("{") || text.startsWith("[") ? fromJson(text) : fromText(text);
  const subflows = values.get("subflows");
  const addAddrAccepted = values.get("add_addr_accepted");
  if (subflows === undefined || addAddrAccepted === undefined) {
    throw new KernelParseError(`mptcp limits show: cannot read ${JSON.stringify(output)}`);
  }
  return { subflows, addAddrAccepted };
}

function fromText(text: string): Map<string, number> {
  const values = new Map<string, number>();
  const words = text.split(/\s+/);
  for (let i = 0; i + 1 < words.length; i += 2) {
    if (/^\d+$/.test(words[i + 1]!)) values.set(words[i]!, Number(words[i + 1]));
  }
  return values;
}

function fromJson(text: string): Map<string, number> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new KernelParseError(`mptcp limits show: not JSON: ${text}`);
  }
  const obj = Array.isArray(doc) ? doc[0] : doc;
  const values = new Map<string, number>();
  if (!isRecord(obj)) return values;
  for (const [k, v] of Object.entries(obj)) if (typeof v === "number") values.set(k, v);
  return values;
}
