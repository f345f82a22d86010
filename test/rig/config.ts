// Text the rig writes: NetworkManager's configuration, keyfile profiles, the private bus's configuration
// and the script that starts udevd + NetworkManager in the host namespace.

export interface LinkSpec {
  name: string;
  /** IPv4 address 10.X.i.2/24, manual or from DHCP (default true). */
  ipv4?: boolean;
  /**
   * IPv4 by DHCP (ipv4.method auto) from a server in the peer namespace that offers 10.X.i.2/24 with the
   * peer as router: how a never-default link keeps a gateway (NetworkManager drops a static one).
   */
  dhcp?: boolean;
  /** Manual IPv6 address fd00:X:i::2/64 (default false). */
  ipv6?: boolean;
  /**
   * An LTE router or tethered phone: dnsmasq in the peer namespace serves DHCPv4 (10.X.i.2) and router
   * advertisements for 2001:db8:X:i::/64, plus DHCPv6 (2001:db8:X:i::2, a /128); with "slaac" no DHCPv6:
   * the host forms its own address in the prefix. The profile uses ipv4.method auto and ipv6.method auto.
   * Documentation-range addresses: the default policy skips ULA.
   */
  ra?: true | "slaac";
  /** The profile names the peer as gateway (default true). */
  gateway?: boolean;
  /** ipvX.never-default: a gateway but no default route in the main table. */
  neverDefault?: boolean;
  metered?: boolean;
  /** connection.mptcp-flags of the profile; default 0x1 (disabled): NetworkManager keeps its hands off MPTCP. */
  mptcpFlags?: number;
  /** The profile is activated at start (default true); when false it exists but waits for connUp. */
  up?: boolean;
}

export interface LinkAddresses {
  name: string;
  hostAddr4?: string;
  peerAddr4?: string;
  prefix4: number;
  /** Absent on a "slaac" link: the host picks it. */
  hostAddr6?: string;
  peerAddr6?: string;
  /** The prefix an `ra` link's router advertises, "2001:db8:X:i::/64". */
  prefix6?: string;
}

export const MPTCP_FLAGS_DISABLED = 0x1;

/** Link number i (1-based) of rig subnet X: 10.X.i.0/24 and fd00:X:i::/64, host .2/::2, peer .1/::1. */
export function linkAddresses(spec: LinkSpec, subnet: number, i: number): LinkAddresses {
  const v4 = spec.ipv4 ?? true;
  return {
    name: spec.name,
    prefix4: 24,
    ...(v4 && { hostAddr4: `10.${subnet}.${i}.2`, peerAddr4: `10.${subnet}.${i}.1` }),
    ...(spec.ipv6 && { hostAddr6: `fd00:${subnet}:${i}::2`, peerAddr6: `fd00:${subnet}:${i}::1` }),
    ...(spec.ra && {
      ...(spec.ra === true && { hostAddr6: `2001:db8:${subnet}:${i}::2` }),
      peerAddr6: `2001:db8:${subnet}:${i}::1`,
      prefix6: `2001:db8:${subnet}:${i}::/64`,
    }),
  };
}

/** A keyfile profile; enums and flags are stored as numbers, as `nmcli connection add` writes them. */
export function keyfile(spec: LinkSpec, addrs: LinkAddresses, uuid: string): string {
  const gateway = spec.gateway ?? true;
  const family = (address: string | undefined, peer: string | undefined, prefix: number, dhcp = false) =>
    address === undefined
      ? ["method=disabled"]
      : [
          ...(dhcp
            ? ["method=auto"]
            : ["method=manual", `address1=${address}/${prefix}`, ...(gateway && peer ? [`gateway=${peer}`] : [])]),
          ...(spec.neverDefault ? ["never-default=true"] : []),
        ];
  return [
    "[connection]",
    `id=${spec.name}`,
    `uuid=${uuid}`,
    "type=ethernet",
    `interface-name=${spec.name}`,
    `autoconnect=${spec.up ?? true}`,
    ...(spec.metered ? ["metered=1"] : []),
    `mptcp-flags=${spec.mptcpFlags ?? MPTCP_FLAGS_DISABLED}`,
    "",
    "[ethernet]",
    "",
    "[ipv4]",
    ...family(addrs.hostAddr4, addrs.peerAddr4, addrs.prefix4, spec.dhcp || spec.ra !== undefined),
    "",
    "[ipv6]",
    ...(spec.ra ? ["method=auto", ...(spec.neverDefault ? ["never-default=true"] : [])] : family(addrs.hostAddr6, addrs.peerAddr6, 64)),
    "",
  ].join("\n");
}

/**
 * `mptcpDefault`: the [connection] default for connection.mptcp-flags (default 0x1, NetworkManager keeps its
 * hands off MPTCP); null writes none, so profiles with mptcp-flags 0 get NetworkManager's built-in "enabled,subflow".
 */
export function networkManagerConf(dir: string, mptcpDefault: number | null = MPTCP_FLAGS_DISABLED): string {
  return [
    "[main]",
    "plugins=keyfile",
    "dhcp=internal",
    // Else NetworkManager races the rig's profiles with DHCP "Wired connection N" profiles.
    "no-auto-default=*",
    // The host namespace shares the machine's /etc and UTS namespace: leave resolv.conf and hostname alone.
    "dns=none",
    "rc-manager=unmanaged",
    "hostname-mode=none",
    "auth-polkit=false",
    "",
    "[keyfile]",
    `path=${dir}/connections`,
    "",
    "[connectivity]",
    "enabled=false",
    "",
    // Default for profiles that do not say (measured to work in 1.42); the rig's own profiles set it too.
    ...(mptcpDefault === null ? [] : ["[connection]", `connection.mptcp-flags=${mptcpDefault}`, ""]),
  ].join("\n");
}

export function networkManagerArgv(dir: string): string[] {
  return [
    "NetworkManager",
    "--debug", // foreground, log to stderr (captured in nm.log)
    `--config=${dir}/NetworkManager.conf`,
    `--config-dir=${dir}/conf.d`,
    `--system-config-dir=${dir}/conf.d`,
    `--intern-config=${dir}/nm-lib/NetworkManager-intern.conf`,
    `--state-file=${dir}/nm-lib/NetworkManager.state`,
  ];
}

export function busConf(dir: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${dir}/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
`;
}

/**
 * Runs in `ip netns exec HOST unshare -m -u`: a private /run/udev with its own udevd (without it
 * NetworkManager never finishes starting), a rule that lets NetworkManager manage veth (the stock rule
 * leaves them unmanaged), and NetworkManager's run and state folders bound to the rig's folder so a
 * restart re-assumes its connections and nothing of the machine's is written.
 */
export function startScript(dir: string): string {
  return `set -e
mount --make-rprivate /
mkdir -p /run/udev /run/NetworkManager /var/lib/NetworkManager
mount -t tmpfs tmpfs /run/udev
mount --bind ${dir}/nm-run /run/NetworkManager
mount --bind ${dir}/nm-lib /var/lib/NetworkManager
mount -t tmpfs tmpfs /etc/udev/rules.d
echo 'ENV{ID_NET_DRIVER}=="veth", ENV{NM_UNMANAGED}="0"' > /etc/udev/rules.d/90-rig-veth.rules
/lib/systemd/systemd-udevd >${dir}/udevd.log 2>&1 &
echo $! > ${dir}/udevd.pid
# A trigger sent before udevd listens is lost, and NetworkManager then waits for udev forever.
i=0; until udevadm control --ping 2>/dev/null; do i=$((i+1)); [ $i -lt 500 ] || exit 1; sleep 0.01; done
udevadm trigger --action=add --subsystem-match=net
udevadm settle
exec ${networkManagerArgv(dir).join(" ")}
`;
}
