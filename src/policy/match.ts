import picomatch from "picomatch";
import type { Metered, NmDevice, PolicyRule, RuleMatch } from "../model/types.js";

/**
 * The first rule whose every present condition holds for `device`, or undefined.
 * An `ignore` rule matches like any other, so it stops later rules from claiming the device.
 */
export function matchDevice(device: NmDevice, rules: readonly PolicyRule[]): PolicyRule | undefined {
  return rules.find((rule) => matches(device, rule.match));
}

function matches(device: NmDevice, match: RuleMatch): boolean {
  const connection = device.connection;
  const ssid = device.ssid;
  return (
    holds(match.interface, (pattern) => glob(pattern, device.interface)) &&
    holds(match.type, (type) => type === device.type) &&
    holds(match.connection, (pattern) => connection !== undefined && glob(pattern, connection.id)) &&
    holds(match.uuid, (pattern) => connection !== undefined && glob(pattern, connection.uuid)) &&
    holds(match.ssid, (pattern) => ssid !== undefined && glob(pattern, ssid)) &&
    (match.metered === undefined || isMetered(device.metered) === match.metered)
  );
}

/** An absent condition holds; a list holds when any of its entries does. */
function holds<T>(list: readonly T[] | undefined, entry: (item: T) => boolean): boolean {
  return list === undefined || list.some(entry);
}

/** NetworkManager's guesses count as answers; "unknown" is treated as not metered, as NetworkManager itself does. */
function isMetered(metered: Metered): boolean {
  return metered === "yes" || metered === "guess-yes";
}

// Picomatch is a path matcher: its `*` and `?` never cross "/". Interface names, SSIDs and connection ids
// are not paths (an id may well be "office/vpn"), so "/" is swapped for a private-use character on both
// sides: a literal "/" in a pattern still matches only "/", and wildcards cross it.
const SLASH_STANDIN = "\uE000";
const unslash = (text: string): string => text.replaceAll("/", SLASH_STANDIN);

// The shell negates a bracket class with "[!...]"; picomatch only knows "[^...]".
const shellNegation = (pattern: string): string => pattern.replace(/(?<!\\)\[!/g, "[^");

// fnmatch-like: `*`, `?`, `[...]` and backslash escapes; no braces or extglobs, which shell globbing on
// names does not have and which would give "{", "+(", "@(" in a name a surprising meaning.
const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true, nobrace: true, noextglob: true };

// Compiled once per pattern: `picomatch.isMatch` compiles its pattern on every call, which made matching
// the largest part of the pure planning step in the daemon's reaction path. Patterns come from the policy,
// so the cache is as small as the policy.
const compiled = new Map<string, (text: string) => boolean>();

function glob(pattern: string, text: string): boolean {
  let matcher = compiled.get(pattern);
  if (matcher === undefined) {
    matcher = picomatch(unslash(shellNegation(pattern)), GLOB_OPTIONS);
    compiled.set(pattern, matcher);
  }
  return matcher(unslash(text));
}
