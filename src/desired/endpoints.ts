import { ENDPOINT_FLAGS } from "../model/types.js";
import type { DesiredEndpoint, EndpointSpec, KernelAddress, Reason } from "../model/types.js";

/** One endpoint per usable address, bound to the device, flags in the kernel's canonical order. */
export function desiredEndpoints(
  addresses: readonly KernelAddress[],
  spec: EndpointSpec,
  reason: Reason,
): DesiredEndpoint[] {
  const flags = ENDPOINT_FLAGS.filter((flag) => spec.flags.includes(flag));
  return addresses.map((a) => ({
    address: a.address,
    family: a.family,
    dev: a.ifname,
    flags,
    ...(spec.port !== undefined && { port: spec.port }),
    reason,
  }));
}
