"""RFC 8198 aggressive use of the validated cache, against Unbound 1.17
with aggressive-nsec: yes. banchi-auth serves the signed hierarchy of
tests/data/dnssec/chain (tld. is signed with NSEC); banchi-resolver
(aggressive-nsec on by default) and Unbound reach it through stub zones
on loopback. After one NXDOMAIN in tld., another name of the same NSEC
range is NXDOMAIN with AD without an upstream query (the
upstream_queries_total metric does not move), and so is a NODATA at an
NSEC's owner; each answer has Unbound's rcode, AD and RRsets in every
section. CD queries and --no-aggressive-nsec go upstream. nsec.test.
(tests/data/dnssec/denial, its KSK a second anchor, a stub zone: the
root does not delegate it) has a wildcard *.w: after one expansion,
other names under it are expanded from the cache (RFC 8198 5.3) as
Unbound answers them."""

import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dns.flags
import dns.rcode
import dns.rdatatype
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
import servers  # noqa: E402
import validators  # noqa: E402

CHAIN = HERE.parent / "data" / "dnssec" / "chain"
DENIAL = HERE.parent / "data" / "dnssec" / "denial"
ZONES = [(".", "root.signed"), ("tld.", "tld.signed"),
         ("sld.tld.", "sld.tld.signed"),
         ("insecure.tld.", "insecure.tld.zone"),
         ("nsec.test.", DENIAL / "nsec.test.signed")]  # a wildcard *.w
DO, CD = 1, 2


def ask(where, name, qtype, flags=DO):
    return validators.ask(where, name, qtype, do=bool(flags & DO),
                          cd=bool(flags & CD))


def summary(r):
    """rcode, AD and each section's RRsets (owner, type, sorted rdata;
    TTLs aside)."""
    def sets(section):
        return sorted((str(s.name).lower(), s.rdtype,
                       tuple(sorted(rd.to_text() for rd in s)))
                      for s in section)
    return (dns.rcode.to_text(r.rcode()), bool(r.flags & dns.flags.AD),
            sets(r.answer), sets(r.authority))


def metrics(res):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % res.metrics,
                                timeout=5) as f:
        text = f.read().decode()
    got = {}
    for line in text.splitlines():
        if line.startswith("banchi_resolver_") and " " in line:
            k, v = line.rsplit(" ", 1)
            k = k.split("{")[0]
            got[k] = got.get(k, 0) + float(v)
    return got


def wait_for(where):
    end = time.monotonic() + 20
    while time.monotonic() < end:
        if ask(where, "tld.", "SOA", 0) is not None:
            return
        time.sleep(0.2)
    raise RuntimeError("no answer from %s" % (where,))


def anchors(path):
    """The chain's anchor and nsec.test.'s KSK, in one file."""
    text = (DENIAL / "nsec.test.signed").read_text()
    m = re.search(r"DNSKEY\s+(257 3 13) \(([^)]*)\)", text)
    key = "".join(m.group(2).split())
    path.write_text((CHAIN / "anchor.txt").read_text() +
                    "nsec.test. 300 IN DNSKEY %s %s\n" % (m.group(1), key))
    return path


def resolver(top, name, auth_port, extra=()):
    r = top / name
    r.mkdir()
    r.chmod(0o755)
    (r / "hints").write_text(". 3600 NS ns.\nns. 3600 A 127.0.0.1\n")
    anchors(r / "anchor.txt")
    port, mport = servers.free_port(), servers.free_port()
    argv = [str(servers.banchi_binary().parent / "banchi-resolver"),
            "--listen", "127.0.0.1:%d" % port, "--threads", "1",
            "--root-hints", str(r / "hints"), "--control", str(r / "ctl"),
            "--metrics", "127.0.0.1:%d" % mport,
            "--trust-anchor", str(r / "anchor.txt"),
            "--allow-special", "test"] + list(extra)
    for z, _ in ZONES:
        argv += ["--stub", "%s=127.0.0.1:%d" % (z, auth_port)]
    res = servers.Server("banchi-resolver", argv, ("127.0.0.1", port), r,
                         ".", wait=False)
    res.metrics = mport
    res.ctl = r / "ctl"
    return res


@pytest.fixture(scope="module")
def lab():
    if not shutil.which("unbound"):
        pytest.skip("no unbound")
    if not servers.banchi_binary().exists():
        pytest.skip("no %s" % servers.banchi_binary())
    top = servers.world_dir("banchi-aggr-nsec-")
    started = []
    try:
        zones = [(o.rstrip(".") or ".", servers.copy_zone(CHAIN / f, top))
                 for o, f in ZONES]
        d = top / "auth"
        d.mkdir()
        d.chmod(0o755)
        auth = servers.start_banchi(d, zones)
        started.append(auth)
        res = resolver(top, "resolver", auth.where[1])
        started.append(res)
        off = resolver(top, "off", auth.where[1], ["--no-aggressive-nsec"])
        started.append(off)
        u = top / "unbound"
        u.mkdir()
        uport = servers.free_port()
        conf = validators.unbound_conf(
            u, uport, auth.where[1], [z for z, _ in ZONES],
            ['  trust-anchor-file: "%s"' % anchors(u / "anchor.txt"),
             "  aggressive-nsec: yes", "  local-zone: test. nodefault"])
        ub = servers.Server("unbound", ["unbound", "-d", "-c", str(conf)],
                            ("127.0.0.1", uport), u, ".", wait=False)
        started.append(ub)
        for s in (res, off, ub):
            wait_for(s.where)
        yield res, off, ub
    finally:
        for s in started:
            s.stop(timeout=5)
        shutil.rmtree(top, ignore_errors=True)


UPSTREAM = "banchi_resolver_upstream_queries_total"
AGGR = "banchi_resolver_aggressive_nsec_answers_total"


def test_nxdomain_from_cached_range(lab):
    res, _, ub = lab
    first = ask(res.where, "nx.tld.", "A")
    assert summary(first) == summary(ask(ub.where, "nx.tld.", "A"))
    assert first.flags & dns.flags.AD
    before = metrics(res)
    bad = []
    # ns.tld. -> sld.tld. covers them; tld. -> badsig.tld. covers *.tld.
    for name in ("nz.tld.", "o.tld.", "deep.below.nz.tld."):
        got, want = ask(res.where, name, "A"), ask(ub.where, name, "A")
        assert got is not None and want is not None
        if summary(got) != summary(want):
            bad.append("%s: banchi %s\nunbound %s" % (
                name, summary(got), summary(want)))
        assert dns.rcode.to_text(got.rcode()) == "NXDOMAIN"
        assert got.flags & dns.flags.AD
    after = metrics(res)
    assert after[UPSTREAM] == before[UPSTREAM], (before, after)
    assert after[AGGR] == before.get(AGGR, 0) + 3
    assert not bad, "\n".join(bad)


def test_nodata_at_nsec_owner(lab):
    res, _, ub = lab
    ask(res.where, "nx.tld.", "A")
    ask(ub.where, "nx.tld.", "A")
    before = metrics(res)
    got, want = ask(res.where, "ns.tld.", "TXT"), ask(ub.where, "ns.tld.",
                                                        "TXT")
    assert dns.rcode.to_text(got.rcode()) == "NOERROR" and not got.answer
    assert got.flags & dns.flags.AD
    assert summary(got) == summary(want)
    assert metrics(res)[UPSTREAM] == before[UPSTREAM]


def test_plain_client_gets_soa_only(lab):
    res, _, _ = lab
    ask(res.where, "nx.tld.", "A")
    r = ask(res.where, "nr.tld.", "A", 0)
    assert dns.rcode.to_text(r.rcode()) == "NXDOMAIN"
    assert not r.flags & dns.flags.AD
    assert [s.rdtype for s in r.authority] == [dns.rdatatype.SOA]


def test_cd_and_switch_off_go_upstream(lab):
    res, off, _ = lab
    ask(res.where, "nx.tld.", "A")
    before = metrics(res)
    r = ask(res.where, "nw.tld.", "A", DO | CD)
    assert dns.rcode.to_text(r.rcode()) == "NXDOMAIN"
    assert metrics(res)[UPSTREAM] > before[UPSTREAM]
    ask(off.where, "nx.tld.", "A")
    before = metrics(off)
    r = ask(off.where, "nv.tld.", "A")
    assert dns.rcode.to_text(r.rcode()) == "NXDOMAIN"
    assert r.flags & dns.flags.AD
    after = metrics(off)
    assert after[UPSTREAM] > before[UPSTREAM]
    assert after.get(AGGR, 0) == 0


def test_why_names_the_nsec(lab):
    res, _, _ = lab
    ask(res.where, "nx.tld.", "A")
    p = subprocess.run(
        [str(servers.banchi_binary().parent / "banchi-ctl"), "-s",
         str(res.ctl), "why", "nu.tld", "A"], capture_output=True,
        text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert "synthesised from the cached NSEC ns.tld. \u2192 sld.tld." in \
        p.stdout, p.stdout
    assert "NXDOMAIN" in p.stdout


def test_wildcard_from_cache(lab):
    res, _, ub = lab
    for where in (res.where, ub.where):
        r = ask(where, "a.w.nsec.test.", "A")
        assert r is not None and r.flags & dns.flags.AD, r
    before = metrics(res)
    bad = []
    for name in ("b.w.nsec.test.", "deep.c.w.nsec.test."):
        got, want = ask(res.where, name, "A"), ask(ub.where, name, "A")
        assert dns.rcode.to_text(got.rcode()) == "NOERROR"
        assert got.flags & dns.flags.AD and got.answer
        if summary(got) != summary(want):
            bad.append("%s: banchi %s\nunbound %s" % (
                name, summary(got), summary(want)))
    after = metrics(res)
    assert after[UPSTREAM] == before[UPSTREAM], (before, after)
    assert after[AGGR] == before.get(AGGR, 0) + 2
    assert not bad, "\n".join(bad)
