"""banchi-dhcp with the real clients (ISC dhclient, busybox udhcpc,
dhcpcd) over a veth pair between two network namespaces: the lease and
its options, the lease list, a restart of the server followed by a
renewal, release, static leases."""

import ipaddress
import time

import pytest

from clients import CLIENTS
from netns import SERVER_ADDR, Server, wait_for

RANGE = (ipaddress.ip_address("10.77.0.50"), ipaddress.ip_address("10.77.0.99"))
OPTIONS = ["--search", "lan.test", "--search", "corp.test", "--ntp",
           "10.77.0.123", "--mtu", "1400", "--route",
           "192.168.50.0/24=10.77.0.1"]


def in_range(a):
    return RANGE[0] <= ipaddress.ip_address(a) <= RANGE[1]


def bound(client):
    ev = client.wait_event(client.BOUND)
    return client.got(ev[1])


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_lease_and_options(link, kind):
    srv = Server(link, *OPTIONS, lease_time=900)
    c = CLIENTS[kind](link, "host-%s" % kind)
    c.start()
    got = bound(c)
    assert in_range(got["ip"]), got
    assert got["mask"] == "255.255.255.0"
    assert got["routers"] == [SERVER_ADDR]
    assert got["dns"] == ["10.77.0.53", "10.77.0.54"]
    assert got["domain"] == "lan.test"
    assert got["lease"] == 900
    assert got["server"] == SERVER_ADDR
    # what each client asked for: 119, 42, 26, 121
    assert got["search"] and "corp.test" in got["search"], got
    assert got["ntp"] == "10.77.0.123", got
    assert got["mtu"] == "1400", got
    assert got["routes"], got
    wait_for("the address on the client's interface",
             lambda: got["ip"] in link.client_addrs(), 10)
    rows = srv.leases()
    assert got["ip"] in rows, rows
    row = rows[got["ip"]]
    assert row["state"] == "bound"
    assert row["hwaddr"] == link.client_mac()
    assert row["hostname"] == "host-%s" % kind
    if kind == "dhclient":
        text = c.lease_file.read_text()
        assert "fixed-address %s;" % got["ip"] in text
        assert "option domain-name \"lan.test\";" in text
    if kind == "dhcpcd":
        assert "ip_address=%s" % got["ip"] in c.dumplease()
    c.stop()
    srv.stop()


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_restart_then_renew(link, kind):
    """The lease is on disk before the ACK: a new server process finds
    it, ACKs the client's renewal of the same address, and gives a new
    client another one."""
    srv = Server(link)
    c = CLIENTS[kind](link, "renewer")
    c.start()
    first = bound(c)
    before = srv.leases()[first["ip"]]["expires"]
    srv.stop()
    srv.start()
    n = c.count()
    time.sleep(1.1)             # a later expiry shows the renewal
    c.renew()
    ev = c.wait_event(c.RENEWED, after=n)
    assert c.got(ev[1])["ip"] == first["ip"]
    assert "ACK %s" % first["ip"] in srv.log().split("dropped privileges")[-1]
    row = srv.leases()[first["ip"]]
    assert row["state"] == "bound" and row["expires"] > before
    c.stop()
    srv.stop()


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_release(link, kind):
    srv = Server(link)
    c = CLIENTS[kind](link, "leaver")
    c.start()
    got = bound(c)
    assert got["ip"] in srv.leases()
    c.release()
    wait_for("the lease to go", lambda: got["ip"] not in srv.leases(), 10)
    assert srv.leases(all_rows=True)[got["ip"]]["state"] == "released"
    assert "RELEASE from" in srv.log()
    c.stop()
    srv.stop()


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_static(link, kind):
    link.set_client_mac("02:00:00:00:07:07")
    srv = Server(link, "--static", "02:00:00:00:07:07=10.77.0.7,nas",
                 "--static", "02:00:00:00:07:08=10.77.0.60,other")
    c = CLIENTS[kind](link, "ignored")
    c.start()
    got = bound(c)
    assert got["ip"] == "10.77.0.7"
    assert got["hostname"] == "nas"
    row = srv.leases()["10.77.0.7"]
    assert row["static"] and row["hostname"] == "nas"
    c.stop()
    srv.stop()


def test_static_by_client_id(link):
    """ISC dhclient sending option 61 (a DUID-style identifier, RFC
    4361) gets the static lease of that identifier, whatever its MAC."""
    from clients import Dhclient
    srv = Server(link, "--static",
                 "id:ff:00:00:00:01:00:01:aa:bb:cc=10.77.0.8,printer",
                 "--static", "02:00:00:00:07:08=10.77.0.60,other")
    c = Dhclient(link, "ignored")
    c.conf.write_text(c.conf.read_text() + "send dhcp-client-identifier "
                      "ff:00:00:00:01:00:01:aa:bb:cc;\n")
    c.start()
    got = bound(c)
    assert got["ip"] == "10.77.0.8"
    assert got["hostname"] == "printer"
    row = srv.leases()["10.77.0.8"]
    assert row["static"] and row["hostname"] == "printer"
    assert row["client_id"] == "ff000000010001aabbcc", row
    assert row["hwaddr"] == link.client_mac()
    c.stop()
    srv.stop()


def test_static_clash_refused(link):
    """Two static leases that could be one client: a config error."""
    from netns import BANCHI_DHCP, run
    base = [str(BANCHI_DHCP), "--interface", "lo", "--subnet",
            "10.77.0.0/24", "--range", "10.77.0.50-10.77.0.99",
            "--lease-db", str(link.dir / "x.db")]
    for pair in (["id:01:02:00:00:00:00:01=10.77.0.5",
                  "02:00:00:00:00:01=10.77.0.6"],
                 ["id:0102aa=10.77.0.5", "id:01:02:aa=10.77.0.6"],
                 ["id:0102aa=10.77.0.5", "02:00:00:00:00:01=10.77.0.5"]):
        r = run(*base, "--static", pair[0], "--static", pair[1],
                check=False)
        assert r.returncode == 2 and "repeats the client or address" in \
            r.stderr, (pair, r.stderr)
    r = run(*base, "--static", "id:01=10.77.0.5", check=False)
    assert r.returncode == 2 and "not a client identifier" in r.stderr
    assert not (link.dir / "x.db").exists()
