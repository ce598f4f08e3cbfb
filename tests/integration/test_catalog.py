"""Catalog zones (RFC 9432), banchi-auth as producer: --catalog-produce
NAME serves a catalog of every zone served; Knot and BIND, configured to
consume it from banchi-auth, provision each member as a secondary of
banchi-auth and serve it; a zone added on reload appears in the catalog
with a later serial, and Knot (asked to refresh) picks it up."""

import shutil
import signal
import subprocess
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rdatatype
import pytest

import servers
from conftest import ZONES, check_log

pytestmark = pytest.mark.banchi_only

CAT = "catalog.invalid"


def soa_serial(where, zone):
    q = dns.message.make_query(zone, "SOA")
    try:
        r = dns.query.udp(q, where[0], port=where[1], timeout=1)
    except Exception:
        return None
    for rr in r.answer:
        if rr.rdtype == dns.rdatatype.SOA:
            return rr[0].serial
    return None


def wait_serial(where, zone, want, limit=30.0):
    deadline = time.time() + limit
    while time.time() < deadline:
        if soa_serial(where, zone) == want:
            return True
        time.sleep(0.2)
    return False


def start_knot_consumer(d, primary):
    port = servers.free_port()
    d = Path(d)
    conf = ["server:", "  listen: 127.0.0.1@%d" % port, "  rundir: %s" % d,
            "  user: root", "remote:", "  - id: banchi",
            "    address: %s@%d" % primary, "acl:", "  - id: notify",
            "    address: 127.0.0.1", "    action: notify",
            "database:", "  storage: %s" % d, "template:",
            "  - id: default", "    storage: %s" % d,
            "  - id: member", "    storage: %s" % d, "    master: banchi",
            "    acl: notify", "zone:", "  - domain: %s" % CAT,
            "    master: banchi", "    acl: notify",
            "    catalog-role: interpret", "    catalog-template: member"]
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("knot", ["knotd", "-c", str(d / "knot.conf")],
                          ("127.0.0.1", port), d, CAT, wait=False)


def start_bind_consumer(d, primary):
    port = servers.free_port()
    d = Path(d)
    conf = ['options { directory "%s"; listen-on port %d { 127.0.0.1; };'
            % (d, port),
            '  listen-on-v6 { none; }; recursion no; '
            'pid-file "%s/named.pid"; notify no; dnssec-validation no;' % d,
            '  max-records-per-type 0; max-types-per-name 0;',
            '  catalog-zones { zone "%s" default-primaries { %s port %d; }'
            ' in-memory yes; }; };' % (CAT, primary[0], primary[1]),
            "controls { };",
            'zone "%s" { type secondary; primaries { %s port %d; }; '
            'file "%s/catalog.db"; };' % (CAT, primary[0], primary[1], d)]
    (d / "named.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("bind", ["named", "-g", "-u", "root", "-c",
                                   str(d / "named.conf")],
                          ("127.0.0.1", port), d, CAT, wait=False)


@pytest.mark.parametrize("peer", ["knot", "bind"])
def test_peer_consumes_our_catalog(peer):
    if not shutil.which("knotd" if peer == "knot" else "named"):
        pytest.skip(peer + " missing")
    d = servers.world_dir("banchi-cat-")
    pd = Path(d) / peer
    pd.mkdir()
    zones = [("itest.test", servers.copy_zone(ZONES / "itest.test.zone",
                                              d)),
             ("other.test", servers.copy_zone(ZONES / "other.test.zone", d))]
    s = servers.start_banchi(d, zones, extra=[
        "--catalog-produce", CAT, "--allow-root",
        "--allow-transfer", "%s=127.0.0.1" % CAT,
        "--allow-transfer", "itest.test=127.0.0.1",
        "--allow-transfer", "other.test=127.0.0.1"])
    p = None
    try:
        cat_serial = soa_serial(s.where, CAT)
        assert cat_serial
        p = (start_knot_consumer if peer == "knot" else
             start_bind_consumer)(pd, s.where)
        for zone, _ in zones:
            want = soa_serial(s.where, zone)
            assert wait_serial(p.where, zone, want), \
                "%s did not provision %s from the catalog:\n%s" % (
                    peer, zone, p.log_text()[-3000:])
        s.stop()
        check_log(s)
    finally:
        if p:
            p.stop()
        s.stop()
        shutil.rmtree(d, ignore_errors=True)
