"""Catalog zones (RFC 9432), banchi-auth as producer: --catalog-produce
NAME serves a catalog of every zone served; Knot and BIND, configured to
consume it from banchi-auth, provision each member as a secondary of
banchi-auth and serve it; a zone added on reload appears in the catalog
with a later serial, and Knot (asked to refresh) picks it up."""

import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsigkeyring
import dns.update
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


@pytest.mark.slow
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


# banchi-auth as a catalog consumer (RFC 9432): the catalog and its
# members transferred from Knot (over TSIG), members followed as the
# catalog changes, and served from the zone dir after a restart.

CKEY = "cat-key"
CSECRET = "Y2F0YWxvZy1jb25zdW1lci10ZXN0LWtleS0zMmJ5dGVzIQ=="
CKEYRING = dns.tsigkeyring.from_text({CKEY: CSECRET})
MEMBERS = ["m1.test", "m2.test", "m3.test"]


def member_zone(zone, serial):
    return "\n".join([
        "$ORIGIN %s." % zone, "$TTL 300",
        "@ SOA ns hostmaster %d 3600 600 1209600 60" % serial,
        "@ NS ns", "ns A 192.0.2.1", "www A 192.0.2.%d" % (serial % 250),
        'txt TXT "%s"' % zone]) + "\n"


def catalog_zone(members, serial=1, extra=()):
    lines = ["$ORIGIN %s." % CAT, "$TTL 0",
             "@ SOA invalid. invalid. %d 3600 600 1209600 0" % serial,
             "@ NS invalid.", 'version TXT "2"']
    for i, m in enumerate(members):
        lines.append("u%d.zones PTR %s." % (MEMBERS.index(m), m))
    return "\n".join(lines + list(extra)) + "\n"


def start_knot_primary(d, bport):
    port = servers.free_port()
    conf = ["server:", "  listen: 127.0.0.1@%d" % port, "  rundir: %s" % d,
            "  user: root", "key:", "  - id: %s" % CKEY,
            "    algorithm: hmac-sha256", "    secret: %s" % CSECRET,
            "remote:", "  - id: banchi", "    address: 127.0.0.1@%d" % bport,
            "    key: %s" % CKEY, "acl:", "  - id: a",
            "    address: 127.0.0.1", "    key: %s" % CKEY,
            "    action: [transfer, update]", "database:",
            "  storage: %s" % d, "template:", "  - id: default",
            "    storage: %s" % d, "    zonefile-sync: -1",
            "    semantic-checks: off", "    notify: banchi", "    acl: a",
            "zone:", "  - domain: %s" % CAT,
            "    file: %s/%s.zone" % (d, CAT)]
    for m in MEMBERS:
        conf += ["  - domain: %s" % m, "    file: %s/%s.zone" % (d, m)]
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return servers.Server("knot", ["knotd", "-c", str(d / "knot.conf")],
                          ("127.0.0.1", port), d, CAT)


def start_consumer(d, bport, primary, extra=(), wait=True):
    argv = [str(servers.banchi_binary()), "--listen", "127.0.0.1:%d" % bport,
            "--threads", "2", "--allow-root",
            "--catalog-consume", "%s=127.0.0.1:%d@%s" % (CAT, primary, CKEY),
            "--key", "hmac-sha256:%s:%s" % (CKEY, CSECRET),
            "--zone-dir", str(d / "zd"),
            # the members take the catalog's allow-transfer
            "--allow-transfer", "%s=127.0.0.1" % CAT] + list(extra)
    return servers.Server("banchi-auth", argv, ("127.0.0.1", bport), d, CAT,
                          wait=wait)


def axfr_set(where, zone, keyring=None):
    msgs = dns.query.xfr(where[0], zone, port=where[1], keyring=keyring,
                         keyname=CKEY if keyring else None, lifetime=10)
    return {(rrset.name.to_text().lower(), rrset.rdtype, rrset.ttl,
             rd.to_text().lower())
            for m in msgs for rrset in m.answer for rd in rrset}


def rcode(where, zone):
    q = dns.message.make_query(zone, "SOA")
    return dns.query.udp(q, where[0], port=where[1], timeout=2).rcode()


def wait_for(what, fn, limit=30.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if fn():
            return
        time.sleep(0.2)
    raise AssertionError("not within %.0f s: %s" % (limit, what))


def cat_update(where, add=(), delete=()):
    u = dns.update.UpdateMessage(CAT, keyring=CKEYRING, keyname=CKEY)
    for m in add:
        u.add("u%d.zones" % MEMBERS.index(m), 0, "PTR", m + ".")
    for m in delete:
        u.delete("u%d.zones" % MEMBERS.index(m), "PTR")
    r = dns.query.tcp(u, where[0], port=where[1], timeout=5)
    assert r.rcode() == dns.rcode.NOERROR, r


@pytest.fixture
def cworld():
    d = servers.world_dir("banchi-catc-")
    procs = []
    try:
        yield d, procs
    finally:
        for p in procs:
            p.stop(timeout=5)
        for p in procs:
            if p.name.startswith("banchi"):
                check_log(p)
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.slow
def test_consume_knot_catalog(cworld):
    if not shutil.which("knotd"):
        pytest.skip("knotd missing")
    d, procs = cworld
    kd = d / "knot"
    kd.mkdir()
    (kd / (CAT + ".zone")).write_text(catalog_zone(MEMBERS[:2], extra=[
        # a property, a member with two PTRs (broken: ignored), a record
        # elsewhere: none is a member
        "group.u0.zones TXT \"g\"", "bad.zones PTR x1.test.",
        "bad.zones PTR x2.test.", "other PTR x3.test."]))
    for i, m in enumerate(MEMBERS):
        (kd / (m + ".zone")).write_text(member_zone(m, 10 + i))
    bport = servers.free_port()
    k = start_knot_primary(kd, bport)
    procs.append(k)
    b = start_consumer(d, bport, k.where[1])
    procs.append(b)
    for m in MEMBERS[:2]:
        wait_for("%s served" % m, lambda m=m: soa_serial(b.where, m) ==
                 soa_serial(k.where, m))
        assert axfr_set(b.where, m) == axfr_set(k.where, m, CKEYRING)
    assert rcode(b.where, MEMBERS[2]) == dns.rcode.REFUSED
    for x in ("x1.test", "x2.test", "x3.test"):
        assert rcode(b.where, x) == dns.rcode.REFUSED
    zd = d / "zd"
    assert (zd / "m1.test.zone").exists() and (zd / "m2.test.zone").exists()

    # m3 added, m1 removed at the primary: Knot's NOTIFY for the catalog
    # brings the change (SOA refresh 3600: only the NOTIFY explains it)
    cat_update(k.where, add=["m3.test"], delete=["m1.test"])
    wait_for("m3 served", lambda: soa_serial(b.where, "m3.test") == 12)
    assert axfr_set(b.where, "m3.test") == axfr_set(k.where, "m3.test",
                                                     CKEYRING)
    wait_for("m1 gone", lambda: rcode(b.where, "m1.test") ==
             dns.rcode.REFUSED)
    assert not (zd / "m1.test.zone").exists()
    assert not (zd / "m1.test.jnl").exists()
    assert soa_serial(b.where, "m2.test") == 11
    log = b.log_text()
    assert "member m1.test. removed" in log, log[-3000:]
    assert "member m3.test. added" in log, log[-3000:]

    # a reload keeps the members (they are not in the config)
    b.signal(signal.SIGHUP)
    wait_for("reloaded", lambda: re.search(r"reload: \d+ zones served",
                                           b.log_text()))
    assert soa_serial(b.where, "m2.test") == 11
    assert soa_serial(b.where, "m3.test") == 12
    assert rcode(b.where, "m1.test") == dns.rcode.REFUSED

    # a member's own NOTIFY and IXFR reach it (key of the catalog)
    u = dns.update.UpdateMessage("m2.test", keyring=CKEYRING, keyname=CKEY)
    u.add("new", 300, "A", "192.0.2.77")
    assert dns.query.tcp(u, k.where[0], port=k.where[1],
                         timeout=5).rcode() == dns.rcode.NOERROR
    wait_for("m2 updated", lambda: soa_serial(b.where, "m2.test") == 12)
    assert axfr_set(b.where, "m2.test") == axfr_set(k.where, "m2.test",
                                                    CKEYRING)

    # restart without the primary: the members come from the zone dir
    want = {m: axfr_set(b.where, m) for m in ("m2.test", "m3.test")}
    b.stop()
    k.stop()
    check_log(b)
    b.log = b.log.rename(d / "banchi-auth-1.log")
    b2 = start_consumer(d, bport, k.where[1])
    procs.append(b2)
    for m in ("m2.test", "m3.test"):
        assert axfr_set(b2.where, m) == want[m]
    assert rcode(b2.where, "m1.test") == dns.rcode.REFUSED


def knot_generate_conf(d, port, bport, members):
    conf = ["server:", "  listen: 127.0.0.1@%d" % port, "  rundir: %s" % d,
            "  user: root", "remote:", "  - id: banchi",
            "    address: 127.0.0.1@%d" % bport, "acl:", "  - id: a",
            "    address: 127.0.0.1", "    action: transfer", "database:",
            "  storage: %s" % d, "template:", "  - id: default",
            "    storage: %s" % d, "    zonefile-sync: -1",
            "    semantic-checks: off", "    notify: banchi", "    acl: a",
            "zone:", "  - domain: %s" % CAT, "    catalog-role: generate"]
    for m in members:
        conf += ["  - domain: %s" % m, "    file: %s/%s.zone" % (d, m),
                 "    catalog-role: member", "    catalog-zone: %s" % CAT]
    (d / "knot.conf").write_text("\n".join(conf) + "\n")


def test_consume_knot_generated_catalog(cworld):
    """Knot makes the catalog itself (catalog-role: generate); a member
    added to and one removed from Knot's config (knotc reload) reach
    banchi-auth by Knot's NOTIFY of the catalog."""
    if not shutil.which("knotd") or not shutil.which("knotc"):
        pytest.skip("knotd missing")
    d, procs = cworld
    kd = d / "knot"
    kd.mkdir()
    for i, m in enumerate(MEMBERS):
        (kd / (m + ".zone")).write_text(member_zone(m, 10 + i))
    port, bport = servers.free_port(), servers.free_port()
    knot_generate_conf(kd, port, bport, MEMBERS[:2])
    k = servers.Server("knot", ["knotd", "-c", str(kd / "knot.conf")],
                       ("127.0.0.1", port), kd, MEMBERS[0])
    procs.append(k)
    # Knot answers its catalog's SOA over TCP only: banchi-auth's refresh
    # falls back to TCP when the UDP query fails
    argv = [str(servers.banchi_binary()), "--listen", "127.0.0.1:%d" % bport,
            "--threads", "2", "--allow-root",
            "--catalog-consume", "%s=127.0.0.1:%d" % (CAT, port),
            "--zone-dir", str(d / "zd"),
            "--allow-transfer", "%s=127.0.0.1" % CAT]
    b = servers.Server("banchi-auth", argv, ("127.0.0.1", bport), d, CAT)
    procs.append(b)
    for m in MEMBERS[:2]:
        wait_for("%s served" % m, lambda m=m: soa_serial(b.where, m) ==
                 soa_serial(k.where, m))
        assert axfr_set(b.where, m) == axfr_set(k.where, m)
    knot_generate_conf(kd, port, bport, MEMBERS[1:])
    r = subprocess.run(["knotc", "-c", str(kd / "knot.conf"), "reload"],
                       capture_output=True, timeout=20, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    wait_for("m3 served", lambda: soa_serial(b.where, "m3.test") == 12)
    wait_for("m1 gone", lambda: rcode(b.where, "m1.test") ==
             dns.rcode.REFUSED)
    assert soa_serial(b.where, "m2.test") == 11
    assert not (d / "zd" / "m1.test.zone").exists()


def test_consume_config_wins(cworld):
    """A member that is also a zone of the config keeps the config's."""
    if not shutil.which("knotd"):
        pytest.skip("knotd missing")
    d, procs = cworld
    kd = d / "knot"
    kd.mkdir()
    (kd / (CAT + ".zone")).write_text(catalog_zone(MEMBERS[:2]))
    for i, m in enumerate(MEMBERS):
        (kd / (m + ".zone")).write_text(member_zone(m, 10 + i))
    (d / "m1.local").write_text(member_zone("m1.test", 500))
    bport = servers.free_port()
    k = start_knot_primary(kd, bport)
    procs.append(k)
    b = start_consumer(d, bport, k.where[1],
                       extra=["--zone", "m1.test=%s" % (d / "m1.local")])
    procs.append(b)
    wait_for("m2 served", lambda: soa_serial(b.where, "m2.test") == 11)
    assert soa_serial(b.where, "m1.test") == 500
    assert "member m1.test. ignored: a zone of the config" in b.log_text()
    # a catalog without version 2 is not processed: members kept
    (kd / (CAT + ".zone")).write_text(
        catalog_zone([], serial=5).replace('version TXT "2"',
                                           'version TXT "1"'))
    subprocess.run(["knotc", "-c", str(kd / "knot.conf"), "zone-reload",
                    CAT], check=False, capture_output=True, timeout=10)
    wait_for("version 1 refused", lambda: "not a catalog zone of version 2"
             in b.log_text())
    assert soa_serial(b.where, "m2.test") == 11


def test_consume_banchi_catalog(cworld):
    """One banchi-auth consumes the catalog another produces; a zone
    added to the producer (reload) reaches the consumer after a NOTIFY
    of the catalog, a zone taken out leaves it."""
    d, procs = cworld
    pd = d / "prod"
    pd.mkdir()
    names = ["itest.test", "other.test"]
    for n in names:
        servers.copy_zone(ZONES / ("%s.zone" % n), pd)
    pport, bport = servers.free_port(), servers.free_port()

    def prod_conf(zones):
        lines = ["server:", "  listen: [127.0.0.1:%d]" % pport,
                 "  catalog-produce: %s" % CAT, "zones:"]
        for n in zones:
            lines += ["  - name: %s" % n, "    file: %s.zone" % n,
                      "    allow-transfer: 127.0.0.1"]
        (pd / "auth.yaml").write_text("\n".join(lines) + "\n")

    prod_conf(names[:1])
    argv = [str(servers.banchi_binary()), "-c", str(pd / "auth.yaml"),
            "--threads", "1", "--allow-root",
            "--allow-transfer", "%s=127.0.0.1" % CAT]
    p = servers.Server("banchi-prod", argv, ("127.0.0.1", pport), pd,
                       names[0])
    procs.append(p)
    argv = [str(servers.banchi_binary()), "--listen", "127.0.0.1:%d" % bport,
            "--threads", "2", "--allow-root",
            "--catalog-consume", "%s=127.0.0.1:%d" % (CAT, pport),
            "--zone-dir", str(d / "zd")]
    b = servers.Server("banchi-auth", argv, ("127.0.0.1", bport), d, CAT)
    procs.append(b)
    wait_for("itest served", lambda: soa_serial(b.where, names[0]) ==
             soa_serial(p.where, names[0]))
    assert rcode(b.where, names[1]) == dns.rcode.REFUSED

    def notify_cat():
        m = dns.message.make_query(CAT, "SOA")
        m.set_opcode(dns.opcode.NOTIFY)
        m.flags |= dns.flags.AA
        r = dns.query.udp(m, "127.0.0.1", port=bport, timeout=3)
        assert r.rcode() == dns.rcode.NOERROR

    before = soa_serial(p.where, CAT)
    prod_conf(names[1:])
    p.signal(signal.SIGHUP)
    wait_for("producer catalog changed", lambda:
             soa_serial(p.where, CAT) not in (None, before))
    notify_cat()
    wait_for("other served", lambda: soa_serial(b.where, names[1]) ==
             soa_serial(p.where, names[1]))
    wait_for("itest gone", lambda: rcode(b.where, names[0]) ==
             dns.rcode.REFUSED)
    assert not (d / "zd" / "itest.test.zone").exists()
