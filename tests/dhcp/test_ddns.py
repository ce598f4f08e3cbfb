"""Names of leases in DNS: banchi-dhcp sends RFC 2136 UPDATEs signed
with TSIG to banchi-auth (in the server namespace, on its loopback).
A and PTR registered with the lease, removed with its release; a name
made by hand or held by another client is never taken (RFC 4703
DHCIDs); the same against BIND and Knot (RFC 2136 and TSIG interop); updates queued while the DNS server is down survive a restart
of banchi-dhcp and go out when it is back."""

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from clients import CLIENTS, Udhcpc
import netns
from netns import ROOT, Server, run, wait_for
from test_server import send, with_address

BANCHI_AUTH = Path(os.environ.get("BANCHI_AUTH", ROOT / "build/banchi-auth"))
KEY = "ddns-key:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA=="
SOA = "@ SOA ns.lan.test. admin.lan.test. 1 3600 600 86400 300\n"
DNS = "127.0.0.1:5300"

pytestmark = pytest.mark.skipif(not BANCHI_AUTH.exists(),
                                reason="no %s" % BANCHI_AUTH)


KEY_NAME, KEY_SECRET = KEY.split(":")


class Auth:
    """A DNS server taking signed updates for lan.test and
    0.77.10.in-addr.arpa, on 127.0.0.1:5300 of the server namespace:
    banchi-auth, BIND (named) or Knot (knotd)."""

    def __init__(self, link, kind="banchi", more_revs=(), key=KEY,
                 xfr=False):
        self.link = link
        self.kind = kind
        self.key = key          # banchi only: the key it takes
        self.xfr = xfr          # banchi only: the key may transfer
        self.more_revs = more_revs      # banchi only: reverse zones more
        d = link.dir
        (d / "lan.test.zone").write_text(
            "$TTL 300\n" + SOA + "@ NS ns\nns A 10.77.0.1\n"
            "manual A 10.77.0.9\n")
        (d / "rev.zone").write_text("$TTL 300\n" + SOA +
                                    "@ NS ns.lan.test.\n")
        (d / "zd").mkdir(exist_ok=True)
        self.args = getattr(self, "args_" + kind)(d)
        self.proc = None
        self.start()

    def args_banchi(self, d):
        name = self.key.split(":")[0]
        return [BANCHI_AUTH, "--listen", DNS, "--threads", "1",
                "--control", "none", "--zone-dir", d / "zd",
                "--zone", "lan.test=%s" % (d / "lan.test.zone"),
                "--zone", "0.77.10.in-addr.arpa=%s" % (d / "rev.zone"),
                "--key", self.key, "--allow-update",
                "lan.test=key:" + name, "--allow-update",
                "0.77.10.in-addr.arpa=key:" + name] + \
            (["--allow-transfer", "lan.test=key:" + name] if self.xfr
             else []) + \
            sum((["--zone", "%s=%s" % (z, d / "rev.zone"), "--allow-update",
                  "%s=key:%s" % (z, name)] for z in self.more_revs), [])

    def args_bind(self, d):
        zone = ('zone "%s" { type primary; file "%s"; '
                'allow-update { key %s; }; };')
        conf = ['key "%s" { algorithm hmac-sha256; secret "%s"; };'
                % (KEY_NAME, KEY_SECRET),
                'options { directory "%s"; listen-on port 5300 '
                '{ 127.0.0.1; }; listen-on-v6 { none; }; recursion no; '
                'pid-file "%s/named.pid"; notify no; '
                'dnssec-validation no; };' % (d / "zd", d),
                'controls { };',
                zone % ("lan.test", d / "lan.test.zone", KEY_NAME),
                zone % ("0.77.10.in-addr.arpa", d / "rev.zone", KEY_NAME)]
        (d / "named.conf").write_text("\n".join(conf) + "\n")
        return ["named", "-g", "-u", "root", "-c", d / "named.conf"]

    def args_knot(self, d):
        conf = ["server:", "  listen: 127.0.0.1@5300", "  rundir: %s" % d,
                "  user: root", "key:", "  - id: %s" % KEY_NAME,
                "    algorithm: hmac-sha256", "    secret: %s" % KEY_SECRET,
                "acl:", "  - id: up", "    key: %s" % KEY_NAME,
                "    action: update", "database:", "  storage: %s" % d,
                "template:", "  - id: default", "    storage: %s" % d,
                "    zonefile-sync: -1", "    semantic-checks: off",
                "zone:", "  - domain: lan.test",
                "    file: %s" % (d / "lan.test.zone"), "    acl: up",
                "  - domain: 0.77.10.in-addr.arpa",
                "    file: %s" % (d / "rev.zone"), "    acl: up"]
        (d / "knot.conf").write_text("\n".join(conf) + "\n")
        return ["knotd", "-c", d / "knot.conf"]

    def start(self):
        self.proc = self.link.spawn(self.link.ns_s, self.args,
                                    "%s.log" % self.kind)
        wait_for("%s to serve" % self.kind, lambda: self.query(
            "ns.lan.test", "A") == ["10.77.0.1"], 15)

    def stop(self):
        assert self.link.stop(self.proc) == 0

    def query(self, name, rtype):
        r = run("ip", "netns", "exec", self.link.ns_s, "dig", "+short",
                "+time=1", "+tries=1", "-p", "5300", "@127.0.0.1", name,
                rtype, check=False)
        return r.stdout.split() if r.returncode == 0 else None


def ddns_server(link, *extra, **kw):
    return Server(link, "--ddns", DNS, "--key", KEY, "--forward-zone",
                  "lan.test", "--reverse-zone", "0.77.10.in-addr.arpa",
                  "--ddns-ttl", "120", *extra, **kw)


# why's line on the last UPDATE: rcode, server, time, what it did
LAST = (r"last DNS update: %s from 127\.0\.0\.1:5300 at "
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ %s")


def why(srv, who):
    return run(str(netns.BANCHI_DHCP), "why", who, "--lease-db",
               str(srv.db)).stdout


def rev(ip):
    return ".".join(reversed(ip.split("."))) + ".in-addr.arpa"


PEERS = [k if not tool else pytest.param(k, marks=pytest.mark.slow)
         for k, tool in (("banchi", None), ("bind", "named"),
                         ("knot", "knotd"))
         if not tool or shutil.which(tool, path="/usr/sbin:/usr/bin")]


@pytest.mark.parametrize("peer", PEERS)
def test_register_and_release(link, peer):
    auth = Auth(link, peer)
    srv = ddns_server(link)
    c = Udhcpc(link, "alpha")
    c.start()
    ip = Udhcpc.got(c.wait_event(c.BOUND)[1])["ip"]
    t0 = time.monotonic()
    wait_for("alpha's A", lambda: auth.query("alpha.lan.test", "A") == [ip],
             3, step=0.05)
    assert time.monotonic() - t0 < 1.0
    assert auth.query(rev(ip), "PTR") == ["alpha.lan.test."]
    assert len(auth.query("alpha.lan.test", "DHCID")) == 1
    wait_for("dns:ok", lambda: srv.leases()[ip]["dns"] == "ok", 3)
    # the server's last answer, in why and in the control listing
    last = LAST % ("NOERROR", r"\(registered A, DHCID, PTR\)")
    assert re.search(last, why(srv, "alpha")), why(srv, "alpha")
    row = [x for x in srv.ctl_json("leases")["leases"]
           if x["address"] == ip][0]
    assert re.fullmatch(last[len("last DNS update: "):], row["dns_last"])
    assert row["dns_last_result"] == "added"
    c.release()
    wait_for("alpha's A to go", lambda: auth.query("alpha.lan.test", "A")
             == [], 3, step=0.05)
    assert auth.query(rev(ip), "PTR") == []
    assert auth.query("alpha.lan.test", "DHCID") == []
    assert auth.query("manual.lan.test", "A") == ["10.77.0.9"]
    wait_for("the removal in why", lambda: re.search(LAST % (
        "NOERROR", r"\(removed A, DHCID, PTR\)"), why(srv, "alpha")), 3)
    c.stop()
    srv.stop()
    auth.stop()


@pytest.mark.parametrize("peer", PEERS)
def test_conflicts(link, peer):
    """A hand-made name and another client's name are left alone."""
    auth = Auth(link, peer)
    srv = ddns_server(link)
    with_address(link)
    r = send(link, [dict(type=3, mac="02:00:00:00:00:01", xid=1,
                         req="10.77.0.50", host="manual"),
                    dict(type=3, mac="02:00:00:00:00:02", xid=2,
                         req="10.77.0.51", host="dup")], expect=2)
    assert sorted(x["type"] for x in r) == [5, 5]
    wait_for("dup registered", lambda: auth.query("dup.lan.test", "A") ==
             ["10.77.0.51"], 3)
    r = send(link, [dict(type=3, mac="02:00:00:00:00:03", xid=3,
                         req="10.77.0.52", host="dup")], expect=1)
    assert r[0]["type"] == 5    # the lease is given, the name is not
    wait_for("both refusals", lambda: srv.log().count(
        "not registered for") == 2, 5)
    assert ("manual.lan.test. not registered for 10.77.0.50: the name is "
            "held by another client or was made by hand") in srv.log()
    assert ("dup.lan.test. not registered for 10.77.0.52: the name is held "
            "by the lease 10.77.0.51 of 02:00:00:00:00:02") in srv.log()
    # the log line comes just before the state is stored
    wait_for("the refusals stored", lambda: [
        srv.leases()[a]["dns"] for a in ("10.77.0.50", "10.77.0.51",
                                         "10.77.0.52")] ==
        ["refused", "ok", "refused"], 3)
    assert auth.query("manual.lan.test", "A") == ["10.77.0.9"]
    assert auth.query("dup.lan.test", "A") == ["10.77.0.51"]
    assert auth.query(rev("10.77.0.52"), "PTR") == []
    # banchi-dhcp why: the refusal and who holds the name
    out = why(srv, "dup")
    assert "02:00:00:00:00:03 (host dup): bound lease 10.77.0.52" in out
    assert "name refused" in out
    assert "held by the lease 10.77.0.51 of 02:00:00:00:00:02" in out
    assert "name registered" in why(srv, "02:00:00:00:00:02")
    assert "held by a record made by hand" in why(srv, "manual")
    assert re.search(LAST % ("YXDOMAIN, then NXRRSET", r"\(the name exists "
                             r"and is held by another client's DHCID, or "
                             r"was made by hand\)"), out), out
    srv.stop()
    auth.stop()


def test_dns_outage_and_restart(link):
    """Updates owed while the DNS server is down are in the lease store:
    a restarted banchi-dhcp sends them once the server is back."""
    auth = Auth(link)
    auth.stop()
    srv = ddns_server(link)
    with_address(link)
    r = send(link, [dict(type=3, mac="02:00:00:00:00:04", xid=4,
                         req="10.77.0.60", host="late")], expect=1)
    assert r[0]["type"] == 5
    assert srv.leases()["10.77.0.60"]["dns"] == "add"
    wait_for("a failed update", lambda: "retried in" in srv.log(), 10)
    srv.stop()
    assert srv.leases()["10.77.0.60"]["dns"] == "add"
    auth.start()
    srv.start()
    wait_for("late's A", lambda: auth.query("late.lan.test", "A") ==
             ["10.77.0.60"], 5)
    assert auth.query(rev("10.77.0.60"), "PTR") == ["late.lan.test."]
    wait_for("dns:ok", lambda: srv.leases()["10.77.0.60"]["dns"] == "ok", 3)
    srv.stop()
    auth.stop()


def test_static_always_resolves(link):
    """A static lease's name is registered at start, before its host is
    seen, stays after the host releases its lease, and is refused to a
    dynamic client asking for it."""
    link.set_client_mac("02:00:00:00:07:07")
    auth = Auth(link)
    srv = ddns_server(link, "--static", "02:00:00:00:07:07=10.77.0.7,nas")
    wait_for("nas's A", lambda: auth.query("nas.lan.test", "A") ==
             ["10.77.0.7"], 3, step=0.05)
    assert auth.query(rev("10.77.0.7"), "PTR") == ["nas.lan.test."]
    c = Udhcpc(link, "whatever")
    c.start()
    assert Udhcpc.got(c.wait_event(c.BOUND)[1])["ip"] == "10.77.0.7"
    c.release()
    wait_for("the release", lambda: "RELEASE from" in srv.log(), 5)
    c.stop()
    srv.stop()                  # and a restart keeps it too
    srv.start()
    r = send_from(link, "10.77.0.201", [dict(
        type=3, mac="02:00:00:00:00:11", xid=11, req="10.77.0.50",
        host="nas")])
    assert r[0]["type"] == 5
    wait_for("the refusal", lambda: "not registered for" in srv.log(), 5)
    assert ("nas.lan.test. not registered for 10.77.0.50: the name is held "
            "by static lease 10.77.0.7 of 02:00:00:00:07:07") in srv.log()
    assert auth.query("nas.lan.test", "A") == ["10.77.0.7"]
    srv.stop()
    auth.stop()


def send_from(link, addr, packets):
    link.in_client("ip", "addr", "add", addr + "/24", "dev", link.veth_c)
    return send(link, packets, expect=len(packets))


@pytest.mark.slow
def test_expiry_removes_names(link):
    """A client gone without a RELEASE: its names go the grace period
    (--ddns-grace, 4 s here) after its lease expires."""
    import signal
    auth = Auth(link)
    srv = ddns_server(link, "--ddns-grace", "4", lease_time=10)
    c = Udhcpc(link, "ghost")
    c.start()
    ip = Udhcpc.got(c.wait_event(c.BOUND)[1])["ip"]
    wait_for("ghost's A", lambda: auth.query("ghost.lan.test", "A") == [ip],
             3)
    c.stop(signal.SIGKILL)
    wait_for("the lease to expire", lambda: srv.leases(all_rows=True)[ip][
        "state"] == "expired", 25, step=0.2)
    t0 = time.monotonic()
    assert auth.query("ghost.lan.test", "A") == [ip]    # in its grace
    wait_for("ghost's A to go", lambda: auth.query("ghost.lan.test", "A")
             == [], 15, step=0.2)
    assert time.monotonic() - t0 >= 2.5
    assert auth.query(rev(ip), "PTR") == []
    assert srv.leases(all_rows=True)[ip]["state"] == "expired"
    srv.stop()
    auth.stop()


def test_release_keeps_the_hosts_aaaa(link):
    """A lease's names are removed record by record (RFC 4703 5.5): its
    own A goes; an AAAA of the same host (its IPv6 side; added here by
    nsupdate with the same key) stays, and with it the DHCID that marks
    the name; the PTR goes."""
    auth = Auth(link)
    srv = ddns_server(link)
    with_address(link)
    r = send(link, [dict(type=3, mac="02:00:00:00:00:21", xid=21,
                         req="10.77.0.70", host="both")], expect=1)
    assert r[0]["type"] == 5
    wait_for("both's A", lambda: auth.query("both.lan.test", "A") ==
             ["10.77.0.70"], 3, step=0.05)
    run("ip", "netns", "exec", link.ns_s, "nsupdate", "-y",
        "hmac-sha256:" + KEY, input="server 127.0.0.1 5300\n"
        "update add both.lan.test. 120 AAAA 2001:db8::70\nsend\n")
    assert auth.query("both.lan.test", "AAAA") == ["2001:db8::70"]
    srv.ctl_json("lease-release", "10.77.0.70")
    wait_for("both's A to go", lambda: auth.query("both.lan.test", "A")
             == [], 3, step=0.05)
    wait_for("the PTR to go", lambda: auth.query(rev("10.77.0.70"), "PTR")
             == [], 3, step=0.05)
    assert auth.query("both.lan.test", "AAAA") == ["2001:db8::70"]
    assert len(auth.query("both.lan.test", "DHCID")) == 1
    srv.stop()
    auth.stop()


def test_restart_reasserts_names(link):
    """A DNS server that lost the names (restored from an old backup,
    here: started afresh) gets them back when banchi-dhcp starts, with
    no client doing anything."""
    auth = Auth(link)
    srv = ddns_server(link)
    with_address(link)
    send(link, [dict(type=3, mac="02:00:00:00:00:31", xid=31,
                     req="10.77.0.80", host="kept")], expect=1)
    wait_for("kept's names", lambda: auth.query(rev("10.77.0.80"), "PTR")
             == ["kept.lan.test."], 3, step=0.05)
    wait_for("dns:ok", lambda: srv.leases()["10.77.0.80"]["dns"] == "ok", 3)
    srv.stop()
    auth.stop()
    shutil.rmtree(link.dir / "zd")  # its journals gone: the zones as
    auth = Auth(link)               # they were at first
    assert auth.query("kept.lan.test", "A") == []
    srv.start()
    wait_for("kept's names again", lambda: auth.query(
        "kept.lan.test", "A") == ["10.77.0.80"] and auth.query(
        rev("10.77.0.80"), "PTR") == ["kept.lan.test."], 5, step=0.05)
    assert "names registered before sent again" in srv.log()
    srv.stop()
    auth.stop()


@pytest.mark.parametrize("peer", PEERS)
def test_burst_of_names(link, peer):
    """40 clients at once, each its own name: the UPDATEs of many
    leases are in flight together (banchi-dhcp keeps up to 32), and the
    DNS server takes them all: every A and PTR there, then gone with 40
    RELEASEs."""
    auth = Auth(link, peer)
    srv = ddns_server(link)
    with_address(link)
    n = 40
    addr = ["10.77.0.%d" % (50 + i) for i in range(n)]
    r = send(link, [dict(type=3, mac="02:00:00:00:05:%02x" % i, xid=500 + i,
                         req=addr[i], host="burst%d" % i)
                    for i in range(n)], expect=n, wait=5)
    assert sorted(x["yiaddr"] for x in r if x["type"] == 5) == sorted(addr)
    wait_for("every name registered", lambda: all(
        x["dns"] == "ok" for x in srv.leases().values()) and
        len(srv.leases()) == n, 20)
    for i in range(n):
        assert auth.query("burst%d.lan.test" % i, "A") == [addr[i]]
        assert auth.query(rev(addr[i]), "PTR") == ["burst%d.lan.test." % i]
    send(link, [dict(type=7, mac="02:00:00:00:05:%02x" % i, xid=600 + i,
                     ciaddr=addr[i], sid="10.77.0.1") for i in range(n)])
    wait_for("every name removed", lambda: all(
        auth.query("burst%d.lan.test" % i, "A") == [] for i in range(n)),
        20)
    assert all(auth.query(rev(a), "PTR") == [] for a in addr)
    assert auth.query("manual.lan.test", "A") == ["10.77.0.9"]
    srv.stop()
    auth.stop()


def test_decline_removes_names(link):
    """A DECLINE says the address is not in use by that client: its
    names leave DNS as after a release, and the address goes to nobody
    (the decliner included) until the decline time ends."""
    auth = Auth(link)
    srv = ddns_server(link, "--decline-time", "6")
    with_address(link)
    mac = "02:00:00:00:00:41"
    r = send(link, [dict(type=3, mac=mac, xid=41, req="10.77.0.50",
                         host="decl")], expect=1)
    assert r[0]["type"] == 5
    wait_for("decl's names", lambda: auth.query("decl.lan.test", "A") ==
             ["10.77.0.50"] and auth.query(rev("10.77.0.50"), "PTR") ==
             ["decl.lan.test."], 3, step=0.05)
    wait_for("dns:ok", lambda: srv.leases()["10.77.0.50"]["dns"] == "ok", 3)
    t0 = time.monotonic()
    send(link, [dict(type=4, mac=mac, xid=42, req="10.77.0.50",
                     sid=netns.SERVER_ADDR)])
    wait_for("decl's A to go", lambda: auth.query("decl.lan.test", "A")
             == [], 3, step=0.05)
    assert auth.query(rev("10.77.0.50"), "PTR") == []
    assert auth.query("decl.lan.test", "DHCID") == []
    row = srv.leases(all_rows=True)["10.77.0.50"]
    assert row["state"] == "declined" and row["hwaddr"] == mac, row
    wait_for("the removal stored", lambda: srv.leases(all_rows=True)[
        "10.77.0.50"]["dns"] == "", 3)
    out = why(srv, "decl")
    assert "%s (host decl): declined lease 10.77.0.50, until" % mac in out
    assert re.search(LAST % ("NOERROR", r"\(removed A, DHCID, PTR\)"),
                     out), out
    # nobody gets it while declined: not the decliner, not another
    r = send(link, [dict(type=1, mac=mac, xid=43, req="10.77.0.50"),
                    dict(type=1, mac="02:00:00:00:00:42", xid=44,
                         req="10.77.0.50")], expect=2)
    assert len(r) == 2 and all(x["yiaddr"] != "10.77.0.50" for x in r), r
    r = send(link, [dict(type=3, mac="02:00:00:00:00:42", xid=45,
                         req="10.77.0.50")], expect=1)
    assert r[0]["type"] == 6    # NAK
    assert time.monotonic() - t0 < 6
    # its time over, it is free again (a new client each time: one
    # offered another address would get that one again)
    macs = ("02:00:00:00:01:%02x" % i for i in range(100))
    wait_for("the decline to end", lambda: send(link, [dict(
        type=1, mac=next(macs), xid=46, req="10.77.0.50")],
        expect=1, wait=1)[0]["yiaddr"] == "10.77.0.50", 15, step=0.5)
    assert time.monotonic() - t0 >= 4.9     # whole seconds: 5 to 6
    srv.stop()
    auth.stop()


def test_udhcpc_declines_an_address_in_use(link):
    """udhcpc -a checks the address it is given by ARP and declines it
    when another host answers: it gets another address, which its name
    points to, and the declined address has no name left."""
    auth = Auth(link)
    srv = ddns_server(link)
    taken = "10.77.0.50"        # the first the server gives
    run("ip", "-n", link.ns_s, "addr", "add", taken + "/32", "dev",
        link.veth_s)
    c = Udhcpc(link, "arp")
    c.extra = ["-a"]
    c.start()
    ip = Udhcpc.got(c.wait_event(c.BOUND)[1])["ip"]
    assert ip != taken
    assert "DECLINE from %s: no reply %s" % (link.client_mac(), taken) \
        in srv.log(), srv.log()[-3000:]
    wait_for("arp's names", lambda: auth.query("arp.lan.test", "A") == [ip]
             and auth.query(rev(ip), "PTR") == ["arp.lan.test."], 5,
             step=0.05)
    wait_for("the declined address unnamed", lambda: auth.query(
        rev(taken), "PTR") == [], 3, step=0.05)
    assert len(auth.query("arp.lan.test", "DHCID")) == 1
    assert srv.leases(all_rows=True)[taken]["state"] == "declined"
    c.stop()
    srv.stop()
    auth.stop()


def udp_sink(link):
    """A socket on the DNS server's address that never answers."""
    p = link.spawn(link.ns_s, [
        "/usr/bin/python3", "-c",
        "import socket, time\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.bind(('127.0.0.1', 5300))\n"
        "time.sleep(120)\n"], "sink.log")
    wait_for("the sink", lambda: "127.0.0.1:5300" in run(
        "ip", "netns", "exec", link.ns_s, "ss", "-uln").stdout, 5)
    return p


def test_why_says_the_last_failure(link):
    """why (and the control listing) give the DNS server's last answer to
    a lease's UPDATE while it fails, with the retry: no server, a server
    that never answers, one refusing our key (its secret another, then
    its key another); and NOERROR once one takes it. banchi-dhcp is
    restarted between them so that its backoff starts again."""
    srv = ddns_server(link)
    with_address(link)
    r = send(link, [dict(type=3, mac="02:00:00:00:00:51", xid=51,
                         req="10.77.0.60", host="lost")], expect=1)
    assert r[0]["type"] == 5
    retry = r"\(add A \(new name\): %s\), (retrying in \d+ s|retry due at)"
    wait_for("the failure in why", lambda: re.search(LAST % (
        "no answer", retry % "port unreachable: no DNS server listens "
        "there"), why(srv, "lost")), 5)
    row = srv.ctl_json("leases")["leases"][0]
    assert row["dns_last_result"] == "failed" and row["dns"] == "add"
    assert "retry" in row["dns_last"]
    srv.stop()
    sink = udp_sink(link)
    srv.start()
    wait_for("the timeout in why", lambda: re.search(LAST % (
        "no answer", retry % "timeout: the server is down, or a firewall "
        "drops it"), why(srv, "lost")), 8)
    srv.stop()
    link.stop(sink)
    for key, rcode, hint in (
            (KEY_NAME + ":YW5vdGhlci1zZWNyZXQtYW5vdGhlci1zZWNyZXQtYWI=",
             r"NOTAUTH \(BADSIG\)",
             "the server's secret for the TSIG key is not ours"),
            ("other-key:" + KEY_SECRET, r"NOTAUTH \(BADKEY\)",
             r"the server does not know the TSIG key \(--key\)")):
        auth = Auth(link, key=key)
        srv.start()
        wait_for("the refusal in why", lambda: re.search(LAST % (
            rcode, retry % hint), why(srv, "lost")), 5)
        srv.stop()
        auth.stop()
    assert auth.query("lost.lan.test", "A") is None     # stopped
    auth = Auth(link)
    assert auth.query("lost.lan.test", "A") == []
    srv.start()
    wait_for("lost's A", lambda: auth.query("lost.lan.test", "A") ==
             ["10.77.0.60"], 5, step=0.05)
    wait_for("NOERROR in why", lambda: re.search(LAST % (
        "NOERROR", r"\(registered A, DHCID, PTR\)"), why(srv, "lost")), 3)
    srv.stop()
    auth.stop()


# RFC 4701's examples: DHCIDs of clients no lease of the tests has
DHCIDS = ("AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
          "AAEBOSD+XR3Os/0LozeXVqcNc7FwCfQdWL3b/NaiUDlW2No=",
          "AAABxLmlskllE0MVjd57zHcWmEH3pCQ6VytcKD//7es/deY=")


def nsupdate(link, *lines):
    run("ip", "netns", "exec", link.ns_s, "nsupdate", "-y",
        "hmac-sha256:" + KEY, input="server 127.0.0.1 5300\n" +
        "".join("update add %s\n" % x for x in lines) + "send\n")


def test_sweep_removes_names_no_lease_knows(link):
    """At start, the forward zone transferred: names marked by a DHCID
    that no lease has, at addresses of our range that no lease holds,
    are removed (a lease lost with an old lease file, another's name);
    names of our leases, names made by hand (no DHCID), addresses
    outside our ranges or leased stay. A transfer refused: logged once,
    nothing removed, leases served."""
    import sqlite3
    auth = Auth(link)           # no transfer for the key yet
    srv = ddns_server(link)
    with_address(link)
    r = send(link, [dict(type=3, mac="02:00:00:00:00:61", xid=61,
                         req="10.77.0.61", host="gone"),
                    dict(type=3, mac="02:00:00:00:00:62", xid=62,
                         req="10.77.0.62", host="kept")], expect=2)
    assert [x["type"] for x in r] == [5, 5]
    wait_for("both names", lambda: auth.query(rev("10.77.0.61"), "PTR") ==
             ["gone.lan.test."] and auth.query(rev("10.77.0.62"), "PTR")
             == ["kept.lan.test."], 3, step=0.05)
    assert srv.log().count("sweep of lan.test. skipped: its transfer "
                           "from 127.0.0.1:5300 failed: the server "
                           "answered ") == 1, srv.log()[-3000:]
    srv.stop()
    # gone's lease lost (an older lease file); names of other clients
    db = sqlite3.connect(str(srv.db))
    db.execute("DELETE FROM lease WHERE hostname = 'gone'")
    db.commit()
    db.close()
    nsupdate(link, "other.lan.test. 120 DHCID " + DHCIDS[0],
             "other.lan.test. 120 A 10.77.0.70",
             "far.lan.test. 120 DHCID " + DHCIDS[1],
             "far.lan.test. 120 A 10.99.0.1",
             "busy.lan.test. 120 DHCID " + DHCIDS[2],
             "busy.lan.test. 120 A 10.77.0.62",
             "hand.lan.test. 120 A 10.77.0.71")
    # names made by hand, enough for a transfer of several messages
    for k in range(2):
        nsupdate(link, *["bulk%d-%d.lan.test. 120 A 10.77.0.72" % (k, i)
                         for i in range(1000)])
    auth.stop()
    auth = Auth(link, xfr=True)
    assert auth.query("other.lan.test", "A") == ["10.77.0.70"]
    srv.start()
    wait_for("gone's and other's A to go", lambda: auth.query(
        "gone.lan.test", "A") == [] and auth.query("other.lan.test", "A")
        == [], 5, step=0.05)
    wait_for("gone's PTR to go", lambda: auth.query(
        rev("10.77.0.61"), "PTR") == [], 3, step=0.05)
    for n in ("gone", "other"):
        assert auth.query(n + ".lan.test", "DHCID") == []
    assert ("sweep of lan.test.: 5 names marked by a DHCID, 1 of our "
            "leases; 2 addresses of others no lease holds: removing "
            "them") in srv.log()
    assert auth.query("kept.lan.test", "A") == ["10.77.0.62"]
    assert auth.query(rev("10.77.0.62"), "PTR") == ["kept.lan.test."]
    assert auth.query("far.lan.test", "A") == ["10.99.0.1"]
    assert auth.query("busy.lan.test", "A") == ["10.77.0.62"]
    assert auth.query("hand.lan.test", "A") == ["10.77.0.71"]
    assert auth.query("manual.lan.test", "A") == ["10.77.0.9"]
    assert len(auth.query("busy.lan.test", "DHCID")) == 1
    assert auth.query("bulk1-999.lan.test", "A") == ["10.77.0.72"]
    n = re.search(r"sweep: the transfer from 127.0.0.1:5300: (\d+) "
                  r"records in (\d+) messages", srv.log())
    assert n and int(n.group(1)) > 2000 and int(n.group(2)) > 1, n
    srv.stop()
    auth.stop()


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_real_clients_names(link, kind):
    """dhclient, udhcpc and dhcpcd: the host name each sends is in DNS
    (A and PTR) within a second of its lease; a restart of banchi-dhcp
    keeps the lease (the client renews the same address) and the name;
    its RELEASE removes them."""
    auth = Auth(link)
    srv = ddns_server(link)
    host = "real-%s" % kind
    c = CLIENTS[kind](link, host)
    c.start()
    ip = c.got(c.wait_event(c.BOUND)[1])["ip"]
    t0 = time.monotonic()
    wait_for("its A", lambda: auth.query(host + ".lan.test", "A") == [ip],
             3, step=0.05)
    assert time.monotonic() - t0 < 1.0
    assert auth.query(rev(ip), "PTR") == [host + ".lan.test."]
    srv.stop()
    srv.start()
    n = c.count()
    c.renew()
    assert c.got(c.wait_event(c.RENEWED, after=n)[1])["ip"] == ip
    assert auth.query(host + ".lan.test", "A") == [ip]
    wait_for("dns:ok", lambda: srv.leases()[ip]["dns"] == "ok", 3)
    c.release()
    wait_for("its A to go", lambda: auth.query(host + ".lan.test", "A") ==
             [], 5, step=0.05)
    assert auth.query(rev(ip), "PTR") == []
    c.stop()
    srv.stop()
    auth.stop()
