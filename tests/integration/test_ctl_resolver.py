"""banchi-ctl against a running banchi-resolver (a stub zone of a
banchi-auth on loopback): status, stats counting the queries sent,
flush of one name (it is asked upstream again, its neighbour is not)
and of everything, reload keeping the cache, log-level, and the
commands it does not have (exit 1)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import servers
from conftest import check_log
from test_ctl import ctl, ctl_json, tool, wait_until, zone_text

pytestmark = pytest.mark.banchi_only

ZONE = "plain.test"


def resolve(where, name, rtype="A"):
    r = servers.query(where, name, rtype, rd=True, timeout=3)
    assert r.rcode() == 0 and r.answer, r
    return r


@pytest.fixture(scope="module")
def lab():
    d = servers.world_dir("banchi-ctlr-")
    zone = d / "plain.test.zone"
    zone.write_text(zone_text(ZONE, 5, ["alias CNAME www"]))
    zone.chmod(0o644)
    auth = servers.start_banchi(d, [(ZONE, zone)],
                                extra=["--control", "none"])
    sock = d / "resolver.ctl"
    res = servers.start_resolver_stub(d, ZONE, auth,
                                      ["--control", str(sock)])
    try:
        wait_until("resolver answers", lambda: sock.exists() and
                   ctl(sock, "status")[0] == 0)
        yield res, sock
    finally:
        for s in (res, auth):
            s.stop(timeout=5)
            check_log(s)
        shutil.rmtree(d, ignore_errors=True)


def upstream(sock):
    return ctl_json(sock, "stats")[1]["upstream_queries"]


def test_status_stats(lab):
    res, sock = lab
    code, st, err = ctl_json(sock, "status")
    assert code == 0 and st["daemon"] == "banchi-resolver", err
    assert st["pid"] == res.pid and st["workers"] == 1
    before = ctl_json(sock, "stats")[1]
    for _ in range(7):
        resolve(res.where, "www.%s" % ZONE)
    after = ctl_json(sock, "stats")[1]
    assert after["queries"] - before["queries"] == 7
    assert after["cache_hits"] - before["cache_hits"] >= 6


def test_flush(lab):
    res, sock = lab
    resolve(res.where, "www.%s" % ZONE)
    resolve(res.where, "mail.%s" % ZONE, "MX")
    n = upstream(sock)
    resolve(res.where, "www.%s" % ZONE)
    resolve(res.where, "mail.%s" % ZONE, "MX")
    assert upstream(sock) == n          # both cached
    code, st, err = ctl_json(sock, "flush", "WWW.%s" % ZONE)
    assert code == 0 and st["flushed"] == "www.%s." % ZONE, err
    assert st["entries_after"] < st["entries_before"]
    resolve(res.where, "mail.%s" % ZONE, "MX")
    assert upstream(sock) == n          # its neighbour kept
    resolve(res.where, "www.%s" % ZONE)
    assert upstream(sock) > n           # asked again
    code, st, _ = ctl_json(sock, "flush")
    assert code == 0 and st["flushed"] == "all" and st["entries_after"] == 0
    code, _, err = ctl(sock, "flush", "bad..name")
    assert code == 1 and "is not a domain name" in err
    assert "control: cache flushed at and under www.plain.test." in \
        res.log_text()


def test_reload_keeps_cache(lab):
    res, sock = lab
    resolve(res.where, "www.%s" % ZONE)
    n = upstream(sock)
    code, st, err = ctl_json(sock, "reload")
    assert code == 0 and st["cache_entries"] > 0, err
    assert "reload: done (cache kept)" in res.log_text()
    resolve(res.where, "www.%s" % ZONE)
    assert upstream(sock) == n
    code, _, err = ctl(sock, "reload", ZONE)
    assert code == 1 and "command 'reload' takes no \"zone\"" in err


def test_log_level_and_foreign_commands(lab):
    res, sock = lab
    code, st, _ = ctl_json(sock, "log-level", "warning")
    assert code == 0 and st["level"] == "warning" and st["was"] == "info"
    assert ctl_json(sock, "status")[1]["log_level"] == "warning"
    assert ctl(sock, "log-level", "info")[0] == 0
    for args in (("zone-status", ZONE), ("zone-flush", ZONE),
                 ("zone-refresh", ZONE)):
        code, _, err = ctl(sock, *args)
        assert code == 1 and "unknown command '%s' (banchi-resolver " \
            "takes: status, stats, reload, flush, log-level, " \
            "trust-anchors, dump-cache, why, nta-add, nta-remove, " \
            "nta-list)" % args[0] \
            in err, err


def test_check_tool_usage(lab):
    p = subprocess.run([str(tool("banchi-ctl")), "-r", "-t", "x", "status"],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "-t 'x'" in p.stderr


def test_trust_anchors(lab, tmp_path):
    """Validation off here: the built-in root anchors are listed (IANA's
    KSK-2017 and KSK-2024 DS); with --dnssec --trust-anchor
    FILE, the file's records."""
    res, sock = lab
    code, st, err = ctl_json(sock, "trust-anchors")
    assert code == 0, err
    assert st["validation"] is False and "built in" in st["source"]
    tags = sorted(int(a.split()[3]) for a in st["anchors"])
    assert tags == [20326, 38696], st
    assert all(a.startswith(". IN DS ") for a in st["anchors"]), st
    anchor = Path(__file__).resolve().parent.parent / "data" / "dnssec" / \
        "chain" / "anchor.txt"
    sock2 = tmp_path / "r2.ctl"
    r2 = servers.start_resolver_stub(
        tmp_path, ZONE, res, ["--control", str(sock2), "--dnssec",
                              "--trust-anchor", str(anchor)])
    try:
        wait_until("second resolver", lambda: sock2.exists() and
                   ctl(sock2, "status")[0] == 0)
        code, st, err = ctl_json(sock2, "trust-anchors")
        assert code == 0 and st["validation"] is True, err
        assert st["source"] == str(anchor)
        # owner, type and key tag of each DS of the file, as listed
        want = sorted(tuple(line.split()[i] for i in (0, 2, 3))
                      for line in anchor.read_text().splitlines()
                      if " DS " in line)
        got = sorted(tuple(a.split()[i] for i in (0, 2, 3))
                     for a in st["anchors"])
        assert got == want and want, st
    finally:
        r2.stop(timeout=5)
        check_log(r2)


def test_dump_cache(lab):
    """The records resolved are listed with their TTL left and rank, a
    negative answer as a comment; under a name only that subtree; a bad
    name refused."""
    res, sock = lab
    resolve(res.where, "www.%s" % ZONE)
    resolve(res.where, "mail.%s" % ZONE, "MX")
    r = servers.query(res.where, "nope.%s" % ZONE, "A", rd=True, timeout=3)
    assert r.rcode() == 3
    code, st, err = ctl_json(sock, "dump-cache")
    assert code == 0 and st["truncated"] is False, err
    lines = st["records"]
    assert st["lines"] == len(lines) and st["entries"] <= len(lines)
    www = [x for x in lines if x.startswith("www.%s. " % ZONE)]
    assert len(www) == 1 and " IN A 192.0.2.80 ; answer" in www[0], lines
    ttl = int(www[0].split()[1])
    assert 0 < ttl <= 300, www
    # (the target's case is the reply's: 0x20 spelling, names compare
    # without case)
    assert any(x.startswith("mail.%s. " % ZONE) and " in mx 10 www.%s."
               % ZONE in x.lower() for x in lines), lines
    neg = [x for x in lines if x.startswith("; nope.%s. " % ZONE)]
    assert len(neg) == 1 and re.fullmatch(
        r"; nope\.plain\.test\. \d+ NXDOMAIN \(SOA of plain\.test\.\) "
        r"; answer", neg[0]), lines
    code, st, err = ctl_json(sock, "dump-cache", "MAIL.%s" % ZONE)
    assert code == 0 and st["records"], err
    assert all(x.startswith("mail.%s. " % ZONE) for x in st["records"]), st
    code, _, err = ctl(sock, "dump-cache", "bad..name")
    assert code == 1 and "not a domain name" in err


def why(sock, *words):
    code, st, err = ctl_json(sock, "why", *words)
    assert code == 0, err
    return "\n".join(st["why"])


def test_why(lab):
    """What the resolver holds for a question, said as it is: a cached
    answer with its rank, an alias followed link by link, a cached
    NXDOMAIN and the zone that proved it, a name never asked (the stub
    zone's server and what is known of it), local data."""
    res, sock = lab
    resolve(res.where, "www.%s" % ZONE)
    resolve(res.where, "alias.%s" % ZONE)
    servers.query(res.where, "gone.%s" % ZONE, "A", rd=True, timeout=3)
    text = why(sock, "www.%s" % ZONE)
    assert "Cached: www.%s. A, 1 record" % ZONE in text, text
    assert "rank answer: the answer section of an authoritative reply" \
        in text and "192.0.2.80" in text, text
    text = why(sock, "ALIAS.%s" % ZONE)
    assert "Cached: alias.%s. CNAME" % ZONE in text, text
    assert text.index("CNAME") < text.index("Cached: www.%s. A" % ZONE)
    text = why(sock, "gone.%s" % ZONE, "MX")
    assert "gone.%s. does not exist (NXDOMAIN, for every type), as the " \
        "SOA of %s. proved" % (ZONE, ZONE) in text, text
    text = why(sock, "never.%s" % ZONE, "TXT")
    assert "Nothing is cached for never.%s." % ZONE in text, text
    assert "stub zone %s" % ZONE in text and "ms smoothed RTT" in text, text
    text = why(sock, "localhost")
    assert "Local data answers it" in text and "127.0.0.1" in text, text
    code, _, err = ctl(sock, "why", "www.%s" % ZONE, "NOPE")
    assert code == 1 and "not a record type" in err
