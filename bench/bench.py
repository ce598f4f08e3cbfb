#!/usr/bin/python3
"""The authoritative benchmark (`make bench`, `make bench QUICK=1`):
generates zones of several sizes and one query mix with a fixed seed,
starts banchi-auth, NSD, Knot DNS, BIND, PowerDNS (bind backend) and the
no-work ceiling responder on loopback, one worker each pinned to core 1,
drives them with dnsperf pinned to core 0 in interleaved rounds, and
writes a markdown report and a PNG chart. Then zone transfers out of
banchi-auth, NSD and Knot (bench/xfr.py), transfers into secondaries
(bench/secondary.py), the resolvers (bench/resolver.py) on a test
hierarchy and validating on it signed (bench/resolver_dnssec.py), the
KeyTrap zone's CPU cost to validating resolvers (bench/keytrap.py), the
signed 1M-record zone (NSEC3, DO=1 on half the queries) served by
banchi-auth, NSD and Knot (bench/signed.py), dynamic updates
(bench/updates.py), zones served from PowerDNS databases (bench/sql.py),
DHCP four-way exchanges and many leases against Kea and dnsmasq in
network namespaces (bench/dhcp.py; root) and banchi-auth's metrics,
dnstap and reload under load (bench/ops.py).
Every process it starts is stopped at the end, also on errors and Ctrl-C.
Usage: bench/bench.py [--build DIR] [--quick] [--out doc/benchmarks.md]
       [--parts auth,xfr,secondary,resolver,resolver-dnssec,keytrap,
                signed,updates,sql,dhcp,ops]
       (without auth: the sections
       run are replaced in --out, the authoritative tables there are kept)"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dhcp  # noqa: E402
import gen  # noqa: E402
import keytrap  # noqa: E402
import measure  # noqa: E402
import ops  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402
import resolver  # noqa: E402
import resolver_dnssec  # noqa: E402
import xfr  # noqa: E402
import secondary  # noqa: E402
import signed  # noqa: E402
import sql  # noqa: E402
import sqlreport  # noqa: E402
import updates  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SERVER_CORE, CLIENT_CORE = "1", "0"
MODES = {
    # zone sizes, rounds, seconds per run, seconds of the latency run
    "quick": ([1000, 100000], 2, 2, 1),
    "full": ([1000, 100000, 1000000], 3, 6, 2),
}


def start_all(top, size, nm, zone, build, only, started):
    """Starts every server on zone into started {name: (proc, start_s,
    (pss, rss))} (filled as it goes, so that a failure stops those
    already running); memory is read after the first correct answer."""
    pin = ["taskset", "-c", SERVER_CORE]
    for name, fn in peers.ALL:
        if only and name not in only:
            continue
        d = top / ("%s-%d" % (name, size))
        d.mkdir()
        d.chmod(0o755)
        p = fn(d, gen.ORIGIN, zone, peers.free_port(), pin, build)
        started[name] = (p, None, None)
        probe = nm.probe if name != "ceiling" else (
            nm.probe[0], "A", "192.0.2.1")
        t = p.wait_correct(probe, limit=300)
        time.sleep(0.5)
        for tid, cpus in measure.pin_tree(p.pid, SERVER_CORE):
            print("  %-12s thread %d had set its CPUs to %s: pinned back "
                  "to %s" % (name, tid, cpus, SERVER_CORE), flush=True)
        started[name] = (p, t, measure.tree_memory(p.pid))
        print("  %-12s first correct answer after %6.2f s, PSS %7.1f MiB"
              % (name, t, started[name][2][0]), flush=True)


def stop_all(started):
    for p, _, _ in started.values():
        p.stop(timeout=5)


def one_size(top, size, mode, build, only):
    nrounds, seconds, lat_seconds = MODES[mode][1:]
    zone = top / ("bench-%d.zone" % size)
    t = time.monotonic()
    nm = gen.make_zone(zone, size)
    zone.chmod(0o644)
    qfile = top / ("queries-%d.bin" % size)
    gen.make_queries(qfile, nm)
    print("zone of %d records and queries generated in %.1f s" % (
        size, time.monotonic() - t), flush=True)
    started = {}
    try:
        start_all(top, size, nm, zone, build, only, started)
        stats = measure.rounds(started, qfile, nrounds, seconds,
                               lat_seconds, SERVER_CORE, CLIENT_CORE)
        for name, (_, t0, mem) in started.items():
            stats[name]["start_s"] = t0
            stats[name]["pss"], stats[name]["rss"] = mem
        return stats
    finally:
        stop_all(started)
        for p, _, _ in started.values():
            shutil.copy(p.log, top / ("%s-%d.log" % (p.name, size)))


class Part:
    """One part after the authoritative tables: its name (--parts), what
    it prints when it starts, how it runs in its folder and makes its
    section's lines, its section's markers, the tools it needs, whether
    it needs root."""

    def __init__(self, name, what, make, markers, need=(), root=False):
        self.name, self.what, self.make = name, what, make
        self.begin, self.end = markers
        self.need, self.root = tuple(need), root

    def run(self, top, mode, build, only):
        if self.root and os.geteuid() != 0:
            print("%s: skipped (needs root)" % self.name, flush=True)
            return None
        print("%s (%s mode)" % (self.what, mode), flush=True)
        d = top / self.name
        d.mkdir()
        d.chmod(0o755)
        t = time.monotonic()
        try:
            return self.make(d, mode, build, only)
        finally:
            print("%s: %.0f s" % (self.name, time.monotonic() - t),
                  flush=True)


# In the report's order.
PARTS = [
    Part("xfr", "zone transfers",
         lambda d, m, b, o: xfr.section(xfr.run(d, m, b, o)),
         (xfr.XFR_BEGIN, xfr.XFR_END), ("nsd", "knotd", "kdig")),
    Part("secondary", "secondaries: IXFR in, AXFR floor",
         lambda d, m, b, o: secondary.section(secondary.run(d, m, b, o), m),
         (secondary.BEGIN, secondary.END), ("nsd", "knotd", "knotc",
                                            "named")),
    Part("resolver", "resolvers",
         lambda d, m, b, o: report.resolver_section(
             resolver.run(d, m, b, o), resolver.NAMES,
             resolver.SLD_COUNT + 2),
         (report.RES_BEGIN, report.RES_END)),
    Part("resolver-dnssec", "validating resolvers, signed hierarchy",
         lambda d, m, b, o: resolver_dnssec.section(
             resolver_dnssec.run(d, m, b, o)),
         (resolver_dnssec.BEGIN, resolver_dnssec.END),
         ("dnssec-signzone",)),
    Part("keytrap", "KeyTrap: CPU per malicious query",
         lambda d, m, b, o: keytrap.section(keytrap.run(d, m, b, o)),
         (keytrap.BEGIN, keytrap.END), ("dnssec-signzone",)),
    Part("signed", "signed zone, NSEC3, DO on half the queries",
         lambda d, m, b, o: signed.section(signed.run(d, m, b, o)),
         (signed.BEGIN, signed.END), signed.NEED),
    Part("updates", "dynamic updates",
         lambda d, m, b, o: updates.section(updates.run(d, m, b, o), m),
         (updates.BEGIN, updates.END), ("knotd", "named")),
    Part("sql", "zones in SQL: SQLite, PostgreSQL",
         lambda d, m, b, o: sqlreport.section(sql.run(d, m, b, o), m),
         (sqlreport.BEGIN, sqlreport.END),
         ("pdns_server", "pdnsutil", "psql", "runuser")),
    Part("dhcp", "DHCP: banchi-dhcp, Kea, dnsmasq",
         lambda d, m, b, o: dhcp.section(dhcp.run(d, m, b, o), m),
         (dhcp.BEGIN, dhcp.END), dhcp.NEED, root=True),
    Part("ops", "metrics, dnstap, reload under load",
         lambda d, m, b, o: ops.section(ops.run(d, m, b), m),
         (ops.BEGIN, ops.END), ("fstrm_capture",)),
]


def write_sections_only(out, sections, mode):
    """Replaces the sections run (resolver, transfers) in out, keeping
    the rest."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    old = out.read_text() if out.exists() else "# banchi benchmarks\n"
    for sec, begin, end in sections:
        if not sec:
            continue
        sec.insert(3, "Measured on its own by `%s` (%s mode) on %s; the "
                   "other tables come from the run named at the top."
                   % (" ".join(["bench/bench.py"] + sys.argv[1:]), mode,
                      when))
        sec.insert(4, "")
        old = report.splice(old, sec, begin, end)
        print("\n".join(sec))
    out.write_text(old)
    print("wrote %s" % out)


def smoke():
    """Quick mode made smaller still, for the test that the bench runs
    to the end (tests/bench, in make test): the figures mean nothing, the
    time is what counts."""
    MODES["quick"] = ([1000], 1, 1, 1)
    sql.MODES["quick"] = ([20000], 1, 1, 1, 1, 4, 4)
    sql.PDNS_CACHE_TTL = 2
    updates.MODES["quick"] = (10000, 1, 1, 200)
    ops.PARAMS["quick"] = (10000, 1, 2, 4)
    dhcp.MODES["quick"] = (1, 1)
    dhcp.LEASES["quick"] = 2000
    dhcp.dhcp_ddns.MODES["quick"] = dhcp.dhcp_ddns.MODES["smoke"]
    signed.MODES["quick"] = (5000, 1, 1, 1)


def on_term(signum, frame):
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--smoke", action="store_true",
                    help="quick, smaller still (the bench's own test)")
    ap.add_argument("--out", default=str(ROOT / "doc" / "benchmarks.md"))
    ap.add_argument("--only", nargs="*", help="servers (debugging)")
    ap.add_argument("--parts",
                    default=",".join(["auth"] + [p.name for p in PARTS]),
                    help=", ".join(["auth"] + [p.name for p in PARTS]) +
                    ", comma-separated")
    a = ap.parse_args()
    parts = a.parts.split(",")
    need = ("dnsperf", "taskset") + (
        ("nsd", "knotd", "named", "pdns_server", "gnuplot")
        if "auth" in parts else ())
    for p in PARTS:
        need += p.need if p.name in parts else ()
    for tool in need:
        if not shutil.which(tool):
            sys.exit("bench: missing %s (make deps)" % tool)
    build = Path(a.build)
    build = build if build.is_absolute() else (Path.cwd() / build)
    mode = "quick" if a.quick or a.smoke else "full"
    if a.smoke:
        smoke()
    signal.signal(signal.SIGTERM, on_term)
    top = Path(tempfile.mkdtemp(prefix="banchi-bench-"))
    top.chmod(0o755)
    t0 = time.monotonic()
    results = {}
    try:
        for size in MODES[mode][0] if "auth" in parts else ():
            results[size] = one_size(top, size, mode, build, a.only)
        secs = [p.run(top, mode, build, a.only) if p.name in parts
                else None for p in PARTS]
        out = Path(a.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not results:
            write_sections_only(out, [(sec, p.begin, p.end) for p, sec
                                      in zip(PARTS, secs)], mode)
            return
        md = report.markdown(results, mode, MODES[mode], sys.argv,
                             time.monotonic() - t0, secs)
        out.write_text(md)
        report.chart(results, out.with_suffix(".png"), top)
        print(md)
        print("wrote %s and %s" % (out, out.with_suffix(".png")))
    finally:
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
