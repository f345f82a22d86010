// `npm run demo` end to end: the narrated demo runs to completion and shows what it promises, and Ctrl-C
// at any point leaves nothing of it behind.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { describeRig } from "../rig/describe-rig.js";
import { listNamespaces } from "../rig/rig.js";
import { rigDir } from "../rig/state.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

interface DemoRun {
  /** Resolves with how the demo ended and everything it printed. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  /** Resolves once the output matches. */
  printed(pattern: RegExp): Promise<RegExpExecArray>;
  /** Ctrl-C in a terminal: SIGINT to the whole process group. */
  interrupt(): void;
}

/** The demo as `npm run demo` runs it, in its own process group. */
function startDemo(): DemoRun {
  const child = spawn(process.execPath, ["--import", "tsx", "test/rig/demo.ts"], {
    cwd: REPO,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const watchers = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of watchers) check();
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal, output })),
  );
  return {
    ended,
    printed: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) {
            watchers.delete(check);
            resolve(match);
          }
        };
        watchers.add(check);
        check();
        void ended.then(() => reject(new Error(`demo ended before printing ${pattern}:\n${output}`)));
      }),
    interrupt: () => process.kill(-child.pid!, "SIGINT"),
  };
}

const RIG_NAME = /^rig (demo[0-9a-f]{4}):/m;

/** Nothing of the rig is left: namespaces, folder, or a process started with the rig's folder in its command line. */
function expectNothingLeft(name: string): void {
  expect(listNamespaces().filter((ns) => ns.startsWith(`${name}-`))).toEqual([]);
  expect(existsSync(rigDir(name))).toBe(false);
  const stragglers = readdirSync("/proc").flatMap((pid) => {
    try {
      const cmdline = /^\d+$/.test(pid) ? readFileSync(`/proc/${pid}/cmdline`, "utf8") : "";
      return cmdline.includes(rigDir(name)) ? [`${pid}: ${cmdline.replaceAll("\0", " ")}`] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
  expect(stragglers).toEqual([]);
}

/** What the demo printed under step N's heading. */
function section(output: string, step: number): string {
  return output.split(/^== /m).find((s) => s.startsWith(`${step}. `)) ?? "";
}

/** The numbers of a link's row in the byte table of the demo's step N. */
function bytesRow(output: string, step: number, link: string): number[] {
  const text = section(output, step);
  const row = new RegExp(`^\\s+${link}((?:\\s+[\\d,]+)+)$`, "m").exec(text);
  if (!row) throw new Error(`no ${link} bytes in step ${step}:\n${text}`);
  return row[1]!.trim().split(/\s+/).map((n) => Number(n.replaceAll(",", "")));
}

describeRig("npm run demo", () => {
  it("runs to the end: endpoints for both links, the backup idle until the cut and carrying after it, nothing left", async () => {
    const { code, signal, output } = await startDemo().ended;
    expect({ code, signal }, output).toEqual({ code: 0, signal: null });
    const name = RIG_NAME.exec(output)?.[1];
    expect(name, output).toBeDefined();

    expect(output).toMatch(/^\s+endpoint \d+: 10\.\d+\.\d+\.2 subflow,backup$/m); // lte0, from status
    expect(output).toMatch(/^\s+endpoint \d+: 10\.\d+\.\d+\.2 subflow$/m); // wan0
    expect(output).toMatch(/^\s+10\.\d+\.\d+\.2 id \d+ subflow backup dev lte0\s*$/m); // ip mptcp endpoint show

    const [wanBefore] = bytesRow(output, 5, "wan0");
    const [lteBefore] = bytesRow(output, 5, "lte0");
    expect(wanBefore).toBeGreaterThan(1_000_000);
    expect(lteBefore).toBeLessThan(10_000); // signalling only: MP_JOIN, ACKs, ARP
    // The live view during the failover: wan0 carrying, then lte0's backup subflow at full rate without wan0.
    const failover = section(output, 6);
    expect(failover).toMatch(/^\s+wan0 is carrying \d+ % of MPTCP traffic; lte0 \(backup\) [\d.]+ %$/m);
    expect(failover).toMatch(/^\s+lte0 \(backup\) is carrying \d+ % of MPTCP traffic: wan0 has no working subflow/m);
    const lteRates = [...failover.matchAll(/^\s+lte0 \(backup\)\s+1 \(1 bkp\)\s+([\d.]+) ([kMG]?B)\/s/gm)]
      .map(([, n, unit]) => Number(n) * { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[unit!]!);
    expect(Math.max(...lteRates)).toBeGreaterThan(1_000_000);
    expect(failover).toContain("Ctrl-C ends the view (exit status 0).");
    // The daemon followed the carrier loss and the return.
    expect(section(output, 6)).toMatch(/daemon\| .* delete endpoint 10\.\S+ id \d+/);
    expect(section(output, 7)).toMatch(/daemon\| .* wan0 .* add endpoint 10\.\S+ subflow dev wan0/);

    expectNothingLeft(name!);
  }, 180_000);

  it("on Ctrl-C removes everything it made and exits non-zero", async () => {
    const demo = startDemo();
    const [, name] = await demo.printed(RIG_NAME);
    await demo.printed(/^== 3\. /m); // mptcp-policy is running by then
    demo.interrupt();
    const { code, signal, output } = await demo.ended;
    expect(code === 0 && signal === null, output).toBe(false);
    expect(output).toContain("SIGINT: stopping the demo");
    expectNothingLeft(name!);
  }, 120_000);
});
