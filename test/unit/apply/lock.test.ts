import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, access } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readdir } from "node:fs/promises";
import { acquireLock, isDaemonRunning, lockClaim, LockTimeoutError, writeDaemonPidFile } from "../../../src/apply/lock.js";

const run = promisify(execFile);
let dir: string;

beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), "apl-lock-")); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

/** A pid that certainly belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

const exists = (path: string) => access(path).then(() => true, () => false);

describe("acquireLock", () => {
  it("serialises two processes", async () => {
    const log = join(dir, "log");
    const holder = new URL("./lock-holder.ts", import.meta.url).pathname;
    const child = () => run(process.execPath, ["--import", "tsx", holder, dir, log, "300"]);
    await Promise.all([child(), child()]);
    const events = (await readFile(log, "utf8")).trim().split("\n").map((line) => line.split(" "));
    expect(events.map(([what]) => what)).toEqual(["start", "end", "start", "end"]);
    expect(events[0]![1]).toBe(events[1]![1]);
    expect(events[2]![1]).toBe(events[3]![1]);
    expect(events[0]![1]).not.toBe(events[2]![1]);
    expect(await exists(join(dir, "apply.lock"))).toBe(false);
  }, 30_000);

  it("serialises two acquirers in one process", async () => {
    const first = await acquireLock(dir);
    let secondHeld = false;
    const second = acquireLock(dir).then((lock) => { secondHeld = true; return lock; });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondHeld).toBe(false);
    await first.release();
    const secondLock = await second;
    await secondLock.release();
    expect(secondHeld).toBe(true);
    // The daemon trusts its kernel cache only after a lock nobody else held meanwhile.
    expect(first.contended).toBe(false);
    expect(secondLock.contended).toBe(true);
  });

  it("a claim takes a free lock at once and returns nothing while it is held", async () => {
    const claim = lockClaim(dir);
    const first = claim.tryAcquire();
    expect(first?.contended).toBe(false);
    expect(claim.tryAcquire()).toBeUndefined();
    const other = acquireLock(dir, { timeoutMs: 0 }).catch((e: unknown) => e);
    expect(await other).toBeInstanceOf(LockTimeoutError);
    await first!.release();
    const again = claim.tryAcquire();
    expect(again).toBeDefined();
    expect((await readFile(join(dir, "apply.lock"), "utf8")).split(" ")[0]).toBe(String(process.pid));
    await again!.release();
    claim.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it("a claim keeps working after the run directory is emptied", async () => {
    const claim = lockClaim(dir);
    await claim.tryAcquire()!.release();
    await rm(dir, { recursive: true, force: true });
    const lock = claim.tryAcquire();
    expect(lock?.contended).toBe(false);
    expect((await readFile(join(dir, "apply.lock"), "utf8")).split(" ")[0]).toBe(String(process.pid));
    await lock!.release();
    claim.close();
  });

  it("a claim does not write through a file a dead process of the same pid left linked as the lock", async () => {
    // A daemon that crashed holding the lock, and whose pid this process now has: its holder file is still
    // the lock's inode. Writing our holder into that file would make the stale lock name a live process.
    const leftover = join(dir, `apply.lock.${process.pid}`);
    await writeFile(leftover, `${process.pid} 1\n`);
    await run("ln", [leftover, join(dir, "apply.lock")]);
    const claim = lockClaim(dir);
    expect(claim.tryAcquire()).toBeUndefined();
    const lock = await claim.waitFor({ timeoutMs: 1000 });
    expect((await readFile(join(dir, "apply.lock"), "utf8")).split(" ")[0]).toBe(String(process.pid));
    await lock.release();
    claim.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it("a claim's wait returns the lock as contended once the holder releases it", async () => {
    const claim = lockClaim(dir);
    const first = await acquireLock(dir);
    expect(claim.tryAcquire()).toBeUndefined();
    const waited = claim.waitFor({ timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await first.release();
    const lock = await waited;
    expect(lock.contended).toBe(true);
    await lock.release();
    claim.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it("takes over a lock whose holder is dead", async () => {
    await writeFile(join(dir, "apply.lock"), `${await deadPid()}\n`);
    // timeoutMs 0: any wait for the holder would throw LockTimeoutError; only an immediate takeover succeeds.
    const lock = await acquireLock(dir, { timeoutMs: 0 });
    expect((await readFile(join(dir, "apply.lock"), "utf8")).split(" ")[0]).toBe(String(process.pid));
    await lock.release();
  });

  it("takes over a lock whose pid was reused by another process", async () => {
    await writeFile(join(dir, "apply.lock"), `${process.ppid} 1\n`);
    const lock = await acquireLock(dir, { timeoutMs: 1000 });
    await lock.release();
    expect(await exists(join(dir, "apply.lock"))).toBe(false);
  });

  it("takes over a lock file that names no pid", async () => {
    await writeFile(join(dir, "apply.lock"), "garbage\n");
    await (await acquireLock(dir, { timeoutMs: 1000 })).release();
  });

  it("gives up after the timeout naming the live holder", async () => {
    await writeFile(join(dir, "apply.lock"), "1\n");
    const began = Date.now();
    const error = await acquireLock(dir, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(Date.now() - began).toBeGreaterThanOrEqual(300);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as LockTimeoutError).holderPid).toBe(1);
    expect((error as Error).message).toMatch(/apply\.lock \(pid 1\); gave up after \d+ ms/);
    // Someone else's lock is left alone.
    expect(await readFile(join(dir, "apply.lock"), "utf8")).toBe("1\n");
  });

  it("release does not remove a lock that another process has taken since", async () => {
    const lock = await acquireLock(dir);
    await writeFile(join(dir, "apply.lock"), "1\n");
    await lock.release();
    expect(await readFile(join(dir, "apply.lock"), "utf8")).toBe("1\n");
  });
});

describe("isDaemonRunning", () => {
  it("is false without a pid file, true while the daemon's file exists, false after removal", async () => {
    expect(await isDaemonRunning(dir)).toBe(false);
    const pidFile = await writeDaemonPidFile(dir);
    expect((await readFile(join(dir, "daemon.pid"), "utf8")).split(/\s/)[0]).toBe(String(process.pid));
    expect(await isDaemonRunning(dir)).toBe(true);
    await pidFile.remove();
    expect(await isDaemonRunning(dir)).toBe(false);
  });

  it.each([["a dead pid", async () => `${await deadPid()}\n`], ["garbage", async () => "x\n"]])(
    "is false for %s", async (_name, content) => {
      await writeFile(join(dir, "daemon.pid"), await content());
      expect(await isDaemonRunning(dir)).toBe(false);
    });

  it("accepts a bare pid, as a shell would write it", async () => {
    await writeFile(join(dir, "daemon.pid"), `${process.pid}\n`);
    expect(await isDaemonRunning(dir)).toBe(true);
  });
});
