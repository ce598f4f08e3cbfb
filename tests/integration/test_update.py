"""Dynamic UPDATE (RFC 2136) against the real peers: the same sequence of
signed updates (every prerequisite kind, every update kind, every rcode
RFC 2136 names) goes to banchi-auth, BIND and Knot, each primary for the
same zone; after each step the rcodes must agree and the zones, read
back by AXFR, must be equal. Then nsupdate and knsupdate against
banchi-auth, unsigned and wrongly signed updates refused, and a restart
that serves every acknowledged change from the journal."""

import base64
import shutil
import signal
import subprocess
import time
from pathlib import Path

import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsig
import dns.tsigkeyring
import dns.update
import pytest

import servers
from conftest import check_log

pytestmark = pytest.mark.banchi_only

SECRET = base64.b64encode(bytes(range(7, 39))).decode()
KEYNAME = "upd-key"
RING = dns.tsigkeyring.from_text({KEYNAME: SECRET})
ZONE = "upd.test"
ZONE_TEXT = """$TTL 300
@ SOA ns1 hostmaster 10 3600 600 86400 300
@ NS ns1
@ NS ns2
ns1 A 192.0.2.1
ns2 A 192.0.2.2
www A 192.0.2.80
www A 192.0.2.81
www TXT "hello"
alias CNAME www
mail MX 10 www
deep.sub A 192.0.2.9
"""


def write_zone(d):
    """The zone file, written once: a restart reads it as it is."""
    p = Path(d) / "upd.test.zone"
    if not p.exists():
        p.write_text(ZONE_TEXT)
    return p


def start_banchi(d, extra=()):
    return servers.start_banchi(d, [(ZONE, write_zone(d))], extra=[
        "--key", "hmac-sha256:%s:%s" % (KEYNAME, SECRET),
        "--allow-update", "%s=key:%s" % (ZONE, KEYNAME),
        "--allow-transfer", "%s=127.0.0.1" % ZONE,
        "--zone-dir", str(Path(d) / "zones"), "--allow-root"] + list(extra))


def start_bind(d):
    port = servers.free_port()
    d = Path(d)
    conf = ['key "%s" { algorithm hmac-sha256; secret "%s"; };'
            % (KEYNAME, SECRET),
            'options { directory "%s"; listen-on port %d { 127.0.0.1; };'
            % (d, port),
            '  listen-on-v6 { none; }; recursion no; pid-file "%s/named.pid";'
            % d, "  notify no; dnssec-validation no; };", "controls { };",
            'zone "%s" { type primary; file "%s"; allow-update { key %s; };'
            ' allow-transfer { 127.0.0.1; }; };'
            % (ZONE, write_zone(d), KEYNAME)]
    (d / "named.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("bind", ["named", "-g", "-u", "root", "-c",
                                   str(d / "named.conf")],
                          ("127.0.0.1", port), d, ZONE)


def start_knot(d):
    port = servers.free_port()
    d = Path(d)
    conf = ["server:", "  listen: 127.0.0.1@%d" % port, "  rundir: %s" % d,
            "  user: root", "key:", "  - id: %s" % KEYNAME,
            "    algorithm: hmac-sha256", "    secret: %s" % SECRET,
            "acl:", "  - id: upd", "    key: %s" % KEYNAME,
            "    action: update", "  - id: xfr", "    address: 127.0.0.1",
            "    action: transfer", "database:", "  storage: %s" % d,
            "template:", "  - id: default", "    storage: %s" % d,
            "    zonefile-sync: -1", "    semantic-checks: off",
            "zone:", "  - domain: %s" % ZONE, "    file: %s" % write_zone(d),
            "    acl: [upd, xfr]"]
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("knot", ["knotd", "-c", str(d / "knot.conf")],
                          ("127.0.0.1", port), d, ZONE)


def axfr(where):
    msgs = dns.query.xfr(where[0], ZONE, port=where[1], lifetime=10,
                         relativize=False)
    out = set()
    for m in msgs:
        for rrset in m.answer:
            for rd in rrset:
                out.add((rrset.name.to_text().lower(), rrset.ttl,
                         dns.rdatatype.to_text(rrset.rdtype),
                         rd.to_text().lower()))
    return out


def send(where, upd):
    r = dns.query.udp(upd, where[0], port=where[1], timeout=5)
    return dns.rcode.to_text(r.rcode())


def U(**kw):
    return dns.update.UpdateMessage(ZONE, keyring=RING, keyname=KEYNAME,
                                    keyalgorithm=dns.tsig.HMAC_SHA256, **kw)


def step_list():
    """(label, builder) in order; each builds a fresh UpdateMessage."""
    s = []

    def add(label):
        def deco(fn):
            s.append((label, fn))
            return fn
        return deco

    @add("add A")
    def _(u):
        u.add("new", 300, "A", "192.0.2.50")

    @add("add to existing set, other TTL")
    def _(u):
        u.add("www", 60, "A", "192.0.2.82")

    @add("add duplicate")
    def _(u):
        u.add("www", 60, "A", "192.0.2.82")

    @add("delete one RR")
    def _(u):
        u.delete("www", "A", "192.0.2.80")

    @add("delete RRset")
    def _(u):
        u.delete("www", "TXT")

    @add("delete name")
    def _(u):
        u.delete("mail")

    @add("prereq yxdomain ok")
    def _(u):
        u.present("www")
        u.add("p1", 300, "TXT", "yes")

    @add("prereq yxdomain fails NXDOMAIN")
    def _(u):
        u.present("nothere")
        u.add("p2", 300, "TXT", "no")

    @add("prereq nxdomain fails YXDOMAIN")
    def _(u):
        u.absent("www")
        u.add("p3", 300, "TXT", "no")

    @add("prereq nxdomain ok")
    def _(u):
        u.absent("fresh")
        u.add("fresh", 300, "A", "192.0.2.60")

    @add("prereq yxrrset fails NXRRSET")
    def _(u):
        u.present("www", "MX")
        u.add("p4", 300, "TXT", "no")

    @add("prereq nxrrset fails YXRRSET")
    def _(u):
        u.absent("www", "A")
        u.add("p5", 300, "TXT", "no")

    @add("prereq value-dependent ok")
    def _(u):
        u.present("ns1", "A", "192.0.2.1")
        u.add("p6", 300, "TXT", "vd")

    @add("prereq value-dependent fails NXRRSET")
    def _(u):
        u.present("ns1", "A", "192.0.2.99")
        u.add("p7", 300, "TXT", "no")

    @add("CNAME where data is: ignored")
    def _(u):
        u.add("www", 300, "CNAME", "ns1")

    @add("data where CNAME is: ignored")
    def _(u):
        u.add("alias", 300, "A", "192.0.2.7")

    @add("CNAME replaces CNAME")
    def _(u):
        u.add("alias", 300, "CNAME", "ns2")

    @add("delete apex NS one of two")
    def _(u):
        u.delete("@", "NS", "ns2")

    @add("delete last apex NS: ignored")
    def _(u):
        u.delete("@", "NS", "ns1")

    @add("delete apex name keeps SOA and NS")
    def _(u):
        u.add("@", 300, "TXT", "apex")
        u.delete("@")

    @add("SOA with lower serial: ignored")
    def _(u):
        u.add("@", 300, "SOA", "ns1 hostmaster 5 3600 600 86400 300")

    @add("SOA with higher serial")
    def _(u):
        u.add("@", 300, "SOA", "ns1 hostmaster 1000 3600 600 86400 300")

    @add("out of zone NOTZONE")
    def _(u):
        u.add(dns.name.from_text("x.other.test."), 300, "A", "192.0.2.1")

    @add("add then delete in one message")
    def _(u):
        u.add("tmp", 300, "A", "192.0.2.70")
        u.delete("tmp", "A", "192.0.2.70")

    @add("delete then add a set in one message")
    def _(u):
        u.delete("ns1", "A")
        u.add("ns1", 300, "A", "192.0.2.11")

    @add("new name under an empty non-terminal")
    def _(u):
        u.add("a.b.c", 300, "A", "192.0.2.77")

    @add("delete the ENT's only child")
    def _(u):
        u.delete("deep.sub")

    return s


@pytest.fixture(scope="module")
def trio():
    if not (shutil.which("named") and shutil.which("knotd")):
        pytest.skip("BIND or Knot missing")
    dirs = [servers.world_dir("banchi-upd-%s-" % n)
            for n in ("banchi", "bind", "knot")]
    srv = []
    try:
        srv.append(start_banchi(dirs[0]))
        srv.append(start_bind(dirs[1]))
        srv.append(start_knot(dirs[2]))
        yield srv
        check_log(srv[0])
    finally:
        for s in srv:
            s.stop()
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)


def test_same_as_bind_and_knot(trio):
    banchi, bind, knot = trio
    assert axfr(banchi.where) == axfr(bind.where)
    for label, build in step_list():
        got = []
        for s in trio:
            u = U()
            build(u)
            got.append(send(s.where, u))
        assert got[0] == got[1], "%s: banchi %s, BIND %s, Knot %s" % (
            label, *got)
        zb, zbind, zknot = (axfr(s.where) for s in trio)
        assert zb == zbind, "%s: zone differs from BIND's: %s" % (
            label, sorted(zb ^ zbind))
        if got[2] == got[1]:
            # Knot agrees with BIND here: it must agree with us too
            assert zb == zknot or label.startswith("SOA"), \
                "%s: differs from Knot: %s" % (label, sorted(zb ^ zknot))


def test_unsigned_and_bad_key_refused(trio):
    banchi, bind, _ = trio
    for s in (banchi, bind):
        u = dns.update.UpdateMessage(ZONE)
        u.add("unsigned", 300, "A", "192.0.2.1")
        assert send(s.where, u) == "REFUSED"
    bad = dns.tsigkeyring.from_text({KEYNAME: base64.b64encode(
        b"x" * 32).decode()})
    u = dns.update.UpdateMessage(ZONE, keyring=bad, keyname=KEYNAME,
                                 keyalgorithm=dns.tsig.HMAC_SHA256)
    u.add("badkey", 300, "A", "192.0.2.1")
    with pytest.raises(dns.tsig.PeerBadSignature):
        dns.query.udp(u, banchi.where[0], port=banchi.where[1], timeout=5)
    assert "upd.test" in banchi.log_text()
    assert ("badkey.upd.test.", 300, "A", "192.0.2.1") not in axfr(
        banchi.where)


def nsupdate_script(where, lines):
    return "server %s %d\nzone %s\n%s\nsend\n" % (
        where[0], where[1], ZONE, "\n".join(lines))


@pytest.mark.parametrize("tool", ["nsupdate", "knsupdate"])
def test_tools(tool):
    if not shutil.which(tool):
        pytest.skip(tool + " missing")
    d = servers.world_dir("banchi-upd-tool-")
    s = start_banchi(d)
    try:
        key = "hmac-sha256:%s:%s" % (KEYNAME, SECRET)
        ok = subprocess.run([tool, "-y", key], input=nsupdate_script(
            s.where, ["update add t1.upd.test. 300 A 192.0.2.31",
                      "update add t1.upd.test. 300 TXT \"via %s\"" % tool]),
            capture_output=True, text=True, timeout=30)
        assert ok.returncode == 0, ok.stderr
        fail = subprocess.run([tool, "-y", key], input=nsupdate_script(
            s.where, ["prereq nxdomain www.upd.test.",
                      "update add t2.upd.test. 300 A 192.0.2.32"]),
            capture_output=True, text=True, timeout=30)
        assert fail.returncode != 0
        assert "YXDOMAIN" in fail.stdout + fail.stderr
        z = axfr(s.where)
        assert ("t1.upd.test.", 300, "A", "192.0.2.31") in z
        assert not any(r[0] == "t2.upd.test." for r in z)
        s.stop()
        check_log(s)
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def test_restart_serves_the_journal():
    d = servers.world_dir("banchi-upd-restart-")
    s = start_banchi(d)
    try:
        for i in range(50):
            u = U()
            u.add("r%d" % i, 300, "A", "192.0.2.%d" % (i + 1))
            assert send(s.where, u) == "NOERROR"
        before = axfr(s.where)
        s.stop()
        s = start_banchi(d)
        assert axfr(s.where) == before
        serial = [r for r in before if r[2] == "SOA"][0][3].split()[2]
        assert serial == "60"
        assert "50 changes from the journal applied" in s.log_text()
        s.stop()
        check_log(s)
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def test_ixfr_from_the_journal():
    """After updates, IXFR from an old serial is the incremental form
    (RFC 1995 4) built from the journal; from a serial the journal does
    not hold, the AXFR form."""
    d = servers.world_dir("banchi-upd-ixfr-")
    s = start_banchi(d)
    try:
        for i in range(3):
            u = U()
            u.add("i%d" % i, 300, "A", "192.0.2.%d" % (i + 1))
            u.delete("www", "A", "192.0.2.8%d" % i) if i < 2 else None
            assert send(s.where, u) == "NOERROR"
        # NOERROR means on disk; on a zone slow to copy (a busy
        # machine, ASan) the version may follow a few ms later
        wait_for(s, lambda z: any(r[2] == "SOA" and
                                  r[3].split()[2] == "13" for r in z), 5.0)
        msgs = list(dns.query.xfr(s.where[0], ZONE, port=s.where[1],
                                  rdtype=dns.rdatatype.IXFR, serial=11,
                                  relativize=False, lifetime=10))
        rrs = [rr for m in msgs for rr in m.answer]
        soas = [r[0].serial for r in rrs if r.rdtype == dns.rdatatype.SOA]
        # new, then (from, to) per change: 11->12, 12->13, then new
        assert soas == [13, 11, 12, 12, 13, 13], soas
        added = {r.name.to_text() for r in rrs
                 if r.rdtype == dns.rdatatype.A and r.name.labels[0] in
                 (b"i1", b"i2")}
        assert added == {"i1.upd.test.", "i2.upd.test."}
        full = list(dns.query.xfr(s.where[0], ZONE, port=s.where[1],
                                  rdtype=dns.rdatatype.IXFR, serial=3,
                                  relativize=False, lifetime=10))
        kinds = [r.rdtype for m in full for r in m.answer]
        assert kinds.count(dns.rdatatype.SOA) == 2  # AXFR form
        s.stop()
        check_log(s)
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def wait_for(s, pred, limit=10.0):
    deadline = time.time() + limit
    z = axfr(s.where)
    while not pred(z) and time.time() < deadline:
        time.sleep(0.1)
        z = axfr(s.where)
    return z


def test_reload_merges_a_hand_edit_with_the_updates():
    """SIGHUP after a hand edit of the zone file of a zone that took
    updates: the edit's difference is applied over the updates (as Knot's
    zonefile-load: difference), journaled; a restart serves the same."""
    d = servers.world_dir("banchi-upd-reload-")
    s = start_banchi(d)
    zf = Path(d) / "upd.test.zone"
    try:
        u = U()
        u.add("kept", 300, "A", "192.0.2.5")
        assert send(s.where, u) == "NOERROR"          # serial 11
        zf.write_text(ZONE_TEXT + "edited A 192.0.2.6\n")  # serial 10
        s.signal(signal.SIGHUP)
        z = wait_for(s, lambda z: any(r[0] == "edited.upd.test."
                                      for r in z))
        assert ("edited.upd.test.", 300, "A", "192.0.2.6") in z
        assert ("kept.upd.test.", 300, "A", "192.0.2.5") in z
        assert ("upd.test.", 300, "SOA",
                "ns1.upd.test. hostmaster.upd.test. 12 3600 600 86400 300") \
            in z
        # a later serial and a removal: the updates still stay
        zf.write_text(ZONE_TEXT.replace(" 10 ", " 50 ").replace(
            'www TXT "hello"\n', "") + "edited A 192.0.2.6\n")
        s.signal(signal.SIGHUP)
        z = wait_for(s, lambda z: not any(
            r[0] == "www.upd.test." and r[2] == "TXT" for r in z))
        assert not any(r[0] == "www.upd.test." and r[2] == "TXT" for r in z)
        assert ("kept.upd.test.", 300, "A", "192.0.2.5") in z
        assert any(r[2] == "SOA" and " 50 " in r[3] for r in z)
        u = U()
        u.add("after", 300, "A", "192.0.2.7")
        assert send(s.where, u) == "NOERROR"          # serial 51
        before = axfr(s.where)
        s.stop()
        s = start_banchi(d)     # the merged base, then the journal
        assert axfr(s.where) == before
        # edited while down: merged at start, the updates kept
        s.stop()
        zf.write_text(zf.read_text() + "down A 192.0.2.8\n")
        s = start_banchi(d)
        z = axfr(s.where)
        assert ("down.upd.test.", 300, "A", "192.0.2.8") in z, s.log_text()
        assert ("kept.upd.test.", 300, "A", "192.0.2.5") in z
        assert ("after.upd.test.", 300, "A", "192.0.2.7") in z
        s.stop()
        check_log(s)
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)
