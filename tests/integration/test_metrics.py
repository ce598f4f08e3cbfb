"""The Prometheus endpoint (--metrics) of banchi-auth and banchi-resolver:
the text passes `promtool check metrics` and parses with the Prometheus
client library's parser, each
family has the type its name says, the counters count exactly the
queries sent (by transport, type, rcode, kind), only grow from scrape to
scrape, agree with banchi-ctl stats, and the latency histogram is
consistent; HTTP mistakes get their status codes; the endpoint is off
unless asked for, and a port alone means loopback."""

import shutil
import socket
import subprocess
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

import servers
from conftest import check_log
from test_ctl import ctl_json, wait_until, zone_text

pytestmark = pytest.mark.banchi_only

ZONE = "metrics.test"


def scrape(port, path="/metrics", method="GET"):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path),
                                 method=method)
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.status, r.headers, r.read().decode()


def promtool(text):
    """promtool's lint of the exposition (naming, types, help): none."""
    r = subprocess.run(["promtool", "check", "metrics"], input=text,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and not r.stdout.strip() and \
        not r.stderr.strip(), r.stdout + r.stderr


def samples(text):
    """{(name, frozenset(labels)): value} and {family: type}."""
    out, types = {}, {}
    for fam in text_string_to_metric_families(text):
        types[fam.name] = fam.type
        for s in fam.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out, types


def value(s, name, **labels):
    return s.get((name, frozenset(labels.items())), 0)


def check_conventions(types):
    for name, kind in types.items():
        # the parser strips _total from counter family names
        if kind == "counter":
            assert name.startswith("banchi_"), name
        if kind == "gauge":
            assert not name.endswith("_total"), name
    assert any(k == "histogram" for k in types.values())


def check_histogram(s, prefix):
    fam = prefix + "reply_latency_seconds"
    buckets = sorted((float(dict(k[1])["le"]), v) for k, v in s.items()
                     if k[0] == fam + "_bucket")
    counts = [v for _, v in buckets]
    assert counts == sorted(counts), "buckets must be cumulative"
    assert buckets[-1][0] == float("inf")
    assert buckets[-1][1] == value(s, fam + "_count")
    assert value(s, fam + "_sum") >= 0
    return buckets[-1][1]


@pytest.fixture(scope="module")
def auth():
    d = servers.world_dir("banchi-metrics-")
    zone = d / "z.zone"
    zone.write_text(zone_text(ZONE, 7))
    zone.chmod(0o644)
    port = servers.free_port()
    sock = d / "auth.ctl"
    srv = servers.start_banchi(d, [(ZONE, zone)],
                               extra=["--metrics", str(port),
                                      "--control", str(sock)])
    try:
        yield srv, port, sock
    finally:
        srv.stop(timeout=5)
        check_log(srv)
        shutil.rmtree(d, ignore_errors=True)


def test_auth_counts(auth):
    srv, port, sock = auth
    code, hdr, text = scrape(port)
    assert code == 200 and hdr["Content-Type"].startswith("text/plain")
    before, types = samples(text)
    check_conventions(types)
    sent = [("www", "A", 0, "answer"), ("www", "AAAA", 0, "nodata"),
            ("nope", "A", 3, "nxdomain"), ("mail", "MX", 0, "answer"),
            ("txt", "TXT", 0, "answer"), ("@", "SOA", 0, "answer")]
    for name, rtype, rcode, _ in sent:
        qname = ZONE if name == "@" else "%s.%s" % (name, ZONE)
        r = servers.query(srv.where, qname, rtype)
        assert r.rcode() == rcode
    r = servers.query(srv.where, "www." + ZONE, "A", tcp=True)
    assert r.rcode() == 0
    r = servers.query(srv.where, "elsewhere.example", "A")
    assert r.rcode() == 5                       # REFUSED
    _, _, text = scrape(port)
    promtool(text)
    after, _ = samples(text)
    d = {k: after[k] - before.get(k, 0) for k in after}

    def delta(name, **labels):
        return d.get((name, frozenset(labels.items())), 0)
    assert delta("banchi_auth_queries_total", transport="udp") == 7
    assert delta("banchi_auth_queries_total", transport="tcp") == 1
    assert delta("banchi_auth_replies_by_qtype_total", qtype="A") == 4
    assert delta("banchi_auth_replies_by_qtype_total", qtype="MX") == 1
    assert delta("banchi_auth_replies_by_qtype_total", qtype="SOA") == 1
    assert delta("banchi_auth_replies_by_rcode_total", rcode="NXDOMAIN") == 1
    assert delta("banchi_auth_replies_by_rcode_total", rcode="REFUSED") == 1
    assert delta("banchi_auth_replies_by_rcode_total", rcode="NOERROR") == 6
    assert delta("banchi_auth_replies_by_kind_total", kind="answer") == 5
    assert delta("banchi_auth_replies_by_kind_total", kind="nodata") == 1
    assert delta("banchi_auth_replies_by_kind_total", kind="error") == 1
    assert delta("banchi_auth_reply_latency_seconds_count") == 8
    check_histogram(after, "banchi_auth_")
    assert value(after, "banchi_auth_zones") == 1
    assert value(after, "banchi_auth_records") == 6
    # every counter only grows
    for k, v in before.items():
        if types.get(k[0].removesuffix("_total")) == "counter":
            assert after[k] >= v, k
    # banchi-ctl stats reads the same counters
    _, st, _ = ctl_json(sock, "stats")
    assert st["queries_udp"] == value(after, "banchi_auth_queries_total",
                                      transport="udp")


def test_http_mistakes(auth):
    _, port, _ = auth
    for path, status in (("/", 404), ("/nothing", 404)):
        with pytest.raises(urllib.error.HTTPError) as e:
            scrape(port, path)
        assert e.value.code == status
    with pytest.raises(urllib.error.HTTPError) as e:
        scrape(port, "/metrics", method="POST")
    assert e.value.code == 405
    code, hdr, body = scrape(port, "/metrics", method="HEAD")
    assert code == 200 and body == "" and int(hdr["Content-Length"]) > 100
    # garbage and a silent client: the endpoint keeps answering
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"\x00\x01garbage\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.0 400")
    idle = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        assert scrape(port)[0] == 200
    finally:
        idle.close()


def test_off_by_default():
    d = servers.world_dir("banchi-metrics-off-")
    try:
        zone = d / "z.zone"
        zone.write_text(zone_text(ZONE, 1))
        zone.chmod(0o644)
        other = servers.start_banchi(d, [(ZONE, zone)],
                                     extra=["--control", "none"])
        try:
            # it listens on TCP for DNS only (one socket per thread)
            out = subprocess.run(["ss", "-Hltnp"], capture_output=True,
                                 text=True, timeout=10).stdout
            mine = [ln for ln in out.splitlines()
                    if "pid=%d," % other.pid in ln]
            assert mine and all(":%d " % other.where[1] in ln
                                for ln in mine), mine
        finally:
            other.stop(timeout=5)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_bad_address_refused(auth):
    _, port, _ = auth
    d = servers.world_dir("banchi-metrics-bad-")
    try:
        zone = d / "z.zone"
        zone.write_text(zone_text(ZONE, 1))
        for arg, why in (("127.0.0.1:99999", "is not ADDR:PORT"),
                         ("nowhere", "is not ADDR:PORT"),
                         (str(port), "Address already in use")):
            r = subprocess.run([str(servers.banchi_binary()), "--metrics",
                                arg, "--zone", "%s=%s" % (ZONE, zone),
                                "--listen", "127.0.0.1:%d" %
                                servers.free_port(), "--control", "none"],
                               capture_output=True, text=True, timeout=20)
            assert r.returncode != 0 and why in r.stderr, (arg, r.stderr)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def resolver():
    d = servers.world_dir("banchi-metricsr-")
    zone = d / "z.zone"
    zone.write_text(zone_text(ZONE, 3))
    zone.chmod(0o644)
    auth = servers.start_banchi(d, [(ZONE, zone)],
                                extra=["--control", "none"])
    mport = servers.free_port()
    res = servers.start_resolver_stub(d, ZONE, auth, [
        "--control", "none", "--metrics", "127.0.0.1:%d" % mport])
    try:
        wait_until("resolver metrics", lambda: _up(mport))
        yield res, mport
    finally:
        for s in (res, auth):
            s.stop(timeout=5)
            check_log(s)
        shutil.rmtree(d, ignore_errors=True)


def _up(port):
    try:
        return scrape(port)[0] == 200
    except OSError:
        return False


def test_resolver_counts(resolver):
    res, port = resolver
    before, types = samples(scrape(port)[2])
    check_conventions(types)
    for _ in range(2):      # a miss, then a cache hit
        r = servers.query(res.where, "www." + ZONE, "A", rd=True, timeout=3)
        assert r.rcode() == 0 and r.answer
    r = servers.query(res.where, "nope." + ZONE, "A", rd=True, timeout=3)
    assert r.rcode() == 3
    text = scrape(port)[2]
    promtool(text)
    after, _ = samples(text)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)
    P = "banchi_resolver_"
    assert delta(P + "queries_total", transport="udp") == 3
    assert delta(P + "replies_by_kind_total", kind="answer") == 2
    assert delta(P + "replies_by_kind_total", kind="nxdomain") == 1
    assert delta(P + "replies_by_qtype_total", qtype="A") == 3
    assert delta(P + "cache_answers_total") >= 1
    assert delta(P + "upstream_queries_total", transport="udp") >= 2
    assert delta(P + "reply_latency_seconds_count") == 3
    check_histogram(after, P)
    assert value(after, P + "cache_entries") >= 2
