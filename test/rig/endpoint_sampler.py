#!/usr/bin/env python3
"""Dumps the MPTCP endpoints over generic netlink as fast as it can and prints each distinct list.

Run inside the namespace under test: `ip netns exec NS python3 test/rig/endpoint_sampler.py`.
Prints `{"ready": true}` once it has its first sample, then one JSON line per change (and the first
sample): {"t": monotonic ns, "samples": dumps so far, "endpoints": [{id, address, flags, ifindex}]}, and
one line per IPv4 address the kernel adds or removes: {"t", "addr": "add"|"del", "address"}, timestamped
when read (the time an endpoint followed its address is the difference of the two).
On SIGTERM or SIGINT it prints {"samples": N, "maxGapUs": longest time between two dumps} and exits: a
state that lasts longer than maxGapUs cannot go unseen. Reuses bench/probe.py's netlink code (mptcp_pm
GET_ADDR dump, rtnetlink address notifications).
"""
import importlib.util
import json
import os
import signal
import sys
import time

_probe_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "probe.py")
_spec = importlib.util.spec_from_file_location("probe", _probe_path)
probe = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(probe)

stop = False


def on_signal(_signum, _frame):
    global stop
    stop = True


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    state = probe.State()
    addresses = probe.Netlink(probe.NETLINK_ROUTE, 1 << (probe.RTNLGRP_IPV4_IFADDR - 1))
    addresses.sock.setblocking(False)
    last = None
    samples = 0
    max_gap = 0
    prev = time.monotonic_ns()
    while not stop:
        read_addresses(addresses.sock)
        endpoints = sorted(
            ({"id": e["id"], "address": e["address"], "flags": probe.flag_names(e["flags"]), "ifindex": e["ifindex"]}
             for e in state.endpoints()),
            key=lambda e: e["id"],
        )
        now = time.monotonic_ns()
        samples += 1
        max_gap = max(max_gap, now - prev)
        prev = now
        if endpoints != last:
            if last is None:
                print(json.dumps({"ready": True}), flush=True)
            print(json.dumps({"t": now, "samples": samples, "endpoints": endpoints}), flush=True)
            last = endpoints
        # Yield the CPU briefly: the machine is shared, and a dump every ~0.5 ms still sees any state
        # the daemon could leave for the ~10 ms a reconcile takes.
        time.sleep(0.0003)
    print(json.dumps({"samples": samples, "maxGapUs": round(max_gap / 1000)}), flush=True)


def read_addresses(sock):
    """Prints every pending RTM_NEWADDR / RTM_DELADDR (IPv4) as one line."""
    while True:
        try:
            data = sock.recv(1 << 16)
        except BlockingIOError:
            return
        t = time.monotonic_ns()
        off = 0
        while off + 16 <= len(data):
            mlen, mtype, _fl, _seq, _pid = probe._NLMSGHDR.unpack_from(data, off)
            if mlen < 16:
                break
            if mtype in (probe.RTM_NEWADDR, probe.RTM_DELADDR):
                msg = memoryview(data)[off + 16:off + mlen]
                attrs = probe.parse_attrs(msg, probe._IFADDRMSG.size, len(msg))
                raw = attrs.get(probe.IFA_LOCAL) or attrs.get(probe.IFA_ADDRESS)
                if raw is not None and msg[0] == probe.socket.AF_INET:
                    kind = "add" if mtype == probe.RTM_NEWADDR else "del"
                    print(json.dumps({"t": t, "addr": kind, "address": probe.socket.inet_ntop(probe.socket.AF_INET, raw)}), flush=True)
            off += probe.align4(mlen)


if __name__ == "__main__":
    sys.exit(main())
