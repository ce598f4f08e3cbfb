"""RFC 8198 aggressive use of the validated cache, against Unbound 1.17
with aggressive-nsec: yes. banchi-auth serves the signed hierarchy of
tests/data/dnssec/chain (tld. is signed with NSEC); banchi-resolver
(aggressive-nsec on by default) and Unbound reach it through stub zones
on loopback. After one NXDOMAIN in tld., another name of the same NSEC
range is NXDOMAIN with AD without an upstream query (the
upstream_queries_total metric does not move), and so is a NODATA at an
NSEC's owner; each answer has Unbound's rcode, AD and RRsets in every
section. CD queries and --no-aggressive-nsec go upstream. nsec.test.
(tests/data/dnssec/denial, its KSK a second anchor, a stub zone: the
root does not delegate it) has a wildcard *.w: after one expansion,
other names under it are expanded from the cache (RFC 8198 5.3) as
Unbound answers them."""

import re
import subprocess
import sys
from pathlib import Path

import dns.flags
import dns.rcode
import dns.rdatatype
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
import servers  # noqa: E402
import validators  # noqa: E402

CHAIN = HERE.parent / "data" / "dnssec" / "chain"
DENIAL = HERE.parent / "data" / "dnssec" / "denial"
ZONES = [(".", "root.signed"), ("tld.", "tld.signed"),
         ("sld.tld.", "sld.tld.signed"),
         ("insecure.tld.", "insecure.tld.zone"),
         ("nsec.test.", DENIAL / "nsec.test.signed")]  # a wildcard *.w
DO, CD = validators.DO, validators.CD
ask = validators.ask_bits
metrics = validators.metrics


def summary(r):
    """rcode, AD and each section's RRsets (owner, type, sorted rdata;
    TTLs aside)."""
    def sets(section):
        return sorted((str(s.name).lower(), s.rdtype,
                       tuple(sorted(rd.to_text() for rd in s)))
                      for s in section)
    return (dns.rcode.to_text(r.rcode()), bool(r.flags & dns.flags.AD),
            sets(r.answer), sets(r.authority))


def anchors():
    """The chain's anchor and nsec.test.'s KSK, in one file's text."""
    text = (DENIAL / "nsec.test.signed").read_text()
    m = re.search(r"DNSKEY\s+(257 3 13) \(([^)]*)\)", text)
    key = "".join(m.group(2).split())
    return (CHAIN / "anchor.txt").read_text() + \
        "nsec.test. 300 IN DNSKEY %s %s\n" % (m.group(1), key)


@pytest.fixture(scope="module")
def lab():
    with validators.Lab("banchi-aggr-nsec-") as lab:
        zones = [(o.rstrip(".") or ".", servers.copy_zone(CHAIN / f,
                                                          lab.top))
                 for o, f in ZONES]
        auth = lab.auth(zones)
        stubs = [z for z, _ in ZONES]
        special = ["--allow-special", "test"]
        res = lab.resolver("resolver", auth, stubs, anchors(), special)
        off = lab.resolver("off", auth, stubs, anchors(),
                           special + ["--no-aggressive-nsec"])
        ub = lab.unbound(auth, stubs, anchors(), [
            "  aggressive-nsec: yes", "  local-zone: test. nodefault"])
        for s in (res, off, ub):
            validators.wait_for(s.where)
        yield res, off, ub


UPSTREAM = "banchi_resolver_upstream_queries_total"
AGGR = "banchi_resolver_aggressive_nsec_answers_total"


def test_nxdomain_from_cached_range(lab):
    res, _, ub = lab
    first = ask(res.where, "nx.tld.", "A")
    assert summary(first) == summary(ask(ub.where, "nx.tld.", "A"))
    assert first.flags & dns.flags.AD
    before = metrics(res)
    bad = []
    # ns.tld. -> sld.tld. covers them; tld. -> badsig.tld. covers *.tld.
    for name in ("nz.tld.", "o.tld.", "deep.below.nz.tld."):
        got, want = ask(res.where, name, "A"), ask(ub.where, name, "A")
        assert got is not None and want is not None
        if summary(got) != summary(want):
            bad.append("%s: banchi %s\nunbound %s" % (
                name, summary(got), summary(want)))
        assert dns.rcode.to_text(got.rcode()) == "NXDOMAIN"
        assert got.flags & dns.flags.AD
    after = metrics(res)
    assert after[UPSTREAM] == before[UPSTREAM], (before, after)
    assert after[AGGR] == before.get(AGGR, 0) + 3
    assert not bad, "\n".join(bad)


def test_nodata_at_nsec_owner(lab):
    res, _, ub = lab
    ask(res.where, "nx.tld.", "A")
    ask(ub.where, "nx.tld.", "A")
    before = metrics(res)
    got, want = ask(res.where, "ns.tld.", "TXT"), ask(ub.where, "ns.tld.",
                                                        "TXT")
    assert dns.rcode.to_text(got.rcode()) == "NOERROR" and not got.answer
    assert got.flags & dns.flags.AD
    assert summary(got) == summary(want)
    assert metrics(res)[UPSTREAM] == before[UPSTREAM]


def test_plain_client_gets_soa_only(lab):
    res, _, _ = lab
    ask(res.where, "nx.tld.", "A")
    r = ask(res.where, "nr.tld.", "A", 0)
    assert dns.rcode.to_text(r.rcode()) == "NXDOMAIN"
    assert not r.flags & dns.flags.AD
    assert [s.rdtype for s in r.authority] == [dns.rdatatype.SOA]


def test_cd_and_switch_off_go_upstream(lab):
    res, off, _ = lab
    ask(res.where, "nx.tld.", "A")
    before = metrics(res)
    r = ask(res.where, "nw.tld.", "A", DO | CD)
    assert dns.rcode.to_text(r.rcode()) == "NXDOMAIN"
    assert metrics(res)[UPSTREAM] > before[UPSTREAM]
    ask(off.where, "nx.tld.", "A")
    before = metrics(off)
    r = ask(off.where, "nv.tld.", "A")
    assert dns.rcode.to_text(r.rcode()) == "NXDOMAIN"
    assert r.flags & dns.flags.AD
    after = metrics(off)
    assert after[UPSTREAM] > before[UPSTREAM]
    assert after.get(AGGR, 0) == 0


def test_why_names_the_nsec(lab):
    res, _, _ = lab
    ask(res.where, "nx.tld.", "A")
    p = subprocess.run(
        [str(servers.banchi_binary().parent / "banchi-ctl"), "-s",
         str(res.ctl), "why", "nu.tld", "A"], capture_output=True,
        text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert "synthesised from the cached NSEC ns.tld. \u2192 sld.tld." in \
        p.stdout, p.stdout
    assert "NXDOMAIN" in p.stdout


def test_wildcard_from_cache(lab):
    res, _, ub = lab
    for where in (res.where, ub.where):
        r = ask(where, "a.w.nsec.test.", "A")
        assert r is not None and r.flags & dns.flags.AD, r
    before = metrics(res)
    bad = []
    for name in ("b.w.nsec.test.", "deep.c.w.nsec.test."):
        got, want = ask(res.where, name, "A"), ask(ub.where, name, "A")
        assert dns.rcode.to_text(got.rcode()) == "NOERROR"
        assert got.flags & dns.flags.AD and got.answer
        if summary(got) != summary(want):
            bad.append("%s: banchi %s\nunbound %s" % (
                name, summary(got), summary(want)))
    after = metrics(res)
    assert after[UPSTREAM] == before[UPSTREAM], (before, after)
    assert after[AGGR] == before.get(AGGR, 0) + 2
    assert not bad, "\n".join(bad)
