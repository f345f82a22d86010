// Real kernel, real iproute2: hand-written plans applied through the resident batches in a
// namespace with veth links (no NetworkManager needed), read back with `ip -n NS -j`.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyPlan, type ApplyDeps } from "../../src/apply/apply.js";
import { openIpBatch, ipProcessCount, type IpBatch } from "../../src/kernel/ip.js";
import type { Operation, Plan, RouteEntry, RuleEntry } from "../../src/model/types.js";
import { describeNeeding, netnsPrerequisites } from "../rig/needs.js";

const run = promisify(execFile);
const PROTO = 203;
const reason = { device: "test", rule: "test" };

const tag = randomBytes(3).toString("hex");
const HOST = `apl-${tag}-h`;
const PEER = `apl-${tag}-p`;

const ip = (...args: string[]) => run("ip", args);
const json = async <T>(...args: string[]): Promise<T> => JSON.parse((await ip("-n", HOST, "-j", ...args)).stdout || "[]") as T;

interface Link { dev: string; addr4: string; gw4: string; addr6: string; gw6: string; table: number; net: number }
const link = (i: number): Link => ({
  dev: `l${i}`, addr4: `10.77.${i}.2`, gw4: `10.77.${i}.1`, addr6: `fd77:${i}::2`, gw6: `fd77:${i}::1`, table: 1000 + i, net: i,
});

async function addLinks(links: Link[]): Promise<void> {
  for (const l of links) {
    await ip("-n", HOST, "link", "add", l.dev, "type", "veth", "peer", "name", `${l.dev}p`, "netns", PEER);
    await ip("-n", HOST, "addr", "add", `${l.addr4}/24`, "dev", l.dev);
    await ip("-n", HOST, "addr", "add", `${l.addr6}/64`, "dev", l.dev, "nodad");
    await ip("-n", PEER, "addr", "add", `${l.gw4}/24`, "dev", `${l.dev}p`);
    await ip("-n", PEER, "addr", "add", `${l.gw6}/64`, "dev", `${l.dev}p`, "nodad");
    await ip("-n", HOST, "link", "set", l.dev, "up");
    await ip("-n", PEER, "link", "set", `${l.dev}p`, "up");
  }
}

function routingOps(l: Link): { routes: RouteEntry[]; rules: RuleEntry[] } {
  const base = { dev: l.dev, table: l.table, protocol: PROTO };
  return {
    routes: [
      { ...base, family: "ipv4", dst: `10.77.${l.net}.0/24`, scope: "link", src: l.addr4 },
      { ...base, family: "ipv4", dst: "default", gateway: l.gw4 },
      { ...base, family: "ipv6", dst: `fd77:${l.net}::/64`, src: l.addr6 },
      { ...base, family: "ipv6", dst: "default", gateway: l.gw6 },
    ],
    rules: [
      { family: "ipv4", from: l.addr4, table: l.table, priority: 5000, protocol: PROTO },
      { family: "ipv6", from: l.addr6, table: l.table, priority: 5000, protocol: PROTO },
    ],
  };
}

/** The kernel holds at most 8 endpoints per namespace (MPTCP_PM_ADDR_MAX; the 9th add gets ERANGE). */
const MAX_ENDPOINTS = 8;

/**
 * The plan a planner would make for fresh links: rp_filter, routing, then endpoints (a v6 signal
 * endpoint with a port on the first link, v4 subflow backup on the others while the kernel has
 * room), then limits.
 */
function setupPlan(links: Link[]): Plan {
  const operations: Operation[] = links.map((l) => ({ op: "rp-filter-set", ifname: l.dev, value: 2, reason }));
  for (const l of links) {
    const { routes, rules } = routingOps(l);
    operations.push(...routes.map((route): Operation => ({ op: "route-add", route, reason })));
    operations.push(...rules.map((rule): Operation => ({ op: "rule-add", rule, reason })));
  }
  operations.push({ op: "endpoint-add", endpoint: { id: 99, address: links[0]!.addr6, dev: links[0]!.dev, port: 5000, flags: ["signal"] }, reason });
  links.slice(0, MAX_ENDPOINTS - 1).forEach((l, i) => {
    operations.push({ op: "endpoint-add", endpoint: { id: 100 + i, address: l.addr4, dev: l.dev, flags: ["subflow", "backup"] }, reason });
  });
  operations.push({ op: "limits-set", limits: { subflows: Math.min(links.length, 8), addAddrAccepted: 2 }, reason: "policy" });
  return { operations, conflicts: [] };
}

function deps(batches: Record<"ipv4" | "ipv6", IpBatch>): ApplyDeps {
  return {
    batches,
    // sysctl.ts is not there yet: the test writes through `ip netns exec`, as a writer would inside it.
    writeRpFilter: async (ifname, value) => {
      await run("ip", ["netns", "exec", HOST, "sysctl", "-q", "-w", `net.ipv4.conf.${ifname}.rp_filter=${value}`]);
    },
  };
}

const openBatches = () => ({
  ipv4: openIpBatch({ netns: HOST, family: "inet" }),
  ipv6: openIpBatch({ netns: HOST, family: "inet6" }),
});

async function closeBatches(b: Record<"ipv4" | "ipv6", IpBatch>): Promise<void> {
  await Promise.all([b.ipv4.close(), b.ipv6.close()]);
}

describeNeeding(netnsPrerequisites(), "applyPlan against the kernel", () => {
  const links = [1, 2, 3].map(link);
  let batches: Record<"ipv4" | "ipv6", IpBatch>;

  beforeAll(async () => {
    await ip("netns", "add", HOST);
    await ip("netns", "add", PEER);
    await ip("-n", HOST, "link", "set", "lo", "up");
    await run("ip", ["netns", "exec", PEER, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1"]);
    await addLinks(links);
    batches = openBatches();
  });

  afterAll(async () => {
    await closeBatches(batches).catch(() => undefined);
    await ip("netns", "del", HOST).catch(() => undefined);
    await ip("netns", "del", PEER).catch(() => undefined);
  });

  it("applies routes, rules (v4 and v6), endpoints, limits and rp_filter for 3 links with 2 ip processes", async () => {
    const before = ipProcessCount();
    const result = await applyPlan(setupPlan(links), deps(batches));
    expect(result.failed).toEqual([]);
    expect(ipProcessCount() - before).toBe(2);

    for (const l of links) {
      expect(await json("route", "show", "table", String(l.table))).toEqual(expect.arrayContaining([
        expect.objectContaining({ dst: "default", gateway: l.gw4, dev: l.dev, protocol: String(PROTO) }),
        expect.objectContaining({ dst: `10.77.${l.net}.0/24`, dev: l.dev, scope: "link", prefsrc: l.addr4, protocol: String(PROTO) }),
      ]));
      expect(await json("-6", "route", "show", "table", String(l.table))).toEqual(expect.arrayContaining([
        expect.objectContaining({ dst: "default", gateway: l.gw6, dev: l.dev, protocol: String(PROTO) }),
        expect.objectContaining({ dst: `fd77:${l.net}::/64`, dev: l.dev, prefsrc: l.addr6, protocol: String(PROTO) }),
      ]));
      const sysctl = await run("ip", ["netns", "exec", HOST, "sysctl", "-n", `net.ipv4.conf.${l.dev}.rp_filter`]);
      expect(sysctl.stdout.trim()).toBe("2");
    }
    const rule = (from: string, table: number) => ({ priority: 5000, src: from, table: String(table), protocol: String(PROTO) });
    expect(await json("rule", "show")).toEqual(expect.arrayContaining(links.map((l) => rule(l.addr4, l.table))));
    expect(await json("-6", "rule", "show")).toEqual(expect.arrayContaining(links.map((l) => rule(l.addr6, l.table))));
    expect(await json("mptcp", "endpoint", "show")).toEqual([
      { address: links[0]!.addr6, id: 99, port: 5000, signal: true, dev: links[0]!.dev },
      ...links.map((l, i) => ({ address: l.addr4, id: 100 + i, subflow: true, backup: true, dev: l.dev })),
    ].sort((a, b) => a.id - b.id));
    expect((await ip("-n", HOST, "mptcp", "limits", "show")).stdout).toMatch(/add_addr_accepted 2 subflows 3/);
  });

  it("changes backup in place, with no new ip process", async () => {
    const before = ipProcessCount();
    const result = await applyPlan({ operations: [{ op: "endpoint-change", id: 100, address: links[0]!.addr4, backup: false, reason }], conflicts: [] },
      deps(batches));
    expect(result).toEqual({ applied: [expect.objectContaining({ op: "endpoint-change" })], failed: [] });
    expect(ipProcessCount()).toBe(before);
    expect(await json("mptcp", "endpoint", "show")).toContainEqual({ address: links[0]!.addr4, id: 100, subflow: true, dev: links[0]!.dev });
  });

  it("applies the rest of a plan with a bad op and names the failed op", async () => {
    const l = links[1]!;
    const bad: RouteEntry = { family: "ipv4", table: 1100, dst: "default", dev: l.dev, gateway: "10.99.99.1", protocol: PROTO };
    const good: RouteEntry = { family: "ipv4", table: 1101, dst: "default", dev: l.dev, gateway: l.gw4, protocol: PROTO };
    const duplicate: Operation = { op: "endpoint-add", endpoint: { id: 150, address: l.addr4, flags: ["subflow"] }, reason };
    const operations: Operation[] = [
      { op: "route-add", route: bad, reason },
      { op: "rule-add", rule: { family: "ipv4", from: l.addr4, table: 1100, priority: 5001, protocol: PROTO }, reason },
      { op: "route-add", route: good, reason },
      duplicate,
      { op: "endpoint-change", id: 199, address: "10.77.9.9", backup: true, reason },
    ];
    const result = await applyPlan({ operations, conflicts: [] }, deps(batches));
    expect(result.applied).toEqual([operations[1], operations[2]]);
    expect(result.failed).toEqual([
      { op: operations[0], message: expect.stringMatching(/gateway|unreachable/i) },
      { op: duplicate, message: expect.stringMatching(/duplicate/) },
      { op: operations[4], message: expect.stringMatching(/not found/) },
    ]);
    expect(await json("route", "show", "table", "1101")).toEqual([expect.objectContaining({ gateway: l.gw4 })]);
    expect(await json("route", "show", "table", "1100")).toEqual([]);
    expect(await json("rule", "show")).toContainEqual(expect.objectContaining({ priority: 5001, table: "1100" }));
  });

  it("survives ip exiting on a line: the lines after it run on a fresh process", async () => {
    const l = links[0]!;
    // A malformed op (IPv6 prefix said to be IPv4) makes the `-4` process exit, not just fail the line.
    const malformed: RouteEntry = { family: "ipv4", table: 1200, dst: "fd77:9::/64", dev: l.dev, protocol: PROTO };
    const after: RouteEntry = { family: "ipv4", table: 1201, dst: "default", dev: l.dev, gateway: l.gw4, protocol: PROTO };
    const operations: Operation[] = [{ op: "route-add", route: malformed, reason }, { op: "route-add", route: after, reason }];
    const before = ipProcessCount();
    const result = await applyPlan({ operations, conflicts: [] }, deps(batches));
    expect(result.applied).toEqual([operations[1]]);
    expect(result.failed).toEqual([{ op: operations[0], message: expect.stringMatching(/inet prefix is expected/) }]);
    expect(ipProcessCount() - before).toBe(1);
    expect(await json("route", "show", "table", "1201")).toEqual([expect.objectContaining({ gateway: l.gw4 })]);
  });

  it("deletes exactly its own objects, and deleting them again counts as done", async () => {
    const l = links[2]!;
    const { routes, rules } = routingOps(l);
    const deletes: Operation[] = [
      { op: "endpoint-delete", id: 102, address: l.addr4, reason: "not wanted" },
      { op: "endpoint-delete", id: 99, address: links[0]!.addr6, reason: "not wanted" },
      ...rules.map((rule): Operation => ({ op: "rule-delete", rule, reason: "not wanted" })),
      ...routes.map((route): Operation => ({ op: "route-delete", route, reason: "not wanted" })),
    ];
    const first = await applyPlan({ operations: deletes, conflicts: [] }, deps(batches));
    expect(first).toEqual({ applied: deletes, failed: [] });

    expect(await json("route", "show", "table", String(l.table))).toEqual([]);
    expect(await json("-6", "route", "show", "table", String(l.table))).toEqual([]);
    const ids = (await json<{ id: number }[]>("mptcp", "endpoint", "show")).map((e) => e.id).sort((a, b) => a - b);
    expect(ids).toEqual([100, 101]);
    const v4Rules = await json<{ src?: string }[]>("rule", "show");
    expect(v4Rules.map((r) => r.src)).toEqual(expect.arrayContaining([links[0]!.addr4, links[1]!.addr4]));
    expect(v4Rules.map((r) => r.src)).not.toContain(l.addr4);
    expect((await json<{ src?: string }[]>("-6", "rule", "show")).map((r) => r.src)).not.toContain(l.addr6);
    // The other links' tables are untouched.
    expect(await json("route", "show", "table", String(links[0]!.table))).toHaveLength(2);

    const again = await applyPlan({ operations: deletes, conflicts: [] }, deps(batches));
    expect(again).toEqual({ applied: deletes, failed: [] });
  });

  it.each([3, 16])("counts ip processes for a plan of %i links on fresh batches", async (count) => {
    const ns = `apl-${randomBytes(3).toString("hex")}`;
    const nsLinks = Array.from({ length: count }, (_, i) => link(20 + i));
    // A namespace of its own so that the counts are not blurred by the links above.
    await ip("netns", "add", ns);
    const fresh = { ipv4: openIpBatch({ netns: ns, family: "inet" }), ipv6: openIpBatch({ netns: ns, family: "inet6" }) };
    try {
      for (const l of nsLinks) {
        await ip("-n", ns, "link", "add", l.dev, "type", "veth", "peer", "name", `${l.dev}p`);
        await ip("-n", ns, "addr", "add", `${l.addr4}/24`, "dev", l.dev);
        await ip("-n", ns, "addr", "add", `${l.addr6}/64`, "dev", l.dev, "nodad");
        await ip("-n", ns, "link", "set", l.dev, "up");
      }
      const plan = setupPlan(nsLinks);
      plan.operations = plan.operations.filter((op) => op.op !== "rp-filter-set");
      const before = ipProcessCount();
      const began = performance.now();
      const result = await applyPlan(plan, { batches: fresh, writeRpFilter: async () => {} });
      const ms = performance.now() - began;
      expect(result.failed).toEqual([]);
      const spawned = ipProcessCount() - before;
      console.log(`apply: ${count} links, ${plan.operations.length} ops: ${spawned} ip processes, ${ms.toFixed(1)} ms`);
      expect(spawned).toBe(2);
      expect((await ip("-n", ns, "-j", "mptcp", "endpoint", "show")).stdout.match(/"id"/g)).toHaveLength(Math.min(count + 1, MAX_ENDPOINTS));
      expect((await ip("-n", ns, "-j", "-6", "rule", "show")).stdout.match(/"protocol":"203"/g)).toHaveLength(count);
    } finally {
      await closeBatches(fresh).catch(() => undefined);
      await ip("netns", "del", ns).catch(() => undefined);
    }
  });
});
