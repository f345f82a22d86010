// `status` traffic figures, `status --watch` and the daemon's metrics file, with real MPTCP traffic through
// a rig (wan0 the primary, lte0 metered and never-default: a backup subflow under the embedded default
// policy), the daemon following it. Scenarios run in order on one rig and one long transfer: first nothing,
// then the primary carrying, then wan0's carrier cut and lte0 carrying. Figures are compared with what the
// kernel itself reports through `ss -Mtin`, read here independently of the tool's parser.
import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertFreshBuild, CLI, runCli, spawnDaemon } from "../rig/cli.js";
import { describeRig } from "../rig/describe-rig.js";
import { parsePrometheusText } from "../rig/prometheus-text.js";
import { startRig, type Rig } from "../rig/rig.js";
import { waitFlowing } from "../rig/traffic.js";

const SINK = fileURLToPath(new URL("../rig/mptcp_sink.py", import.meta.url));
const SENDER = fileURLToPath(new URL("../rig/mptcp_send.py", import.meta.url));
const MB = 1 << 20;
/** Each scenario runs the CLI several times; on a busy 2-core machine one run takes seconds. */
const SCENARIO_MS = 120_000;
/** CI installs tmux (.ci/debian-packages) and fails without it; elsewhere the --watch test is skipped, saying so. */
const TMUX = spawnSync("tmux", ["-V"]).status === 0;
if (!TMUX && !process.env.CI) console.warn("SKIP the status --watch test: tmux is not installed");
/** Runs argv[2:] and writes its exit status to argv[1] once it has ended. */
const EXIT_STATUS_WRAPPER = [
  "import os, signal, subprocess, sys",
  "signal.signal(signal.SIGINT, lambda *_: None)",
  "status = subprocess.run(sys.argv[2:]).returncode",
  "open(sys.argv[1] + '.tmp', 'w').write(str(status))",
  "os.rename(sys.argv[1] + '.tmp', sys.argv[1])",
].join("\n");

interface Traffic { subflows: number; backupSubflows: number; bytesSent: number; bytesReceived: number; sendRate?: number; receiveRate?: number }
interface StatusJson { devices: { interface: string; traffic: Traffic }[]; trafficSummary: string }

describeRig("status traffic view, --watch and the metrics file", () => {
  let rig: Rig;
  let root: string;
  let metricsFile: string;
  let daemon: ChildProcess;
  let sender: ChildProcess | undefined;
  /** Every metrics file version read, in order. */
  const metricsVersions: string[] = [];

  beforeAll(async () => {
    assertFreshBuild();
    rig = await startRig({ links: [{ name: "wan0" }, { name: "lte0", dhcp: true, neverDefault: true, metered: true }] });
    root = join(rig.dir, "root");
    mkdirSync(root);
    metricsFile = join(rig.dir, "mptcp-policy.prom");
    daemon = spawnDaemon(rig, ["--root", root, "--metrics-file", metricsFile, "--metrics-interval", "0.2"]);
    // The daemon gave both links their endpoint: lte0 a backup one.
    await rig.waitFor(async () => {
      const { stdout } = await rig.hostExec(["ip", "-j", "mptcp", "endpoint", "show"]);
      const endpoints = JSON.parse(stdout || "[]") as { dev?: string; backup?: boolean }[];
      return endpoints.some((e) => e.dev === "wan0") && endpoints.some((e) => e.dev === "lte0" && e.backup === true);
    }, 20_000, "the daemon's endpoints on wan0 and lte0");
  });
  afterAll(async () => {
    sender?.kill();
    daemon?.kill();
    await rig?.stop();
  });

  const status = async (...args: string[]) => {
    const r = await runCli(rig, "status", "--root", root, ...args);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    return r.stdout;
  };
  const statusJson = async (...args: string[]) => {
    const report = JSON.parse(await status("--json", ...args)) as StatusJson;
    return { report, link: (name: string) => report.devices.find((d) => d.interface === name)!.traffic };
  };
  /** A metrics file version not read before (the daemon rewrites it every 0.2 s), strictly parsed. */
  const nextMetrics = async () => {
    let text = "";
    await rig.waitFor(() => {
      text = readFileSync(metricsFile, "utf8");
      return text !== metricsVersions.at(-1);
    }, 5_000, "the metrics file to be rewritten");
    metricsVersions.push(text);
    const samples = parsePrometheusText(text).flatMap((f) => f.samples.map((s) => ({ ...s, type: f.type })));
    return (name: string, device?: string) => samples.find((s) => s.name === name && s.labels.device === device)?.value;
  };

  it("without traffic: zero subflows and bytes everywhere, nothing fails", async () => {
    const { report, link } = await statusJson();
    for (const d of report.devices) expect(d.traffic).toEqual({ subflows: 0, backupSubflows: 0, bytesSent: 0, bytesReceived: 0 });
    expect(report.trafficSummary).toBe("no MPTCP subflows on these links");
    expect((await statusJson("--interval", "0.3")).link("lte0")).toEqual({
      subflows: 0, backupSubflows: 0, bytesSent: 0, bytesReceived: 0, sendRate: 0, receiveRate: 0,
    });
    expect(link("wan0").subflows).toBe(0);
    expect(await status()).toMatch(/^traffic: no MPTCP subflows on these links$/m);
    const metric = await nextMetrics();
    expect(metric("mptcp_policy_reconciles_total")).toBeGreaterThanOrEqual(1);
    for (const dev of ["wan0", "lte0"]) {
      expect(metric("mptcp_policy_subflows", dev)).toBe(0);
      expect(metric("mptcp_policy_sent_bytes_total", dev)).toBe(0);
      expect(metric("mptcp_policy_received_bytes_total", dev)).toBe(0);
    }
  }, SCENARIO_MS);

  it("wan0 up: subflows on both links, lte0's share under 1 %, figures within what the kernel reports", async () => {
    const target = rig.links.wan0!.peerAddr4!;
    const sink = rig.spawnInPeer(["python3", "-u", SINK, target, "5301"], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => sink.stdout!.once("data", () => resolve()));
    // Long enough for every scenario below; stopped at the end.
    sender = rig.spawnInHost(["python3", "-u", SENDER, target, "5301", "300"], { stdio: ["ignore", "ignore", "inherit"] });
    await waitFlowing(rig, "wan0", 5 * MB);
    // The kernel's own figures just before and just after status read them: the counters only grow while
    // the subflows live, so status's figures lie between the two.
    const before = await kernelBytes(rig);
    const { report, link } = await statusJson();
    const after = await kernelBytes(rig);
    for (const dev of ["wan0", "lte0"]) {
      const address = rig.links[dev]!.hostAddr4!;
      expect(link(dev).bytesSent).toBeGreaterThanOrEqual(before[address]?.sent ?? 0);
      expect(link(dev).bytesSent).toBeLessThanOrEqual(after[address]?.sent ?? 0);
      expect(link(dev).subflows).toBe(after[address]?.subflows);
    }
    expect(link("wan0")).toMatchObject({ subflows: 1, backupSubflows: 0 });
    expect(link("lte0")).toMatchObject({ subflows: 1, backupSubflows: 1 });
    const share = link("lte0").bytesSent / (link("lte0").bytesSent + link("wan0").bytesSent);
    console.info(`wan0 up: wan0 ${link("wan0").bytesSent} B, lte0 ${link("lte0").bytesSent} B sent (lte0 share ${(share * 100).toFixed(3)} %); ${report.trafficSummary}`);
    expect(share).toBeLessThan(0.01);

    const rated = await statusJson("--interval", "0.5");
    expect(rated.link("wan0").sendRate).toBeGreaterThan(MB);
    expect(rated.link("lte0").sendRate! / rated.link("wan0").sendRate!).toBeLessThan(0.01);
    expect(await status("--interval", "0.5")).toMatch(/^traffic: wan0 is carrying \d+ % of MPTCP traffic; lte0 \(backup\) [\d.]+ %$/m);

    const metric = await nextMetrics();
    expect(metric("mptcp_policy_sent_bytes_total", "wan0")).toBeGreaterThan(MB);
    expect(metric("mptcp_policy_backup_subflows", "lte0")).toBe(1);
  }, SCENARIO_MS);

  it("wan0's carrier cut: lte0 carries the traffic and the summary says so", async () => {
    const atCut = (await statusJson()).link("lte0").bytesSent;
    await rig.cutCarrier("wan0");
    await waitFlowing(rig, "lte0", atCut + 5 * MB);
    const { report, link } = await statusJson("--interval", "0.5");
    console.info(`wan0 cut: ${report.trafficSummary}; lte0 ${link("lte0").sendRate} B/s, wan0 ${link("wan0").sendRate} B/s`);
    expect(link("lte0").sendRate).toBeGreaterThan(MB);
    const text = await status("--interval", "0.5");
    const summary = /^traffic: lte0 \(backup\) is carrying (\d+) % of MPTCP traffic: wan0 has no working subflow/m.exec(text);
    expect(summary, text).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThanOrEqual(97);
    expect(text).toMatch(/^ {4}MPTCP: 1 subflow \(1 backup\), sent [\d.]+ [kMG]B, received .*, now [\d.]+ [kMG]B\/s out/m);
  }, SCENARIO_MS);

  it.skipIf(!TMUX && !process.env.CI)("--watch under a terminal refreshes in place and exits 0 on Ctrl-C, giving the screen back", async () => {
    const socket = join(rig.dir, "tmux.sock");
    const conf = join(rig.dir, "tmux.conf");
    // The pane stays after the command exits, so its terminal modes can be read.
    writeFileSync(conf, "set -g remain-on-exit on\n");
    const tmux = (...args: string[]) => {
      const r = spawnSync("tmux", ["-S", socket, "-f", conf, ...args], { encoding: "utf8", env: rig.env });
      if (r.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    // tmux 3.3a (Debian 12) loses a pane's exit status when it reads the terminal's end before it reaps the
    // process (seen: `sh -c 'exit 3'` shows no status in 2 of 6 runs), so a wrapper writes it. Its SIGINT
    // handler only keeps it alive for the child, which gets the default disposition back at exec.
    const exitFile = join(rig.dir, "watch.exit");
    tmux("new-session", "-d", "-s", "watch", "-x", "110", "-y", "16", "python3", "-c", EXIT_STATUS_WRAPPER, exitFile,
      "ip", "netns", "exec", rig.hostNs, process.execPath, CLI, "status", "--watch", "--interval", "0.5", "--root", root);
    // Everything the view writes to its terminal, to see what it leaves the terminal in.
    const raw = join(rig.dir, "watch.raw");
    tmux("pipe-pane", "-t", "watch", `cat > ${raw}`);
    try {
      const screens: string[] = [];
      // Two different frames, the second with rates: the view refreshed in place.
      await rig.waitFor(() => {
        const screen = tmux("capture-pane", "-p", "-t", "watch");
        if (/^lte0 \(backup\)\s+1 \(1 bkp\)\s+[\d.]+ [kMG]B\/s/m.test(screen) && screen !== screens.at(-1)) screens.push(screen);
        return screens.length >= 2;
      }, 15_000, "two frames of the live view with lte0's rate");
      console.info(`status --watch screen:\n${screens.at(-1)}`);
      expect(screens.at(-1)).toMatch(/^lte0 \(backup\) is carrying \d+ % of MPTCP traffic: wan0 has no working subflow/m);
      expect(tmux("display-message", "-p", "-t", "watch", "#{alternate_on} #{cursor_flag}")).toBe("1 0\n");
      tmux("send-keys", "-t", "watch", "C-c");
      await rig.waitFor(() => existsSync(exitFile), 10_000, "the view to exit");
      // A negative status is the signal that killed it.
      expect(readFileSync(exitFile, "utf8")).toBe("0");
      expect(tmux("display-message", "-p", "-t", "watch", "#{alternate_on}")).toBe("0\n");
      // tmux reports any dead pane's cursor as hidden: the view's last bytes show it made it visible again.
      await rig.waitFor(() => readFileSync(raw, "latin1").endsWith("\x1b[?25h\x1b[?1049l"), 5_000, "the view's last bytes");
    } finally {
      spawnSync("tmux", ["-S", socket, "kill-server"]);
    }
  }, SCENARIO_MS);

  it("the metrics file: rewritten, always valid, counters only grow, lte0's bytes after the failover", async () => {
    const metric = await nextMetrics();
    expect(metric("mptcp_policy_sent_bytes_total", "lte0")).toBeGreaterThan(5 * MB);
    expect(metric("mptcp_policy_socket_diag_up")).toBe(1);
    for (let i = 0; i < 3; i++) await nextMetrics();
    console.info(`metrics file:\n${metricsVersions.at(-1)}`);
    // Every version read in this file, in order: each counter series is at least what it was.
    const counters = metricsVersions.map((text) => new Map(parsePrometheusText(text)
      .filter((f) => f.type === "counter")
      .flatMap((f) => f.samples.map((s) => [`${s.name}${JSON.stringify(s.labels)}`, s.value] as const))));
    expect(metricsVersions.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < counters.length; i++) {
      for (const [series, value] of counters[i - 1]!) expect(counters[i]!.get(series), series).toBeGreaterThanOrEqual(value);
    }
  }, SCENARIO_MS);
});

/** Bytes sent and subflows per local address, from the kernel through `ss -Mtin` (MPTCP subflows only). */
async function kernelBytes(rig: Rig): Promise<Record<string, { sent: number; subflows: number }>> {
  const { stdout } = await rig.hostExec(["ss", "-Mtin"]);
  const out: Record<string, { sent: number; subflows: number }> = {};
  // A socket is its header line plus the indented info line below it.
  for (const socket of stdout.split(/\n(?=\S)/)) {
    const [header = "", info = ""] = socket.split("\n");
    if (!header.startsWith("tcp") || !info.includes("tcp-ulp-mptcp")) continue;
    const local = header.trim().split(/\s+/)[4]!.replace(/(%\S+)?:\d+$/, "");
    const entry = (out[local] ??= { sent: 0, subflows: 0 });
    entry.sent += Number(/bytes_sent:(\d+)/.exec(info)?.[1] ?? 0);
    entry.subflows++;
  }
  return out;
}
