"""The systemd units (systemd/*.service): `systemd-analyze verify` finds
nothing wrong (their man pages included, made from --help), `systemd-
analyze security` scores each one less exposed than the units Debian
ships for NSD, Knot, Unbound and BIND; and the daemons speak the
sd_notify protocol the units' Type=notify relies on: READY=1 with a
status once serving, RELOADING=1 then READY=1 around a reload (SIGHUP),
STOPPING=1 on SIGTERM, over a path socket and an abstract one."""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import servers
from test_ctl import tool, zone_text

pytestmark = pytest.mark.banchi_only

ROOT = Path(__file__).resolve().parents[2]
UNITS = ("banchi-auth", "banchi-resolver", "banchi-dhcp")
PEERS = ("nsd", "knot", "unbound", "named")


def exposure(unit):
    r = subprocess.run(["systemd-analyze", "security", "--offline=true",
                        str(unit)], capture_output=True, text=True,
                       timeout=60)
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout)
    assert m, r.stdout + r.stderr
    return float(m.group(1))


@pytest.fixture(scope="module")
def units():
    """The units with ExecStart at the built programs, and a MANPATH
    holding the built man pages."""
    d = Path(tempfile.mkdtemp(prefix="banchi-units-"))
    man = tool("banchi-auth").parent / "man"
    for page in man.iterdir():
        sect = d / "man" / ("man" + page.suffix[1:])
        sect.mkdir(parents=True, exist_ok=True)
        shutil.copy(page, sect / page.name)
    out = {}
    for u in UNITS:
        text = (ROOT / "systemd" / (u + ".service")).read_text()
        text = text.replace("/usr/sbin/" + u, str(tool(u)))
        text = text.replace("/usr/bin/banchi-check",
                            str(tool("banchi-check")))
        out[u] = d / (u + ".service")
        out[u].write_text(text)
    yield d, out
    shutil.rmtree(d, ignore_errors=True)


def test_verify(units):
    d, paths = units
    env = dict(os.environ, MANPATH=str(d / "man"))
    for u, p in paths.items():
        r = subprocess.run(["systemd-analyze", "verify", str(p)], env=env,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and not r.stdout.strip() and \
            not r.stderr.strip(), (u, r.stdout, r.stderr)


def test_security_beats_peers(units):
    _, paths = units
    ours = {u: exposure(p) for u, p in paths.items()}
    peers = {n: exposure(Path("/lib/systemd/system/%s.service" % n))
             for n in PEERS
             if Path("/lib/systemd/system/%s.service" % n).exists()}
    print("exposure:", ours, peers)
    assert peers, "no peer unit to compare with"
    for u, score in ours.items():
        assert score <= 2.0, (u, score)
        for n, theirs in peers.items():
            assert score < theirs, (u, score, n, theirs)


class Listener:
    """The socket systemd would give in $NOTIFY_SOCKET."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.s.bind("\0" + path[1:] if path.startswith("@") else path)
        self.s.settimeout(0.5)
        self.got = []

    def wait(self, key, limit=20.0):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            for i, msg in enumerate(self.got):
                if key in msg:
                    del self.got[:i + 1]
                    return msg
            try:
                self.got.append(self.s.recv(4096).decode())
            except socket.timeout:
                pass
        raise AssertionError("no %s in %r" % (key, self.got))


def run_notified(argv, where, notify_path):
    lst = Listener(notify_path)
    env = dict(os.environ, NOTIFY_SOCKET=notify_path)
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    try:
        ready = lst.wait("READY=1")
        assert "STATUS=" in ready
        servers.query(where, "www.notify.test", "A", rd=True, timeout=3)
        p.send_signal(signal.SIGHUP)
        reloading = lst.wait("RELOADING=1")
        assert re.search(r"MONOTONIC_USEC=\d+", reloading)
        assert "STATUS=" in lst.wait("READY=1")
        p.send_signal(signal.SIGTERM)
        lst.wait("STOPPING=1")
        assert p.wait(timeout=20) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        lst.s.close()
    return ready


def test_notify_protocol():
    d = Path(tempfile.mkdtemp(prefix="banchi-notify-"))
    try:
        zone = d / "z.zone"
        zone.write_text(zone_text("notify.test", 1))
        port = servers.free_port()
        ready = run_notified(
            [str(tool("banchi-auth")), "--listen", "127.0.0.1:%d" % port,
             "--zone", "notify.test=%s" % zone, "--control", "none",
             "--threads", "1", "--allow-root"],
            ("127.0.0.1", port), str(d / "notify.sock"))
        assert "serving 1 zones, 6 records" in ready
        rport = servers.free_port()
        run_notified(
            [str(tool("banchi-resolver")), "--listen",
             "127.0.0.1:%d" % rport, "--stub",
             "notify.test=127.0.0.1:%d" % servers.free_port(),
             "--allow-special", "test", "--control", "none",
             "--threads", "1", "--allow-root", "--no-dnssec"],
            ("127.0.0.1", rport), "@banchi-notify-%d" % os.getpid())
    finally:
        shutil.rmtree(d, ignore_errors=True)
