"""banchi-auth serving a PowerDNS database in PostgreSQL (--zone-db
postgresql://...), on a cluster the test makes and stops (pgdb.py).

The zone is loaded with PowerDNS's own pdnsutil (launch=gpgsql). Answers
must equal banchi-auth's from the zone file and pdns_server's on the same
database; changes made with psql are served within a second (the
triggers' NOTIFY, LISTENed to); the server stopped while queries flow
gives no SERVFAIL and no lost query, and changes made once it is back are
served; a user who may only read is served too (no change table: changes
learnt from the statistics, each read whole)."""

import re
import shutil
import statistics
import time

import dns.flags
import dns.rcode
import pytest

import pdnsdb
import pgdb
import servers
from conftest import check_log
from test_sqlzones import (EXTRA, TYPES, VISIBLE, ZFILE, ZONE, Load, a_of,
                           ask, differences, serial, zone_names)

# slow: run once, not again under ASan
pytestmark = [pytest.mark.banchi_only, pytest.mark.slow,
              pytest.mark.skipif(pgdb.missing() is not None,
                                 reason=str(pgdb.missing()))]


class World:
    pass


@pytest.fixture(scope="module")
def world():
    w = World()
    w.dir = servers.world_dir("banchi-pg-")
    w.servers = []
    w.pg = None
    try:
        w.pg = pgdb.PgCluster(w.dir)
        w.pg.pdnsutil("load-zone", ZONE, ZFILE)
        w.pg.pdnsutil("rectify-zone", ZONE)
        w.banchi = pgdb.start_banchi_pg(w.dir, w.pg.uri(), ZONE)
        w.servers.append(w.banchi)
        yield w
    finally:
        for s in w.servers:
            s.stop()
        if w.pg:
            w.pg.stop()
        if w.servers:
            check_log(w.banchi)
        shutil.rmtree(w.dir, ignore_errors=True)


def test_answers_equal_file(world):
    """The zone served from its file by another banchi-auth: the same
    answers but for the KX target, which pdnsutil load-zone stores as
    written ('mail': relative) and banchi, as PowerDNS, reads absolute."""
    d = servers.world_dir("banchi-pg-file-")
    try:
        f = servers.start_banchi(d, [(ZONE, servers.copy_zone(ZFILE, d))])
        try:
            queries = [(n, t) for n in zone_names() + EXTRA for t in TYPES]
            diff = differences(f.where, world.banchi.where, queries)
        finally:
            f.stop()
        check_log(f)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print("file differential: %d queries, %d differences"
          % (len(queries), len(diff)))
    assert len(queries) > 4000
    assert {q for q, _, _ in diff} == {("kx.sql.test.", "KX"),
                                       ("kx.sql.test.", "ANY")}
    assert "left out" not in world.banchi.log_text()
    assert "changes tracked" in world.banchi.log_text()


def test_answers_equal_pdns_server(world):
    """pdns_server (gpgsql) on the same database answers alike (ANY
    apart: PowerDNS sends UDP clients to TCP)."""
    p = pgdb.start_pdns(world.dir, world.pg)
    world.servers.append(p)
    servers.wait_answering(p.where, ZONE, p.proc)
    queries = [(n, t) for n in zone_names() + EXTRA for t in TYPES
               if t != "ANY"]
    diff = differences(p.where, world.banchi.where, queries)
    print("pdns_server differential: %d queries, %d differences"
          % (len(queries), len(diff)))
    assert len(queries) > 4000
    assert not diff, diff[:5]
    # its own writes (pdnsutil) go through banchi's triggers
    world.pg.pdnsutil("add-record", ZONE, "viapdns", "A", "300",
                      "192.0.2.201")
    assert pdnsdb.wait_for(lambda: a_of(world.banchi.where,
                                        "viapdns.sql.test.") ==
                           ["192.0.2.201"], VISIBLE) is not None
    assert pdnsdb.wait_for(lambda: a_of(p.where, "viapdns.sql.test.") ==
                           ["192.0.2.201"], 5.0) is not None


def insert_a(pg, did, name, address):
    pg.psql("INSERT INTO records (domain_id, name, type, content, ttl, "
            "prio, disabled, auth) VALUES (%d, '%s', 'A', '%s', 60, 0, "
            "false, true)" % (did, name, address))


def change_latency(world, name, address):
    """Seconds from psql's INSERT (committed when psql returns) until
    banchi-auth answers it."""
    did = world.pg.domain_id(ZONE)
    t0 = time.monotonic()
    insert_a(world.pg, did, name, address)
    end = t0 + 5.0
    while time.monotonic() < end:
        if a_of(world.banchi.where, name + ".") == [address]:
            return time.monotonic() - t0
        time.sleep(0.005)
    return None


def test_changes_visible_within_a_second(world):
    """INSERT, UPDATE, DELETE and disabled with psql: each served within
    a second, the serial one higher each time."""
    w, pg = world.banchi.where, world.pg
    tables = pg.psql("SELECT tgname FROM pg_trigger WHERE tgname LIKE "
                     "'banchi%' ORDER BY 1").split()
    assert tables == ["banchi_domains_change", "banchi_records_change"]
    before = serial(w)
    lat = [change_latency(world, "lat%d.sql.test" % i, "192.0.2.%d" % i)
           for i in range(1, 21)]
    assert None not in lat, lat
    lat.sort()
    print("change to visible (psql INSERT): median %.0f ms, max %.0f ms"
          % (statistics.median(lat) * 1000, lat[-1] * 1000))
    assert lat[-1] < VISIBLE
    assert serial(w) == before + 20
    pg.psql("UPDATE records SET content = '192.0.2.99' WHERE name = "
            "'lat1.sql.test'")
    assert pdnsdb.wait_for(lambda: a_of(w, "lat1.sql.test.") ==
                           ["192.0.2.99"], VISIBLE) is not None
    pg.psql("DELETE FROM records WHERE name LIKE 'lat%'")
    assert pdnsdb.wait_for(lambda: ask(w, "lat2.sql.test.", "A").rcode() ==
                           dns.rcode.NXDOMAIN, VISIBLE) is not None
    pg.psql("UPDATE records SET disabled = true WHERE name = 'h5.sql.test' "
            "AND type = 'A'")
    assert pdnsdb.wait_for(lambda: a_of(w, "h5.sql.test.") == [],
                           VISIBLE) is not None
    pg.psql("UPDATE records SET disabled = false WHERE name = "
            "'h5.sql.test' AND type = 'A'")
    assert pdnsdb.wait_for(lambda: a_of(w, "h5.sql.test.") ==
                           ["198.51.100.5"], VISIBLE) is not None
    # columns that make no record (rectify's) record no change
    n = int(pg.psql("SELECT count(*) FROM banchi_changes"))
    pg.psql("UPDATE records SET ordername = NULL, auth = true WHERE "
            "name = 'h5.sql.test'")
    assert int(pg.psql("SELECT count(*) FROM banchi_changes")) == n


def test_zone_added_and_removed(world):
    """A domain inserted with its records in one transaction is served
    within a second; deleted (records first, as PowerDNS does), it gets
    REFUSED within a second; the zone of the start is untouched."""
    w, pg = world.banchi.where, world.pg
    pg.psql("BEGIN; INSERT INTO domains (name, type) VALUES ('pgnew.test',"
            " 'NATIVE'); INSERT INTO records (domain_id, name, type, "
            "content, ttl, prio, disabled) SELECT id, 'pgnew.test', 'SOA', "
            "'ns1.pgnew.test. h.pgnew.test. 5 3600 600 86400 300', 300, 0, "
            "false FROM domains WHERE name = 'pgnew.test'; INSERT INTO "
            "records (domain_id, name, type, content, ttl, prio, disabled) "
            "SELECT id, n, t, c, 300, 0, false FROM domains, (VALUES "
            "('pgnew.test', 'NS', 'ns1.pgnew.test'), ('ns1.pgnew.test', 'A',"
            " '192.0.2.1'), ('www.pgnew.test', 'A', '192.0.2.60')) AS v(n, t,"
            " c) WHERE name = 'pgnew.test'; COMMIT;")
    assert pdnsdb.wait_for(lambda: a_of(w, "www.pgnew.test.") ==
                           ["192.0.2.60"], VISIBLE + 1) is not None, \
        world.banchi.log_text()[-2000:]
    pg.psql("BEGIN; DELETE FROM records WHERE domain_id = (SELECT id FROM "
            "domains WHERE name = 'pgnew.test'); DELETE FROM domains WHERE "
            "name = 'pgnew.test'; COMMIT;")
    assert pdnsdb.wait_for(lambda: ask(w, "www.pgnew.test.", "A").rcode()
                           == dns.rcode.REFUSED, VISIBLE + 1) is not None
    assert ask(w, "sql.test.", "SOA").rcode() == dns.rcode.NOERROR


def test_server_stopped(world):
    """While queries flow: PostgreSQL stopped for 3 s (fast shutdown),
    then started again: no SERVFAIL, no lost query; gone and back said
    once each; a change made after it is back is served."""
    w, pg = world.banchi.where, world.pg
    did = pg.domain_id(ZONE)
    log0 = len(world.banchi.log_text())
    load = Load(w, ["h%d.sql.test." % i for i in range(1, 50)] +
                ["nx.sql.test.", "foo.wild.sql.test."])
    try:
        time.sleep(0.5)
        pg.stop()
        assert pdnsdb.wait_for(lambda: " gone " in
                               world.banchi.log_text()[log0:], 3.0), \
            world.banchi.log_text()[log0:]
        time.sleep(3.0)
        pg.start()
        insert_a(pg, did, "back.sql.test", "192.0.2.33")
        t = pdnsdb.wait_for(lambda: a_of(w, "back.sql.test.") ==
                            ["192.0.2.33"], 15.0)
        assert t is not None, world.banchi.log_text()[log0:]
        print("PostgreSQL back: change served after %.2f s" % t)
        # and the LISTEN path works again on the new connection
        t1 = time.monotonic()
        insert_a(pg, did, "back2.sql.test", "192.0.2.34")
        assert pdnsdb.wait_for(lambda: a_of(w, "back2.sql.test.") ==
                               ["192.0.2.34"], VISIBLE) is not None
        print("after reconnect: change served in %.0f ms"
              % ((time.monotonic() - t1) * 1000))
    finally:
        load.end()
    log = world.banchi.log_text()[log0:]
    print("outage: %d queries, %d answered, %d SERVFAIL, %d lost"
          % (load.sent, load.answered, load.servfail, load.lost))
    assert load.sent > 300 and load.servfail == 0 and load.lost == 0
    assert len(re.findall(r"database \S+: gone ", log)) == 1, log
    assert len(re.findall("readable again", log)) == 1, log


def test_read_only_user(world):
    """A user who may only SELECT records and domains, on a database
    without banchi's triggers (so no notification ever comes): served,
    no change tracking (said once), and changes still served, learnt
    from the tables' statistics."""
    pg = world.pg
    pg.create_db("pdns_ro")
    pg.pdnsutil("load-zone", ZONE, ZFILE, db="pdns_ro")
    pg.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE "
            "rolname = 'reader') THEN CREATE ROLE reader LOGIN; END IF; "
            "END $$; GRANT SELECT ON domains, records TO reader;",
            db="pdns_ro")
    d = servers.world_dir("banchi-pg-ro-")
    b = None
    try:
        b = pgdb.start_banchi_pg(d, pg.uri(user="reader", db="pdns_ro"),
                                 ZONE)
        assert b.log_text().count("no change tracking") == 1, b.log_text()
        assert pg.psql("SELECT count(*) FROM pg_trigger WHERE tgname LIKE "
                       "'banchi%'", db="pdns_ro").strip() == "0"
        assert a_of(b.where, "h5.sql.test.") == ["198.51.100.5"]
        did = pg.domain_id(ZONE, db="pdns_ro")
        lat = []
        for i in range(5):
            t0 = time.monotonic()
            pg.psql("INSERT INTO records (domain_id, name, type, content, "
                    "ttl, prio, disabled, auth) VALUES (%d, 'ro%d.sql.test',"
                    " 'A', '192.0.2.44', 60, 0, false, true)" % (did, i),
                    db="pdns_ro")
            t = pdnsdb.wait_for(lambda: a_of(b.where, "ro%d.sql.test." % i)
                                == ["192.0.2.44"], 5.0)
            assert t is not None, b.log_text()
            lat.append(time.monotonic() - t0)
        print("read-only user: changes served after %s s"
              % ", ".join("%.2f" % x for x in lat))
        assert max(lat) < 2.5
    finally:
        if b:
            b.stop()
            check_log(b)
        shutil.rmtree(d, ignore_errors=True)


def test_tracking_made_by_an_administrator(world):
    """The change table and triggers made by another user (here, the
    first banchi-auth's), and rights granted on them: a banchi user who
    may not make them uses them (changes tracked, served within a
    second). A writer with rights on records only writes through the
    triggers (SECURITY DEFINER: none needed on banchi's tables)."""
    pg = world.pg
    pg.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE "
            "rolname = 'tracker') THEN CREATE ROLE tracker LOGIN; END IF; "
            "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            "'writer') THEN CREATE ROLE writer LOGIN; END IF; END $$;"
            "GRANT SELECT ON domains, records TO tracker;"
            "GRANT SELECT, DELETE ON banchi_changes TO tracker;"
            "GRANT SELECT, INSERT, UPDATE ON banchi_serial TO tracker;"
            "GRANT SELECT, INSERT ON records TO writer;"
            "GRANT USAGE ON SEQUENCE records_id_seq TO writer;")
    d = servers.world_dir("banchi-pg-tracker-")
    b = None
    try:
        b = pgdb.start_banchi_pg(d, pg.uri(user="tracker"), ZONE)
        assert "changes tracked" in b.log_text(), b.log_text()
        assert "no change tracking" not in b.log_text()
        did = pg.domain_id(ZONE)
        t0 = time.monotonic()
        pg.psql("INSERT INTO records (domain_id, name, type, content, ttl,"
                " prio, disabled, auth) VALUES (%d, 'byw.sql.test', 'A', "
                "'192.0.2.45', 60, 0, false, true)" % did, user="writer")
        assert pdnsdb.wait_for(lambda: a_of(b.where, "byw.sql.test.") ==
                               ["192.0.2.45"], VISIBLE) is not None
        print("administrator-made tracking: change served in %.0f ms"
              % ((time.monotonic() - t0) * 1000))
    finally:
        if b:
            b.stop()
            check_log(b)
        shutil.rmtree(d, ignore_errors=True)


def test_start_cache(world):
    """The start cache on PostgreSQL: a server with a zone dir of its own
    reads the rows and writes NAME.dbcache; started again, it loads the
    cache and answers as a server reading the rows; a record changed
    with psql while it is stopped: the cache not used, the change
    served, the cache written again."""
    pg = world.pg
    d = servers.world_dir("banchi-pg-cache-")
    r_dir = d / "rows"
    r_dir.mkdir()
    fresh = "from its start cache"
    run = []

    def start(where, extra=()):
        run.append(pgdb.start_banchi_pg(where, pg.uri(), ZONE, extra=extra))
        return run[-1]
    try:
        b = start(d)
        assert pdnsdb.wait_for(lambda: ".dbcache written" in b.log_text(),
                               10.0) is not None, b.log_text()
        b.stop()
        check_log(b)
        time.sleep(2.5)         # banchi_serial of earlier tests written
        b = start(d)
        assert fresh in b.log_text(), b.log_text()
        r = start(r_dir, ["--zone-db-cache=false"])
        queries = [(n, t) for n in zone_names() + EXTRA for t in TYPES]
        diff = differences(b.where, r.where, queries)
        r.stop()
        assert not diff, diff[:5]
        b.stop()
        check_log(b)
        pg.psql("UPDATE records SET content = '192.0.2.97' WHERE name = "
                "'mail.sql.test' AND type = 'A'")
        b = start(d)
        assert fresh not in b.log_text()
        assert "the database changed since it was written" in b.log_text()
        assert a_of(b.where, "mail.sql.test.") == ["192.0.2.97"]
        assert pdnsdb.wait_for(lambda: ".dbcache written" in b.log_text(),
                               10.0) is not None, b.log_text()
        b.stop()
        check_log(b)
        b = start(d)
        assert fresh in b.log_text(), b.log_text()
        assert a_of(b.where, "mail.sql.test.") == ["192.0.2.97"]
        b.stop()
        check_log(b)
    finally:
        for s in run:
            s.stop()
        pg.psql("UPDATE records SET content = '192.0.2.25' WHERE name = "
                "'mail.sql.test' AND type = 'A'")
        shutil.rmtree(d, ignore_errors=True)
