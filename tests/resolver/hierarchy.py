"""The loopback DNS hierarchy the resolver tests iterate through: a root
zone, the TLDs test. and lab., second-level zones, each on its own
127.0.0.x:53 (banchi-auth; lab. by NSD), plus the fault servers of
faults.py and the targets of forward and stub zones. Built in a temp
directory; World.stop() ends every process and thread it started."""

import fcntl
import re
import shutil
import signal
import socket
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
import servers  # noqa: E402

import dns.rrset  # noqa: E402

import faults  # noqa: E402

ROOT_ADDR = "127.0.0.10"
LOCK = "/tmp/banchi-rtest.lock"
V6_ADDR = "[::1]"                   # v6.test., only an AAAA for its NS
# every address this module serves on, at port 53
ADDRS = ["127.0.0.%d" % i for i in range(10, 41)]

SOA = "@ 300 SOA ns1.nic.test. hostmaster.nic.test. 1 3600 600 86400 300\n"

ROOT = """$TTL 86400
@ SOA a.root.test. hostmaster.nic.test. 1 1800 900 604800 300
@ 518400 NS a.root.test.
a.root.test. 518400 A 127.0.0.10
test. 172800 NS ns1.nic.test.
ns1.nic.test. 172800 A 127.0.0.11
lab. 172800 NS ns1.nic.lab.
ns1.nic.lab. 172800 A 127.0.0.12
"""

TEST = """$TTL 3600
""" + SOA + """@ NS ns1.nic.test.
ns1.nic.test. A 127.0.0.11
a.root.test. A 127.0.0.10
example NS ns1.example
example NS ns2.example
ns1.example A 127.0.0.13
ns2.example A 127.0.0.14
other NS ns1.other
ns1.other A 127.0.0.15
glueless NS ns.hosting.lab.
lame NS ns1.lame
lame NS ns2.lame
ns1.lame A 127.0.0.20
ns2.lame A 127.0.0.21
noaa NS ns1.noaa
noaa NS ns2.noaa
ns1.noaa A 127.0.0.27
ns2.noaa A 127.0.0.28
slow NS ns1.slow
slow NS ns2.slow
ns1.slow A 127.0.0.22
ns2.slow A 127.0.0.23
tc NS ns1.tc
ns1.tc A 127.0.0.24
poison NS ns1.poison
ns1.poison A 127.0.0.25
spoof NS ns1.spoof
ns1.spoof A 127.0.0.26
plain NS ns1.plain
ns1.plain A 127.0.0.29
policy NS ns1.policy
ns1.policy A 127.0.0.31
lower NS ns1.lower
ns1.lower A 127.0.0.32
dead NS ns1.dead
ns1.dead A 127.0.0.33
forge NS ns1.forge
ns1.forge A 127.0.0.34
v6 NS ns1.v6
ns1.v6 AAAA ::1
""" + "".join("amp NS ns%d.other.test.\n" % i for i in range(1, 21))

BIG_TXT = " ".join('"%s"' % (chr(97 + i) * 200) for i in range(8))

EXAMPLE = """$TTL 3600
""" + SOA.replace("ns1.nic.test.", "ns1.example.test.") + """@ NS ns1
@ NS ns2
@ MX 10 mail
@ TXT "example apex"
ns1 A 127.0.0.13
ns2 A 127.0.0.14
www A 192.0.2.1
www AAAA 2001:db8::1
www MX 10 mail
www TXT "hello from www" "second string"
mail A 192.0.2.25
mail AAAA 2001:db8::25
multi A 192.0.2.101
multi A 192.0.2.102
multi A 192.0.2.103
alias CNAME www.other.test.
chain CNAME alias
tolab CNAME www.lab.
inzone CNAME www
dangling CNAME nothing.other.test.
old DNAME other.test.
short 2 A 192.0.2.50
pf 5 A 192.0.2.55
big TXT """ + BIG_TXT + """
_sip._tcp SRV 0 5 5060 www
a.b.ent A 192.0.2.90
ads A 192.0.2.66
loop1 CNAME loop2
loop2 CNAME loop1
x.ads A 192.0.2.67
"""

OTHER = """$TTL 3600
""" + SOA.replace("ns1.nic.test.", "ns1.other.test.") + """@ NS ns1
ns1 A 127.0.0.15
www A 192.0.2.15
www AAAA 2001:db8::15
victim A 192.0.2.16
victim2 A 192.0.2.17
mail A 192.0.2.18
txt TXT "other zone"
"""

GLUELESS = """$TTL 3600
""" + SOA.replace("ns1.nic.test.", "ns.hosting.lab.") + """@ NS ns.hosting.lab.
www A 192.0.2.40
www TXT "reached without glue"
"""

LAB = """$TTL 3600
@ SOA ns1.nic.lab. hostmaster.nic.lab. 1 3600 600 86400 300
@ NS ns1.nic.lab.
ns1.nic A 127.0.0.12
ns.hosting A 127.0.0.16
www A 192.0.2.30
www AAAA 2001:db8::30
mail A 192.0.2.31
@ MX 10 mail
txt TXT "served by nsd"
back CNAME www.example.test.
"""

V6 = """$TTL 3600
@ 300 SOA ns1 hostmaster 1 3600 600 86400 300
@ NS ns1
ns1 AAAA ::1
www A 192.0.2.60
www AAAA 2001:db8::60
"""

CORP = """$TTL 3600
@ SOA ns.corp. hostmaster.corp. 1 3600 600 86400 300
@ NS ns.corp.
ns A 127.0.0.35
www A 10.9.8.7
intranet TXT "forwarded"
"""

BRANCH = """$TTL 3600
@ SOA ns.branch. hostmaster.branch. 1 3600 600 86400 300
@ NS ns.branch.
ns A 127.0.0.36
www A 10.9.8.6
"""


def fault_zone(label, ns):
    """Text of label.test served by fault servers named ns1..nsN."""
    text = "$TTL 3600\n@ 300 SOA ns1 hostmaster 1 3600 600 86400 300\n"
    for i, addr in enumerate(ns, 1):
        text += "@ NS ns%d\nns%d A %s\n" % (i, i, addr)
    for i in range(1, 9):
        text += "www%d A 192.0.2.%d\n" % (i, 200 + i)
    text += "www A 192.0.2.77\n"
    text += "www TXT \"%s\"\n" % label
    return text


def poison_sets():
    """What the poisoner adds: an A for a name of another zone (answer
    and additional), a bogus delegation of other.test to itself."""
    def rr(name, t, data):
        return dns.rrset.from_text(name, 3600, "IN", t, data)
    return [("answer", rr("victim2.other.test.", "A", "6.6.6.6")),
            ("authority", rr("other.test.", "NS", "ns1.poison.test.")),
            ("additional", rr("victim.other.test.", "A", "6.6.6.6")),
            ("additional", rr("ns1.other.test.", "A", "127.0.0.25"))]


def check_free(addrs=ADDRS + ["::1"]):
    """The addresses (port 53) where something already listens (TCP
    connections of a previous run left in TIME_WAIT do not count: the
    servers bind with SO_REUSEADDR)."""
    busy = []
    for a in addrs:
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET6 if ":" in a else
                              socket.AF_INET, kind)
            if kind == socket.SOCK_STREAM:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((a, 53))
            except OSError:
                busy.append("%s:53/%s" % (a, "udp" if kind ==
                                          socket.SOCK_DGRAM else "tcp"))
            finally:
                s.close()
    return busy


def write(d, name, text):
    p = Path(d) / name
    p.write_text(text)
    p.chmod(0o644)
    return p


def root_hints(d):
    return write(d, "root.hints", ". 3600000 NS a.root.test.\n"
                 "a.root.test. 3600000 A %s\n" % ROOT_ADDR)


def start_auth(d, name, zones, addrs):
    """banchi-auth (via servers.start_banchi) also listening on each of
    addrs at port 53; zones: list of (origin, text)."""
    sub = Path(d) / name
    sub.mkdir()
    sub.chmod(0o755)
    zl = [(o, write(sub, (o.rstrip(".") or "root") + ".zone", t))
          for o, t in zones]
    extra = []
    for a in addrs:
        extra += ["--listen", "%s:53" % a]
    return servers.start_banchi(sub, zl, extra=extra, threads=1)


def start_nsd(d, name, zones, addr):
    """NSD on addr:53 (servers.start_nsd listens on 127.0.0.1 only)."""
    sub = Path(d) / name
    sub.mkdir()
    sub.chmod(0o755)
    conf = ["server:", "  ip-address: %s@53" % addr,
            "  server-count: 1", '  username: ""', '  database: ""',
            '  zonesdir: "%s"' % sub, '  pidfile: "%s/nsd.pid"' % sub,
            '  xfrdfile: "%s/xfrd.state"' % sub,
            '  zonelistfile: "%s/zone.list"' % sub,
            "  rrl-ratelimit: 0", "  verbosity: 1",
            "remote-control:", "  control-enable: no"]
    for origin, text in zones:
        p = write(sub, origin.rstrip(".") + ".zone", text)
        conf += ["zone:", "  name: %s" % origin, "  zonefile: %s" % p]
    (sub / "nsd.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("nsd", ["nsd", "-d", "-c", str(sub / "nsd.conf")],
                          (addr, 53), sub, zones[0][0])


AUTH_STATS = re.compile(r"stats: (\d+) UDP queries, (\d+) TCP queries")


def auth_count(s, limit=3.0):
    """UDP + TCP queries banchi-auth s has received (its SIGUSR1 line)."""
    before = len(AUTH_STATS.findall(s.log_text()))
    s.signal(signal.SIGUSR1)
    end = time.monotonic() + limit
    while time.monotonic() < end:
        found = AUTH_STATS.findall(s.log_text())
        if len(found) > before:
            return int(found[-1][0]) + int(found[-1][1])
        time.sleep(0.01)
    raise AssertionError("no stats from %s" % s.argv)


class World:
    """The running hierarchy. auth: name -> servers.Server; fault:
    name -> faults.FaultServer; hints: the root hints file."""

    def __init__(self):
        self.dir = servers.world_dir("banchi-rtest-")
        self.auth = {}
        self.fault = {}
        self.hints = root_hints(self.dir)
        self.lock = None

    def start(self, wait=240.0):
        """Two test runs at once would fight over the addresses: the
        second waits (bounded) for the first to end, by a lock file."""
        self.lock = open(LOCK, "a")
        end = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > end:
                    raise RuntimeError("%s held for %ds" % (LOCK, wait))
                time.sleep(0.5)
        busy = check_free()
        if busy:
            raise RuntimeError("addresses in use: " + " ".join(busy))
        A = self.auth
        A["root"] = start_auth(self.dir, "root", [(".", ROOT)], [ROOT_ADDR])
        A["test"] = start_auth(self.dir, "test", [("test.", TEST)],
                               ["127.0.0.11"])
        A["lab"] = start_nsd(self.dir, "lab", [("lab.", LAB)], "127.0.0.12")
        A["example"] = start_auth(self.dir, "example",
                                  [("example.test.", EXAMPLE)],
                                  ["127.0.0.13", "127.0.0.14"])
        A["other"] = start_auth(self.dir, "other", [("other.test.", OTHER)],
                                ["127.0.0.15"])
        A["glueless"] = start_auth(self.dir, "glueless",
                                   [("glueless.test.", GLUELESS)],
                                   ["127.0.0.16"])
        A["v6"] = start_auth(self.dir, "v6", [("v6.test.", V6)],
                             [V6_ADDR])
        A["local"] = start_auth(self.dir, "corp",
                                [("corp.", CORP), ("branch.", BRANCH)],
                                ["127.0.0.35", "127.0.0.36"])
        self._faults()
        return self

    def _faults(self):
        F = self.fault
        F["lame"] = self._fault("127.0.0.20", "lame", ["127.0.0.20",
                                "127.0.0.21"], "lame")
        F["lame-good"] = self._fault("127.0.0.21", "lame", ["127.0.0.20",
                                     "127.0.0.21"], "good", gate=F["lame"])
        F["noaa"] = self._fault("127.0.0.27", "noaa", ["127.0.0.27",
                                "127.0.0.28"], "noaa")
        F["noaa-good"] = self._fault("127.0.0.28", "noaa", ["127.0.0.27",
                                     "127.0.0.28"], "good", gate=F["noaa"])
        F["silent"] = self._fault("127.0.0.22", "slow", ["127.0.0.22",
                                  "127.0.0.23"], "silent")
        F["slow-good"] = self._fault("127.0.0.23", "slow", ["127.0.0.22",
                                     "127.0.0.23"], "good",
                                     gate=F["silent"])
        F["tc"] = self._fault("127.0.0.24", "tc", ["127.0.0.24"],
                              "truncating")
        F["poison"] = self._fault("127.0.0.25", "poison", ["127.0.0.25"],
                                  "poisoner", poison=poison_sets())
        F["spoof"] = self._fault("127.0.0.26", "spoof", ["127.0.0.26"],
                                 "spoofer")
        F["plain"] = self._fault("127.0.0.29", "plain", ["127.0.0.29"],
                                 "good")
        F["policy"] = self._fault("127.0.0.31", "policy", ["127.0.0.31"],
                                  "policy")
        F["lower"] = self._fault("127.0.0.32", "lower", ["127.0.0.32"],
                                 "lower")
        F["dead"] = self._fault("127.0.0.33", "dead", ["127.0.0.33"],
                                "silent")
        F["forge"] = self._fault("127.0.0.34", "forge", ["127.0.0.34"],
                                 "forger")

    def _fault(self, addr, label, ns, mode, **kw):
        s = faults.FaultServer(addr, label + ".test.", fault_zone(label, ns),
                               mode, **kw)
        return s.start()

    def reset_counters(self):
        for f in self.fault.values():
            with f.lock:
                f.udp = f.tcp = f.bogus_sent = f.gated = 0
                f.names.clear()
                f.asked.clear()

    def queries(self):
        """Queries received so far by every banchi-auth (SIGUSR1
        counters) and fault server of the hierarchy (NSD not counted)."""
        n = sum(auth_count(s) for s in self.auth.values()
                if s.name == "banchi-auth")
        return n + sum(f.total() for f in self.fault.values())

    def logs(self):
        return "\n".join("== %s\n%s" % (k, s.log_text()[-2000:])
                         for k, s in self.auth.items())

    def fault_errors(self):
        return {k: f.errors for k, f in self.fault.items() if f.errors}

    def stop(self):
        for s in self.auth.values():
            s.stop(timeout=5)
        for f in self.fault.values():
            f.stop()
        self.auth.clear()
        self.fault.clear()
        if self.lock is not None:
            self.lock.close()           # releases the flock
            self.lock = None

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)
