"""TCP per RFC 7766: several queries per connection, pipelining with
replies matched by ID, idle timeout, connection caps per client and in
total."""

import socket
import struct
import time

import dns.message
import dns.rcode
import pytest

from servers import make_query, query, tcp_read_msg

NAMES = ["ns1.itest.test", "mail.itest.test", "c1.itest.test",
         "x.dn.itest.test", "nosuch.itest.test", "anything.wild.itest.test",
         "host.sub.itest.test", "huge.itest.test", "itest.test",
         "host.other.test"]


def framed(q):
    w = q.to_wire()
    return struct.pack("!H", len(w)) + w


def test_several_queries_one_connection(where):
    with socket.create_connection(where, timeout=3) as s:
        for i, name in enumerate(NAMES):
            q = make_query(name, "A")
            q.id = 1000 + i
            s.sendall(framed(q))
            r = dns.message.from_wire(tcp_read_msg(s))
            assert r.id == q.id and r.question == q.question


def test_pipelining_20(where):
    qs = {}
    with socket.create_connection(where, timeout=5) as s:
        out = b""
        for i in range(20):
            q = make_query(NAMES[i % len(NAMES)], "AAAA" if i % 3 else "A",
                           edns=0 if i % 2 else None)
            q.id = 40000 + i
            qs[q.id] = q
            out += framed(q)
        s.sendall(out)          # back to back, in one write
        seen = set()
        for _ in range(20):
            data = tcp_read_msg(s)
            assert data is not None, "connection closed after %d" % len(
                seen)
            r = dns.message.from_wire(data)
            assert r.id in qs and r.id not in seen
            assert r.question == qs[r.id].question
            seen.add(r.id)
    assert len(seen) == 20


def test_split_length_and_message(where):
    """A message arriving in pieces (length prefix split) is read."""
    q = make_query("ns1.itest.test", "A")
    q.id = 777
    data = framed(q)
    with socket.create_connection(where, timeout=3) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(data)):
            s.sendall(data[i:i + 1])
            time.sleep(0.002)
        r = dns.message.from_wire(tcp_read_msg(s))
        assert r.id == 777 and r.answer


def closed_within(s, seconds):
    """True when the peer closes s within seconds."""
    s.settimeout(0.5)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if s.recv(1) == b"":
                return True
        except socket.timeout:
            continue
        except ConnectionResetError:
            return True
    return False


@pytest.mark.banchi_only
@pytest.mark.slow
def test_idle_timeout(fresh):
    go, _, _ = fresh
    srv = go(extra=["--tcp-idle-timeout", "2"])
    with socket.create_connection(srv.where, timeout=3) as s:
        q = make_query("ns1.itest.test", "A")
        s.sendall(framed(q))
        assert tcp_read_msg(s) is not None
        t0 = time.monotonic()
        assert closed_within(s, 8), "idle connection kept open"
        assert time.monotonic() - t0 >= 1.0
    # A silent connection (no query at all) is closed too.
    with socket.create_connection(srv.where, timeout=3) as s:
        assert closed_within(s, 8)


def answered(s, qid):
    try:
        q = make_query("ns1.itest.test", "A")
        q.id = qid
        s.settimeout(2)
        s.sendall(framed(q))
        data = tcp_read_msg(s)
        return data is not None and dns.message.from_wire(data).id == qid
    except (OSError, socket.timeout):
        return False


@pytest.mark.banchi_only
@pytest.mark.parametrize("flag", ["--tcp-max-per-client",
                                  "--tcp-max-connections"])
def test_connection_cap(fresh, flag):
    go, _, _ = fresh
    srv = go(extra=[flag, "4"], threads=1)
    socks = []
    try:
        for _ in range(10):
            s = socket.create_connection(srv.where, timeout=3)
            socks.append(s)
            time.sleep(0.05)
        ok = [answered(s, 100 + i) for i, s in enumerate(socks)]
        assert sum(ok) >= 1
        assert sum(ok) <= 4, ok
    finally:
        for s in socks:
            s.close()
    # Slots come back once the connections are closed.
    end = time.monotonic() + 5
    while time.monotonic() < end:
        with socket.create_connection(srv.where, timeout=3) as s:
            if answered(s, 999):
                break
        time.sleep(0.2)
    else:
        pytest.fail("no TCP service after closing the connections")
    assert query(srv.where, "itest.test", "SOA").rcode() == dns.rcode.NOERROR


def test_zero_length_message_ends_connection(where):
    """A TCP message of length 0 ends the connection, as NSD, Knot and
    BIND end it; the reply to the query before it still comes."""
    q = make_query("ns1.itest.test", "A")
    q.id = 4242
    with socket.create_connection(where, timeout=3) as s:
        s.sendall(framed(q) + b"\x00\x00" + framed(q))
        r = dns.message.from_wire(tcp_read_msg(s))
        assert r.id == 4242 and r.answer
        assert closed_within(s, 2)
