// What `doctor` measured, as plain data: gather.ts fills it (I/O), evaluate.ts judges it (pure).
// Recorded Facts are the evaluator's test fixtures, so nothing here may hold a handle or a class.
import type { DesiredState, Family, KernelState, Marks, NmSnapshot } from "../model/types.js";

/** A fact that could not be measured carries the reason instead, so a check can say "not measured: why". */
export type Measured<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface KernelConfigFacts {
  /** File the options came from ("/proc/config.gz", "/boot/config-6.1.0-18-amd64"), null when neither was readable. */
  source: string | null;
  /** Value of each CONFIG_ option doctor looks at ("y", "m"); null when the file does not set it. */
  options: Record<string, string | null>;
}

export interface IpToolFacts {
  /** `ip -V` output, e.g. "ip utility, iproute2-6.1.0, libbpf 1.1.2". */
  version: string;
  /** `ip mptcp help` names the mptcp object at all. */
  mptcp: boolean;
  /** `ip mptcp help` offers `endpoint change` (flip backup in place). */
  endpointChange: boolean;
}

export interface NmFacts {
  /** With mptcpDefault read from NetworkManager's configuration files. */
  snapshot: NmSnapshot;
}

export interface PolicyFacts {
  /** Policy file used, or a description of the built-in default. */
  source: string;
  marks: Marks;
}

/** One `ip route get <documentation address> from ADDR`: which device a packet from ADDR would leave through. */
export interface RouteProbe {
  address: string;
  family: Family;
  /** Device the endpoint is bound to (or the policy wants it bound to). */
  expectedDev: string;
  /** Device the kernel chose, or why the lookup failed ("Network is unreachable"). */
  result: Measured<{ dev: string }>;
}

export interface SocketCounts {
  /** MPTCP sockets (`ss -M`), listeners excluded. */
  mptcp: number;
  /** Established TCP sockets that are not MPTCP subflows. */
  tcp: number;
}

export type SelfTestResult =
  | {
      ran: true;
      /** MP_CAPABLE was exchanged and the connection did not fall back to TCP. */
      negotiated: boolean;
      durationMs: number;
      /** What proved it (or what went wrong), one sentence. */
      detail: string;
      /** Non-zero MPTcpExt counters of the throwaway namespace after the exchange. */
      counters: Record<string, number>;
    }
  | { ran: false; reason: string };

export interface Facts {
  kernel: {
    /** `uname -r`. */
    release: string;
    config: KernelConfigFacts;
    /**
     * net.mptcp.enabled and pm_type, read from /proc/sys without `ip`; enabled is null when /proc/sys/net/mptcp
     * does not exist (no MPTCP in this kernel, whatever the version and config say).
     */
    mptcp: KernelState["mptcp"];
  };
  kernelState: Measured<KernelState>;
  ip: Measured<IpToolFacts>;
  /** Pids of mptcpd processes in this network namespace (one in another namespace does not compete with us). */
  mptcpdPids: number[];
  nm: Measured<NmFacts>;
  policy: Measured<PolicyFacts>;
  /** What the policy wants for the devices NetworkManager shows now (needs the policy, NetworkManager and the kernel). */
  desired: Measured<DesiredState>;
  routes: RouteProbe[];
  sockets: Measured<SocketCounts>;
  /** Path of `mptcpize` when installed. */
  mptcpize: string | null;
  /** Absent when the self-test was not asked for. */
  selfTest?: SelfTestResult;
}
