// `npm run demo`: what mptcp-policy does, on one machine, with a real NetworkManager and real MPTCP
// traffic in two network namespaces. Nothing of the machine's own networking is touched, and everything
// the demo makes is removed at the end, on Ctrl-C and on failure (the rig's exit and signal handlers).
// Run it with `node --import tsx` (as `npm run demo` does), not the tsx CLI: on Ctrl-C the CLI SIGKILLs its
// child 60 ms after relaying the signal, in the middle of the rig's synchronous teardown.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPolicy } from "../../src/policy/load.js";
import { startRig, rigName, type Rig } from "./rig.js";
import { shapeLinks, startTraffic, waitFlowing, type TrafficResult } from "./traffic.js";
import { startDemoDaemon, type LogLine } from "./demo/daemon.js";
import { elapsed, indent, say, shell, showCommand, step } from "./demo/narrate.js";
import { startDemoWatch } from "./demo/watch.js";

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    process.stderr.write("demo: run as root (it creates network namespaces and runs NetworkManager in one)\n");
    process.exit(1);
  }
  announceInterrupts();
  step(1, "Start the rig: a real NetworkManager with two links",
    "Two network namespaces: the host (NetworkManager, mptcp-policy) and the peer (gateways, traffic sink), " +
    "joined by veth pairs. wan0 is the wired uplink with the default route. lte0 stands for a cellular " +
    "modem: metered, and never-default (it must not take the default route), with its gateway from DHCP " +
    "as a real modem gets it. Both are shaped to 100 Mbit/s (tbf), as real links are: unshaped veth runs at " +
    "memory speed, faster than the traffic sink reads.");
  const rig = await startRig({
    name: rigName("demo"),
    links: [
      { name: "wan0" },
      { name: "lte0", metered: true, neverDefault: true, dhcp: true },
    ],
  });
  await shapeLinks(rig, ["wan0", "lte0"]);
  // An empty root inside the rig's folder (removed with the rig): the policy lookup finds no file under
  // it, so the embedded default policy decides, not whatever this machine has in /etc/mptcp-policy.
  const root = join(rig.dir, "root");
  mkdirSync(root);
  say(`rig ${rig.name}: namespaces ${rig.hostNs} and ${rig.peerNs}, links ${Object.keys(rig.links).join(", ")}`);
  await shell(["nmcli", "-f", "DEVICE,TYPE,STATE,CONNECTION", "device"], { env: rig.env });
  await shell(["nmcli", "-g", "connection.metered,ipv4.never-default", "connection", "show", "lte0"], { env: rig.env });
  await shell(["ip", "-n", rig.hostNs, "route"]);
  say("Only wan0 has a default route. Without more, an MPTCP subflow from lte0's address would leave by wan0.");

  const cli = cliRunner(rig, root);
  step(2, "Start the mptcp-policy daemon with the embedded default policy",
    "No policy file: the default makes metered links backup subflows and wired/Wi-Fi (and veth) links " +
    "ordinary subflows. The daemon reads NetworkManager over D-Bus (here the rig's private system bus), " +
    "watches it and the kernel, and reconciles on every change. Its first log lines:");
  say(`export DBUS_SYSTEM_BUS_ADDRESS=${rig.busAddress}`);
  const daemon = startDemoDaemon(rig, CLI, root);
  process.stdout.write(`\n$ ${daemon.command}\n`);
  for (const link of ["wan0", "lte0"]) await daemon.waitForNewLine(endpointAdded(link), 20_000, `${link}'s endpoint`);
  daemon.showNewLines();

  step(3, "What mptcp-policy says", "Per device: the rule that matched, the endpoints and routing table it made.");
  await cli("status");

  step(4, "What the kernel now holds",
    "One MPTCP endpoint per address (lte0's marked backup), and for each link a routing table with its own " +
    "default route plus a rule sending traffic from the link's address to it: a subflow from lte0 leaves by lte0.");
  await shell(["ip", "-n", rig.hostNs, "mptcp", "endpoint", "show"]);
  await shell(["ip", "-n", rig.hostNs, "mptcp", "limits", "show"]);
  await shell(["ip", "-n", rig.hostNs, "rule"]);
  for (const table of await ownTables(rig, root)) await shell(["ip", "-n", rig.hostNs, "route", "show", "table", String(table)]);

  step(5, "Real MPTCP traffic: the backup link stays idle",
    "A 3 s MPTCP transfer from the host to the peer. The kernel opens a subflow on each endpoint; while wan0 " +
    "works, the backup subflow on lte0 carries (almost) nothing.");
  const before = await (await startTraffic(rig, { seconds: 3, via: "wan0" })).done;
  showBytes(before);

  step(6, "Failover: cut wan0's carrier mid-transfer, watching the traffic live",
    "A 10 s transfer, and `mptcp-policy status --watch`: every second it reads the kernel's MPTCP subflows " +
    "(socket diagnostics, the subflows' own TCP counters) and shows per link the subflows, the rates, the bytes " +
    "and its share of the traffic. Once the transfer is seen flowing over wan0, wan0's peer end goes down, as " +
    "if the cable were pulled. MPTCP moves the data to lte0's backup subflow; the transfer does not break. " +
    "(Here the view's output is a pipe, so it appends its frames; in a terminal it redraws in place.)");
  const during = await startTraffic(rig, { seconds: 10, via: "wan0" });
  await waitFlowing(rig, "wan0", 10 * MB);
  const view = startDemoWatch(rig, CLI, root, 1);
  await view.frame((f) => /^wan0 is carrying/m.test(f), 15_000, "wan0 carrying the traffic");
  const cutAt = performance.now();
  await shell(["ip", "-n", rig.peerNs, "link", "set", "wan0", "down"]);
  // The frame spanning the cut still has some of wan0's traffic: wait for one after it.
  await view.frame((f) => /^lte0 \(backup\) is carrying .*: wan0 has no working subflow/m.test(f), 15_000, "lte0 carrying the traffic alone");
  const viewExit = await view.stop();
  say(`Ctrl-C ends the view (exit status ${viewExit}).`);
  const failover = await during.done;
  say(`Received by the peer: ${failover.receivedBytes.toLocaleString("en-US")} bytes, all that was sent; longest ` +
    `pause between two reads: ${failover.longestGapMs.toFixed(0)} ms, ${seconds(failover.longestGapAtMs)} into the transfer.`);
  say("The kernel reports the lost carrier at once. NetworkManager keeps wan0 activated for its carrier timeout " +
    "(about 6 s), but a link without carrier carries nothing: the daemon removes wan0's endpoint, rule and table " +
    "right away, so the kernel closes wan0's subflows and lte0's backup subflow takes the traffic without " +
    "waiting for them to time out.");
  await daemon.waitForNewLine((l) => l.op === "endpoint-delete", 5_000, "the endpoint's removal");
  daemon.showNewLines();
  await cli("status");
  await shell(["ip", "-n", rig.hostNs, "mptcp", "endpoint", "show"]);
  await rig.waitFor(async () => !(await hasAddress(rig, "wan0")), 15_000, "NetworkManager to drop wan0's address");
  say(`NetworkManager dropped wan0's address ${seconds(performance.now() - cutAt)} after the cut; by then there ` +
    "was nothing left for the daemon to remove.");

  step(7, "wan0 comes back",
    "The carrier returns, NetworkManager puts the address back, and the daemon gives wan0 its endpoint, rule " +
    "and table again. A last 2 s transfer runs over wan0 with lte0 idle once more.");
  await shell(["ip", "-n", rig.peerNs, "link", "set", "wan0", "up"]);
  await daemon.waitForNewLine(endpointAdded("wan0"), 15_000, "wan0's endpoint");
  daemon.showNewLines();
  await shell(["ip", "-n", rig.hostNs, "mptcp", "endpoint", "show"]);
  showBytes(await (await startTraffic(rig, { seconds: 2, via: "wan0" })).done);

  step(8, "Clean up", "Stop the daemon (SIGTERM, as systemd would), then NetworkManager and its bus, and delete " +
    "both namespaces. Ctrl-C at any point does the same.");
  const code = await daemon.stop();
  daemon.showNewLines();
  await rig.stop();
  say(`daemon exited with ${code}; namespaces ${rig.hostNs} and ${rig.peerNs} removed; demo done in ${elapsed().trim()}`);
  if (code !== 0) throw new Error(`the daemon exited with ${code}`);
}

/**
 * Tells the reader what Ctrl-C does. The teardown itself is the rig's signal handler (installed by startRig):
 * it runs after this one and then dies of the signal, so the exit status is non-zero. Before the rig exists
 * nothing needs undoing and the signal is re-raised here.
 */
function announceInterrupts(): void {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      process.stderr.write(`\n${sig}: stopping the demo and removing everything it made\n`);
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.prependListener(sig, onSignal);
  }
}

/**
 * Runs the CLI in the host namespace as one of the rig's processes: a Ctrl-C that lands just as it starts
 * (too late for the terminal's SIGINT to reach it) still ends it with the rig's teardown.
 */
function cliRunner(rig: Rig, root: string) {
  return async (...args: string[]) => {
    const child = rig.spawnInHost([process.execPath, CLI, ...args, "--root", root], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    showCommand(`ip netns exec ${rig.hostNs} node dist/cli/main.js ${args.join(" ")} --root ${root}`, output, code);
  };
}

/** Tables of the rules marked with the policy's protocol number: the ones mptcp-policy made. */
async function ownTables(rig: Rig, root: string): Promise<number[]> {
  const policy = await loadPolicy({ root });
  if (!policy.ok) throw new Error("the embedded default policy does not load");
  const { stdout } = await rig.hostExec(["ip", "-j", "rule", "show"]);
  const rules = JSON.parse(stdout) as { table?: string; protocol?: string }[];
  const own = rules.filter((r) => r.protocol === String(policy.policy.marks.protocol));
  return [...new Set(own.map((r) => Number(r.table)))];
}

const endpointAdded = (link: string) => (line: LogLine) => line.op === "endpoint-add" && line.device === link;

async function hasAddress(rig: Rig, ifname: string): Promise<boolean> {
  const { stdout } = await rig.hostExec(["ip", "-j", "-4", "addr", "show", "dev", ifname]);
  return (JSON.parse(stdout) as { addr_info: unknown[] }[]).some((l) => l.addr_info.length > 0);
}

/** Bytes each link sent during the transfer, then what the peer got and the longest stall. */
function showBytes(result: TrafficResult): void {
  const lines = [`${"".padEnd(6)} ${"bytes sent".padStart(15)}`];
  for (const [name, bytes] of Object.entries(result.bytesPerLink)) {
    lines.push(`${name.padEnd(6)} ${bytes.toLocaleString("en-US").padStart(15)}`);
  }
  lines.push(`received by the peer: ${result.receivedBytes.toLocaleString("en-US")} bytes; ` +
    `longest pause between two reads: ${result.longestGapMs.toFixed(0)} ms, ${seconds(result.longestGapAtMs)} into the transfer`);
  process.stdout.write(`${indent(lines.join("\n"))}\n`);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const MB = 1 << 20;

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // Ctrl-C reaches the demo's children too, and a child's failure can arrive here before the demo's own
    // SIGINT is handled: wait a moment, so that an interrupt is reported (and torn down) as one.
    setTimeout(() => {
      process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1); // the rig's exit handler tears everything down
    }, 250);
  },
);
