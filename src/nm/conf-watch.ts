// Follows NetworkManager's configuration directories and main file: NetworkManager announces no reload of
// its configuration on D-Bus (measured with 1.42: `nmcli general reload conf` and `nmcli device reapply`
// emit no signal), so a changed connection.mptcp-flags default is noticed on the files themselves.
import { watch, type FSWatcher } from "node:fs";
import { dirname, join } from "node:path";
import type { NmConfPaths } from "./conf.js";

export interface NmConfWatch {
  close(): void;
}

/** Calls `onChange` when a file in a configuration directory or the main file's directory changes. */
export function watchNmConf(paths: NmConfPaths, onChange: () => void): NmConfWatch {
  const dirs = [...new Set([paths.systemDir, paths.runDir, paths.configDir, dirname(paths.mainFile)])];
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      const w = watch(join(paths.root, dir), { persistent: false }, () => onChange());
      w.on("error", () => w.close());
      watchers.push(w);
    } catch {
      // A directory that does not exist holds no configuration; the resync and SIGHUP still re-read.
    }
  }
  return { close: () => watchers.forEach((w) => w.close()) };
}
