"""banchi-dhcp's own behaviour over the veth pair: leases expire on
their own, a restarted server keeps every lease from other clients, one
commit for a round of requests (group commit), DECLINE, and bad packets
dropped and counted without harm."""

import json
import signal
import time

import pytest

from clients import Udhcpc
from netns import BANCHI_DHCP, SENDER, SERVER_ADDR, Server, run, send, \
    stats, wait_for



def with_address(link):
    """The sender needs an address to send from (not in the range)."""
    link.in_client("ip", "addr", "add", "10.77.0.200/24", "dev",
                   link.veth_c)


@pytest.mark.slow
def test_expiry(link):
    srv = Server(link, lease_time=10)
    c = Udhcpc(link, "brief")
    c.start()
    ip = Udhcpc.got(c.wait_event(c.BOUND)[1])["ip"]
    c.stop(signal.SIGKILL)      # gone without a RELEASE
    assert srv.leases()[ip]["state"] == "bound"
    wait_for("the lease to expire", lambda: srv.leases(all_rows=True)[ip][
        "state"] == "expired", 25, step=0.5)
    assert ip not in srv.leases()
    assert "leases, offers or declines ended" in srv.log()
    srv.stop()


def test_restart_keeps_others_leases(link):
    """After a restart a new client does not get an address the store
    says is leased, and the old client gets its own back by DISCOVER."""
    srv = Server(link)
    with_address(link)
    r = send(link, [dict(type=3, mac="02:00:00:00:00:01", xid=1,
                         req="10.77.0.50")], expect=1)
    assert [(x["xid"], x["yiaddr"], x["type"]) for x in r] == \
        [(1, "10.77.0.50", 5)]
    srv.stop()
    srv.start()
    r = send(link, [dict(type=1, mac="02:00:00:00:00:02", xid=2),
                    dict(type=1, mac="02:00:00:00:00:01", xid=3)],
             expect=2)
    got = {x["xid"]: x["yiaddr"] for x in r}
    assert got[3] == "10.77.0.50"
    assert got[2] != "10.77.0.50"
    r = send(link, [dict(type=3, mac="02:00:00:00:00:02", xid=4,
                         req="10.77.0.50")], expect=1)
    assert r[0]["type"] == 6    # NAK: held by another
    srv.stop()


def test_group_commit(link):
    """50 REQUESTs read in one round: 50 ACKs, one commit. The server
    is stopped while they queue so that the round is certain. They fill
    the range: without the new-address cap (test_limits.py)."""
    srv = Server(link, "--new-rate", "0")
    with_address(link)
    before = stats(srv)
    srv.proc.send_signal(signal.SIGSTOP)
    try:
        pk = [dict(type=3, mac="02:00:00:00:01:%02x" % i, xid=100 + i,
                   req="10.77.0.%d" % (50 + i)) for i in range(50)]
        spec_wait = 0.3
        send(link, pk, expect=0, wait=spec_wait)
    finally:
        srv.proc.send_signal(signal.SIGCONT)
    wait_for("50 leases", lambda: len(srv.leases()) == 50, 10)
    after = stats(srv)
    assert after["acks"] - before["acks"] == 50
    assert after["commits"] - before["commits"] == 1, after
    r = run(str(BANCHI_DHCP), "why", "02:00:00:00:01:07", "--lease-db",
            str(srv.db))
    assert "bound lease 10.77.0.57" in r.stdout
    assert "no name: the client sent no host name" in r.stdout
    r = run(str(BANCHI_DHCP), "why", "nobody", "--lease-db", str(srv.db),
            check=False)
    assert r.returncode == 1 and "no lease of nobody" in r.stdout
    srv.stop()


def test_decline_and_bad_packets(link):
    srv = Server(link, "--decline-time", "300")
    with_address(link)
    r = send(link, [dict(type=3, mac="02:00:00:00:00:05", xid=5,
                         req="10.77.0.50")], expect=1)
    assert r[0]["type"] == 5
    send(link, [dict(type=4, mac="02:00:00:00:00:05", xid=6,
                     req="10.77.0.50", sid=SERVER_ADDR)])
    wait_for("the decline", lambda: srv.leases(all_rows=True).get(
        "10.77.0.50", {}).get("state") == "declined", 5)
    # nobody gets it while declined
    r = send(link, [dict(type=1, mac="02:00:00:00:00:06", xid=7,
                         req="10.77.0.50")], expect=1)
    assert r[0]["type"] == 2 and r[0]["yiaddr"] != "10.77.0.50"
    before = stats(srv)
    good = "01010600" + "00" * 232 + "63825363"
    bad = [dict(raw="00"), dict(raw="01" * 239),
           dict(raw=good[:-2] + "00"),                  # no magic
           dict(raw=good + "3504"),                     # truncated option
           dict(raw=good + "350109ff"),                 # unknown type
           dict(raw=good + "3501033d0101ff"),           # 1-octet client id
           dict(raw=good + "35010234010301ff"),          # OFFER from a client
           dict(raw=good + "3501013401030c09" + "ff" * 4)]
    assert send(link, bad, expect=1, wait=1.0) == []
    after = stats(srv)
    assert after["dropped"] - before["dropped"] == len(bad)
    assert after["received"] - before["received"] == len(bad)
    # still serving
    r = send(link, [dict(type=1, mac="02:00:00:00:00:08", xid=9)], expect=1)
    assert r and r[0]["type"] == 2
    srv.stop()


# The lease table's columns in the first schema; the second added two.
LEASE_V1 = ("addr INTEGER PRIMARY KEY, state TEXT NOT NULL,"
            " expires INTEGER NOT NULL, hwaddr TEXT NOT NULL,"
            " client_id BLOB NOT NULL, hostname TEXT NOT NULL,"
            " is_static INTEGER NOT NULL, updated INTEGER NOT NULL")


def test_schema_upgrade(link):
    """A lease file of the first schema (no DNS state) is upgraded in
    place and its leases kept."""
    import sqlite3
    db = sqlite3.connect(str(link.dir / "leases.db"))
    db.executescript(
        "CREATE TABLE lease (%s);PRAGMA user_version=1;" % LEASE_V1)
    db.execute("INSERT INTO lease VALUES (?, 'bound', ?, "
               "'02:00:00:00:00:09', ?, 'old', 0, 0)",
               ((10 << 24) | (77 << 16) | 70, int(time.time()) + 600,
                bytes.fromhex("01020000000009")))
    db.commit()
    db.close()
    srv = Server(link)
    assert "schema upgraded to version 2" in srv.log()
    assert "schema upgraded to version 3" in srv.log()
    assert "1 leases loaded" in srv.log()
    assert srv.leases()["10.77.0.70"]["hostname"] == "old"
    with_address(link)
    r = send(link, [dict(type=1, mac="02:00:00:00:00:09", xid=1)], expect=1)
    assert r[0]["yiaddr"] == "10.77.0.70"
    srv.stop()


def test_schema_v2_upgrade(link):
    """A lease file of the second schema (DNS state, no last UPDATE) is
    read by why and leases as it is, then upgraded in place by the
    daemon, its rows kept, and the new columns there."""
    import sqlite3
    path = str(link.dir / "leases.db")
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE lease (%s, cid_opt INTEGER NOT NULL DEFAULT 0,"
        " dns TEXT NOT NULL DEFAULT '');PRAGMA user_version=2;" % LEASE_V1)
    db.execute("INSERT INTO lease VALUES (?, 'bound', ?, "
               "'02:00:00:00:00:0a', ?, 'two', 0, 0, 0, 'ok')",
               ((10 << 24) | (77 << 16) | 71, int(time.time()) + 600,
                bytes.fromhex("0102000000000a")))
    db.commit()
    db.close()
    out = run(str(BANCHI_DHCP), "why", "two", "--lease-db", path).stdout
    assert "bound lease 10.77.0.71" in out and "name registered" in out
    assert "last DNS update: none yet" in out
    srv = Server(link)
    assert "schema upgraded to version 3" in srv.log()
    assert "version 2\n" not in srv.log()
    assert "1 leases loaded" in srv.log()
    srv.stop()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert db.execute("SELECT hostname, dns, last_at, last_result, "
                      "last_server FROM lease").fetchall() == \
        [("two", "ok", 0, "", "")]
    db.close()
    out = run(str(BANCHI_DHCP), "why", "two", "--lease-db", path).stdout
    assert "bound lease 10.77.0.71" in out, out


def test_kill9_during_burst(link):
    """banchi-dhcp killed with SIGKILL while REQUESTs stream in: after a
    restart every ACK a client received is in the store, and no address
    ACKed is offered to anyone else."""
    import subprocess
    srv = Server(link)
    with_address(link)
    pk = [dict(type=3, mac="02:00:00:00:02:%02x" % i, xid=200 + i,
               req="10.77.0.%d" % (50 + i)) for i in range(50)]
    spec = dict(to=SERVER_ADDR, send=pk, expect=50, wait=3, gap=0.01)
    p = subprocess.Popen(["ip", "netns", "exec", link.ns_c,
                          "/usr/bin/python3", str(SENDER), json.dumps(spec)],
                         stdout=subprocess.PIPE, text=True)
    try:
        wait_for("some leases", lambda: len(srv.leases()) >= 5, 10,
                 step=0.01)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait(5)
        out, _ = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
    acked = {r["xid"] - 200: r["yiaddr"] for r in json.loads(out)
             if r["type"] == 5}
    # at least 4 (the 5th's ACK may be between its commit and its send)
    assert 4 <= len(acked) < 50, len(acked)
    srv.start()
    rows = srv.leases()
    for i, addr in acked.items():
        assert rows[addr]["hwaddr"] == "02:00:00:00:02:%02x" % i
        assert rows[addr]["state"] == "bound"
    r = send(link, [dict(type=1, mac="02:00:00:00:03:%02x" % i, xid=300 + i)
                    for i in range(10)], expect=10)
    offered = {x["yiaddr"] for x in r if x["type"] == 2}
    assert len(offered) == 10 and not offered & set(acked.values())
    srv.stop()


def test_store_locked(link):
    """The lease database locked by another writer: no ACK goes out for
    a lease that could not be written (counted unsaved, logged), the
    serving goes on, and once the lock is gone the kept change is
    written and new requests are ACKed again."""
    import sqlite3
    srv = Server(link)
    with_address(link)
    db = sqlite3.connect(str(srv.db), isolation_level=None, timeout=5)
    db.execute("BEGIN IMMEDIATE")
    try:
        got = send(link, [dict(type=3, mac="02:00:00:00:03:01", xid=301,
                               req="10.77.0.61")], expect=1, wait=3)
        assert [r for r in got if r["type"] == 5] == []
        wait_for("the failure logged", lambda: "database is locked" in
                 srv.log(), 10)
    finally:
        db.execute("ROLLBACK")
        db.close()
    wait_for("the kept lease written", lambda: "10.77.0.61" in
             srv.leases(), 10)
    got = send(link, [dict(type=3, mac="02:00:00:00:03:02", xid=302,
                           req="10.77.0.62")], expect=1, wait=3)
    assert [r["yiaddr"] for r in got if r["type"] == 5] == ["10.77.0.62"]
    assert stats(srv)["unsaved"] >= 1
    srv.stop()


@pytest.mark.slow
def test_kill9_at_random_moments(link):
    """Six rounds: a burst of REQUESTs (8 new clients, and renewals of
    every client acknowledged before), banchi-dhcp killed with SIGKILL
    at a random moment of it, restarted. Every ACK a client received
    must be in the store afterwards: its client's row, bound, with an
    expiry at least that of the ACK (a renewal's too). None lost."""
    import calendar
    import random
    import subprocess
    rnd = random.Random()
    srv = Server(link, "--new-rate", "0", "--client-rate", "0")
    with_address(link)
    acked_all, held = 0, {}     # address: mac
    for rnd_no in range(6):
        pk = [dict(type=3, mac=mac, xid=1000 + i, req=addr)
              for i, (addr, mac) in enumerate(sorted(held.items()))]
        for i in range(8):
            pk.append(dict(type=3, mac="02:00:00:00:%02x:%02x" % (
                0x20 + rnd_no, i), xid=2000 + i,
                req="10.77.0.%d" % (50 + 8 * rnd_no + i)))
        rnd.shuffle(pk)
        t0 = int(time.time())
        spec = dict(to=SERVER_ADDR, send=pk, expect=len(pk), wait=2,
                    gap=0.02)
        p = subprocess.Popen(["ip", "netns", "exec", link.ns_c,
                              "/usr/bin/python3", str(SENDER),
                              json.dumps(spec)], stdout=subprocess.PIPE,
                             text=True)
        try:
            time.sleep(rnd.uniform(0.05, 0.6))
            srv.proc.send_signal(signal.SIGKILL)
            srv.proc.wait(5)
            out, _ = p.communicate(timeout=20)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(5)
        by_xid = {x["xid"]: x for x in pk}
        acks = [r for r in json.loads(out) if r["type"] == 5]
        srv.start()
        rows = srv.leases()
        for r in acks:
            mac = by_xid[r["xid"]]["mac"]
            row = rows.get(r["yiaddr"])
            assert row and row["hwaddr"] == mac, (rnd_no, r, row)
            exp = calendar.timegm(time.strptime(row["expires"],
                                                "%Y-%m-%dT%H:%M:%SZ"))
            assert row["state"] == "bound" and exp >= t0 + 600, (r, row)
            held[r["yiaddr"]] = mac
        acked_all += len(acks)
        print("round %d: %d sent, %d ACKed, 0 lost" % (rnd_no, len(pk),
                                                      len(acks)))
        time.sleep(1.1)         # the next round's expiries are later
    assert acked_all > 0
    r = send(link, [dict(type=1, mac="02:00:00:00:3f:%02x" % i, xid=3000 + i)
                    for i in range(2)], expect=2)
    assert not {x["yiaddr"] for x in r if x["type"] == 2} & set(held)
    srv.stop()
