// Follows NetworkManager's configuration directories and main file: NetworkManager announces no reload of
// its configuration on D-Bus (measured with 1.42: `nmcli general reload conf` and `nmcli device reapply`
// emit no signal), so a changed connection.mptcp-flags default is noticed on the files themselves.
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { NmConfPaths } from "./conf.js";

export interface NmConfWatch {
  close(): void;
}

/**
 * Calls `onChange` with the file's path when a file NetworkManager would read changes: a `*.conf` in one of
 * its configuration directories, or the main file. Other files in those directories are not configuration,
 * and the main file's directory can be busy (a test rig keeps NetworkManager's log there: one re-read of the
 * configuration per log line took 120 ms of the daemon's 1.9 s of CPU while 32 links came up).
 */
export function watchNmConf(paths: NmConfPaths, onChange: (file: string) => void): NmConfWatch {
  const confDirs = new Set([paths.systemDir, paths.runDir, paths.configDir]);
  const mainDir = dirname(paths.mainFile);
  const isConfiguration = (dir: string, name: string) =>
    (confDirs.has(dir) && name.endsWith(".conf")) || (dir === mainDir && name === basename(paths.mainFile));
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([...confDirs, mainDir])) {
    try {
      const w = watch(join(paths.root, dir), { persistent: false }, (_event, name) => {
        // No name: the kernel's queue overflowed, so any file may have changed.
        if (name === null || isConfiguration(dir, name)) onChange(join(dir, name ?? ""));
      });
      w.on("error", () => w.close());
      watchers.push(w);
    } catch {
      // A directory that does not exist holds no configuration; the resync and SIGHUP still re-read.
    }
  }
  return { close: () => watchers.forEach((w) => w.close()) };
}
