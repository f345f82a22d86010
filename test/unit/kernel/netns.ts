import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

/** A fresh namespace named kra-<hex>; `del` removes it (call it from afterAll). */
export function makeNetns(): { name: string; ip(...args: string[]): string; del(): void } {
  const name = `kra-${randomBytes(4).toString("hex")}`;
  execFileSync("ip", ["netns", "add", name]);
  return {
    name,
    ip: (...args) => execFileSync("ip", ["-n", name, ...args], { encoding: "utf8" }),
    del: () => {
      try {
        execFileSync("ip", ["netns", "del", name]);
      } catch {
        // already gone
      }
    },
  };
}
