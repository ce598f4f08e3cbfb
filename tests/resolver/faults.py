"""Misbehaving authoritative servers for the resolver tests: small
dnspython servers (threads in the test process), each on its own
127.0.0.x:53 answering one zone, counting the queries it receives.
Modes: good, lame (REFUSED), noaa (no AA, no referral), silent (never
answers), truncating (UDP: TC and nothing else; TCP: the answer),
poisoner (adds out-of-bailiwick records), spoofer (a bogus answer from
another port and one with a wrong ID before the real one), policy
(REFUSED to names whose first label is "odd", good otherwise, as a DNS
firewall refusing one name), lower (good, but the question comes back
lowercased: a server that loses the 0x20 case), forger (good, but each
real answer is preceded by a forged one from the right port with the
right ID: an attacker who learnt both, but not the 0x20 case, so the
forged question is in lowercase)."""

import select
import socket
import struct
import threading
import time

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone

MODES = ("good", "lame", "noaa", "silent", "truncating", "poisoner",
         "spoofer", "policy", "lower", "forger")


def lookup(zone, q):
    """The authoritative reply to q from zone (a dns.zone.Zone); no
    delegations or CNAMEs inside these small zones."""
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    qn = q.question[0].name
    qt = q.question[0].rdtype
    if not qn.is_subdomain(zone.origin):
        r.flags &= ~dns.flags.AA
        r.set_rcode(dns.rcode.REFUSED)
        return r
    node = zone.get_node(qn)
    soa = zone.find_rrset(zone.origin, dns.rdatatype.SOA)
    if node is None:
        ent = any(n.is_subdomain(qn) and n != qn for n in zone.nodes)
        if not ent:
            r.set_rcode(dns.rcode.NXDOMAIN)
        r.authority.append(soa)
        return r
    rds = node.get_rdataset(dns.rdataclass.IN, qt)
    if rds is None:
        r.authority.append(soa)
        return r
    rr = dns.rrset.RRset(qn, dns.rdataclass.IN, qt)
    rr.update(rds)
    rr.ttl = rds.ttl
    r.answer.append(rr)
    return r


class FaultServer:
    """One server: zone text, address, mode. Counters: udp, tcp (queries
    received), names (lowercase qname text -> count). gate: another
    FaultServer; while it has received nothing, this one drops its first
    query (so that the resolver meets the faulty server)."""

    def __init__(self, addr, origin, text, mode="good", port=53, gate=None,
                 poison=(), delay=0.05):
        assert mode in MODES
        self.addr, self.port, self.mode = addr, port, mode
        self.zone = dns.zone.from_text(text, origin=origin,
                                       relativize=False, check_origin=True)
        self.gate = gate
        self.poison = poison         # (section, rrset) added by poisoner
        self.delay = delay
        self.udp = self.tcp = 0
        self.bogus_sent = self.gated = 0
        self.names = {}
        self.asked = []              # qnames as received (case kept)
        self.errors = []             # exceptions while answering
        self.lock = threading.Lock()
        self.stopping = False
        self.threads = []
        self.u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.u.bind((addr, port))
        self.t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.t.bind((addr, port))
        self.t.listen(16)
        # the spoofer's second socket: same address, another port
        self.other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.other.bind((addr, 0))

    def start(self):
        for fn in (self._udp_loop, self._tcp_loop):
            th = threading.Thread(target=fn, daemon=True)
            th.start()
            self.threads.append(th)
        return self

    def stop(self):
        self.stopping = True
        for th in self.threads:
            th.join(2)
        for s in (self.u, self.t, self.other):
            s.close()

    def total(self):
        with self.lock:
            return self.udp + self.tcp

    def count(self, name):
        with self.lock:
            return self.names.get(name.lower().rstrip(".") + ".", 0)

    def _note(self, q, tcp):
        with self.lock:
            if tcp:
                self.tcp += 1
            else:
                self.udp += 1
            if q.question:
                k = q.question[0].name.to_text()
                self.asked.append(k)
                self.names[k.lower()] = self.names.get(k.lower(), 0) + 1

    def _gated(self):
        """Drops one query while the gate server has seen none: a
        resolver that comes here first is sent to the faulty one."""
        with self.lock:
            if self.gate is None or self.gated >= 1:
                return False
        if self.gate.total() > 0:
            return False
        with self.lock:
            self.gated += 1
        return True

    def _udp_loop(self):
        while not self.stopping:
            ready, _, _ = select.select([self.u], [], [], 0.1)
            if not ready:
                continue
            try:
                data, peer = self.u.recvfrom(65535)
                q = dns.message.from_wire(data)
            except Exception:
                continue
            self._note(q, False)
            if self.mode == "silent" or self._gated():
                continue
            try:
                self._udp_answer(q, peer)
            except Exception as e:      # noted, and the server goes on
                self.errors.append(repr(e))

    def _udp_answer(self, q, peer):
        if self.mode == "spoofer":
            self._spoof(q, peer)
            threading.Timer(self.delay, self._send, (self.answer(q),
                                                     peer)).start()
            return
        if self.mode == "forger":
            self._forge(q, peer)
            threading.Timer(self.delay, self._send, (self.answer(q),
                                                     peer)).start()
            return
        if self.mode == "truncating":
            r = dns.message.make_response(q)
            r.flags |= dns.flags.AA | dns.flags.TC
            self._send(r, peer)
            return
        self._send(self.answer(q), peer)

    def _send(self, r, peer, sock=None):
        try:
            (sock or self.u).sendto(r.to_wire(max_size=65535), peer)
        except OSError:
            pass

    def _spoof(self, q, peer):
        """Bogus answers: right ID from another port, wrong ID from the
        right port, right ID and port for another question. All claim
        6.6.6.6 (or NXDOMAIN for other types)."""
        bad = dns.message.make_response(q)
        bad.flags |= dns.flags.AA
        qn, qt = q.question[0].name, q.question[0].rdtype
        if qt == dns.rdatatype.A:
            bad.answer.append(dns.rrset.from_text(qn, 3600, "IN", "A",
                                                  "6.6.6.6"))
        else:
            bad.set_rcode(dns.rcode.NXDOMAIN)
        self._send(bad, peer, self.other)
        bad.id = (q.id + 1) & 0xFFFF
        self._send(bad, peer)
        other = dns.name.from_text("bogus", qn)
        bad.id = q.id
        bad.question[0] = dns.rrset.RRset(other, dns.rdataclass.IN, qt)
        for rr in bad.answer:
            rr.name = other
        self._send(bad, peer)
        with self.lock:
            self.bogus_sent += 3

    def _forge(self, q, peer):
        """Right port, right ID, the question as the forger guesses it
        (lowercase), an address of the forger's."""
        qn = q.question[0]
        low = dns.name.from_text(qn.name.to_text().lower())
        bad = dns.message.make_response(q)
        bad.flags |= dns.flags.AA
        bad.question[0] = dns.rrset.RRset(low, qn.rdclass, qn.rdtype)
        bad.answer.append(dns.rrset.from_text(low, 3600, "IN", "A",
                                              "6.6.6.6"))
        self._send(bad, peer)
        with self.lock:
            self.bogus_sent += 1

    def answer(self, q):
        if not q.question:
            r = dns.message.make_response(q)
            r.set_rcode(dns.rcode.FORMERR)
            return r
        if self.mode == "lame" or (self.mode == "policy" and str(
                q.question[0].name).lower().startswith("odd.")):
            r = dns.message.make_response(q)
            r.set_rcode(dns.rcode.REFUSED)
            return r
        r = lookup(self.zone, q)
        if self.mode == "lower":
            qn = q.question[0]
            r.question[0] = dns.rrset.RRset(
                dns.name.from_text(qn.name.to_text().lower()), qn.rdclass,
                qn.rdtype)
        if self.mode == "noaa":
            r = dns.message.make_response(q)   # no AA, no data, no NS
            return r
        if self.mode == "poisoner":
            for section, rrset in self.poison:
                getattr(r, section).append(rrset)
        return r

    def _tcp_loop(self):
        while not self.stopping:
            ready, _, _ = select.select([self.t], [], [], 0.1)
            if not ready:
                continue
            try:
                c, _ = self.t.accept()
            except OSError:
                continue
            th = threading.Thread(target=self._tcp_conn, args=(c,),
                                  daemon=True)
            th.start()

    def _tcp_conn(self, c):
        c.settimeout(2)
        try:
            while not self.stopping:
                head = self._recv(c, 2)
                if head is None:
                    return
                data = self._recv(c, struct.unpack("!H", head)[0])
                if data is None:
                    return
                q = dns.message.from_wire(data)
                self._note(q, True)
                if self.mode == "silent" or self._gated():
                    time.sleep(0.5)
                    return
                w = self.answer(q).to_wire(max_size=65535)
                c.sendall(struct.pack("!H", len(w)) + w)
        except Exception:
            return
        finally:
            c.close()

    @staticmethod
    def _recv(c, n):
        buf = b""
        while len(buf) < n:
            chunk = c.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf
