// Facts → findings, in checklist order. Pure: the same facts always give the same checklist.
import type { Facts } from "./facts.js";
import type { Finding } from "./finding.js";
import { checkConnections, checkSelfTest } from "./checks/apps.js";
import { checkEndpointsWithoutDev, checkForeignEndpoints, checkLimits, checkMissingEndpoints, checkPolicy } from "./checks/endpoints.js";
import { checkKernelConfig, checkKernelVersion, checkMptcpEnabled, checkPathManager } from "./checks/kernel.js";
import { checkIpTool, checkMptcpd, checkNmBus, checkNmMptcp } from "./checks/managers.js";
import { checkRpFilter, checkSourceRouting } from "./checks/routing.js";

const CHECKS: ((facts: Facts) => Finding | null)[] = [
  checkKernelVersion,
  checkKernelConfig,
  checkMptcpEnabled,
  checkPathManager,
  checkIpTool,
  checkMptcpd,
  checkNmMptcp,
  checkNmBus,
  checkPolicy,
  checkMissingEndpoints,
  checkEndpointsWithoutDev,
  checkForeignEndpoints,
  checkLimits,
  checkSourceRouting,
  checkRpFilter,
  checkConnections,
  checkSelfTest,
];

export function evaluate(facts: Facts): Finding[] {
  return CHECKS.map((check) => check(facts)).filter((f): f is Finding => f !== null);
}

/** 0 when nothing fails (warnings allowed), 1 when a check fails. */
export function exitStatus(findings: Finding[]): 0 | 1 {
  return findings.some((f) => f.status === "fail") ? 1 : 0;
}
