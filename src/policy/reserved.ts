// Numbers the kernel or other routing software already give a meaning to: a policy must not claim them.

/** Routing tables the kernel reserves: unspec (0), default (253), main (254), local (255). */
export const RESERVED_TABLES: Readonly<Record<number, string>> = { 0: "unspec", 253: "default", 254: "main", 255: "local" };

/**
 * Route protocol numbers from iproute2's /etc/iproute2/rt_protos: 0-4 are the kernel's own,
 * the rest belong to routing daemons whose routes we must never take for ours.
 */
export const RESERVED_PROTOCOLS: Readonly<Record<number, string>> = {
  0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static",
  8: "gated", 9: "ra", 10: "mrt", 11: "zebra", 12: "bird", 13: "dnrouted", 14: "xorp", 15: "ntk",
  16: "dhcp", 18: "keepalived", 42: "babel", 99: "openr", 186: "bgp", 187: "isis", 188: "ospf",
  189: "rip", 192: "eigrp",
};

export const MAX_TABLE = 2 ** 32 - 1;
