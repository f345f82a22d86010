import type { Endpoint, Marks } from "../model/types.js";

// Ownership lives in the kernel objects themselves, so a restart or a crash loses nothing:
// an endpoint is ours by its id range, a route or rule by its protocol number.

export function ownsEndpoint(endpoint: Pick<Endpoint, "id">, marks: Marks): boolean {
  const [first, last] = marks.endpointIds;
  return endpoint.id >= first && endpoint.id <= last;
}

export function ownsMarked(object: { protocol: number }, marks: Marks): boolean {
  return object.protocol === marks.protocol;
}

/** The lowest number in [first, last] not in `used`, or undefined when the range is full. */
export function lowestFree([first, last]: [number, number], used: ReadonlySet<number>): number | undefined {
  for (let n = first; n <= last; n++) if (!used.has(n)) return n;
  return undefined;
}
