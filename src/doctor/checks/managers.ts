// Tools and the other managers that would fight this one over the same kernel objects.
import type { Facts } from "../facts.js";
import { type Finding, notMeasured } from "../finding.js";
import { describeNmMptcp, nmMptcpFix, nmMptcpHandling } from "../../nm/mptcp-handling.js";

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

export function checkNmMptcp(facts: Facts): Finding {
  if (!facts.nm.ok) return notMeasured("conflict.networkmanager", facts.nm.reason);
  const { snapshot } = facts.nm.value;
  const active = snapshot.devices.filter((d) => d.state === 100 && d.connection && d.type !== "loopback");
  const handled = active.flatMap((d) => {
    const h = nmMptcpHandling(d, snapshot);
    return h ? [{ ifname: d.interface, h }] : [];
  });
  const on = handled.filter(({ h }) => h.on);
  if (on.length === 0) {
    const sources = [...new Set(handled.map(({ h }) => `0x${h.flags.toString(16)} from ${h.source}`))];
    return {
      id: "conflict.networkmanager",
      status: "ok",
      summary: `NetworkManager's own MPTCP handling is off on ${active.length} active connection(s)${sources.length > 0 ? ` (${sources.join("; ")})` : ""}`,
    };
  }
  return {
    id: "conflict.networkmanager",
    status: "fail",
    summary: `NetworkManager manages MPTCP endpoints itself on ${on.map(({ ifname, h }) => describeNmMptcp(h, ifname)).join(", ")}: it rewrites the endpoints this tool sets`,
    fix: on.map(({ ifname, h }) => nmMptcpFix(h, ifname)).join("\n"),
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
