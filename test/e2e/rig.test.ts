// Smoke test of the namespace rig and of the NetworkManager adapter against a real NetworkManager.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { NmDevice } from "../../src/model/types.js";
import { connectNmBus, type NmBus } from "../../src/nm/bus.js";
import { readRawDevice, readSnapshot } from "../../src/nm/snapshot.js";
import { watchNetworkManager } from "../../src/nm/watch.js";
import { describeRig } from "../rig/describe-rig.js";
import { listNamespaces, startRig, type Rig } from "../rig/rig.js";
import { isAlive, type RigState } from "../rig/state.js";

/** How long NetworkManager gets to publish a fact after the event that causes it. */
const POLL = { timeout: 5_000, interval: 50 };

describeRig("namespace rig with a real NetworkManager", () => {
  let rig: Rig;
  let bus: NmBus;
  let startMs: number;

  beforeAll(async () => {
    const t0 = performance.now();
    rig = await startRig({
      links: [
        { name: "wan0", ipv6: true },
        { name: "lte0", neverDefault: true, metered: true },
      ],
    });
    startMs = performance.now() - t0;
    console.info(`rig ${rig.name} started in ${startMs.toFixed(0)} ms`);
    bus = await connectNmBus(rig.busAddress);
  });
  afterAll(async () => {
    bus?.close();
    await rig?.stop();
  });

  const device = async (name: string): Promise<NmDevice> => {
    const found = (await readSnapshot(bus)).devices.find((d) => d.interface === name);
    if (!found) throw new Error(`${name} not in the snapshot`);
    return found;
  };

  it("brings both links to activated with the profiles' addresses, gateway and metered values", async () => {
    // NetworkManager 1.52 may report state 100 before it publishes the IP configuration (and Metered):
    // the contract is that the snapshot reaches these facts, so each is polled for, not read once.
    await expect.poll(() => device("wan0"), POLL).toMatchObject({ type: "veth", nmType: 20, state: 100, managed: true, metered: "guess-no" });
    await expect.poll(() => device("lte0"), POLL).toMatchObject({ type: "veth", state: 100, managed: true, metered: "yes" });
    await expect.poll(async () => (await device("wan0")).ip4, POLL)
      .toEqual({ addresses: [{ address: rig.links.wan0!.hostAddr4, prefix: 24 }], gateway: rig.links.wan0!.peerAddr4 });
    await expect.poll(async () => (await device("wan0")).ip6.addresses, POLL).toContainEqual({ address: rig.links.wan0!.hostAddr6, prefix: 64 });
    await expect.poll(async () => (await device("wan0")).ip6.gateway, POLL).toBe(rig.links.wan0!.peerAddr6);
    // never-default: NetworkManager 1.42 drops the profile's gateway, so none is known.
    await expect.poll(async () => (await device("lte0")).ip4, POLL).toEqual({ addresses: [{ address: rig.links.lte0!.hostAddr4, prefix: 24 }] });
    expect((await device("wan0")).connection).toMatchObject({ id: "wan0", type: "802-3-ethernet", mptcpFlags: 0x1 });
    const routes = await rig.hostExec(["ip", "-j", "route", "show", "default"]);
    expect((JSON.parse(routes.stdout) as { dev: string }[]).map((r) => r.dev)).toEqual(["wan0"]);
  });

  it("connection down and up change the device state and its addresses", async () => {
    await rig.connDown("lte0");
    // 1.52 reaches state 30 before it withdraws the address from the device's IP configuration.
    await expect.poll(async () => { const d = await device("lte0"); return { state: d.state, ip4: d.ip4.addresses }; }, POLL)
      .toEqual({ state: 30, ip4: [] });
    await rig.connUp("lte0");
    await expect.poll(async () => { const d = await device("lte0"); return { state: d.state, ip4: d.ip4.addresses }; }, POLL)
      .toEqual({ state: 100, ip4: [{ address: rig.links.lte0!.hostAddr4, prefix: 24 }] });
  });

  it("watch follows con down/up and keeps the devices through a NetworkManager restart", async () => {
    const changes: string[] = [];
    let lteMissing = false;
    /** lte0's metered value in every snapshot the watch announced. */
    const lteMetered = new Set<string>();
    const watch = await watchNetworkManager(() => connectNmBus(rig.busAddress), (change) => {
      changes.push(change);
      const lte0 = watch.snapshot().devices.find((d) => d.interface === "lte0");
      lteMissing ||= lte0 === undefined;
      if (lte0) lteMetered.add(lte0.metered);
    });
    const lte = () => watch.snapshot().devices.find((d) => d.interface === "lte0");
    try {
      await rig.connDown("lte0");
      await rig.waitFor(() => lte()?.state === 30 && lte()?.ip4.addresses.length === 0, 2_000, "watch to see lte0 down");
      await rig.connUp("lte0");
      await rig.waitFor(() => lte()?.state === 100 && lte()?.ip4.addresses.length === 1, 2_000, "watch to see lte0 up");
      expect(changes.filter((c) => c === "lte0").length).toBeLessThanOrEqual(8);

      const path = lte()!.path;
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) await readRawDevice(bus, path);
      console.info(`device re-read: ${((performance.now() - t0) / 20).toFixed(2)} ms`);

      const t1 = performance.now();
      const from = changes.length;
      await rig.restartNetworkManager();
      // The full re-read shows the new NetworkManager as it is at that moment, which may be re-assuming lte0
      // (state 80, Metered 0 = unknown, for a few ms): not settled yet. What the watch owes is to follow it to
      // its settled facts, so that is what is waited for (a change of lte0 after the full read).
      await rig.waitFor(
        () => changes.slice(from).includes("all") && lte()?.state === 100 && lte()?.metered === "yes",
        5_000,
        "the watch to see lte0 activated and metered again after the restart",
      );
      console.info(`NetworkManager restart: ${(performance.now() - t1).toFixed(0)} ms`);
      expect(lteMissing).toBe(false);
      // Re-assuming, NetworkManager says "unknown", never a wrong answer; the watch passes on what it said.
      expect([...lteMetered].filter((m) => m !== "yes" && m !== "unknown")).toEqual([]);
    } finally {
      await watch.close();
    }
  });

  it("stop() leaves no namespace, process or folder behind", async () => {
    const state = JSON.parse(readFileSync(join(rig.dir, "state.json"), "utf8")) as RigState;
    expect(state.processes.map((p) => p.what).sort()).toEqual(["NetworkManager", "dbus-daemon", "systemd-udevd"]);
    expect(state.processes.every(isAlive)).toBe(true);
    bus.close();
    await rig.stop();
    expect(listNamespaces()).not.toContain(rig.hostNs);
    expect(listNamespaces()).not.toContain(rig.peerNs);
    expect(state.processes.filter(isAlive)).toEqual([]);
    expect(existsSync(rig.dir)).toBe(false);
    await rig.stop(); // idempotent
  });
});
