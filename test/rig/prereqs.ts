// What the namespace rig needs from the machine; each missing piece is named so a skip or a CI failure says why.
import { spawnSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { join } from "node:path";

const UDEVD = "/lib/systemd/systemd-udevd";

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Human-readable list of what is missing; empty when the rig can run. `commands`: what a suite needs besides
 * (e.g. dnsmasq for `ra` links).
 */
export function rigPrerequisites(commands: readonly string[] = []): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push("root (namespaces, NetworkManager)");
  for (const cmd of ["NetworkManager", "nmcli", "dbus-daemon", "ip", "python3", "unshare", "nsenter", "udevadm", ...commands]) {
    if (!onPath(cmd)) missing.push(`${cmd} on PATH`);
  }
  if (!executable(UDEVD)) missing.push(`udevd at ${UDEVD}`);
  if (onPath("ip")) {
    const help = spawnSync("ip", ["mptcp", "help"], { encoding: "utf8" });
    if (!`${help.stdout}${help.stderr}`.includes("endpoint")) missing.push("ip with mptcp support (iproute2 >= 5.7)");
  }
  try {
    if (readFileSync("/proc/sys/net/mptcp/enabled", "utf8").trim() !== "1") missing.push("net.mptcp.enabled=1");
  } catch {
    missing.push("kernel MPTCP (/proc/sys/net/mptcp/enabled)");
  }
  return missing;
}
