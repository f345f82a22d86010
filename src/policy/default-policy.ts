// The policy compiled into the program, used when no policy file exists.
// policies/default.yaml is generated from this text (npm run gen:policies).

/** How the embedded default shows up as a source in diagnostics and `validate` output. */
export const EMBEDDED_DEFAULT_NAME = "<embedded default>";

export const DEFAULT_POLICY_YAML = `# mptcp-policy: the built-in default policy.
# Copy it to /etc/mptcp-policy/policy.yaml to change it, or add drop-ins in /etc/mptcp-policy/policy.d/.
# Rules are tried in order; the first whose conditions all hold decides. Devices no rule matches are left alone.
version: 1
rules:
  # A metered link (a phone hotspot, a data-capped uplink; NetworkManager's guess counts) of any type
  # carries traffic only when nothing else works: a backup subflow.
  - name: metered
    match:
      metered: true
    endpoint:
      flags: [subflow, backup]

  # Cellular modems and Bluetooth tethering usually cost money or battery: backup subflows.
  - name: cellular
    match:
      type: [modem, bluetooth]
    endpoint:
      flags: [subflow, backup]

  # Wired and Wi-Fi links share the traffic as ordinary subflows.
  # veth counts as wired because NetworkManager leaves veth unmanaged on real machines by a stock udev
  # rule, so a managed veth is a deliberate link, e.g. a namespace rig or a container host uplink.
  - name: wired-and-wifi
    match:
      type: [ethernet, wifi, veth]
    endpoint:
      flags: [subflow]

  # Tunnels already ride on another link (a subflow through them would loop back onto it), bridges
  # face local machines and containers, and loopback goes nowhere: never touch them.
  # Bond and team ports carry no address of their own, so they need no rule.
  - name: tunnels-and-local
    match:
      type: [vpn, wireguard, tun, bridge, loopback]
    ignore: true

# Addresses never used as endpoints: link-local and ULA addresses cannot reach the Internet,
# temporary (privacy) addresses come and go, deprecated and tentative ones are not usable yet or anymore.
addresses:
  ipv4: true
  ipv6: true
  skip: [link-local, ula, temporary, deprecated, tentative]

# auto: enough subflows for the managed links, and accept as many addresses as peers may announce.
limits:
  subflows: auto
  add-addr-accepted: auto

# What marks the kernel objects this program owns; change only if another tool uses these numbers.
routing:
  tables: [1000, 1999]
  priority: 5000
  protocol: 203
endpoint-ids: [100, 199]

# Strict reverse-path filtering drops replies arriving on a link that is not the best route back,
# which is every extra subflow's link: make it loose on managed links.
rp-filter: loose
`;
