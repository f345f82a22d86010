#!/bin/bash
# Why mptcp-policy writes a link's routes and source rule before its endpoint (src/plan/order.ts), measured:
# an existing MPTCP connection (initial subflow over a0), then an address on b0 added as NetworkManager adds
# it (noprefixroute: no route for b0 yet), then the b0 endpoint (`subflow`) before b0's table and rule, with
# only the table's default route still missing (what the daemon did until it waited for the gateway), or after
# all of them. The peer answers ARP only for addresses on the asking interface (arp_ignore=1), like a router.
#   bash bench/endpoint-order.sh [OUT]     (root; writes OUT, default bench/results/<date>-endpoint-order.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-bench/results/$(date +%F)-endpoint-order.txt}
WAIT=5
DIR=$(mktemp -d)
H=eoh$$ P=eop$$
cleanup() {
  for n in $H $P; do
    if ip netns list | grep -qw "$n"; then ip netns pids "$n" | xargs -r kill; ip netns del "$n"; fi
  done
}
trap 'cleanup; rm -rf "$DIR"' EXIT
cat > "$DIR/server.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET, socket.SOCK_STREAM, 262)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5201)); s.listen(4)
while True:
    c, _ = s.accept()
    while c.recv(65536): pass
PY
cat > "$DIR/client.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET, socket.SOCK_STREAM, 262)
s.connect((sys.argv[1], 5201))
end = time.time() + float(sys.argv[2])
while time.time() < end:
    s.send(b"x" * 1000); time.sleep(0.01)
PY

# One case: family (4|6), order (endpoint-first|default-later|routing-first). Prints the b0 subflows after
# $WAIT s, when the address was added, and the kernel's subflow events with their times.
one() {
  local F=$1 ORDER=$2
  local A AG B BG S LEN SLEN NET NODAD
  if [ "$F" = 4 ]; then A=10.91.1.2 AG=10.91.1.1 B=10.91.2.2 BG=10.91.2.1 S=10.91.9.1 LEN=24 SLEN=32 NET=10.91.2.0/24 NODAD=
  else A=fd91:1::2 AG=fd91:1::1 B=fd91:2::2 BG=fd91:2::1 S=fd91:9::1 LEN=64 SLEN=128 NET=fd91:2::/64 NODAD=nodad; fi
  ip netns add $H; ip netns add $P
  trap cleanup RETURN
  for n in $H $P; do ip -n $n link set lo up; ip netns exec $n sysctl -qw net.mptcp.enabled=1 net.ipv4.conf.all.rp_filter=0; done
  ip netns exec $P sysctl -qw net.ipv4.conf.all.arp_ignore=1
  ip link add a0 netns $H type veth peer name a0p netns $P
  ip link add b0 netns $H type veth peer name b0p netns $P
  for l in a0 b0; do ip -n $H link set $l up; ip -n $P link set ${l}p up; done
  ip -n $P addr add $AG/$LEN dev a0p $NODAD; ip -n $P addr add $BG/$LEN dev b0p $NODAD; ip -n $P addr add $S/$SLEN dev lo $NODAD
  ip -n $H addr add $A/$LEN dev a0 $NODAD
  ip -n $H route add default via $AG dev a0
  for n in $H $P; do ip -n $n mptcp limits set subflows 2 add_addr_accepted 2; done
  ip netns exec $P python3 "$DIR/server.py" $S & sleep 0.3
  ip netns exec $H ip -ts mptcp monitor > "$DIR/events" & sleep 0.2
  ip netns exec $H python3 "$DIR/client.py" $S $((WAIT + 3)) & sleep 0.5
  local t0; t0=$(date +%T.%6N)
  ip -n $H addr add $B/$LEN dev b0 noprefixroute $NODAD
  local routing="route add $NET dev b0 table 100
route add default via $BG dev b0 table 100
rule add from $B table 100 priority 5000"
  if [ "$ORDER" = endpoint-first ]; then
    ip -n $H mptcp endpoint add $B dev b0 subflow; sleep 0.005; ip -n $H -$F -batch - <<< "$routing"
  elif [ "$ORDER" = default-later ]; then
    ip -n $H -$F -batch - <<< "$(grep -v default <<< "$routing")"; ip -n $H mptcp endpoint add $B dev b0 subflow
    sleep 0.005; ip -n $H -$F route add default via $BG dev b0 table 100
  else
    ip -n $H -$F -batch - <<< "$routing"; ip -n $H mptcp endpoint add $B dev b0 subflow
  fi
  sleep $WAIT
  local src=$B; [ "$F" = 6 ] && src="[$B]"
  echo "IPv$F $ORDER: b0 subflows established after $WAIT s: $(ip netns exec $H ss -tnH state established src "$src" | wc -l)"
  echo "  address added at $t0"
  grep -E 'SF_' "$DIR/events" | sed -E 's/^\[[0-9-]+T([0-9:.]+)\] \[ *([A-Z_]+)\].*(saddr[46]=[^ ]+).*/  \1 \2 \3/;' || echo "  no subflow event"
  grep -o 'error=[0-9]*' "$DIR/events" | sed 's/^/  /' || true
}

{
  echo "# endpoint before or after its routing, $(date -u +%FT%TZ), kernel $(uname -r)"
  for F in 4 6; do for ORDER in endpoint-first default-later routing-first; do one $F $ORDER; done; done
} | tee "$OUT"
