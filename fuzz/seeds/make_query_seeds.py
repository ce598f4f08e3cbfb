#!/usr/bin/python3
"""Writes the seed queries of fuzz_query into fuzz/seeds/query/: DO
queries (and a few without DO) to the signed zone sig.test. that
fuzz_query serves from tests/data/dnssec, one per proof kind, at the
payloads where signed answers truncate."""
import os

import dns.message

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'query')

CASES = [
    ("www", "A"), ("www", "TXT"), ("nx", "A"), ("a.b.nx", "AAAA"),
    ("x.wild", "A"), ("x.wild", "MX"), ("y.x.wc", "A"), ("b.ent", "A"),
    ("x.sec", "A"), ("sec", "DS"), ("x.insec", "A"), ("insec", "DS"),
    ("h1.dn", "A"), ("nx.dn", "A"), ("big", "TXT"), ("@", "DNSKEY"),
    ("@", "NSEC3PARAM"), ("www", "RRSIG"), ("www", "NSEC"),
    ("www", "NSEC3"), ("*.x.wild", "A"), ("mail", "MX"), ("@", "ANY"),
    ("k6d78j3rj048rm0dkluj5d8b01c0r03f", "NSEC3"),
]

for k, (rel, qtype) in enumerate(CASES):
    name = "sig.test." if rel == "@" else rel + ".sig.test."
    for payload, do in ((512, True), (1232, True), (4096, False)):
        q = dns.message.make_query(name, qtype, use_edns=0, payload=payload,
                                   want_dnssec=do)
        q.id = k
        with open(os.path.join(OUT, "%s-%s-%d%s" % (
                rel.replace("*", "star"), qtype, payload,
                "-do" if do else "")), "wb") as f:
            f.write(q.to_wire())
