"""Measurements for bench/bench.py: CPU seconds and memory of a process
tree from /proc, dnsperf runs (QPS, lost, latency, dnsperf's own CPU
from getrusage of the reaped child), and interleaved rounds of them over
several servers (the auth and sql parts)."""

import os
import re
import resource
import statistics
import subprocess
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _children():
    kids = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            st = (p / "stat").read_text()
        except OSError:
            continue
        f = st[st.rindex(")") + 2:].split()
        kids.setdefault(int(f[1]), []).append(int(p.name))
    return kids


def tree(pid):
    """pid and its descendants (NSD forks its serving process)."""
    kids, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def tree_cpu(pid):
    """CPU seconds (user + system) of pid and its descendants."""
    total = 0
    for p in tree(pid):
        try:
            st = Path("/proc/%d/stat" % p).read_text()
        except OSError:
            continue
        f = st[st.rindex(")") + 2:].split()
        total += int(f[11]) + int(f[12])
    return total / TICK


def _allowed(pid, tid):
    try:
        text = Path("/proc/%d/task/%d/status" % (pid, tid)).read_text()
    except OSError:
        return None
    m = re.search(r"^Cpus_allowed_list:\s*(\S+)", text, re.M)
    return m.group(1) if m else None


def pin_tree(pid, core):
    """Pins every thread of pid and its descendants to core; returns the
    threads found elsewhere as [(tid, cpus)]. A server may set its own
    affinity after start, which taskset on the command line cannot stop:
    knotd (3.2) moves UDP worker i to CPU i, so with one worker it left
    core 1 for core 0 and shared dnsperf's core."""
    moved = []
    for p in tree(pid):
        try:
            tids = [int(t) for t in os.listdir("/proc/%d/task" % p)]
        except OSError:
            continue
        for t in tids:
            cpus = _allowed(p, t)
            if cpus is not None and cpus != core:
                moved.append((t, cpus))
        subprocess.run(["taskset", "-a", "-p", "-c", core, str(p)],
                       capture_output=True, timeout=10)
    return moved


def tree_memory(pid):
    """(PSS, RSS) in MiB summed over the tree: PSS splits pages shared
    after a fork, so a forking server is not counted twice."""
    pss = rss = 0
    for p in tree(pid):
        try:
            text = Path("/proc/%d/smaps_rollup" % p).read_text()
        except OSError:
            continue
        m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
        r = re.search(r"^Rss:\s+(\d+) kB", text, re.M)
        pss += int(m.group(1)) if m else 0
        rss += int(r.group(1)) if r else 0
    return pss / 1024, rss / 1024


def _child_cpu():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def dnsperf(where, qfile, seconds, pin, verbose=False):
    """One dnsperf run; returns a dict (qps, completed, lost, avg_ms,
    client_cpu, wall, and with verbose the per-query latencies)."""
    argv = pin + ["dnsperf", "-B", "-d", str(qfile), "-s", where[0],
                  "-p", str(where[1]), "-l", str(seconds), "-c", "4",
                  "-q", "200", "-T", "1", "-t", "2"]
    if verbose:
        argv.append("-v")
    c0 = _child_cpu()
    p = subprocess.run(argv, capture_output=True, text=True,
                       timeout=seconds + 30)
    out = p.stdout

    def num(pat, conv=float):
        m = re.search(pat, out)
        if not m:
            raise RuntimeError("dnsperf: %s\n%s" % (out[-2000:], p.stderr))
        return conv(m.group(1))
    res = {"qps": num(r"Queries per second:\s+([\d.]+)"),
           "completed": num(r"Queries completed:\s+(\d+)", int),
           "lost": num(r"Queries lost:\s+(\d+)", int),
           "avg_ms": num(r"Average Latency \(s\):\s+([\d.]+)") * 1000,
           "wall": num(r"Run time \(s\):\s+([\d.]+)"),
           "client_cpu": _child_cpu() - c0}
    if verbose:
        res["lat"] = [float(m.group(1)) * 1000 for m in re.finditer(
            r"^> \S+ \S+ \S+ ([\d.]+)$", out, re.M)]
    return res


def percentile(values, pct):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * pct / 100))]


def rounds(started, qfile, nrounds, seconds, lat_seconds, server_core,
           client_core, cpu=None):
    """Interleaved dnsperf rounds (A B C ... A B C ...) over started
    {name: (proc, ...)}, servers on server_core, dnsperf on client_core;
    returns {name: stats}. cpu(name, proc) gives the CPU seconds to
    count for a server (default: its process tree's)."""
    pin = ["taskset", "-c", client_core]
    cpu = cpu or (lambda name, p: tree_cpu(p.pid))
    runs = {n: [] for n in started}
    for r in range(nrounds):
        for name, (p, _, _) in started.items():
            if pin_tree(p.pid, server_core):
                print("  %-12s left core %s again: pinned back" % (
                    name, server_core), flush=True)
            c0 = cpu(name, p)
            res = dnsperf(p.where, qfile, seconds, pin)
            res["server_cpu"] = cpu(name, p) - c0
            runs[name].append(res)
            print("  round %d %-12s %9.0f QPS  server %4.0f%%  dnsperf "
                  "%4.0f%%  lost %d" % (
                      r + 1, name, res["qps"],
                      100 * res["server_cpu"] / res["wall"],
                      100 * res["client_cpu"] / res["wall"], res["lost"]),
                  flush=True)
    lat = {}
    for name, (p, _, _) in started.items():
        lat[name] = dnsperf(p.where, qfile, lat_seconds, pin,
                            verbose=True)["lat"]
    return {n: summarize(runs[n], lat[n]) for n in runs}


def summarize(rs, lat):
    """One server's rounds rs and latencies lat as the report's figures."""
    completed = sum(x["completed"] for x in rs)
    cpu = sum(x["server_cpu"] for x in rs)
    wall = sum(x["wall"] for x in rs)
    return {
        "qps": statistics.median(x["qps"] for x in rs),
        "qps_min": min(x["qps"] for x in rs),
        "qps_max": max(x["qps"] for x in rs),
        "per_cpu": completed / cpu if cpu > 0 else float("nan"),
        "server_pct": 100 * cpu / wall,
        "client_pct": 100 * sum(x["client_cpu"] for x in rs) / wall,
        "avg_ms": statistics.mean(x["avg_ms"] for x in rs),
        "p99_ms": percentile(lat, 99),
        "lost": sum(x["lost"] for x in rs),
        "sent": completed + sum(x["lost"] for x in rs),
    }
