"""MPTCP sender for the test rig: sends as fast as it can for SECONDS, then closes and prints
{"bytes": N} on stdout. Usage: mptcp_send.py ADDRESS PORT SECONDS"""
import json
import socket
import sys
import time

IPPROTO_MPTCP = 262

family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
sock = socket.socket(family, socket.SOCK_STREAM, IPPROTO_MPTCP)
sock.connect((sys.argv[1], int(sys.argv[2])))
payload = b"\0" * (1 << 16)
deadline = time.monotonic() + float(sys.argv[3])
sent = 0
while time.monotonic() < deadline:
    sent += sock.send(payload)
sock.shutdown(socket.SHUT_WR)
sock.recv(1)  # wait for the sink to close: everything sent was read
sock.close()
print(json.dumps({"bytes": sent}), flush=True)
