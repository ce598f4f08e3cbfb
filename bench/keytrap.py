"""The KeyTrap row of `make bench` (issue 13): CPU seconds per malicious
query. A signed root and the KeyTrap zone keytrap. (tests/differential/
failzones.py: 40 Ed25519 DNSKEYs of one key tag, 12 wrong RRSIGs of that
tag on every RRset, a wildcard so that every name has an answer to
check) are served by one banchi-auth on 127.0.54.1 port 53 (core 0).
banchi-resolver, Unbound, Knot Resolver and BIND, each validating with
the root's DS as trust anchor and root hints to 127.0.54.1, one worker
pinned to core 1, answer distinct names of the zone (nothing cached
helps); the resolver's CPU time (utime+stime of its process tree, from
/proc/PID/stat) over the questions, divided by their number."""

import shutil
import time

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode

import measure
import peers
import validating
from validating import failzones

SERVER_CORE, CLIENT_CORE = "1", "0"
ADDR = "127.0.54.1"
BEGIN, END = "<!-- keytrap -->", "<!-- /keytrap -->"
MODES = {
    # questions per resolver, at most this many seconds of them
    "quick": (100, 4.0),
    "full": (1000, 10.0),
}


def make_zones(top):
    """(zones [(origin, path)], hints path); the anchor written."""
    kt, ds = failzones.keytrap_zone(validating.subdir(top, "keytrap"),
                                    addr=ADDR)
    root, anchor = failzones.root_zone(validating.subdir(top, "root"),
                                       {"keytrap.": ds}, addr=ADDR)
    hints = top / "root.hints"
    hints.write_text(". 3600000 NS a.root.\na.root. 3600000 A %s\n" % ADDR)
    hints.chmod(0o644)
    validating.write_anchor(top, anchor)
    return [(".", root), ("keytrap.", kt)], hints


def start_auth(top, build, zones):
    argv = ["taskset", "-c", CLIENT_CORE, str(build / "banchi-auth"),
            "--listen", ADDR + ":53", "--threads", "1", "--allow-root"]
    for origin, f in zones:
        argv += ["--zone", "%s=%s" % (origin, f)]
    d = top / "auth"
    d.mkdir()
    p = peers.Proc("auth-keytrap", argv, 53, d)
    p.where = (ADDR, 53)
    return p


# The resolvers, validating from top/anchor.txt.
def banchi_resolver(d, port, build, hints):
    return validating.banchi_argv(d, port, build, hints)


def unbound(d, port, build, hints):
    return validating.unbound_argv(d, port, hints)


def kresd(d, port, build, hints):
    return validating.kresd_argv(d, port, "a.root.", ADDR)


def bind(d, port, build, hints):
    f = validating.anchor_ds(d)
    conf = """options {
  directory "%s"; pid-file "%s/named.pid";
  listen-on port %d { 127.0.0.1; }; listen-on-v6 { none; };
  recursion yes; allow-query { 127.0.0.1; }; dnssec-validation yes;
};
trust-anchors { "." static-ds %s %s %s "%s"; };
zone "." { type hint; file "%s"; };
controls { };
""" % (d, d, port, f[-4], f[-3], f[-2], f[-1], hints)
    (d / "named.conf").write_text(conf)
    return ["named", "-g", "-4", "-n", "1", "-u", "root", "-c",
            str(d / "named.conf")]


# The first is the reference of the ratios.
ALL = [("banchi-resolver", banchi_resolver, None),
       ("unbound", unbound, "unbound"), ("kresd", kresd, "kresd"),
       ("bind", bind, "named")]


def ask(where, name, qtype, timeout):
    q = dns.message.make_query(name, qtype, use_edns=0, payload=1232,
                               want_dnssec=True)
    try:  # the DNSKEY set (41 keys) does not fit in 1232 octets
        return dns.query.udp_with_fallback(q, where[0], port=where[1],
                                           timeout=timeout)[0]
    except (dns.exception.DNSException, OSError):
        return None


def wait_up(p, limit=30.0):
    """Until p answers keytrap. DNSKEY validated (AD): the chain of keys
    is then cached, and the questions measure the bad RRsets alone."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if p.proc.poll() is not None:
            raise RuntimeError("%s exited:\n%s" % (p.name, p.log_tail()))
        r = ask(p.where, "keytrap.", "DNSKEY", 1.0)
        if r is not None and r.rcode() == 0 and r.flags & dns.flags.AD:
            return
        time.sleep(0.1)
    raise RuntimeError("%s did not validate keytrap. DNSKEY in %.0f s:\n%s"
                       % (p.name, limit, p.log_tail()))


def measure_one(p, tag, count, seconds):
    """count distinct names asked one after another (at most seconds):
    {"asked", "servfail", "lost", "cpu", "wall"}."""
    c0, t0 = measure.tree_cpu(p.pid), time.monotonic()
    asked = servfail = lost = 0
    for i in range(count):
        if time.monotonic() - t0 > seconds:
            break
        r = ask(p.where, "kt%d-%s.keytrap." % (i, tag), "A", 5.0)
        asked += 1
        if r is None:
            lost += 1
        elif r.rcode() == dns.rcode.SERVFAIL:
            servfail += 1
    wall = time.monotonic() - t0
    return {"asked": asked, "servfail": servfail, "lost": lost,
            "cpu": measure.tree_cpu(p.pid) - c0, "wall": wall}


def run(top, mode, build, only=None):
    """{"stats": {name: figures}, "failed": {name: why}, "params"}."""
    count, seconds = MODES[mode]
    failed, stats = {}, {}
    zones, hints = make_zones(top)
    auth = start_auth(top, build, zones)
    try:
        for name, fn, tool in ALL:
            if only and name not in only:
                continue
            if tool and not shutil.which(tool):
                failed[name] = "%s not installed" % tool
                continue
            d = top / name
            d.mkdir()
            d.chmod(0o755)
            port = peers.free_port()
            p = peers.Proc(name, ["taskset", "-c", SERVER_CORE] +
                           fn(d, port, build, hints), port, d)
            try:
                wait_up(p)
                measure.pin_tree(p.pid, SERVER_CORE)
                stats[name] = measure_one(p, name.split("-")[0], count,
                                          seconds)
                print("  %-16s %d questions, %d SERVFAIL, %.3f CPU s"
                      % (name, stats[name]["asked"],
                         stats[name]["servfail"], stats[name]["cpu"]),
                      flush=True)
            except RuntimeError as e:
                failed[name] = str(e).splitlines()[0]
            finally:
                p.stop(timeout=5)
                shutil.copy(p.log, top / ("%s.log" % name))
    finally:
        auth.stop(timeout=5)
    return {"stats": stats, "failed": failed, "params": MODES[mode]}


def _ms(s):
    return 1000.0 * s["cpu"] / s["asked"] if s["asked"] else float("nan")


def section(res):
    """The markdown lines of the KeyTrap row."""
    count, seconds = res["params"]
    stats = res["stats"]
    w = [BEGIN, "## KeyTrap: CPU per malicious query", "",
         "- Zone keytrap. (tests/differential/failzones.py): %d Ed25519 "
         "DNSKEYs of one key tag (each a valid point: a verifier does the "
         "whole check), %d wrong RRSIGs of that tag on every RRset but the "
         "DNSKEY set (which one other key signs rightly), a wildcard; "
         "an unbounded validator would do %d verifications per RRset. "
         "Served by banchi-auth on 127.0.54.1 port 53 with a signed root "
         "(core 0)." % (failzones.KEYTRAP_KEYS, failzones.KEYTRAP_SIGS,
                        failzones.KEYTRAP_KEYS * failzones.KEYTRAP_SIGS),
         "- Each resolver validating, the root's DS as trust anchor, root "
         "hints to the lab root, one worker pinned to core 1, started "
         "fresh; once keytrap. DNSKEY validated (AD), %d distinct names "
         "of the wildcard (A, DO) asked one after another (at most %.0f "
         "s): the CPU of its process tree (utime+stime, /proc/PID/stat, "
         "10 ms ticks) over them, per question." % (count, seconds), ""]
    for name, why in res["failed"].items():
        w.append("- **%s not measured**: %s" % (name, why))
    if res["failed"]:
        w.append("")
    ref = stats.get("banchi-resolver")
    if stats:
        w += ["| resolver | questions | SERVFAIL | lost | CPU s | CPU ms "
              "per question | × banchi-resolver | wall s |",
              "|---|---|---|---|---|---|---|---|"]
        for name, s in stats.items():
            ratio = (_ms(s) / _ms(ref)) if ref and _ms(ref) > 0 else None
            w.append("| %s | %d | %d | %d | %.2f | %.2f | %s | %.1f |" % (
                name, s["asked"], s["servfail"], s["lost"], s["cpu"],
                _ms(s), "%.1f" % ratio if ratio else "–", s["wall"]))
    peers_ms = [_ms(s) for n, s in stats.items() if n != "banchi-resolver"]
    if ref and peers_ms:
        best = min(peers_ms)
        w += ["", "Issue 13's target, CPU per malicious query ≤ the best "
              "of Unbound, Knot Resolver and BIND: %.2f ms vs %.2f ms, %s."
              % (_ms(ref), best, "met" if _ms(ref) <= best
                 else "**not met**")]
    return w + ["", END]
