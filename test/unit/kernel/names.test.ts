import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNameFile, protocolNumber, readIproute2Names, tableNumber } from "../../../src/kernel/names.js";

describe("iproute2 names", () => {
  it.each([["203", 203], ["static", 4], ["kernel", 2], ["boot", 3]])("protocol %j is %j", (name, n) => {
    expect(protocolNumber(name)).toBe(n);
  });

  it.each([["1000", 1000], ["main", 254], ["local", 255], ["default", 253]])("table %j is %j", (name, n) => {
    expect(tableNumber(name)).toBe(n);
  });

  it("parses rt_* files with comments and hex numbers", () => {
    expect(parseNameFile("# x\n203\tmptcp-policy # ours\n0x10 sixteen\nbad line\n")).toEqual([
      ["mptcp-policy", 203],
      ["sixteen", 16],
    ]);
  });

  it("adds names of rt_protos, rt_tables and their .d drop-ins to the built-in ones", async () => {
    const root = await mkdtemp(join(tmpdir(), "kra-names-"));
    try {
      await mkdir(join(root, "rt_protos.d"));
      await writeFile(join(root, "rt_protos.d/mptcp.conf"), "203 mptcp-policy\n");
      await writeFile(join(root, "rt_tables"), "1000 wan\n");
      const names = await readIproute2Names(root);
      expect(protocolNumber("mptcp-policy", names)).toBe(203);
      expect(protocolNumber("static", names)).toBe(4);
      expect(tableNumber("wan", names)).toBe(1000);
      expect(tableNumber("main", names)).toBe(254);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
