"""The resolver as a service: access control by source address, RD=0
and allow-snoop, malformed queries (FORMERR with the question, as from
Unbound), Extended DNS Errors, signals (SIGUSR2 flush, SIGHUP reload
with the cache kept), serve-stale when every authoritative server is
gone (a small hierarchy of its own on 127.0.0.30, killed in the test)."""

import signal
import socket
import struct
import time

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rdataclass
import dns.rcode
import pytest

import hierarchy
from conftest import PEER
from daemons import addrs, ask
from hierarchy import servers

REFUSED = dns.rcode.REFUSED
FORMERR = dns.rcode.FORMERR
SERVFAIL = dns.rcode.SERVFAIL


def ede_codes(r):
    """The INFO-CODEs of the reply's Extended DNS Error options."""
    return [o.code for o in r.options
            if o.otype == dns.edns.OptionType.EDE]


def test_access_control(start_resolver, world):
    rsv = start_resolver(["--allow", "127.0.0.1/32",
                          "--allow", "127.0.0.2/32"],
                         listen=("127.0.0.1", "127.0.0.2"))
    port = rsv.where[1]
    on2 = ("127.0.0.2", port)
    before = world.queries()
    for src in ("127.0.0.3", "127.0.0.4"):
        assert ask(on2, "www.example.test", source=src).rcode() == REFUSED
        assert ask(rsv.where, "www.other.test",
                   source=src).rcode() == REFUSED
        assert ask(on2, "www.example.test", source=src,
                   tcp=True).rcode() == REFUSED
    assert world.queries() == before, "refused client's query went upstream"
    if rsv.stats:
        assert rsv.stats()["refused"] >= 6
    # the allowed sources are served, on both addresses
    assert addrs(ask(on2, "www.example.test",
                     source="127.0.0.2")) == ["192.0.2.1"]
    assert addrs(ask(rsv.where, "www.example.test",
                     source="127.0.0.1", tcp=True)) == ["192.0.2.1"]
    # a cached name is refused too
    assert ask(on2, "www.example.test",
               source="127.0.0.3").rcode() == REFUSED


def test_loopback_clients_allowed_by_default(rsv):
    r = ask(rsv.where, "www.example.test", source="127.0.0.3")
    assert addrs(r) == ["192.0.2.1"]


def test_rd_clear(rsv, world):
    """RD=0 without allow-snoop (Unbound's allow): local data is
    answered; anything else is REFUSED, cached or not (no cache
    snooping), with the question, no EDE (Unbound's default), and
    nothing is sent upstream."""
    before = world.queries()
    r = ask(rsv.where, "www.other.test", rd=False)
    assert r.rcode() == REFUSED and not r.answer
    assert r.question[0].name == dns.name.from_text("www.other.test")
    assert not ede_codes(r)
    assert world.queries() == before, "RD=0 query went upstream"
    assert addrs(ask(rsv.where, "www.other.test")) == ["192.0.2.15"]
    before = world.queries()
    for tcp in (False, True):
        r = ask(rsv.where, "www.other.test", rd=False, tcp=tcp)
        assert r.rcode() == REFUSED and not r.answer, "cache snooped"
        assert not ede_codes(r)
    r = ask(rsv.where, "localhost", rd=False, use_edns=-1)
    assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA
    assert addrs(r) == ["127.0.0.1"]
    assert world.queries() == before, "RD=0 query went upstream"


def chaos_txt(where, name, rd=True, source=None):
    """The reply to NAME CH TXT."""
    q = dns.message.make_query(name, "TXT", rdclass=dns.rdataclass.CH)
    if not rd:
        q.flags &= ~dns.flags.RD
    return dns.query.udp(q, where[0], port=where[1], timeout=5,
                         source=source)


def test_chaos_identity(start_resolver, world):
    """CHAOS TXT id.server, hostname.bind, version.bind, version.server
    (RFC 4892) as from Unbound: TTL 0, no AA, RD or not; each answer
    set by --identity / --version-text, none: REFUSED; other CHAOS
    names and types REFUSED; nothing upstream; a client that is not
    served is REFUSED."""
    rsv = start_resolver(["--identity", "node-7", "--version-text",
                          "resolver 9", "--allow", "127.0.0.1/32"])
    before = world.queries()
    for name, text in (("id.server", "node-7"), ("hostname.bind", "node-7"),
                       ("version.bind", "resolver 9"),
                       ("version.server", "resolver 9")):
        for rd in (True, False):
            r = chaos_txt(rsv.where, name, rd=rd)
            assert r.rcode() == dns.rcode.NOERROR, r
            assert not r.flags & dns.flags.AA and r.flags & dns.flags.RA
            assert [(rr.ttl, rr.rdclass, [t.to_text() for t in rr])
                    for rr in r.answer] == \
                [(0, dns.rdataclass.CH, ['"%s"' % text])], r
    assert chaos_txt(rsv.where, "authors.bind").rcode() == REFUSED
    q = dns.message.make_query("version.bind", "A",
                               rdclass=dns.rdataclass.CH)
    assert dns.query.udp(q, rsv.where[0], port=rsv.where[1],
                         timeout=5).rcode() == REFUSED
    r = chaos_txt(rsv.where, "version.bind", source="127.0.0.3")
    assert r.rcode() == REFUSED and not r.answer
    assert world.queries() == before
    off = start_resolver(["--identity", "none", "--version-text", "none"])
    for name in ("id.server", "version.bind"):
        r = chaos_txt(off.where, name)
        assert r.rcode() == REFUSED and not r.answer, r


@pytest.mark.banchi_only
def test_chaos_identity_defaults(rsv):
    """Without settings: the host name and banchi's version."""
    assert chaos_txt(rsv.where, "id.server").answer[0][0].to_text() == \
        '"%s"' % socket.gethostname()
    assert chaos_txt(rsv.where, "version.bind").answer[0][0].to_text() \
        .startswith('"banchi ')


def test_rd_clear_allow_snoop(start_resolver, world):
    """--allow-snoop 127.0.0.1/32 (Unbound's allow_snoop): that client
    reads the cache with RD=0; another loopback client is still served
    with RD but REFUSED with RD=0; local data for both."""
    rsv = start_resolver(["--allow-snoop", "127.0.0.1/32",
                          "--local-data", "nas.lan. 60 A 192.0.2.7"])
    assert addrs(ask(rsv.where, "www.other.test",
                     source="127.0.0.3")) == ["192.0.2.15"]
    before = world.queries()
    for tcp in (False, True):
        r = ask(rsv.where, "www.other.test", rd=False, tcp=tcp,
                source="127.0.0.1")
        assert r.rcode() == dns.rcode.NOERROR
        assert addrs(r) == ["192.0.2.15"]       # from the cache
        r = ask(rsv.where, "www.other.test", rd=False, tcp=tcp,
                source="127.0.0.3")
        assert r.rcode() == REFUSED and not r.answer
        r = ask(rsv.where, "nas.lan", rd=False, tcp=tcp,
                source="127.0.0.3")
        assert addrs(r) == ["192.0.2.7"]
    assert world.queries() == before
    # a snooper's miss is no recursion: banchi-resolver refuses it
    # (Unbound may answer a cached referral or SERVFAIL instead)
    r = ask(rsv.where, "txt.other.test", "TXT", rd=False,
            source="127.0.0.1")
    assert not r.answer
    if not PEER:
        assert r.rcode() == REFUSED
        assert world.queries() == before, "RD=0 query went upstream"


def header(qid=0x1234, flags=0x0100, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


QUESTION = b"\x03www\x07example\x04test\x00\x00\x01\x00\x01"
MALFORMED = [
    b"\x12",                                        # no header
    header()[:11],                                  # short header
    header(),                                       # question missing
    header() + QUESTION[:7],                        # question cut
    header(qd=2) + QUESTION,                        # count says 2
    header() + b"\xc0\x0c\x00\x01\x00\x01",         # pointer to itself
    header() + b"\x40" + b"a" * 64 + b"\x00\x00\x01\x00\x01",  # label 64
    header(an=1) + QUESTION,                        # answer missing
]


def accept_reply(data):
    """None (dropped) or a FORMERR/NOTIMP/REFUSED header."""
    if data is None:
        return True
    if len(data) < 12:
        return False
    return data[3] & 0x0F in (1, 4, 5) and data[2] & 0x80


def test_malformed_queries(rsv):
    for pkt in MALFORMED:
        assert accept_reply(servers.raw_udp(rsv.where, pkt, 0.5)), pkt
        assert accept_reply(servers.raw_tcp(rsv.where, pkt, 0.5)), pkt
    # a response (QR set) is never answered: no reflection loops
    resp = header(flags=0x8180) + QUESTION
    assert servers.raw_udp(rsv.where, resp, 0.5) is None
    # an unknown opcode: NOTIMP (or dropped)
    r = servers.raw_udp(rsv.where, header(flags=(5 << 11)) + QUESTION, 0.5)
    assert r is None or r[3] & 0x0F in (4, 5)
    # still serving, over both transports
    assert addrs(ask(rsv.where, "www.example.test")) == ["192.0.2.1"]
    assert addrs(ask(rsv.where, "www.example.test", tcp=True)) == [
        "192.0.2.1"]


def question(qtype=1):
    return b"\x03www\x07example\x04test\x00" + struct.pack("!HH", qtype, 1)


OPT_RR = b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00"    # 1232
A_RR = b"\x00\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x09"
# queries Unbound 1.17 answers FORMERR, echoing the question: name ->
# (packet, the question's type)
FORMERR_QUERIES = {
    "tc": (header(flags=0x0300) + question(), 1),
    "tc-edns": (header(flags=0x0300, ar=1) + question() + OPT_RR, 1),
    "qtype-opt": (header() + question(41), 41),
    "qtype-opt-edns": (header(ar=1) + question(41) + OPT_RR, 41),
    "qtype-tsig": (header() + question(250), 250),
    "qtype-tkey": (header() + question(249), 249),
    "qtype-maila": (header() + question(254), 254),
    "qtype-mailb": (header() + question(253), 253),
    "qtype-128": (header() + question(128), 128),
    "qtype-248": (header() + question(248), 248),
    "answer-rr": (header(an=1) + question() + A_RR, 1),
    "authority-rr": (header(ns=1) + question() + A_RR, 1),
    "additional-not-opt": (header(ar=1) + question() + A_RR, 1),
}


def header_question(data):
    """(id, rcode, [(qname, qtype)]) read by hand: Unbound's FORMERR
    echoes the whole query, which dnspython may refuse to parse."""
    qid, flags, qd = struct.unpack("!HHH", data[:6])
    qs, pos = [], 12
    for _ in range(qd):
        name, used = dns.name.from_wire(data, pos)
        qs.append((name, struct.unpack("!H", data[pos + used:
                                                 pos + used + 2])[0]))
        pos += used + 4
    return qid, flags & 0x0F, qs


@pytest.mark.parametrize("case", sorted(FORMERR_QUERIES))
def test_formerr_with_question(rsv, case):
    """TC set, a meta-type asked, records besides the question and an
    OPT: FORMERR with the question (so the client can match it) and no
    EDE, over UDP and TCP."""
    pkt, qtype = FORMERR_QUERIES[case]
    www = dns.name.from_text("www.example.test")
    for send in (servers.raw_udp, servers.raw_tcp):
        data = send(rsv.where, pkt, 2.0)
        assert data is not None, send.__name__
        qid, rcode, qs = header_question(data)
        assert (qid, rcode) == (0x1234, FORMERR), send.__name__
        assert qs == [(www, qtype)]
        assert data[2] & 0x80 and not data[2] & 0x02    # QR, TC clear
        assert not ede_codes(dns.message.from_wire(data))
    assert addrs(ask(rsv.where, "www.example.test")) == ["192.0.2.1"]


@pytest.mark.banchi_only
def test_formerr_trailing_octets(rsv):
    """Octets after the last counted record: FORMERR with the question
    (Unbound 1.17 and BIND 9.18 ignore them and answer, Knot Resolver
    5.6 drops the query; banchi's parser is strict)."""
    www = dns.name.from_text("www.example.test")
    for pkt in (header() + question() + b"xyz",
                header(ar=1) + question() + OPT_RR + b"\x00"):
        for send in (servers.raw_udp, servers.raw_tcp):
            data = send(rsv.where, pkt, 2.0)
            assert data is not None
            assert header_question(data) == (0x1234, FORMERR, [(www, 1)])


@pytest.mark.banchi_only
def test_servfail_edns(start_resolver):
    """A zone whose only server refuses every packet (nothing listens on
    its port): SERVFAIL; without EDNS in the query no OPT in the reply
    (so no EDE either)."""
    dead = servers.free_port()
    rsv = start_resolver(["--stub", "dead.test=127.0.0.1:%d" % dead])
    r = ask(rsv.where, "www.dead.test", use_edns=-1, timeout=12)
    assert r.rcode() == SERVFAIL and r.edns < 0 and not r.answer
    r = ask(rsv.where, "www.dead.test", timeout=12)
    assert r.rcode() == SERVFAIL and r.edns == 0


@pytest.mark.banchi_only
def test_ede_no_reachable_authority(start_resolver):
    """Every server of the zone dead: SERVFAIL with EDE 22 (No Reachable
    Authority, RFC 8914) to EDNS clients, also when serve-stale finds
    nothing."""
    dead = servers.free_port()
    rsv = start_resolver(["--stub", "dead.test=127.0.0.1:%d" % dead])
    for name in ("www.dead.test", "other.dead.test"):
        r = ask(rsv.where, name, timeout=12)
        assert r.rcode() == SERVFAIL
        assert ede_codes(r) == [22]
    r = ask(rsv.where, "third.dead.test", use_edns=False)
    assert r.rcode() == SERVFAIL and r.edns == -1


def flood(where, names, limit=3.0):
    """One UDP query (with EDNS) per name, all sent at once; the replies
    that came within limit seconds, by ID."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.2)
    want = {}
    try:
        for i, name in enumerate(names):
            q = dns.message.make_query(name, "A", use_edns=0)
            q.id = 1000 + i
            want[q.id] = q
            s.sendto(q.to_wire(), where)
        got = {}
        end = time.monotonic() + limit
        while len(got) < len(want) and time.monotonic() < end:
            try:
                data = s.recv(65535)
            except socket.timeout:
                continue
            r = dns.message.from_wire(data)
            if r.id in want:
                got[r.id] = r
        return got
    finally:
        s.close()


@pytest.mark.slow
@pytest.mark.banchi_only
def test_dead_zone_flood(start_resolver, world_clean):
    """dead.test's only server never answers. Once it is known dead, a
    flood of misses in the zone is answered at once, SERVFAIL with EDE
    22, though --max-pending 2 would have dropped 18 of 20 of them while
    they waited for the dead server; the server hears at most a probe."""
    dead = world_clean.fault["dead"]
    rsv = start_resolver(["--max-pending", "2"])
    for i in range(2):
        r = ask(rsv.where, "w%d.dead.test" % i, timeout=12)
        assert r.rcode() == SERVFAIL and ede_codes(r) == [22]
    asked = dead.total()
    t0 = time.monotonic()
    got = flood(rsv.where, ["f%d.dead.test" % i for i in range(20)])
    assert len(got) == 20, sorted(got)
    assert time.monotonic() - t0 < 2.0
    assert all(r.rcode() == SERVFAIL and ede_codes(r) == [22]
               for r in got.values())
    assert dead.total() - asked <= 1
    assert rsv.stats()["dropped"] == 0


@pytest.mark.banchi_only
def test_flush_on_sigusr2(rsv, world):
    assert addrs(ask(rsv.where, "www.other.test")) == ["192.0.2.15"]
    before = world.queries()
    ask(rsv.where, "www.other.test")
    assert world.queries() == before
    assert rsv.stats()["cache_entries"] > 0
    rsv.signal(signal.SIGUSR2)
    time.sleep(0.3)
    assert addrs(ask(rsv.where, "www.other.test")) == ["192.0.2.15"]
    assert world.queries() > before, "cache not flushed"


def write_conf(path, local):
    lines = ["cache:", "  serve-stale: 3600", "local:", "  data:"]
    lines += ['    - "%s"' % rr for rr in local]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o644)


@pytest.mark.banchi_only
def test_reload_keeps_cache(start_resolver, world, tmp_path):
    conf = tmp_path / "r.yaml"
    write_conf(conf, ["nas.home.lan. 60 A 192.0.2.7"])
    rsv = start_resolver(config=conf)
    assert addrs(ask(rsv.where, "nas.home.lan")) == ["192.0.2.7"]
    assert addrs(ask(rsv.where, "www.example.test")) == ["192.0.2.1"]
    write_conf(conf, ["nas.home.lan. 60 A 192.0.2.8"])
    rsv.signal(signal.SIGHUP)
    end = time.monotonic() + 5
    while time.monotonic() < end:
        if addrs(ask(rsv.where, "nas.home.lan")) == ["192.0.2.8"]:
            break
        time.sleep(0.1)
    assert addrs(ask(rsv.where, "nas.home.lan")) == ["192.0.2.8"]
    before = world.queries()
    assert addrs(ask(rsv.where, "www.example.test")) == ["192.0.2.1"]
    assert world.queries() == before, "cache lost on reload"


STALE_ROOT = """$TTL 3600
@ SOA ns.stale. hostmaster.stale. 1 3600 600 86400 300
@ NS ns.stale.
stale. NS ns.stale.
ns.stale. A 127.0.0.30
"""
STALE_ZONE = """$TTL 3600
@ SOA ns hostmaster 1 3600 600 86400 300
@ NS ns
ns A 127.0.0.30
short 2 A 192.0.2.60
"""


@pytest.fixture
def stale_world(tmp_path):
    """A root and stale. on 127.0.0.30 (one banchi-auth); hints file."""
    d = servers.world_dir("banchi-rtest-stale-")
    s = hierarchy.start_auth(d, "auth", [(".", STALE_ROOT),
                                         ("stale.", STALE_ZONE)],
                             ["127.0.0.30"])
    hints = hierarchy.write(d, "hints", ". 3600000 NS ns.stale.\n"
                            "ns.stale. 3600000 A 127.0.0.30\n")
    try:
        yield s, hints
    finally:
        s.stop(timeout=5)


@pytest.mark.slow
def test_serve_stale(start_resolver, stale_world, tmp_path):
    auth, hints = stale_world
    conf = tmp_path / "stale.yaml"
    conf.write_text("cache:\n  serve-stale: 3600\n")
    off = tmp_path / "nostale.yaml"
    off.write_text("cache:\n  serve-stale: 0\n")
    rsv = start_resolver(config=conf, hints=hints)
    ctl = start_resolver(config=off, hints=hints)
    for r in (rsv, ctl):
        assert addrs(ask(r.where, "short.stale")) == ["192.0.2.60"]
    auth.stop(sig=signal.SIGKILL)
    time.sleep(3.0)                             # past the 2 s TTL
    r = ask(rsv.where, "short.stale", timeout=8)
    assert r.rcode() == dns.rcode.NOERROR
    assert addrs(r) == ["192.0.2.60"]
    assert r.answer[0].ttl <= 30            # RFC 8767: a short TTL
    if rsv.stats:
        assert rsv.stats()["stale"] >= 1
    # without serve-stale: SERVFAIL (or no answer in time), never data
    try:
        r = ask(ctl.where, "short.stale", timeout=4)
        assert r.rcode() == dns.rcode.SERVFAIL and not r.answer
    except dns.exception.Timeout:
        pass


@pytest.mark.banchi_only
def test_stats_line(rsv):
    ask(rsv.where, "www.example.test")
    ask(rsv.where, "www.example.test")
    ask(rsv.where, "localhost")
    st = rsv.stats()
    for k in ("queries", "tcp", "cache_hits", "local", "refused",
              "upstream", "upstream_tcp", "timeouts", "servfail", "stale",
              "prefetch", "dropped", "cache_entries", "cache_bytes"):
        assert k in st, k
    assert st["queries"] >= 3 and st["cache_hits"] >= 1
    assert st["upstream"] >= 3 and st["local"] >= 1
    assert st["cache_bytes"] > 0


def test_tcp_pipelined(rsv):
    """Three queries on one TCP connection, sent before any reply is
    read; each reply comes back (in any order) with its own ID."""
    names = {"www.example.test": "192.0.2.1", "www.lab": "192.0.2.30",
             "www.other.test": "192.0.2.15"}
    s = socket.create_connection(rsv.where, timeout=5)
    try:
        want = {}
        for i, name in enumerate(names):
            q = dns.message.make_query(name, "A")
            q.id = 1000 + i
            w = q.to_wire()
            s.sendall(struct.pack("!H", len(w)) + w)
            want[q.id] = names[name]
        got = {}
        for _ in names:
            data = servers.tcp_read_msg(s)
            assert data is not None, "connection closed early"
            r = dns.message.from_wire(data)
            got[r.id] = addrs(r)[0]
    finally:
        s.close()
    assert got == want


def test_identical_questions_share_one_resolution(start_resolver, world):
    one = start_resolver()
    before = world.queries()
    assert addrs(ask(one.where, "www.glueless.test")) == ["192.0.2.40"]
    single = world.queries() - before
    many = start_resolver()
    q = dns.message.make_query("www.glueless.test", "A")
    before = world.queries()
    replies = servers.blast(many.where, [q.to_wire()] * 20, wait=5.0)
    sent = world.queries() - before
    for data in replies:
        assert data is not None
        assert addrs(dns.message.from_wire(data)) == ["192.0.2.40"]
    assert sent <= single + 2, (sent, single)


def test_zero_length_tcp_message_ends_connection(rsv):
    """A TCP message of length 0 ends the connection (as banchi-auth and
    every peer); the query before it is still answered."""
    q = dns.message.make_query("localhost.", "A")
    q.id = 4243
    w = q.to_wire()
    framed = struct.pack("!H", len(w)) + w
    with socket.create_connection(rsv.where, timeout=3) as s:
        s.sendall(framed + b"\x00\x00" + framed)
        r = dns.message.from_wire(servers.tcp_read_msg(s))
        assert r.id == 4243 and r.answer
        s.settimeout(2)
        try:
            rest = s.recv(1)
        except ConnectionResetError:
            rest = b""
        assert rest == b""
