"""banchi-dhcp behind ISC dhcrelay: the client's link is another
namespace, reached through a relay agent that is also its router. The
lease goes out through the relay (to the relay's port 67), option 82
added by the relay comes back, and the renewal goes unicast to the
server across the router."""

import shutil

import pytest

from clients import Udhcpc
from netns import RelayLink, Server, wait_for

pytestmark = pytest.mark.skipif(
    not shutil.which("dhcrelay", path="/usr/sbin:/usr/bin"),
    reason="no dhcrelay (isc-dhcp-relay)")


@pytest.fixture
def rlink():
    lk = RelayLink()
    try:
        yield lk
    finally:
        lk.close()


def test_relayed_client(rlink):
    srv = Server(rlink, router=RelayLink.RELAY_DOWN)
    relay = rlink.spawn(rlink.ns_r, [
        "dhcrelay", "-4", "-d", "--no-pid", "-a", "-m", "replace",
        "-id", rlink.veth_rb, "-iu", rlink.veth_ra, RelayLink.SERVER],
        "dhcrelay.log")
    c = Udhcpc(rlink, "behind")
    c.start()
    got = c.got(c.wait_event(c.BOUND)[1])
    assert got["server"] == RelayLink.SERVER
    assert got["routers"] == [RelayLink.RELAY_DOWN]
    log = srv.log()
    assert "REQUEST from %s (relayed): ACK %s" % (rlink.client_mac(),
                                                 got["ip"]) in log, log
    assert srv.leases()[got["ip"]]["state"] == "bound"
    # the renewal goes straight to the server, routed by the relay
    n = c.count()
    c.renew()
    ev = c.wait_event(c.RENEWED, after=n)
    assert c.got(ev[1])["ip"] == got["ip"]
    wait_for("the unrelayed renewal", lambda: "REQUEST from %s: ACK %s" % (
        rlink.client_mac(), got["ip"]) in srv.log(), 5)
    assert relay.poll() is None
    c.stop()
    srv.stop()
