"""NOTIFY out (RFC 1996) and transfer health: banchi-auth is the primary
of a zone it takes signed UPDATEs for, and NSD, Knot and BIND, started
here as TSIG-authenticated secondaries, follow each change within
seconds although the zone's SOA refresh is an hour: only the NOTIFY
banchi-auth sends after each change can explain it. Each must fetch the
changes by IXFR (banchi-auth's log says which form each secondary got)
and end with the zone banchi-auth serves. Two fake secondaries check
the NOTIFY itself: one answers (the message's form, its TSIG, the
lag warning of a secondary that never transfers), one stays silent (the
retries with backoff, the same ID each time)."""

import base64
import re
import shutil
import signal
import socket
import threading
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsigkeyring
import dns.update
import dns.zone
import pytest

import servers
from conftest import check_log

pytestmark = pytest.mark.banchi_only

SECRET = base64.b64encode(bytes(range(3, 35))).decode()
KEY = "xfr-key"
RING = dns.tsigkeyring.from_text({KEY: SECRET})
ZONE = "notify.test"
# refresh 3600, retry 600: within a test only a NOTIFY makes a
# secondary look again
ZONE_TEXT = """$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 300
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.80
"""
NSD_ADDR, KNOT_ADDR, BIND_ADDR = "127.0.0.71", "127.0.0.72", "127.0.0.1"
ACK_ADDR, MUTE_ADDR = "127.0.0.74", "127.0.0.75"
LAG_WARN = 6
FOLLOW_LIMIT = 20.0


class FakeSecondary:
    """A UDP socket that records each NOTIFY (arrival time, message) and
    answers NOERROR, signed, when ack."""

    def __init__(self, addr, ack):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((addr, 0))
        self.sock.settimeout(0.2)
        self.where = self.sock.getsockname()
        self.ack = ack
        self.got = []
        self.stop = False
        self.th = threading.Thread(target=self.run, daemon=True)
        self.th.start()

    def run(self):
        while not self.stop:
            try:
                data, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            m = dns.message.from_wire(data, keyring=RING)
            self.got.append((time.monotonic(), m, peer))
            if self.ack:
                r = dns.message.make_response(m)
                self.sock.sendto(r.to_wire(), peer)

    def close(self):
        self.stop = True
        self.th.join(2)
        self.sock.close()


def soa_serial(where, zone=ZONE):
    try:
        r = servers.query(where, zone, "SOA", timeout=0.5, tries=1)
    except Exception:   # noqa: BLE001 - not up yet
        return None
    if r.rcode() != 0 or not r.answer:
        return None
    return r.answer[0][0].serial


def wait_serial(where, serial, limit):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if soa_serial(where) == serial:
            return time.monotonic()
        time.sleep(0.2)
    return None


def nsd_secondary(d, port, primary):
    conf = ["server:", "  ip-address: %s@%d" % (NSD_ADDR, port),
            "  server-count: 1", '  username: ""', '  database: ""',
            '  zonesdir: "%s"' % d, '  pidfile: "%s/nsd.pid"' % d,
            '  xfrdfile: "%s/xfrd.state"' % d,
            '  zonelistfile: "%s/zone.list"' % d, "  rrl-ratelimit: 0",
            "  verbosity: 2",
            "remote-control:", "  control-enable: no",
            "key:", "  name: %s" % KEY, "  algorithm: hmac-sha256",
            '  secret: "%s"' % SECRET,
            "zone:", "  name: %s" % ZONE, "  zonefile: %s.zone" % ZONE,
            "  outgoing-interface: %s" % NSD_ADDR,
            "  request-xfr: %s@%d %s" % (primary[0], primary[1], KEY),
            "  allow-notify: 127.0.0.0/8 %s" % KEY,
            "  provide-xfr: 127.0.0.0/8 NOKEY"]
    (Path(d) / "nsd.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("nsd", ["nsd", "-d", "-c", str(Path(d) / "nsd.conf")],
                          (NSD_ADDR, port), d, ZONE, wait=False)


def knot_secondary(d, port, primary):
    conf = ["server:", "  listen: %s@%d" % (KNOT_ADDR, port),
            "  rundir: %s" % d, "  user: root",
            "log:", "  - target: stderr", "    any: info",
            "key:", "  - id: %s" % KEY, "    algorithm: hmac-sha256",
            "    secret: %s" % SECRET,
            "remote:", "  - id: primary",
            "    address: %s@%d" % primary, "    key: %s" % KEY,
            "    via: %s" % KNOT_ADDR,
            "acl:", "  - id: out", "    address: 127.0.0.0/8",
            "    action: transfer",
            "  - id: notify", "    address: 127.0.0.0/8",
            "    key: %s" % KEY, "    action: notify",
            "database:", "  storage: %s" % d,
            "template:", "  - id: default", "    storage: %s" % d,
            "    zonefile-sync: -1", "    journal-content: none",
            "    semantic-checks: off",
            "zone:", "  - domain: %s" % ZONE, "    master: primary",
            "    acl: [out, notify]"]
    (Path(d) / "knot.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("knot", ["knotd", "-c", str(Path(d) / "knot.conf")],
                          (KNOT_ADDR, port), d, ZONE, wait=False)


def bind_secondary(d, port, primary):
    conf = ['key "%s" { algorithm hmac-sha256; secret "%s"; };'
            % (KEY, SECRET),
            'options { directory "%s"; listen-on port %d { 127.0.0.1; };'
            % (d, port),
            '  listen-on-v6 { none; }; recursion no; '
            'pid-file "%s/named.pid";' % d,
            "  notify no; dnssec-validation no; };", "controls { };",
            'zone "%s" { type secondary; file "%s/%s.bak";' % (ZONE, d, ZONE),
            '  primaries { %s port %d key %s; };' % (primary[0], primary[1],
                                                     KEY),
            "  allow-notify { 127.0.0.0/8; };",
            "  allow-transfer { 127.0.0.0/8; }; };"]
    (Path(d) / "named.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("bind", ["named", "-g", "-u", "root", "-c",
                                   str(Path(d) / "named.conf")],
                          (BIND_ADDR, port), d, ZONE, wait=False)


PEERS = [("nsd", "nsd", NSD_ADDR, nsd_secondary),
         ("knot", "knotd", KNOT_ADDR, knot_secondary),
         ("bind", "named", BIND_ADDR, bind_secondary)]


class World:
    pass


@pytest.fixture(scope="module")
def world():
    missing = [p for _, p, _, _ in PEERS if not shutil.which(p)]
    if missing:
        pytest.skip("missing " + ", ".join(missing))
    w = World()
    w.dirs = [servers.world_dir("banchi-notify-")]
    d = w.dirs[0]
    zpath = Path(d) / ("%s.zone" % ZONE)
    zpath.write_text(ZONE_TEXT)
    zpath.chmod(0o644)
    w.ack = FakeSecondary(ACK_ADDR, True)
    w.mute = FakeSecondary(MUTE_ADDR, False)
    ports = {name: servers.free_port() for name, _, _, _ in PEERS}
    targets = ["%s:%d@%s" % (addr, ports[name], KEY)
               for name, _, addr, _ in PEERS]
    targets += ["%s:%d@%s" % (f.where[0], f.where[1], KEY)
                for f in (w.ack, w.mute)]
    w.banchi = servers.start_banchi(d, [(ZONE, zpath)], extra=[
        "--key", "hmac-sha256:%s:%s" % (KEY, SECRET),
        "--allow-update", "%s=key:%s" % (ZONE, KEY),
        "--allow-transfer", "%s=key:%s" % (ZONE, KEY),
        "--notify", "%s=%s" % (ZONE, ",".join(targets[:3])),
        "--notify", "%s=%s" % (ZONE, ",".join(targets[3:])),
        "--notify-lag-warn", str(LAG_WARN),
        "--zone-dir", str(Path(d) / "journals"), "--allow-root"])
    w.peers = {}
    try:
        for name, _, _, start in PEERS:
            pd = servers.world_dir("banchi-notify-%s-" % name)
            w.dirs.append(pd)
            w.peers[name] = start(pd, ports[name], w.banchi.where)
        yield w
    finally:
        for p in w.peers.values():
            p.stop()
        w.banchi.stop()
        w.ack.close()
        w.mute.close()
        check_log(w.banchi)
        import os
        if os.environ.get("NOTIFY_KEEP_LOGS"):
            for s in [w.banchi] + list(w.peers.values()):
                shutil.copyfile(s.log, Path(os.environ["NOTIFY_KEEP_LOGS"])
                                / (s.name + ".log"))
        for x in w.dirs:
            shutil.rmtree(x, ignore_errors=True)


def update(w, fill):
    u = dns.update.UpdateMessage(ZONE, keyring=RING, keyname=KEY)
    fill(u)
    r = dns.query.tcp(u, w.banchi.where[0], port=w.banchi.where[1],
                      timeout=15)
    assert r.rcode() == dns.rcode.NOERROR, r
    return soa_serial(w.banchi.where)


def transfers(w, addr):
    """The forms banchi-auth logged for the transfers to addr."""
    pat = re.compile(r"transfer of %s\. to %s: (IXFR from \d+ to \d+|"
                     r"IXFR from \d+ as AXFR|AXFR of \d+|IXFR from \d+: "
                     r"current)" % (re.escape(ZONE), re.escape(addr)))
    return pat.findall(w.banchi.log_text())


def peer_logs(w):
    return "\n".join("--- %s\n%s" % (n, p.log_text()[-3000:])
                     for n, p in w.peers.items())


def test_first_transfer(world):
    """Every secondary loads the zone from banchi-auth."""
    for name, p in world.peers.items():
        assert wait_serial(p.where, 1, 30.0), name + "\n" + peer_logs(world)


def follow(w, fills):
    """Applies the updates, then waits until every secondary serves the
    last serial; returns how long each took after the last update."""
    for f in fills:
        serial = update(w, f)
    t0 = time.monotonic()
    took = {}
    while len(took) < len(w.peers) and time.monotonic() < t0 + FOLLOW_LIMIT:
        for name, p in w.peers.items():
            if name not in took and soa_serial(p.where) == serial:
                took[name] = round(time.monotonic() - t0, 2)
        time.sleep(0.05)
    assert len(took) == len(w.peers), "%s: not all at %d\n%s\n%s" % (
        took, serial, w.banchi.log_text()[-3000:], peer_logs(w))
    print("serial %d reached after (s): %s" % (serial, took))
    return serial


def test_updates_followed_by_ixfr(world):
    """A series of UPDATEs, then another: each secondary reaches the
    new serial well before its refresh timer, by IXFR."""
    before = {addr: len(transfers(world, addr)) for _, _, addr, _ in PEERS}
    follow(world, [
        lambda u: u.add("new", 300, "A", "192.0.2.10"),
        lambda u: u.add("new", 300, "TXT", '"second"'),
        lambda u: u.replace("www", 600, "A", "192.0.2.81")])
    serial = follow(world, [
        lambda u: u.delete("new", "TXT"),
        lambda u: u.add("mail", 300, "MX", "10 www")])
    assert serial == 6
    forms = {}
    for name, _, addr, _ in PEERS:
        got = transfers(world, addr)[before[addr]:]
        forms[name] = got
        assert any(g.startswith("IXFR from") and " to " in g for g in got), (
            name, got)
    print("transfers after the first: %s" % forms)


def axfr_set(where, keyring=None):
    msgs = dns.query.xfr(where[0], ZONE, port=where[1], keyring=keyring,
                         keyname=KEY if keyring else None, lifetime=10,
                         relativize=False)
    out = set()
    for m in msgs:
        for rrset in m.answer:
            for rd in rrset:
                out.add((rrset.name.to_text().lower(), rrset.rdtype,
                         rrset.ttl, rd.to_text().lower()))
    return out


def test_secondaries_equal_primary(world):
    ours = axfr_set(world.banchi.where, RING)
    assert ("mail.%s." % ZONE, dns.rdatatype.MX, 300,
            "10 www.%s." % ZONE) in ours
    for name, p in world.peers.items():
        assert axfr_set(p.where) == ours, name


def test_health_report(world):
    """SIGUSR1: one line per zone and secondary, each in sync."""
    world.banchi.signal(signal.SIGUSR1)
    ours = soa_serial(world.banchi.where)
    end = time.monotonic() + 5
    want = {addr: "transfer health: %s. at %s: serial %d, ours %d, in sync"
            % (ZONE, addr, ours, ours) for _, _, addr, _ in PEERS}
    while time.monotonic() < end:
        text = world.banchi.log_text()
        if all(v in text for v in want.values()):
            break
        time.sleep(0.2)
    text = world.banchi.log_text()
    for addr, line in want.items():
        assert line in text, (addr, text[-3000:])


def test_notify_message(world):
    """The acknowledging fake got NOTIFYs of every serial it could see:
    opcode NOTIFY, AA, question ZONE SOA, the SOA in the answer, signed
    (dnspython verified the TSIG on parsing); banchi-auth logged the
    acknowledgement."""
    got = world.ack.got
    assert got
    serials = set()
    for _, m, _ in got:
        assert m.opcode() == dns.opcode.NOTIFY
        assert m.flags & dns.flags.AA and not m.flags & dns.flags.QR
        assert m.question[0].name.to_text() == ZONE + "."
        assert m.question[0].rdtype == dns.rdatatype.SOA
        assert m.answer[0].rdtype == dns.rdatatype.SOA
        assert m.had_tsig and m.keyname.to_text() == KEY + "."
        serials.add(m.answer[0][0].serial)
    assert 6 in serials and 1 in serials, serials
    assert re.search(r"notify %s\. serial 6 to %s:\d+@%s: acknowledged"
                     % (ZONE, ACK_ADDR, KEY), world.banchi.log_text())


@pytest.mark.slow
def test_retries_with_backoff(world):
    """The silent fake gets each NOTIFY again after 1, 2, 4 s... with
    the same ID; a newer serial replaces the one pending."""
    update(world, lambda u: u.add("retry", 300, "A", "192.0.2.99"))
    end = time.monotonic() + 8
    while time.monotonic() < end:
        last = [g for g in world.mute.got if g[1].answer[0][0].serial == 7]
        if len(last) >= 3:
            break
        time.sleep(0.2)
    assert len(last) >= 3, [(t, m.id) for t, m, _ in world.mute.got]
    assert len({m.id for _, m, _ in last}) == 1
    gaps = [b[0] - a[0] for a, b in zip(last, last[1:])]
    assert 0.7 < gaps[0] < 1.6 and 1.7 < gaps[1] < 2.6, gaps


@pytest.mark.slow
def test_lag_warning(world):
    """The fake that acknowledges but never transfers is logged as not
    caught up LAG_WARN s after the NOTIFY; the real ones are not."""
    end = time.monotonic() + LAG_WARN + 5
    pat = (r"notify %s\. serial 7 to %s:\d+@%s: the secondary has not "
           r"transferred the zone from us since start" %
           (ZONE, ACK_ADDR, KEY))
    while time.monotonic() < end:
        if re.search(pat, world.banchi.log_text()):
            break
        time.sleep(0.3)
    text = world.banchi.log_text()
    assert re.search(pat, text), text[-3000:]
    for _, _, addr, _ in PEERS:
        assert not re.search(r"to %s:\d+@%s: the secondary has not"
                             % (re.escape(addr), KEY), text), addr


def test_reload_notifies(world):
    """A SIGHUP that loads a zone file with a new serial notifies too:
    the secondaries follow (by AXFR: the journal does not lead there)."""
    zpath = Path(world.dirs[0]) / ("%s.zone" % ZONE)
    zpath.write_text(ZONE_TEXT.replace(" 1 3600", " 100 3600") +
                     "reloaded A 192.0.2.100\n")
    world.banchi.signal(signal.SIGHUP)
    end = time.monotonic() + FOLLOW_LIMIT
    left = dict(world.peers)
    while left and time.monotonic() < end:
        for name in [n for n, p in left.items() if soa_serial(p.where) == 100]:
            del left[name]
        time.sleep(0.1)
    assert not left, (list(left), world.banchi.log_text()[-3000:])
    assert any(m.answer[0][0].serial == 100 for _, m, _ in world.ack.got)
