// The version, and the one command line that needs nothing else: `--version` is the floor of every run
// (the dispatcher's too), so main.ts answers it before commander and the command table are loaded.
export const VERSION = "0.1.0";

const VERSION_FLAGS = new Set(["-V", "--version"]);

/** Arguments (after node and the script) that ask for the version and nothing else. */
export function asksOnlyVersion(args: readonly string[]): boolean {
  return args.length > 0 && args.every((a) => VERSION_FLAGS.has(a));
}
