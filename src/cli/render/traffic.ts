// MPTCP traffic figures for people: a line per link in `status`, and the screen of `status --watch`.
import { isBackupLink, type DeviceStatus, type StatusReport } from "../../status.js";
import { shares, type LinkTraffic } from "../../traffic.js";

/** Decimal units, as link speeds are quoted. */
export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function subflowCount(t: LinkTraffic): string {
  return `${t.subflows} subflow${t.subflows === 1 ? "" : "s"}${t.backupSubflows > 0 ? ` (${t.backupSubflows} backup)` : ""}`;
}

/** `status`'s traffic line of a device. */
export function trafficLine(t: LinkTraffic): string {
  const rates = t.sendRate === undefined ? "" : `, now ${formatBytes(t.sendRate)}/s out, ${formatBytes(t.receiveRate ?? 0)}/s in`;
  return `MPTCP: ${subflowCount(t)}, sent ${formatBytes(t.bytesSent)}, received ${formatBytes(t.bytesReceived)}${rates}`;
}

/** The links `status` reports traffic for. */
export function trafficLinks(r: StatusReport): DeviceStatus[] {
  return r.devices.filter((d) => r.trafficLinks.includes(d.interface));
}

const BAR = 20;

/** The `status --watch` screen: a row per link with rates, totals and a bar of its share, then the summary. */
export function watchScreen(r: StatusReport, header: string): string[] {
  const links = trafficLinks(r);
  const { share } = shares(links.map((d) => ({ interface: d.interface, backup: isBackupLink(d), traffic: d.traffic })));
  const rate = (n: number | undefined) => (n === undefined ? "…" : `${formatBytes(n)}/s`);
  const rows = links.map((d) => {
    const t = d.traffic;
    const s = share.get(d.interface) ?? 0;
    const filled = Math.round(s * BAR);
    const down = d.noCarrier ? " (no carrier)" : d.role === "inactive" ? ` (${d.state})` : "";
    const name = `${d.interface}${isBackupLink(d) ? " (backup)" : ""}${down}`;
    return [
      name,
      `${t.subflows}${t.backupSubflows > 0 ? ` (${t.backupSubflows} bkp)` : ""}`,
      rate(t.sendRate),
      rate(t.receiveRate),
      formatBytes(t.bytesSent),
      formatBytes(t.bytesReceived),
      `${"█".repeat(filled)}${"░".repeat(BAR - filled)} ${String(Math.round(s * 100)).padStart(3)} %`,
    ];
  });
  const table = [["LINK", "SUBFLOWS", "SEND", "RECEIVE", "SENT", "RECEIVED", "SHARE"], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "));
  return [header, "", ...(links.length === 0 ? ["no managed links"] : lines), "", r.trafficSummary, ...r.warnings.map((w) => `warning: ${w}`)];
}
