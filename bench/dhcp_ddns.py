"""DHCP with names in DNS, part of bench/dhcp.py: the same four-way
exchanges from banchi-dhcp-load, each client sending a host name of its
own (option 12), and each server registering the names its way:
banchi-dhcp by RFC 2136 UPDATE (TSIG, RFC 4703 DHCIDs) to banchi-auth;
Kea through kea-dhcp-ddns (D2) to the same banchi-auth, with the same key
and zones; dnsmasq in its own DNS. Everything of the serving side
(the DHCP server, D2, banchi-auth) on the server core. Measured:
exchanges/s while names are registered, then how many names reached DNS
and when the count stopped growing."""

import json
import re
import time

import dhcp

ZONE, REV = "bench.lan", "99.10.in-addr.arpa"
DNS = ("127.0.0.1", 5300)
D2_PORT = 53001
KEY_NAME = "ddns-key"
KEY_SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA=="
PREFIX = "h"
# rounds, seconds of load, longest wait for the names to settle
MODES = {"smoke": (1, 1, 3), "quick": (1, 5, 20), "full": (2, 10, 60)}
SOA = "@ SOA ns.%s. admin.%s. 1 3600 600 86400 300\n" % (ZONE, ZONE)


class Group:
    """Several servers stopped together, their CPU summed."""

    def __init__(self, *srvs):
        self.srvs = [s for s in srvs if s]
        self.proc = self.srvs[0].proc
        self.name = self.srvs[0].name
        self.log = self.srvs[0].log

    def cpu(self):
        return sum(s.cpu() for s in self.srvs)

    def stop(self):
        for s in self.srvs:
            s.stop()


def start_auth(d, net, build):
    zd = d / "zd"
    zd.mkdir()
    zd.chmod(0o777)
    (d / "fwd.zone").write_text("$TTL 300\n" + SOA + "@ NS ns\n"
                                "ns A %s\n" % dhcp.SERVER)
    (d / "rev.zone").write_text("$TTL 300\n" + SOA + "@ NS ns.%s.\n" % ZONE)
    acl = "key:%s" % KEY_NAME
    argv = [build / "banchi-auth", "--listen", "%s:%d" % DNS, "--threads",
            "1", "--control", "none", "--zone-dir", zd, "--allow-root",
            "--zone", "%s=%s" % (ZONE, d / "fwd.zone"),
            "--zone", "%s=%s" % (REV, d / "rev.zone"),
            "--key", "%s:%s" % (KEY_NAME, KEY_SECRET),
            "--allow-update", "%s=%s" % (ZONE, acl),
            "--allow-update", "%s=%s" % (REV, acl),
            "--allow-transfer", "%s=127.0.0.1" % ZONE,
            "--allow-transfer", "%s=127.0.0.1" % REV]
    srv = dhcp.Server("banchi-auth", argv, d, net)
    end = time.monotonic() + 15
    while time.monotonic() < end:   # serving before the DHCP server
        r = dhcp.sh("ip", "netns", "exec", net.ns_s, "dig", "+short",
                    "+time=1", "+tries=1", "-p", DNS[1], "@" + DNS[0],
                    "ns." + ZONE, "A", check=False)
        if r.stdout.split() == [dhcp.SERVER]:
            return srv
        if srv.proc.poll() is not None:
            break
        time.sleep(0.1)
    srv.stop()
    raise RuntimeError("banchi-auth did not serve: %s" %
                       srv.log.read_text(errors="replace")[-2000:])


def start_banchi(d, net, build):
    auth = start_auth(d, net, build)
    return Group(dhcp.start_banchi(d, net, build, [
        "--ddns", "%s:%d" % DNS, "--key", "%s:%s" % (KEY_NAME, KEY_SECRET),
        "--forward-zone", ZONE, "--reverse-zone", REV]), auth)


def _d2_domain(name):
    return {"name": name + ".", "key-name": KEY_NAME,
            "dns-servers": [{"ip-address": DNS[0], "port": DNS[1]}]}


def start_kea(d, net, build):
    """kea-dhcp4 sending name change requests to D2, which updates
    banchi-auth (RFC 4703 conflict resolution, Kea's default)."""
    auth = start_auth(d, net, build)
    d2 = {"DhcpDdns": {
        "ip-address": "127.0.0.1", "port": D2_PORT,
        "tsig-keys": [{"name": KEY_NAME, "algorithm": "HMAC-SHA256",
                       "secret": KEY_SECRET}],
        "forward-ddns": {"ddns-domains": [_d2_domain(ZONE)]},
        "reverse-ddns": {"ddns-domains": [_d2_domain(REV)]},
        "loggers": [{"name": "kea-dhcp-ddns", "severity": "WARN",
                     "output_options": [{"output": "stdout"}]}]}}
    (d / "d2.json").write_text(json.dumps(d2, indent=1))
    run_dir = d / "kea-run"
    run_dir.mkdir(exist_ok=True)
    srv_d2 = dhcp.Server("kea-dhcp-ddns", [
        "env", "KEA_PIDFILE_DIR=%s" % run_dir, "KEA_LOCKFILE_DIR=%s" %
        run_dir, "kea-dhcp-ddns", "-c", d / "d2.json"], d, net)
    kea = dhcp.start_kea(d, net, build, {
        "dhcp-ddns": {"enable-updates": True, "server-ip": "127.0.0.1",
                      "server-port": D2_PORT},
        "ddns-send-updates": True,
        "ddns-qualifying-suffix": ZONE + "."})
    return Group(kea, srv_d2, auth)


def start_dnsmasq(d, net, build):
    """dnsmasq's DNS on: the names of its leases answered by itself."""
    return dhcp.start_dnsmasq(d, net, build, [
        "--port=%d" % DNS[1], "--listen-address=%s" % dhcp.SERVER,
        "--domain=%s" % ZONE, "--local=/%s/" % ZONE])


SERVERS = [("banchi-dhcp", start_banchi), ("kea", start_kea),
           ("dnsmasq", start_dnsmasq)]


def count_auth(net):
    """A and PTR records of the clients' names in banchi-auth."""
    n = []
    for zone, rtype in ((ZONE, "A"), (REV, "PTR")):
        r = dhcp.sh("ip", "netns", "exec", net.ns_s, "dig", "+tcp",
                    "+noall", "+answer", "-p", DNS[1], "@" + DNS[0], zone,
                    "AXFR", check=False, timeout=60)
        n.append(sum(1 for line in r.stdout.splitlines()
                     if line.split()[3:4] == [rtype] and
                     re.search(r"(^|\s)%s\d+\." % PREFIX, line)))
    return n


def count_dnsmasq(net, d):
    """Names of the lease file (dnsmasq answers each from its leases),
    and how many of a sample of them it answers with their address."""
    leases = [ln.split() for ln in
              (d / "dnsmasq.leases").read_text().splitlines()]
    named = [w for w in leases if len(w) > 3 and w[3] != "*"]
    ok = 0
    for w in named[:: max(1, len(named) // 50)][:50]:
        r = dhcp.sh("ip", "netns", "exec", net.ns_s, "dig", "+short",
                    "+time=1", "+tries=1", "-p", DNS[1], "@" + dhcp.SERVER,
                    "%s.%s" % (w[3], ZONE), check=False)
        ok += r.stdout.split() == [w[2]]
    return len(named), ok, min(50, len(named))


def settle(net, d, name, limit):
    """Waits until the names stop growing (two polls a second apart
    alike) or limit s: (A, PTR, seconds after the load)."""
    t0, last = time.monotonic(), None
    while True:
        n = count_auth(net) if name != "dnsmasq" else count_dnsmasq(net, d)
        if n == last or time.monotonic() - t0 > limit:
            return n, time.monotonic() - t0
        last = n
        time.sleep(1)


def one(d, net, name, fn, build, seconds, limit, rnd):
    sd = d / ("%s-ddns-%d" % (name, rnd))
    sd.mkdir()
    sd.chmod(0o755)
    srv = fn(sd, net, build)
    try:
        dhcp.wait_ready(net, srv, build)
        c0, t0 = srv.cpu(), time.monotonic()
        r = dhcp.dhcpload(net, seconds, build, PREFIX)
        r.update(cpu=srv.cpu() - c0, wall=time.monotonic() - t0)
        r["names"], r["settle"] = settle(net, sd, name, limit)
        r["cpu_all"] = srv.cpu() - c0
        r["queue_full"] = sum(
            x.log.read_text(errors="replace").count("QUEUE_FULL")
            for x in getattr(srv, "srvs", [srv]))
        return r
    finally:
        srv.stop()


def run(d, net, build, mode, names):
    nrounds, seconds, limit = MODES[mode]
    res = {n: [] for n, _ in SERVERS if n in names}
    for rnd in range(nrounds):
        for name, fn in SERVERS:
            if name not in res:
                continue
            r = one(d, net, name, fn, build, seconds, limit, rnd)
            res[name].append(r)
            print("  %-12s names   round %d: %8.0f exchanges/s, %d "
                  "clients, names %s after %.1f s" % (
                      name, rnd + 1, r["rate"], r["clients"], r["names"],
                      r["settle"]), flush=True)
    return dict(params=(nrounds, seconds, limit), stats=res)


def _names(name, r):
    if name == "dnsmasq":
        named, ok, tried = r["names"]
        return "%d (lease file; %d of %d asked answered)" % (named, ok,
                                                              tried)
    return "%d A, %d PTR" % tuple(r["names"])


def _mid(rs):
    """The median round (the lower of the two middle ones)."""
    return sorted(rs, key=lambda r: r["rate"])[(len(rs) - 1) // 2]


def _row(name, rs, ref):
    mid = _mid(rs)
    rates = [r["rate"] for r in rs]
    a = mid["names"][0]
    return "| %s | %.0f | %.0f–%.0f | %s | %d | %s | %s | %.1f | %.0f |" % (
        name, mid["rate"], min(rates), max(rates),
        "%.2f" % (mid["rate"] / ref) if ref else "-", mid["clients"],
        _names(name, mid), "%.0f%%" % (100.0 * a / mid["clients"])
        if mid["clients"] else "-", mid["settle"],
        mid["cpu"] / mid["wall"] * 100)


def section(res):
    nrounds, seconds, limit = res["params"]
    stats = res["stats"]
    meds = {n: _mid(rs)["rate"] for n, rs in stats.items() if rs}
    ref = meds.get("banchi-dhcp")
    w = ["### With names in DNS", "",
         "- The same load from banchi-dhcp-load, each client sending the "
         "host name %sN (option 12), %d round(s) of %d s; the row of the "
         "median round. Names: banchi-dhcp by RFC 2136 UPDATE with TSIG "
         "and RFC 4703 DHCIDs to banchi-auth (`--threads 1`, every change "
         "in its journal on disk); Kea by kea-dhcp-ddns (D2) to the same "
         "banchi-auth, the same key and zones (Kea's default conflict "
         "resolution, DHCIDs too); dnsmasq in its own DNS (`--domain`). "
         "The serving side (DHCP server, D2, banchi-auth) all on core "
         "%s, its CPU summed." % (PREFIX, nrounds, seconds,
                                  dhcp.SERVER_CORE),
         "- After the load, the names are counted (AXFR of both zones; "
         "for dnsmasq, the names of its lease file and a sample asked of "
         "its DNS) every second until the count stops growing, at most "
         "%d s: \"settled\" is when, after the load's end." % limit,
         "- The median round's row (of an even number, the lower middle "
         "one), the ratio between those rows.", "",
         "| server | 4-way exchanges/s | min–max | ratio to banchi | "
         "clients acknowledged | names in DNS | A ÷ clients | settled s "
         "| serving CPU % |",
         "|---|---|---|---|---|---|---|---|---|"]
    w += [_row(n, rs, ref) for n, rs in stats.items() if rs]
    full = {n: sum(r["queue_full"] for r in rs) for n, rs in stats.items()}
    if full.get("kea"):
        w += ["", "Kea's names that never came: kea-dhcp-ddns logged "
              "DHCP_DDNS_QUEUE_MGR_QUEUE_FULL (\"application request queue "
              "has reached maximum number of entries 1024\", its default "
              "`max-queue-size`) %d times over the rounds: requests that "
              "come while its queue is full are dropped, their leases "
              "left without names." % full["kea"]]
    others = {n: v for n, v in meds.items() if n != "banchi-dhcp"}
    if ref and others:
        best = max(others, key=others.get)
        ratio = ref / others[best]
        w += ["", "Issue 14's target with DNS registration on, ≥ the "
              "faster of Kea and dnsmasq with theirs on: banchi-dhcp %.0f "
              "vs %s %.0f (%.2f×): %s." % (
                  ref, best, others[best], ratio,
                  "met" if ratio >= 1 else "**not met**")]
    return w
