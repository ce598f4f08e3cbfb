"""Rate limits against starvation: 500 DISCOVERs from made-up MACs do
not use up the range (50 addresses), one MAC flooding is cut to its
bucket, and a real client (udhcpc) afterwards gets a lease."""

import random
import time

from clients import Udhcpc
from netns import Server, send, stats


def test_discover_flood(link):
    srv = Server(link)
    link.in_client("ip", "addr", "add", "10.77.0.200/24", "dev",
                   link.veth_c)
    rnd = random.Random(14)
    macs = ["02:%02x:%02x:%02x:%02x:%02x" % tuple(rnd.randrange(256)
                                                 for _ in range(5))
            for _ in range(500)]
    t0 = time.monotonic()
    send(link, [dict(type=1, mac=m, xid=i) for i, m in enumerate(macs)],
         wait=0.5)
    secs = time.monotonic() - t0
    st = stats(srv)
    assert st["received"] >= 100, st      # the kernel may drop some
    # 45 offers held (90% of 50), then 5 a second, held by none
    assert st["rate_limited_new"] > 0, st
    assert st["offers"] <= 45 + 5 * (int(secs) + 2), (st, secs)
    assert st["rate_limited"] == \
        st["rate_limited_new"] + st["rate_limited_client"]
    assert "refused a request: rate limited: new addresses" in srv.log()
    # one MAC flooding: its burst (10), then 2 a second
    before = stats(srv)
    send(link, [dict(type=1, mac="02:00:00:00:0f:0f", xid=1000 + i)
                for i in range(100)], wait=0.5)
    after = stats(srv)
    assert after["rate_limited_client"] - \
        before["rate_limited_client"] >= 80, after
    # a real client afterwards gets an address
    time.sleep(1.1)             # the flood's second is over
    c = Udhcpc(link, "real")
    c.start()
    got = Udhcpc.got(c.wait_event(c.BOUND)[1])
    assert got["ip"] in srv.leases()
    c.stop()
    srv.stop()


def test_limits_off(link):
    """--client-rate 0 --new-rate 0: the same flood takes every
    address (what the limits are for)."""
    srv = Server(link, "--client-rate", "0", "--new-rate", "0")
    link.in_client("ip", "addr", "add", "10.77.0.200/24", "dev",
                   link.veth_c)
    send(link, [dict(type=1, mac="02:00:00:01:%02x:%02x" % (i >> 8,
                                                            i & 255),
                     xid=i) for i in range(120)], wait=1.0)
    st = stats(srv)
    assert st["offers"] == 50 and st["rate_limited"] == 0, st
    r = send(link, [dict(type=1, mac="02:00:00:00:0e:0e", xid=9)],
             expect=1, wait=1.5)
    assert r == []
    srv.stop()
