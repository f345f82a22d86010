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

    it("passes inside the container", async () => {
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
      console.info(`on 1.52: ${tests.filter((t) => t.status === "passed").length} passed, ${failed.length} failed` +
        (failed.length ? `:\n${failed.map((t) => `  FAIL ${t.fullName}: ${t.failureMessages[0]?.split("\n").slice(0, 12).join(" | ")}`).join("\n")}` : ""));
      if (notRun.length) console.info(`not run:\n  ${notRun.join("\n  ")}`);
      if (result.exitCode !== 0) console.info(`inner run, end of its output:\n${result.stdout.slice(-4000)}`);
      expect(tests.length).toBeGreaterThan(0);
      expect(brokenFiles).toEqual([]);
      expect(notRun).toEqual([]);
      expect(failed.map((t) => `${t.fullName}: ${t.failureMessages.join("\n").slice(0, 1500)}`)).toEqual([]);
    }, SUITE_TIMEOUT_MS + 60_000);
  });
