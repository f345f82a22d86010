import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readMptcpSysctls, readRpFilter, writeRpFilter } from "../../../src/kernel/sysctl.js";

describe("sysctl", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "kra-sysctl-"));
    for (const [dev, v] of [["all", "0"], ["default", "1"], ["lo", "0"], ["wan0", "1"], ["eth0.10", "2"]] as const) {
      await mkdir(join(root, "net/ipv4/conf", dev), { recursive: true });
      await writeFile(join(root, "net/ipv4/conf", dev, "rp_filter"), `${v}\n`);
    }
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("reads rp_filter of all and of each interface, not default", async () => {
    expect(await readRpFilter({ root })).toEqual({ all: 0, lo: 0, wan0: 1, "eth0.10": 2 });
  });

  it("writes rp_filter, dotted names included", async () => {
    await writeRpFilter("eth0.10", 1, { root });
    expect(await readFile(join(root, "net/ipv4/conf/eth0.10/rp_filter"), "utf8")).toBe("1\n");
  });

  // Each escaping name points at a directory that exists, so without the guard the write would land there.
  it.each([
    ["../../../escape", "escape"],
    ["..", "net/ipv4"],
    [".", "net/ipv4/conf"],
    ["wan0/../../../../escape", "escape"],
  ])("refuses the path-climbing name %j (would write %s/rp_filter)", async (ifname, target) => {
    await mkdir(join(root, target), { recursive: true });
    await expect(writeRpFilter(ifname, 1, { root })).rejects.toThrow(/invalid interface name/);
    await expect(readFile(join(root, target, "rp_filter"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it.each([["wan0", 3], ["wan0", -1], ["", 2]])("refuses writeRpFilter(%j, %j)", async (ifname, value) => {
    await expect(writeRpFilter(ifname, value, { root })).rejects.toThrow(/invalid interface name|must be 0, 1 or 2/);
    expect(await readFile(join(root, "net/ipv4/conf/wan0/rp_filter"), "utf8")).toBe("1\n");
  });

  it("reads MPTCP sysctls, null when the kernel has none", async () => {
    expect(await readMptcpSysctls({ root })).toEqual({ enabled: null, pmType: null });
    await mkdir(join(root, "net/mptcp"));
    await writeFile(join(root, "net/mptcp/enabled"), "1\n");
    await writeFile(join(root, "net/mptcp/pm_type"), "0\n");
    expect(await readMptcpSysctls({ root })).toEqual({ enabled: true, pmType: 0 });
  });

  it("reads this machine's /proc/sys (MPTCP on, in-kernel path manager)", async () => {
    expect(await readMptcpSysctls()).toEqual({ enabled: true, pmType: 0 });
    expect((await readRpFilter()).all).toBeTypeOf("number");
  });
});
