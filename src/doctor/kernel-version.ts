// Kernel versions of the MPTCP features this tool relies on. Sources: the upstream merges
// ("Multipath TCP part 3: Multiple subflows and path management" → 5.7; Geliang Tang's MP_PRIO series
// with "mptcp: add set_flags command in PM netlink" 0f9f696a502e → 5.12; Davide Caratti's
// "mptcp: allow changing the backup bit when no sockets are open" 3f4a08909e2c → 5.15, also in 5.14 stable;
// "bpf: Add update_socket_protocol hook" 0dd061a6a115 → 6.6). Vendor kernels backport freely
// (RHEL 8's 4.18 has MPTCP), so a version below a line is a warning about a feature, not proof of absence.

export type KernelVersion = [number, number, number];

export function parseKernelRelease(release: string): KernelVersion | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export function atLeast(v: KernelVersion, major: number, minor: number): boolean {
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

export interface KernelFeature {
  since: [number, number];
  what: string;
  /** What breaks without it, for this tool. */
  impact: "fail" | "warn";
}

export const MPTCP_FEATURES: KernelFeature[] = [
  { since: [5, 6], what: "MPTCP sockets (IPPROTO_MPTCP)", impact: "fail" },
  { since: [5, 7], what: "more than one subflow, endpoints and limits (`ip mptcp endpoint`, `ip mptcp limits`)", impact: "fail" },
  { since: [5, 12], what: "in-place backup change (`ip mptcp endpoint change id N backup`); without it a backup change is a delete and re-add, which closes the subflows using that endpoint", impact: "warn" },
  { since: [5, 15], what: "backup change while no MPTCP connection uses the endpoint (earlier kernels refuse it unless the stable update carries the fix)", impact: "warn" },
];

/** Per-cgroup eBPF forcing of MPTCP (fmod_ret on update_socket_protocol). */
export const EBPF_MPTCPIFY_SINCE: [number, number] = [6, 6];
