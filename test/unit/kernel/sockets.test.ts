import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSubflows } from "../../../src/kernel/sockets.js";

/** `ss -tinH` recorded from real MPTCP traffic by test/fixtures/ss/record.ts. */
const recorded = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/ss/${name}.txt`, import.meta.url)), "utf8");

describe("parseSubflows", () => {
  it("reads no subflow when no socket is open", () => {
    expect(parseSubflows(recorded("idle"))).toEqual([]);
  });

  it("reads the initial subflow and a joined backup subflow bound to its device, with their counters", () => {
    const [initial, joined] = parseSubflows(recorded("primary-up"));
    expect(initial).toEqual({
      state: "ESTAB", local: "10.234.1.2", localPort: 37252, peer: "10.234.1.1", peerPort: 5201,
      token: "f93b912e", backup: false, bytesSent: 24924928, bytesReceived: 0,
    });
    // No bytes_sent on the idle backup subflow: ss leaves zero counters out.
    expect(joined).toEqual({
      state: "ESTAB", local: "10.234.2.2", localPort: 43499, peer: "10.234.1.1", peerPort: 5201, boundDev: "lte0",
      token: "f93b912e", backup: true, bytesSent: 0, bytesReceived: 0,
    });
  });

  it("reads the same subflows after the failover, the backup one now carrying", () => {
    const subflows = parseSubflows(recorded("failover"));
    expect(subflows.map((s) => [s.local, s.backup, s.bytesSent])).toEqual([
      ["10.234.1.2", false, 24927808],
      ["10.234.2.2", true, 47091192],
    ]);
  });

  it("reads IPv6 addresses in brackets and bytes received", () => {
    expect(parseSubflows(recorded("ipv6-incoming"))).toEqual([{
      state: "ESTAB", local: "fd00:234:1::2", localPort: 5202, peer: "fd00:234:1::1", peerPort: 50722,
      token: "5f23ee53", backup: false, bytesSent: 0, bytesReceived: 1850512,
    }]);
  });

  it.each([
    { name: "skips plain TCP sockets", text: "ESTAB 0 0 10.0.0.2:22 10.0.0.9:50000\n\t cubic wscale:7,7 bytes_sent:100 bytes_received:50\n", want: [] },
    { name: "reads a socket whose peer asked for backup (B)", text: "ESTAB 0 0 10.0.0.2:1 10.0.0.9:2\n\t bytes_sent:7 tcp-ulp-mptcp flags:JjBec token:1(id:0)/2(id:3)\n", want: [{ local: "10.0.0.2", backup: true }] },
    { name: "writes an IPv4-mapped IPv6 address as IPv4", text: "ESTAB 0 0 [::ffff:10.0.0.2]:80 [::ffff:10.0.0.9]:2\n\t tcp-ulp-mptcp flags:Mec token:0(id:0)/2(id:0)\n", want: [{ local: "10.0.0.2", backup: false }] },
  ])("$name", ({ text, want }) => {
    expect(parseSubflows(text).map(({ local, backup }) => ({ local, backup }))).toEqual(want);
  });

  it.each([
    { text: "\t bytes_sent:1 tcp-ulp-mptcp\n", error: /line 1: info line without a socket/ },
    { text: "ESTAB 0 0 10.0.0.2:1\n\t tcp-ulp-mptcp flags:Mec\n", error: /line 1: expected state, queues and two addresses/ },
    { text: "ESTAB 0 0 somewhere 10.0.0.9:2\n\t tcp-ulp-mptcp flags:Mec\n", error: /line 1: cannot read the address "somewhere"/ },
  ])("names the line it cannot read: $error", ({ text, error }) => {
    expect(() => parseSubflows(text)).toThrow(error);
  });
});
