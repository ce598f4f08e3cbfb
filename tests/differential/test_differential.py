"""Differential test: the same generated queries (fixed seed) to
banchi-auth, NSD, Knot DNS and BIND serving the same zones; banchi's
normalised answer must equal at least one peer's for every query.
Prints the counts. Deliberate differences: doc/differences.md."""

import concurrent.futures
import os
import random
import shutil
import sys
from pathlib import Path

import dns.flags
import dns.name
import dns.rdatatype
import dns.zone
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
import servers  # noqa: E402

ZONES = [("diff.test", "diff.test.zone"), ("gen.test", "gen.test.zone"),
         ("wild.test", "wild.test.zone")]
SEED = int(os.environ.get("DIFF_SEED", "20261129"))
COUNT = int(os.environ.get("DIFF_QUERIES", "6000"))
PEERS = ("nsd", "knot", "bind")

TYPES = ["A", "AAAA", "MX", "NS", "SOA", "TXT", "SRV", "CNAME", "DNAME",
         "DS", "PTR", "CAA", "HINFO", "SSHFP", "NAPTR", "TLSA", "ANY"]


@pytest.fixture(scope="module")
def farm():
    """Four servers on the same zones; yields {name: Server} and the
    zones read by dnspython (from BIND's expansion)."""
    for tool in ("nsd", "knotd", "named", "named-compilezone"):
        if not shutil.which(tool):
            pytest.skip("no %s" % tool)
    if not servers.banchi_binary().exists():
        pytest.skip("no %s" % servers.banchi_binary())
    top = servers.world_dir("banchi-diff-")
    plain, expanded, parsed = [], [], {}
    for origin, fname in ZONES:
        src = servers.copy_zone(HERE / "zones" / fname, top)
        exp = servers.expand_zone(origin, src, top / (fname + ".expanded"))
        plain.append((origin, src))
        expanded.append((origin, exp))
        parsed[origin] = dns.zone.from_file(str(exp), origin,
                                            relativize=False)
    started = {}
    try:
        for name, fn, zs in (("banchi", servers.start_banchi, plain),
                             ("nsd", servers.start_nsd, expanded),
                             ("knot", servers.start_knot, expanded),
                             ("bind", servers.start_bind, plain)):
            d = top / name
            d.mkdir()
            d.chmod(0o755)
            started[name] = fn(d, zs)
        yield started, parsed
    finally:
        for s in started.values():
            s.stop(timeout=5)
        shutil.rmtree(top, ignore_errors=True)


def zone_facts(z):
    """Names by kind, from the zone's contents."""
    origin = z.origin
    f = {"names": [], "types": {}, "cnames": [], "dnames": [],
         "cuts": [], "wild": [], "ents": set()}
    for name, node in z.nodes.items():
        types = [dns.rdatatype.to_text(r.rdtype) for r in node.rdatasets]
        f["names"].append(name)
        f["types"][name] = types
        if "CNAME" in types:
            f["cnames"].append(name)
        if "DNAME" in types:
            f["dnames"].append(name)
        if "NS" in types and name != origin:
            f["cuts"].append(name)
        if name.labels[0] == b"*":
            f["wild"].append(name.parent())
        p = name.parent()
        while p != origin and p.is_subdomain(origin):
            if p not in z.nodes:
                f["ents"].add(p)
            p = p.parent()
    f["ents"] = sorted(f["ents"])
    f["names"].sort()
    return f


def label(rnd):
    n = rnd.randint(1, 10)
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789-")
                   for _ in range(n)).strip("-") or "q"


def mixcase(rnd, text):
    return "".join(c.upper() if rnd.random() < 0.5 else c for c in text)


def pick_name(rnd, f, origin):
    """(kind, name text) of one query name."""
    k = rnd.random()
    if k < 0.30:
        return "exist", rnd.choice(f["names"]).to_text()
    if k < 0.40:
        return "nx", "%s.%s" % (label(rnd), rnd.choice(f["names"]))
    if k < 0.46 and f["ents"]:
        return "ent", rnd.choice(f["ents"]).to_text()
    if k < 0.58 and f["wild"]:
        extra = ".".join(label(rnd) for _ in range(rnd.randint(1, 3)))
        if rnd.random() < 0.15:
            extra = rnd.choice(["*", "x.*", "*.x", "*.*"])
        return "wild", "%s.%s" % (extra, rnd.choice(f["wild"]))
    if k < 0.68 and f["cnames"]:
        return "cname", rnd.choice(f["cnames"]).to_text()
    if k < 0.76 and f["dnames"]:
        d = rnd.choice(f["dnames"])
        sub = rnd.choice(["h1", "h2", "m", "host3", "host7", "alias2",
                          "www", "h1.old", "*", label(rnd)])
        return "dname", "%s.%s" % (sub, d)
    if k < 0.90 and f["cuts"]:
        c = rnd.choice(f["cuts"])
        r = rnd.random()
        if r < 0.4:
            return "cut", c.to_text()
        if r < 0.7:
            return "below-cut", "%s.%s" % (
                rnd.choice(["www", "ns1", "ns2", "ns", label(rnd)]), c)
        return "glue", rnd.choice([n for n in f["names"]
                                   if n.is_subdomain(c)]).to_text()
    if k < 0.93:
        return "refused", rnd.choice(["example.com.", "test.", "other.test.",
                                      "%s.invalid." % label(rnd), "."])
    return "exist", rnd.choice(f["names"]).to_text()


def pick_type(rnd, kind, f, name):
    try:
        here = f["types"].get(dns.name.from_text(name), [])
    except dns.exception.DNSException:
        here = []
    if kind == "cut" and rnd.random() < 0.5:
        return rnd.choice(["NS", "DS"])
    if here and rnd.random() < 0.6:
        return rnd.choice(here)
    if rnd.random() < 0.5:
        return rnd.choice(["A", "AAAA", "MX", "TXT"])
    return rnd.choice(TYPES)


def gen_queries(parsed, count=COUNT, seed=SEED):
    rnd = random.Random(seed)
    facts = {o: zone_facts(z) for o, z in parsed.items()}
    origins = sorted(facts)
    out = []
    for i in range(count):
        o = rnd.choice(origins)
        kind, name = pick_name(rnd, facts[o], dns.name.from_text(o))
        qtype = pick_type(rnd, kind, facts[o], name)
        if rnd.random() < 0.3:
            name = mixcase(rnd, name)
        edns = rnd.choice([None, 512, 1232, 4096])
        tcp = rnd.random() < 0.2
        rd = rnd.random() < 0.2
        out.append({"i": i, "kind": kind, "name": name, "type": qtype,
                    "edns": edns, "tcp": tcp, "rd": rd})
    return out


def ask(where, q):
    m = servers.make_query(q["name"], q["type"],
                           edns=None if q["edns"] is None else 0,
                           payload=q["edns"] or 1232, rd=q["rd"])
    try:
        return servers.send(where, m, tcp=q["tcp"], timeout=2.0, tries=3)
    except Exception as e:      # noqa: BLE001 (recorded, then compared)
        return e


def rr_lines(section):
    return frozenset(line.lower() for rrset in section
                     for line in rrset.to_text().splitlines())


def normalise(r):
    if isinstance(r, Exception):
        return ("no answer", type(r).__name__)
    flags = tuple(f for f in ("AA", "TC", "RD", "RA")
                  if r.flags & dns.flags.from_text(f))
    opt = r.edns if r.edns >= 0 else None
    if r.flags & dns.flags.TC:
        return (dns.rcode.to_text(r.rcode()), "TC")
    return (dns.rcode.to_text(r.rcode()), flags, opt,
            rr_lines(r.question), rr_lines(r.answer),
            rr_lines(r.authority), rr_lines(r.additional))


def run_all(farm_servers, queries, workers=24):
    res = {}
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        for name, srv in farm_servers.items():
            futs = [ex.submit(ask, srv.where, q) for q in queries]
            res[name] = [normalise(f.result()) for f in futs]
    return res


def show(q, res, i):
    lines = ["#%d %s %s %s edns=%s %s rd=%s" % (
        i, q["kind"], q["name"], q["type"], q["edns"],
        "tcp" if q["tcp"] else "udp", q["rd"])]
    for name in ("banchi",) + PEERS:
        lines.append("  %-6s %s" % (name, res[name][i]))
    return "\n".join(lines)


def test_differential(farm):
    started, parsed = farm
    queries = gen_queries(parsed)
    assert len(queries) >= 5000
    res = run_all(started, queries)
    # A lost datagram must not fail the run: ask the differing ones again.
    again = [i for i, q in enumerate(queries)
             if all(res[p][i] != res["banchi"][i] for p in PEERS)]
    if again:
        redo = run_all(started, [queries[i] for i in again], workers=4)
        for k, i in enumerate(again):
            for name in res:
                res[name][i] = redo[name][k]
    equal = {p: 0 for p in PEERS}
    anyone = 0
    bad = []
    for i, q in enumerate(queries):
        mine = res["banchi"][i]
        hit = False
        for p in PEERS:
            if res[p][i] == mine:
                equal[p] += 1
                hit = True
        if hit:
            anyone += 1
        else:
            bad.append(i)
    kinds, rcodes = {}, {}
    for q in queries:
        kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
    for n in res["banchi"]:
        rcodes[n[0]] = rcodes.get(n[0], 0) + (1 if n[-1] != "TC" else 0)
    rcodes["TC"] = sum(1 for n in res["banchi"] if n[-1] == "TC")
    print("\ndifferential: %d queries (%s); equal to NSD %d, Knot %d, "
          "BIND %d, to at least one %d; differing %d" % (
              len(queries), ", ".join("%s %d" % kv for kv in
                                      sorted(kinds.items())),
              equal["nsd"], equal["knot"], equal["bind"], anyone,
              len(bad)))
    print("banchi's answers: %s" % ", ".join(
        "%s %d" % kv for kv in sorted(rcodes.items())))
    assert rcodes.get("no answer", 0) == 0
    assert not bad, "\n".join(show(queries[i], res, i) for i in bad[:15])
