// What the booted-container suites need from the machine; each missing piece is named.
import { existsSync } from "node:fs";
import { onPath } from "../rig/prereqs.js";
import { debianMirror, rootPath } from "./root.js";

export function containerPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push("root (systemd-nspawn, namespaces)");
  for (const cmd of ["systemd-nspawn", "nsenter", "unshare", "ip"]) if (!onPath(cmd)) missing.push(`${cmd} on PATH`);
  if (!existsSync(rootPath())) {
    // Without a cached root it must be built: debootstrap and a Debian archive in this machine's apt sources.
    if (!onPath("debootstrap")) missing.push("debootstrap on PATH (no cached root at " + rootPath() + ")");
    try {
      debianMirror();
    } catch (error) {
      missing.push((error as Error).message);
    }
  }
  return missing;
}
