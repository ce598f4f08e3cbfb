"""Benchmark data with a fixed seed: one zone generator (A, AAAA, MX, TXT,
CNAME, wildcards, delegations with glue) and one query mix written as a
dnsperf -B file (length-prefixed wire queries, RD clear): about 70%
existing names, 15% NXDOMAIN, 10% NODATA, 5% referrals, half of the
names in mixed case, half of the queries with EDNS."""

import random
import struct

ORIGIN = "bench.test"
SEED = 20241104
TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16,
         "AAAA": 28}


class Names:
    """What the generator wrote, for the query mix."""

    def __init__(self):
        self.hits = []          # (name, type) with an answer
        self.nodata = []        # (name, type) the name exists, not the type
        self.cuts = []          # delegated names (referrals below them)
        self.wild = []          # wildcard parents (*.parent)
        self.probe = None       # (name, "A", address) for start-up polls
        self.plain_a = []       # names with one A and nothing else


def make_zone(path, records, seed=SEED):
    """Writes about `records` records to path; returns Names."""
    rnd = random.Random(seed)
    nm = Names()
    out = open(path, "w")
    w = out.write
    w("$ORIGIN %s.\n$TTL 3600\n" % ORIGIN)
    w("@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n")
    w("@ NS ns1\n@ NS ns2\n@ MX 10 mail\nns1 A 192.0.2.1\n"
      "ns2 AAAA 2001:db8::2\nmail A 192.0.2.25\n")
    w("probe A 192.0.2.53\n")
    nm.probe = ("probe." + ORIGIN, "A", "192.0.2.53")
    nm.hits += [(ORIGIN, "SOA"), (ORIGIN, "NS"), (ORIGIN, "MX"),
                ("mail." + ORIGIN, "A")]
    nm.nodata += [(ORIGIN, "TXT"), ("mail." + ORIGIN, "AAAA")]
    count, i = 7, 0
    while count < records:
        i += 1
        count += _one(w, rnd, nm, i)
    out.close()
    return nm


def _one(w, rnd, nm, i):
    """One owner's records; returns how many were written."""
    k = rnd.random()
    h = "h%d" % i
    fq = "%s.%s" % (h, ORIGIN)
    if k < 0.35:
        w("%s A 10.%d.%d.%d\n" % (h, rnd.randrange(256), rnd.randrange(256),
                                  rnd.randrange(256)))
        nm.hits.append((fq, "A"))
        nm.nodata.append((fq, "AAAA"))
        nm.plain_a.append(fq)
        return 1
    if k < 0.50:
        w("%s AAAA 2001:db8:%x::%x\n%s A 10.9.%d.%d\n" % (
            h, rnd.randrange(65536), rnd.randrange(65536), h,
            rnd.randrange(256), rnd.randrange(256)))
        nm.hits += [(fq, "AAAA"), (fq, "A")]
        nm.nodata.append((fq, "MX"))
        return 2
    if k < 0.62:
        w("%s MX 10 h%d\n%s MX 20 mail.example.net.\n" % (h, max(1, i - 1),
                                                        h))
        nm.hits.append((fq, "MX"))
        nm.nodata.append((fq, "A"))
        return 2
    if k < 0.77:
        w('%s TXT "v=spf1 ip4:10.%d.0.0/16 -all" "%08x"\n'
          % (h, rnd.randrange(256), rnd.getrandbits(32)))
        nm.hits.append((fq, "TXT"))
        nm.nodata.append((fq, "AAAA"))
        return 1
    if k < 0.86:
        w("%s CNAME h%d\n" % (h, rnd.randrange(1, i + 1)))
        nm.hits.append((fq, "A"))
        return 1
    if k < 0.89:
        w("*.w%d A 10.7.%d.%d\n" % (i, rnd.randrange(256),
                                    rnd.randrange(256)))
        nm.wild.append("w%d.%s" % (i, ORIGIN))
        return 1
    # Delegation with in-bailiwick glue and one external server.
    w("d%d NS ns.d%d\nd%d NS ns.example.net.\nns.d%d A 10.1.%d.%d\n"
      % (i, i, i, i, rnd.randrange(256), rnd.randrange(256)))
    nm.cuts.append("d%d.%s" % (i, ORIGIN))
    return 3


def mixed_case(rnd, name):
    return "".join(c.upper() if c.isalpha() and rnd.random() < 0.5 else c
                   for c in name)


def wire_query(qid, name, qtype, edns, dnssec_ok=False):
    """A query in wire format, RD clear; EDNS0 with 1232 octets if edns
    (with the DO bit if dnssec_ok)."""
    out = bytearray(struct.pack("!HHHHHH", qid, 0, 1, 0, 0,
                                1 if edns else 0))
    for label in name.split("."):
        out.append(len(label))
        out += label.encode()
    out += b"\0" + struct.pack("!HH", TYPES[qtype], 1)
    if edns:
        out += b"\0" + struct.pack("!HHIH", 41, 1232,
                                    0x8000 if dnssec_ok else 0, 0)
    return bytes(out)


def pick(rnd, nm):
    """One (name, type) of the mix."""
    k = rnd.random()
    if k < 0.70:
        if nm.wild and rnd.random() < 0.05:
            return "q%d.%s" % (rnd.randrange(10**6), rnd.choice(nm.wild)), "A"
        return rnd.choice(nm.hits)
    if k < 0.85:
        return "nx%d.%s" % (rnd.randrange(10**8), ORIGIN), "A"
    if k < 0.95:
        return rnd.choice(nm.nodata)
    if nm.cuts:
        return "www.%s" % rnd.choice(nm.cuts), "A"
    return rnd.choice(nm.hits)


def make_queries(path, nm, n=100000, seed=SEED):
    """Writes n queries of the mix to path as a dnsperf -B file."""
    rnd = random.Random(seed + 1)
    out = bytearray()
    for qid in range(n):
        name, qtype = pick(rnd, nm)
        if rnd.random() < 0.5:
            name = mixed_case(rnd, name)
        q = wire_query(qid & 0xffff, name, qtype, rnd.random() < 0.5)
        out += struct.pack("!H", len(q)) + q
    with open(path, "wb") as f:
        f.write(out)
