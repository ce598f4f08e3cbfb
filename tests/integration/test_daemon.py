"""The banchi-auth daemon: YAML config, SIGHUP reload (broken zone keeps
its old data with a file:line error; changed zone served; no query lost
meanwhile), privilege drop, refusal to stay root, SIGTERM exit status,
the server's EDNS payload setting."""

import os
import pwd
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import dns.flags
import dns.rcode
import pytest

import servers
from servers import query

pytestmark = pytest.mark.banchi_only

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


def texts(r, rtype="A"):
    return sorted(x.to_text() for s in r.answer
                  if dns.rdatatype.to_text(s.rdtype) == rtype for x in s)


def wait_for(pred, limit=10.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


def rewrite(path, text):
    """Replaces a zone file, making sure its mtime and size change."""
    old = Path(path).stat()
    Path(path).write_text(text)
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns + 2_000_000_000))


def bump_serial(text, serial):
    return text.replace("2026112901", str(serial), 1)


def test_reload_broken_then_fixed(fresh):
    go, d, zones = fresh
    srv = go()
    zfile = dict(zones)["itest.test"]
    good = Path(zfile).read_text()
    nlines = good.count("\n")
    rewrite(zfile, bump_serial(good, 2026112902) +
            "new\t\tA\t192.0.2.222\nbroken\t\tA\t192.0.2.999\n")
    srv.signal(signal.SIGHUP)
    pat = re.compile(r"itest\.test\.zone:%d\b" % (nlines + 2))
    assert wait_for(lambda: pat.search(srv.log_text())), srv.log_text()
    # Old data still served, the broken version's records are not.
    assert texts(query(srv.where, "ns1.itest.test")) == ["192.0.2.53"]
    r = query(srv.where, "new.itest.test")
    assert r.rcode() == dns.rcode.NXDOMAIN
    soa = query(srv.where, "itest.test", "SOA").answer[0][0]
    assert soa.serial == 2026112901
    # Fixed and changed: the new data is served.
    rewrite(zfile, bump_serial(good, 2026112903) +
            "new\t\tA\t192.0.2.222\n")
    srv.signal(signal.SIGHUP)
    assert wait_for(lambda: texts(query(srv.where, "new.itest.test")) ==
                    ["192.0.2.222"]), srv.log_text()
    soa = query(srv.where, "itest.test", "SOA").answer[0][0]
    assert soa.serial == 2026112903
    assert srv.proc.poll() is None


def test_reload_zone_removed_from_disk_keeps_old(fresh):
    go, d, zones = fresh
    srv = go()
    zfile = dict(zones)["other.test"]
    os.unlink(zfile)
    srv.signal(signal.SIGHUP)
    time.sleep(1)
    assert texts(query(srv.where, "host.other.test")) == ["192.0.2.200"]
    assert "other.test" in srv.log_text()


def bulk_zone(path, n):
    lines = ["$TTL 300",
             "@ SOA ns hostmaster 1 3600 600 86400 300", "@ NS ns",
             "ns A 192.0.2.1"]
    lines += ["h%d A 10.%d.%d.%d" % (i, i >> 16 & 255, i >> 8 & 255,
                                     i & 255) for i in range(n)]
    Path(path).write_text("\n".join(lines) + "\n")
    Path(path).chmod(0o644)


@pytest.mark.slow
def test_no_query_lost_during_reloads(fresh):
    go, d, zones = fresh
    bulk = Path(d) / "bulk.test.zone"
    bulk_zone(bulk, 50000)
    zones.append(("bulk.test", bulk))
    srv = go()
    stop = threading.Event()
    stats = {"ok": 0, "bad": []}

    def loop():
        i = 0
        end = time.monotonic() + 30        # bounded, whatever happens
        while not stop.is_set() and time.monotonic() < end:
            name, want = (("h%d.bulk.test" % (i % 50000), None) if i % 2
                          else ("ns1.itest.test", "192.0.2.53"))
            try:
                r = query(srv.where, name, "A", tcp=(i % 7 == 0),
                          timeout=1.0, tries=1)
                if r.rcode() != 0 or not r.answer or (
                        want and texts(r) != [want]):
                    stats["bad"].append((name, r.rcode()))
                else:
                    stats["ok"] += 1
            except Exception as e:      # noqa: BLE001 (any loss counts)
                stats["bad"].append((name, repr(e)))
            i += 1

    t = threading.Thread(target=loop)
    t.start()
    try:
        for k in range(6):
            bulk_zone(bulk, 50000 - k)        # a real change each time
            os.utime(bulk, ns=(0, (1_700_000_000 + k) * 10**9))
            srv.signal(signal.SIGHUP)
            time.sleep(0.5)
    finally:
        stop.set()
        t.join(40)
    assert stats["ok"] > 50
    assert not stats["bad"], stats["bad"][:10]
    assert srv.proc.poll() is None


def test_sigterm_clean_exit(fresh):
    go, _, _ = fresh
    srv = go()
    assert srv.stop(signal.SIGTERM) == 0


def test_sigint_clean_exit(fresh):
    go, _, _ = fresh
    srv = go()
    assert srv.stop(signal.SIGINT) == 0


def status_ids(pid):
    out = {}
    for line in Path("/proc/%d/status" % pid).read_text().splitlines():
        k, _, v = line.partition(":")
        if k in ("Uid", "Gid"):
            out[k] = [int(x) for x in v.split()]
    return out


def expected_user():
    try:
        return pwd.getpwnam("banchi")
    except KeyError:
        return pwd.getpwnam("nobody")


@ROOT_ONLY
def test_privilege_drop_default_user(fresh):
    go, _, _ = fresh
    srv = go()
    pw = expected_user()
    ids = status_ids(srv.pid)
    assert ids["Uid"] == [pw.pw_uid] * 4, ids
    assert ids["Gid"] == [pw.pw_gid] * 4, ids
    for task in Path("/proc/%d/task" % srv.pid).iterdir():
        t = status_ids(int(task.name))
        assert 0 not in t["Uid"] and 0 not in t["Gid"], (task, t)
    groups = [ln for ln in Path("/proc/%d/status" % srv.pid).read_text()
              .splitlines() if ln.startswith("Groups:")][0]
    assert "0" not in groups.split()[1:], groups
    assert "dropped privileges" in srv.log_text()


@ROOT_ONLY
def test_privilege_drop_named_user(fresh):
    go, _, _ = fresh
    srv = go(extra=["--user", "nobody"])
    ids = status_ids(srv.pid)
    assert ids["Uid"] == [pwd.getpwnam("nobody").pw_uid] * 4


@ROOT_ONLY
def test_refuses_to_stay_root(fresh):
    go, _, _ = fresh
    srv = go(extra=["--user", "root"], wait=False)
    try:
        code = srv.proc.wait(10)
    except subprocess.TimeoutExpired:
        pytest.fail("still running as root")
    assert code != 0


@ROOT_ONLY
def test_allow_root(fresh):
    go, _, _ = fresh
    srv = go(extra=["--allow-root"])
    assert status_ids(srv.pid)["Uid"][0] == 0
    assert query(srv.where, "itest.test", "SOA").answer


def test_yaml_config(fresh):
    go, d, zones = fresh
    port = servers.free_port()
    conf = Path(d) / "auth.yaml"
    conf.write_text(
        "server:\n  listen:\n    - 127.0.0.1:%d\n  threads: 2\n"
        "  udp-payload: 1400\nlog:\n  level: info\nzones:\n" % port +
        "".join("  - name: %s\n    file: %s\n" % (o, Path(f).name)
                for o, f in zones))
    conf.chmod(0o644)
    srv = servers.Server("banchi-auth",
                         [str(servers.banchi_binary()), "-c", str(conf)],
                         ("127.0.0.1", port), d, "itest.test")
    try:
        r = query(srv.where, "host.other.test", edns=0)
        assert texts(r) == ["192.0.2.200"] and r.payload == 1400
    finally:
        assert srv.stop() == 0


def test_yaml_config_error_file_line(fresh):
    _, d, _ = fresh
    conf = Path(d) / "bad.yaml"
    conf.write_text("server:\n  listen: 127.0.0.1:5399\n  no-such-key: 1\n")
    p = subprocess.run([str(servers.banchi_binary()), "-c", str(conf)],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 2
    assert "bad.yaml:3" in p.stderr, p.stderr


def test_usage_errors():
    b = str(servers.banchi_binary())
    for argv in ([b, "--no-such-flag"], [b, "--zone", "x"], [b]):
        p = subprocess.run(argv, capture_output=True, timeout=10)
        assert p.returncode == 2, argv
    p = subprocess.run([b, "--help"], capture_output=True, text=True,
                       timeout=10)
    assert p.returncode == 0 and "--listen" in p.stdout + p.stderr


@pytest.mark.parametrize("payload", [512, 4096])
def test_server_payload_setting(fresh, payload):
    go, _, _ = fresh
    srv = go(extra=["--udp-payload", str(payload)])
    r = query(srv.where, "itest.test", "SOA", edns=0, payload=4096)
    assert r.payload == payload
    r = query(srv.where, "big.itest.test", "A", edns=0, payload=4096)
    assert bool(r.flags & dns.flags.TC) == (payload == 512)


def test_sighup_rereads_config(fresh):
    """A zone added to the config is served after SIGHUP; one removed is
    no longer served (REFUSED)."""
    go, d, zones = fresh
    port = servers.free_port()
    conf = Path(d) / "auth.yaml"

    def write(zs):
        conf.write_text("server:\n  listen: 127.0.0.1:%d\n  threads: 2\n"
                        "zones:\n" % port +
                        "".join("  - name: %s\n    file: %s\n" % (
                            o, Path(f).name) for o, f in zs))
        conf.chmod(0o644)
    write(zones[:1])
    srv = servers.Server("banchi-auth",
                         [str(servers.banchi_binary()), "-c", str(conf)],
                         ("127.0.0.1", port), d, "itest.test")
    try:
        assert query(srv.where, "host.other.test").rcode() == \
            dns.rcode.REFUSED
        write(zones[1:])
        srv.signal(signal.SIGHUP)
        assert wait_for(lambda: texts(query(srv.where, "host.other.test"))
                        == ["192.0.2.200"]), srv.log_text()
        assert wait_for(lambda: query(srv.where, "ns1.itest.test").rcode()
                        == dns.rcode.REFUSED), srv.log_text()
        # A broken config keeps everything as it was.
        conf.write_text("server:\n  listen: [oops\n")
        srv.signal(signal.SIGHUP)
        time.sleep(1)
        assert texts(query(srv.where, "host.other.test")) == ["192.0.2.200"]
        assert srv.proc.poll() is None
        assert "auth.yaml" in srv.log_text()
    finally:
        assert srv.stop() == 0
