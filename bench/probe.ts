// bench/probe.py running in a rig's host namespace: its event lines as they come, and its summary at stop.
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Rig } from "../test/rig/rig.js";

const PROBE = fileURLToPath(new URL("./probe.py", import.meta.url));

/** One address event as probe.py reports it (see bench/README.md); only the fields the bench reads. */
export interface AddrEvent {
  event: "add" | "del";
  ifname: string | null;
  family: "inet" | "inet6";
  address: string;
  t_addr_ns: number;
  endpoint_ms: number | null;
  rule_ms: number | null;
  route_ms: number | null;
  main_default_ms: number | null;
  stale_endpoints?: number;
  duplicate_endpoints?: number;
  truncated?: boolean;
}

export interface ProbeOptions {
  want: ("endpoint" | "rule" | "route" | "main_default")[];
  ruleProtocol?: number;
  ifnameGlob?: string;
  timeoutMs: number;
  /** Sleep between looks; larger when many events are watched at once, so the probe leaves CPU to the manager. */
  pollUs?: number;
}

export class Probe {
  readonly events: AddrEvent[] = [];
  summary: Record<string, unknown> | undefined;
  private ready = false;
  private taken = 0;
  private buffer = "";
  private stderr = "";
  private waiters: (() => void)[] = [];
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => this.onData(chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => child.once("close", () => resolve()));
    void this.exited.then(() => this.wake());
  }

  static async start(rig: Rig, opts: ProbeOptions): Promise<Probe> {
    const args = ["--want", opts.want.join(","), "--timeout-ms", String(opts.timeoutMs)];
    if (opts.ruleProtocol !== undefined) args.push("--rule-protocol", String(opts.ruleProtocol));
    if (opts.ifnameGlob !== undefined) args.push("--ifname-glob", opts.ifnameGlob);
    if (opts.pollUs !== undefined) args.push("--poll-us", String(opts.pollUs));
    const probe = new Probe(rig.spawnInHost(["python3", "-u", PROBE, ...args], { stdio: ["ignore", "pipe", "pipe"] }));
    await probe.until(() => probe.ready, 10_000, "the probe to be ready");
    return probe;
  }

  /**
   * The next event (after those already taken) for `address` of kind `kind`; events for other addresses
   * in between are skipped (kept in `events`).
   */
  async next(kind: AddrEvent["event"], address: string, timeoutMs: number): Promise<AddrEvent> {
    let found: AddrEvent | undefined;
    await this.until(() => {
      for (; this.taken < this.events.length; this.taken++) {
        const e = this.events[this.taken]!;
        if (e.event === kind && e.address === address) {
          found = e;
          this.taken++;
          return true;
        }
      }
      return false;
    }, timeoutMs, `a ${kind} event for ${address}`);
    return found!;
  }

  /** Waits until `count` events of `kind` have arrived since start. */
  async count(kind: AddrEvent["event"], count: number, timeoutMs: number): Promise<AddrEvent[]> {
    const of = () => this.events.filter((e) => e.event === kind);
    await this.until(() => of().length >= count, timeoutMs, `${count} ${kind} events`);
    return of();
  }

  async stop(): Promise<Record<string, unknown>> {
    this.child.kill("SIGTERM");
    await this.exited;
    if (this.summary === undefined) throw new Error(`probe ended without a summary: ${this.stderr.trim()}`);
    return this.summary;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (let i = this.buffer.indexOf("\n"); i >= 0; i = this.buffer.indexOf("\n")) {
      const line = this.buffer.slice(0, i).trim();
      this.buffer = this.buffer.slice(i + 1);
      if (!line) continue;
      const doc = JSON.parse(line) as Record<string, unknown>;
      if (doc.ready === true) this.ready = true;
      else if (doc.summary !== undefined) this.summary = doc.summary as Record<string, unknown>;
      else if (doc.event === "add" || doc.event === "del") this.events.push(doc as unknown as AddrEvent);
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`probe exited while waiting for ${what}: ${this.stderr.trim()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
