"""NOTIFY to the zone's NS names (--notify-ns, zones.notify-ns, as BIND's
notify yes): banchi-auth is the primary of nsn.test, whose NS names have
glue at loopback addresses where plain UDP listeners sit at port 53.
Each listener records the NOTIFYs it gets (signed: the zone says
key:xfr-key) and acknowledges them. The SOA MNAME's host gets none, nor
the NS name whose address banchi-auth itself listens on, nor a name
whose address is in no zone served (it is never resolved); a name whose
address is in another zone served (other.test) gets them. UPDATEs that
add an NS with glue, drop an NS, or move a glue address change where
the NOTIFY of that very version goes. The explicit --notify target gets
every serial as before."""

import base64
import re
import socket
import threading
import time
from pathlib import Path

import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.tsigkeyring
import dns.update
import pytest

import servers
from conftest import check_log

pytestmark = pytest.mark.banchi_only

SECRET = base64.b64encode(bytes(range(7, 39))).decode()
KEY = "xfr-key"
RING = dns.tsigkeyring.from_text({KEY: SECRET})
ZONE = "nsn.test"
# 127.0.0.81-87: no other test uses them (tests/resolver has .10-.40,
# test_notify .71-.75)
MNAME, NS2, OTHER, NEW, MOVED, SELF, EXPLICIT = (
    "127.0.0.%d" % i for i in (81, 82, 84, 85, 87, 86, 83))
ZONE_TEXT = """$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 300
@ NS ns1
@ NS ns2
@ NS ns.other.test.
@ NS ns.elsewhere.example.
@ NS self
ns1 A %s
ns2 A %s
self A %s
www A 192.0.2.80
""" % (MNAME, NS2, SELF)
OTHER_TEXT = """$TTL 300
@ SOA ns hostmaster 1 3600 600 86400 300
@ NS ns
ns A %s
""" % OTHER
WAIT = 10.0


class Listener:
    """A UDP socket at ADDR:53 that records each NOTIFY (the serial in
    its answer section, and whether it was signed) and acknowledges it,
    signed as the request was."""

    def __init__(self, addr, port=53):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((addr, port))
        self.sock.settimeout(0.2)
        self.where = self.sock.getsockname()
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
            if m.opcode() != dns.opcode.NOTIFY:
                continue
            self.got.append((m.question[0].name.to_text(),
                             m.answer[0][0].serial, m.had_tsig))
            self.sock.sendto(dns.message.make_response(m).to_wire(), peer)

    def serials(self):
        return [s for name, s, _ in self.got if name == ZONE + "."]

    def close(self):
        self.stop = True
        self.th.join(2)
        self.sock.close()


class World:
    pass


@pytest.fixture(scope="module")
def world():
    w = World()
    d = servers.world_dir("banchi-notifyns-")
    w.dir = d
    for name, text in ((ZONE, ZONE_TEXT), ("other.test", OTHER_TEXT)):
        (Path(d) / (name + ".zone")).write_text(text)
    (Path(d) / "auth.yaml").write_text(
        "zones:\n"
        "  - name: %s\n    file: %s.zone\n"
        "    allow-update: key:%s\n    notify-ns: key:%s\n"
        "keys:\n  - name: %s\n    algorithm: hmac-sha256\n"
        '    secret: "%s"\n' % (ZONE, ZONE, KEY, KEY, KEY, SECRET))
    w.ls = {a: Listener(a) for a in (MNAME, NS2, OTHER, NEW, MOVED)}
    w.explicit = Listener(EXPLICIT, 0)
    w.banchi = servers.start_banchi(
        d, [("other.test", Path(d) / "other.test.zone")], extra=[
            "-c", str(Path(d) / "auth.yaml"),
            "--listen", "%s:53" % SELF,
            "--notify", "%s=%s:%d@%s" % (ZONE, EXPLICIT, w.explicit.where[1],
                                         KEY),
            "--log-level", "debug",
            "--zone-dir", str(Path(d) / "journals"), "--allow-root"])
    try:
        yield w
    finally:
        w.banchi.stop()
        for x in list(w.ls.values()) + [w.explicit]:
            x.close()
        check_log(w.banchi)
        import shutil
        shutil.rmtree(d, ignore_errors=True)


def update(w, fill):
    u = dns.update.UpdateMessage(ZONE, keyring=RING, keyname=KEY)
    fill(u)
    r = dns.query.tcp(u, w.banchi.where[0], port=w.banchi.where[1],
                      timeout=15)
    assert r.rcode() == dns.rcode.NOERROR, r
    r = servers.query(w.banchi.where, ZONE, "SOA")
    return r.answer[0][0].serial


def wait_for(w, addrs, serial):
    """Until each listener of addrs (and the explicit target) has the
    NOTIFY of serial; then a moment for any stray one to arrive."""
    end = time.monotonic() + WAIT
    want = [w.ls[a] for a in addrs] + [w.explicit]
    while time.monotonic() < end:
        if all(serial in x.serials() for x in want):
            break
        time.sleep(0.05)
    missing = [x.where for x in want if serial not in x.serials()]
    assert not missing, (serial, missing, w.banchi.log_text()[-3000:])
    time.sleep(0.5)


def got(w):
    return {a: l.serials() for a, l in w.ls.items()}


def test_startup_to_ns_names(world):
    """Serial 1 at start: ns2 (in-zone glue) and ns.other.test (another
    zone served) get it, signed; the MNAME host and SELF do not; the
    name in no zone served is logged, not resolved."""
    wait_for(world, [NS2, OTHER], 1)
    g = got(world)
    assert g[MNAME] == [] and g[NEW] == [] and g[MOVED] == [], g
    assert all(signed for l in world.ls.values() for _, _, signed in l.got)
    log = world.banchi.log_text()
    assert "notify-ns: ns1.nsn.test. is the SOA MNAME" in log
    assert ("notify-ns: %s (self.nsn.test.) is ours" % SELF) in log
    assert ("notify-ns: ns.elsewhere.example. has no address in the "
            "zones served") in log
    assert not re.search(r"to %s[ :@]" % re.escape(SELF), log), log[-3000:]
    assert re.search(r"notify %s\. serial 1 to %s@%s \(ns2\.%s\.\): "
                     r"acknowledged" % (ZONE, NS2, KEY, ZONE), log), \
        log[-3000:]


def test_update_adds_ns_with_glue(world):
    """An UPDATE adding NS ns5 and its glue: that version's NOTIFY goes
    to the new host too, and so does the next one."""
    s = update(world, lambda u: (u.add("@", 300, "NS", "ns5"),
                                 u.add("ns5", 300, "A", NEW)))
    wait_for(world, [NS2, OTHER, NEW], s)
    s2 = update(world, lambda u: u.add("www2", 300, "A", "192.0.2.2"))
    wait_for(world, [NS2, OTHER, NEW], s2)
    g = got(world)
    assert g[NEW] == [s, s2], g
    assert g[MNAME] == [] and g[MOVED] == [], g


def test_update_drops_ns_and_moves_glue(world):
    """Dropping NS ns2 stops its NOTIFYs; moving ns5's address moves
    them to the new address."""
    before = got(world)
    s = update(world, lambda u: u.delete("@", "NS", "ns2"))
    wait_for(world, [OTHER, NEW], s)
    s2 = update(world, lambda u: u.replace("ns5", 300, "A", MOVED))
    wait_for(world, [OTHER, MOVED], s2)
    g = got(world)
    assert g[NS2] == before[NS2], g
    assert g[NEW] == before[NEW] + [s], g
    assert g[MOVED] == [s2], g
    assert g[MNAME] == [], g
    assert world.explicit.serials()[-1] == s2
