// describe() for suites that need the namespace rig. Never a silent pass: with something missing the
// suite fails under CI (the list is the error) and is skipped loudly elsewhere.
import { describeNeeding } from "./needs.js";
import { rigPrerequisites } from "./prereqs.js";

/** `needs.commands`: programs a suite needs beyond the rig's own (e.g. dnsmasq). */
export function describeRig(title: string, fn: () => void, needs: { commands?: string[] } = {}): void {
  describeNeeding(rigPrerequisites(needs.commands), title, fn);
}
