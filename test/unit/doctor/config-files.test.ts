import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseNmMptcpFlags, readNmGlobalMptcpFlags } from "../../../src/doctor/nm-conf.js";
import { parseKernelConfig } from "../../../src/doctor/probes.js";

describe("parseKernelConfig", () => {
  it("reads set options and treats 'is not set' and absence as null", () => {
    const text = "CONFIG_MPTCP=y\n# CONFIG_MPTCP_IPV6 is not set\nCONFIG_OTHER=y\n";
    expect(parseKernelConfig(text)).toEqual({ CONFIG_MPTCP: "y", CONFIG_MPTCP_IPV6: null, CONFIG_INET_MPTCP_DIAG: null });
  });
});

describe("parseNmMptcpFlags", () => {
  it.each([
    { text: "[connection]\nconnection.mptcp-flags=0x1\n", value: 1 },
    { text: "[connection]\nconnection.mptcp-flags = 34\n", value: 34 },
    { text: "[connection-wifi]\nmatch-device=type:wifi\nconnection.mptcp-flags=0x1\n", value: null },
    { text: "[main]\nplugins=keyfile\n", value: null },
    { text: "[connection]\nconnection.mptcp-flags=0x22\n[connection]\nconnection.mptcp-flags=0x1\n", value: 1 },
  ])("$text → $value", ({ text, value }) => {
    expect(parseNmMptcpFlags(text)).toBe(value);
  });
});

describe("readNmGlobalMptcpFlags", () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("follows NetworkManager's order: /usr/lib, /run, the main file, /etc; /etc hides a same-named file", async () => {
    root = await mkdtemp(join(tmpdir(), "doctor-nmconf-"));
    for (const d of ["usr/lib/NetworkManager/conf.d", "run/NetworkManager/conf.d", "etc/NetworkManager/conf.d"]) await mkdir(join(root, d), { recursive: true });
    await writeFile(join(root, "usr/lib/NetworkManager/conf.d/50-vendor.conf"), "[connection]\nconnection.mptcp-flags=0x22\n");
    expect(await readNmGlobalMptcpFlags(root)).toEqual({ value: 0x22, file: join(root, "usr/lib/NetworkManager/conf.d/50-vendor.conf") });
    await writeFile(join(root, "etc/NetworkManager/NetworkManager.conf"), "[connection]\nconnection.mptcp-flags=0x1\n");
    expect((await readNmGlobalMptcpFlags(root))?.value).toBe(1);
    // A same-named /etc file without the key hides the vendor one; the main file still says 0x1.
    await writeFile(join(root, "etc/NetworkManager/conf.d/50-vendor.conf"), "[main]\n");
    await writeFile(join(root, "etc/NetworkManager/NetworkManager.conf"), "[main]\n");
    expect(await readNmGlobalMptcpFlags(root)).toBeNull();
  });
});
