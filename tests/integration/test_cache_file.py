"""banchi-resolver --cache-file: the cache written at stop and read back
at start, TTLs aged by the time passed, so that names resolved before a
restart are answered after it even while their servers are down; a file
whose saved clock is older than the TTLs gives nothing back; a damaged
or foreign file is logged, the resolver starts anyway and serves what
came before the damage."""

import shutil
import struct
import time

import dns.exception
import dns.rcode
import pytest

import servers
from conftest import check_log
from test_ctl import zone_text

pytestmark = pytest.mark.banchi_only

ZONE = "plain.test"
MAGIC = b"banchi cache 1\n"


@pytest.fixture
def lab():
    d = servers.world_dir("banchi-cachefile-")
    d.chmod(0o777)                  # the resolver writes as nobody
    zone = d / "plain.test.zone"
    zone.write_text(zone_text(ZONE, 5, ["alias CNAME www"]))
    zone.chmod(0o644)
    auth = servers.start_banchi(d, [(ZONE, zone)],
                                extra=["--control", "none"])
    try:
        yield d, auth
    finally:
        if auth.proc.poll() is None:
            auth.stop(timeout=5)
        check_log(auth)
        shutil.rmtree(d, ignore_errors=True)


def resolver(d, auth):
    r = servers.start_resolver_stub(d, ZONE, auth, [
        "--control", "none", "--cache-file", str(d / "cache")])
    end = time.monotonic() + 20
    while time.monotonic() < end:   # localhost is answered locally
        try:
            if servers.query(r.where, "localhost", "A", rd=True,
                             timeout=0.3, tries=1).rcode() == \
                    dns.rcode.NOERROR:
                return r
        except (dns.exception.Timeout, OSError):
            time.sleep(0.05)
    raise RuntimeError("banchi-resolver does not answer")


def ask(r, name, rtype="A"):
    return servers.query(r.where, name, rtype, rd=True, timeout=3)


def stop(r):
    r.stop(timeout=5)
    check_log(r)
    return r.log_text()


def test_kept_across_restart(lab):
    d, auth = lab
    r = resolver(d, auth)
    ttl0 = ask(r, "alias.%s" % ZONE).answer[0].ttl
    assert ask(r, "gone.%s" % ZONE).rcode() == dns.rcode.NXDOMAIN
    log = stop(r)
    assert "entries written" in log and (d / "cache").exists()
    auth.stop(timeout=5)            # nothing to ask upstream now
    time.sleep(2)
    r = resolver(d, auth)
    try:
        a = ask(r, "alias.%s" % ZONE)
        assert a.rcode() == dns.rcode.NOERROR and len(a.answer) == 2, a
        assert str(a.answer[1][0]) == "192.0.2.80"
        assert a.answer[0].ttl <= ttl0 - 2, (a.answer[0].ttl, ttl0)
        assert ask(r, "gone.%s" % ZONE).rcode() == dns.rcode.NXDOMAIN
    finally:
        log = stop(r)
    assert "entries read back" in log


def test_aged_out(lab):
    """The saved clock moved back an hour: every TTL (300 s) is past."""
    d, auth = lab
    r = resolver(d, auth)
    ask(r, "www.%s" % ZONE)
    stop(r)
    data = bytearray((d / "cache").read_bytes())
    saved = struct.unpack("!Q", data[15:23])[0]
    data[15:23] = struct.pack("!Q", saved - 3600)
    (d / "cache").write_bytes(bytes(data))
    auth.stop(timeout=5)
    r = resolver(d, auth)
    try:
        assert ask(r, "www.%s" % ZONE).rcode() == dns.rcode.SERVFAIL
    finally:
        log = stop(r)
    assert "0 entries read back" in log and "expired since" in log


def test_damaged_and_foreign_files(lab):
    d, auth = lab
    r = resolver(d, auth)
    ask(r, "www.%s" % ZONE)
    ask(r, "alias.%s" % ZONE)
    stop(r)
    good = (d / "cache").read_bytes()
    assert good.startswith(MAGIC)
    (d / "cache").write_bytes(good[:-7])    # cut inside the last record
    r = resolver(d, auth)
    log = stop(r)
    assert "damaged after" in log, log
    (d / "cache").write_bytes(b"\x00garbage" * 100)
    r = resolver(d, auth)
    try:
        assert ask(r, "www.%s" % ZONE).rcode() == dns.rcode.NOERROR
    finally:
        log = stop(r)
    assert "not a banchi cache file" in log
