"""banchi-auth as a secondary (RFC 1034 4.3.5, 1995, 1996): of Knot and
of BIND, each started here as the primary of a zone with allow-transfer
and NOTIFY to banchi, all over TSIG. The first AXFR brings the zone (its
AXFR out equals the primary's); a dynamic update at the primary reaches
banchi by NOTIFY and IXFR (SOA refresh 3600: only the NOTIFY explains
it); a restart with the primary stopped serves the stored copy at once;
a primary serving a lower serial is ignored, logged; NOTIFYs from
elsewhere or unsigned are refused, UPDATEs refused; with a short SOA
expire and the primary gone, the zone answers SERVFAIL."""

import base64
import shutil
import socket
import time

import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsigkeyring
import dns.update
import pytest

import servers
from conftest import check_log

pytestmark = pytest.mark.banchi_only

SECRET = base64.b64encode(bytes(range(7, 39))).decode()
KEYNAME = "sec-key"
KEYRING = dns.tsigkeyring.from_text({KEYNAME: SECRET})
ZONE = "sec.test"


def zone_text(serial, refresh=3600, retry=600, expire=1209600, extra=()):
    lines = ["$ORIGIN %s." % ZONE, "$TTL 300",
             "@ SOA ns hostmaster %d %d %d %d 60" % (serial, refresh, retry,
                                                     expire),
             "@ NS ns", "ns A 192.0.2.1", "www A 192.0.2.2",
             "mail MX 10 www", 'txt TXT "hello world" "two"',
             "sub NS ns.sub", "ns.sub A 192.0.2.3",
             "*.wild AAAA 2001:db8::1"]
    lines += list(extra)
    return "\n".join(lines) + "\n"


def wait_until(what, fn, limit):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("not within %.0f s: %s" % (limit, what))


def start_knot(d, port, bport, zone_path):
    conf = ["server:", "  listen: 127.0.0.1@%d" % port, "  rundir: %s" % d,
            "  user: root",
            "key:", "  - id: %s" % KEYNAME, "    algorithm: hmac-sha256",
            "    secret: %s" % SECRET,
            "remote:", "  - id: banchi", "    address: 127.0.0.1@%d" % bport,
            "    key: %s" % KEYNAME,
            "acl:", "  - id: a", "    address: 127.0.0.1",
            "    key: %s" % KEYNAME, "    action: [transfer, update]",
            "database:", "  storage: %s" % d,
            "template:", "  - id: default", "    storage: %s" % d,
            "    zonefile-sync: -1", "    semantic-checks: off",
            "zone:", "  - domain: %s" % ZONE, "    file: %s" % zone_path,
            "    notify: banchi", "    acl: a"]
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("knot", ["knotd", "-c", str(d / "knot.conf")],
                          ("127.0.0.1", port), d, ZONE)


def start_bind(d, port, bport, zone_path):
    conf = ['key "%s" { algorithm hmac-sha256; secret "%s"; };'
            % (KEYNAME, SECRET),
            'options { directory "%s"; listen-on port %d { 127.0.0.1; };'
            % (d, port),
            '  listen-on-v6 { none; }; recursion no; pid-file "%s/named.pid";'
            % d, "  dnssec-validation no; notify explicit; };",
            "controls { };",
            'zone "%s" { type primary; file "%s";' % (ZONE, zone_path),
            "  allow-transfer { key %s; }; allow-update { key %s; };"
            % (KEYNAME, KEYNAME),
            "  also-notify { 127.0.0.1 port %d key %s; }; };"
            % (bport, KEYNAME)]
    (d / "named.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("bind", ["named", "-g", "-u", "root", "-c",
                                   str(d / "named.conf")],
                          ("127.0.0.1", port), d, ZONE)


PRIMARIES = {"knot": start_knot, "bind": start_bind}


def start_banchi(d, bport, pport, wait=True, extra=()):
    argv = [str(servers.banchi_binary()), "--listen", "127.0.0.1:%d" % bport,
            "--threads", "2",
            "--secondary", "%s=127.0.0.1:%d@%s" % (ZONE, pport, KEYNAME),
            "--key", "hmac-sha256:%s:%s" % (KEYNAME, SECRET),
            "--zone-dir", str(d / "zd"),
            "--allow-transfer", "%s=127.0.0.1" % ZONE] + list(extra)
    return servers.Server("banchi-auth", argv, ("127.0.0.1", bport), d, ZONE,
                          wait=wait)


def axfr_set(where, keyring=None):
    msgs = dns.query.xfr(where[0], ZONE, port=where[1], keyring=keyring,
                         keyname=KEYNAME if keyring else None, lifetime=10)
    out = set()
    for m in msgs:
        for rrset in m.answer:
            for rd in rrset:
                out.add((rrset.name.to_text().lower(), rrset.rdtype,
                         rrset.ttl, rd.to_text().lower()))
    return out


def serial(where):
    r = servers.query(where, ZONE, "SOA")
    return r.answer[0][0].serial if r.answer else None


def update(where, add, delete=()):
    u = dns.update.UpdateMessage(ZONE, keyring=KEYRING, keyname=KEYNAME)
    for name, rtype, data in add:
        u.add(name, 300, rtype, data)
    for name, rtype in delete:
        u.delete(name, rtype)
    r = dns.query.tcp(u, where[0], port=where[1], timeout=5)
    assert r.rcode() == dns.rcode.NOERROR, r


def notify(where, keyring=KEYRING, zone=ZONE):
    m = dns.message.make_query(zone, "SOA")
    m.set_opcode(dns.opcode.NOTIFY)
    m.flags |= dns.flags.AA
    if keyring:
        m.use_tsig(keyring, keyname=KEYNAME)
    return dns.query.udp(m, where[0], port=where[1], timeout=3)


@pytest.fixture
def world():
    d = servers.world_dir("banchi-sec-")
    procs = []
    try:
        yield d, procs
    finally:
        for p in procs:
            p.stop(timeout=5)
        for p in procs:
            if p.name == "banchi-auth":
                check_log(p)
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("peer", sorted(PRIMARIES))
@pytest.mark.slow
def test_follow_primary(world, peer):
    d, procs = world
    pport, bport = servers.free_port(), servers.free_port()
    (d / "p").mkdir()
    zp = d / "p" / "primary.zone"
    zp.write_text(zone_text(10))
    prim = PRIMARIES[peer](d / "p", pport, bport, zp)
    procs.append(prim)
    b = start_banchi(d, bport, pport)
    procs.append(b)
    # the first AXFR: the same zone as the primary's, record for record
    assert serial(b.where) == 10
    assert axfr_set(b.where) == axfr_set(prim.where, KEYRING)
    assert "AXFR from 127.0.0.1:%d (TSIG): serial 10" % pport in b.log_text()
    stored = (d / "zd" / (ZONE + ".zone")).read_text()
    assert "www.sec.test.\t300\tIN\tA\t192.0.2.2" in stored

    # an update at the primary: NOTIFY, then IXFR (refresh is 3600 s)
    update(prim.where, [("new", "A", "192.0.2.99")], [("www", "A")])
    wait_until("banchi follows the update",
               lambda: serial(b.where) == serial(prim.where), 15)
    assert axfr_set(b.where) == axfr_set(prim.where, KEYRING)
    r = servers.query(b.where, "new." + ZONE, "A")
    assert r.answer and r.answer[0][0].address == "192.0.2.99"
    r = servers.query(b.where, "www." + ZONE, "A")
    assert r.rcode() == dns.rcode.NXDOMAIN
    log = b.log_text()
    assert "NOTIFY from 127.0.0.1: refresh now" in log
    assert "IXFR from 127.0.0.1:%d (TSIG)" % pport in log
    new_serial = serial(b.where)

    # SIGHUP: the secondary has no file; its version carries over
    b.signal(1)
    wait_until("the reload", lambda: "reload: 1 zones served" in
               b.log_text(), 10)
    assert serial(b.where) == new_serial
    r = servers.query(b.where, "new." + ZONE, "A")
    assert r.answer and r.answer[0][0].address == "192.0.2.99"

    # NOTIFYs: unsigned or for another zone are not obeyed
    r = notify(b.where)
    assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA
    assert notify(b.where, keyring=None).rcode() == dns.rcode.REFUSED
    assert notify(b.where, zone="other.test").rcode() == dns.rcode.NOTAUTH
    u = dns.update.UpdateMessage(ZONE)
    u.add("x", 300, "A", "192.0.2.7")
    assert dns.query.udp(u, "127.0.0.1", port=bport,
                         timeout=3).rcode() == dns.rcode.REFUSED
    wait_until("the refused lines",
               lambda: "not signed with the zone's key" in b.log_text() and
               "UPDATE of a secondary zone" in b.log_text(), 5)

    # restart with the primary gone: served at once from the zone dir
    assert b.stop() == 0
    check_log(b)
    prim.stop()
    t0 = time.monotonic()
    b2 = start_banchi(d, bport, pport)
    procs.append(b2)
    assert time.monotonic() - t0 < 5
    assert serial(b2.where) == new_serial
    r = servers.query(b2.where, "new." + ZONE, "A")
    assert r.answer and r.answer[0][0].address == "192.0.2.99"
    assert "stored copy loaded, serial %d" % new_serial in b2.log_text()

    # a primary that serves a lower serial: ignored, logged
    shutil.rmtree(d / "p")
    (d / "p").mkdir()
    zp.write_text(zone_text(5))
    prim2 = PRIMARIES[peer](d / "p", pport, bport, zp)
    procs.append(prim2)
    assert notify(b2.where).rcode() == dns.rcode.NOERROR
    wait_until("the lower serial logged", lambda: (
        "primary 127.0.0.1:%d serves serial 5, not after ours %d: ignored"
        % (pport, new_serial)) in b2.log_text(), 10)
    assert serial(b2.where) == new_serial


def test_expire(world):
    """SOA expire 3 s, the primary stopped: SERVFAIL, then served again
    once the primary is back."""
    d, procs = world
    pport, bport = servers.free_port(), servers.free_port()
    zp = d / "primary.zone"
    zp.write_text(zone_text(20, refresh=1, retry=1, expire=3))
    (d / "p").mkdir()
    prim = start_knot(d / "p", pport, bport, zp)
    procs.append(prim)
    b = start_banchi(d, bport, pport)
    procs.append(b)
    assert serial(b.where) == 20
    prim.stop()
    wait_until("SERVFAIL after expire", lambda: servers.query(
        b.where, "www." + ZONE, "A").rcode() == dns.rcode.SERVFAIL, 10)
    assert "zone sec.test.: expired" in b.log_text()
    # a name under no zone at all stays REFUSED
    assert servers.query(b.where, "x.other.test", "A").rcode() == \
        dns.rcode.REFUSED
    prim2 = start_knot(d / "p", pport, bport, zp)
    procs.append(prim2)
    wait_until("served again", lambda: servers.query(
        b.where, "www." + ZONE, "A").rcode() == dns.rcode.NOERROR, 10)
    b.signal(10)    # SIGUSR1: one stats line per secondary
    wait_until("stats line", lambda: "stats: secondary sec.test.: served, "
               "serial 20" in b.log_text(), 5)


def ixfr_records(where, from_serial):
    """IXFR from from_serial over TCP: every answer record in wire order
    (rdtype, owner, rdata text), read until the closing SOA: the SOA
    alone in one message (current), its second occurrence (AXFR form:
    the second record is not an SOA) or its third (IXFR form: first,
    the last step's new SOA, last)."""
    q = dns.message.make_query(ZONE, "IXFR")
    q.authority.append(dns.rrset.from_text(
        ZONE + ".", 0, "IN", "SOA", ". . %d 0 0 0 0" % from_serial))
    out = []
    s = socket.create_connection(where, timeout=5)
    try:
        wire = q.to_wire()
        s.sendall(len(wire).to_bytes(2, "big") + wire)
        for _ in range(1000):
            m = dns.message.from_wire(servers.tcp_read_msg(s),
                                      one_rr_per_rrset=True)
            assert m.rcode() == dns.rcode.NOERROR, m
            out += [(r.rdtype, r.name.to_text().lower(),
                     r[0].to_text().lower()) for r in m.answer]
            n = out.count(out[0])
            if len(out) == 1 or (n == 2 and out[1][0] !=
                                 dns.rdatatype.SOA) or n == 3:
                break
    finally:
        s.close()
    return out


def soa_serial_of(rec):
    return int(rec[2].split()[2])


def ixfr_steps(recs):
    """An IXFR answer in RFC 1995 4 form as [(from, to, deleted, added)],
    the record sets without the SOAs."""
    assert recs[0][0] == dns.rdatatype.SOA and recs[-1] == recs[0]
    body, steps, i = recs[1:-1], [], 0
    while i < len(body):
        assert body[i][0] == dns.rdatatype.SOA, body[i]
        frm, dels, adds = soa_serial_of(body[i]), set(), set()
        i += 1
        while body[i][0] != dns.rdatatype.SOA:
            dels.add(body[i])
            i += 1
        to = soa_serial_of(body[i])
        i += 1
        while i < len(body) and body[i][0] != dns.rdatatype.SOA:
            adds.add(body[i])
            i += 1
        steps.append((frm, to, dels, adds))
    return steps


def knot_downstream(d, port, bport):
    """Knot as a secondary of banchi (no key), told by banchi's NOTIFY."""
    conf = ["server:", "  listen: 127.0.0.1@%d" % port, "  rundir: %s" % d,
            "  user: root", "log:", "  - target: stderr", "    any: info",
            "remote:", "  - id: banchi", "    address: 127.0.0.1@%d" % bport,
            "acl:", "  - id: n", "    address: 127.0.0.1",
            "    action: [notify, transfer]",
            "database:", "  storage: %s" % d,
            "template:", "  - id: default", "    storage: %s" % d,
            "    zonefile-sync: -1", "    journal-content: none",
            "    semantic-checks: off",
            "zone:", "  - domain: %s" % ZONE, "    master: banchi",
            "    acl: n"]
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("knot2", ["knotd", "-c", str(d / "knot.conf")],
                          ("127.0.0.1", port), d, ZONE, wait=False)


def test_ixfr_out_of_a_secondary(world):
    """Knot primary -> banchi secondary -> an IXFR client (dnspython)
    and a Knot secondary of banchi: the changes banchi received by IXFR
    go out by IXFR, step by step as the primary made them; a serial
    older than banchi's journal gets the AXFR form; banchi NOTIFYs its
    own secondary (--notify) after each new version."""
    d, procs = world
    pport, bport, kport = (servers.free_port(), servers.free_port(),
                           servers.free_port())
    for sub in ("p", "k"):
        (d / sub).mkdir()
    zp = d / "p" / "primary.zone"
    zp.write_text(zone_text(10))
    prim = start_knot(d / "p", pport, bport, zp)
    procs.append(prim)
    b = start_banchi(d, bport, pport, extra=[
        "--notify", "%s=127.0.0.1:%d" % (ZONE, kport)])
    procs.append(b)
    assert serial(b.where) == 10
    down = knot_downstream(d / "k", kport, bport)
    procs.append(down)
    wait_until("Knot secondary of banchi at 10",
               lambda: serial_or_none(down.where) == 10, 20)

    # two updates at the primary, each its own serial
    update(prim.where, [("new", "A", "192.0.2.99")], [("www", "A")])
    s1 = serial(prim.where)
    wait_until("banchi at %d" % s1, lambda: serial(b.where) == s1, 15)
    update(prim.where, [("www", "A", "192.0.2.77")], [("txt", "TXT")])
    s2 = serial(prim.where)
    wait_until("banchi at %d" % s2, lambda: serial(b.where) == s2, 15)
    assert (10, s1, s2) == (10, 11, 12)

    # IXFR from 10: two steps, each as the primary made it
    recs = ixfr_records(b.where, 10)
    assert soa_serial_of(recs[0]) == 12
    steps = ixfr_steps(recs)
    a = dns.rdatatype.A
    assert [(f, t) for f, t, _, _ in steps] == [(10, 11), (11, 12)]
    assert steps[0][2] == {(a, "www.sec.test.", "192.0.2.2")}
    assert steps[0][3] == {(a, "new.sec.test.", "192.0.2.99")}
    assert steps[1][2] == {(dns.rdatatype.TXT, "txt.sec.test.",
                            '"hello world" "two"')}
    assert steps[1][3] == {(a, "www.sec.test.", "192.0.2.77")}
    # from 11: the last step only; from 12: the SOA alone
    assert [(f, t) for f, t, _, _ in ixfr_steps(ixfr_records(b.where, 11))
            ] == [(11, 12)]
    cur = ixfr_records(b.where, 12)
    assert len(cur) == 1 and soa_serial_of(cur[0]) == 12
    # from a serial the journal never held: the whole zone, AXFR form
    full = ixfr_records(b.where, 5)
    assert full[1][0] != dns.rdatatype.SOA
    assert set(full) >= {(a, "www.sec.test.", "192.0.2.77"),
                         (a, "new.sec.test.", "192.0.2.99")}
    assert axfr_set(b.where) == axfr_set(prim.where, KEYRING)
    log = b.log_text()
    assert "transfer of sec.test. to 127.0.0.1: IXFR from 10 to 12" in log
    assert "transfer of sec.test. to 127.0.0.1: IXFR from 5 as AXFR" in log

    # the Knot secondary of banchi followed by NOTIFY and IXFR
    wait_until("Knot secondary of banchi at 12",
               lambda: serial_or_none(down.where) == 12, 20)
    klog = down.log_text()
    assert "IXFR, incoming" in klog, klog[-3000:]
    assert axfr_set(down.where) == axfr_set(prim.where, KEYRING)

    # a restart keeps the journal: IXFR from 10 still incremental
    assert b.stop() == 0
    check_log(b)
    b2 = start_banchi(d, bport, pport)
    procs.append(b2)
    assert [(f, t) for f, t, _, _ in ixfr_steps(ixfr_records(b2.where, 10))
            ] == [(10, 11), (11, 12)]


def serial_or_none(where):
    try:
        return serial(where)
    except Exception:
        return None


@pytest.mark.slow
def test_journal_bound_keeps_the_newest_changes(world):
    """--journal-max-size 4096: past half of it the stored file is
    written whole and the journal cut to its newest quarter, not
    emptied: IXFR from a recent serial stays incremental (also after a
    restart), from one dropped gets the AXFR form."""
    d, procs = world
    pport, bport = servers.free_port(), servers.free_port()
    (d / "p").mkdir()
    zp = d / "p" / "primary.zone"
    zp.write_text(zone_text(10))
    prim = start_knot(d / "p", pport, bport, zp)
    procs.append(prim)
    b = start_banchi(d, bport, pport, extra=["--journal-max-size", "4096"])
    procs.append(b)
    assert serial(b.where) == 10
    last = 10
    for i in range(40):
        update(prim.where, [("h%d" % i, "TXT", '"%s"' % ("x" * 40))])
        last = serial(prim.where)
        wait_until("banchi at %d" % last,
                   lambda: serial(b.where) == last, 15)
        if "oldest changes dropped" in b.log_text():
            break
    assert "oldest changes dropped" in b.log_text()
    jnl = d / "zd" / (ZONE + ".jnl")
    assert 0 < jnl.stat().st_size <= 4096
    # the newest step still goes incrementally; the first one is gone
    steps = ixfr_steps(ixfr_records(b.where, last - 1))
    assert [(f, t) for f, t, _, _ in steps] == [(last - 1, last)]
    assert steps[0][3] == {(dns.rdatatype.TXT, "h%d.sec.test." % i,
                            '"%s"' % ("x" * 40))}
    full = ixfr_records(b.where, 10)
    assert full[1][0] != dns.rdatatype.SOA      # AXFR form
    # a restart: the stored file is at the served serial or close, the
    # journal kept: the same answers
    assert b.stop() == 0
    check_log(b)
    b2 = start_banchi(d, bport, pport, extra=["--journal-max-size", "4096"])
    procs.append(b2)
    assert serial(b2.where) == last
    assert [(f, t) for f, t, _, _ in ixfr_steps(
        ixfr_records(b2.where, last - 1))] == [(last - 1, last)]
