"""The SQL zones part of the benchmark (bench.py --parts sql): the bench
zone (bench/gen.py) loaded by `pdnsutil load-zone` into a PowerDNS
SQLite database and into PostgreSQL (a cluster of the bench's own in its
temporary folder), served side by side by banchi-auth from the file
(the reference), banchi-auth from each database (--zone-db) and
pdns_server with the gsqlite3 and gpgsql backends, one worker each,
pinned to the server core. Measured: start to first answer and a first
pass of queries after it, QPS and answers per CPU-second in interleaved
dnsperf rounds, and (on the largest zone) the time from a committed
change to the answer that shows it (bench/sqlchange.py)."""

import re
import shutil
import statistics
import struct
import subprocess
import time

import gen
import measure
import peers
import pdnsdb           # tests/integration (peers puts it on the path)
import pgdb
import resolver
import sqlchange

SERVER_CORE, CLIENT_CORE = "1", "0"
# zone sizes, rounds, seconds per run, s of the latency run, starts per
# server, changes, every k-th change polled at PowerDNS
MODES = {"quick": ([100000], 1, 2, 1, 1, 40, 2),
         "full": ([100000, 1000000], 3, 6, 2, 3, 1000, 5)}
COLD = 10000                    # queries of the first pass after start
REF = "banchi-file"


class Ctx:
    """What the starters need for one zone size."""

    def __init__(self, build, zone, sqlite, pg, pgdb_name):
        self.build, self.zone, self.sqlite = build, zone, sqlite
        self.pg, self.pgdb = pg, pgdb_name


def _banchi_db(d, port, pin, ctx, spec):
    return peers.Proc("banchi-auth", pin + [
        str(ctx.build / "banchi-auth"), "--listen", "127.0.0.1:%d" % port,
        "--zone-db", spec, "--zone-dir", str(d / "zones"),
        "--threads", "1"], port, d)


# bench --smoke: PowerDNS's packet and query caches this short (s), so
# that the change phase, which waits out its cache TTL, is short too;
# None: its defaults, as measured
PDNS_CACHE_TTL = None


def _pdns(d, port, pin, backend):
    t = PDNS_CACHE_TTL
    (d / "pdns.conf").write_text("\n".join(
        peers.pdns_conf(d, port, backend) +
        (["cache-ttl=%d" % t, "query-cache-ttl=%d" % t] if t else [])) +
        "\n")
    return peers.Proc("pdns_server", pin + [
        "pdns_server", "--config-dir=%s" % d], port, d)


def _pg_backend(ctx):
    return [x for x in ctx.pg.gpgsql_conf(ctx.pgdb)
            if not x.startswith("security-poll-suffix")]


SERVERS = [
    ("banchi-file", "file", lambda d, port, pin, ctx: peers.banchi(
        d, gen.ORIGIN, ctx.zone, port, pin, ctx.build)),
    ("banchi-sqlite", "sqlite", lambda d, port, pin, ctx: _banchi_db(
        d, port, pin, ctx, "sqlite:%s" % ctx.sqlite.path)),
    ("pdns-gsqlite3", "sqlite", lambda d, port, pin, ctx: _pdns(
        d, port, pin, ["launch=gsqlite3",
                       "gsqlite3-database=%s" % ctx.sqlite.path])),
    ("banchi-pg", "pg", lambda d, port, pin, ctx: _banchi_db(
        d, port, pin, ctx, ctx.pg.uri(db=ctx.pgdb))),
    ("pdns-gpgsql", "pg", lambda d, port, pin, ctx: _pdns(
        d, port, pin, _pg_backend(ctx))),
]
DB_OF = {name: db for name, db, _ in SERVERS}


def pdns_defaults():
    """PowerDNS's default cache TTLs, as pdns_server prints them."""
    out = subprocess.run(["pdns_server", "--config=default"],
                         capture_output=True, text=True, timeout=30).stdout
    got = dict(re.findall(r"^# (cache-ttl|query-cache-ttl|"
                          r"negquery-cache-ttl)=(\d+)$", out, re.M))
    return {k: int(v) for k, v in got.items()}


def stop_cluster(data):
    """pg_ctl stop of a cluster whose PgCluster was not made."""
    if (data / "postmaster.pid").exists():
        subprocess.run(["runuser", "-u", pgdb.USER, "--",
                        str(pgdb.bindir() / "pg_ctl"), "-D", str(data),
                        "-m", "fast", "-w", "-t", "60", "stop"],
                       capture_output=True, timeout=90)


def postmaster(pg):
    return int((pg.data / "postmaster.pid").read_text().split()[0])


def make_dbs(top, size, zone, pg):
    """The zone in a new SQLite database and a new PostgreSQL database,
    each by pdnsutil load-zone then rectify-zone; returns (sqlite db,
    pg database name, {what: seconds})."""
    times = {}
    d = top / ("sqlite-%d" % size)
    d.mkdir()
    db = pdnsdb.PdnsDb(d)
    name = "pdns_%d" % size
    pg.create_db(name)
    for what, fn in (("sqlite", lambda *a: db.pdnsutil(*a, timeout=1800)),
                     ("pg", lambda *a: pg.pdnsutil(*a, db=name,
                                                   timeout=1800))):
        t = time.monotonic()
        fn("load-zone", gen.ORIGIN, zone)
        times[what + "_load"] = time.monotonic() - t
        t = time.monotonic()
        fn("rectify-zone", gen.ORIGIN)
        times[what + "_rectify"] = time.monotonic() - t
    # What autovacuum does within a minute of a bulk load; before it,
    # PostgreSQL's plans for PowerDNS's lookups cost ~1.7 ms a query
    # (measured on 100k records), after it ~30 µs.
    t = time.monotonic()
    pg.psql("ANALYZE", db=name, timeout=600)
    times["pg_analyze"] = time.monotonic() - t
    times["sqlite_mib"] = db.path.stat().st_size / 2**20
    times["pg_mib"] = int(pg.psql("SELECT pg_database_size('%s')" % name,
                                  db=name).strip()) / 2**20
    print("  databases: SQLite load-zone %.1f s + rectify %.1f s (%.0f MiB)"
          ", PostgreSQL %.1f s + %.1f s + ANALYZE %.1f s (%.0f MiB)" % (
              times["sqlite_load"], times["sqlite_rectify"],
              times["sqlite_mib"], times["pg_load"], times["pg_rectify"],
              times["pg_analyze"], times["pg_mib"]), flush=True)
    return db, name, times


def start_one(top, size, name, fn, ctx, probe):
    d = top / ("%s-%d" % (name, size))
    d.mkdir(exist_ok=True)
    d.chmod(0o755)
    p = fn(d, peers.free_port(), ["taskset", "-c", SERVER_CORE], ctx)
    try:
        t = p.wait_correct(probe, limit=600)
    except Exception:
        p.stop(timeout=10)
        raise
    return p, t


def measured(name, times):
    """The starts a figure is made of: banchi-auth's first start from a
    database reads the rows and writes the start cache (NAME.dbcache in
    its zone dir, kept across the starts); the later ones load the cache,
    as every restart of a database unchanged meanwhile does."""
    if name.startswith("banchi") and DB_OF.get(name) != "file" \
            and len(times) > 1:
        return times[1:]
    return times


def start_all(top, size, nm, ctx, starts, cold_file, only, started):
    """Each server started `starts` times in interleaved order (the last
    start kept running in started {name: (proc, median start s, (pss,
    rss))}); after its last start, one pass over cold_file."""
    which = [(n, fn) for n, _, fn in SERVERS if not only or n in only]
    times = {n: [] for n, _ in which}
    cold = {}
    pin = ["taskset", "-c", CLIENT_CORE]
    for r in range(starts):
        for name, fn in which:
            p, t = start_one(top, size, name, fn, ctx, nm.probe)
            started[name] = (p, None, None)     # stopped whatever happens
            times[name].append(t)
            if r < starts - 1:
                p.stop(timeout=30)
                del started[name]
                continue
            time.sleep(0.5)
            measure.pin_tree(p.pid, SERVER_CORE)
            mem = measure.tree_memory(p.pid)
            started[name] = (p, statistics.median(measured(name,
                                                           times[name])), mem)
            cold[name] = resolver.cold_run(p.where, cold_file, pin)
            c = cold[name]
            print("  %-14s first correct answer after %s s; first pass: "
                  "%d queries in %.2f s, %d SERVFAIL, %d lost" % (
                      name, " ".join("%.2f" % x for x in times[name]),
                      c["completed"], c["wall"], c["servfail"], c["lost"]),
                  flush=True)
    return times, cold


def asked(qfile):
    """The names (lowercase) a dnsperf -B file asks."""
    data = open(qfile, "rb").read()
    out, i = set(), 0
    while i < len(data):
        n = struct.unpack("!H", data[i:i + 2])[0]
        q, j, labels = data[i + 2:i + 2 + n], 12, []
        while q[j]:
            labels.append(q[j + 1:j + 1 + q[j]].decode().lower())
            j += 1 + q[j]
        out.add(".".join(labels))
        i += 2 + n
    return out


def change_names(nm, qfiles, count):
    """count names with one A record that no query file asks: no query
    before the change phase left them in a cache."""
    seen = set()
    for f in qfiles:
        seen |= asked(f)
    names = [n for n in nm.plain_a if n.lower() not in seen][:count]
    if len(names) < count:
        raise RuntimeError("only %d unasked A names, %d wanted" % (
            len(names), count))
    return names


def changes(started, ctx, names, every, ttl):
    """The change-to-visible phase on the servers running."""
    groups, writers = [], []
    try:
        for db, writer in (("sqlite", lambda: sqlchange.SqliteWriter(
                ctx.sqlite.path, gen.ORIGIN)), ("pg", lambda: (
                sqlchange.PsqlWriter(["psql", "-h", "127.0.0.1", "-p",
                                      str(ctx.pg.port), "-U", pgdb.USER,
                                      "-d", ctx.pgdb], gen.ORIGIN)))):
            polled = [(n, p.where, 1 if n.startswith("banchi") else every)
                      for n, (p, _, _) in started.items()
                      if DB_OF[n] == db]
            if polled:
                writers.append(writer())
                groups.append((writers[-1], polled))
        res = sqlchange.run(groups, names, ttl) if groups else {}
    finally:
        for w in writers:
            w.close()
    for n, s in res.items():
        print("  %-14s %d of %d changes seen: median %.3f s, p99 %.3f s, "
              "max %.3f s; old address first %d, other answers "
              "%d, %d queries" % (n, s["seen"], s["polled"], s["median"],
                                  s["p99"], s["max"], s["primed_old"],
                                  s["other"], s["queries"]), flush=True)
    return res


def one_size(top, size, mode, ctx_args, only, last, ttl):
    _, nrounds, seconds, lat_s, starts, nchanges, every = MODES[mode]
    build, pg = ctx_args
    zone = top / ("sql-%d.zone" % size)
    nm = gen.make_zone(zone, size)
    zone.chmod(0o644)
    qfile = top / ("sql-queries-%d.bin" % size)
    gen.make_queries(qfile, nm)
    cold_file = top / ("sql-cold-%d.bin" % size)
    gen.make_queries(cold_file, nm, n=COLD)
    db, pgname, dbtimes = make_dbs(top, size, zone, pg)
    ctx = Ctx(build, zone, db, pg, pgname)
    pgpid = postmaster(pg)

    def cpu(name, p):
        extra = measure.tree_cpu(pgpid) if DB_OF[name] == "pg" else 0
        return measure.tree_cpu(p.pid) + extra
    started = {}
    try:
        starts_s, cold = start_all(top, size, nm, ctx, starts, cold_file,
                                   only, started)
        stats = measure.rounds(started, qfile, nrounds, seconds, lat_s,
                               SERVER_CORE, CLIENT_CORE, cpu=cpu)
        for name, (_, t, mem) in started.items():
            stats[name].update(start_s=t, starts=starts_s[name],
                               cold=cold[name], pss=mem[0], rss=mem[1])
        ch = None
        if last:
            names = change_names(nm, (qfile, cold_file), nchanges)
            ch = changes(started, ctx, names, every, ttl)
        return {"stats": stats, "db": dbtimes, "changes": ch}
    finally:
        for p, _, _ in started.values():
            p.stop(timeout=30)
            shutil.copy(p.log, top / ("sql-%s-%d.log" % (p.name, size)))


def run(top, mode, build, only):
    """Returns {"params", "sizes": {size: one_size's}, "load", "pdns"}."""
    sizes = MODES[mode][0]
    load0 = open("/proc/loadavg").read().split()[:3]
    why = pgdb.missing()
    if why:
        raise RuntimeError("sql part: %s" % why)
    defaults = pdns_defaults()
    if PDNS_CACHE_TTL:
        defaults.update({"cache-ttl": PDNS_CACHE_TTL,
                         "query-cache-ttl": PDNS_CACHE_TTL})
    ttl = max(defaults.get("cache-ttl", 20),
              defaults.get("query-cache-ttl", 20))
    try:
        pg = pgdb.PgCluster(top)
    except BaseException:
        stop_cluster(top / "pg" / "data")   # started, then failed
        raise
    out = {}
    try:
        # PostgreSQL's backends are forked by the postmaster: pinned too
        measure.pin_tree(postmaster(pg), SERVER_CORE)
        for size in sizes:
            out[size] = one_size(top, size, mode, (build, pg), only,
                                 size == max(sizes), ttl)
    finally:
        pg.stop()
    load1 = open("/proc/loadavg").read().split()[:3]
    return {"params": MODES[mode], "sizes": out, "load": (load0, load1),
            "pdns": defaults, "ttl": ttl, "cold": COLD}
