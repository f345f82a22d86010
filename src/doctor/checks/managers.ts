// Tools and the other managers that would fight this one over the same kernel objects.
import type { Facts } from "../facts.js";
import { type Finding, notMeasured } from "../finding.js";

export const NM_DROP_IN = "/etc/NetworkManager/conf.d/90-mptcp-policy.conf";
/** NetworkManager's fallback when neither the profile nor its configuration sets connection.mptcp-flags: "enabled,subflow". */
export const NM_DEFAULT_MPTCP_FLAGS = 0x22;
const NM_MPTCP_DISABLED = 0x1;

export function checkIpTool(facts: Facts): Finding {
  if (!facts.ip.ok) return { id: "tools.ip", status: "fail", summary: `cannot run ip: ${facts.ip.reason}`, fix: "apt-get install iproute2" };
  const { version, mptcp, endpointChange } = facts.ip.value;
  if (!mptcp) return { id: "tools.ip", status: "fail", summary: `${version}: no \`ip mptcp\``, fix: "install a newer iproute2" };
  if (!endpointChange) {
    return { id: "tools.ip", status: "warn", summary: `${version}: no \`ip mptcp endpoint change\`, backup changes close subflows`, fix: "install a newer iproute2" };
  }
  return { id: "tools.ip", status: "ok", summary: `${version}: knows \`ip mptcp\` and \`endpoint change\`` };
}

export function checkMptcpd(facts: Facts): Finding {
  if (facts.mptcpdPids.length === 0) return { id: "conflict.mptcpd", status: "ok", summary: "mptcpd is not running in this network namespace" };
  return {
    id: "conflict.mptcpd",
    status: "fail",
    summary: `mptcpd is running (pid ${facts.mptcpdPids.join(", ")}): it adds its own endpoints and raises the limits, and the two managers undo each other`,
    fix: "stop mptcpd and keep mptcp-policy: systemctl disable --now mptcp.service",
  };
}

/**
 * connection.mptcp-flags NetworkManager applies: the profile's, else its configuration's default, else 0x22.
 * No flags at all (undefined) is a NetworkManager older than 1.40, which has no MPTCP handling: "disabled".
 */
export function effectiveNmMptcpFlags(profileFlags: number | undefined, globalFlags: number | null): number {
  if (profileFlags === undefined) return NM_MPTCP_DISABLED;
  if (profileFlags !== 0) return profileFlags;
  return globalFlags || NM_DEFAULT_MPTCP_FLAGS;
}

export function checkNmMptcp(facts: Facts): Finding {
  if (!facts.nm.ok) return notMeasured("conflict.networkmanager", facts.nm.reason);
  const { snapshot, globalMptcpFlags } = facts.nm.value;
  const active = snapshot.devices.filter((d) => d.state === 100 && d.connection && d.type !== "loopback");
  const on = active.filter((d) => (effectiveNmMptcpFlags(d.connection?.mptcpFlags, globalMptcpFlags?.value ?? null) & NM_MPTCP_DISABLED) === 0);
  const source = globalMptcpFlags ? `default 0x${globalMptcpFlags.value.toString(16)} from ${globalMptcpFlags.file}` : "no default configured, NetworkManager falls back to 0x22";
  if (on.length === 0) {
    return { id: "conflict.networkmanager", status: "ok", summary: `NetworkManager's own MPTCP handling is off on ${active.length} active connection(s) (${source})` };
  }
  const named = on.map((d) => `"${d.connection!.id}" (${d.interface}, mptcp-flags 0x${(d.connection!.mptcpFlags ?? 0).toString(16)})`);
  // A profile that sets its own flags ignores the drop-in: those need nmcli, the rest follow the drop-in.
  const byProfile = on.filter((d) => d.connection!.mptcpFlags);
  const byDropIn = on.filter((d) => !d.connection!.mptcpFlags);
  const fix = [
    ...(byDropIn.length > 0
      ? [`create ${NM_DROP_IN} with:\n  [connection]\n  connection.mptcp-flags=0x1\nthen: nmcli general reload conf && ${byDropIn.map((d) => `nmcli device reapply ${d.interface}`).join(" && ")}`]
      : []),
    ...byProfile.map((d) => `nmcli connection modify "${d.connection!.id}" connection.mptcp-flags 0x1 && nmcli device reapply ${d.interface}`),
  ].join("\n");
  return {
    id: "conflict.networkmanager",
    status: "fail",
    summary: `NetworkManager manages MPTCP endpoints itself on ${named.join(", ")} (${source}): it rewrites the endpoints this tool sets`,
    fix,
  };
}

export function checkNmBus(facts: Facts): Finding {
  if (!facts.nm.ok) {
    return {
      id: "nm.bus",
      status: "fail",
      summary: `NetworkManager is not reachable on the system bus: ${facts.nm.reason}`,
      fix: "systemctl start NetworkManager (or point DBUS_SYSTEM_BUS_ADDRESS at the bus it uses)",
    };
  }
  const { snapshot } = facts.nm.value;
  const version = snapshot.version ? `NetworkManager ${snapshot.version}` : "NetworkManager";
  return { id: "nm.bus", status: "ok", summary: `${version} answers on the system bus with ${snapshot.devices.length} device(s)` };
}
