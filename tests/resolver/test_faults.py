"""Broken and hostile authoritative servers (faults.py): the resolver
must still find the true answer, over another server or TCP, and never
take what it was not asked for or what came from the wrong port or ID."""

import time

import dns.rcode

from conftest import PEER
from daemons import addrs, ask


def through_fault(start_resolver, world, bad, name, want, limit=10.0):
    """A fresh resolver asked name until one of them met the faulty
    server bad on the way (each answer must be want, within limit
    seconds); returns that resolver. The good server of the zone drops
    a first query that comes before bad was asked, so this takes one or
    two resolvers."""
    for _ in range(4):
        world.reset_counters()
        rsv = start_resolver()
        t0 = time.monotonic()
        r = ask(rsv.where, name, timeout=limit + 2)
        assert r.rcode() == dns.rcode.NOERROR
        assert addrs(r) == want
        assert time.monotonic() - t0 < limit
        if bad.total() >= 1:
            return rsv
        rsv.stop()
    raise AssertionError("the faulty server was never asked")


def test_lame_server_refused(start_resolver, world):
    """ns1.lame.test answers REFUSED, ns2.lame.test answers."""
    lame = world.fault["lame"]
    rsv = through_fault(start_resolver, world, lame, "www1.lame.test",
                        ["192.0.2.201"])
    for i in range(2, 6):
        assert addrs(ask(rsv.where, "www%d.lame.test" % i)) == [
            "192.0.2.%d" % (200 + i)]
    assert world.fault["lame-good"].total() >= 5


def test_lame_server_no_aa(start_resolver, world):
    """ns1.noaa.test answers NOERROR without AA, answer or referral."""
    lame = world.fault["noaa"]
    rsv = through_fault(start_resolver, world, lame, "www1.noaa.test",
                        ["192.0.2.201"])
    r = ask(rsv.where, "www2.noaa.test")
    assert addrs(r) == ["192.0.2.202"]


def test_timeout_uses_other_server(start_resolver, world):
    """ns1.slow.test never answers, ns2.slow.test does."""
    silent = world.fault["silent"]
    rsv = through_fault(start_resolver, world, silent, "www1.slow.test",
                        ["192.0.2.201"])
    # the silent server is remembered: the next names come quickly
    t0 = time.monotonic()
    for i in range(2, 6):
        assert addrs(ask(rsv.where, "www%d.slow.test" % i, timeout=8)) == [
            "192.0.2.%d" % (200 + i)]
    assert time.monotonic() - t0 < 4, "waits on the silent server each time"


def test_truncation_falls_back_to_tcp(rsv, world_clean):
    tc = world_clean.fault["tc"]
    r = ask(rsv.where, "www.tc.test")
    assert addrs(r) == ["192.0.2.77"]
    assert tc.udp >= 1 and tc.tcp >= 1, (tc.udp, tc.tcp, tc.asked)
    if rsv.stats:
        assert rsv.stats()["upstream_tcp"] >= 1


def test_out_of_bailiwick_not_used(rsv, world_clean):
    """The poisoner adds an A for victim2.other.test in the answer, an
    A for victim.other.test and a glue A for ns1.other.test pointing
    at itself in the additional, an NS for other.test in the
    authority. None of it may be believed."""
    poison = world_clean.fault["poison"]
    assert addrs(ask(rsv.where, "www.poison.test")) == ["192.0.2.77"]
    r = ask(rsv.where, "victim.other.test")
    assert addrs(r) == ["192.0.2.16"]
    r = ask(rsv.where, "victim2.other.test")
    assert addrs(r) == ["192.0.2.17"]
    assert addrs(ask(rsv.where, "ns1.other.test")) == ["127.0.0.15"]
    # other.test was never asked of the poisoner
    assert poison.count("victim.other.test") == 0
    assert poison.count("victim2.other.test") == 0
    assert poison.count("other.test") == 0


def test_spoofed_answers_ignored(rsv, world_clean):
    spoof = world_clean.fault["spoof"]
    for name, want in (("www.spoof.test", "192.0.2.77"),
                       ("www3.spoof.test", "192.0.2.203")):
        r = ask(rsv.where, name, timeout=8)
        assert r.rcode() == dns.rcode.NOERROR
        assert addrs(r) == [want]
    assert spoof.bogus_sent >= 6
    # and the cache holds the true one
    assert addrs(ask(rsv.where, "www.spoof.test")) == ["192.0.2.77"]


def test_qname_minimisation(start_resolver, world_clean):
    """plain.test's server is asked shorter names first when minimising
    (the relaxed mode may still send the full name after an NXDOMAIN, as
    Unbound does); without minimisation, the full name comes first."""
    plain = world_clean.fault["plain"]
    deep = "a.b.c.www.plain.test"
    rsv = start_resolver()
    assert ask(rsv.where, deep).rcode() == dns.rcode.NXDOMAIN
    assert plain.asked and plain.asked[0].lower() == "www.plain.test.", \
        plain.asked
    world_clean.reset_counters()
    full = start_resolver(["--no-qname-minimisation"])
    assert ask(full.where, deep).rcode() == dns.rcode.NXDOMAIN
    assert plain.asked and plain.asked[0].lower() == deep + ".", \
        plain.asked


def test_case_randomisation(start_resolver, world_clean):
    """On by default (Unbound's use-caps-for-id is off by default: the
    peer run turns it on)."""
    plain = world_clean.fault["plain"]
    rsv = start_resolver(["--case-randomisation"] if PEER else [])
    for i in range(1, 9):
        r = ask(rsv.where, "www%d.plain.test" % i)
        assert addrs(r) == ["192.0.2.%d" % (200 + i)]
        assert r.question[0].name.to_text() == "www%d.plain.test." % i
    mixed = [n for n in plain.asked if n != n.lower()]
    assert mixed, plain.asked
    # and without it, the names go out as the client wrote them (lower)
    world_clean.reset_counters()
    low = start_resolver([] if PEER else ["--no-case-randomisation"])
    assert addrs(ask(low.where, "www1.plain.test")) == ["192.0.2.201"]
    assert all(n == n.lower() for n in plain.asked), plain.asked


def test_case_lost_server(start_resolver, world_clean):
    """lower.test's server gives the question back in lowercase: the
    reply is not taken (a forger's could look the same), the name is
    asked again in lowercase after the wait, and the server is then
    asked in lowercase from the start."""
    lower = world_clean.fault["lower"]
    rsv = start_resolver(["--case-randomisation"] if PEER else [])
    assert addrs(ask(rsv.where, "www1.lower.test", timeout=8)) == [
        "192.0.2.201"]
    assert any(n != n.lower() for n in lower.asked), lower.asked
    assert lower.asked[-1] == "www1.lower.test.", lower.asked
    world_clean.reset_counters()
    t0 = time.monotonic()
    assert addrs(ask(rsv.where, "www2.lower.test")) == ["192.0.2.202"]
    assert time.monotonic() - t0 < 0.3
    assert lower.asked == ["www2.lower.test."], lower.asked


def test_refused_for_one_name(start_resolver, world_clean):
    """policy.test's only server refuses odd.policy.test (a DNS firewall
    rule for one name): that name gets SERVFAIL; every other name and
    type of the zone still resolves, at once."""
    policy = world_clean.fault["policy"]
    rsv = start_resolver()
    for _ in range(3):
        r = ask(rsv.where, "odd.policy.test", timeout=8)
        assert r.rcode() == dns.rcode.SERVFAIL
    t0 = time.monotonic()
    for i in range(1, 4):
        assert addrs(ask(rsv.where, "www%d.policy.test" % i)) == [
            "192.0.2.%d" % (200 + i)]
    r = ask(rsv.where, "www.policy.test", "TXT")
    assert [x.to_text() for rr in r.answer for x in rr] == ['"policy"']
    assert time.monotonic() - t0 < 1.0
    assert policy.count("www1.policy.test") >= 1


def test_forger_who_knows_the_port(start_resolver, world_clean):
    """A forger who learnt the port and ID of each query in flight (the
    outside review's attack) answers first, with the question in
    lowercase: with 0x20, on by default, nothing forged is taken. The
    same forger wins without 0x20, so the test can tell."""
    forger = world_clean.fault["forge"]
    rsv = start_resolver(["--case-randomisation"] if PEER else [])
    for i in range(1, 5):
        r = ask(rsv.where, "www%d.forge.test" % i, timeout=8)
        assert addrs(r) == ["192.0.2.%d" % (200 + i)], r.to_text()
    assert forger.bogus_sent >= 4
    plain = start_resolver([] if PEER else ["--no-case-randomisation"])
    got = [addrs(ask(plain.where, "www%d.forge.test" % i))
           for i in range(5, 9)]
    assert ["6.6.6.6"] in got, got
