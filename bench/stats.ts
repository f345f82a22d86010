// Summaries of latency samples: nearest-rank percentiles, the same rule probe.py uses for its summary.

export interface Distribution {
  n: number;
  p50_ms: number | null;
  p95_ms: number | null;
  max_ms: number | null;
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return round(sorted[rank - 1]!);
}

export function distribution(values: readonly number[]): Distribution {
  return {
    n: values.length,
    p50_ms: percentile(values, 50),
    p95_ms: percentile(values, 95),
    max_ms: values.length === 0 ? null : round(Math.max(...values)),
  };
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
