"""Secondary zones changed by SIGHUP: banchi-auth runs from a YAML
config file with no secondary at first (the refresher starts on the
reload that brings the first ones), then the file is edited and the
daemon sent SIGHUP each time: a zone newly listed is transferred at
once; a zone no longer listed stops being served while its stored copy
stays in the zone dir (and serves at once when listed again); a zone
whose primaries changed refreshes from the new primary; the others are
not transferred again. Two Knot primaries serve the zones (Knot
started here, as in test_secondary.py)."""

import shutil
import time

import dns.rcode
import pytest

import servers
from conftest import check_log

pytestmark = pytest.mark.banchi_only

ZONES = ("a.test", "b.test", "c.test", "d.test")


def zone_text(origin, serial, www):
    return "\n".join([
        "$ORIGIN %s." % origin, "$TTL 300",
        "@ SOA ns hostmaster %d 3600 600 1209600 60" % serial,
        "@ NS ns", "ns A 192.0.2.1", "www A %s" % www]) + "\n"


def start_primary(d, port, serials):
    """Knot serving each zone of serials (origin -> serial) to anyone on
    127.0.0.1; www's address tells the primaries apart."""
    d.mkdir()
    conf = ["server:", "  listen: 127.0.0.1@%d" % port, "  rundir: %s" % d,
            "  user: root", "acl:", "  - id: x", "    address: 127.0.0.1",
            "    action: transfer", "database:", "  storage: %s" % d,
            "template:", "  - id: default", "    storage: %s" % d,
            "    zonefile-sync: -1", "    semantic-checks: off",
            "    acl: x", "zone:"]
    for origin, serial in serials.items():
        zp = d / (origin + ".zone")
        zp.write_text(zone_text(origin, serial, "192.0.2.%d" % (port % 200)))
        conf += ["  - domain: %s" % origin, "    file: %s" % zp]
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("knot", ["knotd", "-c", str(d / "knot.conf")],
                          ("127.0.0.1", port), d, next(iter(serials)))


def write_config(path, bport, zd, secondaries, files=("file.test",)):
    """secondaries: origin -> primary port; files: zones served from
    DIR/ORIGIN.zone (file.test keeps the daemon answering, and the
    config valid, when no secondary is listed)."""
    lines = ["server:", "  listen: 127.0.0.1:%d" % bport,
             "  zone-dir: %s" % zd, "  threads: 2", "zones:"]
    for origin in files:
        lines += ["  - name: %s" % origin,
                  "    file: %s" % (path.parent / (origin + ".zone"))]
    for origin, port in secondaries.items():
        lines += ["  - name: %s" % origin,
                  "    primaries: 127.0.0.1:%d" % port,
                  "    allow-transfer: 127.0.0.1"]
    path.write_text("\n".join(lines) + "\n")


def soa(where, origin):
    r = servers.query(where, origin, "SOA")
    if r.rcode() != dns.rcode.NOERROR or not r.answer:
        return r.rcode()
    return r.answer[0][0].serial


def www(where, origin):
    r = servers.query(where, "www." + origin, "A")
    return r.answer[0][0].address if r.answer else None


def wait_until(what, fn, limit):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if fn():
            return
        time.sleep(0.1)
    raise AssertionError("not within %.0f s: %s" % (limit, what))


def transfers(log, origin):
    """The transfers in logged for a zone (AXFR and IXFR)."""
    return sum(1 for line in log.splitlines()
               if "zone %s.: AXFR from" % origin in line or
               "zone %s.: IXFR from" % origin in line)


@pytest.fixture
def world():
    d = servers.world_dir("banchi-secrl-")
    procs = []
    try:
        yield d, procs
    finally:
        for p in procs:
            p.stop(timeout=5)
        for p in procs:
            if p.name == "banchi-auth":
                check_log(p)
        shutil.rmtree(d, ignore_errors=True)


def test_secondaries_follow_the_config(world):
    d, procs = world
    p1port, p2port, bport = (servers.free_port(), servers.free_port(),
                             servers.free_port())
    p1 = start_primary(d / "p1", p1port, {z: 1 for z in ZONES})
    procs.append(p1)
    p2 = start_primary(d / "p2", p2port, {"a.test": 5})
    procs.append(p2)
    (d / "file.test.zone").write_text(zone_text("file.test", 1,
                                                "192.0.2.50"))
    cfg, zd = d / "banchi.yaml", d / "zd"
    write_config(cfg, bport, zd, {})
    b = servers.Server("banchi-auth", [str(servers.banchi_binary()), "-c",
                                       str(cfg)], ("127.0.0.1", bport), d,
                       "file.test")
    procs.append(b)
    assert soa(b.where, "a.test") == dns.rcode.REFUSED

    def reload(secondaries, mark, files=("file.test",)):
        write_config(cfg, bport, zd, secondaries, files)
        before = b.log_text().count("secondary zones here")
        b.signal(1)
        wait_until(mark, lambda: b.log_text().count(
            "secondary zones here") > before, 10)

    # the first secondaries come by reload: transferred at once
    reload({"a.test": p1port, "b.test": p1port, "d.test": p1port},
           "first secondaries")
    for z in ("a.test", "b.test", "d.test"):
        wait_until(z + " served", lambda z=z: soa(b.where, z) == 1, 15)
    assert www(b.where, "a.test") == "192.0.2.%d" % (p1port % 200)
    assert (zd / "b.test.zone").exists()
    log = b.log_text()
    assert transfers(log, "d.test") == 1

    # b removed, c added, a's primary changed, d untouched
    reload({"a.test": p2port, "c.test": p1port, "d.test": p1port},
           "second reload")
    wait_until("c.test served", lambda: soa(b.where, "c.test") == 1, 15)
    wait_until("a.test from the new primary",
               lambda: soa(b.where, "a.test") == 5, 15)
    assert www(b.where, "a.test") == "192.0.2.%d" % (p2port % 200)
    assert soa(b.where, "b.test") == dns.rcode.REFUSED
    assert (zd / "b.test.zone").exists() and (zd / "b.test.jnl").exists()
    assert soa(b.where, "d.test") == 1
    assert soa(b.where, "file.test") == 1
    log = b.log_text()
    assert "zone b.test.: no longer a secondary in the config" in log
    assert "zone a.test.: primaries or key changed by the reload" in log
    assert "AXFR from 127.0.0.1:%d: serial 5" % p2port in log
    assert transfers(log, "d.test") == 1, "d.test transferred again"
    r = servers.query(b.where, "c.test", "AXFR", tcp=True)
    assert r.rcode() == dns.rcode.NOERROR

    # b listed again: its stored copy served, no new transfer (same
    # serial at the primary); the rest as it was
    p1.stop()
    reload({"a.test": p2port, "b.test": p1port, "c.test": p1port,
            "d.test": p1port}, "third reload")
    wait_until("b.test served again", lambda: soa(b.where, "b.test") == 1,
               10)
    log = b.log_text()
    assert "zone b.test.: a new secondary (reload): its stored copy " \
        "served" in log
    assert transfers(log, "b.test") == 1
    assert transfers(log, "d.test") == 1
    assert soa(b.where, "a.test") == 5

    # every secondary gone, c.test a file zone now: only it and
    # file.test served, the daemon lives on
    (d / "c.test.zone").write_text(zone_text("c.test", 9, "192.0.2.9"))
    reload({}, "fourth reload", files=("file.test", "c.test"))
    wait_until("all dropped", lambda: all(
        soa(b.where, z) == dns.rcode.REFUSED for z in
        ("a.test", "b.test", "d.test")), 10)
    assert soa(b.where, "file.test") == 1
    assert soa(b.where, "c.test") == 9
    assert www(b.where, "c.test") == "192.0.2.9"
    assert b.stop() == 0
