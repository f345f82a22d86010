// One read of NetworkManager for a one-shot run: connect, read the devices and the configured mptcp-flags
// default, disconnect. Its own module so that the CLI loads dbus-next only for commands that read
// NetworkManager, and so that bench/nm-read-floor.ts times exactly this.
import type { NmSnapshot } from "../model/types.js";
import { connectNmBus } from "./bus.js";
import { readNmConfOf } from "./conf.js";
import { readSnapshot } from "./snapshot.js";

export async function readNmOnce(): Promise<NmSnapshot> {
  const bus = await connectNmBus();
  try {
    const [snapshot, conf] = await Promise.all([readSnapshot(bus), readNmConfOf(bus)]);
    return { ...snapshot, ...conf };
  } finally {
    bus.close();
  }
}
