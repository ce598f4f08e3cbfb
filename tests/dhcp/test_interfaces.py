"""Several interfaces (--interface repeatable): the plain one with
--subnet/--range, a second with IF=CIDR,FIRST-LAST,ROUTER. udhcpc on
each client interface gets a lease of that interface's subnet, router
and server identifier; a static lease goes to its subnet; both survive
a restart; a relayed request is served from the relay's subnet
whatever interface it came in on."""

import json
from pathlib import Path

import pytest

from clients import Udhcpc
from netns import BANCHI_DHCP, SERVER_ADDR, Server, TwoLink, run

SENDER = Path(__file__).resolve().parent / "sender.py"


class Udhcpc2(Udhcpc):
    name = "udhcpc2"


@pytest.fixture
def tlink():
    lk = TwoLink()
    try:
        yield lk
    finally:
        lk.close()


def second(tlink, *more):
    return ["--interface", "%s=10.78.0.0/24,10.78.0.100-10.78.0.149,"
            "10.78.0.1" % tlink.veth_s2] + list(more)


def test_two_interfaces(tlink):
    mac2 = tlink.client2_mac()
    srv = Server(tlink, *second(tlink, "--static", "%s=10.78.0.7,two" % mac2,
                                "--static", "02:00:00:00:07:07=10.77.0.7"))
    assert "serving 10.78.0.0/24 on %s, server id 10.78.0.1" % \
        tlink.veth_s2 in srv.log()
    c1 = Udhcpc(tlink, "one")
    c2 = Udhcpc2(tlink, "ignored")
    c2.iface = tlink.veth_c2
    c1.start()
    c2.start()
    g1 = c1.got(c1.wait_event(c1.BOUND)[1])
    g2 = c2.got(c2.wait_event(c2.BOUND)[1])
    assert g1["ip"].startswith("10.77.0.") and g1["server"] == SERVER_ADDR
    assert g1["routers"] == [SERVER_ADDR]
    assert g2["ip"] == "10.78.0.7" and g2["hostname"] == "two", g2
    assert g2["server"] == "10.78.0.1" and g2["routers"] == ["10.78.0.1"]
    assert g2["dns"] == ["10.77.0.53", "10.77.0.54"]       # shared
    rows = srv.leases()
    assert rows[g1["ip"]]["hwaddr"] == tlink.client_mac()
    assert rows["10.78.0.7"]["hwaddr"] == mac2 and rows["10.78.0.7"][
        "static"]
    # a restart loads each subnet's leases into its pool
    srv.stop()
    srv.start()
    assert "2 leases loaded" in srv.log().split("dropped privileges")[-2]
    for c in (c1, c2):
        n = c.count()
        c.renew()
        ev = c.wait_event(c.RENEWED, after=n)
        assert c.got(ev[1])["ip"] in (g1["ip"], g2["ip"])
    c1.stop()
    c2.stop()
    srv.stop()


def test_relay_picks_subnet(tlink):
    """A DISCOVER relayed from 10.78.0.254 arriving on the first
    interface is offered an address of the second subnet."""
    srv = Server(tlink, *second(tlink))
    tlink.in_client("ip", "addr", "add", "10.77.0.200/24", "dev",
                    tlink.veth_c)
    hdr = bytearray(240)
    hdr[0:4] = bytes([1, 1, 6, 0])
    hdr[4:8] = (77).to_bytes(4, "big")
    hdr[24:28] = bytes([10, 78, 0, 254])                # giaddr
    hdr[28:34] = bytes.fromhex("020000000a0a")
    hdr[236:240] = bytes([99, 130, 83, 99])
    raw = bytes(hdr) + bytes([53, 1, 1, 255])
    spec = dict(to=SERVER_ADDR, send=[dict(raw=raw.hex())], wait=1.0)
    tlink.in_client("/usr/bin/python3", SENDER, json.dumps(spec),
                    timeout=15)
    line = "DISCOVER from 02:00:00:00:0a:0a (relayed): OFFER 10.78.0.100"
    from netns import wait_for
    wait_for("the relayed offer", lambda: line in srv.log(), 5)
    srv.stop()


@pytest.mark.parametrize("args,why", [
    (["--interface", "a=10.77.0.0/25,10.77.0.10-10.77.0.20"],
     "overlaps"),
    (["--interface", "a=10.79.0.0/24,10.79.0.10-10.79.0.20",
      "--interface", "a=10.80.0.0/24,10.80.0.10-10.80.0.20"],
     "given twice"),
    (["--interface", "b=10.79.0.0/24,10.79.0.10-10.79.0.20,10.80.0.1"],
     "not an address of its subnet"),
    (["--interface", "b"], "only one without"),
    (["--static", "02:00:00:00:00:01=10.99.0.5"], "not in a subnet"),
])
def test_interface_errors(tmp_path, args, why):
    r = run(str(BANCHI_DHCP), "--interface", "lo", "--subnet",
            "10.77.0.0/24", "--range", "10.77.0.50-10.77.0.99",
            "--lease-db", str(tmp_path / "x.db"), *args, check=False)
    assert r.returncode == 2 and why in r.stderr, r.stderr
    assert not (tmp_path / "x.db").exists()


def test_two_interfaces_ddns(tlink):
    """Names of both subnets' leases go to the one forward zone; the
    PTR only for the subnet inside --reverse-zone (no UPDATE the
    server would refuse for ever for the other). Then with a second
    --reverse-zone: each subnet's PTR in its own zone."""
    from test_ddns import BANCHI_AUTH, Auth, ddns_server, rev
    from netns import wait_for
    if not BANCHI_AUTH.exists():
        pytest.skip("no %s" % BANCHI_AUTH)
    auth = Auth(tlink)
    srv = ddns_server(tlink, *second(tlink))
    c1 = Udhcpc(tlink, "alpha")
    c2 = Udhcpc2(tlink, "beta")
    c2.iface = tlink.veth_c2
    c1.start()
    c2.start()
    ip1 = c1.got(c1.wait_event(c1.BOUND)[1])["ip"]
    ip2 = c2.got(c2.wait_event(c2.BOUND)[1])["ip"]
    assert ip2.startswith("10.78.0.")
    wait_for("alpha's names", lambda: auth.query("alpha.lan.test", "A") ==
             [ip1] and auth.query(rev(ip1), "PTR") == ["alpha.lan.test."],
             5)
    wait_for("beta's A", lambda: auth.query("beta.lan.test", "A") == [ip2],
             5)
    lines = wait_for("beta's registration logged", lambda: [
        ln for ln in srv.log().splitlines()
        if "dns: registered beta.lan.test." in ln], 5)
    assert " and " not in lines[0], lines
    assert "dns update of" not in srv.log()     # no failure, no retry
    c1.stop()
    c2.stop()
    srv.stop()
    auth.stop()
    # afresh: a DNS server that lost the names, a new lease database
    for f in ("leases.db", "leases.db-wal", "leases.db-shm"):
        (tlink.dir / f).unlink(missing_ok=True)
    auth = Auth(tlink, more_revs=["0.78.10.in-addr.arpa"])
    srv = ddns_server(tlink, *second(tlink), "--reverse-zone",
                      "0.78.10.in-addr.arpa")
    c1, c2 = Udhcpc(tlink, "alpha"), Udhcpc2(tlink, "beta")
    c2.iface = tlink.veth_c2
    c1.start()
    c2.start()
    ip1 = c1.got(c1.wait_event(c1.BOUND)[1])["ip"]
    ip2 = c2.got(c2.wait_event(c2.BOUND)[1])["ip"]
    wait_for("both PTRs", lambda: auth.query(rev(ip1), "PTR") ==
             ["alpha.lan.test."] and auth.query(rev(ip2), "PTR") ==
             ["beta.lan.test."], 5)
    c1.stop()
    c2.stop()
    srv.stop()
    auth.stop()
