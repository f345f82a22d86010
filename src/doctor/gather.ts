// The doctor's I/O: every fact evaluate.ts judges, read through the project's own readers where they exist
// (policy loader, NetworkManager snapshot, kernel state, desired state) and probes.ts for the rest.
// Nothing here throws for a missing fact: it becomes { ok: false, reason } and the checklist says so.
import { release } from "node:os";
import { desiredState } from "../desired/index.js";
import { ipOnce, type IpBatch } from "../kernel/ip.js";
import { readMptcpSysctls } from "../kernel/sysctl.js";
import type { DesiredState, Endpoint, Family, KernelState, Marks, Policy } from "../model/types.js";
import { connectNmBus } from "../nm/bus.js";
import { readNmConfOf } from "../nm/conf.js";
import { readSnapshot } from "../nm/snapshot.js";
import { loadPolicy, formatDiagnostic } from "../policy/load.js";
import { openKernelIo, readCurrent } from "../reconcile.js";
import { DEFAULT_SETTINGS } from "../policy/normalise.js";
import type { Facts, IpToolFacts, Measured, NmFacts, PolicyFacts, RouteProbe } from "./facts.js";
import { countSockets, findInPath, pidsInOurNetns, readKernelConfig } from "./probes.js";
import { runSelfTest } from "./self-test.js";

export interface GatherOptions {
  policyFile?: string;
  selfTest: boolean;
}

// `ip route get` only asks the kernel's FIB which route a packet would take; it sends nothing, so these
// documentation addresses (RFC 5737 TEST-NET-1, RFC 3849) are never contacted. Any off-link destination
// works: what matters is that the lookup has to go past the connected routes to a default route.
const PROBE_DESTINATION: Record<Family, string> = { ipv4: "192.0.2.1", ipv6: "2001:db8::1" };

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function measure<T>(read: () => Promise<T>): Promise<Measured<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  }
}

async function readIpTool(): Promise<IpToolFacts> {
  const [version, help] = await Promise.all([ipOnce(["-V"]), ipOnce(["mptcp", "help"])]);
  if (version.exitCode !== 0) throw new Error(version.stderr.trim() || `ip -V exited ${version.exitCode}`);
  // `ip mptcp help` prints its usage on stderr and exits non-zero; an ip without mptcp says "Object "mptcp" is unknown".
  const usage = help.stdout + help.stderr;
  return { version: version.stdout.trim(), mptcp: usage.includes("ip mptcp endpoint"), endpointChange: usage.includes("endpoint change") };
}

async function readNm(): Promise<NmFacts> {
  const bus = await connectNmBus();
  try {
    const [snapshot, conf] = await Promise.all([readSnapshot(bus), readNmConfOf(bus)]);
    return { snapshot: { ...snapshot, ...conf } };
  } finally {
    bus.close();
  }
}

async function readPolicy(policyFile: string | undefined): Promise<Measured<{ policy: Policy; source: string }>> {
  const loaded = await loadPolicy(policyFile === undefined ? {} : { policyFile });
  if (!loaded.ok) return { ok: false, reason: loaded.diagnostics.map(formatDiagnostic).join("; ") };
  return { ok: true, value: { policy: loaded.policy, source: loaded.sources.join(" + ") } };
}

function familyOf(address: string): Family {
  return address.includes(":") ? "ipv6" : "ipv4";
}

/** Endpoint addresses worth a route lookup: every endpoint bound to a device, and every one the policy wants. */
function probeTargets(endpoints: Endpoint[], desired: DesiredState | undefined): { address: string; expectedDev: string }[] {
  const targets = new Map<string, string>();
  for (const e of endpoints) if (e.dev !== undefined) targets.set(e.address, e.dev);
  for (const e of desired?.endpoints ?? []) if (!targets.has(e.address)) targets.set(e.address, e.dev);
  return [...targets].map(([address, expectedDev]) => ({ address, expectedDev }));
}

async function probeRoutes(batches: Record<Family, IpBatch>, targets: { address: string; expectedDev: string }[]): Promise<RouteProbe[]> {
  return Promise.all(
    targets.map(async ({ address, expectedDev }): Promise<RouteProbe> => {
      const family = familyOf(address);
      const result = await measure(async () => {
        const run = await batches[family].run([["route", "get", PROBE_DESTINATION[family], "from", address]]);
        const failure = run.failures[0];
        if (failure) throw new Error(failure.message.replace(/^RTNETLINK answers: /, "").trim());
        const [route] = JSON.parse(run.outputs[0] ?? "[]") as { dev?: string }[];
        if (!route?.dev) throw new Error("no device in the answer");
        return { dev: route.dev };
      });
      return { address, family, expectedDev, result };
    }),
  );
}

export async function gatherFacts(opts: GatherOptions): Promise<Facts> {
  const kernelRelease = release();
  const io = openKernelIo();
  const { batches } = io;
  try {
    const [config, mptcp, ip, mptcpdPids, nm, policyLoad, sockets, mptcpize, selfTest] = await Promise.all([
      readKernelConfig(kernelRelease),
      readMptcpSysctls(),
      measure(readIpTool),
      pidsInOurNetns("mptcpd"),
      measure(readNm),
      readPolicy(opts.policyFile),
      countSockets(),
      findInPath("mptcpize"),
      opts.selfTest ? runSelfTest() : Promise.resolve(undefined),
    ]);
    // Without a policy the kernel is still worth reading, with the default marks.
    const marks: Marks = policyLoad.ok ? policyLoad.value.policy.marks : DEFAULT_SETTINGS.marks;
    const kernelState: Measured<KernelState> = await measure(() => readCurrent(io, marks));
    const policy: Measured<PolicyFacts> = policyLoad.ok ? { ok: true, value: { source: policyLoad.value.source, marks } } : policyLoad;
    const desired: Measured<DesiredState> = !policyLoad.ok
      ? { ok: false, reason: "policy not loaded" }
      : !nm.ok
        ? { ok: false, reason: "NetworkManager not reachable" }
        : !kernelState.ok
          ? { ok: false, reason: `kernel state not read: ${kernelState.reason}` }
          : { ok: true, value: desiredState(nm.value.snapshot, kernelState.value, policyLoad.value.policy) };
    const routes = await probeRoutes(batches, probeTargets(kernelState.ok ? kernelState.value.endpoints : [], desired.ok ? desired.value : undefined));
    return {
      kernel: { release: kernelRelease, config, mptcp },
      kernelState,
      ip,
      mptcpdPids,
      nm,
      policy,
      desired,
      routes,
      sockets,
      mptcpize,
      ...(selfTest && { selfTest }),
    };
  } finally {
    await io.close();
  }
}
