// The policy the daemon and `apply` run under in the bench: the rig's links by name, subflow or backup.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Rig } from "../test/rig/rig.js";

export const RULE_PROTOCOL = 203;

export function writePolicy(rig: Rig, links: { subflow: string[]; backup?: string[] }): string {
  const rule = (name: string, names: string[], flags: string) =>
    names.length === 0
      ? []
      : [`  - name: ${name}`, `    match: { interface: [${names.join(", ")}] }`, `    endpoint: { flags: [${flags}] }`];
  const text = [
    "version: 1",
    "rules:",
    ...rule("bench-backup", links.backup ?? [], "subflow, backup"),
    ...rule("bench-subflow", links.subflow, "subflow"),
    "routing:",
    `  protocol: ${RULE_PROTOCOL}`,
    "",
  ].join("\n");
  const file = join(rig.dir, "bench-policy.yaml");
  // The daemon refuses a policy others can write.
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}
