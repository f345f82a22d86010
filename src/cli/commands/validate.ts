import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { EXIT } from "../exit-codes.js";
import { loadPolicy, parsePolicyText, type Diagnostic } from "../../policy/load.js";
import { printDiagnostics } from "../session.js";
import { renderPolicyYaml } from "../../policy/render.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description(
      "Check policy files and print every problem as FILE:LINE:COL; without files, check and print the effective policy",
    )
    .argument("[files...]", "policy files to check, each on its own (no drop-ins)")
    .option("--root <dir>", "prefix for /etc, /run and /usr/lib when looking for the effective policy", "/")
    .action(async (files: string[], opts: { root: string }) => {
      process.exitCode = files.length > 0 ? await validateFiles(files) : await showEffective(opts.root);
    });
}

async function validateFiles(files: string[]): Promise<number> {
  let invalid = false;
  for (const file of files) {
    const diagnostics = await checkFile(file);
    if (diagnostics.length === 0) {
      process.stdout.write(`${file}: ok\n`);
    } else {
      invalid = true;
      printDiagnostics(diagnostics);
    }
  }
  return invalid ? EXIT.failed : EXIT.ok;
}

async function checkFile(file: string): Promise<Diagnostic[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    return [{ file, line: 0, col: 0, message: `cannot read: ${(err as Error).message}` }];
  }
  const result = parsePolicyText(text, file);
  return result.ok ? [] : result.diagnostics;
}

async function showEffective(root: string): Promise<number> {
  const result = await loadPolicy({ root });
  if (!result.ok) {
    printDiagnostics(result.diagnostics);
    return EXIT.failed;
  }
  process.stdout.write(`# Effective policy, from: ${result.sources.join(", ")}\n${renderPolicyYaml(result.policy)}`);
  return EXIT.ok;
}

