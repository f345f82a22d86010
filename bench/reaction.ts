// Reaction time of one system: from the kernel's address event to its endpoint (and, for mptcp-policy,
// the source rule and the table's default route), on link-up; and to the endpoint's removal on link-down.
// Link-ups come from `nmcli connection down/up` and, in full mode, from carrier loss on the peer end.
import { startRig, rigName } from "../test/rig/rig.js";
import { type AddrEvent, Probe } from "./probe.js";
import { writePolicy, RULE_PROTOCOL } from "./policy.js";
import { distribution, type Distribution } from "./stats.js";
import { linksFor, startSystem, waitEndpoints, type SystemName } from "./systems.js";

export interface ReactionOptions {
  /** nmcli down/up cycles. */
  cycles: number;
  /** Carrier cut/restore cycles (each waits out NetworkManager's ~6 s carrier timeout). */
  carrierCycles: number;
}

export interface ReactionResult extends Distribution {
  /** Link-ups whose endpoint did not appear within the probe's timeout. */
  misses: number;
  stale_endpoints_max: number;
  duplicate_endpoints_max: number;
  rule: Distribution | "n/a";
  route: Distribution | "n/a";
  /** Endpoint, rule and route all present. */
  all: Distribution | "n/a";
  /** Address → the link's own default route in main, which NetworkManager adds (the same in every system's rig). */
  main_default: Distribution;
  /**
   * The link's default route in main → its endpoint; negative when the endpoint came first. mptcp-policy waits
   * for the link's gateway before its endpoint (an endpoint without routing loses its subflows: endpoint-order.sh),
   * so for it this is the reaction to the last fact it needed.
   */
  endpoint_after_main_default: Distribution;
  removal: Distribution & { misses: number };
  triggers: { nmcli: number; carrier: number };
  /** Link-ups left out of the add statistics because the endpoint had not been removed at the link-down. */
  link_ups_after_a_stale_endpoint: number;
  probe_timeout_ms: number;
  samples: { add_endpoint_ms: number[]; del_endpoint_ms: number[] };
}

const MEASURED = "b0";
const PROBE_TIMEOUT_MS = 1_000;
// NetworkManager's carrier timeout is about 6 s before it drops the address.
const CARRIER_EVENT_MS = 20_000;

export async function measureReaction(system: SystemName, opts: ReactionOptions): Promise<ReactionResult> {
  // Two links so the system manages more than the one that flaps; both with a gateway, because
  // NetworkManager only makes endpoints for families with a default route in main.
  const rig = await startRig({ name: rigName("brx"), links: linksFor(system, [{ name: "a0" }, { name: MEASURED }]) });
  try {
    const ours = system === "mptcp-policy";
    const running = await startSystem(system, rig, { policy: ours ? writePolicy(rig, { subflow: ["a0", MEASURED] }) : undefined });
    try {
      const address = rig.links[MEASURED]!.hostAddr4!;
      await waitEndpoints(rig, [rig.links.a0!.hostAddr4!, address]);
      const probe = await Probe.start(rig, {
        want: ours ? ["endpoint", "rule", "route", "main_default"] : ["endpoint", "main_default"],
        ...(ours && { ruleProtocol: RULE_PROTOCOL }),
        ifnameGlob: MEASURED,
        timeoutMs: PROBE_TIMEOUT_MS,
      });
      const adds: AddrEvent[] = [];
      const dels: AddrEvent[] = [];
      const wait = PROBE_TIMEOUT_MS + 5_000;
      for (let i = 0; i < opts.cycles; i++) {
        await rig.connDown(MEASURED);
        dels.push(await probe.next("del", address, wait));
        await rig.connUp(MEASURED);
        adds.push(await probe.next("add", address, wait));
      }
      for (let i = 0; i < opts.carrierCycles; i++) {
        await rig.cutCarrier(MEASURED);
        dels.push(await probe.next("del", address, CARRIER_EVENT_MS));
        await rig.restoreCarrier(MEASURED);
        adds.push(await probe.next("add", address, CARRIER_EVENT_MS));
      }
      await probe.stop();
      return summarise(adds, dels, ours, opts);
    } finally {
      await running.stop();
    }
  } finally {
    await rig.stop();
  }
}

/** adds[i] follows dels[i]: the link-down and link-up of one cycle. */
function summarise(allAdds: AddrEvent[], dels: AddrEvent[], ours: boolean, opts: ReactionOptions): ReactionResult {
  // An endpoint that was never removed is already there when the address comes back: not a reaction.
  const adds = allAdds.filter((_, i) => dels[i]?.endpoint_ms !== null);
  const seen = (events: AddrEvent[], key: "endpoint_ms" | "rule_ms" | "route_ms" | "main_default_ms") =>
    events.map((e) => e[key]).filter((v): v is number => v !== null);
  const allPresent = adds
    .filter((e) => e.endpoint_ms !== null && e.rule_ms !== null && e.route_ms !== null)
    .map((e) => Math.max(e.endpoint_ms!, e.rule_ms!, e.route_ms!));
  const afterDefault = adds
    .filter((e) => e.endpoint_ms !== null && e.main_default_ms !== null)
    .map((e) => e.endpoint_ms! - e.main_default_ms!);
  const addEndpoint = seen(adds, "endpoint_ms");
  const delEndpoint = seen(dels, "endpoint_ms");
  return {
    ...distribution(addEndpoint),
    n: adds.length,
    misses: adds.length - addEndpoint.length,
    stale_endpoints_max: Math.max(0, ...adds.map((e) => e.stale_endpoints ?? 0)),
    duplicate_endpoints_max: Math.max(0, ...adds.map((e) => e.duplicate_endpoints ?? 0)),
    rule: ours ? distribution(seen(adds, "rule_ms")) : "n/a",
    route: ours ? distribution(seen(adds, "route_ms")) : "n/a",
    all: ours ? distribution(allPresent) : "n/a",
    main_default: distribution(seen(adds, "main_default_ms")),
    endpoint_after_main_default: distribution(afterDefault),
    removal: { ...distribution(delEndpoint), n: dels.length, misses: dels.length - delEndpoint.length },
    triggers: { nmcli: opts.cycles, carrier: opts.carrierCycles },
    link_ups_after_a_stale_endpoint: allAdds.length - adds.length,
    probe_timeout_ms: PROBE_TIMEOUT_MS,
    samples: { add_endpoint_ms: addEndpoint, del_endpoint_ms: delEndpoint },
  };
}
