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
