"""banchi-db (init, import, export, list) and banchi-check on a database
zone.

Every zone file of tests/data/zones and of the shared corpora
(../shared/data/zones, skipped when absent) goes file -> banchi-db import
-> banchi-db export -> file, and the exported zone must hold the same
records as the original (named-compilezone's canonical reading of both,
or banchi-check -p's where BIND does not read the original); a zone the
server refuses is refused by import, with nothing written. The rows
banchi-db writes are compared with those of `pdnsutil load-zone` and
`rectify-zone` on the same file (modulo ids; content compared as RDATA
and as text), pdns_server and banchi-auth serve a banchi-db database
with the same answers, pdnsutil reads it, banchi-check names the row
of a bad record, and the same on PostgreSQL (with the differential)."""

import re
import shutil
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest

import pdnsdb
import pgdb
import servers
from conftest import check_log
from test_sqlzones import EXTRA, TYPES, VISIBLE, ZFILE, ZONE, a_of, \
    differences, serial, zone_names

pytestmark = [pytest.mark.banchi_only]

OWN = servers.ROOT / "tests" / "data" / "zones"
SHARED = servers.SHARED / "zones"
COMPILE = shutil.which("named-compilezone")
LDNS_ORIGINS = {
    "08-zonereader.inputzone": "jelte.nlnetlabs.nl.",
    "08-zonereader.outputzone": "jelte.nlnetlabs.nl.",
    "14-read-zone.db": "miek.nl.",
    "20-sign-zone.db": "jelte.nlnetlabs.nl.",
    "A.1.Simple-EXAMPLE-Zone": "example.",
    "A.2.Complex-EXAMPLE-Zone": "example.",
    "A.3.EXAMPLE-Zone-with-multiple-digests": "example.",
    "A.4.The-URI.ARPA-Zone": "uri.arpa.",
    "A.5.The-ROOT-SERVERS.NET-Zone": "root-servers.net.",
}


def tool(name):
    """banchi-db or banchi-check of the build banchi-auth comes from."""
    return Path(str(servers.banchi_binary()).replace("banchi-auth", name))


def run(argv, cwd=None, timeout=120):
    return subprocess.run([str(a) for a in argv], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def origin_comment(path, default):
    with open(path, "rb") as f:
        m = re.match(rb";\s*origin\s+(\S+)", f.readline())
    return m.group(1).decode() if m else default


def corpus():
    """(id, folder, file name, origin) of every zone file there is."""
    out = [("integration/" + p.name, p.parent, p.name,
            p.name[:-len("zone")]) for p in sorted(ZFILE.parent.glob(
                "*.zone"))]
    for sub in ("", "checks", "refuse"):
        for p in sorted((OWN / sub).glob("*.zone")):
            out.append(("own/" + str(p.relative_to(OWN)), p.parent, p.name,
                        origin_comment(p, "example.")))
    bm = SHARED / "bind-master"
    for p in sorted(bm.glob("*.data")) if bm.is_dir() else []:
        out.append(("bind-master/" + p.name, bm, p.name, "test."))
    ld = SHARED / "ldns"
    for p in sorted(ld.glob("*.tpkg/*")) if ld.is_dir() else []:
        if p.is_file() and p.name in LDNS_ORIGINS:
            out.append(("ldns/" + p.name, p.parent, p.name,
                        LDNS_ORIGINS[p.name]))
    dp = SHARED / "dnspython" / "example"
    if dp.is_file():
        out.append(("dnspython/example", dp.parent, dp.name, "example."))
    sz = SHARED / "simdzone" / "xbounds.zone"
    if sz.is_file():
        out.append(("simdzone/xbounds.zone", sz.parent, sz.name,
                    "xxxxxxxxxxx.xxx."))
    return out


CORPUS = corpus()


def owner_lower(line):
    """PowerDNS keeps owner names in lowercase: their case is lost."""
    owner, _, rest = line.partition(" ")
    return owner.lower() + " " + rest


def served(folder, name, origin):
    """banchi-check -p: the zone as the server loads it (lines, owners
    lowercase), or None when the server refuses it."""
    r = run([tool("banchi-check"), "zone", "-p", "-q", origin, name],
            cwd=folder)
    if r.returncode != 0:
        return None
    return sorted(owner_lower(ln) for ln in r.stdout.splitlines())


def canonical(folder, name, origin):
    """named-compilezone's canonical reading (set of lines, owners
    lowercase), or None."""
    if not COMPILE:
        return None
    r = run([COMPILE, "-q", "-i", "none", "-k", "ignore", "-o", "-",
             origin, name], cwd=folder)
    if r.returncode != 0:
        return None
    return {owner_lower(re.sub(r"\s+", " ", ln.strip()))
            for ln in r.stdout.splitlines()}


def sqlite_db(d):
    """A new database made by banchi-db init (its URI)."""
    uri = "sqlite:%s" % (Path(d) / "db.sqlite3")
    r = run([tool("banchi-db"), "init", uri])
    assert r.returncode == 0, r.stderr
    return uri


# ---------------------------------------------------------------- rows

def pdns_rows(path, origin):
    """The records rows of a SQLite database as PowerDNS means them:
    (name, type, ttl, prio, disabled, ordername, auth, content), the
    content also as RDATA (origin: what a relative name in content
    meant in the file)."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name, type, content, ttl, prio, "
                          "disabled, ordername, auth FROM records").fetchall()
        doms = db.execute("SELECT name, master, last_check, type, "
                          "notified_serial, account, options, catalog "
                          "FROM domains").fetchall()
    db.close()
    return rows, doms


def rdata_of(rtype, content, prio, origin):
    """The content as RDATA (wire), or the text when dnspython cannot
    read it."""
    if rtype is None:
        return None
    text = content
    if rtype in ("MX", "SRV"):
        text = "%s %s" % (prio, content)
    try:
        rd = dns.rdata.from_text(dns.rdataclass.IN,
                                 dns.rdatatype.from_text(rtype), text,
                                 origin=dns.name.from_text(origin),
                                 relativize=False)
        # canonical form (RFC 4034 6.2): duplicates differing in the
        # case of a name are one record to banchi, as to BIND
        return rd.to_digestable()
    except Exception:
        # names absolute with or without their dot, as PowerDNS reads
        return "text:" + " ".join(t[:-1] if len(t) > 1 and t[-1] == "."
                                  else t for t in text.split())


# Where pdnsutil reads a file otherwise than BIND (and banchi): the
# RRsets concerned, or None for every TTL.
KNOWN = {
    "own/26-soa-units.zone": ({("example", "SOA")}, "pdnsutil reads the "
                              "SOA expire '1w2d' as 86400: 777600 is right"),
    "own/27-no-ttl.zone": (None, "no $TTL: pdnsutil gives records without "
                           "a TTL its default-ttl 3600, BIND and banchi the "
                           "SOA's (RFC 1035 semantics, warned)"),
}


def compare_rows(ours, theirs, origin, known=()):
    """What differs between banchi-db's rows and pdnsutil's: a dict of
    counts, and the rows left unexplained on each side (known: RRsets
    left out of the comparison, None: every TTL). Content is RDATA read
    as PowerDNS reads it (names absolute with or without the dot); a row
    of pdnsutil's whose content holds a relative name (pdnsutil keeps
    the text of types it does not rewrite: KX 10 mail) matches when read
    as the file meant it."""
    if known is None:
        ours = [r[:3] + (None,) + r[4:] for r in ours]
        theirs = [r[:3] + (None,) + r[4:] for r in theirs]
    else:
        ours = [r for r in ours if (r[0], r[1]) not in known]
        theirs = [r for r in theirs if (r[0], r[1]) not in known]
    stats = Counter()
    stats["rows"] = len(theirs)
    stats["text_equal"] = sum((Counter(ours) & Counter(theirs)).values())
    # pdnsutil writes each record's own TTL and every duplicate;
    # banchi-db one TTL per RRset (BIND's rule) and each record once
    ttls = {}
    for r in theirs:
        ttls.setdefault((r[0], r[1]), set()).add(r[3])
    mixed = {k for k, v in ttls.items() if len(v) > 1}
    stats["rrsets_mixed_ttl"] = len(mixed)

    def norm(r, where):
        name, rtype, content, ttl, prio, disabled, ordername, auth = r
        return (name, rtype, None if (name, rtype) in mixed else ttl,
                prio, disabled, ordername, auth,
                rdata_of(rtype, content, prio, where))
    a = {norm(r, ".") for r in ours}
    b = set()
    for r in theirs:
        x = norm(r, ".")
        if x not in a and norm(r, origin) in a:
            stats["pdnsutil_relative_name"] += 1
            x = norm(r, origin)
        b.add(x)
    stats["duplicates"] = len(theirs) - len(b)
    return stats, sorted(a - b, key=repr), sorted(b - a, key=repr)


# ---------------------------------------------------------------- tests

@pytest.mark.slow          # the whole corpus: once, not again under ASan
@pytest.mark.parametrize("cid,folder,name,origin", CORPUS,
                         ids=[c[0] for c in CORPUS])
def test_round_trip(cid, folder, name, origin, tmp_path):
    """import then export: the same records as the file (or, for a zone
    the server refuses, import refuses and writes nothing)."""
    uri = sqlite_db(tmp_path)
    want = served(folder, name, origin)
    r = run([tool("banchi-db"), "import", uri, origin, name], cwd=folder)
    if want is None:
        assert r.returncode == 1 and "nothing written" in r.stderr, \
            r.stdout + r.stderr
        lst = run([tool("banchi-db"), "list", uri])
        assert lst.returncode == 0 and lst.stdout == ""
        print("%s: refused by the server and by import" % cid)
        return
    assert r.returncode == 0, r.stderr
    out = tmp_path / "exported.zone"
    e = run([tool("banchi-db"), "export", uri, origin, "-o", out])
    assert e.returncode == 0, e.stderr
    assert e.stderr == ""
    # the exported file read back: the same zone as the original
    back = served(tmp_path, out.name, origin)
    assert back is not None and back == want
    bind_a = canonical(folder, name, origin)
    if bind_a is not None:
        assert canonical(tmp_path, out.name, origin) == bind_a
    # the count list says
    lst = run([tool("banchi-db"), "list", uri]).stdout.split("\t")
    assert lst[0].rstrip(".") == origin.rstrip(".").lower() or \
        origin == "."
    assert int(lst[2]) == len(want)
    print("%s: round trip of %d records%s" % (
        cid, len(want), ", BIND agrees" if bind_a is not None else ""))
    # PowerDNS parses every row banchi-db wrote
    if pdnsdb.available() and origin != ".":
        conf = tmp_path / "pdnsutil"
        conf.mkdir()
        (conf / "pdns.conf").write_text(
            "launch=gsqlite3\ngsqlite3-database=%s\n"
            "security-poll-suffix=\n" % uri[len("sqlite:"):])
        c = run(["pdnsutil", "--config-dir", conf, "check-zone", origin])
        bad = [ln for ln in (c.stdout + c.stderr).splitlines()
               if "Following record had a problem" in ln]
        assert bad == []


@pytest.mark.skipif(not pdnsdb.available(),
                    reason="PowerDNS with gsqlite3 missing")
@pytest.mark.slow          # the whole corpus: once, not again under ASan
@pytest.mark.parametrize("cid,folder,name,origin", CORPUS,
                         ids=[c[0] for c in CORPUS])
def test_rows_as_pdnsutil(cid, folder, name, origin, tmp_path):
    """banchi-db's rows equal pdnsutil load-zone + rectify-zone's on
    the same file, but where pdnsutil writes text banchi-db cannot
    (see compare_rows), with the domains row alike."""
    if served(folder, name, origin) is None or origin == ".":
        pytest.skip("the server refuses this zone")
    zone = tmp_path / "zone"
    zone.mkdir()
    for f in folder.iterdir():      # $INCLUDEs are relative to the folder
        if f.is_file():
            shutil.copy(f, zone / f.name)
    (tmp_path / "pdns").mkdir()
    p = pdnsdb.PdnsDb(tmp_path / "pdns")
    try:
        subprocess.run(["pdnsutil", "--config-dir", str(p.conf),
                        "load-zone", origin, name], cwd=zone, check=True,
                       capture_output=True, timeout=120)
        p.pdnsutil("rectify-zone", origin)
    except (subprocess.CalledProcessError, RuntimeError):
        pytest.skip("pdnsutil load-zone refuses this zone")
    uri = sqlite_db(tmp_path)
    r = run([tool("banchi-db"), "import", uri, origin, name], cwd=zone)
    assert r.returncode == 0, r.stderr
    ours, our_doms = pdns_rows(uri[len("sqlite:"):], origin)
    theirs, their_doms = pdns_rows(p.path, origin)
    assert our_doms == their_doms
    known = KNOWN.get(cid, (set(), ""))[0]
    stats, only_ours, only_theirs = compare_rows(ours, theirs, origin,
                                                 known)
    print("%s: %s" % (cid, dict(stats)))
    assert not only_ours and not only_theirs, (only_ours[:10],
                                               only_theirs[:10])


@pytest.mark.slow
@pytest.mark.skipif(not pdnsdb.available(),
                    reason="PowerDNS with gsqlite3 missing")
def test_pdns_server_serves_it():
    """The differential of test_sqlzones on a database banchi-db made:
    pdns_server and banchi-auth give the same answers (ANY aside:
    RFC 8482, doc/differences.md), and banchi-auth the same as from the
    zone file (no KX exception: banchi-db writes the names absolute,
    where pdnsutil keeps 'mail' as written); pdnsutil reads it."""
    d = servers.world_dir("banchi-dbtool-")
    try:
        db = pdnsdb.PdnsDb(d)           # PowerDNS's own pdnsutil config
        db.path.unlink()
        uri = "sqlite:%s" % db.path
        assert run([tool("banchi-db"), "init", uri]).returncode == 0
        r = run([tool("banchi-db"), "import", uri, ZONE, ZFILE])
        assert r.returncode == 0, r.stderr
        pdnsdb.world_file(db.path)
        chk = db.pdnsutil("check-zone", ZONE)
        assert "0 errors" in chk.stdout + chk.stderr, chk.stdout
        assert "192.0.2.53" in db.pdnsutil("list-zone", ZONE).stdout
        pdns = pdnsdb.start_pdns(d, db)
        pdnsdb.wait_up(pdns, ZONE)
        banchi = pdnsdb.start_banchi_db(d, db, ZONE)
        queries = [(n, t) for n in zone_names() + EXTRA for t in TYPES
                   if t != "ANY"]
        diff = differences(pdns.where, banchi.where, queries)
        print("pdns_server differential on a banchi-db database: %d "
              "queries, %d differences" % (len(queries), len(diff)))
        assert len(queries) > 4000
        assert diff == [], diff[:5]
        f = pdnsdb.started(servers.start_banchi(
            d, [(ZONE, servers.copy_zone(ZFILE, d))]))
        queries = [(n, t) for n in zone_names() + EXTRA for t in TYPES]
        diff = differences(f.where, banchi.where, queries)
        print("banchi-auth from the file and from the database: %d "
              "queries, %d differences" % (len(queries), len(diff)))
        assert diff == [], diff[:5]
        banchi.stop()
        check_log(banchi)
    finally:
        for s in pdnsdb.STARTED:
            s.stop(timeout=5)
        del pdnsdb.STARTED[:]
        shutil.rmtree(d, ignore_errors=True)


def test_check_names_bad_rows(tmp_path):
    """banchi-check zone ORIGIN sqlite:PATH: a bad row and a record the
    checks refuse, each named by its row id; a good zone passes."""
    uri = sqlite_db(tmp_path)
    path = uri[len("sqlite:"):]
    assert run([tool("banchi-db"), "import", uri, ZONE,
                ZFILE]).returncode == 0
    ok = run([tool("banchi-check"), "zone", ZONE, uri])
    assert ok.returncode == 0 and ok.stderr == "", ok.stderr
    # another zone's bad domains row: said, not this zone's fault
    with sqlite3.connect(path) as db:
        other = db.execute("INSERT INTO domains (name, type) VALUES "
                           "('x..y', 'NATIVE')").lastrowid
    db.close()
    ok = run([tool("banchi-check"), "zone", ZONE, uri])
    assert ok.returncode == 0 and "warning: domains row %d: " % other in \
        ok.stderr, ok.stderr
    assert run([tool("banchi-db"), "export", uri, ZONE]).returncode == 0
    # a disabled row: not a record, not in the file, but said
    with sqlite3.connect(path) as db:
        off = db.execute("SELECT id FROM records WHERE name = "
                         "'h7.sql.test' AND type = 'A'").fetchone()[0]
        db.execute("UPDATE records SET disabled = 1 WHERE id = ?", (off,))
    db.close()
    e = run([tool("banchi-db"), "export", uri, ZONE])
    assert e.returncode == 0 and ("records row %d: disabled, not written: "
                                  "h7.sql.test A 198.51.100.7" % off
                                  ) in e.stderr, e.stderr
    assert "A\t198.51.100.7\n" not in e.stdout
    assert "A\t198.51.100.8\n" in e.stdout
    with sqlite3.connect(path) as db:
        dom = db.execute("SELECT id FROM domains").fetchone()[0]
        ins = ("INSERT INTO records (domain_id, name, type, content, ttl, "
               "prio, disabled, auth) VALUES (?, ?, ?, ?, 60, 0, 0, 1)")
        bad = db.execute(ins, (dom, "bad.sql.test", "A",
                               "300.1.1.1")).lastrowid
        cname = db.execute(ins, (dom, "www.sql.test", "A",
                                 "192.0.2.9")).lastrowid
    db.close()
    r = run([tool("banchi-check"), "zone", ZONE, uri])
    assert r.returncode == 1
    assert "%s: records row %d: bad.sql.test. A: content '300.1.1.1'" % (
        uri, bad) in r.stderr, r.stderr
    assert "%s: records row %d: www.sql.test./A: CNAME and other data" % (
        uri, cname) in r.stderr, r.stderr
    # export refuses rows that make no valid zone; list still counts
    e = run([tool("banchi-db"), "export", uri, ZONE])
    assert e.returncode == 1 and "records row %d" % bad in e.stderr
    assert "no valid zone" in e.stderr


def test_refusals(tmp_path):
    """init on a database with the tables, import of a zone there
    (without --replace), a file with an error: refused, nothing
    changed; --replace keeps the domains row and replaces the rows."""
    uri = sqlite_db(tmp_path)
    path = uri[len("sqlite:"):]
    r = run([tool("banchi-db"), "init", uri])
    assert r.returncode == 1 and "already" in r.stderr
    assert run([tool("banchi-db"), "import", uri, ZONE,
                ZFILE]).returncode == 0
    r = run([tool("banchi-db"), "import", uri, ZONE, ZFILE])
    assert r.returncode == 1 and "--replace" in r.stderr
    broken = tmp_path / "broken.zone"
    broken.write_text(ZFILE.read_text() + "oops A 300.1.1.1\n")
    r = run([tool("banchi-db"), "import", uri, ZONE, broken, "--replace"])
    nlines = len(ZFILE.read_text().splitlines())
    assert r.returncode == 1
    assert "%s:%d: " % (broken, nlines + 1) in r.stderr, r.stderr
    with sqlite3.connect(path) as db:
        before = db.execute("SELECT count(*) FROM records").fetchone()
    db.close()
    smaller = tmp_path / "smaller.zone"
    smaller.write_text("\n".join(ln for ln in ZFILE.read_text().split("\n")
                                 if "$GENERATE" not in ln) + "\n")
    r = run([tool("banchi-db"), "import", uri, ZONE, smaller, "--replace"])
    assert r.returncode == 0 and "replaced" in r.stdout, r.stderr
    with sqlite3.connect(path) as db:
        doms = db.execute("SELECT id FROM domains").fetchall()
        after = db.execute("SELECT count(*) FROM records").fetchone()
        gen = db.execute("SELECT count(*) FROM records WHERE name = "
                         "'h7.sql.test'").fetchone()
    db.close()
    assert doms == [(1,)] and after[0] < before[0] and gen == (0,)
    assert run([tool("banchi-db"), "import", "sqlite:%s" % (
        tmp_path / "missing.db"), ZONE, ZFILE]).returncode == 1


def test_usage(tmp_path):
    """--help is the manual; a wrong command line is exit status 2."""
    h = run([tool("banchi-db"), "--help"])
    assert h.returncode == 0 and "SYNOPSIS" in h.stdout
    for argv in ([], ["init"], ["import", "sqlite:x", ZONE],
                 ["export", "sqlite:x", ZONE, "-x"], ["frob", "sqlite:x"]):
        r = run([tool("banchi-db")] + argv)
        assert r.returncode == 2 and "usage:" in r.stderr, argv
    r = run([tool("banchi-db"), "import", "sqlite:%s" % (tmp_path / "x"),
             "bad..origin", ZFILE])
    assert r.returncode == 2 and "bad origin" in r.stderr


@pytest.mark.skipif(not pdnsdb.available(),
                    reason="PowerDNS with gsqlite3 missing")
def test_replace_while_served():
    """import --replace into the database banchi-auth serves: the new
    records are served within the bound, with a serial raised past the
    one served (the file's is the same), through the change tracking."""
    d = servers.world_dir("banchi-dbtool-live-")
    try:
        (d / "db").mkdir()
        uri = sqlite_db(d / "db")
        path = Path(uri[len("sqlite:"):])
        assert run([tool("banchi-db"), "import", uri, ZONE,
                    ZFILE]).returncode == 0
        for p in (path.parent, path):
            p.chmod(0o777 if p.is_dir() else 0o666)
        banchi = pdnsdb.start_banchi_db(d, SimpleNamespace(path=path), ZONE)
        before = serial(banchi.where)
        assert a_of(banchi.where, "h7." + ZONE) == ["198.51.100.7"]
        new = d / "new.zone"
        new.write_text(ZFILE.read_text().replace(
            "$GENERATE 1-150 h$ A 198.51.100.$",
            "$GENERATE 1-150 h$ A 203.0.113.$"))
        r = run([tool("banchi-db"), "import", uri, ZONE, new, "--replace"])
        assert r.returncode == 0 and "replaced" in r.stdout, r.stderr
        took = pdnsdb.wait_for(lambda: a_of(banchi.where, "h7." + ZONE) ==
                               ["203.0.113.7"], VISIBLE)
        assert took is not None, banchi.log_text()[-2000:]
        assert serial(banchi.where) > before
        assert a_of(banchi.where, "h150." + ZONE) == ["203.0.113.150"]
        print("import --replace served after %.3f s" % took)
        banchi.stop()
        check_log(banchi)
    finally:
        for s in pdnsdb.STARTED:
            s.stop(timeout=5)
        del pdnsdb.STARTED[:]
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.skipif(pgdb.missing() is not None, reason=str(pgdb.missing()))
def test_postgresql(tmp_path):
    """PostgreSQL: init on an empty database, import, the rows equal
    pdnsutil's (gpgsql) on the same file, export equal to the file,
    pdns_server and banchi-auth answer alike from it, banchi-check names
    a bad row."""
    d = servers.world_dir("banchi-dbtool-pg-")
    pg = None
    try:
        pg = pgdb.PgCluster(d)
        pg.psql("CREATE DATABASE fresh", db="postgres")
        uri = pg.uri(db="fresh")
        r = run([tool("banchi-db"), "init", uri])
        assert r.returncode == 0, r.stderr
        r = run([tool("banchi-db"), "import", uri, ZONE, ZFILE])
        assert r.returncode == 0, r.stderr
        assert run([tool("banchi-db"), "list", uri]).stdout == \
            "sql.test\tNATIVE\t402\n"
        out = tmp_path / "exported.zone"
        e = run([tool("banchi-db"), "export", uri, ZONE, "-o", out])
        assert e.returncode == 0, e.stderr
        assert served(tmp_path, out.name, ZONE) == \
            served(ZFILE.parent, ZFILE.name, ZONE)
        # pdnsutil's rows in the 'pdns' database (PowerDNS's schema file)
        pg.pdnsutil("load-zone", ZONE, ZFILE)
        pg.pdnsutil("rectify-zone", ZONE)
        q = ("SELECT name, type, content, ttl, prio, disabled, ordername, "
             "auth FROM records ORDER BY name, type, content")
        ours = pg.psql(q, db="fresh").splitlines()
        theirs = pg.psql(q).splitlines()
        dq = "SELECT name, master, type, account FROM domains"
        assert pg.psql(dq, db="fresh") == pg.psql(dq)
        diff = set(ours) ^ set(theirs)
        # the contents pdnsutil keeps as written (test_rows_...)
        assert {ln.split("|")[0] for ln in diff} <= {
            "kx.sql.test", "svcb.sql.test", "https.sql.test",
            "minfo.sql.test"}, diff
        assert len(ours) == len(theirs) > 400
        print("postgresql: %d rows, %d equal to pdnsutil's as text"
              % (len(ours), len(set(ours) & set(theirs))))
        # pdns_server on the database banchi-db made
        pg.pdnsutil("check-zone", ZONE, db="fresh")
        pdns = pgdb.start_pdns(d, pg, db="fresh")
        banchi = None
        try:
            servers.wait_answering(pdns.where, ZONE, pdns.proc, limit=20)
            banchi = pgdb.start_banchi_pg(d, uri, ZONE)
            queries = [(n, t) for n in zone_names() + EXTRA for t in TYPES
                       if t != "ANY"]
            diff = differences(pdns.where, banchi.where, queries)
            print("postgresql: pdns_server and banchi-auth, %d queries, "
                  "%d differences" % (len(queries), len(diff)))
            assert diff == [], diff[:5]
        finally:
            pdns.stop()
            if banchi:
                banchi.stop()
                check_log(banchi)
        pg.psql("INSERT INTO records (domain_id, name, type, content, ttl,"
                " prio, disabled, auth) SELECT id, 'bad.sql.test', 'A', "
                "'300.1.1.1', 60, 0, false, true FROM domains", db="fresh")
        bad = pg.psql("SELECT id FROM records WHERE name = "
                      "'bad.sql.test'", db="fresh").strip()
        r = run([tool("banchi-check"), "zone", ZONE, uri])
        assert r.returncode == 1 and "records row %s: " % bad in r.stderr
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(d, ignore_errors=True)


# Zones of many types: PowerDNS must read each content banchi-db writes
# as banchi does, or as it reads what pdnsutil writes of the same file.
TYPE_ZONES = ["02-txt", "07-escapes", "08-generic", "09-loc", "10-apl",
              "11-svcb", "12-dnssec", "13-certs", "14-legacy", "14b-rare",
              "15-ilnp", "24-typecodes", "28-svcb-generic", "31-cds",
              "32-nsec3param"]


# Answers of pdns_server that differ from banchi-auth's where pdnsutil
# refuses the file (no reference): PowerDNS's own reading.
PDNS_OWN = {
    # presigned records without PRESIGNED metadata: pdns_server
    # leaves RRSIGs out and answers NSEC3 names otherwise
    "12-dnssec": None,
}


def type_queries(lines):
    """Each owner with each of its types (those dnspython can ask),
    and A."""
    out = set()
    for ln in lines:
        owner, rtype = ln.split()[0], ln.split()[3]
        try:
            dns.rdatatype.from_text(rtype)
        except dns.rdatatype.UnknownRdatatype:
            continue
        out |= {(owner, rtype), (owner, "A")}
    return sorted(out)


def pdnsutil_db(d, origin, path):
    """pdnsutil load-zone's database of the file, or None when it
    refuses it."""
    (Path(d) / "theirs").mkdir()
    db = pdnsdb.PdnsDb(Path(d) / "theirs")
    r = subprocess.run(["pdnsutil", "--config-dir", str(db.conf),
                        "load-zone", origin, path.name], cwd=path.parent,
                       capture_output=True, timeout=120)
    if r.returncode != 0:
        return None
    db.pdnsutil("rectify-zone", origin)
    return db


@pytest.mark.skipif(not pdnsdb.available(),
                    reason="PowerDNS with gsqlite3 missing")
@pytest.mark.slow
@pytest.mark.parametrize("stem", TYPE_ZONES)
def test_pdns_server_types(stem):
    """Each owner and type of a zone of many types asked of pdns_server
    and banchi-auth serving the database banchi-db made of it: the same
    answers, but where pdns_server answers the same from the rows
    pdnsutil load-zone writes of the file (its own reading)."""
    path = OWN / (stem + ".zone")
    origin = origin_comment(path, "example.")
    lines = served(path.parent, path.name, origin)
    if lines is None:
        pytest.skip("the server refuses this zone")
    queries = type_queries(lines)
    d = servers.world_dir("banchi-dbtypes-")
    try:
        (d / "ours").mkdir()
        db = pdnsdb.PdnsDb(d / "ours")
        db.path.unlink()
        uri = "sqlite:%s" % db.path
        assert run([tool("banchi-db"), "init", uri]).returncode == 0
        r = run([tool("banchi-db"), "import", uri, origin, path.name],
                cwd=path.parent)
        assert r.returncode == 0, r.stderr
        pdnsdb.world_file(db.path)
        pdns = pdnsdb.start_pdns(d / "ours", db)
        pdnsdb.wait_up(pdns, origin)
        banchi = pdnsdb.start_banchi_db(d, db, origin)
        diff = differences(pdns.where, banchi.where, queries)
        theirs = pdnsutil_db(d, origin, path) if diff else None
        own = []
        if theirs:
            pt = pdnsdb.start_pdns(d / "theirs", theirs)
            pdnsdb.wait_up(pt, origin)
            same = {q for q, _, _ in diff} - {
                q for q, _, _ in differences(pdns.where, pt.where,
                                             [q for q, _, _ in diff])}
            own = [x for x in diff if x[0] in same]
            diff = [x for x in diff if x[0] not in same]
        known = PDNS_OWN.get(stem, set())
        own += [x for x in diff if known is None or x[0] in known]
        diff = [x for x in diff if not (known is None or x[0] in known)]
        print("%s: %d queries, %d differences, %d of them PowerDNS's "
              "own reading: %s" % (
                  stem, len(queries), len(diff) + len(own), len(own),
                  [q for q, _, _ in own]))
        assert diff == [], diff
        banchi.stop()
        check_log(banchi)
    finally:
        for s in pdnsdb.STARTED:
            s.stop(timeout=5)
        del pdnsdb.STARTED[:]
        shutil.rmtree(d, ignore_errors=True)
