import type {
  DesiredRouting,
  DesiredState,
  Family,
  KernelLink,
  KernelState,
  NmDevice,
  NmMptcpHandling,
  NmSnapshot,
  Policy,
} from "../model/types.js";
import { nmMptcpHandling } from "../nm/mptcp-handling.js";
import { matchDevice } from "../policy/match.js";
import { usableAddresses } from "./addresses.js";
import { desiredEndpoints } from "./endpoints.js";
import { desiredLimits } from "./limits.js";
import { desiredRouting, type LinkRouting } from "./routing.js";
import { compareText } from "../model/compare.js";

/** NMDeviceState values between which a device's addresses are in the kernel and worth using. */
const STATE_IP_CONFIG = 70;
const STATE_ACTIVATED = 100;
/** DISCONNECTED..NEED_AUTH: NetworkManager is not tearing the device down. */
const STATE_DISCONNECTED = 30;
const STATE_NEED_AUTH = 60;
/** No carrier (or nothing NetworkManager could activate): the state a device keeps after its carrier went. */
const STATE_UNAVAILABLE = 20;

/**
 * A device counts when NetworkManager manages it, it has an interface, and its state is 70..100
 * (IP_CONFIG, IP_CHECK, SECONDARIES, ACTIVATED). From IP_CONFIG on, the kernel already holds the
 * addresses NetworkManager configured; waiting for ACTIVATED would delay endpoints behind connectivity
 * checks and secondaries. Every other state, DEACTIVATING (110) included, counts as gone: the device gets
 * nothing, so the planner sweeps whatever we own for it.
 */
export function deviceCounts(device: NmDevice): boolean {
  return (
    device.managed && device.interface !== "" && device.state >= STATE_IP_CONFIG && device.state <= STATE_ACTIVATED
  );
}

/**
 * NetworkManager 1.42 puts a manual profile's addresses into the kernel 10-20 ms before it even signals
 * PREPARE (measured in the rig: RTM_NEWADDR, then StateChanged 30→40→50→70). So a device it last reported
 * disconnected or activating that already holds usable kernel addresses is coming up, and counts at once:
 * that is what lets the daemon react to the address instead of waiting for D-Bus. Whether a rule can claim
 * it yet is the matcher's business: the connection, UUID, SSID and metered flag are unknown until then.
 * After a carrier loss the device is UNAVAILABLE, and when the carrier returns NetworkManager puts the address
 * and the default route back about 17 ms before it signals anything (the bench's carrier cycles, debug log):
 * such a device counts the same way, once the kernel lists its link with a carrier again.
 */
function comingUp(device: NmDevice, kernel: Pick<KernelState, "addresses" | "links">, policy: Policy): boolean {
  if (!device.managed || device.interface === "") return false;
  const activating = device.state >= STATE_DISCONNECTED && device.state <= STATE_NEED_AUTH;
  const carrierBack =
    device.state === STATE_UNAVAILABLE && kernel.links.find((l) => l.ifname === device.interface)?.up === true;
  return (activating || carrierBack) && usableAddresses(kernel.addresses, device.interface, policy.addresses).length > 0;
}

/**
 * A link that lost its carrier (or was set down) carries nothing, but NetworkManager keeps it activated for
 * its carrier timeout (about 6 s) before it drops the address. Its endpoints go at once: the kernel closes
 * the subflows on it and the backup subflow takes the traffic now, instead of after the dead subflow's
 * retransmissions time out (measured: 815 ms longest receive gap otherwise). A device the kernel does not
 * list (yet) is judged by NetworkManager alone.
 */
function hasCarrier(device: NmDevice, links: readonly KernelLink[]): boolean {
  return links.find((l) => l.ifname === device.interface)?.up !== false;
}

/**
 * Until ACTIVATED NetworkManager is still configuring the device: a gateway it has not reported yet (NetworkManager's
 * default route in main, the DHCP lease's router) may still come. Once activated, a family without one has none.
 */
function gatewayMayCome(device: NmDevice): boolean {
  return device.state < STATE_ACTIVATED;
}

function hasDefault(routing: DesiredRouting, family: Family): boolean {
  return routing.routes.some((r) => r.family === family && r.dst === "default");
}

/** The families the device has addresses of and no default route for. */
function waitingFamilies(routing: DesiredRouting): Family[] {
  const families = new Set(routing.sources.map((s) => s.family));
  return [...families].filter((f) => !hasDefault(routing, f)).sort();
}

/** NetworkManager's own MPTCP handling for the device, when known (see nmMptcpHandling). */
function nmMptcp(device: NmDevice, snapshot: NmSnapshot): { nmMptcp?: NmMptcpHandling } {
  const handling = nmMptcpHandling(device, snapshot);
  return handling ? { nmMptcp: handling } : {};
}

/** Whether a device gets anything at all (before its rule is looked at): NetworkManager's view and the kernel's. */
export function isInPlay(device: NmDevice, kernel: Pick<KernelState, "addresses" | "links">, policy: Policy): boolean {
  return (deviceCounts(device) || comingUp(device, kernel, policy)) && hasCarrier(device, kernel.links);
}

/** What the kernel should hold for the devices the policy manages; pure. */
export function desiredState(
  snapshot: NmSnapshot,
  kernel: Pick<KernelState, "addresses" | "links"> & LinkRouting,
  policy: Policy,
): DesiredState {
  const state: Omit<DesiredState, "limits"> = { devices: [], held: [], endpoints: [], routing: [], rpFilterLoose: [] };
  const devices = snapshot.devices
    .filter((d) => isInPlay(d, kernel, policy))
    .sort((a, b) => compareText(a.interface, b.interface));
  for (const device of devices) {
    const ifname = device.interface;
    const match = matchDevice(device, policy.rules);
    if (match.kind === "undecided") {
      state.held.push({ device: ifname, rule: match.rule.name, unknown: match.unknown });
      continue;
    }
    if (match.kind === "none") continue;
    const { rule } = match;
    const { action } = rule;
    if (action.kind === "ignore") continue;
    const reason = { device: ifname, rule: rule.name };
    state.devices.push({ device: ifname, rule: rule.name, kind: device.type, ...nmMptcp(device, snapshot) });

    const addresses = usableAddresses(kernel.addresses, ifname, policy.addresses);
    const link = kernel.links.find((l) => l.ifname === ifname);
    const routing =
      action.routing === false
        ? undefined
        : desiredRouting(device, addresses, link, action.routing.table, reason, kernel);
    const waiting = routing && gatewayMayCome(device) ? waitingFamilies(routing) : [];
    const endpoints = action.endpoint
      ? desiredEndpoints(addresses, action.endpoint, reason).map((e) =>
          waiting.includes(e.family) ? { ...e, waitsForRoute: true as const } : e,
        )
      : [];
    state.endpoints.push(...endpoints);
    if (routing) state.routing.push(waiting.length > 0 ? { ...routing, waitsForGateway: waiting } : routing);
    if (policy.rpFilter === "loose" && (routing || endpoints.length > 0)) state.rpFilterLoose.push(ifname);
  }
  return { ...state, limits: desiredLimits(policy.limits, state.endpoints) };
}
