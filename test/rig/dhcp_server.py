"""DHCPv4 server for one rig link, run in the peer namespace: it hands the host end its one address with
the peer as router, which is how a real never-default uplink (LTE, metered) gets its gateway —
NetworkManager keeps a DHCP router in Dhcp4Config even when the profile is never-default.
Answers DISCOVER with OFFER and REQUEST with ACK; replies are broadcast on the bound interface because
the client has no address yet. Prints "ready" once bound.
Usage: dhcp_server.py IFNAME SERVER_ADDR CLIENT_ADDR PREFIX [LEASE_SECONDS [ROUTER_ADDR]]
(the router defaults to the server; another one makes a renewal a DHCP change)."""
import socket
import struct
import sys

SO_BINDTODEVICE = 25
MAGIC = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, ACK = 1, 2, 3, 5
OPT_MASK, OPT_ROUTER, OPT_LEASE, OPT_TYPE, OPT_SERVER_ID, OPT_END = 1, 3, 51, 53, 54, 255

ifname, server, client, prefix = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
lease = int(sys.argv[5]) if len(sys.argv) > 5 else 3600
router = sys.argv[6] if len(sys.argv) > 6 else server
mask = struct.pack("!I", (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF)


def message_type(packet):
    """Option 53 of a BOOTREQUEST, or None when the packet is not one."""
    if len(packet) < 240 or packet[0] != 1 or packet[236:240] != MAGIC:
        return None
    i = 240
    while i < len(packet) and packet[i] != OPT_END:
        if packet[i] == 0:  # pad
            i += 1
            continue
        if i + 1 >= len(packet):
            return None
        code, length = packet[i], packet[i + 1]
        if code == OPT_TYPE and length == 1 and i + 2 < len(packet):
            return packet[i + 2]
        i += 2 + length
    return None


def reply(request, kind):
    """BOOTREPLY echoing the request's xid, flags and client hardware address, offering CLIENT_ADDR."""
    header = bytearray(236)
    header[0:4] = bytes([2, request[1], request[2], 0])  # op, htype, hlen, hops
    header[4:8] = request[4:8]  # xid
    header[10:12] = request[10:12]  # flags
    header[16:20] = socket.inet_aton(client)  # yiaddr
    header[20:24] = socket.inet_aton(server)  # siaddr
    header[28:44] = request[28:44]  # chaddr
    option = lambda code, value: bytes([code, len(value)]) + value
    return bytes(header) + MAGIC + b"".join([
        option(OPT_TYPE, bytes([kind])),
        option(OPT_SERVER_ID, socket.inet_aton(server)),
        option(OPT_LEASE, struct.pack("!I", lease)),
        option(OPT_MASK, mask),
        option(OPT_ROUTER, socket.inet_aton(router)),
        bytes([OPT_END]),
    ])


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
# One server per link in the same namespace: each socket hears and sends only on its own interface.
sock.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, ifname.encode())
sock.bind(("", 67))
print("ready", flush=True)

while True:
    packet = sock.recv(2048)
    kind = message_type(packet)
    if kind in (DISCOVER, REQUEST):
        sock.sendto(reply(packet, OFFER if kind == DISCOVER else ACK), ("255.255.255.255", 68))
