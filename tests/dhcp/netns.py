"""Network namespaces for the DHCP tests: a server namespace and a
client namespace joined by a veth pair, with names unique to this run
(pid and a counter), deleted at the end even when the test fails. Never
touches the machine's own interfaces. Every wait is bounded."""

import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BANCHI_DHCP = Path(os.environ.get("BANCHI_DHCP", ROOT / "build/banchi-dhcp"))
# banchi-ctl next to the banchi-dhcp tested
BANCHI_CTL = Path(os.environ.get("BANCHI_CTL",
                                 BANCHI_DHCP.parent / "banchi-ctl"))
_seq = itertools.count()
# Clients and scripts get a clean environment: what they write is theirs.
CLEAN_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
SERVER_ADDR = "10.77.0.1"
SENDER = Path(__file__).resolve().parent / "sender.py"


def run(*args, check=True, timeout=10, **kw):
    return subprocess.run(list(args), check=check, timeout=timeout,
                          capture_output=True, text=True, **kw)


def wait_for(what, fn, timeout=10.0, step=0.1):
    """fn() until it is truthy, at most timeout seconds."""
    end = time.monotonic() + timeout
    while True:
        got = fn()
        if got:
            return got
        if time.monotonic() > end:
            raise AssertionError("timed out after %.0fs waiting for %s"
                                 % (timeout, what))
        time.sleep(step)


class Link:
    """ns_s (server, SERVER_ADDR/24 on veth_s) <-> ns_c (client, veth_c
    up without an address)."""

    def __init__(self):
        tag = "%d%d" % (os.getpid() % 100000, next(_seq))
        self.ns_s = "bdhcp-s%s" % tag
        self.ns_c = "bdhcp-c%s" % tag
        self.ns_r = None
        self.veth_s = "bd%ss" % tag
        self.veth_c = "bd%sc" % tag
        self.veth_ra = "bd%sa" % tag
        self.veth_rb = "bd%sb" % tag
        self.tag = tag
        self.dir = Path(tempfile.mkdtemp(prefix="banchi-dhcp-"))
        os.chmod(self.dir, 0o755)
        self.procs = []
        try:
            self._make()
        except Exception:
            self.close()
            raise

    def _make(self):
        run("ip", "netns", "add", self.ns_s)
        run("ip", "netns", "add", self.ns_c)
        run("ip", "link", "add", self.veth_s, "netns", self.ns_s, "type",
            "veth", "peer", "name", self.veth_c, "netns", self.ns_c)
        for ns in (self.ns_s, self.ns_c):
            run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "-n", self.ns_s, "addr", "add", SERVER_ADDR + "/24",
            "dev", self.veth_s)
        run("ip", "-n", self.ns_s, "link", "set", self.veth_s, "up")
        run("ip", "-n", self.ns_c, "link", "set", self.veth_c, "up")

    def set_client_mac(self, mac):
        run("ip", "-n", self.ns_c, "link", "set", self.veth_c, "down")
        run("ip", "-n", self.ns_c, "link", "set", self.veth_c, "address",
            mac)
        run("ip", "-n", self.ns_c, "link", "set", self.veth_c, "up")

    def client_mac(self):
        out = run("ip", "-n", self.ns_c, "-o", "link", "show",
                  self.veth_c).stdout
        return out.split("link/ether ")[1].split()[0]

    def client_addrs(self):
        out = run("ip", "-n", self.ns_c, "-o", "-4", "addr", "show", "dev",
                  self.veth_c).stdout
        return [w.split()[3].split("/")[0] for w in out.splitlines()]

    def spawn(self, ns, cmd, log):
        f = open(self.dir / log, "ab")
        p = subprocess.Popen(["ip", "netns", "exec", ns] + [str(c) for c in
                                                            cmd],
                             stdout=f, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=CLEAN_ENV,
                             start_new_session=True)
        f.close()
        self.procs.append(p)
        return p

    def in_client(self, *cmd, timeout=15, check=True):
        return run("ip", "netns", "exec", self.ns_c, *[str(c) for c in cmd],
                   timeout=timeout, check=check, env=CLEAN_ENV)

    def stop(self, p, sig=signal.SIGTERM, timeout=5):
        if p.poll() is None:
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(5)
        return p.returncode

    def close(self):
        for p in self.procs:
            try:
                self.stop(p)
            except Exception:
                pass
        # deleting a namespace deletes the veth end in it (and its peer)
        for ns in (self.ns_c, self.ns_r, self.ns_s):
            if ns:
                run("ip", "netns", "del", ns, check=False)
        # BANCHI_DHCP_KEEP=1 keeps the logs and lease files to look at
        if not os.environ.get("BANCHI_DHCP_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)


class TwoLink(Link):
    """Link, and a second pair: veth_s2 (SERVER2/24) in ns_s <-> veth_c2
    in ns_c, the server's second interface and subnet."""

    SERVER2 = "10.78.0.1"

    def _make(self):
        super()._make()
        self.veth_s2 = "bd%st" % self.tag
        self.veth_c2 = "bd%sd" % self.tag
        run("ip", "link", "add", self.veth_s2, "netns", self.ns_s, "type",
            "veth", "peer", "name", self.veth_c2, "netns", self.ns_c)
        run("ip", "-n", self.ns_s, "addr", "add", self.SERVER2 + "/24",
            "dev", self.veth_s2)
        run("ip", "-n", self.ns_s, "link", "set", self.veth_s2, "up")
        run("ip", "-n", self.ns_c, "link", "set", self.veth_c2, "up")

    def client2_mac(self):
        out = run("ip", "-n", self.ns_c, "-o", "link", "show",
                  self.veth_c2).stdout
        return out.split("link/ether ")[1].split()[0]


class RelayLink(Link):
    """ns_s (10.88.0.1 on veth_s) <-> ns_r (10.88.0.2 on veth_ra; a
    router and relay agent, 10.77.0.254 on veth_rb) <-> ns_c (veth_c).
    The server's subnet is the client link's, 10.77.0.0/24."""

    SERVER = "10.88.0.1"
    RELAY_UP = "10.88.0.2"
    RELAY_DOWN = "10.77.0.254"

    def _make(self):
        self.ns_r = "bdhcp-r%s" % self.tag
        for ns in (self.ns_s, self.ns_r, self.ns_c):
            run("ip", "netns", "add", ns)
            run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "link", "add", self.veth_s, "netns", self.ns_s, "type",
            "veth", "peer", "name", self.veth_ra, "netns", self.ns_r)
        run("ip", "link", "add", self.veth_rb, "netns", self.ns_r, "type",
            "veth", "peer", "name", self.veth_c, "netns", self.ns_c)
        for ns, dev, addr in ((self.ns_s, self.veth_s, self.SERVER),
                              (self.ns_r, self.veth_ra, self.RELAY_UP),
                              (self.ns_r, self.veth_rb, self.RELAY_DOWN)):
            run("ip", "-n", ns, "addr", "add", addr + "/24", "dev", dev)
            run("ip", "-n", ns, "link", "set", dev, "up")
        run("ip", "-n", self.ns_c, "link", "set", self.veth_c, "up")
        run("ip", "-n", self.ns_s, "route", "add", "10.77.0.0/24", "via",
            self.RELAY_UP)
        run("ip", "netns", "exec", self.ns_r, "sysctl", "-qw",
            "net.ipv4.ip_forward=1")


class Server:
    """banchi-dhcp in the server namespace."""

    def __init__(self, link, *extra, lease_time=600, router=SERVER_ADDR):
        self.link = link
        self.db = link.dir / "leases.db"
        # a socket of its own: the default /run/banchi/dhcp.ctl is
        # the machine's (the file system is not in the namespace)
        self.ctl_path = link.dir / "dhcp.ctl"
        if "--control" not in extra:
            extra = ("--control", self.ctl_path) + tuple(extra)
        self.args = ["--interface", link.veth_s, "--subnet", "10.77.0.0/24",
                     "--range", "10.77.0.50-10.77.0.99",
                     "--router", router, "--dns", "10.77.0.53",
                     "--dns", "10.77.0.54", "--domain", "lan.test",
                     "--lease-time", str(lease_time),
                     "--lease-db", self.db, "--log-level", "debug"] + \
            list(extra)
        self.proc = None
        self.start()

    def log(self):
        p = self.link.dir / "server.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def start(self):
        before = self.log().count("dropped privileges")
        self.proc = self.link.spawn(self.link.ns_s,
                                    [BANCHI_DHCP] + self.args, "server.log")
        wait_for("banchi-dhcp to start", lambda: self.proc.poll() is not None
                 or self.log().count("dropped privileges") > before, 10)
        assert self.proc.poll() is None, self.log()

    def stop(self):
        rc = self.link.stop(self.proc)
        assert rc == 0, self.log()
        check_log(self.log())

    def ctl(self, *args, check=False):
        """banchi-ctl -s (this server's socket) -j ARGS: the completed
        process (returncode, stdout, stderr)."""
        return run(str(BANCHI_CTL), "-s", str(self.ctl_path), "-j",
                   *[str(a) for a in args], check=check)

    def ctl_json(self, *args):
        r = self.ctl(*args)
        assert r.returncode == 0, (r.returncode, r.stderr)
        return json.loads(r.stdout)

    def leases(self, all_rows=False):
        """{address: {state, expires, hwaddr, hostname, client_id}}"""
        args = [BANCHI_DHCP, "leases", "--lease-db", self.db]
        out = run(*[str(a) for a in args + (["--all"] if all_rows
                                                   else [])]).stdout
        rows = {}
        for line in out.splitlines()[1:]:
            w = line.split()
            dns = [x[4:] for x in w[6:] if x.startswith("dns:")]
            rows[w[0]] = dict(state=w[1], expires=w[2], hwaddr=w[3],
                              hostname=w[4], client_id=w[5],
                              static="static" in w[6:],
                              dns=dns[0] if dns else "")
        return rows


def send(link, packets, expect=0, wait=3.0):
    """Requests from the client namespace (sender.py, our own client);
    the replies received."""
    spec = dict(to=SERVER_ADDR, send=packets, expect=expect, wait=wait)
    out = link.in_client("/usr/bin/python3", SENDER, json.dumps(spec),
                         timeout=wait + 30).stdout
    return json.loads(out)


def stats(srv):
    """The counters banchi-dhcp logs on SIGUSR1, as a dict."""
    n = srv.log().count("stats:")
    srv.proc.send_signal(signal.SIGUSR1)
    wait_for("stats", lambda: srv.log().count("stats:") > n, 5)
    line = [ln for ln in srv.log().splitlines() if "stats:" in ln][-1]
    return {k: int(v) for k, v in (w.split("=") for w in
                                   line.split("stats: ")[1].split())}


def check_log(text):
    for mark in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                 "runtime error:", "sandbox: system call"):
        assert mark not in text, text[-4000:]
