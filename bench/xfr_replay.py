#!/usr/bin/python3
"""A primary that costs nothing, for the AXFR floor of the secondary
benchmark (bench/secondary.py): replays an AXFR recorded by
`banchi-xfr-drain ADDR PORT ZONE FILE` (each message after its two-octet
length). To an AXFR over TCP it sends the recorded stream in one
sendall, each message's ID set to the query's; to an SOA query (UDP or
TCP) it answers the zone's SOA, the first record of the recording.
Anything else gets no answer. Loopback only; stops on SIGTERM.
Usage: xfr_replay.py FILE ADDR PORT [whole|each]"""

import signal
import socket
import struct
import sys
import threading

AXFR, SOA = 252, 6


def skip_name(m, o):
    while m[o]:
        if m[o] & 0xC0 == 0xC0:
            return o + 2
        o += m[o] + 1
    return o + 1


def load(path):
    """(stream as a bytearray, offsets of its message IDs, the first
    message's header+question+first answer as an SOA reply template)."""
    data = bytearray(open(path, "rb").read())
    ids, o = [], 0
    while o + 2 <= len(data):
        n = struct.unpack_from("!H", data, o)[0]
        ids.append(o + 2)
        o += 2 + n
    first = bytes(data[2:2 + struct.unpack_from("!H", data, 0)[0]])
    q = skip_name(first, 12) + 4
    a = skip_name(first, q)
    a += 10 + struct.unpack_from("!H", first, a + 8)[0]
    soa = bytearray(first[:a])
    struct.pack_into("!HH", soa, 6, 1, 0)          # ANCOUNT 1, NSCOUNT 0
    struct.pack_into("!H", soa, 10, 0)             # ARCOUNT 0
    return data, ids, soa


def qtype(msg):
    if len(msg) < 17 or struct.unpack_from("!H", msg, 4)[0] != 1:
        return None
    o = skip_name(msg, 12)
    return struct.unpack_from("!H", msg, o)[0] if o + 2 <= len(msg) else None


def soa_reply(tmpl, query):
    r = bytearray(tmpl)
    r[0:2] = query[0:2]
    return bytes(r)


def read_exact(c, n):
    b = b""
    while len(b) < n:
        k = c.recv(n - len(b))
        if not k:
            return None
        b += k
    return b


def send_axfr(c, data, ids, each):
    if not each:
        c.sendall(data)
        return
    v = memoryview(data)
    for i, o in enumerate(ids):
        end = ids[i + 1] - 2 if i + 1 < len(ids) else len(data)
        c.sendall(v[o - 2:end])


def serve_tcp(c, data, ids, soa, lock, each):
    with c:
        while True:
            ln = read_exact(c, 2)
            q = ln and read_exact(c, struct.unpack("!H", ln)[0])
            if not q:
                return
            t = qtype(q)
            if t == AXFR:
                with lock:      # one ID at a time in the shared stream
                    for o in ids:
                        data[o:o + 2] = q[0:2]
                    send_axfr(c, data, ids, each)
            elif t == SOA:
                r = soa_reply(soa, q)
                c.sendall(struct.pack("!H", len(r)) + r)


def serve_udp(u, soa):
    while True:
        q, peer = u.recvfrom(65535)
        if qtype(q) == SOA:
            u.sendto(soa_reply(soa, q), peer)


def main():
    path, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    each = len(sys.argv) > 4 and sys.argv[4] == "each"
    data, ids, soa = load(path)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((addr, port))
    t.listen(16)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((addr, port))
    threading.Thread(target=serve_udp, args=(u, soa), daemon=True).start()
    lock = threading.Lock()
    print("replaying %d messages, %d octets on %s:%d (%s)" % (
        len(ids), len(data), addr, port, "each" if each else "whole"),
        flush=True)
    while True:
        c, _ = t.accept()
        threading.Thread(target=serve_tcp, args=(c, data, ids, soa, lock, each),
                         daemon=True).start()


if __name__ == "__main__":
    main()
