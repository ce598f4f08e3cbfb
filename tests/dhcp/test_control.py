"""banchi-dhcp's control channel and metrics, through banchi-ctl: a real
client's lease listed as 'banchi-dhcp leases' lists it, released by
lease-release (durably, its names gone from banchi-auth), the counters
of stats and of the metrics endpoint, reload of a config file (a good
one applied, a bad one refused with FILE:LINE and the old kept), and
the exit statuses (3 no socket, 2 usage, 1 refused)."""

import json
import re
import shutil

import pytest

from clients import Udhcpc
import netns
from netns import SERVER_ADDR, Server, run, wait_for
from test_ddns import Auth, ddns_server, rev
from test_server import send

METRICS = "127.0.0.1:9167"


def test_leases_release_and_names(link):
    auth = Auth(link)
    srv = ddns_server(link)
    c = Udhcpc(link, "alpha")
    c.start()
    ip = Udhcpc.got(c.wait_event(c.BOUND)[1])["ip"]
    mac = link.client_mac()
    wait_for("alpha's A", lambda: auth.query("alpha.lan.test", "A") == [ip],
             3, step=0.05)
    wait_for("dns:ok", lambda: srv.leases()[ip]["dns"] == "ok", 3)

    got = srv.ctl_json("leases")
    assert got["ok"] is True and got["all"] is False
    rows = {r["address"]: r for r in got["leases"]}
    offline = srv.leases()
    assert set(rows) == set(offline) == {ip}
    r = rows[ip]
    assert (r["state"], r["hwaddr"], r["hostname"], r["dns"], r["static"]) \
        == ("bound", mac, "alpha", "ok", False)
    assert r["expires"] == offline[ip]["expires"]
    assert r["hwaddr"] == offline[ip]["hwaddr"]

    out = srv.ctl_json("lease-release", ip)
    assert [x["address"] for x in out["released"]] == [ip]
    assert out["released"][0]["hostname"] == "alpha"
    # durable before the reply: the file says so at once
    assert srv.leases(all_rows=True)[ip]["state"] == "released"
    assert ip not in srv.leases()
    assert ip not in {x["address"] for x in srv.ctl_json("leases")["leases"]}
    assert srv.ctl_json("leases", "--all")["leases"][0]["state"] == \
        "released"
    wait_for("alpha's A to go", lambda: auth.query("alpha.lan.test", "A")
             == [], 3, step=0.05)
    assert auth.query(rev(ip), "PTR") == []
    assert auth.query("manual.lan.test", "A") == ["10.77.0.9"]
    assert "control: released %s of %s alpha" % (ip, mac) in srv.log()

    # released twice: nothing in effect for it
    again = srv.ctl("lease-release", ip)
    assert again.returncode == 1, again
    assert "no lease in effect for %s" % ip in again.stderr

    # the client renews: its address again, then released by its MAC
    n = c.count()
    c.renew()
    c.wait_event(c.RENEWED, after=n)
    wait_for("bound again", lambda: srv.leases().get(ip, {}).get("state")
             == "bound", 5)
    wait_for("alpha's A again", lambda: auth.query("alpha.lan.test", "A")
             == [ip], 3, step=0.05)
    out = srv.ctl_json("lease-release", mac.upper())
    assert [x["address"] for x in out["released"]] == [ip]
    wait_for("alpha's A to go again", lambda: auth.query(
        "alpha.lan.test", "A") == [], 3, step=0.05)

    st = srv.ctl_json("stats")
    assert st["discovers"] >= 1 and st["offers"] >= 1, st
    assert st["requests"] >= 2 and st["acks"] >= 2, st
    assert st["released_by_control"] == 2, st
    assert st["active_leases"] == 0, st
    # two registrations, two removals; nothing failed
    assert st["dns_updates_ok"] == 4, st
    assert st["dns_updates_failed"] == 0 and st["dns_refused"] == 0, st
    assert st["naks"] == 0 and sum(st["dropped"].values()) == 0, st
    c.stop()
    srv.stop()
    auth.stop()


def test_exit_codes(link):
    srv = Server(link)
    ctl = srv.ctl
    # 0: a fresh server, nothing written yet, lists no lease
    assert srv.ctl_json("leases")["leases"] == []
    # 3: nothing at that path
    r = run(str(netns.BANCHI_CTL), "-s", str(link.dir / "nope.ctl"),
            "status", check=False)
    assert r.returncode == 3 and "nope.ctl" in r.stderr, r
    # 2: usage, told before anything is sent
    for args in (("lease-release",), ("leases", "bogus"),
                 ("status", "extra"), ("frobnicate",)):
        r = ctl(*args)
        assert r.returncode == 2, (args, r)
    # 1: refused, the reason on stderr
    for arg, why in (("10.77.0.200", "no lease in effect for 10.77.0.200"),
                     ("02:00:00:00:00:99", "no lease in effect"),
                     ("nonsense", "neither an IPv4 address nor a MAC")):
        r = ctl("lease-release", arg)
        assert r.returncode == 1 and why in r.stderr, (arg, r)
    r = ctl("zone-status", "lan.test")
    assert r.returncode == 1 and "unknown command" in r.stderr.lower(), r
    st = srv.ctl_json("status")
    assert st["daemon"] == "banchi-dhcp"
    assert st["interfaces"][0]["interface"] == link.veth_s
    assert st["interfaces"][0]["server_id"] == SERVER_ADDR
    assert st["active_leases"] == 0
    assert srv.ctl_json("log-level", "info")["was"] == "debug"
    srv.stop()
    # gone (the socket file may stay: the unprivileged daemon may not
    # remove it from the test's folder; connecting is refused then)
    r = ctl("status")
    assert r.returncode == 3, r


def scrape(link):
    code = ("import urllib.request as u;print(u.urlopen('http://%s/metrics',"
            "timeout=5).read().decode())" % METRICS)
    out = run("ip", "netns", "exec", link.ns_s, "/usr/bin/python3", "-c",
              code).stdout
    vals = {}
    for line in out.splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            vals[k] = float(v)
    return out, vals


def test_stats_and_metrics(link):
    srv = Server(link, "--metrics", METRICS)
    c = Udhcpc(link, "beta")
    c.start()
    ip = Udhcpc.got(c.wait_event(c.BOUND)[1])["ip"]
    # a datagram that is no DHCP message, and one from a "server"
    send(link, [dict(raw="00" * 20), dict(type=2, mac="02:00:00:00:0b:0b",
                                          xid=77)])
    wait_for("the drops counted", lambda: sum(
        srv.ctl_json("stats")["dropped"].values()) == 2, 5)
    st = srv.ctl_json("stats")
    assert st["dropped"]["malformed"] == 1, st
    assert st["dropped"]["invalid"] == 1, st
    assert st["active_leases"] == 1, st
    text, m = scrape(link)
    assert m['banchi_dhcp_dropped_total{reason="malformed"}'] == 1
    assert m['banchi_dhcp_dropped_total{reason="invalid"}'] == 1
    for k in ("discovers", "offers", "requests", "acks", "naks",
              "declines", "releases", "informs", "received"):
        assert m["banchi_dhcp_%s_total" % k] == st[k], (k, text)
    assert m["banchi_dhcp_acks_total"] >= 1
    assert m["banchi_dhcp_leases_active"] == 1
    assert m['banchi_dhcp_dns_updates_total{result="ok"}'] == 0
    assert m['banchi_dhcp_rate_limited_total{limit="client"}'] == 0
    promtool = shutil.which("promtool")
    if promtool:
        p = run(promtool, "check", "metrics", input=text, check=False)
        assert p.returncode == 0, p.stdout + p.stderr
    c.release()
    wait_for("the release counted", lambda: scrape(link)[1][
        "banchi_dhcp_releases_total"] == 1, 5)
    wait_for("no lease active", lambda: scrape(link)[1][
        "banchi_dhcp_leases_active"] == 0, 5)
    assert ip in srv.leases(all_rows=True)
    c.stop()
    srv.stop()


CONF = """dhcp:
  interface: [%(ifname)s]
  subnet: 10.77.0.0/24
  range: 10.77.0.50-10.77.0.99
  router: [10.77.0.1]
  lease-db: %(db)s
  lease-time: 600
%(static)s
server:
  control: %(ctl)s
log:
  level: debug
"""


def write_conf(link, path, static):
    path.write_text(CONF % dict(ifname=link.veth_s, db=link.dir / "leases.db",
                                ctl=link.dir / "dhcp.ctl", static=static))


def test_reload(link):
    conf = link.dir / "dhcp.yaml"
    write_conf(link, conf, "")
    srv = Server.__new__(Server)
    srv.link, srv.db, srv.ctl_path = link, link.dir / "leases.db", \
        link.dir / "dhcp.ctl"
    srv.args = ["-c", conf]
    srv.proc = None
    srv.start()
    assert srv.ctl_json("status")["interfaces"][0]["static_leases"] == 0
    c = Udhcpc(link, "gamma")
    c.start()
    ip = Udhcpc.got(c.wait_event(c.BOUND)[1])["ip"]
    assert ip != "10.77.0.30"

    # a static lease for this client: its next lease is that address
    mac = link.client_mac()
    write_conf(link, conf, "  static: ['%s=10.77.0.30,gamma']" % mac)
    out = srv.ctl_json("reload")
    assert out["static_leases"] == 1 and out["active_leases"] == 1, out
    assert srv.ctl_json("status")["interfaces"][0]["static_leases"] == 1
    # the lease held survives the reload
    assert srv.ctl_json("leases")["leases"][0]["address"] == ip
    c.stop()
    srv.ctl_json("lease-release", ip)
    c = Udhcpc(link, "gamma")
    n = c.count()
    c.start()
    ev = c.wait_event(c.BOUND, after=n)
    assert Udhcpc.got(ev[1])["ip"] == "10.77.0.30", ev

    # a bad file: refused with its line, the old settings kept
    write_conf(link, conf, "  static: ['%s=10.77.0.30,gamma']\n  "
               "lease-time: [oops" % mac)
    r = srv.ctl("reload")
    assert r.returncode == 1, r
    assert re.search(r"%s:\d+" % re.escape(str(conf)), r.stderr), r.stderr
    assert "old settings are kept" in r.stderr
    write_conf(link, conf, "  static: ['zz:zz=10.77.0.31']")
    r = srv.ctl("reload")
    assert r.returncode == 1 and str(conf) in r.stderr, r
    assert "not a MAC address" in r.stderr, r.stderr
    assert srv.ctl_json("status")["interfaces"][0]["static_leases"] == 1
    # SIGHUP does the same
    write_conf(link, conf, "")
    n = srv.log().count("reload: done")
    srv.proc.send_signal(1)
    wait_for("the reload", lambda: srv.log().count("reload: done") > n, 5)
    assert srv.ctl_json("status")["interfaces"][0]["static_leases"] == 0
    c.stop()
    srv.stop()


@pytest.mark.parametrize("req", ['{"command":"leases","which":"everything"}',
                                 '{"command":"lease-release"}',
                                 '{"command":"reload","zone":"x"}',
                                 'not json'])
def test_bad_requests(link, req):
    srv = Server(link)
    code = ("import socket,sys;s=socket.socket(socket.AF_UNIX);"
            "s.connect(sys.argv[1]);s.sendall(sys.argv[2].encode()+b'\\n');"
            "print(s.makefile().readline())")
    out = run("/usr/bin/python3", "-c", code, str(srv.ctl_path), req).stdout
    reply = json.loads(out)
    assert reply["ok"] is False and reply["error"], reply
    assert srv.ctl_json("status")["daemon"] == "banchi-dhcp"
    srv.stop()
