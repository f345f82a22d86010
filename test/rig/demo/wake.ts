// Waiting on a child's output in the demo: checks run again each time the output grows or the child exits.

/** Wake-up calls to run when something new arrived. */
export type Waiters = Set<() => void>;

/**
 * Resolves with what `find` returns once it returns something; rejects when `ended` says the source is gone
 * (its text is the reason) or after `timeoutMs`, saying what was awaited.
 */
export function waitFor<T>(
  waiters: Waiters,
  find: () => T | undefined,
  ended: () => string | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    const finish = (result: T | Error) => {
      clearTimeout(timer);
      waiters.delete(check);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const check = () => {
      const found = find();
      const gone = found === undefined ? ended() : undefined;
      if (found !== undefined) finish(found);
      else if (gone !== undefined) finish(new Error(`${gone} before ${what}`));
    };
    waiters.add(check);
    check();
  });
}
