"""The dynamic UPDATE part of the benchmark (bench.py --parts updates):
banchi-auth, Knot DNS and BIND on one generated zone, each durable as by
default and allowing unsigned updates from 127.0.0.1, driven by
banchi-update-load (bench/update_load.c). Three rows: durable UPDATEs
per second with 1 and 16 in flight; query throughput (dnsperf) idle and
while 1,000 updates/s flow; memory before and after N updates, each
adding one name. Servers on core 1, load generators on core 0."""

import re
import shutil
import statistics
import subprocess
import time

import dns.message
import dns.query

import gen
import measure
import peers

SERVER_CORE, CLIENT_CORE = "1", "0"
# zone records, rounds, seconds per rate run, updates for the memory row
MODES = {"quick": (10000, 1, 1, 1000), "full": (1000000, 3, 5, 10000)}
LOADED_RATE = 1000              # updates/s during the loaded dnsperf runs
LOADED_CLIENTS = 32             # sockets sharing it: not capped by in-flight
ACL = "127.0.0.1/32"

DURABILITY = {
    "banchi-auth": "journal in --zone-dir, `fdatasync` per batch before "
                   "the answers (group commit; one writer thread)",
    "knot": "journal-content: changes (default), journal-db-mode: robust "
            "(default: LMDB syncs every commit, data then meta page); "
            "queued updates are applied and committed as one bulk; "
            "zonefile-sync: -1 (default 0 rewrites the zone file after "
            "each change)",
    "bind": "journal (default for a dynamic zone): each update its own "
            "transaction, `dns_journal_commit` does fflush+fsync of the "
            "data, then of the header; updates applied one at a time",
}


def start_banchi(d, zone, port, pin, build):
    argv = pin + [str(build / "banchi-auth"), "--listen",
                  "127.0.0.1:%d" % port, "--zone",
                  "%s=%s" % (gen.ORIGIN, zone), "--threads", "1",
                  "--allow-update", "%s=%s" % (gen.ORIGIN, ACL),
                  "--zone-dir", str(d / "zones"), "--allow-root"]
    return peers.Proc("banchi-auth", argv, port, d)


def start_knot(d, zone, port, pin, build):
    conf = ["server:", "  listen: 127.0.0.1@%d" % port,
            "  rundir: %s" % d, "  user: root",
            "  udp-workers: 1", "  tcp-workers: 1",
            "  background-workers: 1",
            "database:", "  storage: %s" % d,
            "acl:", "  - id: upd", "    address: 127.0.0.1",
            "    action: update",
            "template:", "  - id: default", "    storage: %s" % d,
            "    zonefile-sync: -1", "    journal-content: changes",
            "    semantic-checks: off", "zone:",
            "  - domain: %s" % gen.ORIGIN, "    file: %s" % zone,
            "    acl: upd"]
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return peers.Proc("knot", pin + ["knotd", "-c", str(d / "knot.conf")],
                      port, d)


def start_bind(d, zone, port, pin, build):
    conf = ['options { directory "%s"; listen-on port %d { 127.0.0.1; };'
            % (d, port),
            '  listen-on-v6 { none; }; recursion no; pid-file "%s/named.pid";'
            % d, "  notify no; };",
            'zone "%s" { type primary; file "%s"; allow-update { %s; }; };'
            % (gen.ORIGIN, zone, "127.0.0.1")]
    (d / "named.conf").write_text("\n".join(conf) + "\n")
    return peers.Proc("bind", pin + ["named", "-g", "-u", "root", "-n", "1",
                                     "-U", "1", "-c",
                                     str(d / "named.conf")], port, d)


SERVERS = [("banchi-auth", start_banchi), ("knot", start_knot),
           ("bind", start_bind)]


def load(build, where, clients, seconds, prefix, rate=0, count=0,
         background=False):
    """banchi-update-load on the client core; its parsed line, or the
    Popen when background (then parse(p.communicate()[0]))."""
    argv = ["taskset", "-c", CLIENT_CORE,
            str(build / "bench" / "banchi-update-load"), "-c", str(clients),
            "-t", str(seconds), "-p", prefix]
    if rate:
        argv += ["-r", str(rate)]
    if count:
        argv += ["-n", str(count)]
    argv += [where[0], str(where[1]), gen.ORIGIN]
    if background:
        return subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    p = subprocess.run(argv, capture_output=True, text=True,
                       timeout=seconds + 60)
    if p.returncode != 0:
        raise RuntimeError("update load: %s" % p.stderr)
    return parse(p.stdout)


def parse(out):
    m = re.search(r"^clients (\d+) (.*)$", out, re.M)
    if not m:
        raise RuntimeError("update load printed: %r" % out)
    f = m.group(2).split()
    res = {k: float(v) for k, v in zip(f[0::2], f[1::2])}
    res["rcodes"] = {int(a): int(b) for a, b in
                     re.findall(r"^rcode (\d+) (\d+)$", out, re.M)}
    return res


def served(where, name):
    """True if name has an A record on the server (the update landed)."""
    q = dns.message.make_query(name, "A", use_edns=False)
    try:
        r = dns.query.udp(q, where[0], port=where[1], timeout=2)
    except Exception:   # noqa: BLE001 (a timeout or a bad answer: no)
        return False
    return r.rcode() == 0 and any(s.rdtype == 1 for s in r.answer)


def start_all(top, zone, nm, build, only, started):
    pin = ["taskset", "-c", SERVER_CORE]
    for name, fn in SERVERS:
        if only and name not in only:
            continue
        d = top / ("upd-" + name)
        d.mkdir()
        d.chmod(0o755)
        own = d / zone.name         # BIND may write its copy at exit
        shutil.copy(zone, own)
        p = fn(d, own, peers.free_port(), pin, build)
        started[name] = p
        t = p.wait_correct(nm.probe, limit=300)
        time.sleep(0.5)
        measure.pin_tree(p.pid, SERVER_CORE)
        print("  %-12s answers after %.2f s" % (name, t), flush=True)


def memory_row(p, build, count):
    """RSS/PSS before and after count updates (16 in flight)."""
    pss0, rss0 = measure.tree_memory(p.pid)
    r = load(build, p.where, 16, 600, "m", count=count)
    time.sleep(1.0)             # let deferred frees (RCU, old versions) run
    pss1, rss1 = measure.tree_memory(p.pid)
    ok = served(p.where, "m0-0." + gen.ORIGIN)
    print("  %-12s %d updates: RSS %.1f -> %.1f MiB, landed %s" % (
        p.name, r["noerror"], rss0, rss1, ok), flush=True)
    return {"rss0": rss0, "rss1": rss1, "pss0": pss0, "pss1": pss1,
            "mem_updates": r["noerror"], "mem_landed": ok}


def rate_runs(started, build, nrounds, seconds):
    runs = {n: {1: [], 16: []} for n in started}
    for r in range(nrounds):
        for name, p in started.items():
            measure.pin_tree(p.pid, SERVER_CORE)
            for clients in (1, 16):
                c0 = measure.tree_cpu(p.pid)
                res = load(build, p.where, clients, seconds,
                           "r%dc%d-" % (r, clients))
                res["cpu"] = measure.tree_cpu(p.pid) - c0
                runs[name][clients].append(res)
                print("  round %d %-12s %2d in flight: %7.0f updates/s "
                      "(%d timeouts, %d other rcodes), server CPU %.2f s"
                      % (r + 1, name, clients, res["rate"],
                         res["timeouts"], res["other"], res["cpu"]),
                      flush=True)
    return runs


def qps_runs(started, build, qfile, nrounds, seconds):
    """Interleaved dnsperf runs, idle then with LOADED_RATE updates/s."""
    pin = ["taskset", "-c", CLIENT_CORE]
    runs = {n: {"idle": [], "loaded": [], "upd": []} for n in started}
    for r in range(nrounds):
        for name, p in started.items():
            measure.pin_tree(p.pid, SERVER_CORE)
            idle = measure.dnsperf(p.where, qfile, seconds, pin)
            bg = load(build, p.where, LOADED_CLIENTS, seconds + 1,
                      "q%d-" % r, rate=LOADED_RATE, background=True)
            time.sleep(0.3)
            busy = measure.dnsperf(p.where, qfile, seconds, pin)
            upd = parse(bg.communicate(timeout=seconds + 60)[0])
            runs[name]["idle"].append(idle["qps"])
            runs[name]["loaded"].append(busy["qps"])
            runs[name]["upd"].append(upd["rate"])
            print("  round %d %-12s idle %8.0f QPS, with %4.0f updates/s "
                  "%8.0f QPS (%.2f)" % (
                      r + 1, name, idle["qps"], upd["rate"], busy["qps"],
                      busy["qps"] / idle["qps"]), flush=True)
    return runs


def summarize(rates, qps, mem):
    out = {}
    for name in rates:
        s = dict(mem[name])
        for c in (1, 16):
            rs = rates[name][c]
            s["rate%d" % c] = statistics.median(x["rate"] for x in rs)
            s["min%d" % c] = min(x["rate"] for x in rs)
            s["max%d" % c] = max(x["rate"] for x in rs)
            s["timeouts%d" % c] = sum(x["timeouts"] for x in rs)
            s["other%d" % c] = sum(x["other"] for x in rs)
            n = sum(x["noerror"] for x in rs)
            s["us%d" % c] = 1e6 * sum(x["cpu"] for x in rs) / n if n else \
                float("nan")
        q = qps[name]
        s["idle"] = statistics.median(q["idle"])
        s["loaded"] = statistics.median(q["loaded"])
        s["qratio"] = statistics.median(
            b / a for a, b in zip(q["idle"], q["loaded"]))
        s["upd"] = statistics.median(q["upd"])
        out[name] = s
    return out


def fsync_rate(top, build, seconds):
    """banchi-journal-bench in top: appends/s with one fdatasync each
    (what a disk allows one update in flight at most), or None."""
    p = subprocess.run([str(build / "bench" / "banchi-journal-bench"),
                        str(top), str(seconds)], capture_output=True,
                       text=True, timeout=4 * seconds + 60)
    m = re.search(r"^1 append per fdatasync:\s+(\d+)", p.stdout, re.M)
    return int(m.group(1)) if m else None


def run(top, mode, build, only):
    """Returns {"params": ..., "stats": {server: {...}}, "load": ...}."""
    size, nrounds, seconds, mem_n = MODES[mode]
    zone = top / ("upd-%d.zone" % size)
    nm = gen.make_zone(zone, size)
    qfile = top / ("upd-queries-%d.bin" % size)
    gen.make_queries(qfile, nm)
    started = {}
    load0 = open("/proc/loadavg").read().split()[:3]
    fsyncs = fsync_rate(top, build, seconds)
    try:
        start_all(top, zone, nm, build, only, started)
        mem = {n: memory_row(p, build, mem_n) for n, p in started.items()}
        rates = rate_runs(started, build, nrounds, seconds)
        qps = qps_runs(started, build, qfile, nrounds, seconds)
        stats = summarize(rates, qps, mem)
    finally:
        for p in started.values():
            p.stop(timeout=30)
            shutil.copy(p.log, top / ("upd-%s.log" % p.name))
    load1 = open("/proc/loadavg").read().split()[:3]
    return {"params": (size, nrounds, seconds, mem_n), "stats": stats,
            "load": (load0, load1), "fsyncs": fsyncs}


# The section sits between these markers, so that a run of this part
# alone (bench.py --parts updates) can replace it in an existing report.
BEGIN, END = "<!-- updates -->", "<!-- /updates -->"


def _f(x, fmt="%.0f"):
    return "-" if x is None or x != x else fmt % x


def _ratio(s, ref, key):
    return _f(s[key] / ref[key], "%.2f") if ref and ref[key] else "-"


def _rate_table(stats, ref):
    rows = ["| server | 1 in flight: updates/s | min–max | ratio to banchi "
            "| 16 in flight: updates/s | min–max | ratio to banchi "
            "| server CPU µs per update (1 / 16) | timeouts | other rcodes |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in stats.items():
        rows.append("| %s | %s | %s–%s | %s | %s | %s–%s | %s | %s / %s "
                    "| %d | %d |" % (
                        name, _f(s["rate1"]), _f(s["min1"]), _f(s["max1"]),
                        _ratio(s, ref, "rate1"), _f(s["rate16"]),
                        _f(s["min16"]), _f(s["max16"]),
                        _ratio(s, ref, "rate16"), _f(s["us1"]),
                        _f(s["us16"]), s["timeouts1"] + s["timeouts16"],
                        s["other1"] + s["other16"]))
    return rows


def _qps_table(stats, ref):
    rows = ["| server | QPS idle | QPS with %d updates/s | loaded ÷ idle "
            "| updates/s achieved | loaded QPS ratio to banchi |"
            % LOADED_RATE, "|---|---|---|---|---|---|"]
    for name, s in stats.items():
        rows.append("| %s | %s | %s | %s | %s | %s |" % (
            name, _f(s["idle"]), _f(s["loaded"]), _f(s["qratio"], "%.2f"),
            _f(s["upd"]), _ratio(s, ref, "loaded")))
    return rows


def _mem_table(stats, ref, n):
    rows = ["| server | RSS before MiB | RSS after %s updates MiB "
            "| delta MiB | bytes per update | PSS delta MiB | ratio to "
            "banchi (delta) | last update served |" % "{:,}".format(n),
            "|---|---|---|---|---|---|---|---|"]
    for name, s in stats.items():
        d = s["rss1"] - s["rss0"]
        s["delta"] = d
        per = d * 2**20 / s["mem_updates"] if s["mem_updates"] else None
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, _f(s["rss0"], "%.1f"), _f(s["rss1"], "%.1f"),
            _f(d, "%.1f"), _f(per), _f(s["pss1"] - s["pss0"], "%.1f"),
            _f(d / ref["delta"], "%.2f") if ref and ref.get("delta")
            else "-", "yes" if s["mem_landed"] else "**no**"))
    return rows


def section(res, mode):
    size, nrounds, seconds, mem_n = res["params"]
    stats = res["stats"]
    ref = stats.get("banchi-auth")
    l0, l1 = res["load"]
    w = [BEGIN, "## Dynamic updates", "",
         "- Servers: banchi-auth (`--threads 1`, `--allow-update`), Knot "
         "(`udp-workers: 1`, `background-workers: 1`) and BIND (`-n 1 "
         "-U 1`), each on its own copy of the %s-record zone, pinned to "
         "core %s, taking unsigned updates from 127.0.0.1, journals in "
         "folders under one temporary folder (one filesystem). Each logs "
         "as by default (banchi and BIND log a line per update, Knot per "
         "batch)." % ("{:,}".format(size), SERVER_CORE),
         "- Load: `banchi-update-load` (bench/update_load.c) on core %s: "
         "N UDP sockets, each keeps one update in flight (adds one new "
         "name, `PREFIX<socket>-<seq> A 10.x.y.z`), sends the next when "
         "the answer comes, retransmits after 1 s (counted as a timeout). "
         "Rate = NOERROR answers per second. %d interleaved round(s) of "
         "%d s per server and setting; median (min–max)." % (
             CLIENT_CORE, nrounds, seconds),
         "- Load average at the start and end of this part: %s; %s "
         "(1, 5, 15 min; the machine has 2 cores)." % (
             " ".join(l0), " ".join(l1)),
         "- The filesystem of the journals takes %s appends/s with one "
         "`fdatasync` each (banchi-journal-bench in the same folder)."
         % _f(res.get("fsyncs")), "",
         "### Durable UPDATEs per second", ""] + _rate_table(stats, ref)
    w += ["", "Durability as each server has it by default:", ""]
    w += ["- %s: %s" % (n, DURABILITY[n]) for n in stats]
    w += ["", "### Queries while %d updates/s flow" % LOADED_RATE, "",
          "dnsperf (as above, `-c 4 -q 200`, %d s) on core %s, idle, then "
          "with %d sockets sending %d updates/s in all next to it on the "
          "same core; median over rounds of loaded ÷ idle (target ≥ 0.90 "
          "for banchi)." % (seconds, CLIENT_CORE, LOADED_CLIENTS,
                            LOADED_RATE), ""] + _qps_table(stats, ref)
    w += ["", "### Memory after %s updates" % "{:,}".format(mem_n), "",
          "RSS (and PSS) of the server's processes from "
          "/proc/PID/smaps_rollup, after the load and before any other "
          "update, then after %s updates (16 in flight, each a new name) "
          "and 1 s of rest." % "{:,}".format(mem_n), ""]
    w += _mem_table(stats, ref, mem_n)
    return w + ["", END]


def splice(text, sec):
    """text with its updates section replaced by sec (lines), or sec put
    before "## Reading the figures" (else at the end)."""
    new = "\n".join(sec)
    if BEGIN in text and END in text:
        return text[:text.index(BEGIN)] + new + \
            text[text.index(END) + len(END):]
    mark = "## Reading the figures"
    if mark in text:
        a = text.index(mark)
        return text[:a] + new + "\n\n" + text[a:]
    return text.rstrip("\n") + "\n\n" + new + "\n"
