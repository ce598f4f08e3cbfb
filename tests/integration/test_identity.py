"""Server identity (RFC 4892 CHAOS TXT, RFC 5001 NSID): banchi-auth
answers id.server, hostname.bind, version.bind and version.server as NSD
and Knot do when given the same identity and version (rcode, no AA, the
TXT record with its class and TTL; other types REFUSED), gives the NSID only to queries that ask
for it, in text or hex, and REFUSES what is switched off or unknown, as
NSD and Knot do."""

import shutil
import socket
import subprocess

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rdataclass
import dns.rdatatype
import pytest

import servers
from conftest import check_log
from test_ctl import zone_text

pytestmark = pytest.mark.banchi_only

ZONE = "ident.test"
NAMES = ("id.server.", "hostname.bind.", "version.bind.",
         "version.server.", "authors.bind.", "nothing.bind.")


def chaos(where, name, rtype="TXT", nsid=False):
    q = dns.message.make_query(name, rtype, dns.rdataclass.CH)
    if nsid:
        q.use_edns(0, options=[dns.edns.GenericOption(dns.edns.NSID, b"")])
    return dns.query.udp(q, where[0], port=where[1], timeout=3)


def view(r):
    """What a client sees: rcode, AA, the answer records as text."""
    return (r.rcode(), bool(r.flags & dns.flags.AA),
            sorted(rr.to_text() for rr in r.answer))


def nsid_of(where, name="www." + ZONE, ask=True):
    q = dns.message.make_query(name, "A")
    opts = [dns.edns.GenericOption(dns.edns.NSID, b"")] if ask else []
    q.use_edns(0, options=opts)
    r = dns.query.udp(q, where[0], port=where[1], timeout=3)
    got = [o for o in r.options if o.otype == dns.edns.NSID]
    return got[0].data if got else None


@pytest.fixture(scope="module")
def trio():
    d = servers.world_dir("banchi-ident-")
    zone = d / "z.zone"
    zone.write_text(zone_text(ZONE, 1))
    zone.chmod(0o644)
    started = []
    try:
        (d / "b").mkdir()
        (d / "n").mkdir()
        (d / "k").mkdir()
        started.append(servers.start_banchi(
            d / "b", [(ZONE, zone)],
            extra=["--identity", "ns1.example", "--version-text",
                   "9.9.9", "--nsid", "ns1.example", "--control", "none"]))
        started.append(servers.start_nsd(
            d / "n", [(ZONE, zone)],
            server=['  identity: "ns1.example"', '  version: "9.9.9"',
                    '  nsid: "ascii_ns1.example"']))
        started.append(servers.start_knot(
            d / "k", [(ZONE, zone)],
            server=['  identity: "ns1.example"', '  version: "9.9.9"',
                    '  nsid: "ns1.example"']))
        yield started
    finally:
        for s in started:
            s.stop(timeout=5)
        check_log(started[0])
        shutil.rmtree(d, ignore_errors=True)


def test_chaos_like_peers(trio):
    banchi, nsd, knot = trio
    for name in NAMES[:4]:
        b = view(chaos(banchi.where, name))
        assert b[0] == 0 and not b[1] and len(b[2]) == 1, (name, b)
        assert b == view(chaos(knot.where, name)), name
        assert b == view(chaos(nsd.where, name)), name
        assert chaos(banchi.where, name, "A").rcode() == 5  # REFUSED
        assert chaos(knot.where, name, "A").rcode() == 5
    for name in NAMES[4:]:
        assert chaos(banchi.where, name).rcode() == 5
        assert chaos(knot.where, name).rcode() == 5


def test_nsid_like_peers(trio):
    banchi, nsd, knot = trio
    assert nsid_of(banchi.where) == b"ns1.example"
    assert nsid_of(banchi.where) == nsid_of(nsd.where) == \
        nsid_of(knot.where)
    assert nsid_of(banchi.where, ask=False) is None
    # NXDOMAIN and REFUSED replies carry it too (RFC 5001 2.2)
    assert nsid_of(banchi.where, "nope." + ZONE) == b"ns1.example"
    assert nsid_of(banchi.where, "other.example.") == b"ns1.example"


def one(extra):
    d = servers.world_dir("banchi-ident1-")
    zone = d / "z.zone"
    zone.write_text(zone_text(ZONE, 1))
    zone.chmod(0o644)
    s = servers.start_banchi(d, [(ZONE, zone)],
                             extra=["--control", "none"] + extra)
    return s, d


def test_defaults_and_off():
    s, d = one([])
    try:
        r = view(chaos(s.where, "id.server."))
        assert r[0] == 0 and socket.gethostname() in r[2][0], r
        assert "banchi" in view(chaos(s.where, "version.bind."))[2][0]
        assert nsid_of(s.where) is None             # off by default
    finally:
        s.stop(timeout=5)
        shutil.rmtree(d, ignore_errors=True)
    s, d = one(["--identity", "none", "--version-text", "none",
                "--nsid", "0x6e7331"])
    try:
        for name in NAMES[:4]:
            assert chaos(s.where, name).rcode() == 5, name
        assert nsid_of(s.where) == b"ns1"
    finally:
        s.stop(timeout=5)
        shutil.rmtree(d, ignore_errors=True)
    # the NSID as the identity: the configured one, else the host name
    for extra, want in ((["--identity", "node-7"], b"node-7"),
                        ([], socket.gethostname().encode())):
        s, d = one(extra + ["--nsid", "identity"])
        try:
            assert nsid_of(s.where) == want
        finally:
            s.stop(timeout=5)
            shutil.rmtree(d, ignore_errors=True)


def test_bad_nsid_refused():
    d = servers.world_dir("banchi-ident2-")
    try:
        for bad in ("0x6e7", "0xzz", "x" * 200):
            r = subprocess.run([str(servers.banchi_binary()), "--nsid", bad,
                                "--zone", "%s=/nonexistent" % ZONE,
                                "--control", "none"],
                               capture_output=True, text=True, timeout=10)
            assert r.returncode == 2 and "nsid" in r.stderr, r.stderr
    finally:
        shutil.rmtree(d, ignore_errors=True)
