"""Many active leases (issue 14: 100,000): each DHCP server of
bench/dhcp.py started with a lease file holding N bound leases of the
/16 (in its own format: banchi-dhcp's SQLite table, Kea's memfile CSV,
dnsmasq's lease file), timed from exec to its first OFFER (a perfdhcp
DISCOVER every few ms), and its memory (RSS of its processes) once it
answers."""

import contextlib
import re
import sqlite3
import subprocess
import time

import dhcp

PROBE_LIMIT = 300.0             # seconds a server may take to start
# A /14 (the /16 of the rounds holds 65,280): the relay address and the
# server's stay inside it
BIG = dict(NET="10.96.0.0/14", FIRST="10.96.0.10", LAST="10.98.255.254",
           MASK="255.252.0.0", LEASE_MAX=300000)


@contextlib.contextmanager
def big_subnet():
    was = {k: getattr(dhcp, k) for k in BIG}
    for k, v in BIG.items():
        setattr(dhcp, k, v)
    try:
        yield
    finally:
        for k, v in was.items():
            setattr(dhcp, k, v)


def _leases(n, now):
    """(address text, address int, MAC text) of n leases from FIRST on."""
    first = 10 << 24 | 96 << 16 | 1 << 8
    for i in range(n):
        a = first + i
        text = "%d.%d.%d.%d" % (a >> 24, a >> 16 & 255, a >> 8 & 255,
                                a & 255)
        mac = "02:%02x:%02x:%02x:%02x:%02x" % (
            i >> 32 & 255, i >> 24 & 255, i >> 16 & 255, i >> 8 & 255,
            i & 255)
        yield text, a, mac


def _banchi(d, n, now):
    db = sqlite3.connect(str(d / "leases.db"))
    db.executescript(
        "PRAGMA journal_mode=WAL; CREATE TABLE lease (addr INTEGER PRIMARY"
        " KEY, state TEXT NOT NULL, expires INTEGER NOT NULL, hwaddr TEXT"
        " NOT NULL, client_id BLOB NOT NULL, hostname TEXT NOT NULL, "
        "is_static INTEGER NOT NULL, updated INTEGER NOT NULL, cid_opt "
        "INTEGER NOT NULL DEFAULT 0, dns TEXT NOT NULL DEFAULT ''); "
        "PRAGMA user_version=2;")
    db.executemany(
        "INSERT INTO lease VALUES (?, 'bound', ?, ?, ?, '', 0, ?, 0, '')",
        ((a, now + 3600, mac, bytes([1]) + bytes.fromhex(
            mac.replace(":", "")), now) for _, a, mac in _leases(n, now)))
    db.commit()
    db.close()


def _kea(d, n, now):
    with open(d / "kea-leases4.csv", "w") as f:
        f.write("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,"
                "fqdn_fwd,fqdn_rev,hostname,state,user_context\n")
        for text, _, mac in _leases(n, now):
            f.write("%s,%s,01:%s,3600,%d,1,0,0,,0,\n" % (text, mac, mac,
                                                        now + 3600))


def _dnsmasq(d, n, now):
    with open(d / "dnsmasq.leases", "w") as f:
        for text, _, mac in _leases(n, now):
            f.write("%d %s %s * 01:%s\n" % (now + 3600, mac, text, mac))


FILL = {"banchi-dhcp": _banchi, "kea": _kea, "dnsmasq": _dnsmasq}


def _offered(net):
    r = subprocess.run(
        ["ip", "netns", "exec", net.ns_c, "perfdhcp", "-4", "-l",
         dhcp.CLIENT, "-R", "1", "-r", "1", "-n", "1", "-W", "50000",
         "-b", "mac=02:ff:ff:ff:ff:01", dhcp.SERVER],
        capture_output=True, text=True, timeout=30)
    got = [int(x) for x in re.findall(r"received packets: (\d+)",
                                      r.stdout)]
    return bool(got) and got[0] >= 1


def _rss_mib(srv):
    kb = 0
    for pid in dhcp._tree(srv.proc.pid):
        try:
            for line in open("/proc/%d/status" % pid):
                if line.startswith("VmRSS:"):
                    kb += int(line.split()[1])
        except OSError:
            continue
    return kb / 1024


def one(d, net, name, fn, build, n):
    """(seconds from exec to the first OFFER, RSS MiB then); seconds
    None when there was none within PROBE_LIMIT (RSS at the limit)."""
    sd = d / ("%s-leases" % name)
    sd.mkdir()
    sd.chmod(0o755)
    FILL[name](sd, n, int(time.time()))
    t0 = time.monotonic()
    srv = fn(sd, net, build)
    try:
        while not _offered(net):
            if srv.proc.poll() is not None:
                raise RuntimeError("%s did not start with %d leases: %s"
                                   % (name, n, srv.log.read_text(
                                       errors="replace")[-2000:]))
            if time.monotonic() - t0 > PROBE_LIMIT:
                return None, _rss_mib(srv)
        start = time.monotonic() - t0
        time.sleep(0.5)
        return start, _rss_mib(srv)
    finally:
        srv.stop()


def run(d, net, build, n, only=None):
    out = {}
    for name, fn in dhcp.SERVERS:
        if only and name not in only:
            continue
        with big_subnet():
            out[name] = one(d, net, name, fn, build, n)
            print("  %-12s %d leases: first OFFER after %s s, RSS %.1f "
                  "MiB" % (name, n, _secs(out[name][0]), out[name][1]),
                  flush=True)
    return out


def _secs(s):
    return "> %.0f" % PROBE_LIMIT if s is None else "%.2f" % s


def section(res, n):
    w = ["### %s active leases" % "{:,}".format(n), "",
         "Each server serving %s, started with %s bound leases in its own "
         "lease file "
         "(banchi-dhcp's SQLite table, Kea's memfile CSV, dnsmasq's lease "
         "file), timed from exec to its first OFFER (a perfdhcp DISCOVER "
         "from a new client every few ms), RSS of its processes 0.5 s "
         "after." % (BIG["NET"], "{:,}".format(n)), "",
         "| server | start to first OFFER s | RSS MiB |", "|---|---|---|"]
    w += ["| %s | %s | %.1f |" % (name, _secs(s), m)
          for name, (s, m) in res.items()]
    ref = res.get("banchi-dhcp")
    others = {k: v for k, v in res.items() if k != "banchi-dhcp"}
    starts = [v[0] for v in others.values() if v[0] is not None]
    if ref and ref[0] is not None and starts:
        lean = min(v[1] for v in others.values())
        w += ["", "banchi-dhcp against the better of Kea and dnsmasq: start "
              "%.2f× the faster's, memory %.2f× the leaner's. Its lease "
              "table is sized by the range (%s here), not by the leases: "
              "about 150 octets per address of the range." % (
                  ref[0] / min(starts), ref[1] / lean if lean else 0,
                  BIG["FIRST"] + "-" + BIG["LAST"])]
    return w
