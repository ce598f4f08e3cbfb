"""The secondary part of the benchmark (bench.py --parts secondary), two
measurements:

1. IXFR in: Knot DNS is the primary of the bench zone (bench/gen.py; 1M
   records, 20k in quick mode) for banchi-auth, NSD, Knot and BIND as
   secondaries, each of which has transferred it. Then, for each
   secondary in turn: one UPDATE at the primary changes 1,000 records
   (the A of 1,000 names replaced: one IXFR of 1,000 deletions and 1,000
   additions), the bench sends that secondary a NOTIFY from the
   primary's address as soon as the primary answers the UPDATE (the
   serial bump), and polls it over UDP every 2 ms until it answers the
   new serial's SOA and the new address of a changed name. The other
   secondaries are told after the measurement and caught up (untimed),
   so that each measured transfer is one IXFR of one change set, with
   nobody else transferring.
2. AXFR floor: Knot as a secondary transfers the zone from banchi-auth,
   NSD and Knot as primaries, and from xfr_replay.py, which replays a
   recorded AXFR of banchi-auth's in one sendall (a primary that costs
   nothing); the time is the one Knot logs for the transfer."""

import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import dns.update

import gen
import measure
import peers

SERVER_CORE, PRIMARY_CORE = "1", "0"
HERE = Path(__file__).resolve().parent
# zone records, changes per update, rounds, AXFRs per primary, poll limit s
MODES = {"quick": (20000, 100, 1, 1, 60),
         "full": (1000000, 1000, 3, 5, 120)}
POLL = 0.002
REST = 3.0                      # s between forced AXFRs
NAMES = ("banchi-auth", "nsd", "knot", "bind")


def knot_conf(d, port, extra_top=(), zone=()):
    return (["server:", "  listen: 127.0.0.1@%d" % port,
             "  rundir: %s" % d, "  user: root", "  udp-workers: 1",
             "  tcp-workers: 1", "  background-workers: 1",
             "log:", "  - target: stderr", "    any: info",
             "database:", "  storage: %s" % d] + list(extra_top) +
            ["template:", "  - id: default", "    storage: %s" % d,
             "    zonefile-sync: -1", "    semantic-checks: off",
             "zone:", "  - domain: %s" % gen.ORIGIN] + list(zone))


def start_primary(d, zone, port):
    """Knot, updates and transfers from 127.0.0.1, IXFR from its journal,
    no NOTIFY of its own (the bench sends them)."""
    conf = knot_conf(d, port, [
        "acl:", "  - id: local", "    address: 127.0.0.1",
        "    action: [transfer, update]"], [
        "    file: %s" % zone, "    journal-content: changes",
        "    acl: local"])
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return peers.Proc("knot-primary", ["taskset", "-c", PRIMARY_CORE,
                                       "knotd", "-c", str(d / "knot.conf")],
                      port, d)


def sec_banchi(d, port, primary, build):
    return [str(build / "banchi-auth"), "--listen", "127.0.0.1:%d" % port,
            "--secondary", "%s=127.0.0.1:%d" % (gen.ORIGIN, primary),
            "--zone-dir", str(d / "zones"), "--threads", "1",
            "--allow-root"]


def sec_nsd(d, port, primary, build):
    conf = ["server:", "  ip-address: 127.0.0.1@%d" % port,
            "  server-count: 1", '  username: ""', '  database: ""',
            '  zonesdir: "%s"' % d, '  pidfile: "%s/nsd.pid"' % d,
            '  xfrdfile: "%s/xfrd.state"' % d,
            '  zonelistfile: "%s/zone.list"' % d, "  rrl-ratelimit: 0",
            "  verbosity: 2", "remote-control:", "  control-enable: no",
            "zone:", "  name: %s" % gen.ORIGIN,
            "  zonefile: %s.zone" % gen.ORIGIN,
            "  request-xfr: 127.0.0.1@%d NOKEY" % primary,
            "  allow-notify: 127.0.0.1 NOKEY"]
    (d / "nsd.conf").write_text("\n".join(conf) + "\n")
    return ["nsd", "-d", "-c", str(d / "nsd.conf")]


def sec_knot(d, port, primary, build):
    conf = knot_conf(d, port, [
        "remote:", "  - id: primary", "    address: 127.0.0.1@%d" % primary,
        "acl:", "  - id: notify", "    address: 127.0.0.1",
        "    action: notify"], [
        "    master: primary", "    acl: notify",
        "    journal-content: none"])
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return ["knotd", "-c", str(d / "knot.conf")]


def sec_bind(d, port, primary, build):
    conf = ['options { directory "%s"; listen-on port %d { 127.0.0.1; };'
            % (d, port),
            '  listen-on-v6 { none; }; recursion no; pid-file "%s/named.pid";'
            % d, "  notify no; };",
            'zone "%s" { type secondary; file "%s/%s.bak";'
            % (gen.ORIGIN, d, gen.ORIGIN),
            '  primaries { 127.0.0.1 port %d; };' % primary,
            "  allow-notify { 127.0.0.1; }; };"]
    (d / "named.conf").write_text("\n".join(conf) + "\n")
    return ["named", "-g", "-u", "root", "-n", "1", "-U", "1", "-c",
            str(d / "named.conf")]


SECONDARIES = {"banchi-auth": sec_banchi, "nsd": sec_nsd, "knot": sec_knot,
               "bind": sec_bind}


def soa_serial(where, timeout=0.2):
    q = dns.message.make_query(gen.ORIGIN, "SOA", use_edns=False)
    q.flags = 0
    try:
        r = dns.query.udp(q, where[0], port=where[1], timeout=timeout)
    except Exception:   # noqa: BLE001 (not yet, or a lost packet)
        return None
    for s in r.answer:
        if s.rdtype == dns.rdatatype.SOA:
            return s[0].serial
    return None


def has_a(where, name, addr, timeout=0.2):
    q = dns.message.make_query(name, "A", use_edns=False)
    q.flags = 0
    try:
        r = dns.query.udp(q, where[0], port=where[1], timeout=timeout)
    except Exception:   # noqa: BLE001
        return False
    return any(rr.to_text() == addr for s in r.answer for rr in s)


def wait_serial(p, serial, limit):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if p.proc.poll() is not None:
            raise RuntimeError("%s exited:\n%s" % (p.name, p.log_tail()))
        if soa_serial(p.where) == serial:
            return True
        time.sleep(0.05)
    raise RuntimeError("%s: no serial %d after %d s:\n%s" % (
        p.name, serial, limit, p.log_tail()))


def notify(where, primary):
    """A NOTIFY from 127.0.0.1 (the primary's address), as the primary
    would send it; the answer is waited for (3 tries)."""
    q = dns.message.make_query(gen.ORIGIN, "SOA", use_edns=False)
    q.flags = dns.flags.AA      # (opcode bits are in flags: first)
    q.set_opcode(dns.opcode.NOTIFY)
    for _ in range(3):
        try:
            dns.query.udp(q, where[0], port=where[1], timeout=0.5)
            return
        except Exception:   # noqa: BLE001 (lost: again)
            continue


def a_names(nm, count):
    if len(nm.plain_a) < count:
        raise RuntimeError("zone has %d plain A names, %d wanted" % (
            len(nm.plain_a), count))
    return nm.plain_a[:count]


def change(primary, names, step):
    """One UPDATE replacing the A of every name; the new address of the
    last one. Returns (monotonic time of the NOERROR, address)."""
    u = dns.update.UpdateMessage(gen.ORIGIN)
    addr = None
    for i, n in enumerate(names):
        addr = "10.%d.%d.%d" % (200 + step % 50, i // 256, i % 256)
        u.replace(n + ".", 3600, "A", addr)
    r = dns.query.tcp(u, primary.where[0], port=primary.where[1],
                      timeout=60)
    t = time.monotonic()
    if r.rcode() != dns.rcode.NOERROR:
        raise RuntimeError("update: %s" % dns.rcode.to_text(r.rcode()))
    return t, addr


def visible(p, serial, name, addr, limit):
    """Polls p every POLL s until it serves serial and name's new addr;
    the monotonic time, or None after limit s."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if soa_serial(p.where) == serial and has_a(p.where, name, addr):
            return time.monotonic()
        time.sleep(POLL)
    return None


def start_secondaries(top, build, primary, only, started):
    for name in NAMES:
        if only and name not in only:
            continue
        d = top / ("sec-" + name)
        d.mkdir()
        d.chmod(0o755)
        port = peers.free_port()
        argv = SECONDARIES[name](d, port, primary.where[1], build)
        started[name] = peers.Proc(name, ["taskset", "-c", SERVER_CORE] +
                                   argv, port, d)
        t0 = time.monotonic()
        wait_serial(started[name], 1, 600)
        measure.pin_tree(started[name].pid, SERVER_CORE)
        print("  %-12s secondary has serial 1 after %.1f s" % (
            name, time.monotonic() - t0), flush=True)


def outgoing(primary, since):
    """The transfer kinds the primary logged after offset since."""
    text = primary.log.read_text(errors="replace")[since:]
    return re.findall(r"(AXFR|IXFR), outgoing, remote [^,]+, started", text)


def ixfr_rounds(started, primary, names, nrounds, limit):
    runs = {n: [] for n in started}
    kinds = {n: [] for n in started}
    serial, step = 1, 0
    for r in range(nrounds):
        for name, p in started.items():
            measure.pin_tree(p.pid, SERVER_CORE)
            since = len(primary.log.read_text(errors="replace"))
            step += 1
            t0, addr = change(primary, names, step)
            serial += 1
            notify(p.where, primary)
            t1 = visible(p, serial, names[-1] + ".", addr, limit)
            if t1 is None:
                raise RuntimeError("%s: serial %d not visible in %d s:\n%s"
                                   % (name, serial, limit, p.log_tail()))
            runs[name].append(t1 - t0)
            kinds[name] += outgoing(primary, since)
            print("  round %d %-12s serial %d visible %.3f s after the "
                  "bump (%s)" % (r + 1, name, serial, t1 - t0,
                                 ",".join(outgoing(primary, since))),
                  flush=True)
            for other, q in started.items():
                if other != name:
                    notify(q.where, primary)
            for q in started.values():
                wait_serial(q, serial, limit)
            time.sleep(1.5)     # NSD reloads at most once a second
    return runs, kinds


def run_ixfr(top, mode, build, only):
    size, nchanges, nrounds, _, limit = MODES[mode]
    zone = top / "sec.zone"
    nm = gen.make_zone(zone, size)
    zone.chmod(0o644)
    names = a_names(nm, nchanges)
    d = top / "knot-primary"
    d.mkdir()
    primary = start_primary(d, zone, peers.free_port())
    started = {}
    try:
        t = primary.wait_correct(nm.probe, limit=300)
        print("  knot primary serving after %.1f s" % t, flush=True)
        start_secondaries(top, build, primary, only, started)
        runs, kinds = ixfr_rounds(started, primary, names, nrounds, limit)
    finally:
        for p in list(started.values()) + [primary]:
            p.stop(timeout=30)
            shutil.copy(p.log, top / ("sec-%s.log" % p.name))
    return {"params": (size, nchanges, nrounds), "runs": runs,
            "kinds": kinds}


def knot_axfr_secondary(d, port, primary_port):
    """A Knot secondary of 127.0.0.1@primary_port with a control socket
    (knotc zone-retransfer)."""
    conf = knot_conf(d, port, [
        "control:", "  listen: %s/knot.sock" % d,
        "remote:", "  - id: primary",
        "    address: 127.0.0.1@%d" % primary_port], [
        "    master: primary", "    journal-content: none"])
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return peers.Proc("knot-secondary", ["taskset", "-c", SERVER_CORE,
                                         "knotd", "-c",
                                         str(d / "knot.conf")], port, d)


AXFR_LOG = re.compile(r"AXFR, incoming, remote [^,]+, finished, "
                      r"([\d.]+) seconds, (\d+) messages, (\d+) bytes")
REPLAYS = {"replay": "whole", "replay-each": "each"}


def logged(sec):
    return AXFR_LOG.findall(sec.log.read_text(errors="replace"))


def next_axfr(sec, n, limit):
    """The (seconds, messages, octets) of the AXFR Knot logs after its
    n-th."""
    end = time.monotonic() + limit
    while len(logged(sec)) <= n and time.monotonic() < end:
        if sec.proc.poll() is not None:
            raise RuntimeError("knot secondary exited:\n" + sec.log_tail())
        time.sleep(0.05)
    got = logged(sec)
    if len(got) <= n:
        raise RuntimeError("no AXFR logged:\n" + sec.log_tail())
    return tuple(float(x) for x in got[n])


def start_axfr_primary(name, d, zone, build, capture):
    """A primary on core PRIMARY_CORE: the xfr part's servers, or a
    replay of capture."""
    pin = ["taskset", "-c", PRIMARY_CORE]
    port = peers.free_port()
    if name in REPLAYS:
        return peers.Proc(name, pin + [
            sys.executable, str(HERE / "xfr_replay.py"), str(capture),
            "127.0.0.1", str(port), REPLAYS[name]], port, d)
    fn = {"banchi-auth": peers.banchi, "nsd": peers.nsd,
          "knot": peers.knot}[name]
    return fn(d, gen.ORIGIN, zone, port, pin, build, xfr=True)


def start_pair(top, name, zone, nm, build, capture, limit, pairs):
    """The primary name and a Knot secondary of it, which transfers the
    zone at start; pairs[name] = (primary, secondary, that AXFR)."""
    d = top / ("axfr-" + name)
    d.mkdir()
    d.chmod(0o755)
    p = start_axfr_primary(name, d, zone, build, capture)
    pairs[name] = (p, None, None)
    if name in REPLAYS:
        time.sleep(1.0)
        if p.proc.poll() is not None:
            raise RuntimeError("replay:\n" + p.log_tail())
    else:
        p.wait_correct(nm.probe, limit=300)
        measure.pin_tree(p.pid, PRIMARY_CORE)
    if name == "banchi-auth":
        subprocess.run([str(build / "bench" / "banchi-xfr-drain"),
                        p.where[0], str(p.where[1]), gen.ORIGIN,
                        str(capture)], check=True, capture_output=True,
                       timeout=120)
    sd = d / "secondary"
    sd.mkdir()
    sec = knot_axfr_secondary(sd, peers.free_port(), p.where[1])
    pairs[name] = (p, sec, None)
    first = next_axfr(sec, 0, limit)
    measure.pin_tree(sec.pid, SERVER_CORE)
    pairs[name] = (p, sec, first)
    print("  %-12s -> knot secondary at start: %.2f s (Knot's log)" % (
        name, first[0]), flush=True)


def axfr_rounds(pairs, count, limit, rest):
    """Interleaved: each round forces one AXFR into every secondary."""
    out = {n: [] for n in pairs}
    for r in range(count):
        for name, (p, sec, _) in pairs.items():
            measure.pin_tree(sec.pid, SERVER_CORE)
            # Knot frees the zone a transfer replaced after it: not
            # during the next one
            time.sleep(rest)
            n = len(logged(sec))
            c0 = measure.tree_cpu(sec.pid)
            subprocess.run(["knotc", "-s", str(sec.workdir / "knot.sock"),
                            "zone-retransfer", gen.ORIGIN], check=True,
                           capture_output=True, timeout=30)
            x = next_axfr(sec, n, limit)
            out[name].append(x + (measure.tree_cpu(sec.pid) - c0,))
            print("  round %d %-12s -> knot secondary: %.2f s, Knot CPU "
                  "%.2f s" % (r + 1, name, x[0], out[name][-1][3]),
                  flush=True)
    return out


def run_axfr(top, mode, build, only):
    size, _, _, count, limit = MODES[mode]
    zone = top / "axfr.zone"
    nm = gen.make_zone(zone, size)
    zone.chmod(0o644)
    capture = top / "banchi-axfr.bin"
    rest = REST if mode == "full" else 0.5
    pairs = {}
    try:
        for name in ("banchi-auth", "nsd", "knot") + tuple(REPLAYS):
            if name in REPLAYS or not only or name in only:
                start_pair(top, name, zone, nm, build, capture, limit,
                           pairs)
        runs = axfr_rounds(pairs, count, limit, rest)
    finally:
        for name, (p, sec, _) in pairs.items():
            for x in (sec, p):
                if x:
                    x.stop(timeout=30)
                    shutil.copy(x.log, top / ("axfr-%s-%s.log" % (
                        name, x.name)))
    return {"params": (size, count, rest),
            "runs": {n: (pairs[n][2], runs[n]) for n in runs}}


def run(top, mode, build, only):
    load0 = open("/proc/loadavg").read().split()[:3]
    ixfr = run_ixfr(top, mode, build, only)
    axfr = run_axfr(top, mode, build, only)
    load1 = open("/proc/loadavg").read().split()[:3]
    return {"ixfr": ixfr, "axfr": axfr, "load": (load0, load1)}


BEGIN, END = "<!-- secondary -->", "<!-- /secondary -->"


def _stats(v):
    return statistics.median(v), min(v), max(v)


def _ixfr_lines(res):
    size, nchanges, nrounds = res["params"]
    st = {n: _stats(v) for n, v in res["runs"].items()}
    b = st.get("banchi-auth")
    w = ["### IXFR of %s changes: time to visible at the secondary"
         % "{:,}".format(nchanges), "",
         "Primary: Knot (the same for every secondary, and not banchi, so "
         "that banchi's own IXFR out does not favour banchi's IXFR in), "
         "`journal-content: changes`, pinned to core %s. Secondaries: "
         "banchi-auth (`--threads 1`), NSD (`server-count: 1`), Knot "
         "(`udp-workers: 1`, `background-workers: 1`) and BIND (`-n 1 -U "
         "1`), defaults otherwise, each pinned to core %s, all holding "
         "the %s-record zone. Per secondary and round: one UPDATE at the "
         "primary replaces the A of %s names (one IXFR of %s deletions "
         "and %s additions); when the primary answers it (the serial "
         "bump) the bench sends that secondary a NOTIFY from 127.0.0.1 "
         "and polls it (UDP, dnspython, every %d ms) until it answers the "
         "new SOA serial and a changed name's new address. The others "
         "are caught up afterwards, untimed. %d round(s); median "
         "(min–max) of the seconds from the bump to visible; × banchi = "
         "this secondary's time / banchi-auth's." % (
             PRIMARY_CORE, SERVER_CORE, "{:,}".format(size),
             "{:,}".format(nchanges), "{:,}".format(nchanges),
             "{:,}".format(nchanges), POLL * 1000, nrounds), "",
         "| secondary | time to visible s | min–max | banchi ÷ this | "
         "transfers the primary logged |", "|---|---|---|---|---|"]
    for name, (med, lo, hi) in st.items():
        k = res["kinds"][name]
        w.append("| %s | %.3f | %.3f–%.3f | %s | %s |" % (
            name, med, lo, hi, "%.2f" % (b[0] / med) if b else "-",
            ", ".join("%d %s" % (k.count(x), x) for x in ("IXFR", "AXFR")
                      if k.count(x))))
    others = [(v[0], n) for n, v in st.items() if n != "banchi-auth"]
    if b and others:
        v, n = min(others)
        w += ["", "Target (issue): time to visible at a banchi secondary ≤ "
              "the fastest peer's: banchi-auth %.3f s, %s %.3f s, ratio "
              "%.2f: %s." % (b[0], n, v, b[0] / v,
                             "met" if b[0] <= v else "**not met**")]
    return w


def _axfr_lines(res):
    size, count, rest = res["params"]
    st = {n: (_stats([x[0] for x in v[1]]), v[0][0], v[1][0][1],
              v[1][0][2], _stats([x[3] for x in v[1]]))
          for n, v in res["runs"].items()}
    real = [n for n in st if n != "banchi-auth" and n not in REPLAYS]
    fast = min((st[n][0][0], n) for n in real) if real else None
    best = min((st[n][0][1], n) for n in real) if real else None
    w = ["### AXFR into a Knot secondary, and its floor", "",
         "Knot as a secondary (`background-workers: 1`, "
         "`journal-content: none`, core %s) transfers the %s-record zone "
         "from each primary (core %s) once at start, then %d time(s) more "
         "by `knotc zone-retransfer` in interleaved rounds, %.1f s "
         "apart; the time is the one Knot logs (`AXFR, incoming, ..., "
         "finished, S seconds`, two decimals): median and min–max of the "
         "forced ones; Knot CPU is the secondary's utime+stime from the "
         "retransfer command to the log line (median). replay, "
         "replay-each: `bench/xfr_replay.py`, the AXFR banchi-auth sent "
         "(recorded by `banchi-xfr-drain` without EDNS: no OPT, 11 octets "
         "less a message) sent again with IDs patched, in one `sendall` "
         "or one send per message: what Knot itself needs when the "
         "primary costs nothing." % (
             SERVER_CORE, "{:,}".format(size), PRIMARY_CORE, count, rest),
         "", "| primary | Knot's AXFR s | min–max | ÷ fastest peer (median) "
         "| Knot CPU s | at start s | messages | octets |",
         "|---|---|---|---|---|---|---|---|"]
    for name, ((med, lo, hi), boot, msgs, octets, cpu) in st.items():
        w.append("| %s | %.3f | %.3f–%.3f | %s | %.3f | %.2f | %d | %d |"
                 % (name, med, lo, hi, "%.2f" % (med / fast[0]) if fast
                    else "-", cpu[0], boot, msgs, octets))
    b = st.get("banchi-auth")
    reps = [(st[n][0][1], n) for n in REPLAYS if n in st]
    if fast and b:
        w += ["", "Target (issue): AXFR to a Knot secondary ≤ 0.5× the "
              "fastest peer's as primary: banchi-auth %.3f s, %s %.3f s "
              "(medians), ratio %.2f: %s." % (
                  b[0][0], fast[1], fast[0], b[0][0] / fast[0],
                  "met" if b[0][0] <= 0.5 * fast[0] else "**not met**")]
    if best and reps:
        v, n = min(reps)
        cpu = [st[x][4][0] for x in st]
        w.append("Floor: with a primary that costs nothing (%s) Knot's "
                 "best transfer takes %.3f s, %.2f× the best with a peer "
                 "as primary (%s, %.3f s), and Knot spends %.2f–%.2f s of "
                 "CPU on a transfer whatever the primary (medians): the "
                 "0.5× target is %s. Wall times above the CPU time are "
                 "Knot waiting for its core (the machine is shared)." % (
                     n, v, v / best[0], best[1], best[0], min(cpu),
                     max(cpu), "within reach" if v <= 0.5 * best[0] else
                     "**out of reach** on this machine whatever the "
                     "primary: Knot's own work is the transfer's time"))
    return w


def section(res, mode):
    l0, l1 = res["load"]
    w = [BEGIN, "## Secondaries: IXFR in, AXFR floor", "",
         "Load average at the start and end of this part: %s; %s (1, 5, "
         "15 min; the machine has 2 cores, shared with other work while "
         "this ran)." % (" ".join(l0), " ".join(l1)), ""]
    w += _ixfr_lines(res["ixfr"]) + [""] + _axfr_lines(res["axfr"])
    return w + ["", END]
