"""The daemons' seccomp filter (src/daemon/sandbox.c) as deployed: once
serving, banchi-auth and banchi-resolver run under a filter (their
/proc status says Seccomp: 2) and still answer, reload and stop cleanly;
--sandbox=false leaves it off. Every other integration test runs the
daemons under the filter too, and fails on a call it refused
(conftest.check_log). What the filter allows, refuses and kills for is
proven in tests/unit/test_sandbox.c."""

import shutil
import signal
import time

import pytest

import servers
from conftest import check_log
from test_ctl import wait_until, zone_text

pytestmark = pytest.mark.banchi_only
ZONE = "sandbox.test"


def seccomp(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("Seccomp:"):
            return int(line.split()[1])
    return None


def answers(s):
    try:
        return servers.query(s.where, "www." + ZONE, "A", rd=True,
                             timeout=1).rcode() == 0
    except Exception:
        return False


def under_asan(s):
    return "an AddressSanitizer build" in s.log_text()


@pytest.mark.parametrize("off", [False, True])
def test_auth_and_resolver(off):
    d = servers.world_dir("banchi-sandbox-")
    zone = d / "z.zone"
    zone.write_text(zone_text(ZONE, 1))
    zone.chmod(0o644)
    extra = ["--control", "none"] + (["--sandbox=false"] if off else [])
    auth = servers.start_banchi(d, [(ZONE, zone)], extra=extra)
    res = None
    try:
        res = servers.start_resolver_stub(d, ZONE, auth, extra)
        wait_until("resolver answers", lambda: answers(res))
        for s in (auth, res):
            want = 0 if off or under_asan(s) else 2
            assert seccomp(s.pid) == want, s.log_text()[-2000:]
        r = servers.query(res.where, "www." + ZONE, "A", rd=True, timeout=3)
        assert r.rcode() == 0 and r.answer
        for s in (auth, res):
            s.signal(signal.SIGHUP)
        time.sleep(0.5)
        r = servers.query(auth.where, "www." + ZONE, "A")
        assert r.rcode() == 0 and r.answer
    finally:
        for s in (res, auth):
            if s is None:
                continue
            s.stop(timeout=10)
            check_log(s)
            assert "exiting on signal" in s.log_text()
        shutil.rmtree(d, ignore_errors=True)


def landlock_on(s):
    return "landlock on (ABI" in s.log_text()


def no_landlock_reason(s):
    for line in s.log_text().splitlines():
        if "landlock not available" in line:
            return line
    return None


def auth_conf(conf, zones):
    lines = ["zones:"]
    for name, f in zones:
        lines += ["  - name: %s" % name, "    file: %s" % f]
    conf.write_text("\n".join(lines) + "\n")
    conf.chmod(0o644)


def served(s, zone):
    try:
        r = servers.query(s.where, "www." + zone, "A", timeout=1)
        return r.rcode() == 0 and bool(r.answer)
    except Exception:
        return False


def zone_file(path, origin):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o755)
    path.write_text(zone_text(origin, 1))
    path.chmod(0o644)


@pytest.mark.parametrize("off", [False, True])
def test_auth_landlock_reload(off):
    """With Landlock, a reload serves a zone file added in a new folder
    under the config's folder, and refuses (EACCES, said in the log, the
    daemon serving on) one outside every folder allowed at start, which a
    restart takes in. --landlock=false: both load."""
    d = servers.world_dir("banchi-landlock-")
    out = servers.world_dir("banchi-landlock-out-")
    etc = d / "etc"
    etc.mkdir()
    etc.chmod(0o755)
    conf = etc / "auth.yaml"
    zone_file(etc / "zones" / "a.zone", "a." + ZONE)
    auth_conf(conf, [("a." + ZONE, "zones/a.zone")])
    extra = ["-c", str(conf), "--control", "none"] + \
        (["--landlock=false"] if off else [])
    zone_file(d / "z.zone", ZONE)
    auth = servers.start_banchi(d, [(ZONE, d / "z.zone")], extra=extra)
    try:
        if not off and not landlock_on(auth):
            reason = no_landlock_reason(auth)
            assert reason, auth.log_text()[-2000:]
            pytest.skip(reason)
        assert landlock_on(auth) != off
        zone_file(etc / "new" / "b.zone", "b." + ZONE)
        zone_file(out / "c.zone", "c." + ZONE)
        auth_conf(conf, [("a." + ZONE, "zones/a.zone"),
                         ("b." + ZONE, "new/b.zone"),
                         ("c." + ZONE, str(out / "c.zone"))])
        auth.signal(signal.SIGHUP)
        wait_until("b served", lambda: served(auth, "b." + ZONE))
        if off:
            wait_until("c served", lambda: served(auth, "c." + ZONE))
        else:
            wait_until("c refused", lambda: "outside the folders" in
                       auth.log_text())
            log = auth.log_text()
            assert "%s: cannot read: Permission denied" % \
                (out / "c.zone") in log, log[-2000:]
            assert not served(auth, "c." + ZONE)
            for z in ("a." + ZONE, ZONE):
                assert served(auth, z)
            # a restart takes it in
            auth.stop(timeout=10)
            check_log(auth)
            auth = servers.start_banchi(d, [(ZONE, d / "z.zone")],
                                        port=auth.where[1], extra=extra)
            wait_until("c served", lambda: served(auth, "c." + ZONE))
    finally:
        auth.stop(timeout=10)
        check_log(auth)
        assert "exiting on signal" in auth.log_text()
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def test_resolver_landlock_reload():
    """The resolver re-reads its hosts file on reload; one named outside
    the folders allowed at start is refused (the old config kept, the
    daemon answering); its cache file is written at stop."""
    d = servers.world_dir("banchi-landlock-")
    out = servers.world_dir("banchi-landlock-out-")
    zone_file(d / "z.zone", ZONE)
    auth = servers.start_banchi(d, [(ZONE, d / "z.zone")],
                                extra=["--control", "none"])
    res = None
    conf = d / "res.yaml"
    try:
        (d / "hosts").write_text("192.0.2.7 h1.%s\n" % ZONE)
        (out / "hosts").write_text("192.0.2.8 h2.%s\n" % ZONE)
        for f in (d / "hosts", out / "hosts"):
            f.chmod(0o644)
        conf.write_text("local:\n  hosts: hosts\n")
        conf.chmod(0o644)
        (d / "cache").mkdir(mode=0o777)
        (d / "cache").chmod(0o777)
        res = servers.start_resolver_stub(
            d, ZONE, auth, ["-c", str(conf), "--control", "none",
                            "--cache-file", str(d / "cache" / "c.bin")])
        wait_until("resolver answers", lambda: answers(res))
        if not landlock_on(res):
            reason = no_landlock_reason(res)
            assert reason, res.log_text()[-2000:]
            pytest.skip(reason)
        r = servers.query(res.where, "h1." + ZONE, "A", rd=True)
        assert r.answer and r.answer[0][0].address == "192.0.2.7"
        conf.write_text("local:\n  hosts: %s\n" % (out / "hosts"))
        res.signal(signal.SIGHUP)
        wait_until("reload refused", lambda: "Permission denied" in
                   res.log_text())
        assert "%s: cannot open: Permission denied (outside the folders" \
            % (out / "hosts") in res.log_text(), res.log_text()[-2000:]
        r = servers.query(res.where, "h1." + ZONE, "A", rd=True)
        assert r.answer and r.answer[0][0].address == "192.0.2.7"
        r = servers.query(res.where, "h2." + ZONE, "A", rd=True)
        assert not r.answer
        assert answers(res)
        res.stop(timeout=10)
        check_log(res)
        assert (d / "cache" / "c.bin").stat().st_size > 0, \
            res.log_text()[-2000:]
    finally:
        for s in (res, auth):
            if s is not None:
                s.stop(timeout=10)
                check_log(s)
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
