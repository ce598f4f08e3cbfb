#!/usr/bin/python3
"""Writes the fuzz_dhcp seeds (fuzz/seeds/dhcp/): requests of each type
as dhclient, udhcpc and dhcpcd send them (parameter lists, client
identifiers, host names, FQDN, relay information, an overloaded one,
a long split option)."""

import socket
import struct
from pathlib import Path

OUT = Path(__file__).resolve().parent / "dhcp"
MAGIC = b"\x63\x82\x53\x63"
PRL = bytes([1, 3, 6, 12, 15, 26, 28, 42, 51, 54, 58, 59, 119, 121])


def opt(code, value):
    return bytes([code, len(value)]) + value


def packet(kind, opts, ciaddr="0.0.0.0", giaddr="0.0.0.0", sname=b"",
           file=b"", mac="020000000001"):
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 0x1234,
                      0, 0x8000, socket.inet_aton(ciaddr), bytes(4),
                      bytes(4), socket.inet_aton(giaddr),
                      bytes.fromhex(mac), sname, file)
    return hdr + MAGIC + opt(53, bytes([kind])) + opts + b"\xff"


def addr(a):
    return socket.inet_aton(a)


def main():
    OUT.mkdir(exist_ok=True)
    cid = opt(61, b"\x01\x02\x00\x00\x00\x00\x01")
    seeds = {
        "discover": packet(1, opt(55, PRL) + cid + opt(12, b"laptop") +
                           opt(57, b"\x05\xdc")),
        "discover-duid": packet(1, opt(61, b"\xff\x00\x00\x00\x01\x00\x04"
                                            + bytes(16)) + opt(55, PRL)),
        "select": packet(3, opt(50, addr("10.0.0.2")) +
                         opt(54, addr("10.0.0.1")) + cid +
                         opt(81, b"\x05\x00\x00\x06laptop\x03lan\x00")),
        "init-reboot": packet(3, opt(50, addr("10.0.0.3")) + cid),
        "renew": packet(3, cid, ciaddr="10.0.0.2"),
        "static": packet(3, opt(50, addr("10.0.0.5")),
                         mac="020000000001"),
        "release": packet(7, opt(54, addr("10.0.0.1")), ciaddr="10.0.0.2"),
        "decline": packet(4, opt(50, addr("10.0.0.2")) +
                          opt(54, addr("10.0.0.1"))),
        "inform": packet(8, opt(55, PRL), ciaddr="10.0.0.200"),
        "relayed": packet(1, opt(82, opt(1, b"port7") + opt(2, b"sw1")),
                          giaddr="10.0.0.254"),
        "overloaded": packet(1, opt(52, b"\x03"),
                             file=opt(12, b"in-file") + b"\xff",
                             sname=opt(15, b"lan") + b"\xff"),
        "split": packet(1, opt(12, b"a" * 200) + opt(12, b"b" * 100)),
        # for the option writer: codes and lengths
        "writer": bytes([60, 1, 3, 3, 6, 40, 1, 255, 200]) + bytes(400),
    }
    for name, data in seeds.items():
        (OUT / name).write_bytes(data)


main()
