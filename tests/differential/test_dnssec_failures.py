"""banchi-resolver validates as Unbound does the failure kinds of issue
13 that tests/data/dnssec/chain lacks, signed in the test (failzones.py):
a KeyTrap zone (40 DNSKEYs of one key tag, 12 wrong RRSIGs of that tag
on every RRset), a zone whose NSEC3 has 500 iterations (RFC 9276; and
one of 150), a zone whose DS is in the root but which serves no DNSKEY,
and children of algorithms 8 and 15 under a root of algorithm 13.
banchi-auth serves them on loopback; banchi-resolver and Unbound 1.17
(the root's DS as trust anchor, ede: yes) reach them through stub
zones, and each question gets the same rcode, AD flag and Extended DNS
Error from both. The KeyTrap zone's answers must come in bounded time,
the budget's stops counted. Prints the table."""

import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import validators  # noqa: E402
import failzones  # noqa: E402

CASES = [
    # KeyTrap: every RRset but the DNSKEY set bogus
    ("www.keytrap.", "A"), ("w1.keytrap.", "A"), ("keytrap.", "SOA"),
    ("keytrap.", "DNSKEY"),
    # NSEC3 with 500 iterations: the denials insecure (RFC 9276 3.2);
    # with 150, the most both accept, secure
    ("nx.it500.", "A"), ("www.it500.", "MX"), ("www.it500.", "A"),
    ("nx.it150.", "A"), ("www.it150.", "MX"),
    # a DS without its DNSKEY
    ("www.nokey.", "A"), ("nx.nokey.", "A"), ("nokey.", "DNSKEY"),
    # algorithms 8 and 15 under 13
    ("www.rsa8.", "A"), ("nx.rsa8.", "A"), ("www.rsa8.", "MX"),
    ("txt.rsa8.", "TXT"), ("rsa8.", "DNSKEY"), ("rsa8.", "DS"),
    ("www.ed15.", "A"), ("nx.ed15.", "A"), ("www.ed15.", "MX"),
    ("txt.ed15.", "TXT"), ("ed15.", "DNSKEY"), ("ed15.", "DS"),
]
# What each should give (the same from both): a wrong table fails even
# when both agree on it.
WANT = {
    "keytrap.": {"DNSKEY": ("NOERROR", True, None)},
    "it500.": {"A": ("NOERROR", True, None)},
}
KEYTRAP_LIMIT_S = 2.0   # one KeyTrap question, answered


def expected(name, qtype):
    zone = name.split(".")[-2] + "."
    if zone in WANT and qtype in WANT[zone] and (
            zone != "it500." or name.startswith("www") and qtype == "A"):
        return WANT[zone][qtype]
    if zone == "keytrap.":
        return ("SERVFAIL", False, 6)       # DNSSEC Bogus
    if zone == "nokey.":
        return ("SERVFAIL", False, 9)       # DNSKEY Missing
    if zone == "it500.":    # insecure: no AD, and no EDE from either
        return ("NXDOMAIN" if name.startswith("nx") else "NOERROR",
                False, None)
    return ("NXDOMAIN" if name.startswith("nx") else "NOERROR", True, None)


@pytest.fixture(scope="module")
def lab():
    with validators.Lab("banchi-dnssec-fail-",
                        ("unbound", "dnssec-signzone")) as lab:
        zones, anchor = failzones.build(lab.top / "zones")
        auth = lab.auth([(o.rstrip(".") or ".", str(p)) for o, p in zones])
        stubs = [z for z, _ in zones]
        res = lab.resolver("resolver", auth, stubs, anchor + "\n",
                           ctl=False)
        ub = lab.unbound(auth, stubs, anchor + "\n", ["  ede: yes"])
        validators.wait_for(res.where, ".")
        validators.wait_for(ub.where, ".")
        yield res, ub


metrics = validators.metrics


def test_same_as_unbound(lab):
    res, ub = lab
    bad, rows = [], []
    for name, qtype in CASES:
        got = validators.outcome(validators.ask(res.where, name, qtype))
        ref = validators.outcome(validators.ask(ub.where, name, qtype))
        want = expected(name, qtype)
        rows.append("%-14s %-6s banchi %-28s unbound %s" % (
            name, qtype, got, ref))
        if got != ref or got != want:
            bad.append("%s %s: banchi %s, unbound %s, want %s" % (
                name, qtype, got, ref, want))
    print("\n" + "\n".join(rows))
    print("%d questions, differ %d" % (len(CASES), len(bad)))
    assert not bad, "\n".join(bad) + "\n" + res.log_text()[-2000:]


def test_keytrap_bounded(lab):
    """Fresh names of the KeyTrap zone (its wildcard: nothing cached
    helps) get SERVFAIL each in bounded time; the budget stopped the
    work (limit hits counted) after at most DNSSEC_VERIFY_MAX
    verifications per question, not 40 * 12."""
    res, _ = lab
    before = metrics(res)
    n = 10
    for i in range(n):
        t = time.monotonic()
        got = validators.outcome(validators.ask(
            res.where, "bounded%d.keytrap." % i, "A"))
        took = time.monotonic() - t
        assert got == ("SERVFAIL", False, 6), got
        assert took < KEYTRAP_LIMIT_S, took
    after = metrics(res)
    key = "banchi_resolver_dnssec_%s_total"
    hits = after[key % "limit_hits"] - before.get(key % "limit_hits", 0)
    done = after[key % "verifications"] - before.get(key % "verifications",
                                                     0)
    print("\nKeyTrap: %d questions, %d verifications, %d limit hits" % (
        n, done, hits))
    assert hits >= n, (before, after)
    assert done <= 32 * n, (before, after)
