"""make deb's package installed on this machine with dpkg, as on a fresh
Debian 12: the programs, man pages, units, default configs and the
banchi user are there; banchi-resolver and banchi-auth start as their
units start them (the installed configs, dropping to banchi), answer,
and the resolver writes its cache file into /var/lib/banchi at stop;
then the package is removed (configs kept) and purged (configs and
state gone). Needs root and dpkg; skipped when the package is installed
already (not ours to remove)."""

import os
import pwd
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("dpkg-deb"),
    reason="needs root and dpkg")


def run(*argv, check=True, timeout=300):
    p = subprocess.run([str(a) for a in argv], capture_output=True,
                       text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("%s: %s%s" % (" ".join(map(str, argv)),
                                            p.stdout, p.stderr))
    return p


def installed():
    p = run("dpkg-query", "-W", "-f", "${Status}", "banchi", check=False)
    return "installed" in p.stdout


def exec_start(unit):
    text = Path("/lib/systemd/system/%s.service" % unit).read_text()
    line = [x for x in text.splitlines() if x.startswith("ExecStart=")][0]
    return shlex.split(line.split("=", 1)[1])


def answers(addr, port, name, limit=10.0):
    end = time.monotonic() + limit
    q = dns.message.make_query(name, "A")
    while time.monotonic() < end:
        try:
            return dns.query.udp(q, addr, port=port, timeout=0.5)
        except Exception:
            time.sleep(0.1)
    raise AssertionError("no answer on %s:%d" % (addr, port))


def user_exists():
    return run("getent", "passwd", "banchi", check=False).returncode == 0


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    if installed():
        pytest.skip("a banchi package is installed already")
    had_user = user_exists()
    out = tmp_path_factory.mktemp("deb")
    path = Path(run(ROOT / "scripts/make-deb", out).stdout.split()[-1])
    assert path.exists()
    yield path
    if installed():
        run("dpkg", "--purge", "banchi", check=False)
    # purge leaves the system user (Debian's policy); the machine's other
    # tests expect the daemons to become nobody as before
    if not had_user and user_exists():
        run("userdel", "banchi", check=False)
        run("groupdel", "banchi", check=False)


def start(unit, log):
    # as the unit: its ExecStart line, from root, which drops to banchi
    # (systemd is not PID 1 here: the unit's User= is the daemon's own
    # privilege drop)
    argv = exec_start(unit) + ["--user", "banchi"]
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)


def test_install_start_remove_purge(deb, tmp_path):
    run("dpkg", "-i", deb)
    for p in ("/usr/sbin/banchi-auth", "/usr/sbin/banchi-resolver",
              "/usr/sbin/banchi-dhcp", "/usr/bin/banchi-ctl",
              "/usr/bin/banchi-check", "/usr/bin/banchi-db",
              "/usr/share/man/man8/banchi-auth.8.gz",
              "/usr/share/man/man1/banchi-db.1.gz",
              "/usr/share/man/man5/banchi-resolver.yaml.5.gz",
              "/lib/systemd/system/banchi-resolver.service",
              "/lib/systemd/system/banchi-dhcp.service",
              "/etc/banchi/banchi-dhcp.yaml",
              "/usr/share/doc/banchi/copyright"):
        assert Path(p).exists(), p
    user = pwd.getpwnam("banchi")
    st = os.stat("/var/lib/banchi")
    assert st.st_uid == user.pw_uid and (st.st_mode & 0o777) == 0o750
    assert "ok" in run("banchi-check", "conf",
                       "/etc/banchi/banchi-auth.yaml").stdout
    version = run("/usr/sbin/banchi-resolver", "--version").stdout
    assert version.startswith("banchi-resolver ")
    log = open(tmp_path / "daemons.log", "wb")
    procs = [start("banchi-resolver", log), start("banchi-auth", log)]
    try:
        r = answers("127.0.0.1", 53, "localhost")
        assert r.rcode() == dns.rcode.NOERROR and r.answer, r
        r = answers("127.0.0.1", 5300, "example.com")
        assert r.rcode() == dns.rcode.REFUSED       # no zone yet
        st = run("banchi-ctl", "-r", "status").stdout
        assert "banchi-resolver" in st
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            p.wait(10)
        log.close()
    text = (tmp_path / "daemons.log").read_text()
    assert "dropped privileges to user banchi" in text, text
    assert Path("/var/lib/banchi/resolver.cache").exists(), text
    run("dpkg", "-r", "banchi")
    assert not Path("/usr/sbin/banchi-auth").exists()
    assert Path("/etc/banchi/banchi-resolver.yaml").exists()
    run("dpkg", "--purge", "banchi")
    assert not Path("/etc/banchi").exists()
    assert not Path("/var/lib/banchi").exists()
