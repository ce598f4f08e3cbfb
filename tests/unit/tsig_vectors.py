"""Prints the TSIG vectors of test_tsig.c (C arrays), made by dnspython's
TSIG code, which shares nothing with ours: a query signed with each
algorithm, a response signed over the query's MAC, and a three-message
stream (signed, unsigned, signed: RFC 8945 5.3.1). Made once:
    /usr/bin/python3 tests/unit/tsig_vectors.py > tests/unit/tsig_vectors.h
(dnspython 2.3.0); test_tsig.c includes the output. With --seeds DIR it
writes them as the seeds of fuzz/fuzz_tsig.c instead (a first octet 0:
the key ring's first key, the vectors' time)."""

import io
import struct
import sys
from pathlib import Path

import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TSIG
import dns.rrset
import dns.tsig

KEYNAME = dns.name.from_text("test.key.")
SECRET = bytes(range(1, 33))            # 0x01 .. 0x20
TIME = 1700000000
ALGS = [("MD5", dns.tsig.HMAC_MD5), ("SHA1", dns.tsig.HMAC_SHA1),
        ("SHA224", dns.tsig.HMAC_SHA224), ("SHA256", dns.tsig.HMAC_SHA256),
        ("SHA384", dns.tsig.HMAC_SHA384), ("SHA512", dns.tsig.HMAC_SHA512)]


def c_array(name, data):
    out = ["static const uint8_t %s[] = {" % name]
    for i in range(0, len(data), 12):
        out.append("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]))
    out.append("};")
    return "\n".join(out)


def signed(msg, key, request_mac=b"", ctx=None, multi=False, first=True):
    """msg's wire with a TSIG at TIME; returns (wire, mac, ctx)."""
    wire = msg.to_wire()
    rd = dns.rdtypes.ANY.TSIG.TSIG(dns.rdataclass.ANY, dns.rdatatype.TSIG,
                                   key.algorithm, TIME, 300, b"", msg.id,
                                   0, b"")
    tsig, ctx2 = dns.tsig.sign(wire, key, rd, TIME, request_mac,
                               ctx if not first else None, multi)
    rr = dns.rrset.from_rdata(key.name, 0, tsig)
    f = io.BytesIO()
    rr.to_wire(f)
    tail = f.getvalue()
    ar = struct.unpack("!H", wire[10:12])[0] + 1
    return wire[:10] + struct.pack("!H", ar) + wire[12:] + tail, tsig.mac, ctx2


def query():
    q = dns.message.make_query("www.example.test.", "A", use_edns=False)
    q.id = 0x1234
    return q


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        return seeds(Path(sys.argv[2]))
    print("/* TSIG vectors made by dnspython 2.3.0 (tests/unit/tsig_vectors.py):")
    print(" * key test.key., secret 0x01..0x20, Time Signed %d, fudge 300;" % TIME)
    print(" * the query www.example.test A, ID 0x1234, no EDNS. */")
    for label, alg in ALGS:
        key = dns.tsig.Key(KEYNAME, SECRET, alg)
        wire, _, _ = signed(query(), key)
        print(c_array("q_" + label.lower(), wire))
    key = dns.tsig.Key(KEYNAME, SECRET, dns.tsig.HMAC_SHA256)
    q, qmac, _ = signed(query(), key)
    r = dns.message.make_response(query())
    r.answer.append(dns.rrset.from_text("www.example.test.", 60, "IN", "A",
                                        "192.0.2.1"))
    print(c_array("r_sha256", signed(r, key, qmac)[0]))
    # a stream: the first message over the request MAC, the second left
    # unsigned, the third over the first's MAC, the second and its timers
    m = [dns.message.make_response(query()) for _ in range(3)]
    for i, x in enumerate(m):
        x.answer.append(dns.rrset.from_text(
            "www.example.test.", 60, "IN", "A", "192.0.2.%d" % (i + 1)))
    w1, mac1, ctx = signed(m[0], key, qmac, multi=True)
    w2 = m[1].to_wire()
    ctx.update(w2)
    w3, _, _ = signed(m[2], key, mac1, ctx=ctx, multi=True, first=False)
    print(c_array("x1_sha256", w1))
    print(c_array("x2_sha256", w2))
    print(c_array("x3_sha256", w3))


def seeds(d):
    """The vectors as fuzz seeds, each after a first octet 0 (fuzz_tsig.c:
    the clock at TIME): queries signed with each algorithm under the key
    names of fuzz_tsig.c's ring (test.key. for hmac-sha256, else
    test.key.<alg>.), the response, unsigned queries to sign."""
    d.mkdir(parents=True, exist_ok=True)
    key = dns.tsig.Key(KEYNAME, SECRET, dns.tsig.HMAC_SHA256)
    _, qmac, _ = signed(query(), key)
    r = dns.message.make_response(query())
    (d / "response-sha256").write_bytes(b"\0" + signed(r, key, qmac)[0])
    (d / "query-unsigned").write_bytes(b"\0" + query().to_wire())
    x = dns.message.make_query("big.example.test.", "A")
    (d / "query-big").write_bytes(b"\0" + x.to_wire())
    for label, alg in ALGS:
        name = KEYNAME if label == "SHA256" else \
            "test.key.%s." % label.lower()
        k = dns.tsig.Key(name, SECRET, alg)
        (d / ("query-" + label.lower())).write_bytes(
            b"\0" + signed(query(), k)[0])

main()
