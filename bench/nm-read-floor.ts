// The least a one-shot run that reads NetworkManager pays: Node's start, loading dbus-next and reading the
// devices exactly as `apply` does (src/nm/read-once.ts), and nothing else: no policy, no kernel, no ip.
// bench/apply.ts bundles it like the CLI and times it beside `apply`.
import { readNmOnce } from "../src/nm/read-once.js";

const snapshot = await readNmOnce();
// Printed so the bench can check that the read saw the rig's devices rather than timing an empty answer.
process.stdout.write(`${snapshot.devices.length}\n`);
