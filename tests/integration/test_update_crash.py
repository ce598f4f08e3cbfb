"""Durability of dynamic updates, tested by killing: clients send signed
UPDATEs (one new record each) while banchi-auth is killed with SIGKILL
at a random moment; after a restart every update that was answered
NOERROR must be served, the zone must load, and its serial must count
exactly the updates it holds. Repeated over several rounds."""

import random
import shutil
import signal
import threading
import time

import dns.exception
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

import servers
from conftest import check_log
from test_update import U, ZONE, axfr, start_banchi

# slow: run once, not again under ASan
pytestmark = [pytest.mark.banchi_only, pytest.mark.slow]

ROUNDS = 6
CLIENTS = 8


def client(where, tag, acked, stop):
    """Sends updates until stop or an error (the server died)."""
    i = 0
    while not stop.is_set() and i < 100000:
        name = "%s-%d" % (tag, i)
        u = U()
        u.add(name, 300, "TXT", name)
        i += 1
        try:
            r = dns.query.udp(u, where[0], port=where[1], timeout=1)
        except (dns.exception.Timeout, OSError):
            return
        if r.rcode() == dns.rcode.NOERROR:
            acked.append(name + "." + ZONE + ".")


def test_kill9_loses_no_acknowledged_update():
    d = servers.world_dir("banchi-upd-crash-")
    rnd = random.Random(11)
    acked = []
    s = start_banchi(d)
    try:
        for rnd_i in range(ROUNDS):
            stop = threading.Event()
            ts = [threading.Thread(target=client, args=(
                s.where, "r%dc%d" % (rnd_i, k), acked, stop))
                for k in range(CLIENTS)]
            for t in ts:
                t.start()
            time.sleep(rnd.uniform(0.3, 1.5))
            s.stop(sig=signal.SIGKILL)
            stop.set()
            for t in ts:
                t.join(10)
            s = start_banchi(d)
            zone = axfr(s.where)
            held = {r[0] for r in zone if r[2] == "TXT" and
                    r[0].startswith("r")}
            lost = [n for n in acked if n not in held]
            assert not lost, "round %d: %d acknowledged updates lost: %s" \
                % (rnd_i, len(lost), lost[:5])
            serial = int([r for r in zone if r[2] == "SOA"][0][3].split()[2])
            assert serial == 10 + len(held), (serial, len(held))
        print("%d rounds, %d acknowledged updates, 0 lost" % (ROUNDS,
                                                              len(acked)))
        assert len(acked) >= 100
        s.stop()
        check_log(s)
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)
