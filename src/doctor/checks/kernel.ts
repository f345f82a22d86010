// Kernel family: version, build options, and the two sysctls that decide whether endpoints do anything.
import type { Facts } from "../facts.js";
import { type Finding, notMeasured, worst, type Status } from "../finding.js";
import { MPTCP_FEATURES, atLeast, parseKernelRelease } from "../kernel-version.js";

export const SYSCTL_D_FILE = "/etc/sysctl.d/90-mptcp.conf";

export function checkKernelVersion(facts: Facts): Finding {
  const { release } = facts.kernel;
  const mptcpSysctlDir = facts.kernel.mptcp.enabled !== null;
  const version = parseKernelRelease(release);
  if (!version) return notMeasured("kernel.version", `cannot read a version from "${release}"`);
  const missing = MPTCP_FEATURES.filter((f) => !atLeast(version, f.since[0], f.since[1]));
  if (missing.length === 0) {
    return { id: "kernel.version", status: "ok", summary: `Linux ${release}: every MPTCP feature this tool uses is there (needs 5.7; 5.15 for in-place backup changes)` };
  }
  // A vendor kernel that shows /proc/sys/net/mptcp has MPTCP whatever its version: its features are unknown, not absent.
  const backported = mptcpSysctlDir && !atLeast(version, 5, 6);
  const status: Status = backported ? "warn" : worst(missing.map((f) => f.impact));
  const list = missing.map((f) => `${f.what} needs ${f.since.join(".")}`).join("; ");
  return {
    id: "kernel.version",
    status,
    summary: backported
      ? `Linux ${release} is older than upstream MPTCP (5.6) but has /proc/sys/net/mptcp: a vendor backport, features cannot be told from the version (${list})`
      : `Linux ${release}: ${list}`,
    fix: "boot a newer kernel (5.15 or later has everything this tool uses)",
  };
}

const CONFIG_WANTED: { option: string; accept: string[]; status: Status; why: string }[] = [
  { option: "CONFIG_MPTCP", accept: ["y"], status: "fail", why: "no MPTCP at all" },
  { option: "CONFIG_MPTCP_IPV6", accept: ["y"], status: "warn", why: "no MPTCP over IPv6" },
  { option: "CONFIG_INET_MPTCP_DIAG", accept: ["y", "m"], status: "warn", why: "`ss -M` cannot list MPTCP connections" },
];

export function checkKernelConfig(facts: Facts): Finding {
  const { config } = facts.kernel;
  const mptcpSysctlDir = facts.kernel.mptcp.enabled !== null;
  if (config.source === null) {
    return mptcpSysctlDir
      ? {
          id: "kernel.config",
          status: "warn",
          summary: `neither /proc/config.gz nor /boot/config-${facts.kernel.release} is readable; /proc/sys/net/mptcp exists, so MPTCP is built in (IPv6 and diag support unknown)`,
          fix: "modprobe configs (then /proc/config.gz appears) to let doctor read the build options",
        }
      : {
          id: "kernel.config",
          status: "fail",
          summary: `neither /proc/config.gz nor /boot/config-${facts.kernel.release} is readable, and /proc/sys/net/mptcp does not exist: this kernel has no MPTCP`,
          fix: "boot a kernel built with CONFIG_MPTCP=y and CONFIG_MPTCP_IPV6=y",
        };
  }
  const shown = CONFIG_WANTED.map((w) => `${w.option}=${config.options[w.option] ?? "n"}`).join(", ");
  const bad = CONFIG_WANTED.filter((w) => !w.accept.includes(config.options[w.option] ?? "n"));
  if (bad.length === 0) return { id: "kernel.config", status: "ok", summary: `${shown} (${config.source})` };
  return {
    id: "kernel.config",
    status: worst(bad.map((b) => b.status)),
    summary: `${shown} (${config.source}): ${bad.map((b) => b.why).join("; ")}`,
    fix: `boot a kernel built with ${bad.map((b) => `${b.option}=y`).join(" ")}`,
  };
}

export function checkMptcpEnabled(facts: Facts): Finding {
  const { enabled } = facts.kernel.mptcp;
  if (enabled === true) return { id: "mptcp.enabled", status: "ok", summary: "net.mptcp.enabled = 1" };
  if (enabled === null) {
    return { id: "mptcp.enabled", status: "fail", summary: "net.mptcp.enabled does not exist: this kernel has no MPTCP", fix: "boot a kernel built with CONFIG_MPTCP=y" };
  }
  return {
    id: "mptcp.enabled",
    status: "fail",
    summary: "net.mptcp.enabled = 0: every MPTCP socket request fails (ENOPROTOOPT), endpoints do nothing",
    fix: `sysctl -w net.mptcp.enabled=1   (or: mptcp-policy doctor --fix)\nto keep it after a reboot: echo net.mptcp.enabled=1 > ${SYSCTL_D_FILE}`,
  };
}

export function checkPathManager(facts: Facts): Finding {
  const { enabled, pmType } = facts.kernel.mptcp;
  if (enabled === null) return notMeasured("mptcp.path-manager", "no /proc/sys/net/mptcp");
  // pm_type appeared with the userspace path manager (5.19); before it, the in-kernel one is the only one.
  if (pmType === null || pmType === 0) {
    return { id: "mptcp.path-manager", status: "ok", summary: pmType === null ? "in-kernel path manager (no net.mptcp.pm_type on this kernel)" : "net.mptcp.pm_type = 0 (in-kernel path manager)" };
  }
  return {
    id: "mptcp.path-manager",
    status: "warn",
    summary: `net.mptcp.pm_type = ${pmType} (userspace path manager): the endpoints and limits this tool sets are ignored`,
    fix: `sysctl -w net.mptcp.pm_type=0   (persist in ${SYSCTL_D_FILE}; stop the userspace path manager that wanted it)`,
  };
}
