"""banchi-auth seen through the real clients, dig and kdig."""

import re
import shutil
import subprocess

import pytest

DIG = shutil.which("dig")
KDIG = shutil.which("kdig")


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


def dig(where, *args):
    if not DIG:
        pytest.skip("no dig")
    return run([DIG, "@" + where[0], "-p", str(where[1]), "+tries=1",
                "+time=2"] + list(args))


def kdig(where, *args):
    if not KDIG:
        pytest.skip("no kdig")
    return run([KDIG, "@" + where[0], "-p", str(where[1]), "+retry=0",
                "+time=2"] + list(args))


@pytest.mark.parametrize("transport", ["+notcp", "+tcp"])
def test_dig_answer_flags(where, transport):
    out = dig(where, "+norec", transport, "www.itest.test", "A")
    assert "status: NOERROR" in out
    flags = re.search(r";; flags: ([a-z ]*);", out).group(1).split()
    assert "qr" in flags and "aa" in flags
    assert "ra" not in flags and "rd" not in flags
    assert re.search(r"www\.itest\.test\.\s+3600\s+IN\s+CNAME\s+"
                     r"itest\.test\.", out)
    assert re.search(r"^itest\.test\.\s+3600\s+IN\s+A\s+192\.0\.2\.1$",
                     out, re.M)


def test_dig_rd_copied(where):
    out = dig(where, "+rec", "ns1.itest.test", "A")
    flags = re.search(r";; flags: ([a-z ]*);", out).group(1).split()
    assert "rd" in flags and "ra" not in flags


def test_dig_nxdomain(where):
    out = dig(where, "+norec", "nosuch.itest.test", "A")
    assert "status: NXDOMAIN" in out
    assert re.search(r"^itest\.test\.\s+300\s+IN\s+SOA", out, re.M)


def test_dig_truncation_retries_tcp(where):
    out = dig(where, "+norec", "+noedns", "big.itest.test", "A")
    assert "Truncated, retrying in TCP mode" in out
    assert out.count("198.51.100.") == 60


def test_dig_ignore_tc(where):
    out = dig(where, "+norec", "+noedns", "+ignore", "huge.itest.test",
              "AAAA")
    flags = re.search(r";; flags: ([a-z ]*);", out).group(1).split()
    assert "tc" in flags
    assert "MSG SIZE  rcvd:" in out
    assert int(re.search(r"MSG SIZE  rcvd: (\d+)", out).group(1)) <= 512


def test_dig_refused(where):
    out = dig(where, "+norec", "example.com", "A")
    assert "status: REFUSED" in out


def test_dig_bufsize(where):
    out = dig(where, "+norec", "+bufsize=4096", "itest.test", "SOA")
    assert re.search(r"EDNS: version: 0, flags:;? ?udp: 1232", out), out


def test_kdig_tcp_keepopen(where):
    out = kdig(where, "+tcp", "+keepopen", "+norec",
               "ns1.itest.test", "A", "itest.test", "MX",
               "x.dn.itest.test", "A", "nosuch.itest.test", "A")
    assert out.count("->>HEADER<<-") == 4
    assert "192.0.2.53" in out and "10 mail.itest.test." in out
    assert "192.0.2.111" in out and "NXDOMAIN" in out


def test_kdig_udp_edns(where):
    out = kdig(where, "+bufsize=1232", "+norec", "_sip._tcp.itest.test",
               "SRV")
    assert "NOERROR" in out and "5060 sip.itest.test." in out
    assert re.search(r"Version: 0", out), out
