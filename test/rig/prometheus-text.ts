// A strict parser of the Prometheus text exposition format 0.0.4 (prometheus/docs,
// content/docs/instrumenting/exposition_formats.md), for tests: anything the format does not allow is an
// error naming the line, where Prometheus' own parser would often let it pass or drop it silently.

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

export class PrometheusTextError extends Error {}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set<MetricType>(["counter", "gauge", "histogram", "summary", "untyped"]);
/** Go's strconv.ParseFloat as the format cites it: decimal with optional exponent, Inf and NaN in any case. */
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?)$|^nan$/i;
const INT64 = /^-?\d{1,19}$/;

export function parsePrometheusText(text: string): MetricFamily[] {
  if (text !== "" && !text.endsWith("\n")) throw new PrometheusTextError("the last line does not end with a line feed");
  const families = new Map<string, MetricFamily>();
  /** Families whose group of lines has ended: a later line for them interrupts nothing, it is an error. */
  const closed = new Set<string>();
  const series = new Set<string>();
  const typed = new Set<string>();
  let current: string | undefined;
  const lines = text.split("\n").slice(0, -1);

  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: "untyped", samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const enter = (name: string, n: number) => {
    if (current === name) return;
    if (closed.has(name)) throw new PrometheusTextError(`line ${n}: ${name} continues after other metrics (its lines must be one group)`);
    if (current !== undefined) closed.add(current);
    current = name;
  };

  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.replace(/^[ \t]+|[ \t]+$/g, "");
    if (line === "") return;
    if (line.startsWith("#")) {
      const tokens = line.slice(1).replace(/^[ \t]+/, "").split(/[ \t]+/);
      const [keyword, name] = tokens;
      if (keyword !== "HELP" && keyword !== "TYPE") return; // a comment
      if (name === undefined || !fullMatch(METRIC_NAME, name)) throw new PrometheusTextError(`line ${n}: ${keyword} needs a metric name`);
      const f = family(name);
      if (f.samples.length > 0) throw new PrometheusTextError(`line ${n}: ${keyword} for ${name} after its samples`);
      enter(name, n);
      if (keyword === "HELP") {
        if (f.help !== undefined) throw new PrometheusTextError(`line ${n}: a second HELP for ${name}`);
        const rest = line.slice(line.indexOf(name, line.indexOf("HELP") + 4) + name.length).replace(/^[ \t]+/, "");
        f.help = unescape(rest, false, n);
      } else {
        if (tokens.length !== 3) throw new PrometheusTextError(`line ${n}: TYPE needs exactly a name and a type`);
        if (typed.has(name)) throw new PrometheusTextError(`line ${n}: a second TYPE for ${name}`);
        if (!TYPES.has(tokens[2] as MetricType)) throw new PrometheusTextError(`line ${n}: unknown type "${tokens[2]}"`);
        f.type = tokens[2] as MetricType;
        typed.add(name);
      }
      return;
    }
    const sample = parseSample(line, n);
    const name = familyOf(sample.name, families);
    const f = family(name);
    enter(name, n);
    checkTypedSample(f, sample, n);
    const key = `${sample.name}{${Object.entries(sample.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;
    if (series.has(key)) throw new PrometheusTextError(`line ${n}: ${key} appears twice`);
    series.add(key);
    f.samples.push(sample);
  });
  const out = [...families.values()];
  for (const f of out) checkFamily(f);
  return out;
}

function fullMatch(re: RegExp, s: string): boolean {
  const m = re.exec(s);
  return m !== null && m[0].length === s.length;
}

/** A sample's family: `x_bucket`/`x_sum`/`x_count` belong to a histogram or summary `x` declared before. */
function familyOf(sampleName: string, families: Map<string, MetricFamily>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = families.get(sampleName.slice(0, -suffix.length));
    if (base?.type === "histogram" || (base?.type === "summary" && suffix !== "_bucket")) return base.name;
  }
  return sampleName;
}

function parseSample(line: string, n: number): Sample {
  const nameMatch = METRIC_NAME.exec(line);
  if (nameMatch === null) throw new PrometheusTextError(`line ${n}: no metric name`);
  const name = nameMatch[0];
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  const blanks = () => (rest = rest.replace(/^[ \t]+/, ""));
  blanks();
  if (rest.startsWith("{")) {
    rest = rest.slice(1);
    for (;;) {
      blanks();
      if (rest.startsWith("}")) break;
      const label = LABEL_NAME.exec(rest)?.[0];
      if (label === undefined) throw new PrometheusTextError(`line ${n}: bad label name at ${JSON.stringify(rest.slice(0, 20))}`);
      if (label.startsWith("__")) throw new PrometheusTextError(`line ${n}: label names starting with __ are reserved`);
      if (label in labels) throw new PrometheusTextError(`line ${n}: label ${label} given twice`);
      rest = rest.slice(label.length);
      blanks();
      if (!rest.startsWith('="') && !/^=[ \t]*"/.test(rest)) throw new PrometheusTextError(`line ${n}: label ${label} needs ="value"`);
      rest = rest.replace(/^=[ \t]*"/, "");
      const end = closingQuote(rest);
      if (end < 0) throw new PrometheusTextError(`line ${n}: label ${label}'s value is not closed`);
      labels[label] = unescape(rest.slice(0, end), true, n);
      rest = rest.slice(end + 1);
      blanks();
      if (rest.startsWith(",")) rest = rest.slice(1);
      else if (!rest.startsWith("}")) throw new PrometheusTextError(`line ${n}: expected , or } after label ${label}`);
    }
    rest = rest.slice(1);
    blanks();
  } else if (rest === line.slice(name.length)) {
    throw new PrometheusTextError(`line ${n}: no blank between the name and the value`);
  }
  const tokens = rest.split(/[ \t]+/).filter(Boolean);
  if (tokens.length === 0 || tokens.length > 2) throw new PrometheusTextError(`line ${n}: expected a value and at most a timestamp after ${name}`);
  const [value, timestamp] = tokens as [string, string | undefined];
  if (!FLOAT.test(value)) throw new PrometheusTextError(`line ${n}: "${value}" is not a float`);
  if (timestamp !== undefined && !INT64.test(timestamp)) throw new PrometheusTextError(`line ${n}: timestamp "${timestamp}" is not an int64`);
  return { name, labels, value: parseFloatGo(value), ...(timestamp !== undefined && { timestamp: Number(timestamp) }) };
}

/** Index of the quote ending a label value, skipping escaped ones; -1 if there is none. */
function closingQuote(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

/** HELP text allows `\\` and `\n`; label values also `\"`. Any other escape is an error. */
function unescape(s: string, labelValue: boolean, n: number): string {
  return s.replace(/\\(.?)/g, (_, c: string) => {
    if (c === "\\") return "\\";
    if (c === "n") return "\n";
    if (c === '"' && labelValue) return '"';
    throw new PrometheusTextError(`line ${n}: invalid escape \\${c}`);
  });
}

function parseFloatGo(s: string): number {
  if (/nan/i.test(s)) return NaN;
  if (/inf/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  return Number(s);
}

function checkTypedSample(f: MetricFamily, s: Sample, n: number): void {
  if (f.type === "histogram" && s.name === `${f.name}_bucket` && s.labels.le === undefined) {
    throw new PrometheusTextError(`line ${n}: histogram bucket without le`);
  }
  if (f.type === "histogram" && s.name === f.name) throw new PrometheusTextError(`line ${n}: histogram ${f.name} has a bare sample`);
  if (f.type === "summary" && s.name === f.name && s.labels.quantile === undefined) {
    throw new PrometheusTextError(`line ${n}: summary quantile without quantile label`);
  }
}

/** Histogram buckets ascend and end in +Inf equal to _count; summary quantiles ascend. */
function checkFamily(f: MetricFamily): void {
  if (f.type !== "histogram" && f.type !== "summary") return;
  const bound = f.type === "histogram" ? "le" : "quantile";
  const ordered = f.type === "histogram" ? `${f.name}_bucket` : f.name;
  const groups = new Map<string, Sample[]>();
  const rest = (s: Sample) => JSON.stringify(Object.entries(s.labels).filter(([k]) => k !== bound).sort());
  for (const s of f.samples.filter((x) => x.name === ordered)) groups.set(rest(s), [...(groups.get(rest(s)) ?? []), s]);
  for (const [key, samples] of groups) {
    const bounds = samples.map((s) => parseFloatGo(s.labels[bound]!));
    if (bounds.some((b, i) => i > 0 && !(b > bounds[i - 1]!))) throw new PrometheusTextError(`${f.name}: ${bound} values not in increasing order`);
    if (f.type !== "histogram") continue;
    if (bounds.at(-1) !== Infinity) throw new PrometheusTextError(`${f.name}: histogram without a +Inf bucket`);
    const count = f.samples.find((s) => s.name === `${f.name}_count` && rest(s) === key);
    if (count?.value !== samples.at(-1)!.value) throw new PrometheusTextError(`${f.name}: the +Inf bucket differs from _count`);
  }
}
