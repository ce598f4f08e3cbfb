#!/usr/bin/python3
"""QPS of banchi-auth next to NSD and Knot DNS, measured with dnsperf on
one zone: each server pinned to core 1 with one worker, dnsperf pinned to
core 0, interleaved rounds; prints QPS and server CPU-seconds per run and
the medians (answers per server CPU-second is the fair figure when dnsperf
saturates first). Not a test; the full benchmark suite is a later issue.
Usage: bench/auth_qps.py [--build DIR] [--rounds N] [--seconds S]"""

import argparse
import os
import random
import re
import shutil
import statistics
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import servers  # noqa: E402

import dns.message  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def make_zone(path, hosts):
    w = ["$ORIGIN bench.test.", "$TTL 3600",
         "@ SOA ns1 hostmaster 1 7200 1800 1209600 300",
         "@ NS ns1", "@ NS ns2", "@ MX 10 mail", "ns1 A 192.0.2.1",
         "ns2 A 192.0.2.2", "mail A 192.0.2.25", "www CNAME host1",
         "*.wild A 192.0.2.80", "sub NS ns.sub", "ns.sub A 192.0.2.99"]
    for i in range(hosts):
        w.append("host%d A 10.%d.%d.%d" % (i, i >> 16 & 255, i >> 8 & 255,
                                           i & 255))
        if i % 4 == 0:
            w.append("host%d AAAA 2001:db8::%x:%x" % (i, i >> 16,
                                                       i & 0xffff))
    Path(path).write_text("\n".join(w) + "\n")
    Path(path).chmod(0o644)


def make_queries(path, hosts, n=100000, seed=7):
    """dnsperf -B file: length-prefixed wire queries, RD clear, a mix of
    hits, NODATA, NXDOMAIN, wildcard, CNAME and referral answers."""
    rnd = random.Random(seed)
    out = bytearray()
    for _ in range(n):
        k = rnd.random()
        if k < 0.6:
            name, t = "host%d.bench.test" % rnd.randrange(hosts), "A"
        elif k < 0.7:
            name, t = "host%d.bench.test" % rnd.randrange(hosts), "AAAA"
        elif k < 0.8:
            name, t = "nx%d.bench.test" % rnd.randrange(10**6), "A"
        elif k < 0.88:
            name, t = "w%d.wild.bench.test" % rnd.randrange(1000), "A"
        elif k < 0.94:
            name, t = "www.bench.test", "A"
        elif k < 0.97:
            name, t = "bench.test", "MX"
        else:
            name, t = "x.sub.bench.test", "A"
        q = dns.message.make_query(name, t, use_edns=0, payload=1232)
        q.flags = 0
        wire = q.to_wire()
        out += struct.pack("!H", len(wire)) + wire
    Path(path).write_bytes(bytes(out))


def tree_cpu(pid):
    """CPU seconds (user + system) of pid and its descendants."""
    kids = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            st = (p / "stat").read_text()
        except OSError:
            continue
        f = st[st.rindex(")") + 2:].split()
        kids.setdefault(int(f[1]), []).append((int(p.name), f))
    total, todo = 0, [pid]
    try:
        st = Path("/proc/%d/stat" % pid).read_text()
        f = st[st.rindex(")") + 2:].split()
        total += int(f[11]) + int(f[12])
    except OSError:
        return 0.0
    while todo:
        for cpid, f in kids.get(todo.pop(), []):
            total += int(f[11]) + int(f[12])
            todo.append(cpid)
    return total / TICK


def dnsperf(where, qfile, seconds):
    argv = ["taskset", "-c", "0", "dnsperf", "-B", "-d", str(qfile),
            "-s", where[0], "-p", str(where[1]), "-l", str(seconds),
            "-c", "4", "-q", "200", "-T", "1"]
    p = subprocess.run(argv, capture_output=True, text=True,
                       timeout=seconds + 60)
    m = re.search(r"Queries per second:\s+([\d.]+)", p.stdout)
    lost = re.search(r"Queries lost:\s+(\d+)", p.stdout)
    if not m:
        raise RuntimeError("dnsperf: " + p.stdout + p.stderr)
    return float(m.group(1)), int(lost.group(1)) if lost else -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--hosts", type=int, default=100000)
    a = ap.parse_args()
    for tool in ("dnsperf", "nsd", "knotd", "taskset"):
        if not shutil.which(tool):
            sys.exit("missing %s (apt-get install dnsperf nsd knot)" % tool)
    binary = Path(a.build) / "banchi-auth"
    if not binary.is_absolute():
        binary = ROOT / binary
    top = servers.world_dir("banchi-bench-")
    zone = top / "bench.test.zone"
    make_zone(zone, a.hosts)
    qfile = top / "queries.bin"
    make_queries(qfile, a.hosts)
    pin = ["taskset", "-c", "1"]
    started = {}
    try:
        for name, fn, kw in (
                ("banchi-auth", servers.start_banchi,
                 {"binary": binary, "threads": 1, "prefix": pin}),
                ("nsd", servers.start_nsd, {"prefix": pin}),
                ("knot", servers.start_knot, {"prefix": pin,
                                              "workers": 1})):
            d = top / name
            d.mkdir()
            d.chmod(0o755)
            started[name] = fn(d, [("bench.test", zone)], **kw)
        runs = {n: [] for n in started}
        print("| server | round | QPS | lost | server CPU-s | QPS per "
              "CPU-s |\n|---|---|---|---|---|---|")
        for r in range(a.rounds):
            for name, srv in started.items():
                c0 = tree_cpu(srv.pid)
                qps, lost = dnsperf(srv.where, qfile, a.seconds)
                cpu = tree_cpu(srv.pid) - c0
                per = qps * a.seconds / cpu if cpu > 0 else 0.0
                runs[name].append((qps, cpu, per))
                print("| %s | %d | %.0f | %d | %.2f | %.0f |" % (
                    name, r + 1, qps, lost, cpu, per), flush=True)
        print("\nmedians over %d rounds of %d s (server on core 1, one "
              "worker; dnsperf on core 0):" % (a.rounds, a.seconds))
        print("| server | QPS | server CPU-s | answers per CPU-s |\n"
              "|---|---|---|---|")
        for name, rs in runs.items():
            print("| %s | %.0f | %.2f | %.0f |" % (
                name, statistics.median(x[0] for x in rs),
                statistics.median(x[1] for x in rs),
                statistics.median(x[2] for x in rs)))
    finally:
        for s in started.values():
            s.stop(timeout=5)
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
