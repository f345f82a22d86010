// `doctor --fix`: only what is safe to change behind the user's back. Turning MPTCP on is: it only lets
// programs that ask for MPTCP get it. Endpoints, routes and other managers are left to the printed fixes.
import { writeFile } from "node:fs/promises";
import { readMptcpSysctls } from "../kernel/sysctl.js";
import { SYSCTL_D_FILE } from "./checks/kernel.js";

/** Sets net.mptcp.enabled=1 when it is 0; returns what it did, in words. */
export async function fixMptcpEnabled(): Promise<string> {
  const { enabled } = readMptcpSysctls();
  if (enabled === null) return "not fixed: net.mptcp.enabled does not exist (no MPTCP in this kernel)";
  if (enabled) return "nothing to fix: net.mptcp.enabled is already 1 (the only setting --fix changes)";
  try {
    await writeFile("/proc/sys/net/mptcp/enabled", "1\n");
  } catch (err) {
    return `not fixed: cannot write net.mptcp.enabled: ${(err as Error).message}`;
  }
  return `fixed: net.mptcp.enabled 0 → 1, until the next boot; to keep it: echo net.mptcp.enabled=1 > ${SYSCTL_D_FILE}`;
}
