"""banchi-auth serving a PowerDNS database (--zone-db sqlite:PATH).

The database is made by PowerDNS's own tools (pdnsutil load-zone and
rectify-zone of zones/sql.test.zone, many types). banchi-auth's answers
must equal pdns_server's on the same database (thousands of queries over
every name and type, NXDOMAIN, NODATA, wildcard, delegation, CNAME
chains), and equal banchi-auth's own from the zone file. Changes made with
the sqlite3 tool and with pdnsutil must be served within a second, with
the SOA serial raised; a Knot secondary must follow one by IXFR. While
queries flow, the database locked by another process, then removed,
then replaced by garbage: no SERVFAIL, no lost query, changes served once
it is back. Bad rows are logged by table, row id and reason and left
out; rows that make no valid zone keep the last good version (or keep
the zone out at start, served once they are fixed). PowerDNS keeps
answering from the database with banchi's triggers in it."""

import re
import shutil
import signal
import statistics
import subprocess
import threading
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

import pdnsdb
import servers
from conftest import check_log

pytestmark = [pytest.mark.banchi_only,
              pytest.mark.skipif(not pdnsdb.available(),
                                 reason="PowerDNS with gsqlite3 missing")]

ZONE = "sql.test"
ZFILE = Path(__file__).resolve().parent / "zones" / "sql.test.zone"
TYPES = ("A AAAA MX TXT NS SOA CNAME SRV CAA PTR HINFO DS SSHFP TLSA NAPTR "
         "LOC RP SVCB HTTPS AFSDB CERT DHCID KX MINFO URI OPENPGPKEY "
         "SMIMEA ANY").split()
# names the zone does not hold, under each kind of node
EXTRA = ["nx.sql.test.", "x.www.sql.test.", "foo.wild.sql.test.",
         "a.b.wild.sql.test.", "wild.sql.test.", "x.sub.sql.test.",
         "ns.sub.sql.test.", "deep.sql.test.", "b.deep.sql.test.",
         "x.out.sql.test.", "x.h1.sql.test.", "SQL.Test.", "H7.sql.test."]
VISIBLE = 1.0           # seconds from a commit to the answer showing it


def zone_names():
    """Every owner of the zone, as banchi-check reads the file."""
    bc = servers.ROOT / "build" / "banchi-check"
    if not bc.exists():
        bc = Path(str(servers.banchi_binary()).replace("banchi-auth",
                                                       "banchi-check"))
    out = subprocess.run([str(bc), "zone", "-p", ZONE, str(ZFILE)],
                         capture_output=True, text=True, check=True,
                         timeout=60).stdout
    return sorted({ln.split()[0] for ln in out.splitlines() if ln.strip()})


def ask(where, name, rtype, timeout=2.0):
    q = dns.message.make_query(name, rtype, use_edns=0, payload=4096)
    q.flags &= ~dns.flags.RD
    return servers.send(where, q, timeout=timeout)


def rrsets(msg, section):
    return {(str(rr.name).lower(), dns.rdatatype.to_text(rr.rdtype), rr.ttl,
             rd.to_text()) for rr in getattr(msg, section) for rd in rr}


def summary(msg):
    return (dns.rcode.to_text(msg.rcode()), bool(msg.flags & dns.flags.AA),
            bool(msg.flags & dns.flags.TC), rrsets(msg, "answer"),
            rrsets(msg, "authority"), rrsets(msg, "additional"))


def differences(a, b, queries):
    """(query, answer a, answer b) wherever the summaries differ."""
    out = []
    for name, rtype in queries:
        x, y = summary(ask(a, name, rtype)), summary(ask(b, name, rtype))
        if x != y:
            out.append(((name, rtype), x, y))
    return out


def serial(where):
    return ask(where, ZONE, "SOA").answer[0][0].serial


def a_of(where, name):
    r = ask(where, name, "A", timeout=1.0)
    return sorted(rd.address for rr in r.answer for rd in rr
                  if rr.rdtype == dns.rdatatype.A)


class World:
    pass


@pytest.fixture(autouse=True)
def reap():
    """Every server a test starts is stopped at its end, passed or not
    (the module's own, started before, stay)."""
    before = len(pdnsdb.STARTED)
    yield
    for s in pdnsdb.STARTED[before:]:
        s.stop(timeout=5)
    del pdnsdb.STARTED[before:]


@pytest.fixture(scope="module")
def world():
    w = World()
    w.dir = servers.world_dir("banchi-sql-")
    w.db = pdnsdb.PdnsDb(w.dir)
    w.db.load_zone(ZONE, ZFILE)
    w.pdns = pdnsdb.start_pdns(w.dir, w.db)
    servers.wait_answering(w.pdns.where, ZONE, w.pdns.proc)
    w.banchi = pdnsdb.start_banchi_db(w.dir, w.db, ZONE)
    try:
        yield w
    finally:
        w.banchi.stop()
        w.pdns.stop()
        check_log(w.banchi)
        shutil.rmtree(w.dir, ignore_errors=True)


@pytest.mark.slow
def test_answers_equal_pdns_server(world):
    """Every name of the zone with every type, and names it does not
    hold: banchi-auth and pdns_server answer alike from one database
    (rcode, AA, TC, and every section). ANY is the one known difference
    (doc/differences.md): over UDP PowerDNS sets TC to send the client
    to TCP (its any-to-tcp), banchi-auth gives one RRset (RFC 8482)."""
    queries = [(n, t) for n in zone_names() + EXTRA for t in TYPES
               if t != "ANY"]
    assert len(queries) > 4000
    diff = differences(world.pdns.where, world.banchi.where, queries)
    print("pdns_server differential: %d queries, %d differences"
          % (len(queries), len(diff)))
    assert not diff, diff[:5]
    assert "left out" not in world.banchi.log_text()
    p, b = (ask(x, "sql.test.", "ANY") for x in (world.pdns.where,
                                                 world.banchi.where))
    assert p.flags & dns.flags.TC and not p.answer
    assert not b.flags & dns.flags.TC and len(b.answer) == 1


@pytest.mark.slow
def test_answers_equal_file(world):
    """The same zone served from its file by another banchi-auth: the
    same answers, but for the KX target, which pdnsutil load-zone stores
    as it is written in the file ('mail': relative) and PowerDNS, like
    banchi, reads as absolute ('mail.')."""
    d = servers.world_dir("banchi-sql-file-")
    try:
        f = pdnsdb.started(servers.start_banchi(
            d, [(ZONE, servers.copy_zone(ZFILE, d))]))
        queries = [(n, t) for n in zone_names() + EXTRA for t in TYPES]
        diff = differences(f.where, world.banchi.where, queries)
        f.stop()
        check_log(f)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    assert diff and {q for q, _, _ in diff} == {("kx.sql.test.", "KX"),
                                                ("kx.sql.test.", "ANY")}
    (_, x, y), = [e for e in diff if e[0][1] == "KX"]
    assert ("kx.sql.test.", "KX", 3600, "10 mail.sql.test.") in x[3]
    assert ("kx.sql.test.", "KX", 3600, "10 mail.") in y[3]


def test_pdns_server_with_triggers(world):
    """banchi's change table and triggers are in the database; PowerDNS
    reads it as before, and its writes (pdnsutil) go through them."""
    tables = {r[0] for r in world.db.sql(
        "SELECT name FROM sqlite_master WHERE name LIKE 'banchi%'")}
    assert {"banchi_changes", "banchi_serial", "banchi_records_insert",
            "banchi_records_update", "banchi_records_delete"} <= tables
    world.db.pdnsutil("add-record", ZONE, "viapdns", "A", "300",
                      "192.0.2.201")
    assert pdnsdb.wait_for(
        lambda: a_of(world.pdns.where, "viapdns.sql.test.") == [
            "192.0.2.201"], 5.0) is not None
    # banchi too, before the next test counts serials (it sees the
    # change up to 150 ms after PowerDNS, which reads the rows at once)
    assert pdnsdb.wait_for(
        lambda: a_of(world.banchi.where, "viapdns.sql.test.") == [
            "192.0.2.201"], 5.0) is not None


def change_latency(world, name, address):
    """Inserts an A record with the sqlite3 tool; seconds until
    banchi-auth answers it."""
    did = world.db.domain_id(ZONE)
    t0 = time.monotonic()
    world.db.cli("INSERT INTO records (domain_id, name, type, content, ttl, "
                 "prio, disabled, auth) VALUES (%d, '%s', 'A', '%s', 60, 0, "
                 "0, 1);" % (did, name, address))
    end = t0 + 5.0
    while time.monotonic() < end:
        if a_of(world.banchi.where, name + ".") == [address]:
            return time.monotonic() - t0
        time.sleep(0.005)
    return None


def test_changes_visible_within_a_second(world):
    """Rows inserted, updated and deleted with the sqlite3 tool: served
    within a second each, the serial one higher each time (PowerDNS's
    tools did not raise it)."""
    before = serial(world.banchi.where)
    lat = [change_latency(world, "lat%d.sql.test" % i, "192.0.2.%d" % i)
           for i in range(1, 21)]
    assert None not in lat, lat
    lat.sort()
    print("change to visible (sqlite3 INSERT): median %.0f ms, max %.0f ms"
          % (statistics.median(lat) * 1000, lat[-1] * 1000))
    assert lat[-1] < VISIBLE
    assert serial(world.banchi.where) == before + 20
    world.db.cli("UPDATE records SET content = '192.0.2.99' WHERE name = "
                 "'lat1.sql.test';")
    assert pdnsdb.wait_for(lambda: a_of(world.banchi.where, "lat1.sql.test.")
                           == ["192.0.2.99"], VISIBLE) is not None
    world.db.cli("DELETE FROM records WHERE name LIKE 'lat%';")
    assert pdnsdb.wait_for(lambda: ask(world.banchi.where, "lat2.sql.test.",
                                       "A").rcode() == dns.rcode.NXDOMAIN,
                           VISIBLE) is not None
    # rows of a disabled record leave; enabled again, they come back
    world.db.cli("UPDATE records SET disabled = 1 WHERE name = "
                 "'h5.sql.test' AND type = 'A';")
    assert pdnsdb.wait_for(lambda: a_of(world.banchi.where, "h5.sql.test.")
                           == [], VISIBLE) is not None
    world.db.cli("UPDATE records SET disabled = 0 WHERE name = "
                 "'h5.sql.test' AND type = 'A';")
    assert pdnsdb.wait_for(lambda: a_of(world.banchi.where, "h5.sql.test.")
                           == ["198.51.100.5"], VISIBLE) is not None


def test_pdnsutil_changes(world):
    """pdnsutil add-record, replace-rrset, delete-rrset and
    increase-serial, each served within a second."""
    w, db = world.banchi.where, world.db
    t0 = time.monotonic()
    db.pdnsutil("add-record", ZONE, "pu", "A", "300", "192.0.2.150")
    assert pdnsdb.wait_for(lambda: a_of(w, "pu.sql.test.") ==
                           ["192.0.2.150"], 3.0) is not None
    assert time.monotonic() - t0 < VISIBLE + 0.5   # pdnsutil's own start
    db.pdnsutil("replace-rrset", ZONE, "pu", "A", "300", "192.0.2.151",
                "192.0.2.152")
    assert pdnsdb.wait_for(lambda: a_of(w, "pu.sql.test.") ==
                           ["192.0.2.151", "192.0.2.152"], VISIBLE)
    db.pdnsutil("delete-rrset", ZONE, "pu", "A")
    assert pdnsdb.wait_for(lambda: a_of(w, "pu.sql.test.") == [], VISIBLE)
    # a database serial after the one served is taken as it is
    s = serial(w)
    db.cli("UPDATE records SET content = 'ns1.sql.test hostmaster.sql.test "
           "%d 7200 1800 1209600 300' WHERE type = 'SOA';" % (s + 100))
    assert pdnsdb.wait_for(lambda: serial(w) == s + 100, VISIBLE)
    # a reload keeps the database's zones as served, changes and all
    world.banchi.signal(signal.SIGHUP)
    assert pdnsdb.wait_for(lambda: world.banchi.log_text().count(
        "reload: SIGHUP received") == 1 and "reload: " in
        world.banchi.log_text().split("SIGHUP received")[-1], 3.0)
    assert serial(w) == s + 100 and a_of(w, "h5.sql.test.") == [
        "198.51.100.5"]
    db.pdnsutil("add-record", ZONE, "afterhup", "A", "300", "192.0.2.160")
    assert pdnsdb.wait_for(lambda: a_of(w, "afterhup.sql.test.") ==
                           ["192.0.2.160"], 3.0)


def knot_conf(d, port, primary):
    return "\n".join([
        "server:", "  listen: 127.0.0.1@%d" % port, "  rundir: %s" % d,
        "  user: root", "log:", "  - target: stderr", "    any: info",
        "remote:", "  - id: primary", "    address: %s@%d" % primary,
        "acl:", "  - id: notify", "    address: 127.0.0.0/8",
        "    action: notify",
        "database:", "  storage: %s" % d,
        "template:", "  - id: default", "    storage: %s" % d,
        "    zonefile-sync: -1", "    journal-content: changes",
        "    semantic-checks: off",
        "zone:", "  - domain: %s" % ZONE, "    master: primary",
        "    acl: [notify]"]) + "\n"


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("knotd"), reason="no knotd")
def test_knot_follows_by_ixfr():
    """A Knot secondary of the database zone: a row changed with the
    sqlite3 tool reaches it by NOTIFY and IXFR (banchi's log says so)."""
    d = servers.world_dir("banchi-sql-knot-")
    kd = Path(d) / "knot"
    kd.mkdir()
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    kport = servers.free_port()
    b = pdnsdb.start_banchi_db(d, db, ZONE, extra=[
        "--allow-transfer", "%s=127.0.0.0/8" % ZONE,
        "--notify", "%s=127.0.0.1:%d" % (ZONE, kport)])
    (kd / "knot.conf").write_text(knot_conf(kd, kport, b.where))
    k = pdnsdb.started(servers.Server("knot", ["knotd", "-c",
                                               str(kd / "knot.conf")],
                                      ("127.0.0.1", kport), kd, ZONE,
                                      wait=False))
    try:
        s0 = serial(b.where)
        assert pdnsdb.wait_for(lambda: serial(k.where) == s0, 20.0), \
            k.log_text()[-2000:]
        db.cli("INSERT INTO records (domain_id, name, type, content, ttl, "
               "prio, disabled) VALUES (%d, 'knot.sql.test', 'A', "
               "'192.0.2.222', 60, 0, 0);" % db.domain_id(ZONE))
        assert pdnsdb.wait_for(lambda: a_of(k.where, "knot.sql.test.") ==
                               ["192.0.2.222"], 10.0), k.log_text()[-2000:]
        assert serial(k.where) == s0 + 1
        assert re.search(r"IXFR from %d to %d" % (s0, s0 + 1),
                         b.log_text()), b.log_text()[-2000:]
    finally:
        k.stop()
        b.stop()
        check_log(b)
        shutil.rmtree(d, ignore_errors=True)


class Load:
    """Queries in a loop from a thread: counts of answers, SERVFAILs and
    queries lost (no answer within a second, once retried)."""

    def __init__(self, where, names):
        self.where, self.names = where, names
        self.sent = self.answered = self.servfail = self.lost = 0
        self.stop = False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        i = 0
        while not self.stop:
            name = self.names[i % len(self.names)]
            i += 1
            self.sent += 1
            try:
                r = ask(self.where, name, "A", timeout=1.0)
            except Exception:
                self.lost += 1
                continue
            self.answered += 1
            if r.rcode() == dns.rcode.SERVFAIL:
                self.servfail += 1
            time.sleep(0.002)

    def end(self):
        self.stop = True
        self.t.join(10)


@pytest.fixture
def rollback_db():
    """A database of its own in SQLite's rollback-journal mode (PowerDNS
    makes its files WAL, where a writer never blocks a reader: there a
    lock held by another client goes unnoticed), and banchi-auth on it."""
    d = servers.world_dir("banchi-sql-outage-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    assert db.cli("PRAGMA journal_mode=DELETE;").strip() == "delete"
    b = pdnsdb.start_banchi_db(d, db, ZONE)
    try:
        yield db, b
    finally:
        b.stop()
        check_log(b)
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.slow
def test_outage(rollback_db):
    """While queries flow: the database locked by a sqlite3 process in
    an exclusive transaction for 3 s, then removed for 3 s, then replaced
    by a file that is no database: every query answered, none SERVFAIL;
    each state logged once; the changes made meanwhile served after."""
    db, b = rollback_db
    w = b.where
    did = db.domain_id(ZONE)
    load = Load(w, ["h%d.sql.test." % i for i in range(1, 50)] +
                ["nx.sql.test.", "foo.wild.sql.test."])
    try:
        # locked: an exclusive transaction held by another process
        locker = subprocess.Popen(["sqlite3", str(db.path)],
                                  stdin=subprocess.PIPE, text=True)
        locker.stdin.write("BEGIN EXCLUSIVE;\nINSERT INTO records (domain_id,"
                           " name, type, content, ttl, prio, disabled) VALUES"
                           " (%d, 'locked.sql.test', 'A', '192.0.2.31', 60, "
                           "0, 0);\n" % did)
        locker.stdin.flush()
        assert pdnsdb.wait_for(lambda: "locked" in b.log_text(), 3.0)
        time.sleep(2.0)
        assert a_of(w, "locked.sql.test.") == []
        locker.stdin.write("COMMIT;\n.quit\n")
        locker.stdin.close()
        locker.wait(10)
        assert pdnsdb.wait_for(lambda: a_of(w, "locked.sql.test.") ==
                               ["192.0.2.31"], 3.0) is not None
        # removed: moved away, changed there, moved back
        moved = db.path.with_suffix(".moved")
        db.path.rename(moved)
        assert pdnsdb.wait_for(lambda: " gone " in b.log_text(), 3.0)
        time.sleep(2.0)
        c = pdnsdb.sqlite3.connect(moved)
        c.execute("INSERT INTO records (domain_id, name, type, content, "
                  "ttl, prio, disabled) VALUES (?, 'moved.sql.test', "
                  "'A', '192.0.2.32', 60, 0, 0)", (did,))
        c.commit()
        c.close()
        # garbage in its place, then the database back
        garbage = db.dir / "garbage"
        garbage.write_bytes(b"this is no database\n" * 100)
        pdnsdb.world_file(garbage)
        garbage.rename(db.path)
        assert pdnsdb.wait_for(lambda: "unusable" in b.log_text(), 12.0)
        time.sleep(2.0)
        moved.rename(db.path)
        assert pdnsdb.wait_for(lambda: a_of(w, "moved.sql.test.") ==
                               ["192.0.2.32"], 12.0) is not None, \
            b.log_text()[-3000:]
        assert pdnsdb.wait_for(lambda: b.log_text().count(
            "readable again") == 2, 2.0)
    finally:
        load.end()
    log = b.log_text()
    print("outage: %d queries, %d answered, %d SERVFAIL, %d lost"
          % (load.sent, load.answered, load.servfail, load.lost))
    assert load.sent > 500 and load.servfail == 0 and load.lost == 0
    for state in ("locked", "gone", "unusable"):
        assert len(re.findall(r"database \S+: %s " % state, log)) == 1, log
    assert len(re.findall("readable again", log)) == 2, log


def test_bad_rows_and_invalid_zone(world):
    """Bad rows: one log line each (table, row id, reason), the rest of
    the zone served. The SOA row removed: the last good version stays
    served; put back: changes served again."""
    w, db = world.banchi.where, world.db
    did = db.domain_id(ZONE)
    db.cli("INSERT INTO records (id, domain_id, name, type, content, ttl, "
           "prio, disabled) VALUES "
           "(90001, %d, 'bad1.sql.test', 'A', '300.1.1.1', 60, 0, 0),"
           "(90002, %d, 'BAD2.sql.test', 'A', '192.0.2.2', 60, 0, 0),"
           "(90003, %d, 'bad3.sql.test', 'BOGUS', 'x', 60, 0, 0),"
           "(90004, %d, 'bad4.sql.test', 'A', NULL, 60, 0, 0),"
           "(90005, %d, 'good.sql.test', 'A', '192.0.2.5', 60, 0, 0);"
           % (did, did, did, did, did))
    assert pdnsdb.wait_for(lambda: a_of(w, "good.sql.test.") ==
                           ["192.0.2.5"], VISIBLE) is not None
    log = world.banchi.log_text()
    for rid, why in ((90001, "content '300.1.1.1'"), (90002, "capital"),
                     (90003, "unknown type 'BOGUS'"),
                     (90004, "content is NULL")):
        assert re.search(r"records row %d: .*%s" % (rid, re.escape(why)),
                         log), log[-3000:]
    soa = db.sql("SELECT content FROM records WHERE type = 'SOA' AND "
                 "domain_id = ?", (did,))[0][0]
    s = serial(w)
    db.cli("DELETE FROM records WHERE type = 'SOA' AND domain_id = %d;"
           "INSERT INTO records (domain_id, name, type, content, ttl, prio,"
           " disabled) VALUES (%d, 'nosoa.sql.test', 'A', '192.0.2.6', 60, "
           "0, 0);" % (did, did))
    assert pdnsdb.wait_for(lambda: "make no valid zone now: the last good "
                           "version is served" in world.banchi.log_text(),
                           3.0) is not None
    assert serial(w) == s and a_of(w, "good.sql.test.") == ["192.0.2.5"]
    assert a_of(w, "nosoa.sql.test.") == []
    db.sql("INSERT INTO records (domain_id, name, type, content, ttl, prio, "
           "disabled) VALUES (?, 'sql.test', 'SOA', ?, 3600, 0, 0)",
           (did, soa))
    assert pdnsdb.wait_for(lambda: a_of(w, "nosoa.sql.test.") ==
                           ["192.0.2.6"], VISIBLE + 1) is not None
    assert serial(w) == s + 1
    db.cli("DELETE FROM records WHERE id BETWEEN 90001 AND 90005;"
           "DELETE FROM records WHERE name = 'nosoa.sql.test';")
    # many bad rows in one read: the first 50 listed, the rest counted
    db.cli("INSERT INTO records (domain_id, name, type, content, ttl, prio,"
           " disabled) VALUES " + ",".join(
               "(%d, 'bulk%d.sql.test', 'A', 'x', 60, 0, 0)" % (did, i)
               for i in range(60)) + ";")
    assert pdnsdb.wait_for(lambda: "10 more bad rows left out (not listed)"
                           in world.banchi.log_text(), 3.0) is not None
    assert world.banchi.log_text().count("bulk") == 50
    db.cli("DELETE FROM records WHERE name LIKE 'bulk%';")


def test_restart_keeps_serial():
    """The serial banchi raised survives a restart (banchi_serial, the
    journal): the same rows give the same serial, rows changed while it
    was down a higher one, and IXFR from before the restart works."""
    d = servers.world_dir("banchi-sql-restart-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    xfr = ["--allow-transfer", "%s=127.0.0.1" % ZONE]
    try:
        b = pdnsdb.start_banchi_db(d, db, ZONE, extra=xfr)
        s0 = serial(b.where)
        db.cli("INSERT INTO records (domain_id, name, type, content, ttl, "
               "prio, disabled) VALUES (%d, 'r1.sql.test', 'A', "
               "'192.0.2.41', 60, 0, 0);" % db.domain_id(ZONE))
        assert pdnsdb.wait_for(lambda: serial(b.where) == s0 + 1, 3.0)
        b.stop()
        check_log(b)
        b = pdnsdb.start_banchi_db(d, db, ZONE, extra=xfr)
        assert serial(b.where) == s0 + 1
        r = dns.query.xfr(b.where[0], ZONE, rdtype="IXFR", serial=s0,
                          port=b.where[1], timeout=5, relativize=False)
        texts = " ".join(m.to_text() for m in r)
        assert "r1.sql.test. 60 IN A 192.0.2.41" in texts
        b.stop()
        check_log(b)
        db.cli("DELETE FROM records WHERE name = 'r1.sql.test';")
        b = pdnsdb.start_banchi_db(d, db, ZONE, extra=xfr)
        assert serial(b.where) == s0 + 2
        assert a_of(b.where, "r1.sql.test.") == []
        b.stop()
        check_log(b)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_control_on_a_database_zone():
    """banchi-ctl: zone-status says the zone comes from the database;
    reload ZONE and zone-flush refuse it (exit 1) with the reason."""
    d = servers.world_dir("banchi-sql-ctl-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    sock = Path(d) / "auth.ctl"
    ctl = [str(servers.banchi_binary().parent / "banchi-ctl"), "-s",
           str(sock)]
    try:
        b = pdnsdb.start_banchi_db(d, db, ZONE,
                                   extra=["--control", str(sock)])
        p = subprocess.run(ctl + ["zone-status", ZONE],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stderr
        assert re.search(r"^source: database$", p.stdout, re.M), p.stdout
        for cmd in ("zone-flush", "reload"):
            p = subprocess.run(ctl + [cmd, ZONE], capture_output=True,
                               text=True, timeout=30)
            assert p.returncode == 1, (cmd, p.stdout)
            assert "served from the database" in p.stderr, p.stderr
        b.stop()
        check_log(b)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_invalid_at_start_then_fixed():
    """A zone whose rows make no zone at start is not served (REFUSED,
    as any zone not served), the others are; fixed, it is served within
    a second. A domain of type SLAVE is not served."""
    d = servers.world_dir("banchi-sql-start-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    db.pdnsutil("create-zone", "broken.test", "ns1.broken.test")
    db.pdnsutil("create-secondary-zone", "sec.test", "192.0.2.1")
    soa = db.sql("SELECT content FROM records WHERE type = 'SOA' AND name ="
                 " 'broken.test'")[0][0]
    db.sql("DELETE FROM records WHERE type = 'SOA' AND name = 'broken.test'")
    try:
        b = pdnsdb.start_banchi_db(d, db, ZONE)
        log = b.log_text()
        assert "zone broken.test.: its rows in the database make no valid " \
               "zone: not served" in log
        assert re.search(r"zone sec.test.: type 'SLAVE' in the database: "
                         "not served", log)
        assert ask(b.where, "broken.test.", "SOA").rcode() == \
            dns.rcode.REFUSED
        db.sql("INSERT INTO records (domain_id, name, type, content, ttl, "
               "prio, disabled) VALUES (?, 'broken.test', 'SOA', ?, 3600, 0,"
               " 0)", (db.domain_id("broken.test"), soa))
        assert pdnsdb.wait_for(lambda: ask(b.where, "broken.test.", "SOA")
                               .rcode() == dns.rcode.NOERROR,
                               VISIBLE + 1), b.log_text()[-3000:]
        b.stop()
        check_log(b)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_clash_with_a_zone_file_refused():
    """The same zone from a file and from the database: refused at
    start, with the reason."""
    d = servers.world_dir("banchi-sql-clash-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    try:
        b = pdnsdb.start_banchi_db(d, db, ZONE, wait=False, extra=[
            "--zone", "%s=%s" % (ZONE, servers.copy_zone(ZFILE, d))])
        assert b.proc.wait(10) == 1
        assert "in the database" in b.log_text() and \
            "serve it from one place" in b.log_text()
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_read_only_database():
    """A database banchi-auth's user cannot write (the triggers made
    while it was root, the file then not its): it says so once and
    follows changes by reading the zone whole when data_version moves."""
    d = servers.world_dir("banchi-sql-ro-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    db.path.chmod(0o644)
    db.dir.chmod(0o755)
    try:
        b = pdnsdb.start_banchi_db(d, db, ZONE)
        db.cli("INSERT INTO records (domain_id, name, type, content, ttl, "
               "prio, disabled) VALUES (%d, 'ro.sql.test', 'A', "
               "'192.0.2.61', 60, 0, 0);" % db.domain_id(ZONE))
        assert pdnsdb.wait_for(lambda: a_of(b.where, "ro.sql.test.") ==
                               ["192.0.2.61"], VISIBLE) is not None
        assert b.log_text().count("read-only") == 1, b.log_text()
        b.stop()
        check_log(b)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_replaced_by_a_copy_without_triggers():
    """The database put back from a copy without banchi's triggers (a
    backup made before banchi-auth ran): it is read again whole, the
    triggers made again, and the changes after it served within a
    second."""
    d = servers.world_dir("banchi-sql-copy-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    copy = Path(d) / "copy.sqlite3"
    shutil.copyfile(db.path, copy)
    pdnsdb.world_file(copy)
    try:
        b = pdnsdb.start_banchi_db(d, db, ZONE)
        assert db.sql("SELECT count(*) FROM sqlite_master WHERE name = "
                      "'banchi_records_insert'") == [(1,)]
        c = pdnsdb.sqlite3.connect(copy)
        c.execute("INSERT INTO records (domain_id, name, type, content, ttl,"
                  " prio, disabled) VALUES (?, 'copy.sql.test', 'A', "
                  "'192.0.2.71', 60, 0, 0)", (db.domain_id(ZONE),))
        c.commit()
        c.close()
        copy.rename(db.path)
        assert pdnsdb.wait_for(lambda: a_of(b.where, "copy.sql.test.") ==
                               ["192.0.2.71"], 5.0) is not None
        assert db.sql("SELECT count(*) FROM sqlite_master WHERE name = "
                      "'banchi_records_insert'") == [(1,)]
        db.cli("UPDATE records SET content = '192.0.2.72' WHERE name = "
               "'copy.sql.test';")
        assert pdnsdb.wait_for(lambda: a_of(b.where, "copy.sql.test.") ==
                               ["192.0.2.72"], VISIBLE) is not None
        assert db.sql("SELECT count(*) FROM banchi_changes WHERE name = "
                      "'copy.sql.test'")[0][0] >= 1
        b.stop()
        check_log(b)
    finally:
        shutil.rmtree(d, ignore_errors=True)
