// One line of the doctor's checklist. Ids are stable (scripts match on them); the README's troubleshooting section lists them.

export type Status = "ok" | "warn" | "fail";

export const CHECK_IDS = [
  "kernel.version",
  "kernel.config",
  "mptcp.enabled",
  "mptcp.path-manager",
  "tools.ip",
  "conflict.mptcpd",
  "conflict.networkmanager",
  "nm.bus",
  "policy",
  "endpoints.missing",
  "endpoints.no-dev",
  "endpoints.foreign",
  "limits",
  "routing.source",
  "routing.rp-filter",
  "apps.connections",
  "selftest",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface Finding {
  id: CheckId;
  status: Status;
  /** The fact measured, in one sentence. */
  summary: string;
  /** When not ok: the exact command or setting that fixes it (may span lines). */
  fix?: string;
}

const RANK: Record<Status, number> = { ok: 0, warn: 1, fail: 2 };

export function worst(statuses: Status[]): Status {
  return statuses.reduce<Status>((a, b) => (RANK[b] > RANK[a] ? b : a), "ok");
}

/** A check whose facts could not be read is a warning, never a silent ok. */
export function notMeasured(id: CheckId, reason: string): Finding {
  return { id, status: "warn", summary: `not measured: ${reason}` };
}
