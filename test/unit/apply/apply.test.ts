import { describe, expect, it } from "vitest";
import { applyPlan } from "../../../src/apply/apply.js";
import { IpBatchDiedError, IpLineError } from "../../../src/kernel/ip.js";
import type { Operation } from "../../../src/model/types.js";
import { fakeBatch } from "./fake-batch.js";
import {
  default4, default6, endpointAdd, endpointChange, endpointDelete, limitsSet, prefix4,
  routeAdd, routeDelete, rpFilterSet, rule4, rule6, ruleAdd, ruleDelete,
} from "./ops.js";

const plan = (operations: Operation[]) => ({ operations, conflicts: [] });
const noSysctl = async () => {};

describe("applyPlan", () => {
  it("sends each family's lines in one run per step and maps failures back to their operations", async () => {
    const v4 = fakeBatch((line) => (line.startsWith("route add default") ? "Error: Nexthop has invalid gateway." : undefined));
    const v6 = fakeBatch((line) => (line.startsWith("rule add") ? "RTNETLINK answers: File exists" : undefined));
    const ops = [routeAdd(prefix4), routeAdd(default4), ruleAdd(rule4), routeAdd(default6), ruleAdd(rule6),
      endpointAdd({ id: 100, address: "10.1.1.2", dev: "wan0", flags: ["subflow"] })];

    const result = await applyPlan(plan(ops), { batches: { ipv4: v4, ipv6: v6 }, writeRpFilter: noSysctl });

    expect(v4.runs).toEqual([
      ["route add 10.1.1.0/24 dev wan0 scope link src 10.1.1.2 table 1000 proto 203",
        "route add default via 10.1.1.1 dev wan0 table 1000 proto 203",
        "rule add from 10.1.1.2/32 lookup 1000 priority 5000 protocol 203"],
      ["mptcp endpoint add 10.1.1.2 id 100 dev wan0 subflow"],
    ]);
    expect(v6.runs).toEqual([[
      "route add ::/0 via fd00:1::1 dev wan0 table 1000 proto 203",
      "rule add from fd00:1::2/128 lookup 1000 priority 5000 protocol 203",
    ]]);
    expect(result.failed).toEqual([
      { op: ops[1], message: "Error: Nexthop has invalid gateway." },
      { op: ops[4], message: "RTNETLINK answers: File exists" },
    ]);
    // The rule for a table whose route failed still runs, and so does everything unrelated.
    expect(result.applied).toEqual([ops[0], ops[2], ops[3], ops[5]]);
  });

  it.each<[string, Operation, string, "applied" | "failed"]>([
    ["endpoint-delete of a gone id", endpointDelete(100, "10.1.1.2"), "Error: address not found.", "applied"],
    ["route-delete of a gone route", routeDelete(default4), "RTNETLINK answers: No such process", "applied"],
    ["rule-delete of a gone rule", ruleDelete(rule4), "RTNETLINK answers: No such file or directory", "applied"],
    ["endpoint-change of a gone id", endpointChange(100, "10.1.1.2", true), "Error: address not found.", "failed"],
    ["endpoint-add of a taken address", endpointAdd({ id: 9, address: "10.1.1.2", flags: ["subflow"] }),
      "Error: too many addresses or duplicate one: -17.", "failed"],
    ["route-add over an existing route", routeAdd(default4), "RTNETLINK answers: File exists", "failed"],
    ["route-delete refused for another reason", routeDelete(default4), "RTNETLINK answers: Operation not permitted", "failed"],
  ])("%s counts as %s", async (_name, op, message, outcome) => {
    const batch = fakeBatch(() => message);
    const result = await applyPlan(plan([op]), { batches: { ipv4: batch, ipv6: batch }, writeRpFilter: noSysctl });
    if (outcome === "applied") expect(result).toEqual({ applied: [op], failed: [] });
    else expect(result).toEqual({ applied: [], failed: [{ op, message }] });
  });

  it("writes rp_filter through the writer, in plan order, and reports a writer error", async () => {
    const calls: string[] = [];
    const batch = fakeBatch((line) => { calls.push(`ip ${line}`); return undefined; });
    const ops = [rpFilterSet("wan0", 2), routeAdd(default4), rpFilterSet("lte0", 2)];
    const result = await applyPlan(plan(ops), {
      batches: { ipv4: batch, ipv6: batch },
      writeRpFilter: async (ifname, value) => {
        calls.push(`rp_filter ${ifname}=${value}`);
        if (ifname === "lte0") throw new Error("EACCES: permission denied");
      },
    });
    expect(calls).toEqual(["rp_filter wan0=2", "ip route add default via 10.1.1.1 dev wan0 table 1000 proto 203", "rp_filter lte0=2"]);
    expect(result.applied).toEqual([ops[0], ops[1]]);
    expect(result.failed).toEqual([{ op: ops[2], message: "EACCES: permission denied" }]);
  });

  it("counts every line of a run that failed outright as failed and still runs the other batch", async () => {
    const v4 = fakeBatch(undefined, () => new Error("ip batch is closed"));
    const v6 = fakeBatch();
    const ops = [routeAdd(default4), ruleAdd(rule4), ruleAdd(rule6)];
    const result = await applyPlan(plan(ops), { batches: { ipv4: v4, ipv6: v6 }, writeRpFilter: noSysctl });
    expect(result.applied).toEqual([ops[2]]);
    expect(result.failed).toEqual([
      { op: ops[0], message: "ip batch is closed" },
      { op: ops[1], message: "ip batch is closed" },
    ]);
  });

  it("when ip dies on a line, keeps what ran, fails that line and reruns the rest on a fresh process", async () => {
    const ops = [routeAdd(prefix4), routeAdd({ ...default4, gateway: "10.1.1.300" }), ruleAdd(rule4), routeAdd(default4)];
    const died = new IpBatchDiedError("ip exited (255) at line 1: Error: an inet address is expected rather than \"10.1.1.300\".",
      { outputs: [""], failures: [] }, 1);
    const v4 = fakeBatch((line) => (line.startsWith("route add default") ? "RTNETLINK answers: File exists" : undefined),
      (lines) => (lines.some((line) => line.includes("10.1.1.300")) ? died : undefined));
    const result = await applyPlan(plan(ops), { batches: { ipv4: v4, ipv6: fakeBatch() }, writeRpFilter: noSysctl });
    expect(v4.runs.map((run) => run.length)).toEqual([4, 2]);
    expect(result.applied).toEqual([ops[0], ops[2]]);
    expect(result.failed).toEqual([
      { op: ops[1], message: died.message },
      { op: ops[3], message: "RTNETLINK answers: File exists" },
    ]);
  });

  it("runs lines one by one when ip's batch reader cannot take one of them, so only that one fails", async () => {
    const ops = [routeAdd(default4), routeAdd({ ...default4, dev: "we#rd", table: 1001 }), ruleAdd(rule4)];
    const v4 = fakeBatch(undefined, (lines) =>
      (lines.some((line) => line.includes("#")) ? new IpLineError("ip argument \"we#rd\" holds #") : undefined));
    const result = await applyPlan(plan(ops), { batches: { ipv4: v4, ipv6: fakeBatch() }, writeRpFilter: noSysctl });
    expect(result.applied).toEqual([ops[0], ops[2]]);
    expect(result.failed).toEqual([{ op: ops[1], message: "ip argument \"we#rd\" holds #" }]);
  });

  it("runs nothing for an empty plan", async () => {
    const batch = fakeBatch();
    expect(await applyPlan(plan([]), { batches: { ipv4: batch, ipv6: batch }, writeRpFilter: noSysctl }))
      .toEqual({ applied: [], failed: [] });
    expect(batch.runs).toEqual([]);
  });

  it("keeps limits after the endpoints they bound", async () => {
    const batch = fakeBatch();
    const ops = [endpointAdd({ id: 100, address: "10.1.1.2", flags: ["subflow"] }), limitsSet(2, 2)];
    await applyPlan(plan(ops), { batches: { ipv4: batch, ipv6: fakeBatch() }, writeRpFilter: noSysctl });
    expect(batch.runs.flat()).toEqual(["mptcp endpoint add 10.1.1.2 id 100 subflow", "mptcp limits set subflows 2 add_addr_accepted 2"]);
  });
});
