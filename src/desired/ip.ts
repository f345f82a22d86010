import type { Family } from "../model/types.js";

// Just enough address arithmetic for prefix routes and address classes, without node:net, so the core stays pure.

const WIDTH: Record<Family, number> = { ipv4: 32, ipv6: 128 };

/** The address as a number, or undefined when `text` is not an address of `family`. */
export function parseAddress(family: Family, text: string): bigint | undefined {
  return family === "ipv4" ? parseV4(text) : parseV6(text);
}

/** The network of `address`/`prefix` in the kernel's spelling ("10.1.1.0/24", "2001:db8::/64"). */
export function networkOf(family: Family, address: string, prefix: number): string {
  const bits = parseAddress(family, address);
  if (bits === undefined) throw new Error(`not an ${family} address: ${address}`);
  return `${format(family, bits & mask(family, prefix))}/${prefix}`;
}

/** Whether `address` lies in `network` ("fe80::/10"); false across families. */
export function inNetwork(family: Family, address: string, network: string): boolean {
  const [base = "", length = ""] = network.split("/");
  const bits = parseAddress(family, address);
  const baseBits = parseAddress(family, base);
  if (bits === undefined || baseBits === undefined) return false;
  const m = mask(family, Number(length));
  return (bits & m) === (baseBits & m);
}

function mask(family: Family, prefix: number): bigint {
  const width = WIDTH[family];
  return ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - prefix)) - 1n);
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function parseV6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = v6Words(halves[0] ?? "");
  const tail = halves.length === 2 ? v6Words(halves[1] ?? "") : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const words = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return words.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
}

/** 16-bit words of a colon-separated run; a trailing dotted quad (::ffff:1.2.3.4) counts as two. */
function v6Words(run: string): number[] | undefined {
  if (run === "") return [];
  const words: number[] = [];
  const parts = run.split(":");
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseV4(part);
      if (v4 === undefined) return undefined;
      words.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
      words.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return words;
}

function format(family: Family, bits: bigint): string {
  if (family === "ipv4") return [24n, 16n, 8n, 0n].map((s) => String((bits >> s) & 0xffn)).join(".");
  const words = [...Array(8).keys()].map((i) => Number((bits >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952, as the kernel and iproute2 print it: the longest run of two or more zero words (the first on a tie) becomes "::".
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(":");
  if (best.start < 0) return hex(words);
  return `${hex(words.slice(0, best.start))}::${hex(words.slice(best.start + best.length))}`;
}
