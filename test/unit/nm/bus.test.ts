// The D-Bus adapter: toPlain on the values dbus-next hands over, and connectNmBus against a private
// dbus-daemon (no NetworkManager: a second connection plays it, owning its name or not).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dbus from "dbus-next";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectNmBus, NM_PATH, NM_SERVICE, toPlain, type BusSignal, type NmBus } from "../../../src/nm/bus.js";
import { busConf } from "../../rig/config.js";
import { describeNeeding } from "../../rig/needs.js";
import { onPath } from "../../rig/prereqs.js";

describe("toPlain", () => {
  it.each([
    ["a variant, unwrapped", new dbus.Variant("u", 7), 7],
    ["nested variants in a dict", { Metered: new dbus.Variant("u", 1), Ip: new dbus.Variant("a{sv}", { a: new dbus.Variant("s", "x") }) },
      { Metered: 1, Ip: { a: "x" } }],
    ["a byte array as numbers", Buffer.from("Café"), [67, 97, 102, 195, 169]],
    ["a safe 64-bit integer as a number", 1234567890123n, 1234567890123],
    ["an unsafe 64-bit integer as its decimal string", 18446744073709551615n, "18446744073709551615"],
    ["arrays element by element", [new dbus.Variant("s", "a"), [new dbus.Variant("b", true)]], ["a", [true]]],
    ["null and plain values as they are", [null, "s", 0, false], [null, "s", 0, false]],
  ])("%s", (_what, value, plain) => {
    expect(toPlain(value)).toEqual(plain);
  });
});

describeNeeding(onPath("dbus-daemon") ? [] : ["dbus-daemon on PATH"], "connectNmBus on a private bus", () => {
  let dir: string;
  let daemon: ChildProcess;
  let address: string;
  const opened: { close(): void }[] = [];
  const peers: dbus.MessageBus[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "bus-unit-"));
    writeFileSync(join(dir, "bus.conf"), busConf(dir));
    address = `unix:path=${join(dir, "bus")}`;
    daemon = spawn("dbus-daemon", ["--config-file", join(dir, "bus.conf"), "--nofork", "--print-address"], { stdio: ["ignore", "pipe", "ignore"] });
    // It prints its address once it listens.
    await new Promise<void>((resolve) => daemon.stdout!.once("data", () => resolve()));
  });
  afterEach(() => {
    for (const c of opened.splice(0)) c.close();
    for (const p of peers.splice(0)) p.disconnect();
    daemon.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (): Promise<NmBus> => {
    const bus = await connectNmBus(address);
    opened.push(bus);
    return bus;
  };
  /** Another client on the bus. */
  const peer = async () => {
    const p = dbus.sessionBus({ busAddress: address });
    peers.push(p);
    await new Promise((resolve, reject) => p.once("connect", resolve).once("error", reject));
    return p;
  };
  const broadcast = (from: dbus.MessageBus, member: string) =>
    from.send(new dbus.Message({ type: dbus.MessageType.SIGNAL, path: NM_PATH, interface: NM_SERVICE, member, signature: "o", body: ["/x"] }));
  /** Resolves once the bus has passed on everything `from` sent before (messages keep their order). */
  const flushed = (from: dbus.MessageBus) =>
    from.call(new dbus.Message({ destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus", member: "GetId" }));

  it("finds no owner while NetworkManager is away, then its unique name and NameOwnerChanged when it comes", async () => {
    const bus = await connect();
    const signals: BusSignal[] = [];
    bus.onSignal((s) => signals.push(s));
    expect(await bus.nameOwner()).toBeUndefined();
    const nm = await peer();
    await nm.requestName(NM_SERVICE, 0);
    await flushed(nm);
    const owner = await bus.nameOwner();
    expect(owner).toBe(nm.name);
    await expect.poll(() => signals.find((s) => s.member === "NameOwnerChanged")).toMatchObject({
      sender: "org.freedesktop.DBus", body: [NM_SERVICE, "", owner],
    });
  });

  it("receives NetworkManager's broadcast signals, and not those of another peer", async () => {
    const bus = await connect();
    const signals: BusSignal[] = [];
    bus.onSignal((s) => signals.push(s));
    const nm = await peer();
    await nm.requestName(NM_SERVICE, 0);
    const stranger = await peer();
    broadcast(stranger, "DeviceRemoved");
    await flushed(stranger);
    broadcast(nm, "DeviceAdded");
    await flushed(nm);
    await expect.poll(() => signals.some((s) => s.member === "DeviceAdded")).toBe(true);
    // The stranger's signal went out first: had the match rule let it through, it would be here by now.
    expect(signals.filter((s) => s.path === NM_PATH).map((s) => [s.member, s.sender])).toEqual([["DeviceAdded", nm.name]]);
  });

  it("fails a call to NetworkManager that is not there, and reports losing the bus", async () => {
    const bus = await connect();
    await expect(bus.getAll(NM_PATH, NM_SERVICE)).rejects.toThrow();
    const lost = new Promise<Error>((resolve) => bus.onLost(resolve));
    daemon.kill("SIGKILL");
    expect((await lost).message).toMatch(/closed|ECONNRESET|EPIPE/);
    await expect(bus.call(NM_PATH, NM_SERVICE, "GetDevices")).rejects.toThrow(/closed/);
  });
});
