// Records the raw D-Bus data toNmDevice consumes, from a real NetworkManager in a rig, into
// test/fixtures/nm/. Run: npx tsx test/rig/record-nm.ts
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { connectNmBus } from "../../src/nm/bus.js";
import { readRawDevices } from "../../src/nm/snapshot.js";
import { startRig } from "./rig.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/nm/", import.meta.url));
const RECORDINGS: Record<string, string> = { wan0: "veth-ethernet-ipv6.json", lte0: "veth-metered-never-default.json" };

const rig = await startRig({
  links: [
    { name: "wan0", ipv6: true },
    { name: "lte0", neverDefault: true, metered: true },
  ],
});
try {
  const bus = await connectNmBus(rig.busAddress);
  const { devices } = await readRawDevices(bus);
  bus.close();
  for (const raw of devices) {
    const file = RECORDINGS[String(raw.device.Interface)];
    if (file === undefined) continue;
    writeFileSync(FIXTURES + file, JSON.stringify(raw, null, 2) + "\n");
    console.log(`recorded ${raw.device.Interface} → test/fixtures/nm/${file}`);
  }
} finally {
  await rig.stop();
}
