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
