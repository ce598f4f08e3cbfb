"""banchi-resolver validates as Unbound does. banchi-auth serves the
signed hierarchy of tests/data/dnssec/chain on loopback (a good child,
an expired one, one whose DS names a key it lacks, one with a bad
signature, an unsigned one; and corp., a private zone the root does not
delegate, given to both as domain-insecure); banchi-resolver (validating by default,
--trust-anchor anchor.txt) and Unbound 1.17 (the same anchor, ede: yes)
reach it through stub zones (no Internet hints; only loopback is asked),
and each question gets the same rcode, AD flag and Extended DNS Error
from both (and from a second banchi-resolver forwarding everything to
that Unbound), for a client with DO, and with DO and CD, negative answers
(NSEC and NSEC3 proofs) included. Prints the counts."""

import subprocess
import sys
import time
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
ZONES = [(".", "root.signed"), ("tld.", "tld.signed"),
         ("sld.tld.", "sld.tld.signed"), ("expired.tld.", "expired.tld.signed"),
         ("wrongds.tld.", "wrongds.tld.signed"),
         ("badsig.tld.", "badsig.tld.signed"),
         ("insecure.tld.", "insecure.tld.zone"),
         ("corp.", "insecure.tld.zone")]   # private: not in the root
INSECURE = "corp."      # Unbound's domain-insecure, ours too
DO, CD = validators.DO, validators.CD
CASES = [
    ("www.sld.tld.", "A", DO), ("txt.sld.tld.", "TXT", DO),
    ("sld.tld.", "DNSKEY", DO), ("sld.tld.", "DS", DO),
    ("sld.tld.", "SOA", DO), ("tld.", "NS", DO), (".", "DNSKEY", DO),
    ("www.expired.tld.", "A", DO), ("www.wrongds.tld.", "A", DO),
    ("www.badsig.tld.", "A", DO), ("txt.badsig.tld.", "TXT", DO),
    ("www.insecure.tld.", "A", DO), ("txt.insecure.tld.", "TXT", DO),
    ("www.expired.tld.", "A", DO | CD), ("www.badsig.tld.", "A", DO | CD),
    ("www.insecure.tld.", "A", DO | CD), ("www.sld.tld.", "A", 0),
    ("www.corp.", "A", DO),
]
# Proven by NSEC/NSEC3 (secure), or of an insecure or bogus zone.
NEGATIVE = [("nx.sld.tld.", "A", DO), ("www.sld.tld.", "MX", DO),
            ("nx.tld.", "A", DO), ("tld.", "TXT", DO),
            ("nx.insecure.tld.", "A", DO), ("www.insecure.tld.", "MX", DO),
            ("nx.expired.tld.", "A", DO), ("nx.badsig.tld.", "A", DO),
            ("insecure.tld.", "DS", DO),
            ("nx.sld.tld.", "A", 0), ("nx.corp.", "A", DO),
            ("www.corp.", "MX", DO)]


ask = validators.ask_bits
outcome = validators.outcome


@pytest.fixture(scope="module")
def lab():
    with validators.Lab("banchi-dnssec-res-") as lab:
        zones = [(o.rstrip(".") or ".", servers.copy_zone(CHAIN / f,
                                                          lab.top))
                 for o, f in ZONES]
        auth = lab.auth(zones)
        anchor = (CHAIN / "anchor.txt").read_text()
        stubs = [z for z, _ in ZONES]
        insecure = ["--domain-insecure", INSECURE]
        res = lab.resolver("resolver", auth, stubs, anchor, insecure)
        ub = lab.unbound(auth, stubs, anchor, [
            "  ede: yes", '  domain-insecure: "%s"' % INSECURE])
        validators.wait_for(res.where)
        validators.wait_for(ub.where)
        # a second banchi-resolver forwarding everything to Unbound (which
        # it asks with CD): it validates what comes back on its own
        res.fwd = lab.resolver("forwarder", auth, [], anchor, insecure + [
            "--forward", ".=127.0.0.1:%d" % ub.where[1]], ctl=False,
            metrics=False)
        validators.wait_for(res.fwd.where)
        yield res, ub


def test_same_as_unbound(lab):
    res, ub = lab
    bad, counts = [], {}
    for name, qtype, flags in CASES:
        got, want = (outcome(ask(res.where, name, qtype, flags)),
                     outcome(ask(ub.where, name, qtype, flags)))
        if got != want or got is None:
            bad.append("%s %s flags %d: banchi %s, unbound %s" % (
                name, qtype, flags, got, want))
        else:
            key = "%s AD=%s EDE=%s" % got
            counts[key] = counts.get(key, 0) + 1
    print("\nbanchi-resolver vs Unbound, %d questions: %s; differ %d" % (
        len(CASES), ", ".join("%s: %d" % kv for kv in sorted(counts.items())),
        len(bad)))
    assert not bad, "\n".join(bad) + "\n" + res.log_text()[-2000:]


def test_ad_needs_do_or_ad(lab):
    """AD only to a client that asked for it (DO or AD), RRSIGs only
    with DO."""
    res, _ = lab
    r = ask(res.where, "www.sld.tld.", "A", 0)
    assert r is not None and not r.flags & dns.flags.AD
    assert all(rr.rdtype != dns.rdatatype.RRSIG for rr in r.answer)
    r = ask(res.where, "www.sld.tld.", "A", DO)
    assert r.flags & dns.flags.AD
    assert any(rr.rdtype == dns.rdatatype.RRSIG for rr in r.answer)


def test_metrics(lab):
    """The verifications (and budget stops: none here) are counted."""
    res, _ = lab
    ask(res.where, "www.sld.tld.", "A", DO)
    got = validators.metrics(res)
    assert got.get("banchi_resolver_dnssec_verifications_total", 0) >= 5
    assert got.get("banchi_resolver_dnssec_limit_hits_total") == 0


def test_cd_without_ad(lab):
    """CD: the data as it is, without AD, even secure data (our choice,
    doc/design/dnssec-validation.md); Unbound sets AD on secure data it
    holds whatever CD says."""
    res, ub = lab
    for where, ad in ((res.where, False), (ub.where, True)):
        r = ask(where, "www.sld.tld.", "A", DO | CD)
        assert r is not None and dns.rcode.to_text(r.rcode()) == "NOERROR"
        assert bool(r.flags & dns.flags.AD) == ad
        r = ask(where, "nx.sld.tld.", "A", DO | CD)
        assert r is not None and dns.rcode.to_text(r.rcode()) == "NXDOMAIN"
        assert bool(r.flags & dns.flags.AD) == ad


@pytest.mark.parametrize("name,qtype,flags", NEGATIVE)
def test_negative_same_as_unbound(lab, name, qtype, flags):
    res, ub = lab
    got = outcome(ask(res.where, name, qtype, flags))
    assert got is not None
    assert got == outcome(ask(ub.where, name, qtype, flags))


def test_negative_proof_to_do_clients(lab):
    """The NSEC3 proof and its RRSIGs go to DO clients, in the reply that
    resolved the name and in one from the cache, not to others."""
    res, _ = lab
    for _ in range(2):
        r = ask(res.where, "nx2.sld.tld.", "A", DO)
        types = [rr.rdtype for rr in r.authority]
        assert r.flags & dns.flags.AD
        assert dns.rdatatype.NSEC3 in types and dns.rdatatype.SOA in types
        assert types.count(dns.rdatatype.RRSIG) == len(types) - \
            types.count(dns.rdatatype.RRSIG)
    r = ask(res.where, "nx2.sld.tld.", "A", 0)
    assert [rr.rdtype for rr in r.authority] == [dns.rdatatype.SOA]


def test_bad_key_ede_kept(lab):
    """A zone whose keys were found bogus keeps its EDE in later answers
    (9: the DS names a key the zone lacks); Unbound 1.17 gives the
    precise code only the first time, then 6 from its key cache
    (doc/differences.md)."""
    res, ub = lab
    for name in ("www.wrongds.tld.", "nx.wrongds.tld.", "nx.wrongds.tld."):
        assert outcome(ask(res.where, name, "A", DO)) == ("SERVFAIL", False, 9)
    assert outcome(ask(ub.where, "nx.wrongds.tld.", "A", DO)) == \
        ("SERVFAIL", False, 6)


def test_forwarding_as_iterating(lab):
    """banchi-resolver forwarding every name to Unbound gives what it
    gives iterating (test_same_as_unbound: Unbound's first answers; a
    second answer from Unbound for a bogus zone says EDE 6, see
    test_bad_key_ede_kept): secure, insecure (the unsigned child found
    by DS queries through the forwarder), bogus and negative answers."""
    res, ub = lab
    bad = []
    cases = [c for c in CASES + NEGATIVE if not c[2] & CD]
    for name, qtype, flags in cases:
        got, want = (outcome(ask(res.fwd.where, name, qtype, flags)),
                     outcome(ask(res.where, name, qtype, flags)))
        if got != want or got is None:
            bad.append("%s %s flags %d: forwarding %s, iterating %s" % (
                name, qtype, flags, got, want))
    print("\nforwarding to Unbound: %d questions, differ %d" % (
        len(cases), len(bad)))
    assert not bad, "\n".join(bad) + "\n" + res.fwd.log_text()[-2000:]


def ctl(res, *args):
    return subprocess.run(
        [str(servers.banchi_binary().parent / "banchi-ctl"), "-s",
         str(res.ctl)] + list(args), capture_output=True, text=True,
        timeout=30)


def test_negative_trust_anchor(lab):
    """banchi-ctl nta-add: a zone with a broken signature answers (without
    AD) while the anchor lasts, its bogus answer dropped from the cache;
    nta-remove and expiry bring validation back."""
    res, _ = lab
    name = "www.badsig.tld."
    assert outcome(ask(res.where, name, "A", DO)) == ("SERVFAIL", False, 6)
    p = ctl(res, "nta-add", "badsig.tld", "60")
    assert p.returncode == 0 and "badsig.tld." in p.stdout, p.stderr
    assert outcome(ask(res.where, name, "A", DO)) == ("NOERROR", False, None)
    assert outcome(ask(res.where, "www.sld.tld.", "A", DO))[1] is True
    p = ctl(res, "-j", "nta-list")
    assert '"zone":"badsig.tld."' in p.stdout, p.stdout
    assert ctl(res, "nta-remove", "badsig.tld").returncode == 0
    assert outcome(ask(res.where, name, "A", DO)) == ("SERVFAIL", False, 6)
    p = ctl(res, "nta-remove", "badsig.tld")
    assert p.returncode == 1 and "no negative trust anchor" in p.stderr
    assert ctl(res, "nta-add", "badsig.tld", "nope").returncode == 1
    # one that lasts a second goes by itself (checked every 5 s)
    assert ctl(res, "nta-add", "badsig.tld", "1").returncode == 0
    end = time.monotonic() + 15
    while time.monotonic() < end and '"zone"' in \
            ctl(res, "-j", "nta-list").stdout:
        time.sleep(0.5)
    assert '"zone"' not in ctl(res, "-j", "nta-list").stdout
    assert "negative trust anchor badsig.tld. expired" in res.log_text()
    assert outcome(ask(res.where, name, "A", DO)) == ("SERVFAIL", False, 6)
