// sysexits-style codes, mapped only at the CLI edge.
export const EXIT = {
  ok: 0,
  /** A check or verification failed, or a policy file is invalid (`validate`). */
  failed: 1,
  /** Bad command line. */
  usage: 2,
  /** Could not talk to NetworkManager or the kernel. */
  unavailable: 69,
} as const;

/** A failure a subcommand reports with its message and exit code (main.ts prints it). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
