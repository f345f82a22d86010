// Findings → text: a checklist for people, a stable JSON document for scripts.
import type { Finding, Status } from "./finding.js";

export interface RenderOptions {
  color: boolean;
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
export function wantColor(isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  return isTty && !env["NO_COLOR"];
}

const SGR: Record<Status, string> = { ok: "32", warn: "33", fail: "31" };

function label(status: Status, color: boolean): string {
  const text = status.padEnd(4);
  return color ? `\x1b[${SGR[status]}m${text}\x1b[0m` : text;
}

export function renderHuman(findings: Finding[], { color }: RenderOptions): string {
  const width = Math.max(...findings.map((f) => f.id.length));
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${label(f.status, color)}  ${f.id.padEnd(width)}  ${f.summary}`);
    if (f.status !== "ok" && f.fix) {
      const pad = " ".repeat(4 + 2 + width + 2);
      f.fix.split("\n").forEach((line, i) => lines.push(`${pad}${i === 0 ? "fix: " : "     "}${line}`));
    }
  }
  const fails = findings.filter((f) => f.status === "fail").length;
  const warns = findings.filter((f) => f.status === "warn").length;
  lines.push("", `${findings.length} checks: ${findings.length - fails - warns} ok, ${warns} warn, ${fails} fail`);
  return lines.join("\n") + "\n";
}

export function renderJson(findings: Finding[]): string {
  const checks = findings.map(({ id, status, summary, fix }) => (fix === undefined ? { id, status, summary } : { id, status, summary, fix }));
  return JSON.stringify({ checks }, null, 2) + "\n";
}
