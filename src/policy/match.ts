import picomatch from "picomatch";
import type { DeviceKind, Metered, NmDevice, NmFact, PolicyRule, RuleMatch } from "../model/types.js";

/**
 * What the policy says about a device, in three values. `undecided`: a rule that may match (none before it
 * can) looks at facts NetworkManager has not reported yet; guessing them could make a link that may cost
 * money a full subflow, so the caller neither adds nor changes anything until they are known.
 */
export type MatchResult =
  | { kind: "matched"; rule: PolicyRule }
  | { kind: "undecided"; rule: PolicyRule; unknown: NmFact[] }
  | { kind: "none" };

/** A condition's value: it holds, it fails, or it depends on a fact not reported yet. */
type Truth = true | false | NmFact;

/**
 * The first rule whose every present condition holds for `device`. A rule with a failing condition is
 * passed over whatever else is unknown; the first rule that neither fails nor holds makes the device
 * undecided, since a later rule may only claim it once that one is known not to match. An `ignore` rule
 * matches like any other, so it stops later rules from claiming the device.
 */
export function matchDevice(device: NmDevice, rules: readonly PolicyRule[]): MatchResult {
  for (const rule of rules) {
    const truths = conditions(device, rule.match);
    if (truths.includes(false)) continue;
    const unknown = [...new Set(truths.filter((t): t is NmFact => t !== true))];
    return unknown.length === 0 ? { kind: "matched", rule } : { kind: "undecided", rule, unknown };
  }
  return { kind: "none" };
}

function conditions(device: NmDevice, match: RuleMatch): Truth[] {
  const { connection, ssid } = device;
  const truths: Truth[] = [];
  if (match.interface) truths.push(match.interface.some((p) => glob(p, device.interface)));
  if (match.type) truths.push(typeIs(device, match.type));
  // Without an active connection NetworkManager has not said which profile the device will run, even
  // when the kernel already holds its address (NetworkManager 1.42 adds it before signalling PREPARE).
  if (match.connection) truths.push(connection === undefined ? "connection" : match.connection.some((p) => glob(p, connection.id)));
  if (match.uuid) truths.push(connection === undefined ? "uuid" : match.uuid.some((p) => glob(p, connection.uuid)));
  if (match.ssid) truths.push(ssidIs(device, match.ssid));
  if (match.metered !== undefined) truths.push(device.metered === "unknown" ? "metered" : isMetered(device.metered) === match.metered);
  return truths;
}

/**
 * A device carrying a VPN connection is "vpn" whatever its own type (nm-enums deviceKind); while its
 * connection is unknown, a tunnel or generic device may still turn out to be one.
 */
const MAY_CARRY_VPN: readonly DeviceKind[] = ["tun", "other"];

function typeIs(device: NmDevice, types: readonly DeviceKind[]): Truth {
  const now = types.includes(device.type);
  if (device.connection !== undefined || !MAY_CARRY_VPN.includes(device.type)) return now;
  return now === types.includes("vpn") ? now : "type";
}

/** A Wi-Fi device has an SSID once it is associated; other kinds never have one. */
function ssidIs(device: NmDevice, patterns: readonly string[]): Truth {
  if (device.ssid !== undefined) return patterns.some((p) => glob(p, device.ssid!));
  return device.type === "wifi" ? "ssid" : false;
}

/** NetworkManager's guesses count as answers: it settles on one (at worst guess-no) when it activates a device. */
function isMetered(metered: Exclude<Metered, "unknown">): boolean {
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

function glob(pattern: string, text: string): boolean {
  return picomatch.isMatch(unslash(text), unslash(shellNegation(pattern)), GLOB_OPTIONS);
}
