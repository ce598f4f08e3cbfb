"""banchi-resolver as a program: exit statuses and FILE:LINE messages of
bad configs, the start line and access warnings, a reload that fails
(bad config key, bad hosts line) keeping the old settings."""

import signal
import subprocess
import time

import pytest

from daemons import addrs, ask, resolver_binary
from hierarchy import servers

pytestmark = pytest.mark.banchi_only


def run(args, timeout=10):
    """The resolver run to its end; (exit status, stdout + stderr)."""
    p = subprocess.run([str(resolver_binary())] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace")


def wait_log(r, text, limit=5.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if text in r.log_text():
            return
        time.sleep(0.05)
    raise AssertionError("no %r in the log:\n%s" % (text,
                                                     r.log_text()[-3000:]))


def test_help_and_version():
    code, out = run(["--help"])
    assert code == 0 and "banchi-resolver" in out and "--allow" in out
    assert "--allow-snoop CIDR" in out
    code, out = run(["--version"])
    assert code == 0 and out.startswith("banchi-resolver ")


def test_config_errors_exit_2(tmp_path):
    conf = tmp_path / "r.yaml"
    conf.write_text("server:\n  threads: 1\n  bogus: 2\n")
    code, out = run(["-c", str(conf)])
    assert code == 2
    assert "%s:3: unknown key 'server.bogus'" % conf in out
    conf.write_text("forward:\n  - zone: corp.\n    to: [10.0.0.1:0]\n")
    code, out = run(["-c", str(conf)])
    assert code == 2 and "%s:2: forward 'corp.': bad address" % conf in out
    code, out = run(["--forward", "corp."])
    assert code == 2 and "ZONE=ADDR" in out


def test_bad_local_file_exit_1(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("192.0.2.1 ok.lan\nnot-an-address x.lan\n")
    code, out = run(["--listen", "127.0.0.1:%d" % servers.free_port(),
                     "--hosts", str(hosts), "--allow-root"])
    assert code == 1 and "%s:2:" % hosts in out


def test_start_line_and_warnings(start_resolver, world):
    r = start_resolver()
    wait_log(r, "listening on 127.0.0.1:%d; iterating from" % r.where[1])
    assert "OPEN RESOLVER" not in r.log_text()
    o = start_resolver(["--open-resolver"])
    wait_log(o, "OPEN RESOLVER")
    assert addrs(ask(o.where, "www.example.test")) == ["192.0.2.1"]


def write(path, text):
    path.write_text(text)
    path.chmod(0o644)


def test_failed_reload_keeps_old(start_resolver, world, tmp_path):
    conf, hosts = tmp_path / "r.yaml", tmp_path / "hosts"
    good = "local:\n  hosts: hosts\n  data: [\"a.lan. 60 A 192.0.2.7\"]\n"
    write(conf, good)
    write(hosts, "192.0.2.8 b.lan\n")
    r = start_resolver(config=conf)
    assert addrs(ask(r.where, "a.lan")) == ["192.0.2.7"]
    assert addrs(ask(r.where, "b.lan")) == ["192.0.2.8"]
    # an unknown key: the whole new config is refused
    write(conf, good.replace("192.0.2.7", "192.0.2.9") + "cache:\n  x: 1\n")
    r.signal(signal.SIGHUP)
    wait_log(r, "%s:5: unknown key 'cache.x'; old settings kept" % conf)
    assert addrs(ask(r.where, "a.lan")) == ["192.0.2.7"]
    # a bad hosts line: likewise
    write(conf, good.replace("192.0.2.7", "192.0.2.9"))
    write(hosts, "192.0.2.10 b.lan\nbad line\n")
    r.signal(signal.SIGHUP)
    wait_log(r, "%s:2:" % hosts)
    assert addrs(ask(r.where, "a.lan")) == ["192.0.2.7"]
    assert addrs(ask(r.where, "b.lan")) == ["192.0.2.8"]
    # fixed: both changes are taken
    write(hosts, "192.0.2.10 b.lan\n")
    r.signal(signal.SIGHUP)
    wait_log(r, "reload: done")
    assert addrs(ask(r.where, "a.lan")) == ["192.0.2.9"]
    assert addrs(ask(r.where, "b.lan")) == ["192.0.2.10"]
