"""banchi-auth with many zones (10,000 from one YAML config) and a large
zone, plus the listen/chroot/signal edges of the daemon: IPv6 loopback,
--chroot with a reload inside it, SIGUSR1 counters."""

import os
import random
import signal
import socket
import time
from pathlib import Path

import dns.rcode
import pytest

import servers
from servers import query

pytestmark = pytest.mark.banchi_only


def small_zone(origin, i):
    return ("$TTL 600\n@ SOA ns1.%s. h.%s. %d 3600 600 86400 60\n"
            "@ NS ns1\nns1 A 192.0.2.1\nwww A 10.%d.%d.%d\n" % (
                origin, origin, i + 1, i >> 16 & 255, i >> 8 & 255,
                i & 255))


@pytest.mark.slow
def test_ten_thousand_zones(fresh):
    _, d, _ = fresh
    zdir = Path(d) / "many"
    zdir.mkdir()
    zdir.chmod(0o755)
    n = 10000
    entries = []
    for i in range(n):
        origin = "z%d.many.test" % i
        f = zdir / ("%s.zone" % origin)
        f.write_text(small_zone(origin, i))
        entries.append("  - name: %s\n    file: many/%s.zone\n" % (
            origin, origin))
    port = servers.free_port()
    conf = Path(d) / "many.yaml"
    conf.write_text("server:\n  listen: 127.0.0.1:%d\n  threads: 2\n"
                    "zones:\n" % port + "".join(entries))
    conf.chmod(0o644)
    t0 = time.monotonic()
    srv = servers.Server("banchi-auth",
                         [str(servers.banchi_binary()), "-c", str(conf)],
                         ("127.0.0.1", port), d, "z0.many.test",
                         limit=180.0)     # slow under ASan
    try:
        rnd = random.Random(5)
        for i in rnd.sample(range(n), 60) + [n - 1]:
            r = query(srv.where, "www.z%d.many.test" % i, "A")
            assert r.rcode() == dns.rcode.NOERROR
            assert r.answer[0][0].to_text() == "10.%d.%d.%d" % (
                i >> 16 & 255, i >> 8 & 255, i & 255)
        r = query(srv.where, "www.z%d.many.test" % n, "A")
        assert r.rcode() == dns.rcode.REFUSED
        # A reload of 10,000 unchanged zones keeps serving.
        srv.signal(signal.SIGHUP)
        for i in range(0, n, 997):
            assert query(srv.where, "www.z%d.many.test" % i).answer
        print("10,000 zones: up in %.1f s" % (time.monotonic() - t0))
    finally:
        # A reload under way may finish first (seconds under ASan).
        assert srv.stop(timeout=90) == 0


def test_large_zone(fresh):
    go, d, zones = fresh
    n = 300000
    big = Path(d) / "large.test.zone"
    with open(big, "w") as f:
        f.write("$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\n"
                "ns A 192.0.2.1\n")
        for i in range(n):
            f.write("h%d A 10.%d.%d.%d\n" % (i, i >> 16 & 255,
                                             i >> 8 & 255, i & 255))
    big.chmod(0o644)
    zones.append(("large.test", big))
    srv = go()
    for i in (0, 1, 4242, 123456, n - 1):
        r = query(srv.where, "h%d.large.test" % i, "A")
        assert [x.to_text() for x in r.answer[0]] == [
            "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)]
    assert query(srv.where, "h%d.large.test" % n).rcode() == \
        dns.rcode.NXDOMAIN


def ipv6_loopback():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback")
def test_ipv6_listen(fresh):
    go, _, _ = fresh
    port6 = servers.free_port()
    srv = go(extra=["--listen", "[::1]:%d" % port6])
    for tcp in (False, True):
        r = query(("::1", port6), "ns1.itest.test", "A", tcp=tcp)
        assert r.answer[0][0].to_text() == "192.0.2.53"
    assert query(srv.where, "ns1.itest.test", "A").answer


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_chroot_and_reload(fresh):
    go, d, zones = fresh
    srv = go(extra=["--chroot", str(d)])
    assert os.readlink("/proc/%d/root" % srv.pid) == str(d)
    zfile = dict(zones)["other.test"]
    Path(zfile).write_text(Path(zfile).read_text().replace(
        " 7 7200", " 8 7200") + "added A 192.0.2.201\n")
    srv.signal(signal.SIGHUP)
    end = time.monotonic() + 10
    while time.monotonic() < end:
        r = query(srv.where, "added.other.test", "A")
        if r.answer:
            break
        time.sleep(0.1)
    assert r.answer and r.answer[0][0].to_text() == "192.0.2.201", \
        srv.log_text()


def test_sigusr1_counters(fresh):
    go, _, _ = fresh
    srv = go()
    for _ in range(5):
        query(srv.where, "ns1.itest.test", "A")
    before = srv.log_text()
    srv.signal(signal.SIGUSR1)
    end = time.monotonic() + 5
    while time.monotonic() < end and srv.log_text() == before:
        time.sleep(0.1)
    assert srv.log_text() != before
    assert srv.proc.poll() is None
