// One reconcile at a time, and never a reconcile per signal. A request while idle starts a run on the next
// microtask, so the lines of one `ip monitor` read and the signals of one D-Bus message batch fold into it;
// requests while a run is going collapse into exactly one more run afterwards, which sees everything they
// announced (the kernel cache follows the events, NetworkManager's snapshot the signals). No timers: the fast
// path (an address appears) costs no delay.

export interface Loop {
  /** Asks for a run; `reason` is passed on to it (for the logs). */
  request(reason: string): void;
  /**
   * As request, but when nothing runs the run starts before this returns and goes as far as it can without
   * waiting: for news that must reach the kernel before whatever else the caller's turn of the event loop
   * holds (dbus-next parses every buffered D-Bus message in one callback, signals after the one that matters).
   */
  requestNow(reason: string): void;
  /** A request came in since the current run started: what it saw may already be outdated. */
  pending(): boolean;
  /** Resolves when a request comes in (at once when one is pending): a run can stop waiting for what it no longer needs. */
  requested(): Promise<void>;
  /** Resolves once nothing runs and nothing is pending. */
  idle(): Promise<void>;
  /** Takes no more requests, drops the pending one, and resolves when the current run (if any) ends. */
  stop(): Promise<void>;
}

export function serialLoop(
  /** `requestedAt`: performance.now() of the run's first request, so the run can log how long it waited. */
  run: (reasons: string[], requestedAt: number) => Promise<void>,
  onError: (error: unknown) => void,
): Loop {
  let pending: Set<string> | undefined;
  let pendingSince = 0;
  let running: Promise<void> | undefined;
  /** A drain has begun (set before it runs, so a request from inside a run started at once cannot start another). */
  let draining = false;
  let stopped = false;
  const wake: (() => void)[] = [];

  const drain = async () => {
    while (pending !== undefined && !stopped) {
      const reasons = [...pending];
      pending = undefined;
      try {
        await run(reasons, pendingSince);
      } catch (error) {
        onError(error);
      }
    }
    draining = false;
    running = undefined;
  };

  /** Records the request; true when no drain is on, so the caller starts one. */
  const enqueue = (reason: string): boolean => {
    if (stopped) return false;
    if (pending === undefined) pendingSince = performance.now();
    (pending ??= new Set()).add(reason);
    for (const resolve of wake.splice(0)) resolve();
    if (draining) return false;
    draining = true;
    return true;
  };

  return {
    request(reason) {
      if (enqueue(reason)) running = Promise.resolve().then(drain);
    },
    requestNow(reason) {
      if (enqueue(reason)) running = drain();
    },
    pending: () => pending !== undefined,
    requested: () => (pending !== undefined ? Promise.resolve() : new Promise<void>((resolve) => wake.push(resolve))),
    async idle() {
      while (running !== undefined) await running;
    },
    async stop() {
      stopped = true;
      pending = undefined;
      await running;
    },
  };
}
