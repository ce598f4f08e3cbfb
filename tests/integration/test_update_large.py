"""Updates to a zone large enough that making a version is slow (200,000
names): changes are answered once on disk and published together a
little later (doc/design/zone-changes.md). Every acknowledged change is
served within a bounded time; an update whose prerequisite reads a name
an earlier, not yet published update added sees it; IXFR from the first
serial carries every change in order; a SIGKILL loses nothing
acknowledged."""

import shutil
import signal
import threading
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.update
import pytest

import servers
from conftest import check_log

# slow: run once, not again under ASan
pytestmark = [pytest.mark.banchi_only, pytest.mark.slow]

ZONE = "big.test"
NAMES = 200000


def write_zone(d):
    p = Path(d) / "big.test.zone"
    if not p.exists():
        with open(p, "w") as f:
            f.write("$TTL 300\n@ SOA ns1 hm 1 3600 600 86400 300\n"
                    "@ NS ns1\nns1 A 192.0.2.1\n")
            for i in range(NAMES):
                f.write("h%d.g%d A 10.%d.%d.%d\n" % (
                    i, i % 100, (i >> 16) & 255, (i >> 8) & 255, i & 255))
    return p


def start(d):
    return servers.start_banchi(d, [(ZONE, write_zone(d))], extra=[
        "--allow-update", "%s=127.0.0.1" % ZONE,
        "--allow-transfer", "%s=127.0.0.1" % ZONE,
        "--zone-dir", str(Path(d) / "zones"), "--allow-root",
        "--log-level", "debug"])


def send(where, u, timeout=5):
    return dns.query.udp(u, where[0], port=where[1], timeout=timeout).rcode()


def has(where, name):
    q = dns.message.make_query(name, "A")
    r = dns.query.udp(q, where[0], port=where[1], timeout=2)
    return bool(r.answer)


def wait_all(where, names, limit=10.0):
    deadline = time.time() + limit
    left = list(names)
    while left and time.time() < deadline:
        left = [n for n in left if not has(where, n)]
        if left:
            time.sleep(0.05)
    return left


def client(where, tag, n, acked):
    for i in range(n):
        u = dns.update.UpdateMessage(ZONE)
        name = "%s-%d.%s." % (tag, i, ZONE)
        u.add(name, 300, "A", "192.0.2.9")
        try:
            if send(where, u, timeout=2) == dns.rcode.NOERROR:
                acked.append(name)
        except Exception:   # noqa: BLE001 - the server was killed
            return


def test_pending_changes_served_and_seen():
    d = servers.world_dir("banchi-upd-large-")
    s = start(d)
    try:
        acked = []
        ts = [threading.Thread(target=client, args=(s.where, "c%d" % k,
                                                   100, acked))
              for k in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        assert len(acked) == 800
        # an update that reads a name just added sees it
        u = dns.update.UpdateMessage(ZONE)
        u.add("fresh.%s." % ZONE, 300, "A", "192.0.2.10")
        assert send(s.where, u) == dns.rcode.NOERROR
        u = dns.update.UpdateMessage(ZONE)
        u.present("fresh.%s." % ZONE, "A")
        u.add("after-fresh.%s." % ZONE, 300, "A", "192.0.2.11")
        assert send(s.where, u) == dns.rcode.NOERROR
        assert not wait_all(s.where, acked + ["after-fresh.%s." % ZONE])
        # IXFR from the start: one change per update, in order
        msgs = list(dns.query.xfr(s.where[0], ZONE, port=s.where[1],
                                  rdtype=dns.rdatatype.IXFR, serial=1,
                                  relativize=False, lifetime=30))
        soas = [rr[0].serial for m in msgs for rr in m.answer
                if rr.rdtype == dns.rdatatype.SOA]
        assert soas[0] == soas[-1] == 803
        assert soas[1:-1] == [x for i in range(1, 803) for x in (i, i + 1)]
        # versions carried several changes each (the pending path ran)
        made = [int(x.split("with ")[1].split()[0])
                for x in s.log_text().splitlines() if "a version with" in x]
        assert made and max(made) > 1 and len(made) < 803, made[:20]
        s.stop()
        check_log(s)
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def test_kill9_with_pending_changes():
    d = servers.world_dir("banchi-upd-large-kill-")
    s = start(d)
    try:
        acked = []
        ts = [threading.Thread(target=client, args=(s.where, "k%d" % k,
                                                   400, acked))
              for k in range(8)]
        for t in ts:
            t.start()
        time.sleep(1.0)
        s.stop(sig=signal.SIGKILL)
        for t in ts:
            t.join(30)
        assert acked
        s = start(d)
        assert not wait_all(s.where, acked, limit=5)
        s.stop()
        check_log(s)
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)
