#!/usr/bin/python3
"""What running banchi-auth for real costs (issue 15's performance rows):
the bench zone and query mix of bench/bench.py, one worker pinned to
core 1, dnsperf pinned to core 0, in interleaved rounds: plain, with the
metrics endpoint on (scraped every second during the run), with dnstap
to fstrm_capture (a reader that keeps up, on dnsperf's core); then a
reload under full load: dnsperf for S seconds while, a second after the
last reload ended, the zone file is replaced by one of another serial
and `banchi-ctl reload` runs; the lost queries are dnsperf's count (no
answer within 2 s), next to a run of the same length without reloads.
Part "ops" of bench/bench.py; alone: bench/ops.py [--build DIR]
[--quick]"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen  # noqa: E402
import measure  # noqa: E402
import peers  # noqa: E402

SERVER_CORE, CLIENT_CORE = "1", "0"
BEGIN, END = "<!-- ops -->", "<!-- /ops -->"
# records, rounds, seconds per round, seconds of the reload runs
PARAMS = {"quick": (100000, 3, 3, 10), "full": (100000, 5, 6, 30)}
TARGET = {"metrics on": 95.0, "dnstap on": 85.0}   # % of plain


def start(d, zone, build, extra, nm):
    d.mkdir()
    d.chmod(0o777)
    port = peers.free_port()
    argv = ["taskset", "-c", SERVER_CORE, str(build / "banchi-auth"),
            "--listen", "127.0.0.1:%d" % port, "--zone",
            "%s=%s" % (gen.ORIGIN, zone), "--threads", "1"] + extra
    p = peers.Proc(d.name, argv, port, d)
    p.wait_correct(nm.probe, limit=300)
    return p


class Scraper(threading.Thread):
    """GETs the metrics page every second until stopped."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.url = "http://127.0.0.1:%d/metrics" % port
        self.stop_at = threading.Event()
        self.n = 0

    def run(self):
        while not self.stop_at.wait(1.0):
            with urllib.request.urlopen(self.url, timeout=5) as r:
                r.read()
            self.n += 1


def qps_rounds(procs, qfile, nrounds, seconds, mport):
    qps = {name: [] for name in procs}
    scrapes = 0
    pin = ["taskset", "-c", CLIENT_CORE]
    for r in range(nrounds):
        for name, p in procs.items():
            sc = Scraper(mport) if name == "metrics on" else None
            if sc:
                sc.start()
            res = measure.dnsperf(p.where, qfile, seconds, pin)
            if sc:
                sc.stop_at.set()
                sc.join(10)
                scrapes += sc.n
            qps[name].append(res["qps"])
            print("round %d %-11s %9.0f QPS (%d lost)" % (
                r + 1, name, res["qps"], res["lost"]), flush=True)
    return qps, scrapes


def reloads(p, sock, zone, versions, qfile, seconds, build):
    """dnsperf for seconds with a reload a second after the last one
    ended (versions: zone
    files of other serials, renamed over zone in turn); its result and
    the reloads done and failed."""
    done, failed = [], []

    def loop(stop):
        i = 0
        while not stop.wait(1.0):
            shutil.copyfile(versions[i % len(versions)], str(zone) + ".new")
            Path(str(zone) + ".new").rename(zone)
            t0 = time.monotonic()
            r = subprocess.run([str(build / "banchi-ctl"), "-s", str(sock),
                                "reload"], capture_output=True, timeout=60)
            (done if r.returncode == 0 else failed).append(
                time.monotonic() - t0)
            i += 1
    stop = threading.Event()
    th = threading.Thread(target=loop, args=(stop,), daemon=True)
    th.start()
    try:
        res = measure.dnsperf(p.where, qfile, seconds,
                              ["taskset", "-c", CLIENT_CORE])
    finally:
        stop.set()
        th.join(70)
    return res, done, failed


def run(top, mode, build):
    records, nrounds, seconds, rsec = PARAMS[mode]
    load = os.getloadavg()[0]
    zone = top / "bench.zone"
    nm = gen.make_zone(zone, records)
    zone.chmod(0o644)
    qfile = top / "queries.bin"
    gen.make_queries(qfile, nm)
    sock = top / "tap.sock"
    cap = subprocess.Popen(["taskset", "-c", CLIENT_CORE, "fstrm_capture",
                            "-t", "protobuf:dnstap.Dnstap", "-u", str(sock),
                            "-w", str(top / "tap.fstrm")],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    procs = {}
    try:
        for _ in range(100):
            if sock.exists():
                break
            time.sleep(0.05)
        mport = peers.free_port()
        runs = {"plain": ["--control", "none"],
                "metrics on": ["--control", "none", "--metrics",
                               str(mport)],
                "dnstap on": ["--control", "none", "--dnstap",
                              "unix:%s" % sock]}
        for name, extra in runs.items():
            procs[name] = start(top / name.replace(" ", "-"), zone, build,
                                extra, nm)
        qps, scrapes = qps_rounds(procs, qfile, nrounds, seconds, mport)
        for p in procs.values():
            p.stop()
        procs = {}
        # the reload runs: a copy of the zone and two more serials
        d = top / "reload-data"
        d.mkdir()
        d.chmod(0o755)
        rzone = d / "bench.zone"
        text = zone.read_text()
        soa = "@ SOA ns1 hostmaster 1 "
        versions = []
        for serial in (2, 3):
            v = d / ("v%d" % serial)
            v.write_text(text.replace(soa, soa.replace(" 1 ", " %d " %
                                                       serial), 1))
            v.chmod(0o644)
            versions.append(v)
        shutil.copyfile(zone, rzone)
        rzone.chmod(0o644)
        csock = top / "reload" / "auth.ctl"
        procs["reload"] = p = start(top / "reload", rzone, build,
                                    ["--control", str(csock)], nm)
        quiet = measure.dnsperf(p.where, qfile, rsec,
                                ["taskset", "-c", CLIENT_CORE])
        print("no reload   %9.0f QPS (%d lost)" % (quiet["qps"],
                                                   quiet["lost"]),
              flush=True)
        loaded, done, failed = reloads(p, csock, rzone, versions, qfile,
                                       rsec, build)
        print("reloads     %9.0f QPS (%d lost), %d reloads, %d failed" % (
            loaded["qps"], loaded["lost"], len(done), len(failed)),
              flush=True)
        return {"params": PARAMS[mode], "load": load, "qps": qps,
                "scrapes": scrapes,
                "quiet": quiet, "loaded": loaded, "done": done,
                "failed": failed}
    finally:
        for p in procs.values():
            p.stop()
        cap.send_signal(signal.SIGINT)
        cap.wait(10)


def _row(name, v, base):
    m = statistics.median(v)
    pct = 100 * m / base
    target = TARGET.get(name)
    verdict = "" if target is None else (
        "≥ %.0f%%: %s" % (target, "met" if pct >= target else "missed"))
    return "| %s | %.0f (%.0f–%.0f) | %.1f%% | %s |" % (
        name, m, min(v), max(v), pct, verdict)


def section(res, mode):
    records, nrounds, seconds, rsec = res["params"]
    qps = res["qps"]
    base = statistics.median(qps["plain"])
    w = [BEGIN, "## Metrics, dnstap and reload under load", "",
         "- banchi-auth on the %s-record bench zone and query mix, "
         "`--threads 1` pinned to core %s, dnsperf (`-c 4 -q 200 -T 1`) "
         "on core %s; %d interleaved rounds of %d s (bench/ops.py)."
         % ("{:,}".format(records), SERVER_CORE, CLIENT_CORE, nrounds,
            seconds),
         "- metrics on: `--metrics PORT`, the page fetched every second "
         "during each run (%d fetches in all); dnstap on: `--dnstap "
         "unix:PATH` to `fstrm_capture` pinned with dnsperf (a reader "
         "that keeps up)." % res["scrapes"],
         "- Load average (1 min) when it started: %.2f on %d cores (above "
         "0.5, other work was running: the ratios carry its noise)."
         % (res["load"], os.cpu_count()),
         "", "| run | QPS median (min–max) | of plain | target |",
         "|---|---|---|---|"]
    for name in qps:
        w.append(_row(name, qps[name], base))
    q, ld = res["quiet"], res["loaded"]
    done = res["done"]
    w += ["", "Reload under full load: dnsperf for %d s at full speed; "
          "a second after the last reload ended, the zone file replaced "
          "by one of another serial (all %s records re-read, on the "
          "worker's core) and `banchi-ctl reload`; lost = "
          "dnsperf's queries without an answer within 2 s." %
          (rsec, "{:,}".format(records)), "",
          "| run | QPS | completed | lost | reloads (failed) | reload "
          "time median (max) |", "|---|---|---|---|---|---|",
          "| no reload | %.0f | %d | %d | – | – |" % (
              q["qps"], q["completed"], q["lost"]),
          "| reloads | %.0f | %d | %d | %d (%d) | %s |" % (
              ld["qps"], ld["completed"], ld["lost"], len(done),
              len(res["failed"]),
              "%.0f ms (%.0f ms)" % (1000 * statistics.median(done),
                                     1000 * max(done)) if done else "–")]
    return w + ["", END]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    mode = "quick" if a.quick else "full"
    top = Path(tempfile.mkdtemp(prefix="banchi-ops-bench-"))
    top.chmod(0o755)
    try:
        print("\n".join(section(run(top, mode, Path(a.build).resolve()),
                                mode)))
    finally:
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
