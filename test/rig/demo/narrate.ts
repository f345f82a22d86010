// How the demo talks to the reader: numbered steps that say what they show and why, and every command it
// runs printed as a `$ ...` line the reader can copy (while the demo runs), followed by its output.
import { exec, type ExecOptions } from "../exec.js";

const t0 = performance.now();
/** Time since the demo started, for the step headings and the last line. */
export const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s`;

export function step(n: number, title: string, why: string): void {
  process.stdout.write(`\n== ${n}. ${title}  [${elapsed()}]\n${wrap(why)}\n`);
}

export function say(text: string): void {
  process.stdout.write(`${wrap(text)}\n`);
}

/** Runs a command on this machine, prints it as the reader would type it and its output, indented. */
export async function shell(argv: string[], opts: ExecOptions = {}): Promise<void> {
  const result = await exec(argv, opts);
  showCommand(argv.map(quote).join(" "), result.stdout + result.stderr, result.exitCode);
}

/** Prints a command the reader can type and what it printed; a failed command stops the demo. */
export function showCommand(shown: string, output: string, exitCode: number | null): void {
  process.stdout.write(`\n$ ${shown}\n`);
  const text = output.trimEnd();
  if (text) process.stdout.write(`${indent(text)}\n`);
  if (exitCode !== 0) throw new Error(`${shown} exited with ${exitCode}`);
}

export function indent(text: string, by = "  "): string {
  return text.split("\n").map((l) => by + l).join("\n");
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join("\n");
}
