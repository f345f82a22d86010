// The machine a result was taken on: numbers from a 2-core VM under load are not comparable to a quiet one.
import { cpus, loadavg, release } from "node:os";
import { execFileSync } from "node:child_process";

export interface Machine {
  kernel: string;
  cpus: number;
  cpu_model: string;
  node: string;
  iproute2: string;
  /** 1-minute load average at start and at the end of the run. */
  load_start: number;
  load_end?: number;
}

export function machine(): Machine {
  return {
    kernel: release(),
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? "unknown",
    node: process.version,
    iproute2: execFileSync("ip", ["-V"], { encoding: "utf8" }).trim(),
    load_start: loadavg()[0]!,
  };
}

export function loadNow(): number {
  return loadavg()[0]!;
}
