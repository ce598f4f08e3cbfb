"""The SQL zones section of doc/benchmarks.md (bench/sql.py's figures):
method, one QPS table per zone size, start and first pass, change to
visible, and issue 12's targets checked against the figures."""

import sqlchange

# The section sits between these markers, so that a run of this part
# alone (bench.py --parts sql) can replace it in an existing report.
BEGIN, END = "<!-- sql -->", "<!-- /sql -->"
REF = "banchi-file"
PAIRS = (("banchi-sqlite", "pdns-gsqlite3"), ("banchi-pg", "pdns-gpgsql"))
DB = {"banchi-file": "zone file", "banchi-sqlite": "SQLite",
      "pdns-gsqlite3": "SQLite", "banchi-pg": "PostgreSQL",
      "pdns-gpgsql": "PostgreSQL"}


NOTES = [
    "PowerDNS answers from its packet cache what was asked in the last "
    "`cache-ttl` seconds, and asks the database for the rest (one or more "
    "statements a query, each a round trip to PostgreSQL): its QPS in a "
    "round depends on how much of the query file it has cached, which "
    "is most of it on 100,000 records (dnsperf goes through the file "
    "several times a run) and little on 1,000,000 (the file's names are "
    "mostly distinct and the run does not finish one pass), and on what "
    "is left from the round before (a full cycle of the other servers "
    "takes longer than the TTL in full mode). banchi answers every query "
    "from memory, whatever the source of the zone.",
]


def _f(x, fmt="%.0f"):
    return "-" if x is None or x != x else fmt % x


def _n(x):
    return "{:,}".format(x)


def method(res, mode):
    sizes, nrounds, seconds, lat_s, starts, nchanges, every = res["params"]
    d = res["pdns"]
    l0, l1 = res["load"]
    return [
        "- Zones and queries: the auth part's (bench/gen.py, fixed seed; "
        "%s records; the same 100,000-query mix). Each zone loaded with "
        "`pdnsutil load-zone` then `pdnsutil rectify-zone`, as a PowerDNS "
        "user does, into a SQLite database made with PowerDNS's gsqlite3 "
        "schema, and into a PostgreSQL database with its gpgsql schema, "
        "in a cluster the bench makes in its temporary folder (initdb, "
        "`pg_ctl` on a free port of 127.0.0.1, `fsync=off`), followed by "
        "`ANALYZE` there (what autovacuum does within a minute of a bulk "
        "load; without it PostgreSQL's plans for PowerDNS's lookups took "
        "about 1.7 ms a query on 100,000 records, 50 times more)."
        % " and ".join(_n(s) for s in sizes),
        "- Servers, one worker each, pinned to core 1 (every thread again "
        "before each run): banchi-file, banchi-auth `--threads 1` with "
        "the zone file (the reference); banchi-sqlite and banchi-pg, "
        "banchi-auth `--threads 1 --zone-db sqlite:PATH` and "
        "`--zone-db postgresql://...`; pdns-gsqlite3 and pdns-gpgsql, "
        "pdns_server `launch=gsqlite3` and `launch=gpgsql`, "
        "`receiver-threads=1`, `distributor-threads=1`, its caches as by "
        "default (packet cache `cache-ttl` %s s, `query-cache-ttl` %s s, "
        "`negquery-cache-ttl` %s s). Each database is shared by the banchi "
        "and the PowerDNS reading it. PostgreSQL's processes are pinned "
        "to core 1 as well and their CPU time is counted in the server "
        "CPU of banchi-pg and pdns-gpgsql (the serving system has one "
        "core)." % (d.get("cache-ttl", "?"), d.get("query-cache-ttl", "?"),
                    d.get("negquery-cache-ttl", "?")),
        "- QPS: dnsperf on core 0 as in the auth part (`-c 4 -q 200 -T "
        "1`), %d interleaved round(s) of %d s per server and size, median "
        "(min–max); answers per server CPU-s = completed queries / server "
        "CPU seconds; p99 from one extra %d s run with `dnsperf -v`."
        % (nrounds, seconds, lat_s),
        "- Start: exec to the first correct answer to a probe query "
        "(polled every 20 ms), median of %d start(s) per server, "
        "interleaved. banchi-auth from a database: its first start reads "
        "the rows and writes its start cache (the zone as a zone file in "
        "its zone dir, `NAME.dbcache`); the median is of the later starts, "
        "which load the cache as any restart with the database unchanged "
        "does (the first start's figure is in its own column: every start "
        "from the rows). "
        "PowerDNS loads nothing at start, so its first answer "
        "comes at once, but every query it has not cached costs a database "
        "round trip: the first pass, right after the last start, sends the "
        "first %s queries of the mix once (`dnsperf -n 1 -c 4 -q 100`). "
        "Memory: PSS/RSS of the server's processes 0.5 s after its first "
        "answer (PostgreSQL's not counted)." % (starts, _n(
            res.get("cold", 10000))),
        "- Change to visible, on the %s-record zone after its rounds: %s "
        "changes, one every %d ms, each an `UPDATE records SET content=... "
        "WHERE name=... AND type='A'` of one A record of a distinct name "
        "(names no earlier query asked), committed alone (SQLite: Python's "
        "sqlite3, autocommit; PostgreSQL: one psql session, the time taken "
        "when psql echoes a line after the statement). The SOA serial is "
        "not bumped, as with plain SQL and most panels (banchi-auth bumps "
        "the serial it serves itself)." % (
            _n(max(sizes)), _n(nchanges), 1000 * sqlchange.GAP),
        "- Each server reading the database is asked for the name once "
        "before its change, at a random moment of the %d s (PowerDNS's "
        "cache TTL) before it: a name in steady use sits in PowerDNS's "
        "caches from some point of that cycle. From the commit on it is "
        "asked again (UDP) every max(%d ms, %d%% of the time since the "
        "commit) until it answers the new address: a time is late by at "
        "most that step. \"old address first\": an answer showed the old "
        "address before the new one. %s The phase ends when every polled "
        "change was seen, or %d s after the last change's TTL." % (
            res["ttl"], 1000 * sqlchange.FLOOR, 100 * sqlchange.FRACTION,
            "Every change is polled at every server." if every == 1 else
            "banchi is polled for every change, PowerDNS for one in %d (%s "
            "of %s: the cap, so that its names, pending for up to its "
            "cache TTL, do not crowd the polling)." % (
                every, _n(-(-nchanges // every)), _n(nchanges)),
            sqlchange.SLACK),
        "- Load average at the start and end of this part: %s; %s (1, 5, "
        "15 min; 2 cores).%s" % (" ".join(l0), " ".join(l1),
                                 " **Quick mode**: a check that the part "
                                 "runs, not figures to quote."
                                 if mode == "quick" else "")]


def qps_table(stats):
    ref = stats.get(REF)
    rows = ["| server | data from | QPS median | QPS min–max | ÷ banchi-file "
            "| answers per server CPU-s | ÷ banchi-file | server CPU % "
            "| dnsperf CPU % | avg latency ms | p99 latency ms | lost |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in stats.items():
        rows.append("| %s | %s | %s | %s–%s | %s | %s | %s | %s | %s | %s "
                    "| %s | %d of %d |" % (
                        name, DB[name], _f(s["qps"]), _f(s["qps_min"]),
                        _f(s["qps_max"]),
                        _f(s["qps"] / ref["qps"], "%.2f") if ref else "-",
                        _f(s["per_cpu"]), _f(s["per_cpu"] / ref["per_cpu"],
                                             "%.2f") if ref else "-",
                        _f(s["server_pct"]), _f(s["client_pct"]),
                        _f(s["avg_ms"], "%.3f"), _f(s["p99_ms"], "%.3f"),
                        s["lost"], s["sent"]))
    return rows


def start_table(sizes):
    rows = ["| records | server | start to first correct answer s "
            "(median) | min–max | first start s | first pass s "
            "| first pass QPS | SERVFAIL | lost | PSS MiB | RSS MiB |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for size, r in sizes.items():
        for name, s in r["stats"].items():
            c = s["cold"]
            rows.append("| %s | %s | %.2f | %.2f–%.2f | %.2f | %.2f | %s "
                        "| %d | %d | %.1f | %.1f |" % (
                            _n(size), name, s["start_s"], min(s["starts"]),
                            max(s["starts"]), s["starts"][0], c["wall"],
                            _f(c["completed"] / c["wall"]), c["servfail"],
                            c["lost"], s["pss"], s["rss"]))
    return rows


def first_pass_note(sizes, cold):
    """Start plus first pass, the time until the first COLD queries
    were answered, beside the first-answer figures the targets use."""
    big = max(sizes)
    st = sizes[big]["stats"]
    parts = []
    for mine, peer in PAIRS:
        if mine in st and peer in st:
            b, p = st[mine], st[peer]
            parts.append("%s %.2f s, %s %.2f s" % (
                mine, b["start_s"] + b["cold"]["wall"], peer,
                p["start_s"] + p["cold"]["wall"]))
    if not parts:
        return []
    return ["Start to the end of the first pass (%s queries answered), "
            "%s records: %s. PowerDNS's first correct answer (the targets "
            "below) comes before it has read more than that one name." % (
                _n(cold), _n(big), "; ".join(parts)), ""]


def db_table(sizes):
    rows = ["| records | SQLite: load-zone s | rectify-zone s | file MiB "
            "| PostgreSQL: load-zone s | rectify-zone s | ANALYZE s "
            "| database MiB |", "|---|---|---|---|---|---|---|---|"]
    for size, r in sizes.items():
        t = r["db"]
        rows.append("| %s | %.1f | %.1f | %.0f | %.1f | %.1f | %.1f | %.0f "
                    "|" % (_n(size), t["sqlite_load"], t["sqlite_rectify"],
                           t["sqlite_mib"], t["pg_load"], t["pg_rectify"],
                           t["pg_analyze"], t["pg_mib"]))
    return rows


def change_table(ch):
    rows = ["| server | changes polled | seen | median s | p99 s | max s "
            "| old address first | other answers | queries sent "
            "| ÷ PowerDNS on the same database (median) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    peer = dict(PAIRS)
    for name, s in ch.items():
        p = ch.get(peer.get(name))
        rows.append("| %s | %d | %d | %s | %s | %s | %d of %d | %d | %d | "
                    "%s |" % (
                        name, s["polled"], s["seen"],
                        _f(s["median"], "%.3f"), _f(s["p99"], "%.3f"),
                        _f(s["max"], "%.3f"), s["primed_old"], s["polled"],
                        s["other"], s["queries"],
                        _f(s["median"] / p["median"], "%.3f")
                        if p and p["median"] else "-"))
    return rows


def targets(res):
    """Issue 12's performance targets, from the figures."""
    out = ["| target | banchi | reference | ratio | goal | met |",
           "|---|---|---|---|---|---|"]

    def row(what, mine, ref, goal, low=False):
        """low: a time (seconds, the lower the better), else a rate."""
        fmt = "%.3f s" if low else "%.0f"
        if mine != mine or ref != ref or not ref:
            out.append("| %s | - | - | - | %s | not measured |" % (
                what, goal))
            return
        r = mine / ref
        ok = r <= goal if low else r >= goal
        out.append("| %s | %s | %s | %.2f | %s %.2f | %s |" % (
            what, fmt % mine, fmt % ref, r, "≤" if low else "≥", goal,
            "yes" if ok else "**no**"))
    nan = {"qps": float("nan"), "per_cpu": float("nan"),
           "start_s": float("nan")}
    sizes = res["sizes"]
    for size, r in sizes.items():
        st = r["stats"]
        f = st.get(REF, nan)
        for mine, peer in PAIRS:
            b, p = st.get(mine, nan), st.get(peer, nan)
            for key, what in (("qps", "QPS"),
                              ("per_cpu", "answers per CPU-s")):
                row("%s records, %s: %s ÷ banchi-file (within 5%%)" % (
                    _n(size), mine, what), b[key], f[key], 0.95)
                row("%s records, %s: %s ÷ %s" % (
                    _n(size), mine, what, peer), b[key], p[key], 3.0)
    big = max(sizes)
    st = sizes[big]["stats"]
    f = st.get(REF, nan)
    for mine, peer in PAIRS:
        b, p = st.get(mine, nan), st.get(peer, nan)
        row("%s records, %s: start to first answer ÷ banchi-file's" % (
            _n(big), mine), b["start_s"], f["start_s"], 2.0, low=True)
        row("%s records, %s: start to first answer ÷ %s's (its first "
            "correct answer)" % (_n(big), mine, peer), b["start_s"],
            p["start_s"], 0.5, low=True)
    ch = sizes[big]["changes"] or {}
    for mine, _ in PAIRS:
        s = ch.get(mine)
        if s:
            ok = s["seen"] == s["polled"] and s["p99"] <= 1.0
            out.append("| %s: change visible within 1 s (p99 of %d, all "
                       "seen) | %.3f s | - | - | ≤ 1 s | %s |" % (
                           mine, s["polled"], s["p99"],
                           "yes" if ok else "**no**"))
    return out


def section(res, mode):
    sizes = res["sizes"]
    w = [BEGIN, "## Zones in SQL (PowerDNS databases)", ""]
    w += method(res, mode) + [""]
    for size, r in sizes.items():
        w += ["### Serving %s records" % _n(size), ""]
        w += qps_table(r["stats"]) + [""]
    w += NOTES + [""]
    w += ["### Start, first pass, memory", ""] + start_table(sizes) + [""]
    w += first_pass_note(sizes, res.get("cold", 10000))
    w += ["Databases made by pdnsutil:", ""] + db_table(sizes) + [""]
    big = max(sizes)
    ch = sizes[big]["changes"]
    if ch:
        w += ["### Change to visible, %s records" % _n(big), ""]
        w += change_table(ch) + [""]
    w += ["### Targets of issue 12", ""] + targets(res)
    return w + ["", END]
