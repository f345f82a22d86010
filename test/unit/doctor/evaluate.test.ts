import { describe, expect, it } from "vitest";
import { evaluate, exitStatus } from "../../../src/doctor/evaluate.js";
import type { Facts } from "../../../src/doctor/facts.js";
import { CHECK_IDS, type CheckId, type Status } from "../../../src/doctor/finding.js";
import { healthyFacts } from "./facts-fixture.js";

function findingFor(facts: Facts, id: CheckId) {
  const found = evaluate(facts).find((f) => f.id === id);
  if (!found) throw new Error(`no finding ${id}`);
  return found;
}

interface Case {
  name: string;
  id: CheckId;
  change: (f: Facts) => void;
  status: Status;
  summary: RegExp;
  fix?: RegExp;
}

const ks = (f: Facts) => {
  if (!f.kernelState.ok) throw new Error("fixture");
  return f.kernelState.value;
};
const nm = (f: Facts) => {
  if (!f.nm.ok) throw new Error("fixture");
  return f.nm.value;
};
const desired = (f: Facts) => {
  if (!f.desired.ok) throw new Error("fixture");
  return f.desired.value;
};

const cases: Case[] = [
  // 1. kernel
  { name: "current kernel", id: "kernel.version", change: () => {}, status: "ok", summary: /Linux 6\.18\.44/ },
  { name: "kernel older than MPTCP", id: "kernel.version", change: (f) => { f.kernel.release = "5.4.0-150-generic"; f.kernel.mptcp.enabled = null; }, status: "fail", summary: /MPTCP sockets .* needs 5\.6/, fix: /newer kernel/ },
  { name: "5.10: endpoints yes, in-place backup no", id: "kernel.version", change: (f) => { f.kernel.release = "5.10.0-28-amd64"; }, status: "warn", summary: /endpoint change id N backup.* needs 5\.12/ },
  { name: "5.14: backup change without sockets", id: "kernel.version", change: (f) => { f.kernel.release = "5.14.21"; }, status: "warn", summary: /no MPTCP connection uses the endpoint.* needs 5\.15/ },
  { name: "vendor 4.18 with MPTCP backported", id: "kernel.version", change: (f) => { f.kernel.release = "4.18.0-513.el8.x86_64"; }, status: "warn", summary: /vendor backport/ },
  { name: "config with everything", id: "kernel.config", change: () => {}, status: "ok", summary: /CONFIG_MPTCP=y, CONFIG_MPTCP_IPV6=y, CONFIG_INET_MPTCP_DIAG=y \(\/proc\/config\.gz\)/ },
  { name: "config without MPTCP", id: "kernel.config", change: (f) => { f.kernel.config.options = { CONFIG_MPTCP: null, CONFIG_MPTCP_IPV6: null, CONFIG_INET_MPTCP_DIAG: null }; }, status: "fail", summary: /CONFIG_MPTCP=n.*no MPTCP at all/, fix: /CONFIG_MPTCP=y/ },
  { name: "config without IPv6 MPTCP", id: "kernel.config", change: (f) => { f.kernel.config.options["CONFIG_MPTCP_IPV6"] = null; }, status: "warn", summary: /no MPTCP over IPv6/ },
  { name: "diag as a module is fine", id: "kernel.config", change: (f) => { f.kernel.config.options["CONFIG_INET_MPTCP_DIAG"] = "m"; }, status: "ok", summary: /CONFIG_INET_MPTCP_DIAG=m/ },
  { name: "config unreadable, sysctl dir present", id: "kernel.config", change: (f) => { f.kernel.config = { source: null, options: {} }; }, status: "warn", summary: /neither \/proc\/config\.gz nor \/boot\/config-6\.18\.44-fc-v782 is readable; \/proc\/sys\/net\/mptcp exists/ },
  { name: "config unreadable, no sysctl dir", id: "kernel.config", change: (f) => { f.kernel.config = { source: null, options: {} }; f.kernel.mptcp.enabled = null; }, status: "fail", summary: /this kernel has no MPTCP/ },
  // 2. enabled, path manager
  { name: "enabled", id: "mptcp.enabled", change: () => {}, status: "ok", summary: /net\.mptcp\.enabled = 1/ },
  { name: "disabled", id: "mptcp.enabled", change: (f) => { f.kernel.mptcp.enabled = false; }, status: "fail", summary: /net\.mptcp\.enabled = 0/, fix: /sysctl -w net\.mptcp\.enabled=1[\s\S]*\/etc\/sysctl\.d\/90-mptcp\.conf/ },
  { name: "no MPTCP sysctls at all", id: "mptcp.enabled", change: (f) => { f.kernel.mptcp.enabled = null; }, status: "fail", summary: /does not exist: this kernel has no MPTCP/ },
  { name: "kernel state unreadable", id: "endpoints.no-dev", change: (f) => { f.kernelState = { ok: false, reason: "mptcp endpoint show failed: Invalid argument" }; }, status: "warn", summary: /not measured: mptcp endpoint show failed/ },
  { name: "userspace path manager", id: "mptcp.path-manager", change: (f) => { f.kernel.mptcp.pmType = 1; }, status: "warn", summary: /userspace path manager.*ignored/, fix: /sysctl -w net\.mptcp\.pm_type=0/ },
  { name: "kernel without pm_type", id: "mptcp.path-manager", change: (f) => { f.kernel.mptcp.pmType = null; }, status: "ok", summary: /no net\.mptcp\.pm_type/ },
  // 3. tools and other managers
  { name: "ip knows endpoint change", id: "tools.ip", change: () => {}, status: "ok", summary: /iproute2-6\.1\.0/ },
  { name: "old ip without endpoint change", id: "tools.ip", change: (f) => { f.ip = { ok: true, value: { version: "ip utility, iproute2-5.10.0", mptcp: true, endpointChange: false } }; }, status: "warn", summary: /no `ip mptcp endpoint change`/ },
  { name: "ip without mptcp", id: "tools.ip", change: (f) => { f.ip = { ok: true, value: { version: "ip utility, iproute2-ss190107", mptcp: false, endpointChange: false } }; }, status: "fail", summary: /no `ip mptcp`/ },
  { name: "mptcpd running", id: "conflict.mptcpd", change: (f) => { f.mptcpdPids = [4242]; }, status: "fail", summary: /mptcpd is running \(pid 4242\)/, fix: /systemctl disable --now mptcp\.service/ },
  { name: "NetworkManager MPTCP off everywhere", id: "conflict.networkmanager", change: () => {}, status: "ok", summary: /off on 2 active connection/ },
  {
    name: "NetworkManager MPTCP on by default (profile 0, no drop-in)",
    id: "conflict.networkmanager",
    change: (f) => { nm(f).snapshot.devices[1]!.connection!.mptcpFlags = 0; },
    status: "fail",
    summary: /"lte0" \(lte0\): mptcp-flags 0x22 from NetworkManager's built-in default/,
    fix: /^install \/etc\/NetworkManager\/conf\.d\/90-mptcp-policy\.conf .*connection\.mptcp-flags=0x1.*then systemctl restart NetworkManager \(links stay up/,
  },
  {
    name: "NetworkManager MPTCP on in the profile itself",
    id: "conflict.networkmanager",
    change: (f) => { nm(f).snapshot.devices[0]!.connection!.mptcpFlags = 0x22; },
    status: "fail",
    summary: /"wan0" \(wan0\): mptcp-flags 0x22 from the profile/,
    fix: /^nmcli connection modify "wan0" connection\.mptcp-flags 0x1 && nmcli device reapply wan0$/,
  },
  {
    name: "profile 0 follows a global drop-in that disables it",
    id: "conflict.networkmanager",
    change: (f) => { nm(f).snapshot.devices.forEach((d) => (d.connection!.mptcpFlags = 0)); nm(f).snapshot.mptcpDefault = { value: 1, file: "/etc/NetworkManager/conf.d/90-mptcp-policy.conf" }; },
    status: "ok",
    summary: /0x1 from default in \/etc\/NetworkManager\/conf\.d\/90-mptcp-policy\.conf/,
  },
  {
    name: "a profile that sets 0x22 overrides a global drop-in that disables it",
    id: "conflict.networkmanager",
    change: (f) => { nm(f).snapshot.devices[1]!.connection!.mptcpFlags = 0x22; nm(f).snapshot.mptcpDefault = { value: 1, file: "/etc/NetworkManager/conf.d/90-mptcp-policy.conf" }; },
    status: "fail",
    summary: /"lte0" \(lte0\): mptcp-flags 0x22 from the profile/,
    fix: /^nmcli connection modify "lte0" connection\.mptcp-flags 0x1 && nmcli device reapply lte0$/,
  },
  { name: "NetworkManager older than 1.40 has no MPTCP handling", id: "conflict.networkmanager", change: (f) => { nm(f).snapshot.version = "1.38.6"; nm(f).snapshot.devices.forEach((d) => (d.connection!.mptcpFlags = 0)); }, status: "ok", summary: /off on 2 .*NetworkManager 1\.38\.6 has no MPTCP handling/ },
  { name: "NetworkManager reachable", id: "nm.bus", change: () => {}, status: "ok", summary: /NetworkManager 1\.42\.4 answers on the system bus with 2 device/ },
  { name: "NetworkManager unreachable", id: "nm.bus", change: (f) => { f.nm = { ok: false, reason: "The name org.freedesktop.NetworkManager was not provided" }; }, status: "fail", summary: /not reachable.*was not provided/, fix: /systemctl start NetworkManager/ },
  { name: "NetworkManager unreachable: its conflict check is not measured", id: "conflict.networkmanager", change: (f) => { f.nm = { ok: false, reason: "no bus" }; }, status: "warn", summary: /not measured: no bus/ },
  // 4. endpoints and limits
  { name: "policy loaded", id: "policy", change: () => {}, status: "ok", summary: /policy\.yaml: manages lte0 \(lte\), wan0 \(wired\)/ },
  { name: "policy broken", id: "policy", change: (f) => { f.policy = { ok: false, reason: "policy.yaml:3:5: unknown key" }; }, status: "fail", summary: /unknown key/, fix: /mptcp-policy validate/ },
  { name: "policy loaded, NetworkManager unreachable", id: "policy", change: (f) => { f.desired = { ok: false, reason: "NetworkManager not reachable" }; }, status: "ok", summary: /loaded \(which devices it manages is unknown: NetworkManager not reachable\)/ },
  { name: "desired state unknown: limits not measured", id: "limits", change: (f) => { f.desired = { ok: false, reason: "NetworkManager not reachable" }; }, status: "warn", summary: /not measured: NetworkManager not reachable/ },
  { name: "every managed address has an endpoint", id: "endpoints.missing", change: () => {}, status: "ok", summary: /2 usable address/ },
  { name: "managed address without endpoint", id: "endpoints.missing", change: (f) => { ks(f).endpoints.pop(); }, status: "fail", summary: /10\.10\.2\.2 on lte0 has no endpoint/, fix: /mptcp-policy apply/ },
  {
    name: "managed address whose endpoint waits for its link's default route",
    id: "endpoints.missing",
    change: (f) => { ks(f).endpoints.pop(); desired(f).endpoints[1]!.waitsForRoute = true; },
    status: "ok",
    summary: /^1 usable address.*; 10\.10\.2\.2 on lte0 waiting for its link's default route/,
  },
  { name: "owned endpoint without dev", id: "endpoints.missing", change: (f) => { delete ks(f).endpoints[1]!.dev; }, status: "fail", summary: /id 101 is bound to no device, not lte0/ },
  { name: "endpoints all name a device", id: "endpoints.no-dev", change: () => {}, status: "ok", summary: /every endpoint names its device/ },
  { name: "endpoint without dev", id: "endpoints.no-dev", change: (f) => { ks(f).endpoints.push({ id: 3, address: "192.168.1.5", flags: ["subflow"] }); }, status: "warn", summary: /id 3 192\.168\.1\.5/, fix: /ip mptcp endpoint delete id 3/ },
  { name: "no foreign endpoint", id: "endpoints.foreign", change: () => {}, status: "ok", summary: /ids 100-199/ },
  { name: "foreign endpoint on an unmanaged address", id: "endpoints.foreign", change: (f) => { ks(f).endpoints.push({ id: 1, address: "192.168.1.5", flags: ["subflow"], dev: "wlan0" }); }, status: "warn", summary: /id 1 192\.168\.1\.5 dev wlan0/, fix: /ip mptcp endpoint delete id 1/ },
  {
    name: "foreign endpoint (NetworkManager's) on a managed address",
    id: "endpoints.foreign",
    change: (f) => { ks(f).endpoints[1] = { id: 2, address: "10.10.2.2", flags: ["subflow"], dev: "lte0" }; },
    status: "fail",
    summary: /id 2 10\.10\.2\.2 dev lte0 \(a managed address: blocks ours\)/,
  },
  { name: "limits enough", id: "limits", change: () => {}, status: "ok", summary: /subflows 2, add_addr_accepted 2/ },
  { name: "limits too low", id: "limits", change: (f) => { ks(f).limits = { subflows: 0, addAddrAccepted: 0 }; }, status: "fail", summary: /subflows should be at least 2.*extra subflows are not created/, fix: /^ip mptcp limits set subflows 2 add_addr_accepted 2/ },
  { name: "exact limit drifted upwards", id: "limits", change: (f) => { desired(f).limits.subflows = { kind: "exact", value: 2 }; ks(f).limits.subflows = 8; }, status: "warn", summary: /subflows should be 2/, fix: /subflows 2 add_addr_accepted 2/ },
  // 5. routing
  { name: "every endpoint routes through its device", id: "routing.source", change: () => {}, status: "ok", summary: /10\.10\.1\.2 → wan0, 10\.10\.2\.2 → lte0/ },
  {
    name: "device with no route for its address (leaves via the default link)",
    id: "routing.source",
    change: (f) => { f.routes[1]!.result = { ok: true, value: { dev: "wan0" } }; },
    status: "fail",
    summary: /10\.10\.2\.2 \(endpoint on lte0\).*10\.10\.2\.2 → wan0/,
    fix: /lte0: mptcp-policy apply/,
  },
  {
    name: "policy table without a default route (no gateway known)",
    id: "routing.source",
    change: (f) => { f.routes[1]!.result = { ok: true, value: { dev: "wan0" } }; desired(f).routing[0]!.routes = [{ family: "ipv4", dst: "10.10.2.0/24", scope: "link", src: "10.10.2.2" }]; },
    status: "fail",
    summary: /10\.10\.2\.2 → wan0/,
    fix: /lte0: the policy's table for it has no default route because NetworkManager reports no ipv4 gateway for the device; by hand: ip route add default via 10\.10\.2\.1 dev lte0 table T/,
  },
  {
    name: "no route at all, routing off in the policy",
    id: "routing.source",
    change: (f) => { f.routes[1]!.result = { ok: false, reason: "Network is unreachable" }; desired(f).routing = []; },
    status: "fail",
    summary: /10\.10\.2\.2 → Network is unreachable/,
    fix: /routing: \{ table: auto \}` in policy rule "lte".*ip route add default via 10\.10\.2\.1 dev lte0 table T && ip rule add from 10\.10\.2\.2 table T/,
  },
  { name: "loose rp_filter", id: "routing.rp-filter", change: () => {}, status: "ok", summary: /no strict rp_filter on wan0, lte0/ },
  { name: "strict rp_filter on a device", id: "routing.rp-filter", change: (f) => { ks(f).rpFilter["lte0"] = 1; desired(f).rpFilterLoose = []; }, status: "warn", summary: /strict rp_filter \(1\) on lte0/, fix: /sysctl -w net\.ipv4\.conf\.lte0\.rp_filter=2/ },
  { name: "strict through conf.all", id: "routing.rp-filter", change: (f) => { ks(f).rpFilter = { all: 1, wan0: 0, lte0: 0 }; }, status: "warn", summary: /on wan0, lte0/, fix: /mptcp-policy apply/ },
  // 6. applications
  { name: "MPTCP connections exist", id: "apps.connections", change: () => {}, status: "ok", summary: /4 MPTCP and 12 plain TCP/ },
  {
    name: "no MPTCP connection: the ways to opt in",
    id: "apps.connections",
    change: (f) => { f.sockets = { ok: true, value: { mptcp: 0, tcp: 7 } }; },
    status: "warn",
    summary: /0 MPTCP and 7 plain TCP.*no application uses MPTCP/,
    fix: /IPPROTO_MPTCP[\s\S]*mptcpize run CMD[\s\S]*installed \(\/usr\/bin\/mptcpize\)[\s\S]*GODEBUG=multipathtcp=1[\s\S]*available on this kernel/,
  },
  {
    name: "no mptcpize, kernel before eBPF forcing",
    id: "apps.connections",
    change: (f) => { f.sockets = { ok: true, value: { mptcp: 0, tcp: 0 } }; f.mptcpize = null; f.kernel.release = "6.1.0-18-amd64"; },
    status: "warn",
    summary: /0 MPTCP/,
    fix: /not installed: apt-get install mptcpd[\s\S]*needs Linux 6\.6, this is 6\.1\.0-18-amd64/,
  },
  // 7. self-test
  { name: "self-test negotiated", id: "selftest", change: () => {}, status: "ok", summary: /MPTCP negotiated.*\(48 ms\)/ },
  { name: "self-test fell back", id: "selftest", change: (f) => { f.selfTest = { ran: true, negotiated: false, durationMs: 51, detail: "fell back to plain TCP (MPCapableFallbackSYNACK=1)", counters: {} }; }, status: "fail", summary: /not negotiated.*MPCapableFallbackSYNACK/ },
  { name: "self-test could not run", id: "selftest", change: (f) => { f.selfTest = { ran: false, reason: "unshare: unshare failed: Operation not permitted" }; }, status: "warn", summary: /not run: unshare/ },
];

describe("evaluate", () => {
  it.each(cases)("$id: $name", ({ id, change, status, summary, fix }) => {
    const facts = healthyFacts();
    change(facts);
    const finding = findingFor(facts, id);
    expect(finding.status).toBe(status);
    expect(finding.summary).toMatch(summary);
    if (fix) expect(finding.fix).toMatch(fix);
    // Every problem says how to fix it, unless the fact itself could not be measured.
    if (status !== "ok" && !finding.summary.startsWith("not measured")) expect(finding.fix).toBeTruthy();
  });

  it("gives one line per check, in the documented order, for a healthy machine, all ok", () => {
    const findings = evaluate(healthyFacts());
    expect(findings.map((f) => f.id)).toEqual([...CHECK_IDS]);
    expect(findings.filter((f) => f.status !== "ok")).toEqual([]);
    expect(exitStatus(findings)).toBe(0);
  });

  it("leaves the self-test line out when it was not asked for", () => {
    const facts = healthyFacts();
    delete facts.selfTest;
    expect(evaluate(facts).map((f) => f.id)).not.toContain("selftest");
  });

  it("exits 0 on warnings and 1 on a failure", () => {
    const warned = healthyFacts();
    warned.kernel.mptcp.pmType = 1;
    expect(exitStatus(evaluate(warned))).toBe(0);
    const failed = healthyFacts();
    failed.mptcpdPids = [1];
    expect(exitStatus(evaluate(failed))).toBe(1);
  });
});
