import { describe, expect, it } from "vitest";
import { serialLoop } from "../../../src/daemon/loop.js";

/** A run function whose runs stay open until the test releases them, recording what it saw. */
function gatedRun() {
  const calls: string[][] = [];
  const gates: (() => void)[] = [];
  let active = 0;
  let maxActive = 0;
  const run = async (reasons: string[]) => {
    calls.push(reasons);
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise<void>((resolve) => gates.push(resolve));
    active--;
  };
  /** Lets the oldest open run finish, then lets the loop take its next step. */
  const release = async () => {
    gates.shift()!();
    await flush();
  };
  return { run, calls, release, maxActive: () => maxActive, open: () => gates.length };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("serialLoop", () => {
  it("folds a synchronous burst into one run carrying every distinct reason", async () => {
    const fake = gatedRun();
    const loop = serialLoop(fake.run, () => {});
    for (let i = 0; i < 8; i++) loop.request("nm:wan0");
    loop.request("kernel:address-added wan0");
    await flush();
    expect(fake.calls).toEqual([["nm:wan0", "kernel:address-added wan0"]]);
    await fake.release();
    await loop.idle();
    expect(fake.calls).toHaveLength(1);
  });

  it("runs exactly once more after a run during which changes arrived, never two at once", async () => {
    const fake = gatedRun();
    const loop = serialLoop(fake.run, () => {});
    loop.request("start");
    await flush();
    for (let i = 0; i < 50; i++) loop.request(i % 2 ? "nm:lte0" : "kernel:address-removed lte0");
    await flush();
    expect(fake.open()).toBe(1);
    await fake.release();
    expect(fake.calls).toEqual([["start"], ["kernel:address-removed lte0", "nm:lte0"]]);
    await fake.release();
    await loop.idle();
    expect(fake.calls).toHaveLength(2);
    expect(fake.maxActive()).toBe(1);
  });

  it("a request during the follow-up run gets a third run", async () => {
    const fake = gatedRun();
    const loop = serialLoop(fake.run, () => {});
    loop.request("a");
    await flush();
    loop.request("b");
    await fake.release();
    loop.request("c");
    await fake.release();
    await fake.release();
    await loop.idle();
    expect(fake.calls).toEqual([["a"], ["b"], ["c"]]);
  });

  it("reports a failed run and keeps serving requests", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = serialLoop(async () => {
      calls++;
      if (calls === 1) throw new Error("lock timeout");
    }, (e) => errors.push(e));
    loop.request("first");
    await loop.idle();
    loop.request("second");
    await loop.idle();
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error("lock timeout")]);
  });

  it("stop waits for the current run, drops the pending one and ignores later requests", async () => {
    const fake = gatedRun();
    const loop = serialLoop(fake.run, () => {});
    loop.request("start");
    await flush();
    loop.request("pending");
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    await fake.release();
    await stopping;
    loop.request("late");
    await flush();
    expect(fake.calls).toEqual([["start"]]);
  });
});

describe("serialLoop.pending", () => {
  it("tells a run whether a request came in since it started", async () => {
    const seen: boolean[] = [];
    const fake = gatedRun();
    const loop = serialLoop(async (reasons) => {
      await fake.run(reasons);
      seen.push(loop.pending());
    }, () => {});
    loop.request("a");
    await flush();
    await fake.release();
    loop.request("b");
    await flush();
    loop.request("c");
    await fake.release();
    await fake.release();
    await loop.idle();
    expect(seen).toEqual([false, true, false]);
  });
});

describe("serialLoop.requested", () => {
  it("resolves when a request comes in during a run, and at once while one is pending", async () => {
    const order: string[] = [];
    const fake = gatedRun();
    const loop = serialLoop(async (reasons) => {
      order.push(`run ${reasons.join()}`);
      const waiting = loop.requested().then(() => order.push("requested"));
      await fake.run(reasons);
      await waiting;
    }, () => {});
    loop.request("a");
    await flush();
    expect(order).toEqual(["run a"]);
    loop.request("b");
    await flush();
    expect(order).toEqual(["run a", "requested"]);
    await fake.release();
    // Run b waits for a request that has not come: it finishes only after the next one.
    expect(order).toEqual(["run a", "requested", "run b"]);
    await fake.release();
    expect(order).toEqual(["run a", "requested", "run b"]);
    loop.request("c");
    await flush();
    expect(order).toEqual(["run a", "requested", "run b", "requested", "run c"]);
    let pendingSeen = false;
    loop.request("d");
    await loop.requested().then(() => (pendingSeen = true));
    expect(pendingSeen).toBe(true);
  });
});

describe("serialLoop.requestNow", () => {
  it("starts the run before it returns when nothing runs, and queues like request when something does", async () => {
    const fake = gatedRun();
    const loop = serialLoop(fake.run, () => {});
    loop.requestNow("teardown");
    expect(fake.calls).toEqual([["teardown"]]);
    loop.requestNow("again");
    loop.request("other");
    expect(fake.calls).toEqual([["teardown"]]);
    await fake.release();
    expect(fake.calls).toEqual([["teardown"], ["again", "other"]]);
    await fake.release();
    await loop.idle();
    expect(fake.maxActive()).toBe(1);
  });

  it("never starts a second run when the run it started requests another before its first wait", async () => {
    const calls: string[][] = [];
    let active = 0;
    let maxActive = 0;
    const loop = serialLoop(async (reasons) => {
      calls.push(reasons);
      maxActive = Math.max(maxActive, ++active);
      if (reasons.includes("first")) loop.request("from inside");
      await flush();
      active--;
    }, () => {});
    loop.requestNow("first");
    await flush();
    await loop.idle();
    expect(calls).toEqual([["first"], ["from inside"]]);
    expect(maxActive).toBe(1);
  });
});
