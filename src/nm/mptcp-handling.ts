// The one answer to "does NetworkManager manage MPTCP endpoints itself on this device?", used by status,
// doctor and the planner's conflict messages alike. Pure: the configured default is read at the edge (conf.ts)
// and arrives in the snapshot.
import type { NmDevice, NmMptcpHandling, NmSnapshot } from "../model/types.js";

/** "disabled": NetworkManager registers no endpoint (any other bit set implies "enabled"). */
const MPTCP_DISABLED = 0x1;
/** NetworkManager's built-in default since 1.40, when neither the profile nor the configuration sets one: "enabled,subflow". */
export const NM_BUILTIN_MPTCP_FLAGS = 0x22;
/** connection.mptcp-flags appeared in NetworkManager 1.40; older ones never touch MPTCP endpoints. */
const FIRST_VERSION: [number, number] = [1, 40];

function olderThan(version: string, [major, minor]: [number, number]): boolean | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return undefined;
  return Number(m[1]) < major || (Number(m[1]) === major && Number(m[2]) < minor);
}

/**
 * The profile's connection.mptcp-flags when not 0, else the configured default when not 0, else the built-in
 * one (nm-device.c _prop_get_connection_mptcp_flags). Undefined when it cannot be known: no active profile, or
 * its applied settings were not read. A configured default that was not read (snapshot.mptcpDefault undefined)
 * counts as none, so the answer leans to "on": a conflict is reported rather than an endpoint taken over.
 */
export function nmMptcpHandling(
  device: Pick<NmDevice, "connection">,
  nm: Pick<NmSnapshot, "version" | "mptcpDefault" | "confChangedSinceStart">,
): NmMptcpHandling | undefined {
  const connection = device.connection;
  if (connection?.mptcpFlags === undefined) return undefined;
  const profile = connection.id;
  if (nm.version !== undefined && olderThan(nm.version, FIRST_VERSION)) {
    return { on: false, profile, flags: 0, source: `NetworkManager ${nm.version} has no MPTCP handling` };
  }
  const [flags, source] =
    connection.mptcpFlags !== 0
      ? [connection.mptcpFlags, "the profile"]
      : nm.mptcpDefault && nm.mptcpDefault.value !== 0
        ? [nm.mptcpDefault.value, `default in ${nm.mptcpDefault.file}`]
        : [NM_BUILTIN_MPTCP_FLAGS, "NetworkManager's built-in default"];
  const on = (flags & MPTCP_DISABLED) === 0;
  // NetworkManager evaluates a default when it activates the device: after a configuration change the device may
  // still run the previous one (measured with 1.42: it kept rewriting endpoints after reload conf and reapply).
  if (!on && source !== "the profile" && nm.confChangedSinceStart) {
    return { on: true, profile, flags, source: `${source}, ${PENDING}` };
  }
  return { on, profile, flags, source };
}

const PENDING = "changed after NetworkManager started: in force from the device's next activation";

/** Where the drop-in this tool ships lands when installed by hand (the Debian package puts it under /usr/lib). */
export const NM_DROP_IN = "/etc/NetworkManager/conf.d/90-mptcp-policy.conf";

/** `"home" (wan0): mptcp-flags 0x22 from NetworkManager's built-in default`. */
export function describeNmMptcp(h: NmMptcpHandling, ifname: string): string {
  return `"${h.profile}" (${ifname}): mptcp-flags 0x${h.flags.toString(16)} from ${h.source}`;
}

/** The command that turns NetworkManager's handling off where it comes from: the profile, or the default. */
export function nmMptcpFix(h: NmMptcpHandling, ifname: string): string {
  if (h.source === "the profile") {
    return `nmcli connection modify ${JSON.stringify(h.profile)} connection.mptcp-flags 0x1 && nmcli device reapply ${ifname}`;
  }
  // Measured with 1.42: `nmcli general reload conf` and `nmcli device reapply` leave an active device's handling
  // on; a restart re-assumes every device with the new default and keeps the links up.
  const restart = "systemctl restart NetworkManager (links stay up; `nmcli general reload conf` reaches a device only at its next activation)";
  return h.source.endsWith(PENDING) ? restart : `install ${NM_DROP_IN} ([connection] connection.mptcp-flags=0x1), then ${restart}`;
}
