// The demo's `mptcp-policy status --watch`: run in the rig's host namespace with its output piped, so the view
// appends each frame (no terminal to redraw in place); the frames are shown to the reader as they come.
import type { Rig } from "../rig.js";
import { indent } from "./narrate.js";
import { waitFor, type Waiters } from "./wake.js";

export interface DemoWatch {
  /** Resolves with the first frame, shown or still to come, that matches. */
  frame(predicate: (frame: string) => boolean, timeoutMs: number, what: string): Promise<string>;
  /** Ctrl-C, as a reader would quit it; resolves with its exit code. */
  stop(): Promise<number | null>;
}

const HEADER = "mptcp-policy status --watch";

export function startDemoWatch(rig: Rig, cli: string, root: string, intervalS: number): DemoWatch {
  const args = ["status", "--watch", "--interval", String(intervalS), "--root", root];
  process.stdout.write(`\n$ ip netns exec ${rig.hostNs} node dist/cli/main.js ${args.join(" ")}\n`);
  const child = rig.spawnInHost([process.execPath, cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const frames: string[] = [];
  const waiters: Waiters = new Set();
  let buffer = "";
  let stderr = "";
  let exitCode: number | null | undefined;
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    // A frame ends with an empty line; the next one starts with the header.
    for (let end = buffer.indexOf(`\n\n${HEADER}`); end >= 0; end = buffer.indexOf(`\n\n${HEADER}`)) {
      addFrame(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
    if (buffer.endsWith("\n\n") && buffer.startsWith(HEADER)) {
      addFrame(buffer.trimEnd());
      buffer = "";
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once("close", (code) => {
      exitCode = code;
      for (const wake of waiters) wake();
      resolve(code);
    }),
  );

  function addFrame(frame: string): void {
    frames.push(frame);
    process.stdout.write(`${indent(frame)}\n\n`);
    for (const wake of waiters) wake();
  }

  return {
    frame(predicate, timeoutMs, what) {
      return waitFor(
        waiters,
        () => frames.find(predicate),
        () => (exitCode === undefined ? undefined : `the live view exited (${exitCode}): ${stderr.trim()}`),
        timeoutMs,
        `a live view frame with ${what}`,
      );
    },
    async stop() {
      if (exitCode === undefined) child.kill("SIGINT");
      return exited;
    },
  };
}
