import type { Conflict, DesiredEndpoint, DesiredState, Endpoint, Marks, Operation } from "../model/types.js";
import { describeNmMptcp, nmMptcpFix } from "../nm/mptcp-handling.js";
import type { Held } from "./hold.js";
import { lowestFree, ownsEndpoint } from "./ownership.js";
import type { PlanPart } from "./part.js";
import { compareText } from "../model/compare.js";

/** MPTCP_PM_ADDR_MAX: the in-kernel path manager holds at most 8 endpoints per network namespace (-ERANGE beyond). */
export const KERNEL_ENDPOINT_MAX = 8;

/**
 * Endpoints are identified by address (the kernel holds one endpoint per address). Owned endpoints
 * nobody wants are deleted; a wanted one that differs only in `backup` is changed in place (its subflows
 * survive); any other difference needs delete + add, which keeps the id. New endpoints take the lowest
 * free id of our range. Foreign endpoints are left alone and one on a wanted address is reported, with one
 * exception: an endpoint bound to the device itself, as NetworkManager leaves them, on a device where
 * NetworkManager's own MPTCP handling is known to be off now, is taken over (delete + add in our id range: the
 * kernel cannot renumber an endpoint, so its subflows close and are re-established through ours). Held
 * endpoints (a device whose facts are unknown) are left as they are, and their ids stay taken.
 */
export function planEndpoints(
  desired: Pick<DesiredState, "endpoints" | "devices">,
  current: readonly Endpoint[],
  marks: Marks,
  held?: Pick<Held, "endpoint">,
): PlanPart {
  const ops: Operation[] = [];
  const conflicts: Conflict[] = [];
  const wanted = new Set(desired.endpoints.map((e) => e.address));
  const ownedByAddress = new Map(
    current.filter((e) => ownsEndpoint(e, marks) && !held?.endpoint(e)).map((e) => [e.address, e]),
  );
  const foreignByAddress = new Map(current.filter((e) => !ownsEndpoint(e, marks)).map((e) => [e.address, e]));
  const used = new Set(current.map((e) => e.id));

  for (const existing of ownedByAddress.values()) {
    if (wanted.has(existing.address)) continue;
    ops.push({ op: "endpoint-delete", id: existing.id, address: existing.address, reason: "not wanted" });
    used.delete(existing.id);
  }

  const toAdd: DesiredEndpoint[] = [];
  for (const want of desired.endpoints) {
    const foreign = foreignByAddress.get(want.address);
    const existing = ownedByAddress.get(want.address);
    if (want.waitsForRoute && !existing) continue;
    if (foreign && leftByNetworkManager(want, foreign, desired.devices)) {
      ops.push({ op: "endpoint-delete", id: foreign.id, address: foreign.address, reason: want.reason, takeover: true });
      used.delete(foreign.id);
      toAdd.push(want);
    } else if (foreign) conflicts.push(foreignConflict(want, foreign, desired.devices));
    else if (!existing) toAdd.push(want);
    else ops.push(...reconcileEndpoint(want, existing));
  }

  for (const want of [...toAdd].sort(byDeviceThenAddress)) {
    if (used.size >= KERNEL_ENDPOINT_MAX) {
      conflicts.push({
        kind: "kernel-endpoint-limit",
        device: want.dev,
        address: want.address,
        message:
          `no endpoint for ${want.address} on ${want.dev}: the kernel holds at most ${KERNEL_ENDPOINT_MAX} MPTCP ` +
          `endpoints per namespace; leave fewer addresses to MPTCP (ignore rules, addresses.ipv6: false)`,
      });
      continue;
    }
    const id = lowestFree(marks.endpointIds, used);
    if (id === undefined) {
      conflicts.push({
        kind: "endpoint-ids-exhausted",
        device: want.dev,
        address: want.address,
        message: `no free endpoint id in ${marks.endpointIds.join("..")} for ${want.address} on ${want.dev}; widen marks.endpointIds`,
      });
      continue;
    }
    used.add(id);
    ops.push({ op: "endpoint-add", endpoint: toEndpoint(want, id), reason: want.reason });
  }
  return { ops, conflicts };
}

function reconcileEndpoint(want: DesiredEndpoint, existing: Endpoint): Operation[] {
  const without = (flags: readonly string[]) => flags.filter((f) => f !== "backup").sort().join(",");
  const wantBackup = want.flags.includes("backup");
  const sameElsewhere =
    without(want.flags) === without(existing.flags) && want.dev === existing.dev && want.port === existing.port;
  if (sameElsewhere && wantBackup === existing.flags.includes("backup")) return [];
  if (sameElsewhere) {
    return [{ op: "endpoint-change", id: existing.id, address: existing.address, backup: wantBackup, reason: want.reason }];
  }
  // The kernel cannot change signal/subflow/fullmesh/port/dev in place; the freed id is free again at once.
  return [
    { op: "endpoint-delete", id: existing.id, address: existing.address, reason: want.reason },
    { op: "endpoint-add", endpoint: toEndpoint(want, existing.id), reason: want.reason },
  ];
}

function toEndpoint(want: DesiredEndpoint, id: number): Endpoint {
  return { id, address: want.address, flags: want.flags, dev: want.dev, ...(want.port !== undefined && { port: want.port }) };
}

/**
 * NetworkManager binds each endpoint it makes to its device (`dev IF`, measured with 1.42 and 1.52); once its
 * handling is off for that device it no longer touches it, so nobody else claims it. Unknown handling is not off.
 */
function leftByNetworkManager(want: DesiredEndpoint, foreign: Endpoint, devices: DesiredState["devices"]): boolean {
  return foreign.dev === want.dev && devices.find((d) => d.device === want.dev)?.nmMptcp?.on === false;
}

function foreignConflict(
  want: DesiredEndpoint,
  foreign: Endpoint,
  devices: DesiredState["devices"],
): Conflict {
  const nm = devices.find((d) => d.device === want.dev)?.nmMptcp;
  const advice = nm?.on
    ? `NetworkManager's own MPTCP handling is on for ${describeNmMptcp(nm, want.dev)}; turn it off: ${nmMptcpFix(nm, want.dev)}`
    : `if it is stale, remove it with \`ip mptcp endpoint delete id ${foreign.id}\``;
  return {
    kind: "foreign-endpoint",
    device: want.dev,
    address: want.address,
    endpointId: foreign.id,
    message: `${want.address} on ${want.dev} already has endpoint id ${foreign.id}, which is not ours; ${advice}`,
  };
}

function byDeviceThenAddress(a: DesiredEndpoint, b: DesiredEndpoint): number {
  return compareText(a.dev, b.dev) || compareText(a.address, b.address);
}
