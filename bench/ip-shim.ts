// A PATH entry whose `ip` logs every exec and then runs the real one: counts the ip processes a daemon
// starts, including short-lived ones /proc sampling would miss.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface IpShim {
  /** Prepend to PATH. */
  dir: string;
  /** ip processes started through the shim so far. */
  count(): number;
}

export function makeIpShim(dir: string): IpShim {
  const realIp = execFileSync("sh", ["-c", "command -v ip"], { encoding: "utf8" }).trim();
  const log = join(dir, "ip-execs.log");
  mkdirSync(dir, { recursive: true });
  writeFileSync(log, "");
  writeFileSync(join(dir, "ip"), `#!/bin/sh\necho "$$ $*" >> ${log}\nexec ${realIp} "$@"\n`);
  chmodSync(join(dir, "ip"), 0o755);
  return {
    dir,
    count: () => readFileSync(log, "utf8").split("\n").filter(Boolean).length,
  };
}
