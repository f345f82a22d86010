#!/usr/bin/env python3
"""Reaction-time probe for MPTCP endpoint / routing managers (python3 standard library only).

Run it inside the network namespace under test:

    ip netns exec NS python3 bench/probe.py --duration 30 [--timeout-ms 500]
        [--want endpoint,rule,route] [--ifname-glob 'x*'] [--rule-protocol 203]
        [--poll-us 50] [--rt-poll-ms 1] [--fifo PRIO]

It listens for RTM_NEWADDR / RTM_DELADDR on an rtnetlink socket and, after each
address event, polls the kernel state over netlink (generic netlink `mptcp_pm`
GET_ADDR dump, RTM_GETRULE dump, RTM_GETROUTE dump) until the expected reaction
is seen or the timeout expires. It writes one JSON line per event and a final
summary line; see bench/README.md for the format.

All times are CLOCK_MONOTONIC (time.monotonic_ns), comparable with other
processes on the same machine (Node's process.hrtime.bigint() uses the same clock).
"""

import argparse
import ctypes
import fnmatch
import json
import os
import select
import signal
import socket
import struct
import sys
import time

# ---------------------------------------------------------------- constants
# netlink core (include/uapi/linux/netlink.h)
NETLINK_ROUTE = 0
NETLINK_GENERIC = 16
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_DUMP = 0x300
NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3FFF
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_GET_STRICT_CHK = 12

# rtnetlink (include/uapi/linux/rtnetlink.h)
RTM_NEWLINK = 16
RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 20, 21, 22
RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE = 24, 25, 26
RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE = 32, 33, 34
RTNLGRP_LINK = 1
RTNLGRP_IPV4_IFADDR = 5
RTNLGRP_IPV4_ROUTE = 7
RTNLGRP_IPV4_RULE = 8
RTNLGRP_IPV6_IFADDR = 9
RTNLGRP_IPV6_ROUTE = 11
RTNLGRP_IPV6_RULE = 19
IFA_ADDRESS, IFA_LOCAL, IFA_LABEL, IFA_FLAGS = 1, 2, 3, 8
IFA_F_TENTATIVE = 0x40
IFLA_IFNAME = 3
_IFINFOMSG_SIZE = 16
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_MULTIPATH, RTA_TABLE = 1, 4, 5, 9, 15
RTN_UNICAST = 1
RT_TABLE_MAIN, RT_TABLE_LOCAL = 254, 255
# fib rules (include/uapi/linux/fib_rules.h)
FRA_SRC, FRA_PRIORITY, FRA_TABLE, FRA_PROTOCOL = 2, 6, 15, 21
FR_ACT_TO_TBL = 1

# generic netlink (include/uapi/linux/genetlink.h)
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2

# MPTCP path manager (include/uapi/linux/mptcp_pm.h, mptcp.h)
MPTCP_PM_NAME = b"mptcp_pm"
MPTCP_PM_VER = 1
MPTCP_PM_CMD_GET_ADDR = 3
MPTCP_PM_ATTR_ADDR = 1
MPTCP_PM_ADDR_ATTR_FAMILY = 1
MPTCP_PM_ADDR_ATTR_ID = 2
MPTCP_PM_ADDR_ATTR_ADDR4 = 3
MPTCP_PM_ADDR_ATTR_ADDR6 = 4
MPTCP_PM_ADDR_ATTR_PORT = 5
MPTCP_PM_ADDR_ATTR_FLAGS = 6
MPTCP_PM_ADDR_ATTR_IF_IDX = 7
ENDPOINT_FLAG_NAMES = [(1 << 0, "signal"), (1 << 1, "subflow"), (1 << 2, "backup"),
                       (1 << 3, "fullmesh"), (1 << 4, "implicit"), (1 << 5, "laminar")]

FAMILY_NAME = {socket.AF_INET: "inet", socket.AF_INET6: "inet6"}
WANTS = ("endpoint", "rule", "route", "main_default")

_NLMSGHDR = struct.Struct("=IHHII")
_NLATTR = struct.Struct("=HH")
_IFADDRMSG = struct.Struct("=BBBBI")
_RTMSG = struct.Struct("=BBBBBBBBI")  # rtmsg and fib_rule_hdr share this layout
_GENLHDR = struct.Struct("=BBH")
_RTNEXTHOP = struct.Struct("=HBBi")


def align4(n):
    return (n + 3) & ~3


def parse_attrs(buf, off, end):
    """Return {type: bytes} for a run of netlink attributes (the last one of a type wins)."""
    attrs = {}
    while off + 4 <= end:
        alen, atype = _NLATTR.unpack_from(buf, off)
        if alen < 4:
            break
        attrs[atype & NLA_TYPE_MASK] = bytes(buf[off + 4:off + alen])
        off += align4(alen)
    return attrs


def u32(b):
    return struct.unpack("=I", b[:4])[0]


def attr(type_, payload):
    return _NLATTR.pack(4 + len(payload), type_) + payload + b"\0" * (align4(len(payload)) - len(payload))


class NetlinkError(Exception):
    pass


class Netlink:
    """A netlink socket used for request/dump round trips."""

    def __init__(self, proto, groups=0):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, proto)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((0, groups))
        self.seq = int(time.time()) & 0xFFFF
        self.buf = bytearray(1 << 16)
        self.view = memoryview(self.buf)

    def request(self, msg_type, flags, payload):
        """Send one request; yield (msg_type, flags, memoryview of payload) for every answer."""
        self.seq += 1
        seq = self.seq
        self.sock.send(_NLMSGHDR.pack(16 + len(payload), msg_type, flags | NLM_F_REQUEST, seq, 0) + payload)
        while True:
            n = self.sock.recv_into(self.buf)
            off = 0
            while off + 16 <= n:
                mlen, mtype, mflags, mseq, _pid = _NLMSGHDR.unpack_from(self.buf, off)
                if mlen < 16:
                    break
                if mseq == seq:
                    if mtype == NLMSG_DONE:
                        return
                    if mtype == NLMSG_ERROR:
                        err = struct.unpack_from("=i", self.buf, off + 16)[0]
                        if err != 0:
                            raise NetlinkError(os.strerror(-err))
                        return
                    yield mtype, mflags, self.view[off + 16:off + mlen]
                    if not (mflags & NLM_F_MULTI) and not (flags & NLM_F_DUMP):
                        return
                off += align4(mlen)


# ---------------------------------------------------------------- kernel state readers
class State:
    def __init__(self):
        self.rt = Netlink(NETLINK_ROUTE)
        try:  # let the kernel filter route dumps by table
            self.rt.sock.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
            self.strict = True
        except OSError:
            self.strict = False
        self.genl = Netlink(NETLINK_GENERIC)
        self.mptcp_family = self._resolve_family(MPTCP_PM_NAME)

    def _resolve_family(self, name):
        payload = _GENLHDR.pack(CTRL_CMD_GETFAMILY, 1, 0) + attr(CTRL_ATTR_FAMILY_NAME, name + b"\0")
        for _t, _f, msg in self.genl.request(GENL_ID_CTRL, 0, payload):
            attrs = parse_attrs(msg, 4, len(msg))
            if CTRL_ATTR_FAMILY_ID in attrs:
                return struct.unpack("=H", attrs[CTRL_ATTR_FAMILY_ID][:2])[0]
        raise NetlinkError("generic netlink family %s not found" % name.decode())

    def endpoints(self):
        """MPTCP endpoints: list of dicts (family, address, id, flags, ifindex, port)."""
        out = []
        payload = _GENLHDR.pack(MPTCP_PM_CMD_GET_ADDR, MPTCP_PM_VER, 0)
        for _t, _f, msg in self.genl.request(self.mptcp_family, NLM_F_DUMP, payload):
            top = parse_attrs(msg, 4, len(msg))
            nested = top.get(MPTCP_PM_ATTR_ADDR)
            if nested is None:
                continue
            a = parse_attrs(nested, 0, len(nested))
            fam = struct.unpack("=H", a[MPTCP_PM_ADDR_ATTR_FAMILY][:2])[0] if MPTCP_PM_ADDR_ATTR_FAMILY in a else 0
            if MPTCP_PM_ADDR_ATTR_ADDR4 in a:
                addr = socket.inet_ntop(socket.AF_INET, a[MPTCP_PM_ADDR_ATTR_ADDR4][:4])
            elif MPTCP_PM_ADDR_ATTR_ADDR6 in a:
                addr = socket.inet_ntop(socket.AF_INET6, a[MPTCP_PM_ADDR_ATTR_ADDR6][:16])
            else:
                addr = None
            out.append({
                "family": fam,
                "address": addr,
                "id": a[MPTCP_PM_ADDR_ATTR_ID][0] if MPTCP_PM_ADDR_ATTR_ID in a else None,
                "flags": u32(a[MPTCP_PM_ADDR_ATTR_FLAGS]) if MPTCP_PM_ADDR_ATTR_FLAGS in a else 0,
                "ifindex": struct.unpack("=i", a[MPTCP_PM_ADDR_ATTR_IF_IDX][:4])[0] if MPTCP_PM_ADDR_ATTR_IF_IDX in a else 0,
                "port": struct.unpack("=H", a[MPTCP_PM_ADDR_ATTR_PORT][:2])[0] if MPTCP_PM_ADDR_ATTR_PORT in a else 0,
            })
        return out

    def rules(self, family=socket.AF_UNSPEC):
        """Source rules: list of (family, src, src_len, table, protocol, action, priority)."""
        out = []
        payload = _RTMSG.pack(family, 0, 0, 0, 0, 0, 0, 0, 0)
        for _t, _f, msg in self.rt.request(RTM_GETRULE, NLM_F_DUMP, payload):
            fam, _dl, src_len, _tos, table, _r1, _r2, action, _fl = _RTMSG.unpack_from(msg, 0)
            a = parse_attrs(msg, _RTMSG.size, len(msg))
            src = a.get(FRA_SRC)
            if src is None:
                continue
            if FRA_TABLE in a:
                table = u32(a[FRA_TABLE])
            out.append((fam, socket.inet_ntop(fam, src), src_len, table,
                        a[FRA_PROTOCOL][0] if FRA_PROTOCOL in a else 0, action,
                        u32(a[FRA_PRIORITY]) if FRA_PRIORITY in a else 0))
        return out

    def default_route_oifs(self, family, table):
        """Set of output ifindexes of unicast default routes in `table` (None = every table but main/local)."""
        oifs = set()
        payload = _RTMSG.pack(family, 0, 0, 0, 0, 0, 0, 0, 0)
        if table is not None and self.strict:
            payload += attr(RTA_TABLE, struct.pack("=I", table))
        for _t, _f, msg in self.rt.request(RTM_GETROUTE, NLM_F_DUMP, payload):
            fam, dst_len, _sl, _tos, rtable, _proto, _scope, rtype, _fl = _RTMSG.unpack_from(msg, 0)
            if dst_len != 0 or rtype != RTN_UNICAST or fam != family:
                continue
            a = parse_attrs(msg, _RTMSG.size, len(msg))
            if RTA_TABLE in a:
                rtable = u32(a[RTA_TABLE])
            if table is None:
                if rtable in (RT_TABLE_MAIN, RT_TABLE_LOCAL):
                    continue
            elif rtable != table:
                continue
            if RTA_OIF in a:
                oifs.add(struct.unpack("=i", a[RTA_OIF][:4])[0])
            mp = a.get(RTA_MULTIPATH)
            if mp:
                off = 0
                while off + 8 <= len(mp):
                    nlen, _nfl, _hops, ifi = _RTNEXTHOP.unpack_from(mp, off)
                    if nlen < 8:
                        break
                    oifs.add(ifi)
                    off += align4(nlen)
        return oifs

    def addresses(self):
        """Set of (family, address) configured on any interface."""
        out = set()
        payload = _IFADDRMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0)
        for _t, _f, msg in self.rt.request(RTM_GETADDR, NLM_F_DUMP, payload):
            fam = msg[0]
            a = parse_attrs(msg, _IFADDRMSG.size, len(msg))
            raw = a.get(IFA_LOCAL) or a.get(IFA_ADDRESS)
            if raw is not None and fam in FAMILY_NAME:
                out.add((fam, socket.inet_ntop(fam, raw)))
        return out


# ---------------------------------------------------------------- the probe
def percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return round(s[k], 3)


def flag_names(flags):
    return [name for bit, name in ENDPOINT_FLAG_NAMES if flags & bit]


def ms(t0, t1):
    return None if t1 is None else round((t1 - t0) / 1e6, 3)


class Watch:
    """One address event whose reactions are being waited for."""

    def __init__(self, kind, family, address, ifindex, ifname, prefixlen, tentative, t_addr, deadline):
        self.kind = kind  # "add" | "del"
        self.family = family
        self.address = address
        self.ifindex = ifindex
        self.ifname = ifname
        self.prefixlen = prefixlen
        self.tentative = tentative
        self.t_addr = t_addr
        self.deadline = deadline
        self.t = {w: None for w in WANTS}
        self.endpoint = None
        self.table = None
        self.t_ready = None
        self.polls = 0
        self.last_poll = t_addr
        self.max_gap = 0


class Probe:
    def __init__(self, args, out):
        self.args = args
        self.out = out
        self.want = [w for w in args.want.split(",") if w]
        for w in self.want:
            if w not in WANTS:
                raise SystemExit("--want: unknown item %r (use %s)" % (w, ",".join(WANTS)))
        self.timeout_ns = int(args.timeout_ms * 1e6)
        self.poll_s = args.poll_us / 1e6
        self.state = State()
        # Link notifications keep the ifindex -> name cache current (if_indextoname costs ~80 us cold).
        groups = (1 << (RTNLGRP_LINK - 1)) | (1 << (RTNLGRP_IPV4_IFADDR - 1)) | (1 << (RTNLGRP_IPV6_IFADDR - 1))
        self.events = Netlink(NETLINK_ROUTE, groups)
        self.events.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        # Rule and route notifications only wake the poll loop early (no parsing needed).
        self.wake = Netlink(NETLINK_ROUTE, (1 << (RTNLGRP_IPV4_ROUTE - 1)) | (1 << (RTNLGRP_IPV4_RULE - 1))
                            | (1 << (RTNLGRP_IPV6_ROUTE - 1)))
        self.wake.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_IPV6_RULE)
        self.wake.sock.setblocking(False)
        self.events.sock.setblocking(False)
        self.watches = {}  # (family, address) -> Watch
        self.known = {}  # (family, address, ifindex) -> ifname, addresses seen present
        self.ifnames = {i: n for i, n in socket.if_nameindex()}
        self.table_of = {}  # (family, address) -> last table its source rule pointed to
        self.results = []
        self.stale_max = 0
        self.dup_max = 0
        self.updates = 0
        self.overruns = 0
        self.polls = 0
        self.poll_cost_ns = []
        self.stop = False
        self.need_eps = True  # also without --want endpoint: add events report the endpoint id and flags
        self.rt_dirty = False
        self.last_rt_dump = 0
        self.rt_poll_ns = int(args.rt_poll_ms * 1e6)
        for fam, addr in self.state.addresses():
            self.known[(fam, addr)] = True

    # -- output
    def emit(self, obj):
        try:
            self.out.write(json.dumps(obj, separators=(",", ":")) + "\n")
            self.out.flush()
        except BrokenPipeError:
            self.stop = True

    # -- address events
    def ifname(self, ifindex, label):
        name = self.ifnames.get(ifindex)
        if name is not None:
            return name
        try:
            name = socket.if_indextoname(ifindex)
            self.ifnames[ifindex] = name
            return name
        except OSError:
            return label

    def read_events(self):
        """Read every pending link/address notification.

        Timing matters here: each datagram is timestamped as soon as recv returns, and when it
        holds an address event the endpoint list is dumped right away, before any parsing (Python
        parsing costs tens of microseconds on a busy machine). That snapshot serves as the first
        poll of the new watches."""
        batch = []
        snap = None
        while True:
            try:
                data = self.events.sock.recv(1 << 16)
            except BlockingIOError:
                break
            except OSError as e:  # ENOBUFS: notifications were lost
                if e.errno == 105:
                    self.overruns += 1
                    continue
                raise
            t = time.monotonic_ns()
            batch.append((t, data))
            if snap is None and self.need_eps and len(data) >= 16 and data[4] in (RTM_NEWADDR, RTM_DELADDR):
                ts = time.monotonic_ns()
                snap = (ts, self.state.endpoints())
        for t, data in batch:
            self.parse_events(t, data)
        return snap

    def parse_events(self, t, buf):
        n = len(buf)
        off = 0
        while off + 16 <= n:
            mlen, mtype, _fl, _seq, _pid = _NLMSGHDR.unpack_from(buf, off)
            if mlen < 16:
                break
            if mtype in (RTM_NEWADDR, RTM_DELADDR):
                self.on_addr(mtype, memoryview(buf)[off + 16:off + mlen], t)
            elif mtype == RTM_NEWLINK:
                ifindex = struct.unpack_from("=i", buf, off + 16 + 4)[0]
                a = parse_attrs(buf, off + 16 + _IFINFOMSG_SIZE, off + mlen)
                if IFLA_IFNAME in a:
                    self.ifnames[ifindex] = a[IFLA_IFNAME].rstrip(b"\0").decode(errors="replace")
            off += align4(mlen)

    def on_addr(self, mtype, msg, t):
        fam, prefixlen, ifa_flags, _scope, ifindex = _IFADDRMSG.unpack_from(msg, 0)
        if fam not in FAMILY_NAME:
            return
        a = parse_attrs(msg, _IFADDRMSG.size, len(msg))
        raw = a.get(IFA_LOCAL) or a.get(IFA_ADDRESS)
        if raw is None:
            return
        if IFA_FLAGS in a:
            ifa_flags = u32(a[IFA_FLAGS])
        address = socket.inet_ntop(fam, raw)
        label = a[IFA_LABEL].rstrip(b"\0").decode(errors="replace") if IFA_LABEL in a else None
        name = self.ifname(ifindex, label)
        key = (fam, address)
        tentative = bool(ifa_flags & IFA_F_TENTATIVE)
        kind = "add" if mtype == RTM_NEWADDR else "del"
        if kind == "add" and key in self.known:
            # A flags/lifetime update of an address we already have (e.g. IPv6 DAD finished).
            self.updates += 1
            w = self.watches.get(key)
            if w is not None and w.kind == "add" and w.t_ready is None and not tentative:
                w.t_ready = t
            return
        if kind == "add":
            self.known[key] = True
        else:
            self.known.pop(key, None)
        if self.args.ifname_glob and not fnmatch.fnmatchcase(name or "", self.args.ifname_glob):
            return
        old = self.watches.pop(key, None)
        if old is not None:
            self.finish(old, t, superseded=True)
        self.watches[key] = Watch(kind, fam, address, ifindex, name, prefixlen, tentative, t, t + self.timeout_ns)

    # -- polling
    def poll(self, snap=None):
        """One polling round for every pending watch.

        The endpoint list has no change notification, so it is dumped on every round. Rules and
        routes are dumped on a watch's first round, right after a rule/route notification woke us
        (self.rt_dirty), and otherwise every --rt-poll-ms as a fallback (IPv4 routes flushed
        with their device's last address go away without a notification)."""
        t0 = time.monotonic_ns()
        if snap is not None:
            t_ep, eps = snap
        elif self.need_eps:
            t_ep, eps = t0, self.state.endpoints()
        else:
            t_ep, eps = t0, None
        t_rt = time.monotonic_ns()
        rules = None
        if any(w in self.want for w in ("rule", "route", "main_default")) and (
                self.rt_dirty or t_rt - self.last_rt_dump >= self.rt_poll_ns
                or any(w.polls == 0 for w in self.watches.values())):
            self.rt_dirty = False
            self.last_rt_dump = t_rt
            fams = {w.family for w in self.watches.values()}
            fam = fams.pop() if len(fams) == 1 else socket.AF_UNSPEC
            rules = self.state.rules(fam if self.state.strict else socket.AF_UNSPEC)
        routes = {}
        done = []
        self.polls += 1
        for key, w in list(self.watches.items()):
            if w.polls == 0:
                w.first_poll = t_ep
            w.polls += 1
            w.max_gap = max(w.max_gap, t_ep - w.last_poll)
            w.last_poll = t_ep
            present = w.kind == "add"
            if eps is not None:
                ep = next((e for e in eps if e["family"] == w.family and e["address"] == w.address), None)
                if present and ep is not None and w.endpoint is None:
                    w.endpoint = ep
                if "endpoint" in self.want and w.t["endpoint"] is None and (ep is not None) == present:
                    w.t["endpoint"] = t_ep
            if rules is not None:
                rule = next((r for r in rules if r[0] == w.family and r[1] == w.address
                             and r[2] == (32 if w.family == socket.AF_INET else 128)
                             and r[5] == FR_ACT_TO_TBL
                             and (self.args.rule_protocol is None or r[4] == self.args.rule_protocol)), None)
                if rule is not None:
                    w.table = rule[3]
                    self.table_of[key] = rule[3]
                if "rule" in self.want and w.t["rule"] is None and (rule is not None) == present:
                    w.t["rule"] = t_rt
                if "route" in self.want and w.t["route"] is None:
                    table = w.table if w.table is not None else (None if present else self.table_of.get(key))
                    if table is not None or not present:
                        if not present:
                            w.table = table
                        rk = (w.family, table)
                        if rk not in routes:
                            routes[rk] = self.state.default_route_oifs(w.family, table)
                        if (w.ifindex in routes[rk]) == present:
                            w.t["route"] = t_rt
                if "main_default" in self.want and w.t["main_default"] is None:
                    rk = (w.family, RT_TABLE_MAIN)
                    if rk not in routes:
                        routes[rk] = self.state.default_route_oifs(w.family, RT_TABLE_MAIN)
                    if (w.ifindex in routes[rk]) == present:
                        w.t["main_default"] = t_rt
            if all(w.t[x] is not None for x in self.want):
                del self.watches[key]
                done.append(w)
        self.poll_cost_ns.append(time.monotonic_ns() - t0)
        for w in done:
            self.finish(w, t0)

    def expire(self, now):
        for key, w in list(self.watches.items()):
            if now >= w.deadline:
                del self.watches[key]
                self.finish(w, now)

    def finish(self, w, now, superseded=False, truncated=False):
        rec = {
            "event": w.kind,
            "ifname": w.ifname,
            "ifindex": w.ifindex,
            "family": FAMILY_NAME[w.family],
            "address": w.address,
            "prefixlen": w.prefixlen,
            "t_addr_ns": w.t_addr,
            "endpoint_ms": ms(w.t_addr, w.t["endpoint"]),
            "rule_ms": ms(w.t_addr, w.t["rule"]),
            "route_ms": ms(w.t_addr, w.t["route"]),
            "main_default_ms": ms(w.t_addr, w.t["main_default"]),
            "endpoint_id": w.endpoint["id"] if w.endpoint else None,
            "endpoint_flags": w.endpoint["flags"] if w.endpoint else None,
            "endpoint_flag_names": flag_names(w.endpoint["flags"]) if w.endpoint else None,
            "endpoint_ifindex": w.endpoint["ifindex"] if w.endpoint else None,
            "rule_table": w.table,
            "tentative": w.tentative,
            "polls": w.polls,
            "first_poll_ms": ms(w.t_addr, w.first_poll),
            "resolution_ms": round(w.max_gap / 1e6, 3),
        }
        if w.t_ready is not None:
            rec["ready_ms"] = ms(w.t_addr, w.t_ready)
        if w.kind == "add":
            eps = self.state.endpoints()
            addrs = self.state.addresses()
            seen = {}
            for e in eps:
                k = (e["family"], e["address"])
                seen[k] = seen.get(k, 0) + 1
            stale = [e for e in eps if (e["family"], e["address"]) not in addrs]
            dups = sum(c - 1 for c in seen.values() if c > 1)
            rec["stale_endpoints"] = len(stale)
            rec["stale_addresses"] = sorted({e["address"] for e in stale if e["address"]})
            rec["duplicate_endpoints"] = dups
            rec["endpoints_total"] = len(eps)
            self.stale_max = max(self.stale_max, len(stale))
            self.dup_max = max(self.dup_max, dups)
        if superseded:
            rec["superseded"] = True
        if truncated:
            rec["truncated"] = True
        self.results.append(rec)
        self.emit(rec)

    def drain_wake(self):
        while True:
            try:
                self.wake.sock.recv_into(self.wake.buf)
                self.rt_dirty = True
            except BlockingIOError:
                return
            except OSError:  # ENOBUFS: we lost some, dump anyway
                self.rt_dirty = True

    # -- main loop
    def run(self, stop_fd):
        end = None if not self.args.duration else time.monotonic_ns() + int(self.args.duration * 1e9)
        self.emit({"ready": True})
        rlist = [self.events.sock, self.wake.sock, stop_fd]
        t_start = time.monotonic_ns()
        while not self.stop:
            now = time.monotonic_ns()
            if end is not None and now >= end:
                break
            if self.watches:
                timeout = self.poll_s
            else:
                timeout = None if end is None else max(0.0, (end - now) / 1e9)
            ready, _, _ = select.select(rlist, [], [], timeout)
            if stop_fd in ready:
                break
            snap = None
            if self.events.sock in ready:
                snap = self.read_events()
            if self.wake.sock in ready:
                self.drain_wake()
            if self.watches:
                self.poll(snap)
                self.expire(time.monotonic_ns())
        now = time.monotonic_ns()
        self.read_events()
        for key, w in list(self.watches.items()):
            del self.watches[key]
            self.finish(w, now, truncated=True)
        self.emit({"summary": self.summary((now - t_start) / 1e9)})

    def summary(self, duration_s):
        out = {"duration_s": round(duration_s, 3), "events": len(self.results), "want": self.want,
               "timeout_ms": self.args.timeout_ms, "poll_us": self.args.poll_us}
        for kind in ("add", "del"):
            recs = [r for r in self.results if r["event"] == kind]
            k = {"count": len(recs)}
            for w in self.want:
                vals = [r[w + "_ms"] for r in recs if r[w + "_ms"] is not None]
                k[w] = {"seen": len(vals), "missed": len(recs) - len(vals),
                        "p50_ms": percentile(vals, 50), "p95_ms": percentile(vals, 95),
                        "max_ms": round(max(vals), 3) if vals else None}
            out[kind] = k
        out["stale_endpoints_max"] = self.stale_max
        out["duplicate_endpoints_max"] = self.dup_max
        out["address_updates_ignored"] = self.updates
        out["notification_overruns"] = self.overruns
        out["polls"] = self.polls
        costs = [c / 1000.0 for c in self.poll_cost_ns]
        out["poll_cost_us_p50"] = percentile(costs, 50)
        out["poll_cost_us_p95"] = percentile(costs, 95)
        gaps = [r["resolution_ms"] for r in self.results if r["polls"] > 1]
        out["resolution_ms_p50"] = percentile(gaps, 50)
        out["resolution_ms_max"] = round(max(gaps), 3) if gaps else None
        return out


def set_timer_slack_ns(ns):
    """Shrink the kernel's timer slack (default 50 us) so short select() sleeps are short."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(29, ctypes.c_ulong(ns), 0, 0, 0)  # PR_SET_TIMERSLACK
    except Exception:
        pass


def main(argv=None):
    p = argparse.ArgumentParser(description="Time MPTCP endpoint/rule/route reactions to address events.")
    p.add_argument("--duration", type=float, default=0, help="seconds to run (0: until SIGTERM/SIGINT)")
    p.add_argument("--timeout-ms", type=float, default=500, help="how long to wait for a reaction per event")
    p.add_argument("--want", default="endpoint,rule,route", help="reactions to wait for: endpoint,rule,route,main_default")
    p.add_argument("--ifname-glob", default=None, help="only report addresses on interfaces matching this glob")
    p.add_argument("--rule-protocol", type=int, default=None, help="only count rules with this protocol number")
    p.add_argument("--poll-us", type=float, default=50, help="sleep between polls while waiting (microseconds)")
    p.add_argument("--rt-poll-ms", type=float, default=1.0,
                   help="fallback period of rule/route dumps between rule/route notifications (ms)")
    p.add_argument("--fifo", type=int, default=0, metavar="PRIO",
                   help="run with SCHED_FIFO priority PRIO (1-99) to cut wake-up latency on a busy machine")
    args = p.parse_args(argv)
    if args.fifo:
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(args.fifo))
        except OSError as e:
            sys.stderr.write("probe: --fifo: %s\n" % e)
            return 2

    set_timer_slack_ns(1000)
    rfd, wfd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wfd, warn_on_full_buffer=False)
    stopped = []

    def on_signal(signum, _frame):
        stopped.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        probe = Probe(args, sys.stdout)
    except (OSError, NetlinkError) as e:
        sys.stderr.write("probe: cannot start: %s\n" % e)
        return 2
    probe.run(rfd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
