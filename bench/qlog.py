#!/usr/bin/python3
"""The query logs' cost on banchi-auth (doc/query-log.md): the bench
zone and query mix of bench/bench.py, one worker pinned to core 1, and
dnsperf pinned to core 0 against banchi-auth with the logs off, with
dnstap to fstrm_capture (a reader that keeps up, pinned to core 0 with
dnsperf) and with the text log to a file, in interleaved rounds of
dnsperf -l SECONDS; also dnstap to a file (no reader: the daemon's own
cost). Prints the QPS of each round, the medians and the
ratios to off, and what the metrics say was written and dropped.
With --base BINARY, a banchi-auth built without the query logs (the
commit before them) runs in the rounds too: the cost of the logs off.
Usage: bench/qlog.py [--build DIR] [--rounds N] [--seconds S]
       [--records N] [--base BINARY]"""

import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen  # noqa: E402
import measure  # noqa: E402
import peers  # noqa: E402

SERVER_CORE, CLIENT_CORE = "1", "0"


def metrics(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                timeout=5) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not ("dnstap" in line or
                                        "query_log" in line):
            continue
        k, v = line.rsplit(" ", 1)
        out[k.replace("banchi_auth_", "")] = int(float(v))
    return out


def start(top, name, zone, build, extra, nm, binary=None):
    """banchi-auth as bench/peers.py starts it (one worker, pinned), with
    the metrics on and extra (@DIR@: its folder)."""
    d = top / name
    d.mkdir()
    d.chmod(0o777)
    port, mport = peers.free_port(), peers.free_port()
    argv = ["taskset", "-c", SERVER_CORE,
            str(binary or build / "banchi-auth"),
            "--listen", "127.0.0.1:%d" % port, "--zone",
            "%s=%s" % (gen.ORIGIN, zone), "--threads", "1", "--control",
            "none", "--metrics", str(mport)]
    argv += [x.replace("@DIR@", str(d)) for x in extra]
    p = peers.Proc(name, argv, port, d)
    p.wait_correct(nm.probe, limit=300)
    return p, mport


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--records", type=int, default=100000)
    ap.add_argument("--base", help="banchi-auth without the query logs")
    a = ap.parse_args()
    build = Path(a.build).resolve()
    top = Path(tempfile.mkdtemp(prefix="banchi-qlog-bench-"))
    top.chmod(0o755)
    procs, cap = [], None
    try:
        zone = top / "bench.zone"
        nm = gen.make_zone(zone, a.records)
        zone.chmod(0o644)
        qfile = top / "queries.bin"
        gen.make_queries(qfile, nm)
        sock = top / "tap.sock"
        cap = subprocess.Popen(["taskset", "-c", CLIENT_CORE,
                                "fstrm_capture", "-t",
                                "protobuf:dnstap.Dnstap", "-u", str(sock),
                                "-w", str(top / "tap.fstrm")],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        for _ in range(100):
            if sock.exists():
                break
            time.sleep(0.05)
        runs = {
            "off": [],
            "dnstap": ["--dnstap", "unix:%s" % sock],
            "dnstap file": ["--dnstap", "file:@DIR@/tap.fstrm"],
            "text log": ["--query-log", "@DIR@/queries.log"],
        }
        for name, extra in runs.items():
            procs.append((name,) + start(top, name.replace(" ", "-"),
                                         zone, build, extra, nm))
        if a.base:
            runs["base"] = []
            procs.insert(0, ("base",) + start(top, "base", zone, build, [],
                                              nm, Path(a.base).resolve()))
        qps = {name: [] for name in runs}
        pin = ["taskset", "-c", CLIENT_CORE]
        for r in range(a.rounds):
            for name, p, _ in procs:
                res = measure.dnsperf(p.where, qfile, a.seconds, pin)
                qps[name].append(res["qps"])
                print("round %d %-11s %9.0f QPS (%d lost)" % (
                    r + 1, name, res["qps"], res["lost"]), flush=True)
        base = statistics.median(qps["off"])
        for name, p, mport in procs:
            m = statistics.median(qps[name])
            print("%-11s median %9.0f QPS  %5.1f%% of off  %s" % (
                name, m, 100 * m / base, metrics(mport)), flush=True)
    finally:
        for _, p, _ in procs:
            p.stop()
        if cap:
            cap.send_signal(signal.SIGINT)
            cap.wait(10)
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
