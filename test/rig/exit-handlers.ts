// Synchronous teardowns run when the process exits or is interrupted (SIGINT, SIGTERM, SIGHUP), so that
// rigs and containers are gone even when a test run is stopped half-way.
const teardowns = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const teardown of [...teardowns]) teardown();
  teardowns.clear();
}

/** Registers a teardown; the returned function unregisters it (after a normal stop). */
export function onExitOrSignal(teardown: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on("exit", runAll);
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      const onSignal = () => {
        runAll();
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig); // die of the signal as if we had not been here
      };
      process.on(sig, onSignal);
    }
  }
  teardowns.add(teardown);
  return () => teardowns.delete(teardown);
}
