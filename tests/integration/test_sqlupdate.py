"""Dynamic update (RFC 2136) of a zone served from a PowerDNS database
(--zone-db with --allow-update): each UPDATE is written into the
database in one transaction before NOERROR (its rows there as PowerDNS
writes them, pdns_server answering them from the same database), served
at once, the SOA serial raised once (the watcher, seeing the rows change,
adds nothing), kept across a restart without another raise, and
transferred by IXFR. A database that cannot take the write (locked by
another writer) gets SERVFAIL and no change anywhere; the next UPDATE,
once it is free, works. A removed record's row is found by its data,
whatever form another tool wrote its content in."""

import shutil
import sqlite3
import threading
import time

import dns.query
import dns.rcode
import dns.update
import pytest

import pdnsdb
import servers
from conftest import check_log
from test_sqlzones import ZFILE, ZONE, a_of, ask, serial

pytestmark = [pytest.mark.banchi_only,
              pytest.mark.skipif(not pdnsdb.available(),
                                 reason="PowerDNS with gsqlite3 missing")]


def update(where, *ops, timeout=10.0):
    u = dns.update.UpdateMessage(ZONE)
    for op in ops:
        getattr(u, op[0])(*op[1:])
    return dns.query.tcp(u, where[0], port=where[1], timeout=timeout)


def rows(db, name, rtype):
    with sqlite3.connect(str(db.path), timeout=10) as c:
        return sorted(r[0] for r in c.execute(
            "SELECT content FROM records WHERE name = ? AND type = ?",
            (name, rtype)))


def soa_serial_row(db):
    return int(rows(db, ZONE, "SOA")[0].split()[2])


@pytest.fixture
def lab():
    d = servers.world_dir("banchi-sqlupd-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    extra = ["--allow-update", "%s=127.0.0.1" % ZONE,
             "--allow-transfer", "%s=127.0.0.1" % ZONE]
    b = pdnsdb.start_banchi_db(d, db, ZONE, extra=extra)
    try:
        yield d, db, b, extra
    finally:
        b.stop(timeout=5)
        check_log(b)
        shutil.rmtree(d, ignore_errors=True)


def test_written_through(lab):
    d, db, b, extra = lab
    s0 = serial(b.where)
    r = update(b.where, ("add", "dyn", 300, "A", "192.0.2.77"),
               ("add", "dyn", 300, "TXT", '"hello from nsupdate"'),
               ("delete", "mail", "A", "192.0.2.25"))
    assert r.rcode() == dns.rcode.NOERROR
    # served at once, the serial raised once, in the database already
    assert a_of(b.where, "dyn.%s." % ZONE) == ["192.0.2.77"]
    assert serial(b.where) == s0 + 1
    assert rows(db, "dyn." + ZONE, "A") == ["192.0.2.77"]
    assert rows(db, "dyn." + ZONE, "TXT") == ['"hello from nsupdate"']
    assert rows(db, "mail." + ZONE, "A") == []
    assert a_of(b.where, "mail.%s." % ZONE) == []
    assert soa_serial_row(db) == s0 + 1
    # the watcher sees its own rows: nothing more to serve
    time.sleep(1.0)
    assert serial(b.where) == s0 + 1
    # PowerDNS reads what banchi wrote
    pdns = pdnsdb.start_pdns(d, db)
    servers.wait_answering(pdns.where, ZONE, pdns.proc)
    assert a_of(pdns.where, "dyn.%s." % ZONE) == ["192.0.2.77"]
    assert ask(pdns.where, ZONE, "SOA").answer[0][0].serial == s0 + 1
    pdns.stop()
    # IXFR from before the update holds it
    x = dns.query.xfr(b.where[0], ZONE, rdtype="IXFR", serial=s0,
                      port=b.where[1], timeout=5, relativize=False)
    assert "dyn.sql.test. 300 IN A 192.0.2.77" in \
        " ".join(m.to_text() for m in x)
    # a restart serves the same serial (no second raise)
    b.stop(timeout=5)
    check_log(b)
    b2 = pdnsdb.start_banchi_db(d, db, ZONE, extra=extra)
    try:
        assert serial(b2.where) == s0 + 1
        assert a_of(b2.where, "dyn.%s." % ZONE) == ["192.0.2.77"]
    finally:
        b2.stop(timeout=5)
        check_log(b2)


def test_locked_database_servfail(lab):
    _, db, b, _ = lab
    s0 = serial(b.where)
    held = threading.Event()
    release = threading.Event()

    def hold():
        c = sqlite3.connect(str(db.path), timeout=10, isolation_level=None)
        c.execute("BEGIN EXCLUSIVE")
        held.set()
        release.wait(30)
        c.execute("ROLLBACK")
        c.close()
    t = threading.Thread(target=hold)
    t.start()
    try:
        assert held.wait(10)
        r = update(b.where, ("add", "locked", 300, "A", "192.0.2.78"),
                   timeout=20)
        assert r.rcode() == dns.rcode.SERVFAIL
        assert a_of(b.where, "locked.%s." % ZONE) == []
        assert serial(b.where) == s0
    finally:
        release.set()
        t.join(30)
    assert rows(db, "locked." + ZONE, "A") == []
    assert "not written to the database" in b.log_text()
    r = update(b.where, ("add", "later", 300, "A", "192.0.2.79"))
    assert r.rcode() == dns.rcode.NOERROR
    assert rows(db, "later." + ZONE, "A") == ["192.0.2.79"]
    assert serial(b.where) == s0 + 1


def test_row_found_by_its_data(lab):
    """A removed record's row is found by what it holds, not by its text:
    the AAAA of sip written in another form by some other tool is still
    the one removed."""
    _, db, b, _ = lab
    with sqlite3.connect(str(db.path), timeout=10) as c:
        c.execute("UPDATE records SET content = '2001:0db8:0:0::50' WHERE "
                  "name = 'sip.sql.test' AND type = 'AAAA'")
    r = update(b.where, ("delete", "sip", "AAAA", "2001:db8::50"))
    assert r.rcode() == dns.rcode.NOERROR
    assert rows(db, "sip." + ZONE, "AAAA") == []
    assert ask(b.where, "sip." + ZONE, "AAAA").answer == []


def ents(db):
    return sorted(r[0] for r in db.sql(
        "SELECT name FROM records WHERE type IS NULL"))


def test_empty_non_terminals_kept(lab):
    """PowerDNS answers a name without a row of its own NXDOMAIN: an
    UPDATE that adds a name below names without records gives them ENT
    rows (type NULL) and one that removes it takes them away, as
    pdnsutil rectify-zone leaves them (it then finds nothing to do)."""
    d, db, b, extra = lab
    before = ents(db)
    new = ["b.newent.%s" % ZONE, "newent.%s" % ZONE]
    r = update(b.where, ("add", "a.b.newent", 300, "A", "192.0.2.91"))
    assert r.rcode() == dns.rcode.NOERROR
    assert ents(db) == sorted(before + new)
    db.pdnsutil("rectify-zone", ZONE)
    assert ents(db) == sorted(before + new)
    pdns = pdnsdb.start_pdns(d, db)
    try:
        servers.wait_answering(pdns.where, ZONE, pdns.proc)
        # an empty non-terminal: NODATA, not NXDOMAIN
        assert ask(pdns.where, "newent.%s." % ZONE, "A").rcode() == \
            dns.rcode.NOERROR
    finally:
        pdns.stop()
    # a record at the ENT takes its row's place; removing it brings it back
    r = update(b.where, ("add", "newent", 300, "TXT", '"now a node"'))
    assert r.rcode() == dns.rcode.NOERROR
    assert ents(db) == sorted(before + new[:1])
    r = update(b.where, ("delete", "newent", "TXT"),
               ("delete", "a.b.newent", "A"))
    assert r.rcode() == dns.rcode.NOERROR
    assert ents(db) == before
    db.pdnsutil("rectify-zone", ZONE)
    assert ents(db) == before
