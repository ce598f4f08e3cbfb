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
KeyTrap zone's CPU cost to validating resolvers
(bench/keytrap.py), dynamic updates (bench/updates.py), zones served
from PowerDNS databases (bench/sql.py) and DHCP four-way exchanges
against Kea and dnsmasq in network namespaces (bench/dhcp.py; root).
Every process it starts is stopped at the end, also on errors and Ctrl-C.
Usage: bench/bench.py [--build DIR] [--quick] [--out doc/benchmarks.md]
       [--parts auth,xfr,secondary,resolver,resolver-dnssec,keytrap,
                updates,sql,dhcp]
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
import peers  # noqa: E402
import report  # noqa: E402
import resolver  # noqa: E402
import resolver_dnssec  # noqa: E402
import xfr  # noqa: E402
import secondary  # noqa: E402
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


def resolver_part(top, mode, build, only, parts):
    """The resolver benchmark's markdown lines, or None when not asked."""
    if "resolver" not in parts:
        return None
    print("resolvers (%s mode)" % mode, flush=True)
    d = top / "resolver"
    d.mkdir()
    d.chmod(0o755)
    r = resolver.run(d, mode, build, only)
    return report.resolver_section(r, resolver.NAMES,
                                   resolver.SLD_COUNT + 2)


def resolver_dnssec_part(top, mode, build, only, parts):
    """The validating resolver section's lines (bench/resolver_dnssec.py),
    or None."""
    if "resolver-dnssec" not in parts:
        return None
    print("validating resolvers, signed hierarchy (%s mode)" % mode,
          flush=True)
    d = top / "resolver-dnssec"
    d.mkdir()
    d.chmod(0o755)
    return resolver_dnssec.section(resolver_dnssec.run(d, mode, build,
                                                       only))


def keytrap_part(top, mode, build, only, parts):
    """The KeyTrap section's lines (bench/keytrap.py), or None."""
    if "keytrap" not in parts:
        return None
    print("KeyTrap: CPU per malicious query (%s mode)" % mode, flush=True)
    d = top / "keytrap"
    d.mkdir()
    d.chmod(0o755)
    return keytrap.section(keytrap.run(d, mode, build, only))


def updates_part(top, mode, build, only, parts):
    """The dynamic update section's lines (bench/updates.py), or None."""
    if "updates" not in parts:
        return None
    print("dynamic updates (%s mode)" % mode, flush=True)
    d = top / "updates"
    d.mkdir()
    d.chmod(0o755)
    return updates.section(updates.run(d, mode, build, only), mode)


def sql_part(top, mode, build, only, parts):
    """The SQL zones section's lines (bench/sql.py), or None."""
    if "sql" not in parts:
        return None
    print("zones in SQL: SQLite, PostgreSQL (%s mode)" % mode, flush=True)
    d = top / "sql"
    d.mkdir()
    d.chmod(0o755)
    return sqlreport.section(sql.run(d, mode, build, only), mode)


def dhcp_part(top, mode, build, only, parts):
    """The DHCP section's lines (bench/dhcp.py), or None: not asked, or
    not root (it makes network namespaces)."""
    if "dhcp" not in parts:
        return None
    if os.geteuid() != 0:
        print("dhcp: skipped (needs root for its network namespaces)",
              flush=True)
        return None
    print("DHCP: banchi-dhcp, Kea, dnsmasq (%s mode)" % mode, flush=True)
    d = top / "dhcp"
    d.mkdir()
    d.chmod(0o755)
    return dhcp.section(dhcp.run(d, mode, build, only), mode)


def xfr_part(top, mode, build, only, parts):
    """The transfer benchmark's markdown lines, or None when not asked."""
    if "xfr" not in parts:
        return None
    print("zone transfers (%s mode)" % mode, flush=True)
    d = top / "xfr"
    d.mkdir()
    d.chmod(0o755)
    return xfr.section(xfr.run(d, mode, build, only))


def secondary_part(top, mode, build, only, parts):
    """The secondary section's lines (bench/secondary.py), or None."""
    if "secondary" not in parts:
        return None
    print("secondaries: IXFR in, AXFR floor (%s mode)" % mode, flush=True)
    d = top / "secondary"
    d.mkdir()
    d.chmod(0o755)
    return secondary.section(secondary.run(d, mode, build, only), mode)


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


def on_term(signum, frame):
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "doc" / "benchmarks.md"))
    ap.add_argument("--only", nargs="*", help="servers (debugging)")
    ap.add_argument("--parts",
                    default="auth,xfr,secondary,resolver,resolver-dnssec,"
                    "keytrap,updates,sql,dhcp",
                    help="auth, xfr, secondary, resolver, resolver-dnssec, "
                    "keytrap, updates, sql, dhcp, comma-separated")
    a = ap.parse_args()
    parts = a.parts.split(",")
    need = ("dnsperf", "taskset") + (
        ("nsd", "knotd", "named", "pdns_server", "gnuplot")
        if "auth" in parts else ()) + (
        ("nsd", "knotd", "kdig") if "xfr" in parts else ()) + (
        ("nsd", "knotd", "knotc", "named") if "secondary" in parts
        else ()) + (
        ("knotd", "named") if "updates" in parts else ()) + (
        ("dnssec-signzone",) if "keytrap" in parts or
        "resolver-dnssec" in parts else ()) + (
        ("pdns_server", "pdnsutil", "psql", "runuser") if "sql" in parts
        else ()) + (dhcp.NEED if "dhcp" in parts else ())
    for tool in need:
        if not shutil.which(tool):
            sys.exit("bench: missing %s (make deps)" % tool)
    build = Path(a.build)
    build = build if build.is_absolute() else (Path.cwd() / build)
    mode = "quick" if a.quick else "full"
    signal.signal(signal.SIGTERM, on_term)
    top = Path(tempfile.mkdtemp(prefix="banchi-bench-"))
    top.chmod(0o755)
    t0 = time.monotonic()
    results = {}
    try:
        for size in MODES[mode][0] if "auth" in parts else ():
            results[size] = one_size(top, size, mode, build, a.only)
        xsec = xfr_part(top, mode, build, a.only, parts)
        ssec = secondary_part(top, mode, build, a.only, parts)
        res = resolver_part(top, mode, build, a.only, parts)
        rds = resolver_dnssec_part(top, mode, build, a.only, parts)
        kts = keytrap_part(top, mode, build, a.only, parts)
        upd = updates_part(top, mode, build, a.only, parts)
        sqs = sql_part(top, mode, build, a.only, parts)
        dhs = dhcp_part(top, mode, build, a.only, parts)
        out = Path(a.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not results:
            write_sections_only(out, [
                (xsec, xfr.XFR_BEGIN, xfr.XFR_END),
                (ssec, secondary.BEGIN, secondary.END),
                (res, report.RES_BEGIN, report.RES_END),
                (rds, resolver_dnssec.BEGIN, resolver_dnssec.END),
                (kts, keytrap.BEGIN, keytrap.END),
                (upd, updates.BEGIN, updates.END),
                (sqs, sqlreport.BEGIN, sqlreport.END),
                (dhs, dhcp.BEGIN, dhcp.END)], mode)
            return
        md = report.markdown(results, mode, MODES[mode], sys.argv,
                             time.monotonic() - t0, res, xsec, upd, ssec,
                             sqs, kts, dhs, rds)
        out.write_text(md)
        report.chart(results, out.with_suffix(".png"), top)
        print(md)
        print("wrote %s and %s" % (out, out.with_suffix(".png")))
    finally:
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
