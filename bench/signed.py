"""The signed-zone row of `make bench` (issue 13): the bench zone of
bench/gen.py (20k records quick, 1M full) signed by dnssec-signzone
(algorithm 13, NSEC3 without salt and with 0 iterations, RFC 9276), served
by banchi-auth, NSD and Knot DNS (one worker pinned to core 1), driven by
dnsperf on core 0 with the main bench's mix where half the queries carry
DO=1. The signed file is cached under bench/out/signed-cache, keyed by the
unsigned zone's hash and the signing parameters, and reused while its
signatures have more than a week left (signing 1M records takes minutes)."""

import hashlib
import json
import os
import random
import shutil
import struct
import subprocess
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

import gen
import measure
import peers

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("BANCHI_SIGNED_CACHE",
                            ROOT / "bench" / "out" / "signed-cache"))
SERVER_CORE, CLIENT_CORE = "1", "0"
BEGIN, END = "<!-- signed -->", "<!-- /signed -->"
NEED = ("dnssec-signzone", "dnssec-keygen", "nsd", "knotd")
# Changing how the zone is signed changes the cache key.
SIGNING = ["-3", "-", "-H", "0", "-O", "full"]
VALID_S, KEEP_S = 30 * 86400, 7 * 86400
MODES = {
    # records, rounds, seconds per run, seconds of the latency run
    "quick": (20000, 2, 2, 1),        # signing: seconds, not minutes
    "full": (1000000, 3, 6, 2),
}
SERVERS = [("banchi-auth", peers.banchi), ("nsd", peers.nsd),
           ("knot", peers.knot)]
PEERS = ("nsd", "knot")


def _run(args, cwd, timeout):
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True,
                       timeout=timeout)
    if r.returncode:
        raise RuntimeError("%s: %s" % (" ".join(args), r.stderr[-2000:]))
    return r.stdout


def _key(zone):
    h = hashlib.sha256()
    with open(zone, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    h.update(" ".join(["13", gen.ORIGIN] + SIGNING).encode())
    return h.hexdigest()[:16]


def _fresh(d):
    """The cached entry's metadata if its signatures last long enough."""
    try:
        meta = json.loads((d / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    if meta.get("expires", 0) - time.time() < KEEP_S:
        return None
    if not (d / meta.get("file", "-")).exists():
        return None
    return meta


def _records(path):
    """Records in a -O full file (one a line, comments start with ;)."""
    with open(path, "rb") as f:
        return sum(1 for ln in f if ln.strip() and not ln.startswith(b";"))


def _prune():
    """Drops cache entries whose signatures are too old to use and
    leftovers of interrupted signings (an hour old): 450 MB each at 1M."""
    for d in CACHE.iterdir() if CACHE.is_dir() else ():
        stale = (time.time() - d.stat().st_mtime > 3600 if ".tmp" in d.name
                 else not _fresh(d))
        if stale:
            shutil.rmtree(d, ignore_errors=True)


def sign(zone):
    """(signed zone path, metadata {sign_s, signed_at, expires, cached}):
    from the cache, or signed now (keys made in the cache entry, the
    entry written whole or not at all)."""
    d = CACHE / _key(zone)
    meta = _fresh(d)
    if meta:
        meta["cached"] = True
        return d / meta["file"], meta
    _prune()
    tmp = CACHE / (d.name + ".tmp%d" % os.getpid())
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        for ksk in (True, False):
            _run(["dnssec-keygen", "-q", "-K", ".", "-a", "13", "-n",
                  "ZONE"] + (["-f", "KSK"] if ksk else []) + [gen.ORIGIN],
                 tmp, 60)
        now = time.time()
        t = time.monotonic()
        _run(["dnssec-signzone", "-q", "-S", "-K", ".", "-o", gen.ORIGIN,
              "-f", "zone.signed", "-s", "now-3600", "-e",
              "now+%d" % VALID_S, "-n", "2"] + SIGNING + [str(zone)],
             tmp, 3600)
        meta = {"file": "zone.signed", "sign_s": time.monotonic() - t,
                "signed_at": now, "expires": now + VALID_S,
                "bytes": (tmp / "zone.signed").stat().st_size,
                "records": _records(tmp / "zone.signed")}
        (tmp / "zone.signed").chmod(0o644)
        (tmp / "meta.json").write_text(json.dumps(meta) + "\n")
        shutil.rmtree(d, ignore_errors=True)
        tmp.rename(d)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    meta["cached"] = False
    return d / meta["file"], meta


def make_queries(path, nm, n=100000, seed=gen.SEED):
    """The main bench's mix (gen.pick, half in mixed case) where half the
    queries carry EDNS with DO=1, a quarter EDNS without DO and a quarter
    no EDNS: written in the file, so one dnsperf sends the mix exactly
    (dnsperf -D would set DO on every query)."""
    rnd = random.Random(seed + 1)
    out = bytearray()
    for qid in range(n):
        name, qtype = gen.pick(rnd, nm)
        if rnd.random() < 0.5:
            name = gen.mixed_case(rnd, name)
        do = rnd.random() < 0.5
        q = gen.wire_query(qid & 0xffff, name, qtype,
                           do or rnd.random() < 0.5, dnssec_ok=do)
        out += struct.pack("!H", len(q)) + q
    path.write_bytes(bytes(out))


def _shape(where, name, qtype):
    """What a DO answer holds: rcode, RRSIGs in answer, NSEC3 and RRSIGs
    in authority, TC; None when unanswered."""
    q = dns.message.make_query(name, qtype, use_edns=0, payload=1232,
                               want_dnssec=True)
    q.flags = 0
    try:
        r = dns.query.udp(q, where[0], port=where[1], timeout=2.0)
    except Exception:  # noqa: BLE001  (a check, not the measurement)
        return None

    def count(sec, t):
        return sum(len(s) for s in sec if s.rdtype == t)
    return (r.rcode(), count(r.answer, dns.rdatatype.RRSIG),
            count(r.authority, dns.rdatatype.NSEC3),
            count(r.authority, dns.rdatatype.RRSIG),
            bool(r.flags & dns.flags.TC))


def do_check(started, nm):
    """Asks each server the same DO questions (a positive answer, an
    NXDOMAIN, a NODATA, a referral); {name: [shape]}."""
    qs = [(nm.plain_a[0], "A"), ("nx-signed-check." + gen.ORIGIN, "A"),
          (nm.nodata[-1][0], nm.nodata[-1][1])]
    if nm.cuts:
        qs.append(("www." + nm.cuts[0], "A"))
    return {name: [_shape(p.where, n, t) for n, t in qs]
            for name, (p, _, _) in started.items()}


def start(top, zone, probe, started, build, only):
    """Starts each server on the signed zone into started (as bench.py's
    start_all: {name: (proc, start_s, (pss, rss))})."""
    pin = ["taskset", "-c", SERVER_CORE]
    for name, fn in SERVERS:
        if only and name not in only:
            continue
        d = top / name
        d.mkdir()
        d.chmod(0o755)
        p = fn(d, gen.ORIGIN, zone, peers.free_port(), pin, build)
        started[name] = (p, None, None)
        t = p.wait_correct(probe, limit=900)
        time.sleep(0.5)
        measure.pin_tree(p.pid, SERVER_CORE)
        started[name] = (p, t, measure.tree_memory(p.pid))
        print("  %-12s first correct answer after %6.2f s, PSS %7.1f MiB, "
              "RSS %7.1f MiB" % ((name, t) + started[name][2]), flush=True)


def run(top, mode, build, only=None):
    """{"stats": {name: figures}, "check": {name: shapes}, "zone": info,
    "params"}."""
    size, nrounds, seconds, lat_s = MODES[mode]
    unsigned = top / "bench-unsigned.zone"
    nm = gen.make_zone(unsigned, size)
    zone, meta = sign(unsigned)
    print("  signed zone: %s records, %s (signing took %.0f s%s)" % (
        "{:,}".format(meta["records"]), zone,
        meta["sign_s"], ", cached" if meta["cached"] else ""), flush=True)
    qfile = top / "queries-signed.bin"
    make_queries(qfile, nm)
    started = {}
    try:
        start(top, zone, nm.probe, started, build, only)
        check = do_check(started, nm)
        stats = measure.rounds(started, qfile, nrounds, seconds, lat_s,
                               SERVER_CORE, CLIENT_CORE)
        for name, (_, t0, mem) in started.items():
            stats[name]["start_s"] = t0
            stats[name]["pss"], stats[name]["rss"] = mem
    finally:
        for p, _, _ in started.values():
            p.stop(timeout=10)
            shutil.copy(p.log, top / ("signed-%s.log" % p.name))
    return {"stats": stats, "check": check, "zone": meta, "size": size,
            "params": MODES[mode]}


def _f(x, fmt="%.0f"):
    return "-" if x is None or x != x else fmt % x


def _shape_text(s):
    if s is None:
        return "no answer"
    rcode, ans_sigs, nsec3, auth_sigs, tc = s
    out = "%s, %d+%d RRSIG" % (dns.rcode.to_text(rcode), ans_sigs,
                               auth_sigs)
    if nsec3:
        out += ", %d NSEC3" % nsec3
    return out + (", TC" if tc else "")


def _targets(stats, size):
    b = stats.get("banchi-auth")
    have = [p for p in PEERS if p in stats]
    if not b or not have:
        return []
    out = ["| target (issue 13), %s records signed | banchi-auth | "
           "reference | ratio | met |" % "{:,}".format(size),
           "|---|---|---|---|---|"]

    def row(what, key, goal, low):
        v, p = (min if low else max)((stats[p][key], p) for p in have)
        r = b[key] / v if v else float("nan")
        ok = r <= goal if low else r >= goal
        out.append("| %s | %.4g | %.4g (%s) | %.2f | %s |" % (
            what, b[key], v, p, r, "yes" if ok else "**no**"))
    row("answers per CPU-s ≥ 1.2× the better of NSD, Knot", "per_cpu",
        1.2, False)
    row("memory (PSS) ≤ 0.8× the leaner", "pss", 0.8, True)
    row("memory (RSS) ≤ 0.8× the leaner", "rss", 0.8, True)
    row("load (start to first answer) ≤ 0.5× the faster", "start_s", 0.5,
        True)
    return out


def section(res):
    """The markdown lines of the signed-zone row."""
    size, nrounds, seconds, lat_s = res["params"]
    z, stats = res["zone"], res["stats"]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(z["signed_at"]))
    w = [BEGIN, "## Signed zone (NSEC3), DO=1 on half the queries", "",
         "- Zone: bench/gen.py's zone of %s records signed by "
         "dnssec-signzone (BIND 9.18; algorithm 13, KSK and ZSK; NSEC3 "
         "without salt, 0 iterations, no opt-out: RFC 9276; `-O full`, "
         "one record a line): %s records, %.0f MB. Signing took %.0f s "
         "(`-n 2`, on %s; %s)." % (
             "{:,}".format(size), "{:,}".format(z["records"]),
             z["bytes"] / 1e6, z["sign_s"], when,
             "reused from bench/out/signed-cache" if z["cached"]
             else "signed in this run and cached in bench/out/signed-cache"),
         "- Queries: the main bench's mix (100,000 queries, same seed) "
         "where half the queries carry EDNS (1232) with DO=1, a quarter "
         "EDNS without DO and a quarter no EDNS; the DO bit is written in "
         "the `-B` file, so one dnsperf sends the exact mix (`-D` would "
         "set DO on all of them).",
         "- As the main bench: one worker each, pinned to core 1, dnsperf "
         "(`-c 4 -q 200 -T 1`) on core 0, %d interleaved rounds of %d s, "
         "QPS median (min–max), answers per server CPU-second "
         "(utime+stime of the process tree), p99 from a %d s `-v` run. "
         "Load: exec to the first correct answer (polled every 20 ms); "
         "memory: PSS and RSS of the process tree 0.5 s after it."
         % (nrounds, seconds, lat_s), ""]
    if stats:
        w += ["| server | QPS median | QPS min–max | answers per server "
              "CPU-s | server CPU % | dnsperf CPU % | avg latency ms | p99 "
              "latency ms | lost | load s | PSS MiB | RSS MiB |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for name, s in stats.items():
            w.append("| %s | %s | %s–%s | %s | %s | %s | %s | %s | %d of "
                     "%d | %s | %s | %s |" % (
                         name, _f(s["qps"]), _f(s["qps_min"]),
                         _f(s["qps_max"]), _f(s["per_cpu"]),
                         _f(s["server_pct"]), _f(s["client_pct"]),
                         _f(s["avg_ms"], "%.3f"), _f(s["p99_ms"], "%.3f"),
                         s["lost"], s["sent"], _f(s["start_s"], "%.2f"),
                         _f(s["pss"], "%.1f"), _f(s["rss"], "%.1f")))
        t = _targets(stats, size)
        if t:
            w += [""] + t
            if size < 10**6:
                w += ["", "The issue's row is about the 1M-record zone "
                      "(`make bench`, full mode); this quick run signs "
                      "%s records." % "{:,}".format(size)]
    w += ["", "DO answers of each server before the rounds (rcode, RRSIGs "
          "in answer+authority, NSEC3 records in authority):", "",
          "| server | positive A | NXDOMAIN | NODATA | referral |",
          "|---|---|---|---|---|"]
    for name, shapes in res["check"].items():
        cells = [_shape_text(s) for s in shapes] + ["–"] * (4 - len(shapes))
        w.append("| %s | %s |" % (name, " | ".join(cells)))
    w += ["", "NSD's positive answers carry the apex NS set and its RRSIG "
          "in the authority section, Knot's and banchi-auth's do not "
          "(minimal responses)."]
    return w + ["", END]
