import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAddresses } from "../../../src/kernel/addresses.js";
import { parseSubflows, type Subflow } from "../../../src/kernel/sockets.js";
import { bytesBetween, trafficByDevice, trafficSummary, trafficWithRates, type TrafficLink } from "../../../src/traffic.js";

const file = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/ss/${name}`, import.meta.url)), "utf8");
/** A recording of test/fixtures/ss/record.ts: the subflows and the addresses at the same moment. */
const recorded = (name: string) => ({ subflows: parseSubflows(file(`${name}.txt`)), addresses: parseAddresses(file(`${name}.addresses.json`)) });

describe("trafficByDevice", () => {
  it("has nothing without subflows", () => {
    const { subflows, addresses } = recorded("idle");
    expect(trafficByDevice(subflows, addresses)).toEqual(new Map());
  });

  it("puts the initial subflow on the device of its address and the backup subflow on lte0", () => {
    const { subflows, addresses } = recorded("primary-up");
    expect(Object.fromEntries(trafficByDevice(subflows, addresses))).toEqual({
      wan0: { subflows: 1, backupSubflows: 0, bytesSent: 24924928, bytesReceived: 0 },
      lte0: { subflows: 1, backupSubflows: 1, bytesSent: 0, bytesReceived: 0 },
    });
  });

  it("finds the device of an IPv6 subflow by its address", () => {
    const { subflows, addresses } = recorded("ipv6-incoming");
    expect(trafficByDevice(subflows, addresses).get("wan0")).toMatchObject({ subflows: 1, bytesReceived: 1850512 });
  });

  it("leaves out a subflow whose address no device holds (loopback, gone meanwhile)", () => {
    const { subflows } = recorded("primary-up");
    expect(trafficByDevice(subflows.filter((s) => s.boundDev === undefined), [])).toEqual(new Map());
  });
});

describe("bytesBetween and rates", () => {
  const up = recorded("primary-up");
  const failover = recorded("failover");

  it("counts what each subflow moved between the recordings", () => {
    expect(Object.fromEntries(bytesBetween(up.subflows, failover.subflows, up.addresses))).toEqual({
      wan0: { sent: 24927808 - 24924928, received: 0 },
      lte0: { sent: 47091192, received: 0 },
    });
  });

  it("never goes backwards when a subflow closes, and counts a reopened one from zero", () => {
    const [wan, lte] = failover.subflows as [Subflow, Subflow];
    expect(Object.fromEntries(bytesBetween(failover.subflows, [lte], up.addresses))).toEqual({ lte0: { sent: 0, received: 0 } });
    const reopened = { ...wan, bytesSent: 1000 };
    expect(bytesBetween([wan], [reopened], up.addresses).get("wan0")).toEqual({ sent: 1000, received: 0 });
  });

  it("gives rates in bytes per second over the interval", () => {
    const t = trafficWithRates(up.subflows, failover.subflows, 2, up.addresses);
    expect(t.get("lte0")).toEqual({ subflows: 1, backupSubflows: 1, bytesSent: 47091192, bytesReceived: 0, sendRate: 23545596, receiveRate: 0 });
    expect(t.get("wan0")).toMatchObject({ sendRate: 1440, receiveRate: 0 });
  });
});

describe("trafficSummary", () => {
  const link = (name: string, backup: boolean, t: Partial<TrafficLink["traffic"]>, noCarrier?: true): TrafficLink => ({
    interface: name, backup, ...(noCarrier && { noCarrier }),
    traffic: { subflows: 1, backupSubflows: backup ? 1 : 0, bytesSent: 0, bytesReceived: 0, ...t },
  });

  it.each([
    {
      name: "no subflows",
      links: [link("wan0", false, { subflows: 0 }), link("lte0", true, { subflows: 0, backupSubflows: 0 })],
      want: "no MPTCP subflows on these links",
    },
    {
      name: "subflows open but idle",
      links: [link("wan0", false, { sendRate: 0, receiveRate: 0 }), link("lte0", true, { sendRate: 0, receiveRate: 0 })],
      want: "no MPTCP traffic right now (2 subflows open)",
    },
    {
      name: "the primary carries it",
      links: [link("wan0", false, { sendRate: 998_000, receiveRate: 0 }), link("lte0", true, { sendRate: 2_000, receiveRate: 0 })],
      want: "wan0 is carrying 100 % of MPTCP traffic; lte0 (backup) 0.2 %",
    },
    {
      name: "the backup carries it, the primary lost carrier",
      links: [link("wan0", false, { sendRate: 300, receiveRate: 0 }, true), link("lte0", true, { sendRate: 9_700_000, receiveRate: 0 })],
      want: "lte0 (backup) is carrying 100 % of MPTCP traffic: wan0 has no working subflow (no carrier)",
    },
    {
      name: "the backup carries it, the primary has no subflow",
      links: [link("wan0", false, { subflows: 0, sendRate: 0, receiveRate: 0 }), link("lte0", true, { sendRate: 97, receiveRate: 0 })],
      want: "lte0 (backup) is carrying 100 % of MPTCP traffic: wan0 has no working subflow",
    },
    {
      name: "the backup carries it, the primary is disconnected",
      links: [{ ...link("wan0", false, { subflows: 0 }), down: "disconnected" }, link("lte0", true, { bytesSent: 5 })],
      want: "lte0 (backup) has carried 100 % of the bytes of the open MPTCP subflows: wan0 has no working subflow (disconnected)",
    },
    {
      name: "one sample only: the open subflows' counters",
      links: [link("wan0", false, { bytesSent: 20 }), link("lte0", true, { bytesSent: 2_980 })],
      want: "lte0 (backup) has carried 99 % of the bytes of the open MPTCP subflows: wan0 has no working subflow",
    },
  ])("$name", ({ links, want }) => {
    expect(trafficSummary(links)).toBe(want);
  });
});
