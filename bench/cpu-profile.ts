// Where a V8 CPU profile (`node --cpu-prof`) spent its time, in the terms issue 11 asks about: Node's own
// start, compiling our modules, each dependency and our own code (located in the bundle by the
// `// node_modules/...` and `// src/...` lines esbuild writes above each module), spawning processes, the
// garbage collector, and waiting.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled time in ms. */
  sampledMs: number;
  /** ms per category, largest first. */
  categories: [string, number][];
  /** ms per function (self time), largest first. */
  functions: [string, number][];
}

const MODULE_LINE = /^\/\/ ((?:node_modules\/(?:@[^/]+\/)?[^/]+)|src\/\S+)/;

/** Per bundle file: the first line of each module, sorted, as esbuild marks them. */
function moduleMap(file: string): { line: number; module: string }[] {
  const starts: { line: number; module: string }[] = [];
  readFileSync(file, "utf8").split("\n").forEach((text, line) => {
    const m = MODULE_LINE.exec(text);
    if (m) starts.push({ line, module: m[1]!.startsWith("src/") ? "our code (src/)" : m[1]! });
  });
  return starts;
}

/** The category of a sample's innermost frame. */
function categorise(frame: CallFrame, maps: Map<string, { line: number; module: string }[]>): string {
  const { url, functionName } = frame;
  if (url === "") {
    if (functionName === "(garbage collector)") return "garbage collector";
    if (functionName === "(idle)") return "idle (waiting for I/O)";
    if (functionName === "(program)") return "native, not attributed (V8, libuv, Node's C++)";
    return `native: ${functionName}`;
  }
  if (url.startsWith("node:internal/modules/") || url.startsWith("node:internal/bootstrap/realm")) return "module loading and compiling";
  if (url.startsWith("node:child_process") || url.startsWith("node:internal/child_process")) return "spawning processes";
  if (url.startsWith("node:")) return `Node's ${url.slice(5).replace(/^internal\//, "").split("/")[0]}`;
  if (url.startsWith("file://")) {
    const path = fileURLToPath(url);
    let map = maps.get(path);
    if (map === undefined) maps.set(path, (map = moduleMap(path)));
    const start = map.findLast((s) => s.line <= frame.lineNumber);
    // Above the first module: esbuild's runtime, whose __commonJS wrapper runs each CommonJS module's body.
    return start?.module ?? "bundle runtime (CommonJS wrappers)";
  }
  return url;
}

export function summariseProfiles(files: readonly string[]): ProfileSummary {
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  const maps = new Map<string, { line: number; module: string }[]>();
  let sampled = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)!;
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const category = categorise(frame, maps);
      categories.set(category, (categories.get(category) ?? 0) + ms);
      const name = `${frame.functionName || "(anonymous)"} (${category}${frame.url ? `, ${basename(frame.url)}:${frame.lineNumber + 1}` : ""})`;
      functions.set(name, (functions.get(name) ?? 0) + ms);
      sampled += ms;
    });
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { sampledMs: sampled, categories: sorted(categories), functions: sorted(functions) };
}
