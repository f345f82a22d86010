// dispatcher.d/90-mptcp-policy as NetworkManager's dispatcher runs it: `SCRIPT INTERFACE ACTION`, with a
// stand-in mptcp-policy that records its calls, so what is checked is the script's own logic.
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../dispatcher.d/90-mptcp-policy", import.meta.url));

describe("dispatcher.d/90-mptcp-policy", () => {
  let dir: string;
  let calls: string;
  let bin: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mpp-dispatch-"));
    calls = join(dir, "calls");
    bin = join(dir, "mptcp-policy");
    writeFileSync(bin, `#!/bin/sh\necho "$*" >> "${calls}"\nexit "\${FAKE_EXIT:-0}"\n`);
    chmodSync(bin, 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const dispatch = (iface: string, action: string, env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; ms: number }>((resolve) => {
      const t0 = Date.now();
      execFile("sh", [SCRIPT, iface, action], {
        env: { PATH: process.env.PATH, MPTCP_POLICY_BIN: bin, MPTCP_POLICY_RUN_DIR: join(dir, "run"), ...env },
      }, (error) => resolve({ code: error ? (error.code as number) : 0, ms: Date.now() - t0 }));
    });
  const called = () => (existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : []);

  it.each(["up", "down", "dhcp4-change", "dhcp6-change", "reapply", "connectivity-change"])(
    "runs one apply on %s when no daemon runs",
    async (action) => {
      expect((await dispatch("wan0", action)).code).toBe(0);
      expect(called()).toEqual(["apply"]);
    },
  );

  it.each(["pre-up", "pre-down", "hostname", "vpn-up", ""])("does nothing on %j", async (action) => {
    expect((await dispatch("wan0", action)).code).toBe(0);
    expect(called()).toEqual([]);
  });

  it("leaves the work to a running daemon (its pid file names a live process)", async () => {
    const run = join(dir, "run");
    mkdirSync(run);
    writeFileSync(join(run, "daemon.pid"), `${process.pid} 12345\n`);
    expect((await dispatch("wan0", "up")).code).toBe(0);
    expect(called()).toEqual([]);
  });

  it("does nothing while the package is being removed (prerm's marker), so the flush is not undone", async () => {
    const run = join(dir, "run");
    mkdirSync(run);
    writeFileSync(join(run, "removing"), "");
    expect((await dispatch("wan0", "up")).code).toBe(0);
    expect(called()).toEqual([]);
  });

  it("runs apply when the pid file is stale", async () => {
    const run = join(dir, "run");
    mkdirSync(run);
    writeFileSync(join(run, "daemon.pid"), "999999999 1\n");
    expect((await dispatch("wan0", "up")).code).toBe(0);
    expect(called()).toEqual(["apply"]);
  });

  it.each(["wan 0", "eth0'; touch /tmp/pwned-mpp '", "$(id)", "-n", ""])("any interface name is safe: %j", async (iface) => {
    expect((await dispatch(iface, "up")).code).toBe(0);
    expect(called()).toEqual(["apply"]);
    expect(existsSync("/tmp/pwned-mpp")).toBe(false);
  });

  it("exits 0 when apply fails, so NetworkManager never sees a failed dispatcher script", async () => {
    expect((await dispatch("wan0", "up", { FAKE_EXIT: "1" })).code).toBe(0);
    expect(called()).toEqual(["apply"]);
  });
});
