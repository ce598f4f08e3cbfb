"""dnstap and the text query log (src/qlog, doc/query-log.md), read by
the tools operators use: banchi-auth's --dnstap on a UNIX socket read by
fstrm_capture (Frame Streams handshake) and decoded by BIND's dnstap-read
and by kdig -G; a dnstap file likewise; every query sent with dig is
there as AUTH_QUERY and AUTH_RESPONSE with its name, type, id, addresses,
ports, transport and the rcode dig saw. A reader that stops reading
does not stop the answers: dnsperf loses nothing, the messages the
reader could not take are counted as dropped in the metrics, and
written plus dropped add up to the queries. The text log's lines carry
what dig saw; sampling and the rate limit log what they say. Then
banchi-resolver's CLIENT_QUERY and CLIENT_RESPONSE (answered from the
cache and after a resolution), and both daemons under the sandbox with
dnstap on, connecting to a reader that came after them."""

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

import servers
from conftest import check_log
from test_ctl import wait_until, zone_text

pytestmark = pytest.mark.banchi_only
ZONE = "tap.test"
NAMES = ["www", "mail", "ns1", "nope", "sub"]


def need(*tools):
    for t in tools:
        if not shutil.which(t):
            pytest.skip("no %s" % t)


@pytest.fixture
def lab():
    need("fstrm_capture", "dnstap-read", "dig", "kdig")
    d = servers.world_dir("banchi-dnstap-")
    d.chmod(0o777)          # the daemons' user may reconnect there
    zone = d / "z.zone"
    zone.write_text(zone_text(ZONE, 1, extra=[
        "www AAAA 2001:db8::80", "mail A 192.0.2.25", "sub NS ns.sub",
        "ns.sub A 192.0.2.99"]))
    zone.chmod(0o644)
    procs = []
    try:
        yield d, zone, procs
    finally:
        for p in procs:
            if isinstance(p, servers.Server):
                p.stop(timeout=10)
                check_log(p)
            elif p.poll() is None:
                p.send_signal(signal.SIGCONT)
                p.kill()
                p.wait(5)
        shutil.rmtree(d, ignore_errors=True)


class Capture:
    """fstrm_capture on a UNIX socket, writing a dnstap file."""

    def __init__(self, d, name="tap"):
        self.sock = d / (name + ".sock")
        self.out = d / (name + ".fstrm")
        self.proc = subprocess.Popen(
            ["fstrm_capture", "-t", "protobuf:dnstap.Dnstap", "-u",
             str(self.sock), "-w", str(self.out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until("fstrm_capture's socket", self.sock.exists)
        os.chmod(self.sock, 0o777)

    def poll(self):
        return self.proc.poll()

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def kill(self):
        self.proc.kill()

    def wait(self, t):
        return self.proc.wait(t)

    def finish(self):
        """Ends the capture (the file is whole once it exits)."""
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(10)
        return self.out


def tap_yaml(path):
    """dnstap-read -y's text of the capture."""
    r = subprocess.run(["dnstap-read", "-y", str(path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def read_tap(path):
    """dnstap-read -y: one dict per dnstap message."""
    return [m for m in yaml.safe_load_all(tap_yaml(path)) if m]


def count_tap(path, kind):
    """How many messages of that type dnstap-read -y finds (a count of
    its message type lines: tens of thousands of messages take Python's
    YAML reader most of a minute)."""
    return len(re.findall(r"^  type: %s$" % kind, tap_yaml(path), re.M))


def dig(where, name, qtype, tcp=False, sport=None, extra=()):
    """dig's answer: {id, status, answers, size, sport}."""
    sport = sport or servers.free_port()
    argv = ["dig", "-p", str(where[1]), "@" + where[0], "-b",
            "%s#%d" % (where[0], sport), "+tries=1", "+time=3",
            "+norecurse", name, qtype] + list(extra)
    if tcp:
        argv.append("+tcp")
    out = subprocess.run(argv, capture_output=True, text=True,
                         timeout=20).stdout
    m = re.search(r"status: (\w+), id: (\d+)", out)
    assert m, out
    an = re.search(r"ANSWER: (\d+)", out)
    size = re.search(r"MSG SIZE\s+rcvd: (\d+)", out)
    return {"id": int(m.group(2)), "status": m.group(1),
            "answers": int(an.group(1)), "size": int(size.group(1)),
            "sport": sport, "name": name, "type": qtype, "tcp": tcp}


def sent_set(where):
    out = []
    for i, n in enumerate(NAMES):
        for qtype in ("A", "AAAA", "MX"):
            out.append(dig(where, "%s.%s" % (n, ZONE), qtype,
                           tcp=(i + len(qtype)) % 3 == 0))
    out.append(dig(where, "elsewhere.example", "A"))   # REFUSED
    return out


def check_auth_messages(msgs, sent, port, transport_ok=True):
    by = {}
    for m in msgs:
        mm = m["message"]
        key = "query_message_data" if mm["type"].endswith("QUERY") else \
            "response_message_data"
        by[(mm["type"], mm[key]["id"])] = (m, mm)
    for s in sent:
        q = by.get(("AUTH_QUERY", s["id"]))
        r = by.get(("AUTH_RESPONSE", s["id"]))
        assert q and r, (s, sorted(by)[:20])
        for top, mm in (q, r):
            assert top["version"].startswith("banchi-auth "), top
            assert mm["socket_family"] == "INET"
            assert mm["socket_protocol"] == ("TCP" if s["tcp"] else "UDP")
            assert mm["query_address"] == "127.0.0.1"
            assert mm["query_port"] == s["sport"], (s, mm)
            assert mm["response_address"] == "127.0.0.1"
            assert mm["response_port"] == port
        qd = q[1]["query_message_data"]
        assert qd["QUESTION_SECTION"] == ["%s. IN %s" % (s["name"],
                                                         s["type"])]
        rd = r[1]["response_message_data"]
        assert rd["status"] == s["status"], (s, rd)
        assert rd["ANSWER"] == s["answers"]
        assert r[1]["message_size"] == "%db" % s["size"]
        assert "query_time" in q[1] and "response_time" in r[1]
    n_q = sum(1 for m in msgs if m["message"]["type"] == "AUTH_QUERY")
    return n_q


def test_auth_unix_socket(lab):
    d, zone, procs = lab
    cap = Capture(d)
    procs.append(cap)
    port = servers.free_port()
    s = servers.start_banchi(d, [(ZONE, zone)], port=port, extra=[
        "--control", "none", "--dnstap", "unix:%s" % cap.sock,
        "--dnstap-identity", "tap-test"])
    procs.append(s)
    sent = sent_set(s.where)
    s.stop(timeout=10)          # the STOP frame, FINISH awaited
    msgs = read_tap(cap.finish())
    # the SOA queries of the start-up wait are there too
    n = check_auth_messages(msgs, sent, port)
    assert n >= len(sent)
    assert all(m["identity"] == "tap-test" for m in msgs)
    # kdig reads the same file: one answer per AUTH_RESPONSE
    out = subprocess.run(["kdig", "-G", str(cap.out)], capture_output=True,
                         text=True, timeout=60).stdout
    for x in sent:
        assert "%s." % x["name"] in out


def test_auth_file_and_messages(lab):
    d, zone, procs = lab
    tap = d / "auth.tap"
    port = servers.free_port()
    s = servers.start_banchi(d, [(ZONE, zone)], port=port, extra=[
        "--control", "none", "--dnstap", "file:%s" % tap,
        "--dnstap-messages", "auth-response"])
    procs.append(s)
    sent = [dig(s.where, "www." + ZONE, "A"),
            dig(s.where, "nope." + ZONE, "TXT", tcp=True)]
    s.stop(timeout=10)
    msgs = read_tap(tap)
    assert {m["message"]["type"] for m in msgs} == {"AUTH_RESPONSE"}
    ids = {m["message"]["response_message_data"]["id"]: m["message"]
           for m in msgs}
    for x in sent:
        mm = ids[x["id"]]
        assert mm["response_message_data"]["status"] == x["status"]
        assert mm["query_port"] == x["sport"]
        assert mm["socket_protocol"] == ("TCP" if x["tcp"] else "UDP")
    assert "nope.%s." % ZONE in subprocess.run(
        ["kdig", "-G", str(tap)], capture_output=True, text=True,
        timeout=60).stdout


def scrape(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                timeout=5) as r:
        text = r.read().decode()
    vals = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            vals[k] = float(v)
    return text, vals


@pytest.mark.slow
def test_slow_reader_drops_not_answers(lab):
    need("dnsperf", "promtool")
    from test_ctl_load import dnsperf, results
    from test_metrics import promtool
    d, zone, procs = lab
    cap = Capture(d)
    procs.append(cap)
    mport = servers.free_port()
    s = servers.start_banchi(d, [(ZONE, zone)], extra=[
        "--control", "none", "--dnstap", "unix:%s" % cap.sock,
        "--metrics", str(mport)])
    procs.append(s)
    qfile = d / "queries"
    qfile.write_text("".join("%s.%s A\n" % (n, ZONE) for n in NAMES) * 50)
    cap.send_signal(signal.SIGSTOP)     # the reader reads no more
    p = dnsperf(s.where, qfile, 4)
    r = results(p, 4)
    print("\nreader stopped: %(sent)d sent, %(completed)d completed, "
          "%(lost)d lost, %(qps).0f QPS" % r)
    assert r["completed"] > 20000 and r["lost"] == 0, r
    assert dig(s.where, "www." + ZONE, "A")["status"] == "NOERROR"
    text, v = scrape(mport)
    promtool(text)
    dropped = v["banchi_auth_dnstap_dropped_total"]
    assert dropped > 0, text
    cap.send_signal(signal.SIGCONT)

    def adds_up():
        _, v = scrape(mport)
        q = v['banchi_auth_queries_total{transport="udp"}'] + \
            v['banchi_auth_queries_total{transport="tcp"}']
        logged = v["banchi_auth_dnstap_frames_total"] / 2
        return logged + v["banchi_auth_dnstap_dropped_total"] == q
    wait_until("written + dropped = queries", adds_up, limit=30)
    _, v = scrape(mport)
    s.stop(timeout=10)
    n_q = count_tap(cap.finish(), "AUTH_QUERY")
    assert n_q > 0
    assert n_q == v["banchi_auth_dnstap_frames_total"] / 2


def log_lines(path):
    return [ln.split(" ") for ln in Path(path).read_text().splitlines()]


def test_text_log(lab):
    d, zone, procs = lab
    qlog = d / "queries.log"
    s = servers.start_banchi(d, [(ZONE, zone)], extra=[
        "--control", "none", "--query-log", str(qlog)])
    procs.append(s)
    sent = sent_set(s.where)
    wait_until("the lines written",
               lambda: qlog.exists() and len(log_lines(qlog)) >= len(sent))
    lines = {(ln[1], ln[3], ln[5]): ln for ln in log_lines(qlog)}
    for x in sent:
        ln = lines[("127.0.0.1#%d" % x["sport"], x["name"] + ".",
                    x["type"])]
        assert len(ln) == 11, ln
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", ln[0])
        assert ln[2] == ("tcp" if x["tcp"] else "udp")
        assert ln[4] == "IN"
        assert ln[7] == x["status"], (x, ln)
        assert int(ln[8]) == x["answers"]
        assert int(ln[9]) == x["size"]
        assert 0 <= int(ln[10]) < 1000000
        # a referral (sub) and a refusal are not authoritative
        aa = x["status"] != "REFUSED" and not x["name"].startswith("sub.")
        assert ("aa" in ln[6].split(",")) == aa, ln


def test_text_log_sample_and_rate(lab):
    d, zone, procs = lab
    sampled, limited = d / "sampled.log", d / "limited.log"
    mport = servers.free_port()
    a = servers.start_banchi(d, [(ZONE, zone)], threads=1, extra=[
        "--control", "none", "--query-log", str(sampled),
        "--query-log-sample", "3", "--metrics", str(mport)])
    procs.append(a)
    b = servers.start_banchi(d, [(ZONE, zone)], threads=1, extra=[
        "--control", "none", "--query-log", str(limited),
        "--query-log-rate", "5"])
    procs.append(b)
    packets = [servers.make_query("www." + ZONE, "A").to_wire()
               for _ in range(30)]
    assert all(servers.blast(a.where, packets))
    t0 = time.time()
    assert all(servers.blast(b.where, packets, chunk=30))
    span = int(time.time()) - int(t0) + 1       # the seconds it took

    def sampled_right():
        _, v = scrape(mport)
        n = int(v['banchi_auth_queries_total{transport="udp"}'])
        # one UDP thread: its 1st, 4th, 7th... query
        return (len(log_lines(sampled)) == -(-n // 3) and
                v["banchi_auth_query_log_lines_total"] == -(-n // 3) and
                v["banchi_auth_query_log_sampled_out_total"] ==
                n - -(-n // 3))
    wait_until("1 query in 3 logged", sampled_right)
    # at most 5 a second (the start-up's SOA queries count too)
    time.sleep(0.3)
    www = [ln for ln in log_lines(limited) if ln[3] == "www.%s." % ZONE]
    assert 1 <= len(www) <= 5 * span, (len(www), span)


def test_resolver_client_messages(lab):
    d, zone, procs = lab
    cap = Capture(d)
    procs.append(cap)
    qlog = d / "resolver.log"
    auth = servers.start_banchi(d, [(ZONE, zone)],
                                extra=["--control", "none"])
    procs.append(auth)
    res = servers.start_resolver_stub(d, ZONE, auth, extra=[
        "--control", "none", "--dnstap", "unix:%s" % cap.sock,
        "--query-log", str(qlog), "--dnstap-messages",
        "client-query,client-response,resolver-query,resolver-response"])
    procs.append(res)
    wait_until("the resolver answers", lambda: answers(res))
    miss = dig(res.where, "www." + ZONE, "AAAA", extra=["+recurse"])
    hit = dig(res.where, "www." + ZONE, "AAAA", extra=["+recurse"])
    nx = dig(res.where, "nope." + ZONE, "A", tcp=True, extra=["+recurse"])
    res.stop(timeout=10)
    msgs = read_tap(cap.finish())
    by, up = {}, []
    for m in msgs:
        mm = m["message"]
        assert m["version"].startswith("banchi-resolver ")
        if mm["type"].startswith("RESOLVER_"):
            up.append(mm)
            continue
        k = "query_message_data" if mm["type"] == "CLIENT_QUERY" else \
            "response_message_data"
        by[(mm["type"], mm[k]["id"])] = mm
    for x in (miss, hit, nx):
        q = by[("CLIENT_QUERY", x["id"])]
        r = by[("CLIENT_RESPONSE", x["id"])]
        for mm in (q, r):
            assert mm["query_address"] == "127.0.0.1"
            assert mm["query_port"] == x["sport"]
            assert mm["response_address"] == "127.0.0.1"
            assert mm["response_port"] == res.where[1]
            assert mm["socket_protocol"] == ("TCP" if x["tcp"] else "UDP")
        assert q["query_message_data"]["QUESTION_SECTION"] == [
            "%s. IN %s" % (x["name"], x["type"])]
        assert r["response_message_data"]["status"] == x["status"]
        assert r["response_message_data"]["ANSWER"] == x["answers"]
    # the misses went to banchi-auth (the stub): www AAAA and nope A
    # asked upstream, each query answered
    asked = {}
    for mm in up:
        assert mm["response_address"] == "127.0.0.1"
        assert mm["response_port"] == auth.where[1]
        if mm["type"] == "RESOLVER_QUERY":
            qd = mm["query_message_data"]
            asked[qd["id"]] = qd["QUESTION_SECTION"][0].lower()
    got = {mm["response_message_data"]["id"] for mm in up
           if mm["type"] == "RESOLVER_RESPONSE"}
    assert "www.%s. in aaaa" % ZONE in asked.values(), asked
    assert "nope.%s. in a" % ZONE in asked.values(), asked
    assert set(asked) == got
    lines = {(ln[1], ln[3], ln[5]): ln for ln in log_lines(qlog)}
    for x in (miss, hit, nx):
        ln = lines[("127.0.0.1#%d" % x["sport"], x["name"] + ".",
                    x["type"])]
        assert ln[7] == x["status"] and int(ln[9]) == x["size"]
        assert "ra" in ln[6].split(",")


def answers(s):
    try:
        return servers.query(s.where, "ns1." + ZONE, "A", rd=True,
                             timeout=1, tries=1).rcode() == 0
    except Exception:
        return False


def seccomp(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("Seccomp:"):
            return int(line.split()[1])
    return None


def test_sandbox_with_dnstap_reader_late(lab):
    """Both daemons under the filter, their reader started after them:
    the writer thread connects (socket, connect, the handshake's poll and
    read) and writes once sandboxed and unprivileged."""
    d, zone, procs = lab
    sock_a, sock_r = d / "a.sock", d / "r.sock"
    auth = servers.start_banchi(d, [(ZONE, zone)], extra=[
        "--control", "none", "--dnstap", "unix:%s" % sock_a,
        "--query-log", str(d / "a.log")])
    procs.append(auth)
    res = servers.start_resolver_stub(d, ZONE, auth, extra=[
        "--control", "none", "--dnstap", "unix:%s" % sock_r])
    procs.append(res)
    wait_until("the resolver answers", lambda: answers(res))
    for s in (auth, res):
        if "an AddressSanitizer build" not in s.log_text():
            # the workers answer before the main thread installs the
            # filter (on every thread): the check waits for it
            wait_until("%s's filter" % s.name,
                       lambda: seccomp(s.pid) == 2)
            assert seccomp(s.pid) == 2, s.log_text()[-2000:]
        assert "dnstap: cannot connect" in s.log_text()
    caps = []
    for name in ("a", "r"):
        c = Capture(d, name)
        procs.append(c)
        caps.append(c)
    for s in (auth, res):
        wait_until("dnstap connected", lambda: "dnstap: writing to" in
                   s.log_text(), limit=10)
    x = dig(res.where, "mail." + ZONE, "MX", extra=["+recurse"])
    y = dig(auth.where, "www." + ZONE, "A")
    for s in (res, auth):
        s.stop(timeout=10)
        check_log(s)
    ra = read_tap(caps[0].finish())
    rr = read_tap(caps[1].finish())
    assert any(m["message"]["type"] == "AUTH_RESPONSE" and
               m["message"]["response_message_data"]["id"] == y["id"]
               for m in ra)
    assert any(m["message"]["type"] == "CLIENT_RESPONSE" and
               m["message"]["response_message_data"]["id"] == x["id"]
               for m in rr)


def test_reader_restarts(lab):
    """The reader goes away and another takes its socket: the messages
    meanwhile are dropped and counted, then they flow to the new one
    (the writer reconnects as the daemon's user, within a second or
    two)."""
    d, zone, procs = lab
    cap = Capture(d)
    procs.append(cap)
    mport = servers.free_port()
    s = servers.start_banchi(d, [(ZONE, zone)], extra=[
        "--control", "none", "--dnstap", "unix:%s" % cap.sock,
        "--metrics", str(mport)])
    procs.append(s)
    first = dig(s.where, "www." + ZONE, "A")
    time.sleep(0.3)
    old = read_tap(cap.finish())
    assert any(m["message"]["query_message_data"]["id"] == first["id"]
               for m in old if m["message"]["type"] == "AUTH_QUERY")
    cap.sock.unlink()
    lost = dig(s.where, "mail." + ZONE, "A")     # nobody reads: dropped

    def dropped():
        _, v = scrape(mport)
        return v["banchi_auth_dnstap_dropped_total"] >= 1
    wait_until("the lost query counted", dropped)
    cap2 = Capture(d, "tap2")
    procs.append(cap2)
    os.rename(cap2.sock, cap.sock)      # the path the daemon knows
    wait_until("reconnected", lambda: s.log_text().count(
        "dnstap: writing to unix:") >= 2, limit=10)
    later = dig(s.where, "ns1." + ZONE, "A")
    s.stop(timeout=10)
    new = read_tap(cap2.finish())
    ids = {m["message"]["query_message_data"]["id"] for m in new
           if m["message"]["type"] == "AUTH_QUERY"}
    assert later["id"] in ids and lost["id"] not in ids
    assert "dnstap: writing to %s failed" % cap.sock in s.log_text()


def test_wildcard_listen_address(lab):
    """On a wildcard socket (0.0.0.0) the response address is the one
    the query was sent to (its IP_PKTINFO), for both daemons."""
    d, zone, procs = lab
    tap_a, tap_r = d / "a.tap", d / "r.tap"
    wport = servers.free_port()
    auth = servers.start_banchi(d, [(ZONE, zone)], extra=[
        "--control", "none", "--listen", "0.0.0.0:%d" % wport,
        "--dnstap", "file:%s" % tap_a])
    procs.append(auth)
    rport = servers.free_port()
    res = servers.start_resolver_stub(d, ZONE, auth, extra=[
        "--control", "none", "--listen", "0.0.0.0:%d" % rport,
        "--dnstap", "file:%s" % tap_r])
    procs.append(res)
    wait_until("the resolver answers", lambda: answers(res))
    x = dig(("127.0.0.1", wport), "www." + ZONE, "A")
    y = dig(("127.0.0.1", rport), "mail." + ZONE, "A", extra=["+recurse"])
    for s in (res, auth):
        s.stop(timeout=10)
    for tap, z, port in ((tap_a, x, wport), (tap_r, y, rport)):
        ms = [m["message"] for m in read_tap(tap)
              if m["message"]["type"] in ("AUTH_RESPONSE",
                                          "CLIENT_RESPONSE")
              and m["message"]["response_message_data"]["id"] == z["id"]]
        assert len(ms) == 1, ms
        assert ms[0]["response_address"] == "127.0.0.1"
        assert ms[0]["response_port"] == port
