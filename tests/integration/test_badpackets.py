"""Malformed packets: BIND's dns_message_parse fuzz corpus (from the shared
data, skipped when absent) sent over UDP and over TCP; each is answered
(the reply carries the query's ID) or dropped, and the server keeps
serving. Plus random mutations of a valid query, from a fixed seed."""

import random
import socket
import struct

import dns.rcode
import pytest

import servers
from servers import make_query, query, raw_udp

pytestmark = pytest.mark.banchi_only

CORPUS = servers.SHARED / "packets" / "bind-fuzz" / "dns_message_parse.in"


def corpus():
    if not CORPUS.is_dir():
        pytest.skip("no %s" % CORPUS)
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    return [p.read_bytes() for p in files]


def check_reply(q, r):
    if r is None:
        return
    assert len(r) >= 12, r
    if len(q) >= 2:
        assert r[:2] == q[:2]
    assert r[2] & 0x80                       # QR


def alive(where):
    r = query(where, "ns1.itest.test", "A", timeout=2)
    assert r.rcode() == dns.rcode.NOERROR and r.answer


@pytest.fixture
def server(fresh):
    go, _, _ = fresh
    # Many TCP connections at once from this one client.
    return go(extra=["--tcp-max-per-client", "512"])


def test_corpus_udp(server):
    pkts = [q for q in corpus() if len(q) <= 65507]
    for q, r in zip(pkts, servers.blast(server.where, pkts)):
        check_reply(q, r)
    alive(server.where)
    assert server.proc.poll() is None


def test_corpus_tcp(server):
    pkts = [q for q in corpus() if len(q) <= 65535]
    for q, r in zip(pkts, servers.blast(server.where, pkts, tcp=True,
                                        chunk=100)):
        check_reply(q, r)
    alive(server.where)
    assert server.proc.poll() is None


def test_corpus_one_tcp_connection(server):
    """All of the corpus pipelined on one connection: the server may close
    it at a bad message; every reply read must carry an ID sent."""
    pkts = [q for q in corpus() if 2 <= len(q) <= 65535]
    ids = {q[:2] for q in pkts}
    s = socket.create_connection(server.where, timeout=2)
    try:
        try:
            s.sendall(b"".join(struct.pack("!H", len(q)) + q
                               for q in pkts))
        except OSError:
            pass                        # closed early: allowed
        for _ in range(len(pkts)):
            try:
                r = servers.tcp_read_msg(s)
            except OSError:
                break
            if r is None:
                break
            assert r[:2] in ids and r[2] & 0x80
    finally:
        s.close()
    alive(server.where)


def mutations(n, seed=3):
    rnd = random.Random(seed)
    base = [make_query(name, t, edns=e).to_wire()
            for name, t, e in (("ns1.itest.test", "A", None),
                               ("x.dn.itest.test", "AAAA", 0),
                               ("a.b.c.wild.itest.test", "MX", 0))]
    for _ in range(n):
        b = bytearray(rnd.choice(base))
        for _ in range(rnd.randint(1, 6)):
            op = rnd.random()
            i = rnd.randrange(len(b))
            if op < 0.5:
                b[i] = rnd.randrange(256)
            elif op < 0.7:
                del b[i:]
                if not b:
                    b = bytearray(b"\x00")
            elif op < 0.85:
                b[i:i] = bytes(rnd.randrange(256)
                               for _ in range(rnd.randint(1, 8)))
            elif len(b) > 2:
                b[2] = rnd.randrange(256)      # flags, opcode
        yield bytes(b)


def test_random_mutations_udp(server):
    pkts = list(mutations(1500))
    for q, r in zip(pkts, servers.blast(server.where, pkts, wait=0.5)):
        check_reply(q, r)
    alive(server.where)


def test_tiny_and_empty_packets(server):
    for q in (b"", b"\x00", b"\x12\x34", b"\x12\x34\x01", b"\x00" * 11):
        r = raw_udp(server.where, q, timeout=0.2)
        check_reply(q, r)
    alive(server.where)


def test_oversized_udp(server):
    q = make_query("ns1.itest.test", "A").to_wire() + b"\x00" * 60000
    check_reply(q, raw_udp(server.where, q, timeout=0.5))
    alive(server.where)


def test_tcp_garbage_and_half_messages(server):
    # A length prefix promising more than is sent, then close.
    with socket.create_connection(server.where, timeout=1) as s:
        s.sendall(b"\xff\xff" + b"\x00" * 100)
    # A zero length message.
    with socket.create_connection(server.where, timeout=1) as s:
        s.sendall(b"\x00\x00")
        try:
            check_reply(b"", servers.tcp_read_msg(s))
        except (OSError, socket.timeout):
            pass
    alive(server.where)
