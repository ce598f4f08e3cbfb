"""The same queries through banchi-resolver and Unbound on the same
hierarchy: rcode and answer-section RRsets (TTLs aside) must agree.
Unbound alone first checks the hierarchy itself against known answers."""

import pytest

import daemons
from conftest import COMPARE_FLAGS

pytestmark = pytest.mark.slow   # a peer's answers: once, not under ASan

# every scenario name that depends neither on timing nor on faults
QUERIES = [
    (".", "NS"), (".", "SOA"), ("test.", "NS"), ("test.", "SOA"),
    ("lab.", "NS"), ("lab.", "SOA"),
    ("example.test.", "NS"), ("example.test.", "SOA"),
    ("example.test.", "MX"), ("example.test.", "TXT"),
    ("www.example.test.", "A"), ("www.example.test.", "AAAA"),
    ("www.example.test.", "MX"), ("www.example.test.", "TXT"),
    ("WwW.ExAmPlE.tEsT.", "A"),
    ("mail.example.test.", "A"), ("mail.example.test.", "AAAA"),
    ("multi.example.test.", "A"), ("ns1.example.test.", "A"),
    ("_sip._tcp.example.test.", "SRV"), ("big.example.test.", "TXT"),
    ("a.b.ent.example.test.", "A"),
    ("b.ent.example.test.", "A"),           # empty non-terminal: NODATA
    ("nope.example.test.", "A"),            # NXDOMAIN
    ("www.example.test.", "SRV"),           # NODATA
    ("mail.example.test.", "TXT"),          # NODATA
    ("alias.example.test.", "A"),           # CNAME into other.test
    ("chain.example.test.", "A"),           # CNAME, CNAME, A
    ("tolab.example.test.", "A"),           # CNAME into lab (NSD)
    ("tolab.example.test.", "AAAA"),
    ("inzone.example.test.", "A"),
    ("dangling.example.test.", "A"),        # CNAME to NXDOMAIN
    ("loop1.example.test.", "A"),           # CNAME loop
    ("www.old.example.test.", "A"),         # DNAME
    ("txt.old.example.test.", "TXT"),
    ("nothing.old.example.test.", "A"),     # DNAME to NXDOMAIN
    ("www.other.test.", "A"), ("www.other.test.", "AAAA"),
    ("txt.other.test.", "TXT"), ("nope.other.test.", "AAAA"),
    ("other.test.", "SOA"),
    ("www.glueless.test.", "A"),            # glueless delegation
    ("www.glueless.test.", "TXT"),
    ("nope.glueless.test.", "A"),
    ("www.lab.", "A"), ("www.lab.", "AAAA"), ("lab.", "MX"),
    ("txt.lab.", "TXT"), ("back.lab.", "A"), ("nope.lab.", "A"),
    ("ns.hosting.lab.", "A"),
    ("www.v6.test.", "A"), ("www.v6.test.", "AAAA"),   # over IPv6
    ("nosuchtld.", "A"),                    # NXDOMAIN from the root
    ("www.nosuch.test.", "A"),              # NXDOMAIN from test.
    ("www.corp.", "A"), ("intranet.corp.", "TXT"),  # forward zone
    ("www.branch.", "A"),                   # stub zone
]

# what the hierarchy must give (checked through Unbound)
KNOWN = {
    ("www.example.test.", "A"): ("NOERROR", ["192.0.2.1"]),
    ("alias.example.test.", "A"): ("NOERROR", ["192.0.2.15"]),
    ("tolab.example.test.", "A"): ("NOERROR", ["192.0.2.30"]),
    ("www.old.example.test.", "A"): ("NOERROR", ["192.0.2.15"]),
    ("www.glueless.test.", "A"): ("NOERROR", ["192.0.2.40"]),
    ("nope.example.test.", "A"): ("NXDOMAIN", []),
    ("www.example.test.", "SRV"): ("NOERROR", []),
    ("back.lab.", "A"): ("NOERROR", ["192.0.2.1"]),
    ("www.corp.", "A"): ("NOERROR", ["10.9.8.7"]),
    ("www.branch.", "A"): ("NOERROR", ["10.9.8.6"]),
}


def test_hierarchy_through_unbound(unbound):
    for (name, t), (rcode, want) in KNOWN.items():
        r = daemons.ask_full(unbound.where, name, t)
        got = daemons.answer_set(r)[0], daemons.addrs(r)
        assert got == (rcode, want), (name, t, r.to_text())


@pytest.mark.banchi_only
def test_same_answers_as_unbound(unbound, start_resolver):
    rsv = start_resolver(COMPARE_FLAGS)
    assert len(QUERIES) >= 40
    equal = 0
    diffs = []
    for name, t in QUERIES:
        a = daemons.answer_set(daemons.ask_full(rsv.where, name, t))
        b = daemons.answer_set(daemons.ask_full(unbound.where, name, t))
        if a == b:
            equal += 1
        else:
            diffs.append("%s %s\n  banchi:  %s\n  unbound: %s"
                         % (name, t, a, b))
    print("\nresolver vs unbound: %d queries, %d equal"
          % (len(QUERIES), equal))
    assert not diffs, "\n".join(diffs)
