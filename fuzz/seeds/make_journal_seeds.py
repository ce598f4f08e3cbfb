#!/usr/bin/python3
"""Writes the seed inputs of fuzz/fuzz_journal.c into fuzz/seeds/journal/:
valid journals of zone example. (the origin fuzz_journal.c opens with),
written from the format in src/journal/journal.h by this separate
implementation, so that the seeds also check the C encoder's reading of
the spec. Usage: /usr/bin/python3 fuzz/seeds/make_journal_seeds.py"""

import struct
from pathlib import Path

OUT = Path(__file__).resolve().parent / "journal"


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


ORIGIN = name("example.")


def header(origin=ORIGIN):
    h = b"BNJ1" + struct.pack(">HH", 1, len(origin)) + origin
    return h + struct.pack(">I", crc32c(h))


def soa(serial):
    rdata = name("ns1.example.") + name("h.example.")
    rdata += struct.pack(">IIIII", serial, 7200, 3600, 1209600, 300)
    return (ORIGIN, 6, 3600, rdata)


def rr(owner, rtype, ttl, rdata):
    return name(owner) + struct.pack(">HIH", rtype, ttl, len(rdata)) + rdata


def record(serial_from, serial_to, dels, adds):
    body = struct.pack(">IIII", serial_from, serial_to, len(dels), len(adds))
    rrs = [soa(serial_from)] + dels + [soa(serial_to)] + adds
    for owner, rtype, ttl, rdata in rrs:
        if isinstance(owner, bytes):
            body += owner + struct.pack(">HIH", rtype, ttl, len(rdata)) + rdata
        else:
            body += rr(owner, rtype, ttl, rdata)
    length = 8 + len(body)
    crc = crc32c(struct.pack(">I", length) + body)
    return struct.pack(">II", length, crc) + body


def a(owner, ip):
    return (owner, 1, 300, bytes(int(x) for x in ip.split(".")))


def main():
    OUT.mkdir(exist_ok=True)
    seeds = {
        "empty": header(),
        "one": header() + record(1, 2, [], [a("www.example.", "192.0.2.1")]),
        "three": header()
        + record(4294967294, 4294967295, [], [a("a.example.", "192.0.2.1")])
        + record(4294967295, 1, [a("a.example.", "192.0.2.1")],
                 [a("a.example.", "192.0.2.2"),
                  ("t.example.", 16, 60, b"\x05hello")])
        + record(1, 2, [("mx.example.", 15, 60,
                                  b"\x00\x0a" + name("mail.example."))], []),
    }
    for fname, data in seeds.items():
        (OUT / fname).write_bytes(data)


if __name__ == "__main__":
    main()
