// Records case directories whose kernel.json is a real kernel's dump, not written by hand (run as root:
// `npx tsx test/cases/record-kernel.ts`, then `npm run update:cases` and review the plans). The devices are
// the veth links recorded from NetworkManager (test/fixtures/nm); their addresses and NetworkManager's
// default routes are made in a throw-away namespace, the policy is applied through the resident ip
// processes, and the kernel is read back, so our IPv4 and IPv6 tables, rules and routes are in place and
// mainDefaults holds the main table's default routes.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelState, NmSnapshot, Policy } from "../../src/model/types.js";
import { toNmDevice, type RawDevice } from "../../src/nm/snapshot.js";
import { parsePolicyText } from "../../src/policy/parse.js";
import { openKernelIo, readCurrent, reconcile } from "../../src/reconcile.js";
import { casesDir } from "./cases.js";

const POLICY = `version: 1
rules:
  - name: wired
    match: { interface: "wan*" }
    endpoint: { flags: [subflow] }
  - name: metered
    match: { metered: true }
    endpoint: { flags: [subflow, backup] }
addresses:
  # The recorded links' IPv6 addresses are ULA (fd00::/8), which the default skips.
  skip: [link-local]
`;

const recorded = (name: string) =>
  toNmDevice(JSON.parse(readFileSync(new URL(`../fixtures/nm/${name}.json`, import.meta.url), "utf8")) as RawDevice);

const ns = `rec-${randomBytes(3).toString("hex")}`;
const ip = (...args: string[]) => execFileSync("ip", ["-n", ns, ...args], { encoding: "utf8" });

function save(name: string, snapshot: NmSnapshot, policy: Policy, kernel: KernelState): void {
  const dir = join(casesDir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, value] of [["snapshot.json", snapshot], ["policy.json", policy], ["kernel.json", kernel]] as const) {
    writeFileSync(join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
  }
  console.log(`recorded test/cases/${name}`);
}

const parsed = parsePolicyText(POLICY, "record-kernel.ts");
if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
const policy = parsed.policy;
const snapshot: NmSnapshot = { devices: [recorded("veth-ethernet-ipv6"), recorded("veth-metered-never-default")], version: "1.42.4" };

execFileSync("ip", ["netns", "add", ns]);
const io = openKernelIo({ netns: ns });
try {
  ip("link", "set", "lo", "up");
  for (const d of snapshot.devices) {
    ip("link", "add", d.interface, "type", "veth", "peer", "name", `${d.interface}p`);
    ip("link", "set", `${d.interface}p`, "up");
    ip("link", "set", d.interface, "up");
    for (const a of d.ip4.addresses) ip("addr", "add", `${a.address}/${a.prefix}`, "dev", d.interface);
    for (const a of d.ip6.addresses) {
      if (!a.address.startsWith("fe80:")) ip("addr", "add", `${a.address}/${a.prefix}`, "dev", d.interface, "nodad");
    }
    // NetworkManager's default routes in the main table, for the link that has a gateway.
    if (d.ip4.gateway) ip("route", "add", "default", "via", d.ip4.gateway, "dev", d.interface, "metric", "100");
    if (d.ip6.gateway) ip("-6", "route", "add", "default", "via", d.ip6.gateway, "dev", d.interface, "metric", "100");
  }
  const outcome = await reconcile(snapshot, policy, io);
  if (outcome.applied.failed.length > 0 || outcome.remaining.length > 0) throw new Error(`apply did not converge: ${JSON.stringify(outcome)}`);
  save("recorded-dual-stack-in-sync", snapshot, policy, await readCurrent(io, policy.marks));

  // NetworkManager took lte0 down: its address is gone from the kernel and the device from the snapshot,
  // while our endpoint, rule and table for it are still there.
  const lte = snapshot.devices.find((d) => d.interface === "lte0")!;
  for (const a of lte.ip4.addresses) ip("addr", "del", `${a.address}/${a.prefix}`, "dev", "lte0");
  const gone = { ...snapshot, devices: snapshot.devices.filter((d) => d !== lte) };
  save("recorded-link-down-sweeps-its-objects", gone, policy, await readCurrent(io, policy.marks));
} finally {
  await io.close();
  execFileSync("ip", ["netns", "del", ns]);
}
