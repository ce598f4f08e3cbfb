"""TSIG (RFC 8945) on the wire: banchi-auth with a key per algorithm,
signed queries from kdig, dig and dnspython verified by those clients;
every refusal (BADKEY, BADSIG, BADTIME, BADTRUNC, bad MAC sizes) read
field by field and compared with BIND 9.18 given the same keys; signed
answers checked by an HMAC computed here from RFC 8945 4.3; the log
lines that say why, rate-limited, never with a secret; keys reloaded."""

import base64
import hashlib
import hmac
import re
import shutil
import signal
import struct
import subprocess
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.tsig
import pytest

import servers
from conftest import check_log, make_zone_dir

pytestmark = pytest.mark.banchi_only

KDIG = shutil.which("kdig")
DIG = shutil.which("dig")


def secret(n, size=32):
    return base64.b64encode(bytes((n * 7 + i) % 256
                                  for i in range(size))).decode()


# (name, algorithm, secret): one key per algorithm
KEYS = [("k-md5.", "hmac-md5", secret(1, 16)),
        ("k-sha1.", "hmac-sha1", secret(2, 20)),
        ("k-sha224.", "hmac-sha224", secret(3, 28)),
        ("k-sha256.", "hmac-sha256", secret(4)),
        ("k-sha384.", "hmac-sha384", secret(5, 48)),
        ("k-sha512.", "hmac-sha512", secret(6, 64))]
ALG = {"hmac-md5": dns.tsig.HMAC_MD5, "hmac-sha1": dns.tsig.HMAC_SHA1,
       "hmac-sha224": dns.tsig.HMAC_SHA224,
       "hmac-sha256": dns.tsig.HMAC_SHA256,
       "hmac-sha384": dns.tsig.HMAC_SHA384,
       "hmac-sha512": dns.tsig.HMAC_SHA512}
HASH = {"hmac-md5": hashlib.md5, "hmac-sha1": hashlib.sha1,
        "hmac-sha224": hashlib.sha224, "hmac-sha256": hashlib.sha256,
        "hmac-sha384": hashlib.sha384, "hmac-sha512": hashlib.sha512}
K256 = KEYS[3]
WRONG = secret(99)


def banchi_args(keyfile=None):
    args = []
    for name, alg, sec in KEYS:
        args += ["--key", "%s:%s:%s" % (alg, name, sec)]
    if keyfile:
        args += ["--key-file", str(keyfile)]
    return args


@pytest.fixture(scope="module")
def pair():
    """banchi-auth and BIND serving the same zones with the same keys."""
    d, zones = make_zone_dir()
    bd = servers.world_dir("banchi-tsig-bind-")
    kf = Path(d) / "file.key"
    kf.write_text('key "from-file." {\n\talgorithm hmac-sha256;\n'
                  '\tsecret "%s";\n};\n' % secret(7))
    kf.chmod(0o644)
    b = servers.start_banchi(d, zones, extra=banchi_args(kf))
    bind = None
    try:
        bind = servers.start_bind(bd, zones, keys=KEYS)
        yield b, bind
    finally:
        if bind:
            bind.stop()
        b.stop()
        check_log(b)
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(bd, ignore_errors=True)


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout + p.stderr


def kdig(where, *args):
    if not KDIG:
        pytest.skip("no kdig")
    return run([KDIG, "@" + where[0], "-p", str(where[1]), "+retry=0",
                "+time=2"] + list(args))


def dig(where, *args):
    if not DIG:
        pytest.skip("no dig")
    return run([DIG, "@" + where[0], "-p", str(where[1]), "+tries=1",
                "+time=2"] + list(args))


# --- signed queries through the real clients -------------------------

@pytest.mark.parametrize("key", KEYS, ids=[k[1] for k in KEYS])
@pytest.mark.parametrize("transport", ["+notcp", "+tcp"])
def test_kdig_signed(pair, key, transport):
    name, alg, sec = key
    out = kdig(pair[0].where, transport, "-y", "%s:%s:%s" % (alg, name, sec),
               "www.itest.test", "A")
    assert "status: NOERROR" in out, out
    assert "WARNING" not in out, out
    line = re.search(r"^%s\s+0\s+ANY\s+TSIG\s+(\S+)\s+\d+\s+300\s+(\d+)"
                     % re.escape(name), out, re.M)
    assert line, out
    assert line.group(2) == str(hashlib.new(alg[5:]).digest_size)
    # the same client sees a bad secret
    out = kdig(pair[0].where, transport, "-y", "%s:%s:%s"
               % (alg, name, WRONG[:len(sec)]), "www.itest.test", "A")
    assert "status: BADSIG" in out or "status: NOTAUTH" in out, out


@pytest.mark.parametrize("transport", ["+notcp", "+tcp"])
def test_dig_signed(pair, transport):
    name, alg, sec = K256
    out = dig(pair[0].where, transport, "-y", "%s:%s:%s" % (alg, name, sec),
              "www.itest.test", "A")
    assert "status: NOERROR" in out
    assert "TSIG PSEUDOSECTION" in out
    assert "Couldn't verify" not in out and "could not be" not in out, out
    out = dig(pair[0].where, transport, "-y", "%s:%s:%s" % (alg, name, WRONG),
              "www.itest.test", "A")
    assert "BADSIG" in out and "Couldn't verify" in out, out


def test_kdig_key_file(pair, tmp_path):
    """kdig -k with a key that banchi-auth read from a tsig-keygen
    file."""
    kf = tmp_path / "k"
    kf.write_text("hmac-sha256:from-file.:%s\n" % secret(7))
    out = kdig(pair[0].where, "-k", str(kf), "itest.test", "SOA")
    assert "status: NOERROR" in out and "WARNING" not in out, out


# --- dnspython ----------------------------------------------------------

def signed_query(key, qname="www.itest.test", qtype="A", offset=0,
                 alg=None, sec=None, keyname=None, edns=True, fudge=300):
    name, kalg, ksec = key
    q = dns.message.make_query(qname, qtype, use_edns=0 if edns else None)
    k = dns.tsig.Key(keyname or name, sec or ksec, ALG[alg or kalg])
    q.use_tsig(k, fudge=fudge)
    real = time.time
    time.time = lambda: real() + offset
    try:
        wire = q.to_wire()
    finally:
        time.time = real
    return q, wire


@pytest.mark.parametrize("key", KEYS, ids=[k[1] for k in KEYS])
def test_dnspython_verifies(pair, key):
    q, _ = signed_query(key)
    r = dns.query.udp(q, pair[0].where[0], port=pair[0].where[1], timeout=2)
    assert r.rcode() == 0 and r.had_tsig and r.answer
    q, _ = signed_query(key, "big.itest.test", "A", edns=False)
    r = dns.query.tcp(q, pair[0].where[0], port=pair[0].where[1], timeout=2)
    assert r.rcode() == 0 and r.had_tsig and len(r.answer[0]) == 60


def test_truncated_is_signed(pair):
    """Over UDP without EDNS the big answer is cut (TC) and still
    signed; dnspython verifies it."""
    q, _ = signed_query(K256, "big.itest.test", "A", edns=False)
    r = dns.query.udp(q, pair[0].where[0], port=pair[0].where[1], timeout=2)
    assert r.flags & dns.flags.TC and r.had_tsig


def test_unsigned_unchanged(pair):
    r = servers.query(pair[0].where, "www.itest.test", "A")
    assert r.rcode() == 0 and not r.had_tsig


# --- reading and checking answers without dnspython's TSIG code ---------

def parse_raw(wire):
    """(message, TSIG rdata, owner, offset of the TSIG) without checking
    the TSIG."""
    seen = {}

    def grab(wire_, key, owner, rdata, now, request_mac, tsig_start,
             *a, **kw):
        seen.update(rd=rdata, owner=owner, start=tsig_start)

    real = dns.tsig.validate
    dns.tsig.validate = grab
    try:
        m = dns.message.from_wire(
            wire, keyring=lambda msg, name: dns.tsig.Key(name, "AAAA"))
    finally:
        dns.tsig.validate = real
    return m, seen.get("rd"), seen.get("owner"), seen.get("start")


def mac_ok(wire, key, request_mac):
    """RFC 8945 4.3 by hand: the request MAC, the answer as it was before
    its TSIG (Original ID, ARCOUNT - 1), the TSIG variables."""
    name, alg, sec = key
    m, rd, owner, start = parse_raw(wire)
    ar = struct.unpack("!H", wire[10:12])[0] - 1
    msg = (struct.pack("!H", rd.original_id) + wire[2:10] +
           struct.pack("!H", ar) + wire[12:start])
    data = (struct.pack("!H", len(request_mac)) + request_mac + msg +
            owner.to_digestable() + struct.pack("!HI", 255, 0) +
            rd.algorithm.to_digestable() +
            struct.pack("!HIH", rd.time_signed >> 32,
                        rd.time_signed & 0xffffffff, rd.fudge) +
            struct.pack("!HH", rd.error, len(rd.other)) + rd.other)
    want = hmac.new(base64.b64decode(sec), data, HASH[alg]).digest()
    return len(rd.mac) > 0 and want[:len(rd.mac)] == rd.mac


def cut_mac(wire, n):
    """The signed query with its MAC cut to n octets (or zero-padded)."""
    _, rd, _, start = parse_raw(wire)
    body = wire[start:]
    i = body.rfind(rd.mac)
    body = body[:i - 2] + struct.pack("!H", n) + \
        rd.mac[:n].ljust(n, b"\0") + body[i + len(rd.mac):]
    j = body.index(b"\x00\xfa\x00\xff\x00\x00\x00\x00")
    body = body[:j + 8] + struct.pack("!H", len(body) - j - 10) + \
        body[j + 10:]
    return wire[:start] + body


def outcome(where, wire, key, tcp=False):
    """What a server made of a signed query, as comparable fields."""
    raw = servers.raw_tcp(where, wire) if tcp else servers.raw_udp(where,
                                                                    wire)
    assert raw is not None
    m, rd, _, _ = parse_raw(raw)
    now = time.time()
    out = {"rcode": dns.rcode.to_text(m.rcode()),
           "question": len(m.question), "answer": len(m.answer),
           "opt": m.edns >= 0, "tsig": rd is not None}
    if rd is not None:
        _, qrd, _, _ = parse_raw(wire)
        out.update(error=rd.error, signed=len(rd.mac) > 0,
                   mac_len=len(rd.mac), fudge=rd.fudge,
                   algorithm=str(rd.algorithm).lower(),
                   time=("client's" if rd.time_signed == qrd.time_signed
                         and abs(qrd.time_signed - now) > 5 else
                         "server's" if abs(rd.time_signed - now) <= 5
                         else rd.time_signed),
                   other=("server time" if len(rd.other) == 6 and
                          abs(int.from_bytes(rd.other, "big") - now) <= 5
                          else rd.other.hex()))
        if out["signed"]:
            out["mac_verifies"] = mac_ok(raw, key, qrd.mac)
    return out


def cases():
    """(name, wire, key the answer is signed with)"""
    k = K256
    out = [("good", signed_query(k)[1], k),
           ("unknown key", signed_query(k, keyname="nokey.")[1], k),
           ("bad secret", signed_query(k, sec=WRONG)[1], k),
           ("wrong algorithm", signed_query(k, alg="hmac-sha1")[1], k),
           ("unknown algorithm name",
            signed_query(k, alg="hmac-md5", keyname="nokey.")[1], k),
           ("client ahead 1000 s", signed_query(k, offset=1000)[1], k),
           ("client behind 1000 s", signed_query(k, offset=-1000)[1], k),
           ("no EDNS, bad secret",
            signed_query(k, sec=WRONG, edns=False)[1], k),
           ("MAC cut to 16", cut_mac(signed_query(k)[1], 16), k),
           ("MAC cut to 10", cut_mac(signed_query(k)[1], 10), k),
           ("MAC size 0", cut_mac(signed_query(k)[1], 0), k),
           ("hmac-sha1 MAC cut to 10",
            cut_mac(signed_query(KEYS[1])[1], 10), KEYS[1])]
    return out


# Signed when each test runs, not when the tests are collected: a run
# that takes longer than the fudge (300 s) would send stale ones.
CASE_NAMES = [c[0] for c in cases()]


def case(name):
    return next(c for c in cases() if c[0] == name)


@pytest.mark.parametrize("name", CASE_NAMES)
@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_same_as_bind(pair, name, tcp):
    """Each answer field by field as BIND 9.18 gives it: rcode, the TSIG
    error, signed or not, which clock is in Time Signed and Other Data,
    question and OPT echoed; a signed one verifies by hand."""
    name, wire, key = case(name)
    ours = outcome(pair[0].where, wire, key, tcp)
    bind = outcome(pair[1].where, wire, key, tcp)
    assert ours == bind, (name, ours, bind)
    assert ours.get("mac_verifies", True), ours


def test_answers_as_rfc_says(pair):
    """The fields themselves, so that the comparison cannot pass with
    both servers wrong."""
    got = {name: outcome(pair[0].where, wire, key)
           for name, wire, key in cases()}
    assert got["good"]["rcode"] == "NOERROR" and got["good"]["signed"]
    assert got["good"]["time"] == "server's" and got["good"]["answer"]
    for c in ("unknown key", "wrong algorithm", "unknown algorithm name"):
        assert got[c]["rcode"] == "NOTAUTH" and got[c]["error"] == 17
        assert not got[c]["signed"] and got[c]["question"] == 1
    for c in ("bad secret", "no EDNS, bad secret", "MAC size 0"):
        assert got[c]["rcode"] == "NOTAUTH" and got[c]["error"] == 16
        assert not got[c]["signed"]
    assert not got["no EDNS, bad secret"]["opt"]
    for c in ("client ahead 1000 s", "client behind 1000 s"):
        g = got[c]
        assert g["rcode"] == "NOTAUTH" and g["error"] == 18, g
        assert g["signed"] and g["mac_verifies"] and g["time"] == "client's"
        assert g["other"] == "server time"
    g = got["MAC cut to 16"]
    assert g["error"] == 22 and g["signed"] and g["mac_len"] == 32
    g = got["MAC cut to 10"]
    assert g["rcode"] == "FORMERR" and g["error"] == 16 and not g["signed"]
    g = got["hmac-sha1 MAC cut to 10"]
    assert g["error"] == 22 and g["signed"] and g["mac_verifies"]


def test_signed_notify(pair):
    """A NOTIFY gets NOTAUTH until NOTIFY is accepted (as Knot without
    an ACL; BIND answers NOERROR), signed like any answer to a good
    TSIG."""
    q, _ = signed_query(K256, "itest.test", "SOA")
    q.set_opcode(dns.opcode.NOTIFY)
    g = outcome(pair[0].where, q.to_wire(), K256)
    assert g["rcode"] == "NOTAUTH" and g["signed"] and g["error"] == 0
    assert g["mac_verifies"]


def test_badtime_fudge_echoed(pair):
    """RFC 8945 5.2.3: BADTIME carries the client's fudge (BIND puts its
    own 300: doc/differences.md)."""
    _, wire = signed_query(K256, offset=1000, fudge=100)
    g = outcome(pair[0].where, wire, K256)
    assert g["error"] == 18 and g["fudge"] == 100 and g["mac_verifies"]


def test_malformed_tsig(pair):
    """A TSIG whose RDATA cannot be read: FORMERR without a TSIG, as
    BIND answers."""
    _, wire = signed_query(K256)
    bad = wire[:-1] + b"\x01"           # Other Len 1, past the end
    for s in pair:
        r = dns.message.from_wire(servers.raw_udp(s.where, bad))
        assert r.rcode() == dns.rcode.FORMERR and not r.had_tsig, s.name


# --- the log ----------------------------------------------------------

@pytest.fixture
def alone():
    """A banchi-auth of its own, for tests that read its log."""
    d, zones = make_zone_dir()
    started = []

    def go(extra=()):
        s = servers.start_banchi(d, zones, extra=list(extra))
        started.append(s)
        return s
    try:
        yield go, d, zones
    finally:
        for s in started:
            s.stop()
            check_log(s)
        shutil.rmtree(d, ignore_errors=True)


def wait_log(s, pattern, limit=5.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if re.search(pattern, s.log_text(), re.M):
            return s.log_text()
        time.sleep(0.05)
    raise AssertionError("no %r in:\n%s" % (pattern, s.log_text()))


def test_log_says_why(alone):
    go, _, _ = alone
    s = go(banchi_args())
    w = s.where
    servers.raw_udp(w, signed_query(K256, keyname="foo.")[1])
    servers.raw_udp(w, signed_query(K256, alg="hmac-sha1")[1])
    servers.raw_tcp(w, signed_query(K256, sec=WRONG)[1])
    servers.raw_udp(w, signed_query(K256, offset=-421)[1])
    servers.raw_udp(w, cut_mac(signed_query(K256)[1], 16))
    servers.raw_udp(w, cut_mac(signed_query(K256)[1], 40))
    log = wait_log(s, r"MAC size 40")
    pre = r"info: TSIG from 127\.0\.0\.1: "
    for want in (r"unknown key name 'foo\.'$",
                 r"key 'k-sha256\.': algorithm differs \(client hmac-sha1,"
                 r" key hmac-sha256\)$",
                 r"key 'k-sha256\.': MAC wrong \(the secret differs\?\)$",
                 r"key 'k-sha256\.': clock off by 42[12] s \(fudge 300, "
                 r"client behind\)$",
                 r"key 'k-sha256\.': MAC truncated to 16 octets, the key "
                 r"wants 32$",
                 r"key 'k-sha256\.': MAC size 40 out of range for "
                 r"hmac-sha256 \(16 to 32 octets\)$"):
        assert re.search(pre + want, log, re.M), (want, log)
    for _, _, sec in KEYS:
        assert sec not in log
    assert WRONG not in log
    # a verified query is a debug line, not an info one
    servers.raw_udp(w, signed_query(K256)[1])
    assert "verified" not in s.log_text()


@pytest.mark.slow
def test_log_rate_limited(alone):
    """Anyone can send badly signed queries: one line per source and
    reason per 5 s, the rest counted."""
    go, _, _ = alone
    s = go(banchi_args() + ["--log-level", "debug"])
    bad = [signed_query(K256, sec=WRONG)[1] for _ in range(30)]
    replies = servers.blast(s.where, bad)
    assert all(r is not None for r in replies)
    # another reason is a line of its own, which counts the others
    servers.raw_udp(s.where, signed_query(K256, keyname="foo.")[1])
    wait_log(s, r"unknown key name 'foo\.' \(29 lines held back before\)$")
    assert len(re.findall(r"MAC wrong", s.log_text())) == 1
    time.sleep(5.2)
    servers.raw_udp(s.where, signed_query(K256, sec=WRONG)[1])
    log = wait_log(s, r"(?s)MAC wrong.*MAC wrong")
    assert len(re.findall(r"MAC wrong", log)) == 2
    servers.raw_udp(s.where, signed_query(K256)[1])
    wait_log(s, r"debug: TSIG from 127\.0\.0\.1: key 'k-sha256\.': "
             r"verified$")


# --- keys from the config, reloaded ------------------------------------

def test_keys_reloaded(alone):
    """keys: in the YAML (inline and a keymgr -t file); SIGHUP re-reads
    the key file: the new secret works, the old one gets BADSIG."""
    _, d, zones = alone
    kf = Path(d) / "knot.key"
    port = servers.free_port()
    conf = Path(d) / "auth.yaml"

    def write_key(sec):
        kf.write_text("# hmac-sha384:rk:%s\nkey:\n  - id: rk\n"
                      "    algorithm: hmac-sha384\n    secret: %s\n"
                      % (sec, sec))
        kf.chmod(0o644)

    write_key(secret(10, 48))
    conf.write_text("server:\n  listen: 127.0.0.1:%d\n  threads: 1\n"
                    "zones:\n" % port +
                    "".join("  - {name: %s, file: %s}\n" % (o, Path(f).name)
                            for o, f in zones) +
                    "keys:\n  - {name: yk, algorithm: hmac-sha224, "
                    "secret: \"%s\"}\n  - file: knot.key\n" % secret(11, 28))
    conf.chmod(0o644)
    s = servers.Server("banchi-auth",
                       [str(servers.banchi_binary()), "-c", str(conf)],
                       ("127.0.0.1", port), d, zones[0][0])
    try:
        rk = ("rk.", "hmac-sha384", secret(10, 48))
        yk = ("yk.", "hmac-sha224", secret(11, 28))
        for k in (rk, yk):
            g = outcome(s.where, signed_query(k)[1], k)
            assert g["rcode"] == "NOERROR" and g["mac_verifies"], g
        write_key(secret(12, 48))
        s.signal(signal.SIGHUP)
        wait_log(s, r"reload: \d+ zones served")
        new = ("rk.", "hmac-sha384", secret(12, 48))
        g = outcome(s.where, signed_query(new)[1], new)
        assert g["rcode"] == "NOERROR" and g["mac_verifies"], g
        assert outcome(s.where, signed_query(rk)[1], rk)["error"] == 16
        # a broken key file keeps the keys as they were
        kf.write_text("key:\n  - id: rk\n    secret: AQ*D\n")
        s.signal(signal.SIGHUP)
        log = wait_log(s, r"knot\.key:2: key: id, algorithm and secret")
        assert "AQ*D" not in log
        assert outcome(s.where, signed_query(new)[1], new)["rcode"] == \
            "NOERROR"
    finally:
        assert s.stop() == 0
        check_log(s)
