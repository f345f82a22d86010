// Applications: MPTCP is opt-in per socket, so a perfect setup still carries nothing until programs ask for it.
import type { Facts, SelfTestResult } from "../facts.js";
import { type Finding, notMeasured } from "../finding.js";
import { EBPF_MPTCPIFY_SINCE, atLeast, parseKernelRelease } from "../kernel-version.js";

function optInWays(facts: Facts): string {
  const version = parseKernelRelease(facts.kernel.release);
  const [major, minor] = EBPF_MPTCPIFY_SINCE;
  const ebpf = version && atLeast(version, major, minor) ? "available on this kernel" : `needs Linux ${major}.${minor}, this is ${facts.kernel.release}`;
  return [
    "applications must opt in to MPTCP:",
    "- native: the program opens its sockets with IPPROTO_MPTCP (262), e.g. curl --mptcp, or an option of the server",
    facts.mptcpize
      ? `- mptcpize run CMD (one program) or mptcpize enable UNIT (a systemd service); mptcpize is installed (${facts.mptcpize})`
      : "- mptcpize run CMD (one program) or mptcpize enable UNIT (a systemd service); mptcpize is not installed: apt-get install mptcpd",
    "- Go 1.21 or later: GODEBUG=multipathtcp=1 (Go does not use libc, so mptcpize cannot reach it)",
    `- eBPF per cgroup: a program on update_socket_protocol turns TCP sockets into MPTCP ones (${ebpf})`,
  ].join("\n");
}

export function checkConnections(facts: Facts): Finding {
  if (!facts.sockets.ok) return { ...notMeasured("apps.connections", facts.sockets.reason), fix: optInWays(facts) };
  const { mptcp, tcp } = facts.sockets.value;
  const summary = `${mptcp} MPTCP and ${tcp} plain TCP connection(s) right now`;
  if (mptcp > 0) return { id: "apps.connections", status: "ok", summary };
  return { id: "apps.connections", status: "warn", summary: `${summary}: no application uses MPTCP`, fix: optInWays(facts) };
}

export function checkSelfTest(facts: Facts): Finding | null {
  return facts.selfTest ? selfTestFinding(facts.selfTest) : null;
}

export function selfTestFinding(result: SelfTestResult): Finding {
  if (!result.ran) {
    return { id: "selftest", status: "warn", summary: `self-test not run: ${result.reason}`, fix: "run doctor as root (it needs a network namespace) with python3 and unshare (util-linux) installed" };
  }
  const took = `${Math.round(result.durationMs)} ms`;
  if (result.negotiated) {
    return { id: "selftest", status: "ok", summary: `MPTCP negotiated over loopback in a throwaway network namespace (${took}): ${result.detail}` };
  }
  return {
    id: "selftest",
    status: "fail",
    summary: `MPTCP was not negotiated over loopback in a throwaway network namespace (${took}): ${result.detail}`,
    fix: "see kernel.config and mptcp.enabled above; a kernel without CONFIG_MPTCP cannot pass",
  };
}
