// The end-to-end suite (test/e2e) against Debian 13's NetworkManager: run inside a booted Debian 13
// container, which has that NetworkManager, iproute2, systemd and Node; the repository is seen read-only with
// a throwaway writable layer. The rig inside starts its own NetworkManager, udevd and bus in namespaces of the
// container's network namespace, exactly as it does on the host against Debian 12's.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeNeeding } from "../rig/needs.js";
import { startContainer, type Container } from "./container.js";
import { containerPrerequisites } from "./prereqs.js";
import { ensureRoot } from "./root.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const INNER_REPO = "/src";
const RESULTS = "/tmp/e2e-results.json";
const SUITE_TIMEOUT_MS = 20 * 60_000;

/**
 * Tests that fail on NetworkManager 1.52 because of a product bug reported in an issue, each with the
 * failure seen; any other failure fails this suite. Empty when everything passes.
 */
const DOCTOR_ROUTE_GET = "doctor's routing.source check: on iproute2 6.15 every `route get` in its resident `ip -batch` " +
  "answers 'Not a route: 00000024 00000002 00000100 / An error :-)' (a netlink ack read as the answer), so every " +
  "endpoint is reported as not leaving through its device";
const NM_152_ORDER = "seen now and then on NetworkManager 1.52, never on 1.42: read right after the device state " +
  "changed, its IPv4 data is not yet the new state's (wan0's ip4 not { addresses, gateway } at 100; lte0's address " +
  "still listed at 30)";
const KNOWN_FAILING_ON_1_52: Record<string, string> = {
  "doctor in the NetworkManager rig before apply: a never-default link's subflows would leave through the main table's default link":
    DOCTOR_ROUTE_GET,
  "doctor in the NetworkManager rig after apply: the never-default link's subflows leave through it, and doctor passes every check":
    DOCTOR_ROUTE_GET,
  "doctor in the NetworkManager rig net.mptcp.enabled=0 in the namespace: exit 1 naming it; with --fix the check passes and doctor exits 0":
    DOCTOR_ROUTE_GET,
  "namespace rig with a real NetworkManager brings both links to activated with the profiles' addresses, gateway and metered values":
    NM_152_ORDER,
  "namespace rig with a real NetworkManager connection down and up change the device state and its addresses": NM_152_ORDER,
  "mptcp-policy daemon reconciles at start: wan0 and lte0 managed, mgmt0 left alone, pid file written":
    "seen in 3 of 4 runs on 1.52, never on 1.42: timed out after 5000 ms waiting for owned objects to be exactly " +
    "{wan0, lte0} (passed once alone, in 5.1 s)",
  // Issue 9, item 1 (state 80, metered unknown while NetworkManager re-assumes the device after a restart).
  "namespace rig with a real NetworkManager watch follows con down/up and keeps the devices through a NetworkManager restart":
    "seen: expected { state: 80, metered: 'unknown' } to match { state: 100, metered: 'yes' }",
};

interface AssertionResult {
  fullName: string;
  status: "passed" | "failed" | "pending" | "skipped" | "todo";
  failureMessages: string[];
}

describeNeeding(containerPrerequisites(), "end-to-end suite on Debian 13 (NetworkManager 1.52) in a booted container", () => {
    let container: Container | undefined;

    beforeAll(async () => {
      const root = await ensureRoot((line) => console.info(line));
      if (root.builtMs > 0) console.info(`root built in ${(root.builtMs / 1000).toFixed(0)} s`);
      container = await startContainer({ root: root.dir, mounts: [{ host: REPO, dest: INNER_REPO, mode: "overlay" }] });
      console.info(`container ${container.name} booted in ${container.bootMs} ms (${container.systemState})`);
      const versions = await container.run(["sh", "-c",
        "dpkg-query -W -f='${Package} ${Version}\\n' network-manager iproute2 systemd nodejs; uname -r"]);
      console.info(`inside: ${versions.trim().replace(/\n/g, "; ")}`);
    }, 25 * 60_000);
    afterAll(async () => {
      await container?.stop();
    });

    it("passes inside the container (known failures on 1.52 excepted, each named)", async () => {
      const c = container!;
      const t0 = Date.now();
      const result = await c.exec(["node", "node_modules/vitest/vitest.mjs", "run", "test/e2e",
        "--reporter=default", "--reporter=json", `--outputFile.json=${RESULTS}`],
        { cwd: INNER_REPO, env: { CI: "true" }, timeoutMs: SUITE_TIMEOUT_MS });
      console.info(`inner suite: ${((Date.now() - t0) / 1000).toFixed(0)} s, exit ${result.exitCode}`);
      let report: { testResults: { name: string; status: string; message: string; assertionResults: AssertionResult[] }[] };
      try {
        report = JSON.parse(await c.run(["cat", RESULTS]));
      } catch (error) {
        throw new Error(`no results from the inner run (${(error as Error).message}):\n${result.stdout.slice(-6000)}\n${result.stderr.slice(-3000)}`);
      }
      const tests = report.testResults.flatMap((f) => f.assertionResults);
      // A file that failed outside its tests (import, beforeAll) has a message and maybe no failed test.
      const brokenFiles = report.testResults.filter((f) => f.status === "failed" && f.message)
        .map((f) => `${f.name.replace(`${INNER_REPO}/`, "")}: ${f.message.slice(0, 1500)}`);
      const notRun = tests.filter((t) => t.status !== "passed" && t.status !== "failed").map((t) => `${t.status}: ${t.fullName}`);
      const failed = tests.filter((t) => t.status === "failed");
      const unexpected = failed.filter((t) => !(t.fullName in KNOWN_FAILING_ON_1_52));
      const fixed = Object.keys(KNOWN_FAILING_ON_1_52).filter((name) => tests.some((t) => t.fullName === name && t.status === "passed"));
      console.info(`on 1.52: ${tests.filter((t) => t.status === "passed").length} passed, ${failed.length} failed` +
        (failed.length ? `:\n${failed.map((t) => `  FAIL ${t.fullName}: ${t.failureMessages[0]?.split("\n").slice(0, 12).join(" | ")}`).join("\n")}` : ""));
      if (fixed.length) console.info(`listed as known-failing but passed now (remove from the list):\n  ${fixed.join("\n  ")}`);
      if (notRun.length) console.info(`not run:\n  ${notRun.join("\n  ")}`);
      if (result.exitCode !== 0) console.info(`inner run, end of its output:\n${result.stdout.slice(-4000)}`);
      expect(tests.length).toBeGreaterThan(0);
      expect(brokenFiles).toEqual([]);
      expect(notRun).toEqual([]);
      expect(unexpected.map((t) => `${t.fullName}: ${t.failureMessages.join("\n").slice(0, 1500)}`)).toEqual([]);
    }, SUITE_TIMEOUT_MS + 60_000);
  });
