"""Answers that do not come from iterating the hierarchy: forward and
stub zones (a banchi-auth on 127.0.0.35/36 serving corp. and branch.,
which the root does not know), hosts file, block list, local data, and
the special-use names answered without going upstream."""

import dns.flags
import dns.rcode
import dns.rdatatype
import pytest

from daemons import addrs, ask

HOSTS = """# hosts file for the resolver tests
192.0.2.123   myhost.home.lan myhost
2001:db8::123 myhost.home.lan
192.0.2.124   printer.home.lan
"""

BLOCK = """# block list
ads.example.test
tracker.lab
0.0.0.0 evil.other.test
"""


def no_upstream(rsv, world, fn):
    """Runs fn(); asserts nothing was sent upstream meanwhile."""
    before, st = world.queries(), rsv.stats and rsv.stats()
    fn()
    assert world.queries() == before, "went upstream"
    if rsv.stats:
        assert rsv.stats()["upstream"] == st["upstream"]


def test_forward_zone(start_resolver, world):
    rsv = start_resolver(["--forward", "corp.=127.0.0.35:53"])
    r = ask(rsv.where, "www.corp")
    assert r.rcode() == dns.rcode.NOERROR and addrs(r) == ["10.9.8.7"]
    assert addrs(ask(rsv.where, "intranet.corp", "TXT"),
                 "TXT") == ['"forwarded"']
    assert ask(rsv.where, "nope.corp").rcode() == dns.rcode.NXDOMAIN
    # the rest is still iterated
    assert addrs(ask(rsv.where, "www.example.test")) == ["192.0.2.1"]


def test_without_forward_corp_is_unknown(rsv):
    assert ask(rsv.where, "www.corp").rcode() == dns.rcode.NXDOMAIN


def test_stub_zone(start_resolver):
    rsv = start_resolver(["--stub", "branch.=127.0.0.36"])
    r = ask(rsv.where, "www.branch")
    assert r.rcode() == dns.rcode.NOERROR and addrs(r) == ["10.9.8.6"]
    assert ask(rsv.where, "nope.branch").rcode() == dns.rcode.NXDOMAIN


def test_hosts_file(start_resolver, world, tmp_path):
    (tmp_path / "hosts").write_text(HOSTS)
    (tmp_path / "hosts").chmod(0o644)
    rsv = start_resolver(["--hosts", str(tmp_path / "hosts")])

    def check():
        r = ask(rsv.where, "myhost.home.lan")
        assert r.rcode() == dns.rcode.NOERROR
        assert addrs(r) == ["192.0.2.123"]
        assert addrs(ask(rsv.where, "myhost.home.lan", "AAAA"),
                     "AAAA") == ["2001:db8::123"]
        r = ask(rsv.where, "123.2.0.192.in-addr.arpa", "PTR")
        assert addrs(r, "PTR") == ["myhost.home.lan."]
        assert addrs(ask(rsv.where, "printer.home.lan")) == [
            "192.0.2.124"]
    no_upstream(rsv, world, check)


def test_blocklist(start_resolver, world, tmp_path):
    (tmp_path / "block").write_text(BLOCK)
    (tmp_path / "block").chmod(0o644)
    rsv = start_resolver(["--blocklist", str(tmp_path / "block")])

    def check():
        for name in ("ads.example.test", "x.ads.example.test",
                     "deep.x.ads.example.test", "tracker.lab",
                     "evil.other.test", "a.evil.other.test"):
            r = ask(rsv.where, name)
            assert r.rcode() == dns.rcode.NXDOMAIN, name
            assert not r.answer
    no_upstream(rsv, world, check)
    # neighbours are not blocked
    assert addrs(ask(rsv.where, "www.example.test")) == ["192.0.2.1"]
    assert addrs(ask(rsv.where, "www.lab")) == ["192.0.2.30"]


def test_blocklist_fixed_address(start_resolver, world, tmp_path):
    (tmp_path / "block").write_text(BLOCK)
    (tmp_path / "block").chmod(0o644)
    rsv = start_resolver(["--blocklist", str(tmp_path / "block"),
                          "--block-answer", "0.0.0.0 ::"])

    def check():
        assert addrs(ask(rsv.where, "x.ads.example.test")) == ["0.0.0.0"]
        assert addrs(ask(rsv.where, "ads.example.test", "AAAA"),
                     "AAAA") == ["::"]
    no_upstream(rsv, world, check)


def test_local_data(start_resolver, world):
    rsv = start_resolver(["--local-data", "nas.home.lan. 300 IN A 192.0.2.7",
                          "--local-data", "nas.home.lan. 300 TXT \"local\"",
                          "--local-data",
                          "www.example.test. 60 A 203.0.113.9"])

    def check():
        r = ask(rsv.where, "nas.home.lan")
        assert r.rcode() == dns.rcode.NOERROR and addrs(r) == ["192.0.2.7"]
        assert addrs(ask(rsv.where, "nas.home.lan", "TXT"),
                     "TXT") == ['"local"']
        r = ask(rsv.where, "nas.home.lan", "AAAA")
        assert r.rcode() == dns.rcode.NOERROR and not r.answer
        # local data overrides what the hierarchy says
        assert addrs(ask(rsv.where, "www.example.test")) == ["203.0.113.9"]
    no_upstream(rsv, world, check)


def test_special_use_names(rsv, world):
    def check():
        r = ask(rsv.where, "localhost")
        assert r.rcode() == dns.rcode.NOERROR
        assert addrs(r) == ["127.0.0.1"]
        assert addrs(ask(rsv.where, "localhost", "AAAA"), "AAAA") == ["::1"]
        assert addrs(ask(rsv.where, "x.localhost")) in (["127.0.0.1"], [])
        for name in ("x.invalid", "a.b.invalid", "hidden.onion",
                     "printer.local", "x.home.arpa"):
            assert ask(rsv.where, name).rcode() == dns.rcode.NXDOMAIN, name
        r = ask(rsv.where, "1.0.0.127.in-addr.arpa", "PTR")
        assert addrs(r, "PTR") == ["localhost."]
        r = ask(rsv.where, "5.1.168.192.in-addr.arpa", "PTR")
        assert r.rcode() == dns.rcode.NXDOMAIN
    no_upstream(rsv, world, check)


def test_test_tld_local_without_allow_special(start_resolver, world):
    """Without --allow-special test, test. is special-use: NXDOMAIN
    locally, the hierarchy is not asked."""
    rsv = start_resolver(special=())
    before = world.queries()
    r = ask(rsv.where, "www.example.test")
    assert r.rcode() == dns.rcode.NXDOMAIN
    assert world.queries() == before
    # lab. is no special-use name: still iterated
    assert addrs(ask(rsv.where, "www.lab")) == ["192.0.2.30"]


def test_answers_carry_ra(rsv):
    r = ask(rsv.where, "localhost")
    assert r.flags & dns.flags.RA and r.flags & dns.flags.QR
    assert r.question[0].rdtype == dns.rdatatype.A


@pytest.mark.banchi_only
def test_forward_to_a_recursive_resolver(start_resolver, unbound):
    """lab. forwarded to Unbound (which iterates it): the forwarded
    queries must carry RD, or Unbound would not recurse."""
    fwd = "lab.=%s:%d" % unbound.where
    rsv = start_resolver(["--forward", fwd])
    before = rsv.stats()["upstream"]
    assert addrs(ask(rsv.where, "back.lab")) == ["192.0.2.1"]
    assert addrs(ask(rsv.where, "mail.lab")) == ["192.0.2.31"]
    assert ask(rsv.where, "nope.lab").rcode() == dns.rcode.NXDOMAIN
    assert rsv.stats()["upstream"] - before <= 6
