"""The start cache of database zones (NAME.dbcache in --zone-dir).

A start from the rows writes the cache; the next start, the database
unchanged, loads it instead of the rows and answers exactly as a server
reading the rows (thousands of queries compared). A record changed with
sqlite3 while banchi-auth was stopped: the cache is not used, the change
served, the cache written again. A truncated, altered or headless cache:
said in the log, the rows read, the zone served right. Writes made while
the triggers were dropped: the cache is not used. After a start from the
cache, UPDATE write-through and IXFR go on as after a start from the
rows. --zone-db-cache=false: no cache."""

import shutil
import time
from pathlib import Path

import dns.query
import dns.rcode
import pytest

import pdnsdb
import servers
from conftest import check_log
from test_sqlupdate import rows, update
from test_sqlzones import (EXTRA, TYPES, ZFILE, ZONE, a_of, differences,
                           serial, zone_names)

pytestmark = [pytest.mark.banchi_only,
              pytest.mark.skipif(not pdnsdb.available(),
                                 reason="PowerDNS with gsqlite3 missing")]

FROM_CACHE = "from its start cache"
FROM_ROWS = "loaded %s records from the database"


@pytest.fixture(autouse=True)
def reap():
    before = len(pdnsdb.STARTED)
    yield
    for s in pdnsdb.STARTED[before:]:
        s.stop(timeout=10)
    del pdnsdb.STARTED[before:]


@pytest.fixture
def lab():
    d = servers.world_dir("banchi-sqlcache-")
    db = pdnsdb.PdnsDb(d)
    db.load_zone(ZONE, ZFILE)
    try:
        yield Path(d), db
    finally:
        shutil.rmtree(d, ignore_errors=True)


def cache_path(d):
    return d / "zone-dir" / ("%s.dbcache" % ZONE)


def written(b, limit=10.0):
    """Waits for the log line of the cache written."""
    assert pdnsdb.wait_for(lambda: ".dbcache written" in b.log_text(),
                           limit) is not None, b.log_text()


def start(d, db, extra=(), **kw):
    return pdnsdb.start_banchi_db(d, db, ZONE, extra=extra, **kw)


def stop(b):
    b.stop(timeout=10)
    check_log(b)


def first_line(d):
    with open(cache_path(d)) as f:
        return f.readline()


def primed(d, db, extra=()):
    """A first start from the rows, its cache written, stopped."""
    b = start(d, db, extra)
    assert FROM_CACHE not in b.log_text()
    written(b)
    stop(b)
    assert first_line(d).startswith("; banchi-dbcache 1 key=")


@pytest.mark.slow
def test_same_answers_from_cache(lab):
    d, db = lab
    primed(d, db)
    b = start(d, db)
    assert FROM_CACHE in b.log_text(), b.log_text()
    rows_dir = d / "rows-dir"
    (d / "rows").mkdir()
    r = start(d / "rows", db, ["--zone-db-cache=false"], zone_dir=rows_dir)
    assert "start cache" not in r.log_text()
    queries = [(n, t) for n in zone_names() + EXTRA for t in TYPES]
    assert len(queries) > 4000
    diff = differences(b.where, r.where, queries)
    assert not diff, diff[:5]
    stop(r)
    stop(b)
    assert not list(rows_dir.glob("*.dbcache"))


def test_change_while_stopped(lab):
    d, db = lab
    primed(d, db)
    key = first_line(d)
    db.cli("UPDATE records SET content = '192.0.2.99' WHERE name = "
           "'mail.sql.test' AND type = 'A';")
    b = start(d, db)
    log = b.log_text()
    assert FROM_CACHE not in log
    assert "the database changed since it was written" in log, log
    assert a_of(b.where, "mail.sql.test.") == ["192.0.2.99"]
    written(b)
    stop(b)
    assert first_line(d) != key
    # written again: the next start uses it, with the change
    b = start(d, db)
    assert FROM_CACHE in b.log_text(), b.log_text()
    assert a_of(b.where, "mail.sql.test.") == ["192.0.2.99"]
    stop(b)


def damage_cases(path):
    """Ways to spoil a cache file, each with what the log says."""
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    half = "".join(lines[:len(lines) // 2])
    moved = text.replace("192.0.2.", "198.51.100.", 1)
    assert moved != text
    return [
        ("".join(lines[:-3]), "damaged"),                       # whole lines
        (text[:len(text) // 2 + 7], "not used"),                # mid-line
        (half.replace(half.split("\n")[0], "; hello"), "not a start cache"),
        (moved, "damaged"),                                     # one value
        ("", "not a start cache"),
    ]


def test_damaged_cache(lab):
    d, db = lab
    primed(d, db)
    good = cache_path(d).read_text()
    b = start(d, db)
    want = a_of(b.where, "mail.sql.test.")
    stop(b)
    for text, said in damage_cases(cache_path(d)):
        cache_path(d).write_text(text)
        b = start(d, db)
        log = b.log_text()
        assert FROM_CACHE not in log and said in log, (said, log)
        assert "reading the rows" in log
        assert a_of(b.where, "mail.sql.test.") == want
        assert serial(b.where) > 0
        written(b)
        stop(b)
        assert cache_path(d).read_text() == good
    b = start(d, db)
    assert FROM_CACHE in b.log_text()
    stop(b)


def test_untracked_writes_not_trusted(lab):
    """Rows changed while the triggers were dropped leave max(id) as it
    was: the cache is not used, since the tracking was not there when
    the start began."""
    d, db = lab
    primed(d, db)
    db.cli("DROP TRIGGER banchi_records_update;"
           "UPDATE records SET content = '192.0.2.98' WHERE name = "
           "'mail.sql.test' AND type = 'A';")
    b = start(d, db)
    log = b.log_text()
    assert FROM_CACHE not in log
    assert "tracking was not in the database before this start" in log
    assert a_of(b.where, "mail.sql.test.") == ["192.0.2.98"]
    stop(b)


def test_update_and_ixfr_after_start_from_cache(lab):
    d, db = lab
    extra = ["--allow-update", "%s=127.0.0.1" % ZONE,
             "--allow-transfer", "%s=127.0.0.1" % ZONE]
    b = start(d, db, extra)
    written(b)
    s0 = serial(b.where)
    r = update(b.where, ("add", "dyn", 300, "A", "192.0.2.77"))
    assert r.rcode() == dns.rcode.NOERROR
    assert serial(b.where) == s0 + 1
    time.sleep(0.5)             # the watcher reads its own rows
    stop(b)                     # the cache written at stop
    assert ".dbcache written" in b.log_text().split("exiting")[-1], \
        b.log_text()
    b = start(d, db, extra)
    assert FROM_CACHE in b.log_text(), b.log_text()
    assert serial(b.where) == s0 + 1
    assert a_of(b.where, "dyn.%s." % ZONE) == ["192.0.2.77"]
    x = dns.query.xfr(b.where[0], ZONE, rdtype="IXFR", serial=s0,
                      port=b.where[1], timeout=5, relativize=False)
    assert "dyn.sql.test. 300 IN A 192.0.2.77" in \
        " ".join(m.to_text() for m in x)
    r = update(b.where, ("add", "dyn2", 300, "A", "192.0.2.78"))
    assert r.rcode() == dns.rcode.NOERROR
    assert serial(b.where) == s0 + 2
    assert rows(db, "dyn2." + ZONE, "A") == ["192.0.2.78"]
    x = dns.query.xfr(b.where[0], ZONE, rdtype="IXFR", serial=s0 + 1,
                      port=b.where[1], timeout=5, relativize=False)
    assert "dyn2.sql.test. 300 IN A 192.0.2.78" in \
        " ".join(m.to_text() for m in x)
    stop(b)


def test_no_cache_when_off(lab):
    d, db = lab
    b = start(d, db, ["--zone-db-cache=false"])
    time.sleep(0.5)
    stop(b)
    assert "start cache" not in b.log_text()
    assert not cache_path(d).exists()
