// Real `ip` processes against a throw-away namespace: the framing of a resident batch is what is tested.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  IpBatchDiedError, IpLineError, ipOnce, ipProcessCount, openIpBatch, spawnIpMonitor, type IpBatch,
} from "../../../src/kernel/ip.js";
import { describeNeeding, netnsPrerequisites } from "../../rig/needs.js";
import { makeNetns } from "./netns.js";

describeNeeding(netnsPrerequisites(), "kernel/ip (creates a network namespace)", () => {
  let ns: ReturnType<typeof makeNetns>;
  const batches: IpBatch[] = [];
  const open = (opts: Parameters<typeof openIpBatch>[0] = {}) => {
    const b = openIpBatch({ netns: ns.name, ...opts });
    batches.push(b);
    return b;
  };

  beforeAll(() => {
    ns = makeNetns();
    ns.ip("link", "set", "lo", "up");
    for (let i = 0; i < 4; i++) {
      ns.ip("link", "add", `v${i}`, "type", "veth", "peer", "name", `p${i}`);
      ns.ip("addr", "add", `10.0.${i}.2/24`, "dev", `v${i}`);
    }
    // Enough addresses for a dump far larger than a pipe read (64 KiB).
    const adds = Array.from({ length: 700 }, (_, i) => `addr add 10.9.${i >> 8}.${i & 255}/32 dev p0`);
    execFileSync("ip", ["-n", ns.name, "-batch", "-"], { input: `${adds.join("\n")}\n` });
  });
  afterAll(async () => {
    // The namespace goes first, so that a batch that never closes cannot leave it behind.
    ns?.del();
    await Promise.all(batches.map((b) => b.close().catch(() => undefined)));
  });

  it.each([
    { name: "text", opts: {} },
    { name: "json", opts: { json: true } },
    { name: "-4 text", opts: { family: "inet" as const } },
    { name: "-4 json", opts: { family: "inet" as const, json: true } },
    { name: "-6 text", opts: { family: "inet6" as const } },
    { name: "-6 json", opts: { family: "inet6" as const, json: true } },
  ])("$name: outputs per line, empty outputs and failures in the middle", async ({ opts }) => {
    const b = open(opts);
    const r = await b.run([
      ["link", "show", "dev", "v1"],
      ["route", "show", "table", "77"], // nothing printed in text mode, "[]" in JSON
      ["link", "show", "dev", "nosuch"],
      ["mptcp", "limits", "show"],
      ["bogus"],
      ["link", "show", "dev", "v2"],
    ]);
    expect(r.outputs).toHaveLength(6);
    expect(r.outputs[0]).toContain("v1");
    expect(r.outputs[0]).not.toContain("v2");
    expect(r.outputs[1]).toBe(opts.json === true ? "[]\n" : "");
    expect(r.outputs[2]).toBe("");
    expect(r.outputs[3]).toMatch(/^add_addr_accepted \d+ subflows \d+ \n$/);
    expect(r.outputs[4]).toBe("");
    expect(r.outputs[5]).toContain("v2");
    expect(r.failures).toEqual([
      { index: 2, message: 'Device "nosuch" does not exist.' },
      { index: 4, message: 'Object "bogus" is unknown, try "ip help".' },
    ]);
  });

  it("keeps line numbers right across many groups queued at once", async () => {
    const b = open({ json: true });
    const groups = Array.from({ length: 200 }, (_, g) => {
      const dev = `v${g % 4}`;
      return g % 3 === 0
        ? [["link", "show", "dev", dev], ["link", "show", "dev", `nosuch${g}`]]
        : [["addr", "show", "dev", dev]];
    });
    const results = await Promise.all(groups.map((lines) => b.run(lines)));
    results.forEach((r, g) => {
      const parsed = JSON.parse(r.outputs[0]!) as { ifname: string }[];
      expect(parsed.map((l) => l.ifname)).toEqual([`v${g % 4}`]);
      if (g % 3 === 0) {
        expect(r.outputs[1]).toBe("");
        expect(r.failures).toEqual([{ index: 1, message: `Device "nosuch${g}" does not exist.` }]);
      } else {
        expect(r.failures).toEqual([]);
      }
    });
  });

  it("passes an output larger than a pipe read intact", async () => {
    const b = open({ json: true });
    const r = await b.run([["addr", "show", "dev", "p0"], ["link", "show", "dev", "v3"]]);
    expect(r.outputs[0]!.length).toBeGreaterThan(65536);
    const addrInfo = (JSON.parse(r.outputs[0]!) as { addr_info: unknown[] }[])[0]!.addr_info;
    expect(addrInfo.filter((a) => (a as { family: string }).family === "inet")).toHaveLength(700);
    expect(JSON.parse(r.outputs[1]!)).toMatchObject([{ ifname: "v3" }]);
  });

  it.each([
    { name: "-4 text", opts: { family: "inet" as const }, net: "10.8.0" },
    { name: "-4 json", opts: { family: "inet" as const, json: true }, net: "10.7.0" },
  ])("$name: a get or change after an earlier group answers for itself (iproute2 6.12+ leaves the marker's ack unread)", async ({ opts, net }) => {
    const b = open(opts);
    await b.run([["link", "show", "dev", "v0"]]);
    const r = await b.run([
      ["route", "get", "127.0.0.5"],
      ["route", "add", `${net}.0/24`, "dev", "lo"],
      ["route", "add", `${net}.0/24`, "dev", "lo"],
      ["route", "get", `${net}.9`],
    ]);
    expect(r.failures.map((f) => f.index)).toEqual([2]);
    expect(r.failures[0]!.message).toMatch(/File exists/);
    expect(r.outputs[0]).toMatch(/^(\[\{"type":"local","dst":"127\.0\.0\.5"|local 127\.0\.0\.5 dev lo)/);
    expect(r.outputs[3]).toMatch(new RegExp(`^(\\[\\{"dst":"${net}\\.9","dev":"lo"|${net}\\.9 dev lo)`));
  });

  it("keeps later JSON answers intact after a dump failed half way, on the same process", async () => {
    // addrlabel is IPv6-only: under -4 the dump fails after ip opened its JSON document, which 6.1 leaves open.
    const b = open({ family: "inet", json: true });
    await b.run([["link", "show", "dev", "v0"]]);
    const before = ipProcessCount();
    const r = await b.run([["addrlabel", "list"], ["route", "show", "table", "77"], ["addrlabel", "list"]]);
    expect(r.failures.map((f) => f.index)).toEqual([0, 2]);
    // 6.1 leaves the failed dump's document open ("["); 6.15 closes it ("[]").
    expect([["[", "[]\n", "["], ["[]\n", "[]\n", "[]\n"]]).toContainEqual(r.outputs);
    const next = await b.run([["mptcp", "limits", "show"], ["link", "show", "dev", "v0"]]);
    expect(next.outputs[0]).toMatch(/^add_addr_accepted \d+ subflows \d+ \n$/);
    expect(JSON.parse(next.outputs[1]!)).toMatchObject([{ ifname: "v0" }]);
    expect(ipProcessCount()).toBe(before);
  });

  it("rejects only when the process dies, then starts a new one", async () => {
    const b = open({ family: "inet" });
    await b.run([["link", "show", "dev", "v0"]]);
    const before = ipProcessCount();
    // iproute2 exits outright (not "Command failed") on an address of the other family.
    const err = await b.run([["link", "show", "dev", "v0"], ["route", "get", "::1"], ["link", "show", "dev", "v1"]]).catch((e) => e);
    expect(err).toBeInstanceOf(IpBatchDiedError);
    expect(err.index).toBe(1);
    expect(err.message).toContain("inet prefix is expected");
    expect(err.partial.outputs).toHaveLength(1);
    expect(err.partial.outputs[0]).toContain("v0");
    const again = await b.run([["link", "show", "dev", "v1"]]);
    expect(again.outputs[0]).toContain("v1");
    expect(ipProcessCount()).toBe(before + 1);
  });

  it("runs groups on one process", async () => {
    const b = open({ json: true });
    await b.run([["link", "show"]]);
    const before = ipProcessCount();
    for (let i = 0; i < 20; i++) await b.run([["mptcp", "endpoint", "show"], ["rule", "show"]]);
    expect(ipProcessCount()).toBe(before);
  });

  it.each([
    { name: "whitespace", line: ["link", "show", "dev", "v0 v1"] },
    { name: "newline", line: ["link", "show\nbogus"] },
    { name: "quote", line: ["link", "show", 'dev"'] },
    { name: "comment", line: ["link", "show", "#"] },
    { name: "continuation", line: ["link", "show", "\\"] },
    { name: "empty argument", line: ["link", ""] },
    { name: "empty line", line: [] },
    { name: "the reserved marker object", line: ["netconf", "show"] },
  ])("refuses a line with $name before running anything", async ({ line }) => {
    const b = open();
    const before = ipProcessCount();
    await expect(b.run([["link", "show"], line])).rejects.toBeInstanceOf(IpLineError);
    expect(ipProcessCount()).toBe(before);
  });

  it("prestart starts the process once, and the runs after it use that process", async () => {
    const b = open();
    const before = ipProcessCount();
    b.prestart();
    b.prestart();
    expect(ipProcessCount()).toBe(before + 1);
    expect((await b.run([["link", "show", "dev", "v0"]])).failures).toEqual([]);
    expect(ipProcessCount()).toBe(before + 1);
  });

  it("close ends the process; later runs are refused", async () => {
    const b = open();
    await b.run([["link", "show"]]);
    await b.close();
    await expect(b.run([["link", "show"]])).rejects.toThrow(/closed/);
  });

  it("ipOnce returns stdout, stderr and the exit code", async () => {
    const ok = await ipOnce(["-j", "link", "show", "dev", "v0"], { netns: ns.name });
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject([{ ifname: "v0" }]);
    const bad = await ipOnce(["link", "show", "dev", "nosuch"], { netns: ns.name });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain('Device "nosuch" does not exist.');
  });

  it("spawnIpMonitor hands over each line as the kernel reports it", async () => {
    const lines: string[] = [];
    let subscribed!: () => void;
    const listening = new Promise<void>((resolve) => (subscribed = resolve));
    const seen = new Promise<void>((resolve) => {
      const mon = spawnIpMonitor(["address"], (line) => {
        lines.push(line);
        if (line.includes("10.0.3.8/32")) subscribed();
        if (line.includes("10.0.3.9/24")) void mon.stop().then(resolve);
      }, { netns: ns.name });
    });
    // ip monitor says nothing when it has subscribed: flip a sentinel address until it reports one, so the
    // change under test is made only once it is listening (no guessed delay).
    for (let heard = false; !heard; ) {
      ns.ip("addr", "add", "10.0.3.8/32", "dev", "v3");
      ns.ip("addr", "del", "10.0.3.8/32", "dev", "v3");
      heard = await Promise.race([listening.then(() => true), new Promise<false>((r) => setTimeout(r, 20, false))]);
    }
    ns.ip("addr", "add", "10.0.3.9/24", "dev", "v3");
    await seen;
    expect(lines.filter((l) => /^\d+: v3\s+inet 10\.0\.3\.9\/24/.test(l))).toHaveLength(1);
  });
});
