"""Outgoing zone transfers (AXFR RFC 5936, IXFR RFC 1995): dig and kdig
from an allowed address get the whole zone (compared as a set with the
zone file read by dnspython), other clients REFUSED, a key-only ACL
refuses unsigned requests and streams signed ones, a large zone comes
in many messages each verified by dnspython's keyring, the refusal is
logged; and Knot and NSD, as secondaries of banchi-auth over TSIG, end
up with the zone banchi-auth serves."""

import base64
import shutil
import subprocess
import time
from pathlib import Path

import dns.message
import dns.name
import dns.query
import dns.rdataclass
import dns.rdatatype
import dns.tsigkeyring
import dns.zone
import pytest

import servers
from conftest import check_log, make_zone_dir

pytestmark = pytest.mark.banchi_only

KDIG = shutil.which("kdig")
DIG = shutil.which("dig")
SECRET = base64.b64encode(bytes(range(1, 33))).decode()
KEY = "hmac-sha256:xfr-key:" + SECRET
BIG = 100000


def zone_set(origin, path):
    z = dns.zone.from_file(str(path), origin, relativize=False)
    out = set()
    for name, node in z.nodes.items():
        for rds in node.rdatasets:
            for rd in rds:
                out.add((name.to_text().lower(), rds.rdtype, rds.ttl,
                         rd.to_text().lower()))
    return out


def text_set(text):
    """Records of dig/kdig output (comments dropped), SOA once."""
    out = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        name, ttl, cls, rtype, rdata = line.split(None, 4)
        rrset = dns.rrset.from_text(name, int(ttl), cls, rtype, rdata)
        for rd in rrset:
            out.add((rrset.name.to_text().lower(), rrset.rdtype,
                     rrset.ttl, rd.to_text().lower()))
    return out


def msgs_set(msgs):
    out, soas = set(), 0
    for m in msgs:
        for rrset in m.answer:
            for rd in rrset:
                soas += rrset.rdtype == dns.rdatatype.SOA
                out.add((rrset.name.to_text().lower(), rrset.rdtype,
                         rrset.ttl, rd.to_text().lower()))
    return out, soas


@pytest.fixture(scope="module")
def xfr():
    d, zones = make_zone_dir()
    big = Path(d) / "big.test.zone"
    lines = ["$TTL 300", "@ SOA ns h 5 60 60 600 60", "@ NS ns",
             "ns A 192.0.2.1"]
    lines += ["h%d A 10.%d.%d.%d" % (i, i >> 16, (i >> 8) & 255, i & 255)
              for i in range(BIG)]
    big.write_text("\n".join(lines) + "\n")
    big.chmod(0o644)
    zones = zones + [("big.test", big)]
    extra = ["--key", KEY,
             "--allow-transfer", "itest.test=127.0.0.1",
             "--allow-transfer", "other.test=key:xfr-key",
             "--allow-transfer", "big.test=192.0.2.0/24, key:xfr-key"]
    s = servers.start_banchi(d, zones, extra=extra)
    try:
        yield s, dict(zones)
        s.stop()
        check_log(s)
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60,
                          check=False).stdout


def test_dig_and_kdig_get_the_zone(xfr):
    s, zones = xfr
    host, port = s.where
    want = zone_set("itest.test.", zones["itest.test"])
    got = run([DIG, "@" + host, "-p", str(port), "itest.test", "AXFR",
               "+nocmd", "+nostats"])
    assert text_set(got) == want
    got = run([KDIG, "@" + host, "-p", str(port), "itest.test", "AXFR",
               "+nocomments"])
    assert text_set(got) == want


def test_dnspython_axfr_and_soa_twice(xfr):
    s, zones = xfr
    q = dns.message.make_query("itest.test", "AXFR")
    msgs = list(dns.query.xfr(s.where[0], "itest.test", port=s.where[1],
                              lifetime=30, relativize=False))
    got, soas = msgs_set(msgs)
    assert got == zone_set("itest.test.", zones["itest.test"])
    assert soas == 2
    assert q.question == msgs[0].question


def test_not_allowed_refused_and_logged(xfr):
    s, _ = xfr
    # other.test: key only; big.test: another address or the key
    for zone in ("other.test", "big.test"):
        q = dns.message.make_query(zone, "AXFR")
        r = dns.query.tcp(q, s.where[0], port=s.where[1], timeout=5)
        assert r.rcode() == dns.rcode.REFUSED and not r.answer
    q = dns.message.make_query("nowhere.test", "AXFR")
    r = dns.query.tcp(q, s.where[0], port=s.where[1], timeout=5)
    assert r.rcode() == dns.rcode.NOTAUTH
    time.sleep(0.2)
    assert "transfer of other.test. to 127.0.0.1 refused" in s.log_text()


def test_tsig_dig_y(xfr):
    s, zones = xfr
    host, port = s.where
    want = zone_set("other.test.", zones["other.test"])
    got = run([DIG, "@" + host, "-p", str(port), "other.test", "AXFR",
               "-y", KEY, "+nocmd", "+nostats"])
    got = {r for r in text_set(got) if r[1] != dns.rdatatype.TSIG}
    assert got == want
    plain = run([DIG, "@" + host, "-p", str(port), "other.test", "AXFR",
                 "+nocmd", "+nostats"])
    assert "Transfer failed" in plain


@pytest.mark.slow
def test_big_zone_streams_signed(xfr):
    s, zones = xfr
    ring = dns.tsigkeyring.from_text({"xfr-key.": ("hmac-sha256", SECRET)})
    msgs = []
    for m in dns.query.xfr(s.where[0], "big.test", port=s.where[1],
                           keyring=ring, keyname="xfr-key.",
                           lifetime=120, relativize=False):
        assert m.had_tsig          # each message signed, verified
        msgs.append(m)
    got, soas = msgs_set(msgs)
    assert len(msgs) > 10 and soas == 2
    assert got == zone_set("big.test.", zones["big.test"])
    assert len(got) == BIG + 3


def test_ixfr(xfr):
    s, zones = xfr
    host, port = s.where
    # current: the SOA alone; behind, no journal: the AXFR form
    out = run([KDIG, "@" + host, "-p", str(port), "itest.test",
               "IXFR=2026112901", "+nocomments"])
    assert len(text_set(out)) == 1
    out = run([KDIG, "@" + host, "-p", str(port), "itest.test",
               "IXFR=1", "+nocomments"])
    assert text_set(out) == zone_set("itest.test.", zones["itest.test"])
    # over UDP: the SOA alone
    q = dns.message.make_query("itest.test", "IXFR")
    q.authority.append(dns.rrset.from_text("itest.test.", 0, "IN", "SOA",
                                           ". . 1 0 0 0 0"))
    r = dns.query.udp(q, host, port=port, timeout=5)
    assert r.rcode() == 0 and len(r.answer) == 1


def test_queries_flow_during_a_transfer(xfr):
    """A transfer the client reads slowly does not hold up others."""
    s, _ = xfr
    import socket
    import struct
    q = dns.message.make_query("big.test", "AXFR")
    ring = dns.tsigkeyring.from_text({"xfr-key.": ("hmac-sha256", SECRET)})
    q.use_tsig(ring, keyname="xfr-key.")
    wire = q.to_wire()
    c = socket.create_connection(s.where, timeout=5)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        c.sendall(struct.pack("!H", len(wire)) + wire)
        time.sleep(0.3)                 # the server's buffers fill
        t0 = time.monotonic()
        for _ in range(20):
            r = servers.query(s.where, "itest.test", "SOA", tcp=True)
            assert r.rcode() == 0
        assert time.monotonic() - t0 < 5
    finally:
        c.close()


def wait_soa(where, zone, limit=30.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            r = servers.query(where, zone, "SOA", timeout=0.5, tries=1)
            if r.rcode() == 0 and r.answer:
                return True
        except Exception:       # noqa: BLE001 - not up yet
            pass
        time.sleep(0.2)
    return False


def knot_secondary(d, primary, zone):
    port = servers.free_port()
    conf = ["server:", "  listen: 127.0.0.1@%d" % port,
            "  rundir: %s" % d, "  user: root",
            "key:", "  - id: xfr-key", "    algorithm: hmac-sha256",
            "    secret: %s" % SECRET,
            "remote:", "  - id: primary",
            "    address: %s@%d" % primary, "    key: xfr-key",
            "acl:", "  - id: out", "    address: 127.0.0.1",
            "    action: transfer",
            "  - id: notify", "    address: 127.0.0.1",
            "    key: xfr-key", "    action: notify",
            "database:", "  storage: %s" % d,
            "template:", "  - id: default", "    storage: %s" % d,
            "    zonefile-sync: -1", "    journal-content: none",
            "    semantic-checks: off",
            "zone:", "  - domain: %s" % zone, "    master: primary",
            "    acl: [out, notify]"]
    (Path(d) / "knot.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("knot", ["knotd", "-c", str(Path(d) / "knot.conf")],
                          ("127.0.0.1", port), d, zone, wait=False)


def nsd_secondary(d, primary, zone):
    port = servers.free_port()
    conf = ["server:", "  ip-address: 127.0.0.1@%d" % port,
            "  server-count: 1", '  username: ""', '  database: ""',
            '  zonesdir: "%s"' % d, '  pidfile: "%s/nsd.pid"' % d,
            '  xfrdfile: "%s/xfrd.state"' % d,
            '  zonelistfile: "%s/zone.list"' % d, "  rrl-ratelimit: 0",
            "remote-control:", "  control-enable: no",
            "key:", "  name: xfr-key", "  algorithm: hmac-sha256",
            '  secret: "%s"' % SECRET,
            "zone:", "  name: %s" % zone, "  zonefile: %s.zone" % zone,
            "  request-xfr: %s@%d xfr-key" % primary,
            "  allow-notify: 127.0.0.1 xfr-key",
            "  provide-xfr: 127.0.0.1 NOKEY"]
    (Path(d) / "nsd.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("nsd", ["nsd", "-d", "-c", str(Path(d) / "nsd.conf")],
                          ("127.0.0.1", port), d, zone, wait=False)


@pytest.mark.parametrize("peer", ["knot", "nsd"])
def test_peer_secondary(peer):
    """The peer, secondary of banchi-auth over TSIG, serves by AXFR what
    banchi-auth serves."""
    if not shutil.which("knotd" if peer == "knot" else "nsd"):
        pytest.skip("no " + peer)
    d, zones = make_zone_dir()
    pd = servers.world_dir("banchi-xfr-%s-" % peer)
    s = servers.start_banchi(d, zones, extra=[
        "--key", KEY, "--allow-transfer", "itest.test=key:xfr-key"])
    p = None
    try:
        start = knot_secondary if peer == "knot" else nsd_secondary
        p = start(pd, s.where, "itest.test")
        assert wait_soa(p.where, "itest.test"), p.log_text()[-3000:]
        ours = run([KDIG, "@%s" % s.where[0], "-p", str(s.where[1]),
                    "-y", KEY, "itest.test", "AXFR", "+nocomments"])
        theirs = run([KDIG, "@%s" % p.where[0], "-p", str(p.where[1]),
                      "itest.test", "AXFR", "+nocomments"])
        ours = {r for r in text_set(ours) if r[1] != dns.rdatatype.TSIG}
        assert ours == zone_set("itest.test.", dict(zones)["itest.test"])
        assert text_set(theirs) == ours
    finally:
        if p:
            p.stop()
        s.stop()
        check_log(s)
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(pd, ignore_errors=True)
