"""banchi-auth under dnsperf load on loopback (a few seconds each): a
reload through banchi-ctl, six times with the zone file changed each
time, loses no query (dnsperf counts them); and the control channel
answers within 100 ms while the server runs flat out (the control
thread takes no lock the query path holds for long)."""

import json
import re
import shutil
import socket
import statistics
import subprocess
import time

import pytest

import servers
from conftest import check_log
from test_ctl import ctl_json

# slow: run once, not again under ASan
pytestmark = [pytest.mark.banchi_only, pytest.mark.slow]

ZONE = "load.test"
HOSTS = 5000


def zone_text(serial):
    lines = ["$ORIGIN %s." % ZONE, "$TTL 300",
             "@ SOA ns1 hostmaster %d 3600 600 86400 300" % serial,
             "@ NS ns1", "ns1 A 192.0.2.1"]
    lines += ["host%d A 10.%d.%d.%d" % (i, serial % 250, i // 250, i % 250)
              for i in range(HOSTS)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def lab():
    if not shutil.which("dnsperf"):
        pytest.skip("no dnsperf")
    d = servers.world_dir("banchi-ctll-")
    zone = d / "load.test.zone"
    zone.write_text(zone_text(1))
    zone.chmod(0o644)
    qfile = d / "queries"
    qfile.write_text("".join("host%d.%s A\n" % (i * 7 % (HOSTS + 500), ZONE)
                             for i in range(2000)))
    sock = d / "auth.ctl"
    s = servers.start_banchi(d, [(ZONE, zone)],
                             extra=["--control", str(sock)])
    try:
        yield s, zone, qfile, sock
    finally:
        s.stop(timeout=5)
        check_log(s)
        shutil.rmtree(d, ignore_errors=True)


def dnsperf(where, qfile, seconds, rate=None):
    argv = ["dnsperf", "-d", str(qfile), "-s", where[0], "-p",
            str(where[1]), "-l", str(seconds), "-c", "4", "-q", "200",
            "-t", "2"] + (["-Q", str(rate)] if rate else [])
    return subprocess.Popen(argv, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def results(p, seconds):
    out = p.communicate(timeout=seconds + 30)[0]

    def num(pat):
        m = re.search(pat, out)
        assert m, out
        return float(m.group(1))
    return {"sent": int(num(r"Queries sent:\s+(\d+)")),
            "completed": int(num(r"Queries completed:\s+(\d+)")),
            "lost": int(num(r"Queries lost:\s+(\d+)")),
            "qps": num(r"Queries per second:\s+([\d.]+)")}


def timed(sock, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    t0 = time.monotonic()
    s.connect(str(sock))
    s.sendall(line)
    reply = s.makefile("rb").readline()
    t = time.monotonic() - t0
    s.close()
    assert json.loads(reply)["ok"], reply
    return t * 1000


def test_reload_under_load(lab):
    srv, zone, qfile, sock = lab
    p = dnsperf(srv.where, qfile, 4, rate=10000)
    time.sleep(0.5)
    for serial in range(2, 8):
        zone.write_text(zone_text(serial))
        args = ("reload",) if serial % 2 else ("reload", ZONE)
        code, st, err = ctl_json(sock, *args)
        assert code == 0, err
        time.sleep(0.3)
    r = results(p, 4)
    print("\nreload under load: %(sent)d sent, %(completed)d completed, "
          "%(lost)d lost, %(qps).0f QPS, 6 reloads" % r)
    assert r["completed"] > 10000 and r["lost"] == 0, r
    assert servers.query(srv.where, ZONE, "SOA").answer[0][0].serial == 7
    assert srv.log_text().count("control: reload") == 6


def test_control_latency_under_load(lab):
    srv, zone, qfile, sock = lab
    quick, main = [], []
    p = dnsperf(srv.where, qfile, 4)
    time.sleep(0.5)
    end = time.monotonic() + 3
    while time.monotonic() < end:
        quick.append(timed(sock, b'{"command":"status"}\n'))
        main.append(timed(sock, b'{"command":"zone-status",'
                          b'"zone":"load.test"}\n'))
        time.sleep(0.02)
    r = results(p, 4)
    quick.sort()
    main.sort()

    def p95(v):
        return v[int(len(v) * 0.95)]
    print("\ncontrol under full load (%.0f QPS): status median %.2f ms, "
          "p95 %.2f, max %.2f; zone-status (main thread) median %.2f ms, "
          "p95 %.2f, max %.2f; %d requests each" % (
              r["qps"], statistics.median(quick), p95(quick), quick[-1],
              statistics.median(main), p95(main), main[-1], len(quick)))
    assert r["completed"] > 10000
    assert len(quick) >= 20
    assert p95(quick) < 100 and p95(main) < 100
