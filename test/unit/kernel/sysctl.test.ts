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

  it.each([["../x", 2], ["wan0", 3], ["", 2]])("refuses writeRpFilter(%j, %j)", async (ifname, value) => {
    await expect(writeRpFilter(ifname, value, { root })).rejects.toThrow();
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
