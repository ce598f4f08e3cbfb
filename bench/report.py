"""The benchmark's output: doc/benchmarks.md (machine, command, one table
per zone size, load and memory, the targets of issue 4 checked against
the figures) and a PNG chart drawn by gnuplot (QPS per server; QPS
against zone size)."""

import os
import platform
import subprocess
import time

PEERS = ("nsd", "knot", "bind", "powerdns")
COMPILE = {"banchi-auth": "none (reads the text zone)",
           "nsd": "none used (database \"\": reads the text zone)",
           "knot": "none (reads the text zone)",
           "bind": "none used (text zone; raw format is optional)",
           "powerdns": "none (bind backend reads the text zone)",
           "ceiling": "n/a (no zone)"}
PACKAGES = ("nsd", "knot", "bind9", "pdns-server", "pdns-backend-bind",
            "dnsperf")


NOTES = [
    "- The machine has 2 cores and is shared (other builds and tests may "
    "run at the same time), so single rounds vary a lot; the interleaved "
    "rounds spread that drift over all servers, and the min–max column "
    "shows it. Instruction counts (valgrind --tool=callgrind) are the "
    "stable figure for before/after comparisons of banchi itself.",
    "- When the server's CPU % is well under 100%, dnsperf on the other "
    "core (or the machine's load) was the limit, not the server: QPS "
    "then cannot separate the fast servers, and answers per server "
    "CPU-second is the fairer comparison. The ceiling row is bound the "
    "same way; its answers per CPU-second is what a server doing no DNS "
    "work costs per query here.",
    "- p99 comes from its own short run after the rounds, so when the "
    "machine was quieter (or busier) then, it can fall below (or far "
    "above) the rounds' average latency.",
    "- Lost: Knot, BIND and PowerDNS lose a near-constant 15–20 queries "
    "per run whatever the rate, while they answer every query of the mix "
    "sent one at a time (checked against Knot): most likely dnsperf's "
    "initial burst (up to 200 outstanding queries) overflowing their "
    "socket receive buffer (banchi-auth asks for 4 MiB; NSD lost none "
    "either).",
]


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        mem = "%.1f GiB" % (int(f.readline().split()[1]) / 2**20)
    vers = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Version}\\n"] +
        list(PACKAGES), capture_output=True, text=True).stdout.split("\n")
    return ["- CPU: %s, %d cores; memory %s" % (model, os.cpu_count(), mem),
            "- kernel: %s %s" % (platform.system(), platform.release()),
            "- packages: %s" % ", ".join(v for v in vers if v),
            "- date: %s" % time.strftime("%Y-%m-%d %H:%M UTC",
                                         time.gmtime())]


def _f(x, fmt="%.0f"):
    return "-" if x is None or x != x else fmt % x


def qps_table(stats):
    ref = stats.get("banchi-auth")
    rows = ["| server | QPS median | QPS min–max | ratio to banchi "
            "| answers per server CPU-s | server CPU % | dnsperf CPU % "
            "| avg latency ms | p99 latency ms | lost |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in stats.items():
        ratio = s["qps"] / ref["qps"] if ref else float("nan")
        rows.append("| %s | %s | %s–%s | %s | %s | %s | %s | %s | %s | "
                    "%d of %d |" % (
                        name, _f(s["qps"]), _f(s["qps_min"]),
                        _f(s["qps_max"]), _f(ratio, "%.2f"),
                        _f(s["per_cpu"]), _f(s["server_pct"]),
                        _f(s["client_pct"]), _f(s["avg_ms"], "%.3f"),
                        _f(s["p99_ms"], "%.3f"), s["lost"], s["sent"]))
    return rows


def load_table(stats, size):
    rows = ["| server | start to first correct answer s | memory PSS MiB "
            "| memory RSS MiB | compile step |", "|---|---|---|---|---|"]
    for name, s in stats.items():
        rows.append("| %s | %s | %s | %s | %s |" % (
            name, _f(s["start_s"], "%.2f"), _f(s["pss"], "%.1f"),
            _f(s["rss"], "%.1f"), COMPILE.get(name, "")))
    return rows


def _best(stats, key, low=False):
    vals = [(stats[p][key], p) for p in PEERS if p in stats]
    return (min if low else max)(vals) if vals else (float("nan"), "-")


def targets(results):
    """Issue 4's targets for banchi-auth, measured here."""
    big = max(results)
    s = results[big]
    b = s.get("banchi-auth")
    if not b:
        return []
    out = ["| target | banchi-auth | reference | ratio | met |",
           "|---|---|---|---|---|"]

    def row(what, mine, ref, refname, goal, low=False):
        if ref != ref:
            return              # that peer was not run (--only)
        r = mine / ref if ref else float("nan")
        ok = r <= goal if low else r >= goal
        out.append("| %s | %.4g | %.4g (%s) | %.2f | %s |" % (
            what, mine, ref, refname, r, "yes" if ok else "**no**"))
    for size in sorted(results):
        z = results[size]
        if "banchi-auth" not in z:
            continue
        eff = [(z[p]["per_cpu"], p) for p in ("nsd", "knot") if p in z]
        if eff:
            v, p = max(eff)
            row("%s records: answers per CPU-s ≥ 1.2× best of NSD, Knot"
                % _short(size), z["banchi-auth"]["per_cpu"], v, p, 1.2)
        v, p = _best(z, "qps")
        row("%s records: QPS ≥ fastest peer" % _short(size),
            z["banchi-auth"]["qps"], v, p, 1.0)
    if "ceiling" in s:
        c = s["ceiling"]
        row("%s records: QPS ≥ 0.8× no-work ceiling" % _short(big),
            b["qps"], c["qps"], "ceiling", 0.8)
        row("%s records: answers per CPU-s ≥ 0.8× no-work ceiling's"
            % _short(big), b["per_cpu"], c["per_cpu"], "ceiling", 0.8)
    small = min(results)
    if small != big:
        row("QPS %s vs %s records (≤ 10%% drop)"
            % (_short(big), _short(small)), b["qps"],
            results[small]["banchi-auth"]["qps"], "banchi-auth", 0.9)
    v, p = _best(s, "pss", low=True)
    row("memory (PSS) after %s records ≤ 0.8× leanest peer"
        % _short(big), b["pss"], v, p, 0.8, low=True)
    v, p = _best(s, "start_s", low=True)
    row("%s-record load time ≤ 0.5× fastest peer" % _short(big),
        b["start_s"], v, p, 0.5, low=True)
    return out


def markdown(results, mode, params, argv, elapsed, resolver=None,
             xfr=None, updates=None, secondary=None, sql=None,
             keytrap=None, dhcp=None, resolver_dnssec=None):
    sizes, nrounds, seconds, lat_s = params
    cmd = "make bench" + (" QUICK=1" if mode == "quick" else "")
    w = ["# banchi benchmarks", "",
         "Generated by `%s` (`%s`, %s mode, %.0f s); do not edit by hand."
         % (cmd, " ".join(["bench/bench.py"] + argv[1:]), mode, elapsed),
         "", "## Machine", ""] + machine() + [
        "", "## Method", "",
        "- Zones: one generator with a fixed seed (bench/gen.py): A, AAAA, "
        "MX, TXT, CNAME, wildcards, delegations with glue; sizes %s records."
        % ", ".join("{:,}".format(n) for n in sizes),
        "- Queries: 100,000 of one mix as a dnsperf `-B` file (RD clear): "
        "≈70% existing names (some through wildcards and CNAMEs), 15% "
        "NXDOMAIN, 10% NODATA, 5% referrals; half in mixed case, half "
        "with EDNS (1232).",
        "- Each server runs with one worker thread (banchi `--threads 1`, "
        "NSD `server-count: 1`, Knot `udp-workers: 1`, BIND `-n 1 -U 1`, "
        "PowerDNS `receiver-threads=1`, defaults otherwise: PowerDNS keeps "
        "its packet cache) and is pinned to core %s with taskset; dnsperf "
        "(`-c 4 -q 200 -T 1`) is pinned to core %s. Every thread of every "
        "server is pinned again after start and before each run, because "
        "knotd moves its UDP worker to CPU 0 by itself (udp_master sets "
        "worker i's affinity to CPU i), which put it on dnsperf's core."
        % ("1", "0"),
        "- %d interleaved rounds (A B C … A B C …) of %d s per server and "
        "zone size; QPS is the median (min–max over rounds). Server CPU is "
        "utime+stime of the server's process tree from /proc/PID/stat; "
        "dnsperf CPU from getrusage of the reaped dnsperf. Answers per "
        "server CPU-second = completed queries / server CPU seconds."
        % (nrounds, seconds),
        "- Average latency is dnsperf's, averaged over the rounds; p99 "
        "comes from one extra %d s run per server with `dnsperf -v` "
        "(per-query latencies; dnsperf 2.10 has no histogram), which "
        "slows dnsperf a little." % lat_s,
        "- ceiling: `banchi-ceiling`, our own UDP responder with the same "
        "recvmmsg/sendmmsg batching and receive moderation "
        "(`udp-coalesce-usec`) as banchi-auth that answers every "
        "query with one fixed A record and does no DNS work: what the "
        "kernel and dnsperf allow on this machine.",
        "- Start: time from exec to the first correct answer to a probe "
        "query, polled every 20 ms. Memory: PSS (and RSS) summed over the "
        "server's process tree from /proc/PID/smaps_rollup, 0.5 s after "
        "the first correct answer (PSS does not count pages shared after "
        "NSD's fork twice).", ""]
    for size in sizes:
        w += ["## %s records" % "{:,}".format(size), ""]
        w += qps_table(results[size]) + [""]
    big = max(sizes)
    w += ["## Load and memory, %s records" % "{:,}".format(big), ""]
    w += load_table(results[big], big) + [""]
    t = targets(results)
    if t:
        w += ["## Targets of issue 4", ""] + t + [""]
    if xfr:
        w += xfr + [""]
    if secondary:
        w += secondary + [""]
    if resolver:
        w += resolver + [""]
    if resolver_dnssec:
        w += resolver_dnssec + [""]
    if keytrap:
        w += keytrap + [""]
    if updates:
        w += updates + [""]
    if sql:
        w += sql + [""]
    if dhcp:
        w += dhcp + [""]
    w += ["## Reading the figures", ""] + NOTES + [""]
    w += ["![QPS per server and QPS against zone size](benchmarks.png)", ""]
    return "\n".join(w)


def chart(results, png, tmp):
    sizes = sorted(results)
    names = list(results[sizes[0]])
    dat = tmp / "qps.dat"
    with open(dat, "w") as f:
        f.write("size " + " ".join(names) + "\n")
        for n in sizes:
            f.write("%d %s\n" % (n, " ".join(
                "%.0f" % results[n][s]["qps"] for s in names)))
    bars = tmp / "bars.dat"
    big = sizes[-1]
    with open(bars, "w") as f:
        for i, s in enumerate(names):
            r = results[big][s]
            f.write("%d %s %.0f %.0f %.0f\n" % (i, s, r["qps"], r["qps_min"],
                                               r["qps_max"]))
    plot = [
        "set terminal pngcairo size 1200,500 font ',10'",
        "set output '%s'" % png,
        "set multiplot layout 1,2",
        "set title 'QPS per server, %s records (median, min-max)'"
        % "{:,}".format(big),
        "set style fill solid 0.6", "set boxwidth 0.6", "set yrange [0:*]",
        "set ylabel 'queries per second'", "set grid ytics",
        "plot '%s' using 1:3:xtic(2) with boxes notitle, "
        "'' using 1:3:4:5 with yerrorbars notitle lc rgb 'black'" % bars,
        "set title 'QPS against zone size'", "set logscale x",
        "set xlabel 'records in the zone'", "set key outside right",
        "set xtics (%s)" % ", ".join("'%s' %d" % (_short(n), n)
                                      for n in sizes),
        "plot " + ", ".join("'%s' using 1:%d with linespoints title '%s'"
                            % (dat, i + 2, s) for i, s in enumerate(names)),
        "unset multiplot"]
    subprocess.run(["gnuplot"], input="\n".join(plot), text=True,
                   check=True, timeout=60)


def _short(n):
    return "%dM" % (n // 10**6) if n >= 10**6 else "%dk" % (n // 1000)


# The resolver section sits between these markers, so that a run of the
# resolver part alone (bench.py --parts resolver) can replace it in a
# report whose authoritative tables came from an earlier full run.
RES_BEGIN, RES_END = "<!-- resolver -->", "<!-- /resolver -->"
RES_WORKERS = {"banchi-resolver": "--threads 1",
               "unbound": "num-threads: 1",
               "pdns-recursor": "threads=1, pdns-distributes-queries=no",
               "kresd": "one process"}


def _res_warm(stats, ref):
    rows = ["| resolver | QPS median | QPS min–max | ratio to %s "
            "| answers per server CPU-s | server CPU %% | dnsperf CPU %% "
            "| avg latency ms | lost |" % ref,
            "|---|---|---|---|---|---|---|---|---|"]
    for name, s in stats.items():
        ratio = s["qps"] / stats[ref]["qps"] if ref in stats else float(
            "nan")
        rows.append("| %s | %s | %s–%s | %s | %s | %s | %s | %s | %d of %d |"
                    % (name, _f(s["qps"]), _f(s["qps_min"]),
                       _f(s["qps_max"]), _f(ratio, "%.2f"),
                       _f(s["per_cpu"]), _f(s["server_pct"]),
                       _f(s["client_pct"]), _f(s["avg_ms"], "%.3f"),
                       s["lost"], s["sent"]))
    return rows


def _res_cold(stats, names):
    rows = ["| resolver | cold: %s names, ms (median) | min–max ms "
            "| answered (fewest) | SERVFAIL (all rounds) | lost (all "
            "rounds) | right of 50 (fewest) | start s "
            "| PSS MiB after | RSS MiB after | worker setting |"
            % "{:,}".format(names), "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in stats.items():
        rows.append("| %s | %s | %s–%s | %d | %d | %d | %d | %s | %s | %s "
                    "| %s |" % (
                        name, _f(1000 * s["cold_s"], "%.0f"),
                        _f(1000 * s["cold_min"]), _f(1000 * s["cold_max"]),
                        s["cold_answered"], s["cold_servfail"],
                        s["cold_lost"], s["correct"],
                        _f(s["start_s"], "%.2f"), _f(s["pss"], "%.1f"),
                        _f(s["rss"], "%.1f"), RES_WORKERS.get(name, "")))
    return rows


RES_NOTES = [
    "- Cache hits near 200k QPS: dnsperf on core 0 is then the limit "
    "(its CPU % near 100), so QPS cannot separate the fast resolvers; "
    "answers per server CPU-second can.",
    "- A cold run takes well under a second here, so one upstream query "
    "lost and retransmitted (first timeout 376 ms in banchi and Unbound) "
    "shows as an outlier; the median over the rounds and the min–max "
    "column show it.",
    "- Knot Resolver needs two Lua policy rules in this lab (ALLOW_LOCAL "
    "for the loopback servers, PASS for test.), evaluated for every "
    "query; some of its lower cache-hit QPS may be theirs (not "
    "measured).",
]


def resolver_section(res, names, zones):
    """Issue 4's resolver rows: warm-cache QPS, cold-cache time, memory."""
    ncold, nwarm, seconds = res["params"]
    stats = res["stats"]
    ref = next((n for n in ("banchi-resolver", "unbound") if n in stats),
               "banchi-resolver")
    w = [RES_BEGIN, "## Resolver", "",
         "- Hierarchy: a root, the TLD test. and %d second-level zones "
         "(%s names; every fifth SLD delegated glueless, CNAMEs across "
         "zones), each level served by its own banchi-auth on 127.0.53.x "
         "port 53 (pinned to core 0 with dnsperf); TTLs 86400. One name "
         "set of %s questions with a fixed seed: ≈90%% A, 4%% AAAA, 3%% "
         "CNAME into another zone, 3%% NXDOMAIN." % (
             zones - 2, "{:,}".format(names), "{:,}".format(names)),
         "- Each resolver runs with one worker pinned to core 1 (every "
         "thread pinned again after start and before each run), with its "
         "own config on its own loopback port, root hints pointing at the "
         "hierarchy (Unbound: module-config iterator, do-not-query-"
         "localhost no, local-zone test. nodefault; PowerDNS Recursor: "
         "hint-file, dont-query empty, dnssec off; Knot Resolver: "
         "hints.root, no trust anchor, ALLOW_LOCAL and a PASS rule for "
         "test.; banchi-resolver: --root-hints, --allow-special test).",
         "- Cold: a fresh start (empty cache), then the whole set once "
         "with `dnsperf -n 1 -q 100 -c 4 -t 5`: wall time until every "
         "query was answered or timed out; %d round(s), median. Then 50 "
         "names of the set are asked again and checked against the zones "
         "(right of 50)." % ncold,
         "- Warm: %d interleaved rounds of %d s of dnsperf (`-c 4 -q 200 "
         "-T 1`) over the same, now cached, set; QPS median (min–max). "
         "Memory: PSS/RSS of the resolver after the warm rounds."
         % (nwarm, seconds), ""]
    for name, why in res["failed"].items():
        w.append("- **%s not measured**: %s" % (name, why))
    if res["failed"]:
        w.append("")
    if stats:
        w += ["### Warm cache (cache hits)", ""] + _res_warm(stats, ref)
        w += ["", "### Cold cache, memory", ""] + _res_cold(stats, names)
        b, u = stats.get("banchi-resolver"), stats.get("unbound")
        if b and u:
            w += ["", "Issue 5's target, cache-hit QPS above Unbound's: "
                  "%.0f vs %.0f (%.2f×), %s; answers per server CPU-s "
                  "%.0f vs %.0f (%.2f×)." % (
                      b["qps"], u["qps"], b["qps"] / u["qps"],
                      "met" if b["qps"] > u["qps"] else "**not met**",
                      b["per_cpu"], u["per_cpu"],
                      b["per_cpu"] / u["per_cpu"])]
        w += ["", "Reading these figures:", ""] + RES_NOTES
    return w + ["", RES_END]


def splice_resolver(text, section):
    """text with its resolver section replaced by section (a list of
    lines), or section put before "## Reading the figures"."""
    return splice(text, section, RES_BEGIN, RES_END)


def splice(text, section, begin, end):
    """text with the part between the markers begin and end replaced by
    section (a list of lines, markers included), or section put before
    "## Reading the figures"."""
    new = "\n".join(section)
    if begin in text and end in text:
        a = text.index(begin)
        b = text.index(end) + len(end)
        return text[:a] + new + text[b:]
    mark = "## Reading the figures"
    if mark in text:
        a = text.index(mark)
        return text[:a] + new + "\n\n" + text[a:]
    return text.rstrip("\n") + "\n\n" + new + "\n"
