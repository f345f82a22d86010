// The command line as a function: main.ts calls it with process.argv; tests call it in-process.
import { Command, CommanderError } from "commander";
import { CliError, EXIT } from "./exit-codes.js";
import { commandsFor } from "./commands/index.js";
import { VERSION } from "./version.js";

/** Parses and runs one command line; the outcome is in process.exitCode, errors on standard error. */
export async function runCli(argv: readonly string[]): Promise<void> {
  const program = new Command("mptcp-policy")
    .description(
      "Keep Linux MPTCP endpoints, limits and per-interface routing right as NetworkManager links come and go.",
    )
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

  for (const load of commandsFor(argv.slice(2))) (await load())(program);

  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (err instanceof CliError) {
      process.stderr.write(`mptcp-policy: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`mptcp-policy: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT.failed;
    }
  }
}
