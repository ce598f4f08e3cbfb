"""Run inside the client namespace (ip netns exec NS python3 sender.py
JSON): sends the DHCP requests described to the server's port 67 from
port 68, then prints the replies received (type, yiaddr, siaddr, the
file field, options as hex by code, per xid) as JSON. Written apart from banchi's own code so that it checks it."""

import json
import socket
import struct
import sys
import time

MAGIC = b"\x63\x82\x53\x63"


def packet(kind, mac, xid, req_addr=None, ciaddr="0.0.0.0", sid=None,
           host=None, opts_hex=""):
    mac_b = bytes.fromhex(mac.replace(":", ""))
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0,
                      0x8000, socket.inet_aton(ciaddr), bytes(4), bytes(4),
                      bytes(4), mac_b, b"", b"")
    opts = bytes([53, 1, kind])
    if req_addr:
        opts += bytes([50, 4]) + socket.inet_aton(req_addr)
    if sid:
        opts += bytes([54, 4]) + socket.inet_aton(sid)
    if host:
        opts += bytes([12, len(host)]) + host.encode()
    opts += bytes.fromhex(opts_hex)     # more options, as sent
    return hdr + MAGIC + opts + b"\xff"


def parse(data):
    if len(data) < 240 or data[236:240] != MAGIC:
        return None
    xid = struct.unpack("!I", data[4:8])[0]
    yiaddr = socket.inet_ntoa(data[16:20])
    i, kind, opts = 240, None, {}
    while i + 1 < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        if data[i] == 53:
            kind = data[i + 2]
        code = str(data[i])
        opts[code] = opts.get(code, "") + data[i + 2:i + 2 + data[i + 1]].hex()
        i += 2 + data[i + 1]
    return dict(xid=xid, yiaddr=yiaddr, type=kind,
                siaddr=socket.inet_ntoa(data[20:24]),
                file=data[108:236].split(b"\0")[0].decode("latin-1"),
                opts=opts)


def main():
    spec = json.loads(sys.argv[1])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", 68))
    for p in spec["send"]:
        if "raw" in p:
            data = bytes.fromhex(p["raw"])
        else:
            data = packet(p["type"], p["mac"], p["xid"], p.get("req"),
                          p.get("ciaddr", "0.0.0.0"), p.get("sid"),
                          p.get("host"), p.get("opts", ""))
        s.sendto(data, (spec["to"], 67))
        time.sleep(spec.get("gap", 0))
    replies = []
    s.settimeout(0.2)
    end = time.monotonic() + spec.get("wait", 3)
    while time.monotonic() < end and len(replies) < spec.get("expect", 0):
        try:
            data = s.recv(4096)
        except socket.timeout:
            continue
        r = parse(data)
        if r:
            replies.append(r)
    print(json.dumps(replies))


main()
