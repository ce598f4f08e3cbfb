#!/usr/bin/python3
"""Writes the seed inputs of fuzz/fuzz_xfrin.c into fuzz/seeds/xfrin/:
transfer answers for zone example. (ours at serial 100) made with
dnspython: a mode octet (1: IXFR from 100, 0: AXFR), then each message
with a 2-octet length. AXFR in one and in several messages; IXFR with
one and two changes; up to date; the AXFR form of an IXFR; a few broken
ones (no closing SOA, a serial not after ours, a record outside the
zone). Usage: /usr/bin/python3 fuzz/seeds/make_xfrin_seeds.py"""

import struct
from pathlib import Path

import dns.flags
import dns.message
import dns.rrset

OUT = Path(__file__).resolve().parent / "xfrin"
SOA = "ns1 hostmaster %d 7200 3600 1209600 300"


def rr(owner, rtype, data, ttl=3600):
    return dns.rrset.from_text(owner if owner.endswith(".") else
                               owner + ".example.", ttl, "IN", rtype, data)


def soa(serial):
    return rr("example.", "SOA", SOA.replace("ns1", "ns1.example.")
              .replace("hostmaster", "hostmaster.example.") % serial)


def message(qtype, rrsets, first=True):
    m = dns.message.make_query("example.", qtype)
    m.id = 0x4242
    m.flags = dns.flags.QR | dns.flags.AA
    if not first:
        m.question = []
    m.answer = list(rrsets)
    return m.to_wire()


def seed(name, ixfr, groups):
    qtype = "IXFR" if ixfr else "AXFR"
    out = bytes([1 if ixfr else 0])
    for i, g in enumerate(groups):
        w = message(qtype, g, i == 0)
        out += struct.pack("!H", len(w)) + w
    (OUT / name).write_bytes(out)


def body(serial):
    return [rr("example.", "NS", "ns1.example."),
            rr("ns1", "A", "192.0.2.53"), rr("www", "A", "192.0.2.%d" %
                                             (serial % 200)),
            rr("www", "TXT", '"hello"'), rr("sub", "NS", "ns.sub.example."),
            rr("ns.sub", "A", "192.0.2.9")]


def main():
    OUT.mkdir(exist_ok=True)
    seed("axfr-one", False, [[soa(100)] + body(100) + [soa(100)]])
    seed("axfr-three", False, [[soa(101)] + body(101)[:2],
                               body(101)[2:], [soa(101)]])
    seed("axfr-open", False, [[soa(101)] + body(101)])
    seed("ixfr-one", True, [[soa(101), soa(100), rr("www", "A", "192.0.2.80"),
                             soa(101), rr("www", "A", "192.0.2.81"),
                             soa(101)]])
    seed("ixfr-two", True, [[soa(102), soa(100),
                             rr("www", "TXT", '"hello"'), soa(101),
                             rr("new", "AAAA", "2001:db8::1")],
                            [soa(101), rr("new", "AAAA", "2001:db8::1"),
                             soa(102), rr("sub", "NS", "ns2.sub.example."),
                             soa(102)]])
    seed("ixfr-uptodate", True, [[soa(100)]])
    seed("ixfr-axfr-form", True, [[soa(103)] + body(103) + [soa(103)]])
    seed("ixfr-older", True, [[soa(99), soa(100), soa(99), soa(99)]])
    seed("ixfr-outside", True, [[soa(101), soa(100),
                                 rr("www.other.", "A", "192.0.2.1"),
                                 soa(101), soa(101)]])


main()
