#!/usr/bin/python3
"""Writes the seed inputs of fuzz/fuzz_reply.c into fuzz/seeds/reply/:
upstream conversations of a resolution (referrals, answers, NXDOMAIN,
NODATA, CNAME and DNAME across zones, glueless delegations, truncation,
out-of-bailiwick records...), and signed replies for the DNSSEC verifier
(from tests/data/dnssec/verify: RRsets with their RRSIGs, the DNSKEY set
and the DS set, one reply per algorithm), and replies whose authority
section holds every NSEC or NSEC3 of a zone of tests/data/dnssec/denial
with their RRSIGs, for the denial proofs (NXDOMAIN, NODATA, a wildcard
answer, a DS query at a delegation without DS), and a KeyTrap reply
(tests/differential/failzones.py: 40 DNSKEYs of one key tag, 12 wrong
RRSIGs of that tag on the answer; new keys at each run). An input is
replies joined by SEP; its first two octets pick the question
(fuzz_reply.c overwrites them with the query's ID). The first reply
answers the priming query (RFC 9609). Names are written uncompressed so
that the question patched in by the target (of another length) does not
break pointers.
Usage: /usr/bin/python3 fuzz/seeds/make_reply_seeds.py"""

import io
import struct
import sys
import tempfile
from pathlib import Path

import dns.flags
import dns.name
import dns.zone
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

OUT = Path(__file__).resolve().parent / "reply"
SEP = b"\n--\n"
# fuzz_reply.c's tables: qnames[data[0] & 7] (data[0] bits 5-6: the
# second question, asked on the cache the first left; bits 3-4: 1 tight
# limits, 2 example.test. forwarded, 3 example.test. a stub zone),
# qtypes[data[1] & 15]; data[1] bits 4-5: bit 4 qname minimisation off,
# bit 5 0x20 on;
# qnames 0 www.example.test, 1 example.test, 2 a.b.c.example.test,
# 5 mail.other.test, 6 x.sub.example.test, 7 ns1.example.test; qtypes
# 0 A, 1 AAAA, 3 MX, 7 DS, 8 ANY.
SOA_EX = "ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 300"


def rr(text):
    """'owner ttl type rdata' -> an RRset."""
    owner, ttl, rtype, rdata = text.split(None, 3)
    return dns.rrset.from_text(owner, int(ttl), "IN", rtype, rdata)


def reply(qname, qtype, an=(), ns=(), ar=(), aa=True, rcode=0, tc=False,
          edns=True):
    """A reply in wire form without name compression."""
    flags = dns.flags.QR | (dns.flags.AA if aa else 0) | (
        dns.flags.TC if tc else 0) | (rcode & 15)
    sections = [[rr(t) if isinstance(t, str) else t for t in s]
                for s in (an, ns, ar)]
    counts = [sum(len(rrset) for rrset in s) for s in sections]
    if edns:
        counts[2] += 1
    out = io.BytesIO()
    out.write(struct.pack("!HHHHHH", 0, flags, 1, *counts))
    out.write(dns.name.from_text(qname).to_wire())
    out.write(struct.pack("!HH", dns.rdatatype.from_text(qtype), 1))
    for s in sections:
        for rrset in s:
            rrset.to_wire(out, None)
    if edns:
        out.write(b"\x00" + struct.pack("!HHIH", 41, 1232, 0, 0))
    return out.getvalue()


def root_referral(zone="test.", ns="ns.test.", addr="127.0.0.2"):
    return reply(zone, "NS", ns=["%s 172800 NS %s" % (zone, ns)],
                 ar=["%s 172800 A %s" % (ns, addr)], aa=False)


def priming():
    return reply(".", "NS", an=[". 518400 NS a.root.test."],
                 ar=["a.root.test. 518400 A 127.0.0.1"])


def ex_referral(glue=True):
    ar = ["ns1.example.test. 3600 A 127.0.0.3",
          "ns1.example.test. 3600 AAAA ::1"] if glue else []
    return reply("example.test.", "NS",
                 ns=["example.test. 3600 NS ns1.example.test."], ar=ar,
                 aa=False)


def ex_answer(qname, qtype, an, ns=(), ar=(), rcode=0):
    return reply(qname, qtype, an=an, ns=ns, ar=ar, rcode=rcode)


VERIFY = Path(__file__).resolve().parents[2] / "tests/data/dnssec/verify"


def signed_reply(alg):
    """Signed RRsets of zone aALG.verify.test. (tests/data/dnssec/verify)
    with their RRSIGs, a wildcard expansion, the DNSKEY set, the DS set."""
    origin = "a%d.verify.test." % alg
    z = dns.zone.from_file(str(VERIFY / ("a%d.signed" % alg)), origin,
                           relativize=False)

    def signed(owner, rtype, name=None):
        node = z.find_node(dns.name.from_text(owner))
        rtype = dns.rdatatype.from_text(rtype)
        rds = node.find_rdataset(dns.rdataclass.IN, rtype)
        sigs = node.find_rdataset(dns.rdataclass.IN,
                                  dns.rdatatype.RRSIG, rtype)
        name = dns.name.from_text(name or owner)
        return [dns.rrset.from_rdata_list(name, rds.ttl, list(rds)),
                dns.rrset.from_rdata_list(name, sigs.ttl, list(sigs))]

    ds = [dns.rdata.from_text("IN", "DS", ln.split(None, 3)[3])
          for ln in (VERIFY / ("a%d.ds" % alg)).read_text().splitlines()]
    an = (signed(origin, "SOA") + signed("txt." + origin, "TXT") +
          signed("www." + origin, "CNAME") +
          signed("*.wild." + origin, "TXT", "x.wild." + origin))
    ar = signed(origin, "DNSKEY") + [
        dns.rrset.from_rdata_list(dns.name.from_text(origin), 3600,
                                  ds)]
    return reply("www.example.test.", "A", an=an,
                 ns=signed(origin, "NS"), ar=ar)


DENIAL = Path(__file__).resolve().parents[2] / "tests/data/dnssec/denial"
DENIAL_TYPES = (dns.rdatatype.NSEC, dns.rdatatype.NSEC3)


def denial_reply(zone, qname, qtype, rcode=0, wildcard=False):
    """A reply for qname (a name of zone, tests/data/dnssec/denial) with
    all the zone's NSEC or NSEC3 and their RRSIGs as its authority; for
    a wildcard answer, the A set of *.w synthesised for qname."""
    z = dns.zone.from_file(str(DENIAL / (zone + "signed")), zone,
                           relativize=False)
    ns, an = [], []
    for owner, node in sorted(z.nodes.items()):
        for rds in node.rdatasets:
            if rds.rdtype in DENIAL_TYPES or rds.covers in DENIAL_TYPES:
                ns.append(dns.rrset.from_rdata_list(owner, rds.ttl,
                                                    list(rds)))
    if wildcard:
        node = z.find_node(dns.name.from_text("*.w." + zone))
        for rtype, covers in ((dns.rdatatype.A, dns.rdatatype.NONE),
                              (dns.rdatatype.RRSIG, dns.rdatatype.A)):
            rds = node.find_rdataset(dns.rdataclass.IN, rtype, covers)
            an.append(dns.rrset.from_rdata_list(
                dns.name.from_text(qname), rds.ttl, list(rds)))
    return reply(qname, qtype, an=an, ns=ns, rcode=rcode)


def keytrap_reply():
    """www.keytrap. A with its 12 wrong RRSIGs, the DNSKEY set (41 keys,
    40 of one tag) with its right RRSIG and the DS set, dated around
    fuzz_reply's clock (reply_dnssec.c's NOW)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] /
                           "tests/differential"))
    import failzones
    with tempfile.TemporaryDirectory() as d:
        path, ds = failzones.keytrap_zone(d, now=1800000000 - 86400)
        z = dns.zone.from_file(str(path), "keytrap.", relativize=False)
    o = dns.name.from_text("keytrap.")

    def signed(owner, rtype):
        node = z.find_node(dns.name.from_text(owner))
        rtype = dns.rdatatype.from_text(rtype)
        out = []
        for t, c in ((rtype, dns.rdatatype.NONE), (dns.rdatatype.RRSIG,
                                                     rtype)):
            rds = node.find_rdataset(dns.rdataclass.IN, t, c)
            out.append(dns.rrset.from_rdata_list(owner, rds.ttl,
                                                 list(rds)))
        return out

    dsset = dns.rrset.from_rdata(o, 3600, dns.rdata.from_text(
        "IN", "DS", ds.split(None, 4)[4]))
    return reply("www.example.test.", "A", an=signed("www.keytrap.", "A"),
                 ar=signed("keytrap.", "DNSKEY") + [dsset])


SEEDS = {
    "referral-answer": (0, 0, [
        root_referral(), ex_referral(),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 A 192.0.2.80"],
                  ns=["example.test. 3600 NS ns1.example.test."])]),
    "no-priming-answer": (0, 0x10, [
        root_referral(), ex_referral(),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 A 192.0.2.80"])]),
    "nxdomain": (2, 0, [
        root_referral(), ex_referral(),
        ex_answer("c.example.test.", "A", [],
                  ns=["example.test. 300 SOA " + SOA_EX], rcode=3),
        # relaxed minimisation asks the full name again
        ex_answer("a.b.c.example.test.", "A", [],
                  ns=["example.test. 300 SOA " + SOA_EX], rcode=3)]),
    "any-answer": (0, 8, [
        root_referral(), ex_referral(),
        ex_answer("www.example.test.", "ANY",
                  ["www.example.test. 300 A 192.0.2.80",
                   "www.example.test. 300 TXT \"x\""])]),
    "nodata": (7, 1, [
        root_referral(), ex_referral(),
        ex_answer("ns1.example.test.", "AAAA", [],
                  ns=["example.test. 300 SOA " + SOA_EX])]),
    "cname-other-zone": (0, 0x10, [
        root_referral(), ex_referral(),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 CNAME web.other.test."]),
        root_referral("other.test.", "ns.other.test.", "127.0.0.4"),
        ex_answer("web.other.test.", "A",
                  ["web.other.test. 300 A 192.0.2.81"])]),
    "cname-chain-in-zone": (0, 0, [
        root_referral(), ex_referral(),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 CNAME web.example.test.",
                   "web.example.test. 300 CNAME srv.example.test.",
                   "srv.example.test. 300 A 192.0.2.82"])]),
    "dname": (6, 0x10, [
        root_referral(), ex_referral(),
        ex_answer("x.sub.example.test.", "A",
                  ["sub.example.test. 300 DNAME example.test.",
                   "x.sub.example.test. 300 CNAME x.example.test.",
                   "x.example.test. 300 A 192.0.2.83"])]),
    "glueless": (5, 0x10, [
        reply("other.test.", "NS",
              ns=["other.test. 3600 NS ns1.example.test."], aa=False),
        root_referral(), ex_referral(),
        ex_answer("ns1.example.test.", "A",
                  ["ns1.example.test. 300 A 127.0.0.5"]),
        ex_answer("mail.other.test.", "A",
                  ["mail.other.test. 300 A 192.0.2.25"])]),
    "out-of-bailiwick": (0, 0x10, [
        reply("test.", "NS", ns=["test. 172800 NS ns.test.",
                                 "example.test. 172800 NS evil.attacker."],
              ar=["ns.test. 172800 A 127.0.0.2",
                  "evil.attacker. 172800 A 192.0.2.66",
                  "www.example.test. 172800 A 192.0.2.66"], aa=False),
        ex_referral(),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 A 192.0.2.80",
                   "www.other.test. 300 A 192.0.2.66"],
                  ns=["test. 3600 NS ns1.example.test."],
                  ar=["ns.test. 3600 A 192.0.2.66"])]),
    "truncated-then-tcp": (0, 0x10, [
        root_referral(), ex_referral(),
        reply("www.example.test.", "A", tc=True),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 A 192.0.2.80"])]),
    "formerr-edns-fallback": (0, 0x10, [
        root_referral(), reply("example.test.", "NS", rcode=1, aa=False,
                               edns=False),
        ex_referral(),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 A 192.0.2.80"])]),
    "lame-upward-referral": (0, 0x10, [
        root_referral(),
        reply("example.test.", "NS", ns=[". 518400 NS a.root.test."],
              aa=False),
        ex_referral(),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 A 192.0.2.80"])]),
    "servfail-refused": (0, 0x10, [
        root_referral(), reply("www.example.test.", "A", rcode=2),
        reply("www.example.test.", "A", rcode=5)]),
    "mx-additional": (1, 3, [
        root_referral(), ex_referral(),
        ex_answer("example.test.", "MX",
                  ["example.test. 300 MX 10 mail.example.test."],
                  ar=["mail.example.test. 300 A 192.0.2.25"])]),
    "0x20-answer": (0, 0x20, [
        root_referral(), ex_referral(),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 A 192.0.2.80"])]),
    "ds-at-parent": (1, 7, [
        root_referral(),
        reply("example.test.", "DS",
              an=["example.test. 3600 DS 12345 13 2 "
                  "3490A6806D47F17A34C29E2CE80E8A999FFBE4BE"
                  "DDE5A4CC0A1C7C4ECA8B3E1E"])]),
    "fwd-answer": (0x10, 0, [
        reply("www.example.test.", "A", aa=False,
              an=["www.example.test. 300 CNAME web.example.test.",
                  "web.example.test. 300 A 192.0.2.80"])]),
    "fwd-nxdomain": (0x12, 0, [
        reply("a.b.c.example.test.", "A", aa=False, rcode=3,
              ns=["example.test. 300 SOA " + SOA_EX])]),
    "stub-referral-answer": (0x18 | 6 | 0x20, 0x10, [
        reply("x.sub.example.test.", "A", aa=False,
              ns=["sub.example.test. 3600 NS ns.sub.example.test."],
              ar=["ns.sub.example.test. 3600 A 127.0.0.6"]),
        ex_answer("x.sub.example.test.", "A",
                  ["x.sub.example.test. 300 A 192.0.2.84"]),
        ex_answer("example.test.", "A", ["example.test. 300 A 192.0.2.1"])]),
    "tight-cname-chain": (0x08, 0x10, [
        root_referral(), ex_referral(),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 CNAME a.other.test."]),
        reply("a.other.test.", "A", aa=False,
              ns=["other.test. 3600 NS ns.other.test."],
              ar=["ns.other.test. 3600 A 127.0.0.4"]),
        ex_answer("a.other.test.", "A",
                  ["a.other.test. 300 CNAME b.other.test.",
                   "b.other.test. 300 CNAME c.other.test.",
                   "c.other.test. 300 A 192.0.2.85"])]),
    "stale-second-question": (0x80, 0, [
        root_referral(), ex_referral(),
        ex_answer("www.example.test.", "A",
                  ["www.example.test. 300 A 192.0.2.80"])]),
    "ttl-zero-any": (0, 8, [
        root_referral(), ex_referral(),
        ex_answer("www.example.test.", "ANY",
                  ["www.example.test. 0 A 192.0.2.80",
                   "www.example.test. 0 TXT \"x\""])]),
}
for _alg in (8, 10, 13, 14, 15, 16):
    SEEDS["dnssec-a%d" % _alg] = (0, 0, [signed_reply(_alg)])
SEEDS["dnssec-keytrap"] = (0, 0, [keytrap_reply()])
for _z in ("nsec", "nsec3", "optout", "it150", "it500"):
    _zone = _z + ".test."
    SEEDS["denial-%s-nx" % _z] = (0, 0, [denial_reply(
        _zone, "a.b.nx." + _zone, "A", rcode=3)])
    if _z.startswith("it"):
        continue
    SEEDS["denial-%s-nodata" % _z] = (0, 0, [denial_reply(
        _zone, "a." + _zone, "MX")])
    SEEDS["denial-%s-wild" % _z] = (0, 0, [denial_reply(
        _zone, "foo.w." + _zone, "A", wildcard=True)])
    SEEDS["denial-%s-ds" % _z] = (0, 0, [denial_reply(
        _zone, "unsec." + _zone, "DS")])


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (b0, b1, replies) in SEEDS.items():
        if not name.startswith(("no-priming", "fwd-", "stub-")):
            replies = [priming()] + replies  # the iterator primes first
        data = bytes([b0, b1]) + SEP.join(replies)[2:]
        (OUT / ("seed-" + name)).write_bytes(data)
    print("wrote %d seeds to %s" % (len(SEEDS), OUT))


if __name__ == "__main__":
    main()
