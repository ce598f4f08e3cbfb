"""Zones added to and removed from a PowerDNS database while banchi-auth
serves it (--zone-db sqlite:PATH), as a web panel or `pdnsutil
create-zone` / `delete-zone` would do: a new zone is served within a
second, with IXFR of its later changes and dynamic update written
through (allow-update given for a name the database did not hold yet);
a deleted zone gets REFUSED within a second, as any zone not served;
one made a SLAVE is no longer served; one deleted and created again is
served with its new data. A reload (SIGHUP) keeps the zones added and
does not bring back the ones removed. A zone the database gains that
the config serves from a file stays the file's, said once in the log.
A database with no zone at all at start gains one."""

import shutil
import signal
import time

import dns.query
import dns.rcode
import dns.update
import pytest

import pdnsdb
import servers
from conftest import check_log
from test_sqlzones import ZFILE, ZONE, a_of, ask

pytestmark = [pytest.mark.banchi_only,
              pytest.mark.skipif(not pdnsdb.available(),
                                 reason="PowerDNS with gsqlite3 missing")]

NEW = "new.test"
VISIBLE = 1.0


def serial(where, zone):
    return ask(where, zone, "SOA").answer[0][0].serial


def rcode(where, name, rtype="SOA"):
    try:
        return ask(where, name, rtype).rcode()
    except Exception:
        return None


def www(where, name, address):
    """The zone served with its www (pdnsutil commits each record on
    its own: the zone may be served a moment before www is in)."""
    return pdnsdb.wait_for(lambda: rcode(where, name + ".") ==
                           dns.rcode.NOERROR and
                           a_of(where, "www.%s." % name) == [address],
                           VISIBLE + 1)


def refused(where, name):
    return pdnsdb.wait_for(lambda: rcode(where, name + ".") ==
                           dns.rcode.REFUSED, VISIBLE + 1)


def create(db, name, address):
    db.pdnsutil("create-zone", name, "ns1." + name)
    db.pdnsutil("add-record", name, "ns1", "A", "300", "192.0.2.1")
    db.pdnsutil("add-record", name, "www", "A", "300", address)


@pytest.fixture
def lab():
    d = servers.world_dir("banchi-sqlrt-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    extra = ["--allow-update", "%s=127.0.0.1" % NEW,
             "--allow-transfer", "%s=127.0.0.1" % NEW]
    b = pdnsdb.start_banchi_db(d, db, ZONE, extra=extra)
    try:
        yield d, db, b
    finally:
        b.stop(timeout=5)
        check_log(b)
        shutil.rmtree(d, ignore_errors=True)


def test_added_zone_served_with_ixfr_and_update(lab):
    d, db, b = lab
    assert rcode(b.where, NEW + ".") == dns.rcode.REFUSED
    create(db, NEW, "192.0.2.10")
    assert www(b.where, NEW, "192.0.2.10") is not None, \
        b.log_text()[-3000:]
    assert "zone %s.: added to the database (NATIVE)" % NEW in b.log_text()
    # a change of its rows: served, and in its journal for IXFR
    s0 = serial(b.where, NEW)
    db.sql("INSERT INTO records (domain_id, name, type, content, ttl, "
           "prio, disabled) VALUES (?, ?, 'A', '192.0.2.11', 300, 0, 0)",
           (db.domain_id(NEW), "two." + NEW))
    assert pdnsdb.wait_for(lambda: a_of(b.where, "two.%s." % NEW) ==
                           ["192.0.2.11"], VISIBLE + 1) is not None
    assert serial(b.where, NEW) > s0
    x = dns.query.xfr(b.where[0], NEW, rdtype="IXFR", serial=s0,
                      port=b.where[1], timeout=5, relativize=False)
    text = " ".join(m.to_text() for m in x)
    assert "two.new.test. 300 IN A 192.0.2.11" in text, text
    # an UPDATE goes into the database before NOERROR
    u = dns.update.UpdateMessage(NEW)
    u.add("dyn", 300, "A", "192.0.2.12")
    r = dns.query.tcp(u, b.where[0], port=b.where[1], timeout=10)
    assert r.rcode() == dns.rcode.NOERROR, b.log_text()[-2000:]
    assert a_of(b.where, "dyn.%s." % NEW) == ["192.0.2.12"]
    assert db.sql("SELECT content FROM records WHERE name = ?",
                  ("dyn." + NEW,)) == [("192.0.2.12",)]
    # the zone of the start is untouched
    assert rcode(b.where, ZONE + ".") == dns.rcode.NOERROR


def test_removed_then_created_again(lab):
    d, db, b = lab
    create(db, NEW, "192.0.2.20")
    assert www(b.where, NEW, "192.0.2.20") is not None
    db.pdnsutil("delete-zone", NEW)
    assert refused(b.where, NEW) is not None, b.log_text()[-3000:]
    assert "zone %s.: no longer in the database" % NEW in b.log_text()
    u = dns.update.UpdateMessage(NEW)
    u.add("dyn", 300, "A", "192.0.2.21")
    r = dns.query.tcp(u, b.where[0], port=b.where[1], timeout=10)
    assert r.rcode() == dns.rcode.NOTAUTH
    create(db, NEW, "192.0.2.22")
    assert www(b.where, NEW, "192.0.2.22") is not None
    # made a secondary in PowerDNS's terms: not served here
    db.sql("UPDATE domains SET type = 'SLAVE', master = '192.0.2.1' "
           "WHERE name = ?", (NEW,))
    assert refused(b.where, NEW) is not None
    assert rcode(b.where, ZONE + ".") == dns.rcode.NOERROR


def test_reload_keeps_what_the_database_says(lab):
    d, db, b = lab
    create(db, NEW, "192.0.2.30")
    create(db, "gone.test", "192.0.2.31")
    assert www(b.where, NEW, "192.0.2.30") is not None
    assert www(b.where, "gone.test", "192.0.2.31") is not None
    db.pdnsutil("delete-zone", "gone.test")
    assert refused(b.where, "gone.test") is not None
    b.proc.send_signal(signal.SIGHUP)
    assert pdnsdb.wait_for(lambda: b.log_text().count("reload") >= 1, 10)
    time.sleep(0.5)
    assert a_of(b.where, "www.%s." % NEW) == ["192.0.2.30"]
    assert rcode(b.where, "gone.test.") == dns.rcode.REFUSED
    assert rcode(b.where, ZONE + ".") == dns.rcode.NOERROR


def test_added_zone_also_a_zone_file():
    """The file's zone stays served; the clash is logged once."""
    d = servers.world_dir("banchi-sqlrt-clash-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    zf = d / "other.zone"
    zf.write_text("$ORIGIN other.test.\n@ 300 IN SOA ns1 h 7 1 1 1 1\n"
                  "@ 300 IN NS ns1\nns1 300 IN A 192.0.2.1\n"
                  "www 300 IN A 192.0.2.40\n")
    zf.chmod(0o644)
    b = pdnsdb.start_banchi_db(d, db, ZONE, extra=[
        "--zone", "other.test=%s" % zf])
    try:
        create(db, "other.test", "192.0.2.41")
        db.pdnsutil("add-record", "other.test", "more", "A", "300",
                    "192.0.2.42")
        assert pdnsdb.wait_for(lambda: "in the database and in the config"
                               in b.log_text(), VISIBLE + 2) is not None, \
            b.log_text()[-3000:]
        time.sleep(0.5)
        assert a_of(b.where, "www.other.test.") == ["192.0.2.40"]
        assert serial(b.where, "other.test") == 7
        assert b.log_text().count("in the database and in the config") == 1
    finally:
        b.stop(timeout=5)
        check_log(b)
        shutil.rmtree(d, ignore_errors=True)


def test_empty_database_gains_a_zone():
    d = servers.world_dir("banchi-sqlrt-empty-")
    db = pdnsdb.PdnsDb(d)
    zf = d / "file.zone"
    zf.write_text("$ORIGIN file.test.\n@ 300 IN SOA ns1 h 1 1 1 1 1\n"
                  "@ 300 IN NS ns1\nns1 300 IN A 192.0.2.1\n")
    zf.chmod(0o644)
    b = pdnsdb.start_banchi_db(d, db, "file.test", extra=[
        "--zone", "file.test=%s" % zf])
    try:
        create(db, NEW, "192.0.2.50")
        assert www(b.where, NEW, "192.0.2.50") is not None, \
            b.log_text()[-3000:]
    finally:
        b.stop(timeout=5)
        check_log(b)
        shutil.rmtree(d, ignore_errors=True)
