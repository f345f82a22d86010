import { describe, expect, it } from "vitest";
import { commute, scheduleOperations } from "../../../src/apply/schedule.js";
import type { Operation } from "../../../src/model/types.js";
import {
  default4, default6, endpointAdd, endpointChange, endpointDelete, limitsSet, prefix4, prefix6,
  routeAdd, routeDelete, rpFilterSet, rule4, rule6, ruleAdd,
} from "./ops.js";

const ep4 = endpointAdd({ id: 100, address: "10.1.1.2", dev: "wan0", flags: ["subflow"] });
const ep6 = endpointAdd({ id: 101, address: "fd00:1::2", dev: "wan0", flags: ["subflow"] });

describe("commute", () => {
  it.each<[string, Operation, Operation, boolean]>([
    ["v4 and v6 routing", routeAdd(default4), ruleAdd(rule6), true],
    ["same-family routing (one batch keeps order anyway)", routeAdd(default4), ruleAdd(rule4), false],
    ["endpoints with other ids and addresses", ep4, ep6, true],
    ["delete then add of the same address", endpointDelete(5, "10.1.1.2"), ep4, false],
    ["delete then add of the same id", endpointDelete(100, "10.9.9.9"), ep4, false],
    ["routing and endpoints", ruleAdd(rule6), ep4, false],
    ["limits and endpoints", limitsSet(2, 2), ep6, false],
  ])("%s → %s", (_name, a, b, expected) => {
    expect(commute(a, b)).toBe(expected);
    expect(commute(b, a)).toBe(expected);
  });
});

describe("scheduleOperations", () => {
  it("runs both families' routing in one step, then endpoints, around sysctl barriers", () => {
    const ops = [
      rpFilterSet("wan0", 2),
      routeAdd(prefix4), routeAdd(default4), ruleAdd(rule4), routeAdd(prefix6), routeAdd(default6), ruleAdd(rule6),
      ep4, ep6, endpointChange(7, "10.2.2.2", true), limitsSet(2, 2),
    ];
    expect(scheduleOperations(ops)).toEqual([
      { kind: "sysctl", index: 0 },
      { kind: "ip", lines: { ipv4: [1, 2, 3], ipv6: [4, 5, 6] } },
      { kind: "ip", lines: { ipv4: [7, 9], ipv6: [8] } },
      { kind: "ip", lines: { ipv4: [10], ipv6: [] } },
    ]);
  });

  it("puts independent endpoint adds of both families in one step and limits after them", () => {
    const ops = [ep4, ep6, limitsSet(2, 2)];
    expect(scheduleOperations(ops)).toEqual([
      { kind: "ip", lines: { ipv4: [0], ipv6: [1] } },
      { kind: "ip", lines: { ipv4: [2], ipv6: [] } },
    ]);
  });

  it("keeps a delete and a re-add of the same address in order, on one batch when it can", () => {
    const ops = [endpointDelete(100, "10.1.1.2"), endpointAdd({ id: 100, address: "10.1.1.2", flags: ["signal"] })];
    expect(scheduleOperations(ops)).toEqual([{ kind: "ip", lines: { ipv4: [0, 1], ipv6: [] } }]);
  });

  it("does not let a v6 delete overtake an earlier v6 endpoint on the other batch", () => {
    const ops = [endpointDelete(101, "fd00:1::2"), ep6];
    expect(scheduleOperations(ops)).toEqual([
      { kind: "ip", lines: { ipv4: [0], ipv6: [] } },
      { kind: "ip", lines: { ipv4: [], ipv6: [1] } },
    ]);
  });

  it("takes a few steps for 16 links, not one per link", () => {
    const ops: Operation[] = [];
    for (let i = 0; i < 16; i++) {
      const dev = `l${i}`;
      ops.push(routeDelete({ ...default4, dev, table: 1000 + i }));
    }
    for (let i = 0; i < 16; i++) {
      const dev = `l${i}`;
      ops.push(routeAdd({ ...default4, dev, table: 1000 + i }), ruleAdd({ ...rule4, from: `10.0.${i}.2`, table: 1000 + i }),
        routeAdd({ ...default6, dev, table: 1000 + i }), ruleAdd({ ...rule6, from: `fd00:${i}::2`, table: 1000 + i }));
    }
    for (let i = 0; i < 16; i++) {
      ops.push(endpointAdd({ id: 100 + 2 * i, address: `10.0.${i}.2`, flags: ["subflow"] }),
        endpointAdd({ id: 101 + 2 * i, address: `fd00:${i}::2`, flags: ["subflow"] }));
    }
    ops.push(limitsSet(8, 8));
    expect(scheduleOperations(ops)).toHaveLength(3);
  });
});
