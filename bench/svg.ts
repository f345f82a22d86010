// A strip chart of link-up reaction times per system (address event → endpoint), on a log axis because
// the systems differ by orders of magnitude. Plain SVG text: no dependency.
import type { Results } from "./results.js";
import { SYSTEMS } from "./systems.js";

const W = 720;
const ROW = 60;
const LEFT = 130;
const MIN_MS = 0.001;
const MAX_MS = 10_000;

const x = (ms: number) => {
  const span = Math.log10(MAX_MS) - Math.log10(MIN_MS);
  const at = (Math.log10(Math.min(Math.max(ms, MIN_MS), MAX_MS)) - Math.log10(MIN_MS)) / span;
  return LEFT + at * (W - LEFT - 20);
};

export function latencySvg(r: Results): string | undefined {
  const rows = SYSTEMS.filter((s) => r.reaction?.[s]).map((s) => ({ s, samples: r.reaction![s]!.samples }));
  if (rows.length === 0) return undefined;
  const h = 40 + rows.length * ROW * 1.5 + 30;
  const parts: string[] = [];
  const ticks = [0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000];
  for (const t of ticks) {
    parts.push(`<line x1="${x(t)}" y1="20" x2="${x(t)}" y2="${h - 30}" stroke="#ddd"/>`,
      `<text x="${x(t)}" y="${h - 12}" text-anchor="middle">${t} ms</text>`);
  }
  rows.forEach(({ s, samples }, i) => {
    const y = 40 + i * ROW * 1.5;
    parts.push(`<text x="5" y="${y + 4}">${s} add</text>`, `<text x="5" y="${y + ROW / 2 + 4}">${s} del</text>`);
    for (const v of samples.add_endpoint_ms) parts.push(`<circle cx="${x(v).toFixed(1)}" cy="${y}" r="3" fill="#1f77b4" fill-opacity="0.5"/>`);
    for (const v of samples.del_endpoint_ms) parts.push(`<circle cx="${x(v).toFixed(1)}" cy="${y + ROW / 2}" r="3" fill="#d62728" fill-opacity="0.5"/>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" font-family="sans-serif" font-size="11">`,
    `<text x="${LEFT}" y="12">address event → endpoint present (add) / gone (del), one dot per event, log scale</text>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
