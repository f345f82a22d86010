"""MPTCP sink for the test rig: accepts one connection, counts what it reads and reports, as one JSON
line on stdout after the sender closes, the bytes received and the longest gap between two reads.
Prints "ready" once listening. Usage: mptcp_sink.py ADDRESS PORT"""
import json
import socket
import sys
import time

IPPROTO_MPTCP = 262

family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
server = socket.socket(family, socket.SOCK_STREAM, IPPROTO_MPTCP)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((sys.argv[1], int(sys.argv[2])))
server.listen(1)
print("ready", flush=True)

conn, _ = server.accept()
start = last = time.monotonic()
received = 0
longest_gap = 0.0
longest_gap_at = 0.0
while True:
    chunk = conn.recv(1 << 16)
    now = time.monotonic()
    if not chunk:
        break
    if received and now - last > longest_gap:
        longest_gap = now - last
        longest_gap_at = last - start
    received += len(chunk)
    last = now
print(json.dumps({
    "bytes": received,
    "longestGapMs": round(longest_gap * 1000, 1),
    "longestGapAtMs": round(longest_gap_at * 1000, 1),
    "durationMs": round((last - start) * 1000, 1),
}), flush=True)
