"""banchi-ctl against a running banchi-auth and banchi-resolver, every
command and each failure exit status (1 refused or failed, 2 usage, 3
unreachable); the raw protocol over the socket (malformed, oversized,
pipelined, no final newline, a silent client); zone-flush's file loaded
by named-checkzone and equal to the AXFR of the zone served, neither a
reload nor a restart taking it for an edit; a reload under dnsperf load
without a lost query; control replies under full load within 100 ms;
banchi-check conf on the control key. banchi-auth drops to nobody here
(run as root), as in production."""

import json
import os
import shutil
import signal
import socket
import subprocess
import time

import dns.query
import dns.rcode
import dns.rdatatype
import dns.update
import dns.zone
import pytest

import servers
from conftest import check_log

pytestmark = pytest.mark.banchi_only

DYN = "dyn.test"
PLAIN = "plain.test"
SEC = "sec.test"


def zone_text(origin, serial, extra=()):
    lines = ["$ORIGIN %s." % origin, "$TTL 300",
             "@ SOA ns1 hostmaster %d 3600 600 86400 300" % serial,
             "@ NS ns1", "ns1 A 192.0.2.1", "www A 192.0.2.80",
             "mail MX 10 www", 'txt TXT "hello world"']
    return "\n".join(lines + list(extra)) + "\n"


def tool(name):
    """A program next to banchi-auth (build/ or build-asan/)."""
    return servers.banchi_binary().parent / name


def ctl(sock, *args, timeout=60):
    p = subprocess.run([str(tool("banchi-ctl")), "-s", str(sock)] +
                       [str(a) for a in args], capture_output=True,
                       text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def ctl_json(sock, *args):
    code, out, err = ctl(sock, "-j", *args)
    return code, (json.loads(out) if out.strip() else None), err


def raw(sock, data, timeout=5.0, lines=1):
    """Sends data on a new connection; the reply lines (at most lines),
    and whether the daemon closed the connection after them."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(str(sock))
    try:
        s.sendall(data)
        buf = b""
        closed = False
        # closed with our excess unread: a reset after the reply
        while buf.count(b"\n") < lines:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                closed = True
                break
            buf += chunk
        if not closed:
            s.settimeout(0.3)
            try:
                closed = s.recv(1) == b""
            except socket.timeout:
                closed = False
            except ConnectionResetError:
                closed = True
        return [json.loads(l) for l in buf.decode().splitlines()], closed
    finally:
        s.close()


def axfr(where, zone):
    out = set()
    for m in dns.query.xfr(where[0], zone, port=where[1], lifetime=10,
                           relativize=False):
        for rrset in m.answer:
            for rd in rrset:
                out.add((rrset.name.to_text().lower(), rrset.ttl,
                         dns.rdatatype.to_text(rrset.rdtype),
                         rd.to_text().lower()))
    return out


def file_records(path, zone):
    z = dns.zone.from_file(str(path), origin=zone, relativize=False)
    out = set()
    for name, ttl, rd in z.iterate_rdatas():
        out.add((name.to_text().lower(), ttl,
                 dns.rdatatype.to_text(rd.rdtype), rd.to_text().lower()))
    return out


def serial_of(where, zone):
    r = servers.query(where, zone, "SOA")
    return r.answer[0][0].serial


def update(where, *adds):
    u = dns.update.UpdateMessage(DYN)
    for name, rtype, data in adds:
        u.add(name, 300, rtype, data)
    r = dns.query.udp(u, where[0], port=where[1], timeout=5)
    assert r.rcode() == dns.rcode.NOERROR


def wait_until(what, fn, limit=10.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("not within %.0f s: %s" % (limit, what))


class Lab:
    """A primary of sec.test, and the banchi-auth under test: dyn.test
    (takes updates), plain.test (a file), sec.test (a secondary)."""

    def __init__(self, d):
        self.d = d
        self.rw = d / "rw"              # writable by the server's user
        self.rw.mkdir()
        self.rw.chmod(0o777)
        self.sock = d / "run" / "auth.ctl"
        self.dyn = self.rw / "dyn.test.zone"
        self.dyn.write_text(zone_text(DYN, 10))
        self.plain = self.rw / "plain.test.zone"
        self.plain.write_text(zone_text(PLAIN, 20))
        self.prim_dir = d / "primary"
        self.prim_dir.mkdir()
        self.prim_dir.chmod(0o755)
        self.sec_file = self.prim_dir / "sec.test.zone"
        self.sec_file.write_text(zone_text(SEC, 30))
        self.sec_file.chmod(0o644)
        self.primary = servers.start_banchi(
            self.prim_dir, [(SEC, self.sec_file)],
            extra=["--allow-transfer", "%s=127.0.0.1" % SEC,
                   "--control", "none", "--zone-dir",
                   str(self.prim_dir / "zd")])
        self.auth = None
        self.start()

    def start(self):
        self.auth = servers.start_banchi(
            self.d, [(DYN, self.dyn), (PLAIN, self.plain)],
            port=self.auth.where[1] if self.auth else None,
            extra=["--control", str(self.sock),
                   "--zone-dir", str(self.d / "zd"),
                   "--allow-update", "%s=127.0.0.1" % DYN,
                   "--allow-transfer", "%s=127.0.0.1" % DYN,
                   "--allow-transfer", "%s=127.0.0.1" % PLAIN,
                   "--secondary", "%s=127.0.0.1:%d" % (
                       SEC, self.primary.where[1])])
        wait_until("sec.test transferred", lambda: self.sec_serial())
        return self.auth

    def sec_serial(self):
        try:
            r = servers.query(self.auth.where, SEC, "SOA", tries=1,
                              timeout=0.5)
            return r.answer[0][0].serial if r.answer else None
        except Exception:
            return None

    def close(self):
        for s in (self.auth, self.primary):
            if s:
                s.stop(timeout=5)
                check_log(s)


@pytest.fixture(scope="module")
def lab():
    d = servers.world_dir("banchi-ctl-")
    (d / "run").mkdir()
    lab = Lab(d)
    try:
        yield lab
    finally:
        lab.close()
        shutil.rmtree(d, ignore_errors=True)


def test_socket_mode(lab):
    st = os.stat(lab.sock)
    assert (st.st_mode & 0o777) == 0o660
    assert "control: listening on %s" % lab.sock in lab.auth.log_text()


def test_status_and_stats(lab):
    code, out, err = ctl(lab.sock, "status")
    assert code == 0, err
    assert "daemon: banchi-auth" in out and "zones: 3" in out, out
    code, st, _ = ctl_json(lab.sock, "status")
    assert code == 0 and st["ok"] and st["pid"] == lab.auth.pid
    assert st["uptime"] > 0 and st["secondaries"] == 1
    _, before, _ = ctl_json(lab.sock, "stats")
    for _ in range(20):
        servers.query(lab.auth.where, "www.%s" % PLAIN)
    servers.query(lab.auth.where, "www.%s" % PLAIN, tcp=True)
    _, after, _ = ctl_json(lab.sock, "stats")
    assert after["queries_udp"] - before["queries_udp"] == 20
    assert after["queries_tcp"] - before["queries_tcp"] == 1


def test_log_level(lab):
    code, st, _ = ctl_json(lab.sock, "log-level", "debug")
    assert code == 0 and st["level"] == "debug" and st["was"] == "info"
    assert ctl_json(lab.sock, "status")[1]["log_level"] == "debug"
    assert ctl(lab.sock, "log-level", "info")[0] == 0
    code, _, err = ctl(lab.sock, "log-level", "loud")
    assert code == 2 and "log level 'loud'" in err
    (rep,), _ = raw(lab.sock, b'{"command":"log-level","level":"loud"}\n')
    assert rep == {"ok": False, "error": "'loud' is not a log level "
                   "(error, warning, info, debug)"}
    assert "control: log-level debug from uid" in lab.auth.log_text()


def test_reload_all_and_one(lab):
    code, st, _ = ctl_json(lab.sock, "reload")
    assert code == 0 and st["zones"] == 3 and st["failed"] == 0
    # both files change; reload PLAIN alone takes only its own
    lab.plain.write_text(zone_text(PLAIN, 21))
    was_dyn = lab.dyn.read_text()
    code, st, err = ctl_json(lab.sock, "reload", PLAIN)
    assert code == 0, err
    assert st["loaded"] and st["serial"] == 21 and st["was"] == 20
    assert serial_of(lab.auth.where, PLAIN) == 21
    code, st, _ = ctl_json(lab.sock, "reload", PLAIN)
    assert code == 0 and not st["loaded"]
    # a broken file: refused, old data kept; a full reload says so too
    lab.plain.write_text(zone_text(PLAIN, 22, ["bad A not-an-address"]))
    code, out, err = ctl(lab.sock, "reload", PLAIN)
    assert code == 1 and "does not load: old data kept" in err, err
    assert serial_of(lab.auth.where, PLAIN) == 21
    code, st, err = ctl_json(lab.sock, "reload")
    assert code == 1 and st["failed"] == 1 and "1 zone did not load" in err
    lab.plain.write_text(zone_text(PLAIN, 23))
    assert ctl(lab.sock, "reload", PLAIN)[0] == 0
    assert lab.dyn.read_text() == was_dyn
    for args, want in ((("reload", "nope.test"), "not served here"),
                       (("reload", SEC), "is a secondary"),
                       (("reload", "bad..name"), "is not a zone name")):
        code, _, err = ctl(lab.sock, *args)
        assert code == 1 and want in err, (args, err)


def test_zone_status(lab):
    code, st, err = ctl_json(lab.sock, "zone-status", PLAIN)
    assert code == 0, err
    assert st["zone"] == PLAIN + "." and st["source"] == "file"
    assert st["file"] == str(lab.plain) and not st["takes_updates"]
    assert st["last_change"] and st["downstream"] == []
    # a transfer out makes a downstream entry, in sync
    axfr(lab.auth.where, DYN)
    update(lab.auth.where, ("st1", "A", "192.0.2.11"))
    serial = serial_of(lab.auth.where, DYN)
    code, st, _ = ctl_json(lab.sock, "zone-status", DYN)
    assert st["takes_updates"] and st["serial"] == serial
    assert st["journal"]["changes"] >= 1 and st["journal"]["bytes"] > 0
    (peer,) = st["downstream"]
    assert peer["address"] == "127.0.0.1" and peer["last"] == "AXFR"
    assert peer["lag"] == "changes behind" and peer["changes_behind"] == 1
    axfr(lab.auth.where, DYN)
    (peer,) = ctl_json(lab.sock, "zone-status", DYN)[1]["downstream"]
    assert peer["lag"] == "in sync" and peer["serial"] == serial
    code, st, _ = ctl_json(lab.sock, "zone-status", SEC)
    assert st["source"] == "secondary" and st["served"]
    up = st["upstream"]
    assert up["primaries"] == ["127.0.0.1:%d" % lab.primary.where[1]]
    assert up["last_refresh"] and up["next_refresh"] and up["failures"] == 0
    code, out, err = ctl(lab.sock, "zone-status", DYN)
    assert code == 0 and "journal:\n  file: " in out, out
    code, _, err = ctl(lab.sock, "zone-status", "nope.test")
    assert code == 1 and "not served here" in err


def test_zone_refresh(lab):
    before = lab.sec_serial()
    lab.sec_file.write_text(zone_text(SEC, before + 1, ["new A 192.0.2.9"]))
    lab.primary.signal(signal.SIGHUP)
    wait_until("primary reloaded",
               lambda: serial_of(lab.primary.where, SEC) == before + 1)
    # the SOA refresh is an hour away: only zone-refresh explains it
    code, st, err = ctl_json(lab.sock, "zone-refresh", SEC)
    assert code == 0 and st["serial"] == before, err
    wait_until("refreshed", lambda: lab.sec_serial() == before + 1)
    for zone, want in ((PLAIN, "is not a secondary here"),
                       ("nope.test", "is not served here")):
        code, _, err = ctl(lab.sock, "zone-refresh", zone)
        assert code == 1 and want in err, err


def test_zone_flush(lab):
    update(lab.auth.where, ("fl1", "A", "192.0.2.21"),
           ("fl2", "TXT", '"flushed"'), ("fl3", "AAAA", "2001:db8::3"))
    serial = serial_of(lab.auth.where, DYN)
    code, st, err = ctl_json(lab.sock, "zone-flush", DYN)
    assert code == 0 and st["written"] and st["serial"] == serial, err
    assert st["file"] == str(lab.dyn)
    p = subprocess.run(["named-checkzone", "-q", "-i", "none", DYN,
                        str(lab.dyn)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    served = axfr(lab.auth.where, DYN)
    assert file_records(lab.dyn, DYN) == served
    assert ("fl2.dyn.test.", 300, "TXT", '"flushed"') in served
    # neither a reload nor a restart takes the file for an edit
    assert ctl_json(lab.sock, "reload", DYN)[1]["loaded"] is False
    assert ctl(lab.sock, "reload")[0] == 0
    assert serial_of(lab.auth.where, DYN) == serial
    lab.auth.stop(timeout=5)
    check_log(lab.auth)
    lab.start()
    assert serial_of(lab.auth.where, DYN) == serial
    assert axfr(lab.auth.where, DYN) == served
    # what has nothing to write, or no file
    code, st, _ = ctl_json(lab.sock, "zone-flush", PLAIN)
    assert code == 0 and st["written"] is False
    for zone, want in ((SEC, "is a secondary"),
                       ("nope.test", "not served here")):
        code, _, err = ctl(lab.sock, "zone-flush", zone)
        assert code == 1 and want in err, err


def test_raw_protocol(lab):
    # two requests in one write, one malformed: two replies, in order
    reps, closed = raw(lab.sock, b'nonsense\n{"command":"status",'
                       b'"id":"a\\u00e9"}\n', lines=2)
    assert not reps[0]["ok"] and "malformed request" in reps[0]["error"]
    assert reps[1]["ok"] and reps[1]["id"] == "a\u00e9" and not closed
    (rep,), _ = raw(lab.sock, b'{"command":"flush"}\n')
    assert not rep["ok"] and "unknown command 'flush'" in rep["error"]
    (rep,), _ = raw(lab.sock, b'{"command":"zone-status"}\n')
    assert rep["error"] == "command 'zone-status' needs \"zone\""
    (rep,), _ = raw(lab.sock, b'{"command":"status","zone":"x"}\n')
    assert rep["error"] == "command 'status' takes no \"zone\""
    # oversized: refused and closed
    (rep,), closed = raw(lab.sock, b'{"command":"' + b"x" * 5000 + b'"}\n')
    assert "request over 4096 octets" in rep["error"] and closed
    # no final newline: answered at end of input
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(str(lab.sock))
    s.sendall(b'{"command":"stats"}')
    s.shutdown(socket.SHUT_WR)
    assert json.loads(s.makefile().readline())["ok"]
    s.close()
    # a silent client does not hold the others
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.connect(str(lab.sock))
    silent.sendall(b'{"command":')
    t0 = time.monotonic()
    assert ctl(lab.sock, "status")[0] == 0
    assert time.monotonic() - t0 < 2
    silent.close()


def test_usage_and_unreachable(lab):
    for args in ((), ("bogus",), ("zone-status",), ("status", "x"),
                 ("reload", "a", "b"), ("-t", "0", "status")):
        code, _, err = ctl(lab.sock, *args)
        assert code == 2 and "banchi-ctl:" in err, (args, err)
    code, out, _ = ctl(lab.sock, "--help")
    assert code == 0 and "EXIT STATUS" in out and "zone-flush" in out
    code, _, err = ctl(lab.d / "nothing.ctl", "status")
    assert code == 3 and "No such file" in err
    # a socket left by a daemon that died: nothing answers
    dead = lab.d / "dead.ctl"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(dead))
    s.close()
    code, _, err = ctl(dead, "status")
    assert code == 3 and "not running" in err, err


def test_check_conf(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("server:\n  listen: 127.0.0.1:53\n  control: "
                    "/run/x.ctl\n")
    p = subprocess.run([str(tool("banchi-check")), "conf", str(good)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    for value, want in (("''", ":3: server.control: empty value"),
                        ("/" + "d" * 120, ":3: server.control: '/ddd")):
        bad = tmp_path / "bad.yaml"
        bad.write_text("server:\n  listen: 127.0.0.1:53\n  control: %s\n"
                       % value)
        p = subprocess.run([str(tool("banchi-check")), "conf", str(bad)],
                           capture_output=True, text=True)
        assert p.returncode == 1 and str(bad) + want in p.stderr, p.stderr


def test_control_none(fresh):
    go, d, zones = fresh
    s = go(extra=["--control", "none"])
    assert "no control socket" in s.log_text()
