"""The zone transfer part of the benchmark (bench/bench.py --parts xfr):
AXFR of the bench zone (bench/gen.py; 1M records, 100k in quick mode)
out of banchi-auth, NSD and Knot DNS, each pinned to the server core.
The client is banchi-xfr-drain (bench/xfr_drain.c, on the other core),
which only reads, so the time is the server's; kdig, which parses and
prints every record, is timed once per round too. Server CPU per
transfer from /proc (several transfers per sample: a tick is 10 ms)."""

import shutil
import statistics
import subprocess
import time

import gen
import measure
import peers

SERVER_CORE, CLIENT_CORE = "1", "0"
NAMES = ("banchi-auth", "nsd", "knot")
STARTERS = {"banchi-auth": peers.banchi, "nsd": peers.nsd,
            "knot": peers.knot}
MODES = {
    # zone size, rounds, drained transfers per round
    "quick": (100000, 2, 5),
    "full": (1000000, 3, 3),
}


def drain(build, where):
    """One transfer: (seconds, messages, records, octets)."""
    p = subprocess.run(["taskset", "-c", CLIENT_CORE,
                        str(build / "bench" / "banchi-xfr-drain"),
                        where[0], str(where[1]), gen.ORIGIN],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("xfr drain from %s:%d: %s" % (
            where[0], where[1], p.stderr.strip()))
    f = p.stdout.split()
    return float(f[0]), int(f[1]), int(f[2]), int(f[3])


def kdig(where):
    """Seconds of one `kdig AXFR > /dev/null`."""
    t = time.monotonic()
    subprocess.run("taskset -c %s kdig +noall +answer -p %d @%s %s AXFR "
                   "> /dev/null" % (CLIENT_CORE, where[1], where[0],
                                    gen.ORIGIN),
                   shell=True, check=True, timeout=300)
    return time.monotonic() - t


def one_round(build, p, ntransfers):
    c0 = measure.tree_cpu(p.pid)
    runs = [drain(build, p.where) for _ in range(ntransfers)]
    cpu = (measure.tree_cpu(p.pid) - c0) / ntransfers
    return {"wall": statistics.median(r[0] for r in runs), "cpu": cpu,
            "msgs": runs[0][1], "rrs": runs[0][2], "octets": runs[0][3],
            "kdig": kdig(p.where)}


def start(top, zone, probe, build, only, started):
    for name in NAMES:
        if only and name not in only:
            continue
        d = top / name
        d.mkdir()
        d.chmod(0o755)
        started[name] = STARTERS[name](
            d, gen.ORIGIN, zone, peers.free_port(),
            ["taskset", "-c", SERVER_CORE], build, xfr=True)
        t = started[name].wait_correct(probe, limit=300)
        measure.pin_tree(started[name].pid, SERVER_CORE)
        print("  %-12s serving after %.1f s" % (name, t), flush=True)


def run(top, mode, build, only):
    """{"params": (size, rounds, transfers), "stats": {name: {...}}}."""
    size, nrounds, ntr = MODES[mode]
    zone = top / "xfr.zone"
    nm = gen.make_zone(zone, size)
    zone.chmod(0o644)
    started, runs = {}, {}
    try:
        start(top, zone, nm.probe, build, only, started)
        for r in range(nrounds):
            for name, p in started.items():
                measure.pin_tree(p.pid, SERVER_CORE)
                x = one_round(build, p, ntr)
                runs.setdefault(name, []).append(x)
                print("  round %d %-12s AXFR %.3f s  server CPU %.3f s  "
                      "kdig %.2f s  %d messages %d records %d octets" % (
                          r + 1, name, x["wall"], x["cpu"], x["kdig"],
                          x["msgs"], x["rrs"], x["octets"]), flush=True)
    finally:
        for p in started.values():
            p.stop(timeout=5)
            shutil.copy(p.log, top / ("xfr-%s.log" % p.name))
    stats = {n: {k: statistics.median(x[k] for x in rs)
                 for k in rs[0]} for n, rs in runs.items()}
    return {"params": (size, nrounds, ntr), "stats": stats}


def _ratio(v, ref):
    return "%.2f" % (v / ref) if ref else "-"


def section(res):
    """Markdown lines: the table, ratios to banchi-auth, the target."""
    size, nrounds, ntr = res["params"]
    st = res["stats"]
    b = st.get("banchi-auth")
    w = [XFR_BEGIN, "## Zone transfer (AXFR), %s records" %
         "{:,}".format(size), "",
         "The bench zone (bench/gen.py) out of each server, one worker, "
         "pinned to core %s; %d interleaved rounds of %d transfers to "
         "`banchi-xfr-drain` on core %s (reads the stream, looks only at "
         "record types: the server's time) and one `kdig AXFR > "
         "/dev/null` (parses and prints every record: the client's time). "
         "Medians over rounds; server CPU is utime+stime per transfer; "
         "× banchi = this server's figure / banchi-auth's."
         % (SERVER_CORE, nrounds, ntr, CLIENT_CORE), "",
         "| server | AXFR s (drain) | × banchi | server CPU s per transfer "
         "| × banchi | kdig s | messages | records | octets |",
         "|---|---|---|---|---|---|---|---|---|"]
    for name, s in st.items():
        w.append("| %s | %.3f | %s | %.3f | %s | %.2f | %d | %d | %d |" % (
            name, s["wall"], _ratio(s["wall"], b and b["wall"]), s["cpu"],
            _ratio(s["cpu"], b and b["cpu"]), s["kdig"], s["msgs"],
            s["rrs"], s["octets"]))
    peers_ = [(st[n]["wall"], n) for n in st if n != "banchi-auth"]
    if b and peers_:
        v, n = min(peers_)
        r = b["wall"] / v
        w += ["", "Target (issue): AXFR time ≤ 0.5× the fastest peer's: "
              "banchi-auth %.3f s, %s %.3f s, ratio %.2f: %s." % (
                  b["wall"], n, v, r, "met" if r <= 0.5 else "**not met**")]
        if any(st[n]["rrs"] != b["rrs"] for n in st):
            w.append("**Record counts differ between servers.**")
    return w + ["", XFR_END]


XFR_BEGIN, XFR_END = "<!-- xfr -->", "<!-- /xfr -->"
