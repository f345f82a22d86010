import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NmConfPaths } from "../../../src/nm/conf.js";
import { watchNmConf, type NmConfWatch } from "../../../src/nm/conf-watch.js";

describe("watchNmConf", () => {
  let root: string;
  let watcher: NmConfWatch | undefined;
  // A rig's layout: the main file sits in a directory NetworkManager also logs into.
  const paths: NmConfPaths = {
    systemDir: "/lib/conf.d", runDir: "/run/conf.d", configDir: "/etc/conf.d", mainFile: "/rig/NetworkManager.conf", root: "",
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "conf-watch-"));
    for (const dir of ["lib/conf.d", "run/conf.d", "etc/conf.d", "rig"]) mkdirSync(join(root, dir), { recursive: true });
  });
  afterEach(() => {
    watcher?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Writes `files` (under root), then a last one that must be seen; resolves with every file seen by then. */
  async function seenAfter(files: string[], last: string, watched = paths): Promise<Set<string>> {
    const seen = new Set<string>();
    const lastSeen = new Promise<void>((resolve) => {
      watcher = watchNmConf({ ...watched, root }, (file) => {
        seen.add(file);
        if (file === last) resolve();
      });
    });
    for (const file of [...files, last]) writeFileSync(join(root, file), "[main]\n");
    await lastSeen;
    return seen;
  }

  it("reports the main file and *.conf in the configuration directories, nothing else there", async () => {
    const seen = await seenAfter(
      ["/rig/nm.log", "/rig/other.conf", "/etc/conf.d/notes.txt", "/lib/conf.d/90-mptcp.conf", "/run/conf.d/x.conf", "/rig/NetworkManager.conf"],
      "/etc/conf.d/zz.conf",
    );
    expect([...seen].sort()).toEqual(["/etc/conf.d/zz.conf", "/lib/conf.d/90-mptcp.conf", "/rig/NetworkManager.conf", "/run/conf.d/x.conf"]);
  });

  it("watches a directory that is both the main file's and a configuration directory for both", async () => {
    const last = "/etc/conf.d/zz.conf";
    const seen = await seenAfter(["/etc/conf.d/nm.log", "/etc/conf.d/NetworkManager.main"], last,
      { ...paths, mainFile: "/etc/conf.d/NetworkManager.main" });
    expect([...seen].sort()).toEqual(["/etc/conf.d/NetworkManager.main", last]);
  });
});
