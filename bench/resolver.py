"""The resolver rows of `make bench` (issue 4): a test hierarchy under
test. (root, one TLD, SLD_COUNT second-level zones, NAMES names) served by
banchi-auth on 127.0.53.x port 53, and banchi-resolver, Unbound, PowerDNS
Recursor and Knot Resolver each started on it with one worker pinned to
core 1 (the hierarchy and dnsperf share core 0). Per resolver: cold-cache
time to resolve the fixed name set (a fresh start per round, the set run
once through dnsperf), then warm-cache QPS over the same set in
interleaved rounds, and memory (PSS) at the end."""

import random
import re
import shutil
import statistics
import struct
import subprocess
import time

import dns.exception
import dns.flags
import dns.message
import dns.query

import measure
import peers

SERVER_CORE, CLIENT_CORE = "1", "0"
NET = "127.0.53."               # the hierarchy's addresses (port 53)
ROOT_ADDR, TLD_ADDR, SLD_ADDRS = NET + "1", NET + "2", [NET + "10",
                                                        NET + "11"]
SLD_COUNT, NAMES, TTL, SEED = 20, 2000, 86400, 53
MODES = {
    # cold rounds (fresh starts), warm rounds, seconds per warm run
    "quick": (1, 2, 2),
    "full": (5, 3, 6),
}
SOA = "@ SOA ns1 hostmaster 1 7200 3600 1209600 %d" % TTL


def sld(k):
    return "sld%d.test." % k


def sld_addr(k):
    return SLD_ADDRS[k % len(SLD_ADDRS)]


def glueless(k):
    """Every fifth SLD (not the first) is delegated to a name inside
    sld0.test., which the TLD has no address for: the resolver must
    resolve the NS name on the side."""
    return k % 5 == 4


def make_zones(top):
    """Writes the zones; returns {address: [(origin, file)]}."""
    zones = {ROOT_ADDR: [], TLD_ADDR: []}
    root = ["$TTL %d" % TTL, ". SOA rootns. hostmaster.rootns. 1 7200 "
            "3600 1209600 %d" % TTL, ". NS rootns.",
            "rootns. A " + ROOT_ADDR, "test. NS ns1.test.",
            "ns1.test. A " + TLD_ADDR]
    tld = ["$TTL %d" % TTL, SOA, "@ NS ns1", "ns1 A " + TLD_ADDR]
    for k in range(SLD_COUNT):
        if glueless(k):
            tld.append("sld%d NS ns-sld%d.sld0.test." % (k, k))
        else:
            tld += ["sld%d NS ns.sld%d" % (k, k),
                    "ns.sld%d A %s" % (k, sld_addr(k))]
    for origin, lines, addr in ((".", root, ROOT_ADDR),
                                ("test.", tld, TLD_ADDR)):
        f = top / ("%s.zone" % (origin.strip(".") or "root"))
        f.write_text("\n".join(lines) + "\n")
        zones[addr].append((origin, f))
    per = NAMES // SLD_COUNT
    for k in range(SLD_COUNT):
        z = ["$TTL %d" % TTL, SOA]
        z += (["@ NS ns-sld%d.sld0.test." % k] if glueless(k) else
              ["@ NS ns", "ns A " + sld_addr(k)])
        if k == 0:
            z += ["ns-sld%d A %s" % (j, sld_addr(j))
                  for j in range(SLD_COUNT) if glueless(j)]
        for i in range(per):
            z.append("host%d A 192.0.2.%d" % (i, i % 250 + 1))
            if i % 10 == 0:
                z.append("host%d AAAA 2001:db8::%x" % (i, i + 1))
            if i % 20 == 0:
                z.append("alias%d CNAME host%d.%s" % (
                    i, i, sld((k + 1) % SLD_COUNT)))
        f = top / ("sld%d.zone" % k)
        f.write_text("\n".join(z) + "\n")
        zones.setdefault(sld_addr(k), []).append((sld(k), f))
    return zones


def name_set():
    """The fixed NAMES questions (fixed seed): about 90% A of existing
    names, 4% AAAA, 3% CNAME into another zone, 3% NXDOMAIN."""
    rnd = random.Random(SEED)
    per = NAMES // SLD_COUNT
    out = []
    for n in range(NAMES):
        k, i = n % SLD_COUNT, n // SLD_COUNT
        r = rnd.random()
        if r < 0.04:
            out.append(("host%d.%s" % (i - i % 10, sld(k)), "AAAA"))
        elif r < 0.07:
            out.append(("alias%d.%s" % (i - i % 20, sld(k)), "A"))
        elif r < 0.10:
            out.append(("nx%d.%s" % (i, sld(k)), "A"))
        else:
            out.append(("host%d.%s" % (i % per, sld(k)), "A"))
    return out


def write_queries(path, names):
    """dnsperf -B input: each query a 2-octet length and the wire form,
    RD set (the resolver's clients ask for recursion)."""
    out = bytearray()
    for i, (name, qtype) in enumerate(names):
        q = dns.message.make_query(name, qtype, use_edns=False)
        q.id = i & 0xffff
        w = q.to_wire()
        out += struct.pack("!H", len(w)) + w
    path.write_bytes(bytes(out))


def write_hints(path):
    path.write_text(".  3600000 NS rootns.\nrootns. 3600000 A %s\n"
                    % ROOT_ADDR)


def start_hierarchy(top, build, started, layout=None):
    """One banchi-auth per address (root, TLD, two SLD servers) on port
    53, on the client's core, serving layout (default: make_zones, the
    unsigned hierarchy); returns when each answers its SOA."""
    pin = ["taskset", "-c", CLIENT_CORE]
    for addr, zones in (layout or make_zones(top)).items():
        argv = pin + [str(build / "banchi-auth"), "--listen", addr + ":53",
                      "--threads", "1", "--allow-root"]
        for origin, f in zones:
            argv += ["--zone", "%s=%s" % (origin, f)]
        d = top / ("auth-" + addr)
        d.mkdir()
        p = peers.Proc("auth-" + addr, argv, 53, d)
        p.where = (addr, 53)
        started.append(p)
        wait_reply(p, zones[0][0], "SOA", rd=False, limit=30)


def wait_reply(p, qname, qtype, rd, limit, want_rcode=0):
    """Polls p every 20 ms until it answers qname/qtype with want_rcode
    (None: any reply); returns seconds since p started."""
    q = dns.message.make_query(qname, qtype, use_edns=False)
    if not rd:
        q.flags &= ~dns.flags.RD
    end = p.t0 + limit
    while time.monotonic() < end:
        if p.proc.poll() is not None:
            raise RuntimeError("%s exited with %d:\n%s" % (
                p.name, p.proc.returncode, p.log_tail()))
        try:
            r = dns.query.udp(q, p.where[0], port=p.where[1], timeout=0.05)
            if want_rcode is None or r.rcode() == want_rcode:
                return time.monotonic() - p.t0
        except (dns.exception.DNSException, OSError):
            pass
        time.sleep(0.02)
    raise RuntimeError("%s gave no answer in %.0f s:\n%s" % (
        p.name, limit, p.log_tail()))


# The resolvers: one worker, own config, loopback port; each may query
# the loopback hierarchy and resolve under test. (special-use).
def banchi_resolver(d, port, pin, build, hints):
    argv = pin + [str(build / "banchi-resolver"), "--listen",
                  "127.0.0.1:%d" % port, "--root-hints", str(hints),
                  "--allow-special", "test", "--threads", "1",
                  "--allow-root", "--no-dnssec"]  # as Unbound's iterator
    return peers.Proc("banchi-resolver", argv, port, d)


def unbound(d, port, pin, build, hints):
    conf = ["server:", "  interface: 127.0.0.1", "  port: %d" % port,
            "  num-threads: 1", "  do-ip6: no", "  do-not-query-localhost: no",
            '  module-config: "iterator"', "  root-hints: %s" % hints,
            '  local-zone: "test." nodefault', '  username: ""',
            '  chroot: ""', '  directory: "%s"' % d,
            '  pidfile: "%s/unbound.pid"' % d, "  use-syslog: no",
            '  logfile: ""', "  verbosity: 0",
            "remote-control:", "  control-enable: no"]
    (d / "unbound.conf").write_text("\n".join(conf) + "\n")
    return peers.Proc("unbound", pin + ["unbound", "-d", "-c",
                                        str(d / "unbound.conf")], port, d)


def pdns_recursor(d, port, pin, build, hints):
    conf = ["local-address=127.0.0.1", "local-port=%d" % port,
            "threads=1", "pdns-distributes-queries=no",
            "hint-file=%s" % hints, "dont-query=", "dnssec=off",
            "socket-dir=%s" % d, "daemon=no", "disable-syslog=yes",
            "quiet=yes", "loglevel=3", "security-poll-suffix=",
            "reuseport=no"]
    (d / "recursor.conf").write_text("\n".join(conf) + "\n")
    return peers.Proc("pdns-recursor", pin + [
        "pdns_recursor", "--config-dir=%s" % d], port, d)


def kresd(d, port, pin, build, hints):
    # test. is refused by kresd's special-name policy and loopback
    # servers are skipped without ALLOW_LOCAL: both lifted for the lab.
    conf = ["net.ipv6 = false",
            "net.listen('127.0.0.1', %d, { kind = 'dns' })" % port,
            "modules.load('hints > iterate')",
            "trust_anchors.remove('.')",
            "hints.root({['rootns.'] = '%s'})" % ROOT_ADDR,
            "cache.open(100 * MB, 'lmdb://%s/cache')" % d,
            "policy.add(policy.all(policy.FLAGS({'ALLOW_LOCAL'})))",
            "policy.add(policy.suffix(policy.PASS, "
            "{todname('test.')}))"]
    (d / "config.lua").write_text("\n".join(conf) + "\n")
    return peers.Proc("kresd", pin + ["kresd", "-n", "-c",
                                      str(d / "config.lua"), str(d)],
                      port, d)


# In the order of the rounds; the first is the reference for ratios.
ALL = [("banchi-resolver", banchi_resolver), ("unbound", unbound),
       ("pdns-recursor", pdns_recursor), ("kresd", kresd)]


def expected(name, qtype):
    """(rcode, address the answer must hold) for a name of name_set()."""
    m = re.match(r"(host|alias|nx)(\d+)\.sld(\d+)\.test\.$", name)
    kind, i = m.group(1), int(m.group(2))
    if kind == "nx":
        return 3, None
    if qtype == "AAAA":
        return 0, "2001:db8::%x" % (i + 1)
    return 0, "192.0.2.%d" % (i % 250 + 1)


def check_answers(where, names, sample=50):
    """Asks a fixed sample of the set again (from the cache now); returns
    how many came back right."""
    good = 0
    for name, qtype in names[::max(1, len(names) // sample)][:sample]:
        rcode, addr = expected(name, qtype)
        q = dns.message.make_query(name, qtype, use_edns=False)
        try:
            r = dns.query.udp(q, where[0], port=where[1], timeout=2)
        except (dns.exception.DNSException, OSError):
            continue
        got = {rr.to_text() for s in r.answer for rr in s}
        good += r.rcode() == rcode and (addr is None or addr in got)
    return good


def cold_run(where, qfile, pin):
    """The whole set once (dnsperf -n 1, up to 100 outstanding):
    wall time until every query was answered or timed out (5 s)."""
    argv = pin + ["dnsperf", "-B", "-d", str(qfile), "-s", where[0],
                  "-p", str(where[1]), "-n", "1", "-c", "4", "-q", "100",
                  "-T", "1", "-t", "5"]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    out = p.stdout

    def num(pat, conv=float):
        m = re.search(pat, out)
        if not m:
            raise RuntimeError("dnsperf: %s\n%s" % (out[-2000:], p.stderr))
        return conv(m.group(1))
    codes = dict((c, int(n)) for c, n in re.findall(
        r"(\w+) (\d+) \([\d.]+%\)", out.split("Response codes:")[-1]
        .split("\n")[0]))
    return {"wall": num(r"Run time \(s\):\s+([\d.]+)"),
            "completed": num(r"Queries completed:\s+(\d+)", int),
            "lost": num(r"Queries lost:\s+(\d+)", int),
            "servfail": codes.get("SERVFAIL", 0),
            "noerror": codes.get("NOERROR", 0),
            "nxdomain": codes.get("NXDOMAIN", 0)}


def start_one(top, name, fn, tag, build, hints, started):
    """Starts resolver name fresh (own directory and port) into started;
    returns seconds until it answered at all (localhost. A, local data
    everywhere: no upstream query warms its cache)."""
    d = top / ("%s-%s" % (name, tag))
    d.mkdir()
    d.chmod(0o755)
    p = fn(d, peers.free_port(), ["taskset", "-c", SERVER_CORE], build,
           hints)
    started[name] = p
    t = wait_reply(p, "localhost.", "A", rd=True, limit=30, want_rcode=None)
    repin(name, p)
    return p, t


def repin(name, p):
    """A server may set its own threads' affinity after start (knotd
    does): every thread back to the server core (bench.py does the same)."""
    for tid, cpus in measure.pin_tree(p.pid, SERVER_CORE):
        print("  %-16s thread %d was on CPUs %s: pinned back to %s" % (
            name, tid, cpus, SERVER_CORE), flush=True)


def cold_rounds(top, which, build, hints, qfile, names, nrounds, started,
                failed, check=check_answers):
    """nrounds fresh starts of each resolver, each resolving the set
    once (its CPU over the pass in "cpu"), checked by check(where,
    names); the last start of each stays running (warm) in started."""
    pin = ["taskset", "-c", CLIENT_CORE]
    cold = {n: [] for n, _ in which}
    for r in range(nrounds):
        for name, fn in which:
            if name in failed:
                continue
            try:
                p, t = start_one(top, name, fn, "r%d" % r, build, hints,
                                 started)
                c0 = measure.tree_cpu(p.pid)
                res = cold_run(p.where, qfile, pin)
                res["cpu"] = measure.tree_cpu(p.pid) - c0
            except (RuntimeError, subprocess.SubprocessError) as e:
                failed[name] = str(e).strip().splitlines()[0][:200]
                print("  %-16s FAILED: %s" % (name, failed[name]),
                      flush=True)
                stop(started.pop(name, None))
                continue
            res["start_s"] = t
            res["correct"] = check(p.where, names)
            cold[name].append(res)
            print("  cold %d %-16s %6.2f s  %d answered, %d SERVFAIL, %d "
                  "lost; %d/50 right" % (
                      r + 1, name, res["wall"], res["completed"],
                      res["servfail"], res["lost"], res["correct"]),
                  flush=True)
            if r < nrounds - 1:
                stop(started.pop(name))
    return cold


def warm_rounds(started, qfile, nrounds, seconds):
    """Interleaved dnsperf rounds over the cached set."""
    pin = ["taskset", "-c", CLIENT_CORE]
    runs = {n: [] for n in started}
    for r in range(nrounds):
        for name, p in started.items():
            repin(name, p)
            c0 = measure.tree_cpu(p.pid)
            res = measure.dnsperf(p.where, qfile, seconds, pin)
            res["server_cpu"] = measure.tree_cpu(p.pid) - c0
            runs[name].append(res)
            print("  warm %d %-16s %9.0f QPS  server %4.0f%%  dnsperf "
                  "%4.0f%%  lost %d" % (
                      r + 1, name, res["qps"],
                      100 * res["server_cpu"] / res["wall"],
                      100 * res["client_cpu"] / res["wall"], res["lost"]),
                  flush=True)
    return runs


def summarize(cold, warm, mem):
    completed = sum(x["completed"] for x in warm)
    cpu = sum(x["server_cpu"] for x in warm)
    wall = sum(x["wall"] for x in warm)
    walls = [x["wall"] for x in cold]
    return {
        "cold_s": statistics.median(walls), "cold_min": min(walls),
        "cold_max": max(walls),
        "cold_cpu": statistics.median(x["cpu"] for x in cold),
        # over all cold rounds: the fewest answered, every SERVFAIL and
        # loss, the fewest right of the sample
        "cold_answered": min(x["completed"] for x in cold),
        "cold_servfail": sum(x["servfail"] for x in cold),
        "cold_lost": sum(x["lost"] for x in cold),
        "correct": min(x["correct"] for x in cold),
        "start_s": cold[-1]["start_s"],
        "qps": statistics.median(x["qps"] for x in warm),
        "qps_min": min(x["qps"] for x in warm),
        "qps_max": max(x["qps"] for x in warm),
        "per_cpu": completed / cpu if cpu > 0 else float("nan"),
        "server_pct": 100 * cpu / wall,
        "client_pct": 100 * sum(x["client_cpu"] for x in warm) / wall,
        "avg_ms": statistics.mean(x["avg_ms"] for x in warm),
        "lost": sum(x["lost"] for x in warm),
        "sent": completed + sum(x["lost"] for x in warm),
        "pss": mem[0], "rss": mem[1],
    }


def stop(p):
    if p is not None:
        p.stop(timeout=5)


def run(top, mode, build, only=None):
    """The resolver benchmark; returns {"stats": {name: figures},
    "failed": {name: why}, "params": MODES[mode]}."""
    ncold, nwarm, seconds = MODES[mode]
    which = [(n, fn) for n, fn in ALL if not only or n in only]
    failed = {}
    if not (build / "banchi-resolver").exists():
        failed["banchi-resolver"] = "not built in %s" % build
    for name, tool in (("unbound", "unbound"),
                       ("pdns-recursor", "pdns_recursor"),
                       ("kresd", "kresd")):
        if not shutil.which(tool):
            failed[name] = "%s not installed" % tool
    names = name_set()
    qfile, hints = top / "resolver-queries.bin", top / "root.hints"
    write_queries(qfile, names)
    write_hints(hints)
    hier, started = [], {}
    t = time.monotonic()
    try:
        start_hierarchy(top, build, hier)
        print("resolver hierarchy (%d zones, %d names) up in %.1f s" % (
            SLD_COUNT + 2, NAMES, time.monotonic() - t), flush=True)
        cold = cold_rounds(top, which, build, hints, qfile, names, ncold,
                           started, failed)
        warm = warm_rounds(started, qfile, nwarm, seconds)
        stats = {n: summarize(cold[n], warm[n],
                              measure.tree_memory(p.pid))
                 for n, p in started.items()}
        return {"stats": stats, "failed": failed, "params": MODES[mode]}
    finally:
        for p in list(started.values()) + hier:
            stop(p)
            shutil.copy(p.log, top / ("%s.log" % p.name))
