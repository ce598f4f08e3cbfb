"""banchi-resolver, Unbound and Knot Resolver (kresd), each with a cold
cache, iterate the mixed-server lab (reslab.py: banchi-auth, NSD, Knot,
BIND) with the same queries in the same order; normalised answers are
compared: rcode and answer RRsets (daemons.answer_set), except that a
SERVFAIL is its rcode alone (what its answer section holds is no answer:
kresd keeps the CNAME chain up to a loop there, Unbound and banchi do
not). Peers agreeing against banchi, or banchi equal to neither peer,
fails the test. Prints every disagreement and the counts."""

import concurrent.futures
import os
import shutil
import sys
import time
from pathlib import Path

import dns.exception
import dns.flags
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import reslab  # noqa: E402
from reslab import KINDS, nxt, v4  # noqa: E402
import daemons  # noqa: E402
from hierarchy import servers  # noqa: E402

RESOLVERS = ("banchi", "unbound", "kresd")
TIMEOUT = 12.0      # above banchi's 10 s --max-time: its own SERVFAIL
DEADLINE = 100.0    # for all the queries: past it the rest is not asked
# the query each kind's block starts with, on a cold zone: answers after
# which a resolver might wrongly give up on the zone's servers
FIRSTS = ("loop1", "xloop", "www.lamechild", "selfloop")


def mixed(name):
    """WwW.Z.KnOt.: every other letter upper case."""
    return "".join(c.upper() if i % 2 == 0 else c
                   for i, c in enumerate(name))


def kind_block(k, first):
    """The queries for z.K in order (first is asked first, cold)."""
    z, zn = "z.%s." % k, "z.%s." % nxt(k)
    q = [(first + "." + z, "A")]
    q += [("www." + z, "A"), ("www." + z, "AAAA"), ("loop2." + z, "TXT"),
          ("www." + z, "MX"), ("www." + z, "TXT"), ("mail." + z, "TXT"),
          (z, "SOA"), (z, "NS"), (z, "MX"), (z, "TXT"),
          ("multi." + z, "A"), ("_sip._tcp." + z, "SRV"),
          ("big." + z, "TXT"),
          ("a.b.ent." + z, "A"), ("b.ent." + z, "A"), ("ent." + z, "TXT"),
          ("nope." + z, "A"), ("nope.www." + z, "A"), ("www." + z, "SRV"),
          ("inzone." + z, "A"), ("inzone." + z, "CNAME"),
          ("chain." + z, "A"), ("chain." + z, "AAAA"),
          ("dangling." + z, "A"), ("loop1." + z, "A"),
          ("selfloop." + z, "A"),
          ("xloop." + z, "A"), ("xloop2." + zn, "TXT"),
          ("mail." + zn, "AAAA"),
          ("cross." + z, "A"), ("cross." + z, "AAAA"),
          ("crosschain." + z, "A"), ("crossmx." + z, "MX"),
          ("xdangling." + z, "A"),
          ("www.old." + z, "A"), ("www.old." + z, "A"),
          ("mail.old." + z, "AAAA"), ("nope.old." + z, "A"),
          ("old." + z, "DNAME"),
          ("www.here." + z, "A"), ("www.here." + z, "A"),
          ("todn." + z, "A"),
          ("foo.wild." + z, "A"), ("bar.wild." + z, "TXT"),
          ("foo.wild." + z, "MX"), ("a.b.wild." + z, "A"),
          ("foo.wc." + z, "A"), ("foo.wcx." + z, "A"),
          ("www.sub." + z, "A"), ("www.sub." + z, "TXT"),
          ("nope.sub." + z, "A"), ("sub." + z, "NS"),
          ("sub." + z, "SOA"), ("deeper.sub." + z, "A"),
          ("www.gl." + z, "A"), ("www.gl." + z, "TXT"),
          ("www.pg." + z, "A"), ("pg." + z, "NS"),
          ("www.lamechild." + z, "A"), ("mail." + z, "A"),
          ("www.refused." + z, "A"), ("tolame." + z, "A"),
          ("www.halfref." + z, "A"), ("www.halfref." + z, "TXT"),
          ("halfref." + z, "NS"), ("nope.halfref." + z, "A"),
          ("www.co." + z, "A"), ("nope.co." + z, "A"), ("co." + z, "NS"),
          ("co." + z, "SOA"), ("www.co." + z, "TXT"),
          (mixed("www." + z), "A"), (mixed("mail." + z), "AAAA"),
          (mixed("cross." + z), "A"), (mixed("nope." + z), "A"),
          (mixed("foo.wild." + z), "A")]
    return [x for i, x in enumerate(q) if i == 0 or x != q[0]]


def queries():
    q = [(".", "SOA"), (".", "NS")]
    for i, k in enumerate(KINDS):
        q += kind_block(k, FIRSTS[i % len(FIRSTS)])
        q += [(k + ".", "SOA"), (k + ".", "NS"), ("nope.%s." % k, "A")]
    return q + [("nosuchtld.", "A"), (".", "SOA")]


def known():
    """What the lab must answer (checked through both peers): the A
    records of the answer, or the rcode when it has none."""
    want = {}
    for k in KINDS:
        z, n = "z.%s." % k, nxt(k)
        want.update({("www." + z, "A"): [v4(k, 1)],
                     ("cross." + z, "A"): [v4(n, 1)],
                     ("www.old." + z, "A"): [v4(n, 1)],
                     ("www.here." + z, "A"): [v4(k, 7)],
                     ("foo.wc." + z, "A"): [v4(k, 1)],
                     ("a.b.wild." + z, "A"): [v4(k, 8)],
                     ("www.gl." + z, "A"): [v4(k, 11)],
                     ("www.pg." + z, "A"): [v4(k, 12)],
                     ("www.sub." + z, "A"): [v4(k, 13)],
                     ("www.halfref." + z, "A"): [v4(k, 14)],
                     ("www.co." + z, "A"): [v4(k, 15)],
                     ("deeper.sub." + z, "A"): [v4(k, 1)],
                     ("nope." + z, "A"): "NXDOMAIN",
                     ("www.refused." + z, "A"): "SERVFAIL"})
    return want


def ask(where, name, qtype):
    """The normalised answer, ("TIMEOUT", ()) when none came, and the
    seconds taken."""
    t = time.monotonic()
    try:
        r = daemons.ask(where, name, qtype, timeout=TIMEOUT)
        if r.flags & dns.flags.TC:
            r = daemons.ask(where, name, qtype, tcp=True, timeout=TIMEOUT)
        a = daemons.answer_set(r)
        if a[0] == "SERVFAIL":
            a = ("SERVFAIL", ())
    except (dns.exception.Timeout, OSError) as e:
        a = ("TIMEOUT", (type(e).__name__,))
    return a, time.monotonic() - t


def show(a):
    return "%s %s" % (a[0], " ".join("%s %s %s" % (n, t, ",".join(d))
                                     for n, t, d in a[1]) or "-")


@pytest.fixture(scope="module")
def lab():
    if os.geteuid() != 0:
        pytest.skip("needs root (servers on 127.0.0.100-160:53)")
    for tool in ("nsd", "knotd", "named", "unbound", "kresd"):
        if not shutil.which(tool):
            pytest.skip("no %s" % tool)
    for b in (servers.banchi_binary(), daemons.resolver_binary()):
        if not b.exists():
            pytest.skip("no %s" % b)
    lb = reslab.Lab()
    try:
        yield lb.start()
    finally:
        lb.stop()
        lb.remove()


@pytest.fixture(scope="module")
def resolvers(lab):
    """The three resolvers on the lab's root hints, cold; stopped at
    the end (banchi's log checked for sanitizer reports). RESLAB_KEEP=1
    keeps the work directory (logs); RESLAB_BANCHI_FLAGS: more flags for
    banchi-resolver."""
    rs = {}
    try:
        for name, start in (("banchi", daemons.start_resolver),
                            ("unbound", daemons.start_unbound),
                            ("kresd", daemons.start_kresd)):
            d = lab.dir / ("resolver-" + name)
            d.mkdir()
            d.chmod(0o755)
            kw = {"special": ()} if name != "kresd" else {}
            if name == "banchi":
                kw["extra"] = os.environ.get("RESLAB_BANCHI_FLAGS",
                                             "").split()
            rs[name] = start(d, lab.hints, **kw)
        yield rs
        for r in rs.values():
            r.stop(timeout=5)
            r.check_log()
    finally:
        for r in rs.values():
            r.stop(timeout=5)


def run_queries(rs, qs):
    """Each query to the three resolvers at once, one query at a time;
    returns [(name, type, {resolver: answer})] and the time per
    resolver."""
    out, spent = [], dict.fromkeys(RESOLVERS, 0.0)
    end = time.monotonic() + DEADLINE
    with concurrent.futures.ThreadPoolExecutor(len(RESOLVERS)) as ex:
        for name, t in qs:
            if time.monotonic() > end:
                break
            futs = {r: ex.submit(ask, rs[r].where, name, t)
                    for r in RESOLVERS}
            got = {}
            for r, f in futs.items():
                got[r], took = f.result()
                spent[r] += took
            out.append((name, t, got))
    return out, spent


def classify(results):
    """Counts and the report lines of each kind of disagreement."""
    c = dict.fromkeys(("bu", "bk", "fail", "split", "neither"), 0)
    fails, splits = [], []
    for name, t, got in results:
        b, u, k = got["banchi"], got["unbound"], got["kresd"]
        c["bu"] += b == u
        c["bk"] += b == k
        text = "%s %s\n  banchi:  %s\n  unbound: %s\n  kresd:   %s" % (
            name, t, show(b), show(u), show(k))
        if u == k and b != u:
            c["fail"] += 1
            fails.append("FAILURE " + text)
        elif u != k:
            c["split"] += 1
            if b != u and b != k:
                c["neither"] += 1
                fails.append("FAILURE (banchi equals neither) " + text)
            else:
                splits.append("peers disagree: " + text)
    return c, fails, splits


def test_resolver_lab(lab, resolvers):
    qs = queries()
    assert len(qs) >= 150
    start = time.monotonic()
    results, spent = run_queries(resolvers, qs)
    assert len(results) == len(qs), "%d of %d queries asked in %d s" % (
        len(results), len(qs), DEADLINE)
    c, fails, splits = classify(results)
    for line in splits + fails:
        print(line)
    print("resolver lab: %d queries; banchi = unbound: %d, banchi = kresd:"
          " %d, peers agree and banchi differs: %d, peers disagree: %d"
          % (len(qs), c["bu"], c["bk"], c["fail"], c["split"]))
    print("  of which banchi equals neither peer: %d; %.1f s (resolver "
          "time: %s)" % (c["neither"], time.monotonic() - start,
                         ", ".join("%s %.1f s" % x for x in spent.items())))
    check_lab(results)
    if os.environ.get("RESLAB_KEEP"):
        lab.keep = True
        print("logs kept in %s" % lab.dir)
    assert not fails, "%d FAILUREs (listed above)" % len(fails)


def check_lab(results):
    """A lab that answers nothing would make every resolver agree: the
    peers must both give the known answers."""
    want, bad, seen = known(), [], set()
    for name, t, got in results:
        if (name, t) not in want:
            continue
        seen.add((name, t))
        for r in ("unbound", "kresd"):
            a = got[r]
            have = sorted(d for n, ty, ds in a[1] if ty == "A" for d in ds)
            exp = want[(name, t)]
            if (have if isinstance(exp, list) else a[0]) != exp:
                bad.append("%s %s via %s: %s, want %s" % (name, t, r,
                                                          show(a), exp))
    assert len(seen) == len(want) == 14 * len(KINDS)
    assert not bad, "the lab itself is wrong:\n" + "\n".join(bad)
