"""The failure kinds of the DNSSEC lab that tests/data/dnssec/chain lacks,
made at test time (no signature in the repo to expire): a KeyTrap zone
(CVE-2023-50387: many DNSKEYs of one key tag, many RRSIGs of that tag
on every RRset, none of them right), a zone whose NSEC3 chain has 500
iterations (RFC 9276), a zone whose DS is in its parent but which serves
no DNSKEY, and children of algorithms 8 and 15 under a root of algorithm
13. dnssec-signzone (signing.py) signs what it can; it refuses NSEC3 with
more than 150 iterations, and cannot make wrong signatures, so those two
zones are signed here with dnspython and python3-cryptography."""

import base64
import os
import struct
import time
from pathlib import Path

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

import signing

KEYTRAP_KEYS = 40       # DNSKEYs sharing the key tag of the bad RRSIGs
KEYTRAP_SIGS = 12       # RRSIGs on each RRset, all with that tag
KEYTRAP_TAG = 4242
ITER500 = 500


# Ed25519 (RFC 8032 5.1.3): a public key decodes when its y < p and
# x^2 = (y^2 - 1) / (d y^2 + 1) has a root; only then does a verifier
# do the whole verification, so only such keys cost it anything.
P25519 = 2 ** 255 - 19
D25519 = -121665 * pow(121666, -1, P25519) % P25519
SQRT_M1 = pow(2, (P25519 - 1) // 4, P25519)


def ed25519_point(k):
    y = int.from_bytes(k, "little") & ((1 << 255) - 1)
    if y >= P25519:
        return False
    x2 = (y * y - 1) * pow(D25519 * y * y + 1, -1, P25519) % P25519
    x = pow(x2, (P25519 + 3) // 8, P25519)
    if (x * x - x2) % P25519:
        x = x * SQRT_M1 % P25519
    if (x * x - x2) % P25519:
        return False
    return x != 0 or not k[31] >> 7


def key_tag(rdata):
    """RFC 4034 Appendix B over DNSKEY RDATA."""
    ac = sum(b << 8 if i % 2 == 0 else b for i, b in enumerate(rdata))
    return (ac + (ac >> 16)) & 0xFFFF


def colliding_keys(n, tag, flags=256, alg=15):
    """n distinct Ed25519 public keys (32 octets, each a valid point)
    whose DNSKEY RDATA (flags, 3, alg) has key tag tag: random 30
    octets, the last two chosen to make the sum come out right."""
    keys = []
    head = bytes([flags >> 8, flags & 0xFF, 3, alg])
    for _ in range(64 * n):         # half the candidates decode
        if len(keys) == n:
            break
        k = bytearray(os.urandom(32))
        base = sum(b << 8 if i % 2 == 0 else b
                   for i, b in enumerate(head + bytes(k[:30])))
        for carry in range(64):    # ac >> 16: at most 36 * 255 * 257 >> 16
            w = (tag - base - carry) % 0x10000
            k[30], k[31] = w >> 8, w & 0xFF
            if key_tag(head + bytes(k)) == tag:
                break
        if key_tag(head + bytes(k)) == tag and ed25519_point(bytes(k)) \
                and bytes(k) not in keys:
            keys.append(bytes(k))
    if len(keys) != n:
        raise RuntimeError("made %d of %d colliding keys" % (len(keys), n))
    return keys


def _rd(rtype, text, origin):
    return dns.rdata.from_text(dns.rdataclass.IN, rtype, text,
                               origin=origin, relativize=False)


def _labels(name):
    n = len(name.labels) - 1
    return n - 1 if name.labels[0] == b"*" else n


def bad_rrsigs(rrset, signer, tag, count, now, alg=15):
    """count RRSIGs over rrset by (signer, tag), valid from now - 1 hour
    to now + 30 days, whose Ed25519 signatures are random (S below the
    group order, so a verifier does the whole check before it fails)."""
    out = []
    for _ in range(count):
        s = bytearray(os.urandom(64))
        s[63] &= 0x0F
        w = _rrsig_wire(rrset, alg, tag, signer, now, bytes(s))
        out.append(dns.rdata.from_wire(dns.rdataclass.IN,
                                       dns.rdatatype.RRSIG, w, 0, len(w)))
    return out


def _rrsig_wire(rrset, alg, tag, signer, now, sig):
    return struct.pack("!HBBIIIH", rrset.rdtype, alg, _labels(rrset.name),
                       rrset.ttl, now + 30 * 86400, now - 3600, tag) + \
        signer.to_wire() + sig


def _text(rrsets):
    return "".join(r.to_text() + "\n" for r in rrsets)


def _nsec_chain(origin, names):
    """NSEC RRsets for names {name: [types]} (origin's apex included)."""
    order = sorted(names)
    out = []
    for i, n in enumerate(order):
        nxt = order[(i + 1) % len(order)]
        types = sorted(set(names[n]) | {"RRSIG", "NSEC"},
                       key=dns.rdatatype.from_text)
        out.append(dns.rrset.from_rdata(n, 300, _rd(
            "NSEC", "%s %s" % (nxt, " ".join(types)), origin)))
    return out


def _rrsets(origin, lines):
    """RRsets of (owner, ttl, type, text) lines, grouped."""
    sets = {}
    for owner, ttl, rtype, text in lines:
        name = dns.name.from_text(owner, origin)
        key = (name, rtype)
        if key not in sets:
            sets[key] = dns.rrset.RRset(name, dns.rdataclass.IN,
                                        dns.rdatatype.from_text(rtype))
        sets[key].add(_rd(rtype, text, origin), ttl)
    return list(sets.values())


def keytrap_zone(d, origin="keytrap.", addr="127.0.0.1",
                 nkeys=KEYTRAP_KEYS, nsigs=KEYTRAP_SIGS, tag=KEYTRAP_TAG,
                 now=None):
    """Writes d/ORIGIN.signed: a key (257, Ed25519) that signs the DNSKEY
    set rightly, nkeys keys of key tag tag, and on every other RRset
    (SOA, NS, A, NSEC; a wildcard *.ORIGIN A, so that every name has an
    answer to validate) nsigs wrong RRSIGs of tag tag: a validator that
    tries every key for every signature does nkeys * nsigs verifications
    per RRset, and finds none right. Its server, ns1, is at addr; its
    signatures valid from now (default: the time) - 1 hour for 30 days.
    Returns (path, DS line)."""
    o = dns.name.from_text(origin)
    ksk = ed25519.Ed25519PrivateKey.generate()
    kdk = dns.dnssec.make_dnskey(ksk.public_key(), 15, flags=257)
    keys = [kdk] + [_rd("DNSKEY", "256 3 15 " + base64.b64encode(k).decode(),
                        o) for k in colliding_keys(nkeys, tag)]
    data = [("@", 300, "SOA", "ns1 h 1 3600 900 604800 300"),
            ("@", 300, "NS", "ns1"), ("ns1", 300, "A", addr),
            ("www", 300, "A", "192.0.2.70"), ("*", 300, "A", "192.0.2.71")]
    sets = _rrsets(o, data)
    names = {}
    for s in sets:
        names.setdefault(s.name, []).append(dns.rdatatype.to_text(s.rdtype))
    names[o].append("DNSKEY")
    sets += _nsec_chain(o, names)
    dnskey = dns.rrset.from_rdata_list(o, 300, keys)
    now = int(time.time() if now is None else now)
    sigs = [dns.rrset.from_rdata(o, 300, dns.dnssec.sign(
        dnskey, ksk, o, kdk, inception=now - 3600,
        expiration=now + 30 * 86400))]
    for s in sets:
        sigs.append(dns.rrset.from_rdata_list(
            s.name, s.ttl, bad_rrsigs(s, o, tag, nsigs, now)))
    path = Path(d) / (origin.rstrip(".") + ".signed")
    path.write_text("$ORIGIN %s\n" % origin + _text([dnskey] + sets + sigs))
    path.chmod(0o644)
    return path, "%s 3600 IN DS %s" % (origin,
                                       dns.dnssec.make_ds(o, kdk, "SHA256"))


def nsec3_iter_zone(d, origin="it500.", iterations=ITER500):
    """Writes d/ORIGIN.signed: ECDSA P-256 (one key, 257), NSEC3 with
    iterations iterations and no salt over SOA, NS, DNSKEY, NSEC3PARAM,
    ns1 A and www A; every RRset rightly signed. Returns (path, DS)."""
    o = dns.name.from_text(origin)
    key = ec.generate_private_key(ec.SECP256R1())
    kdk = dns.dnssec.make_dnskey(key.public_key(), 13, flags=257)
    data = [("@", 300, "SOA", "ns1 h 1 3600 900 604800 300"),
            ("@", 300, "NS", "ns1"), ("ns1", 300, "A", "127.0.0.1"),
            ("www", 300, "A", "192.0.2.72"),
            ("@", 0, "NSEC3PARAM", "1 0 %d -" % iterations)]
    sets = _rrsets(o, data)
    sets.append(dns.rrset.from_rdata_list(o, 300, [kdk]))
    names = {}
    for s in sets:
        names.setdefault(s.name, []).append(dns.rdatatype.to_text(s.rdtype))
    hashed = sorted((dns.dnssec.nsec3_hash(n, None, iterations, 1), n)
                    for n in names)
    for i, (h, n) in enumerate(hashed):
        nxt = hashed[(i + 1) % len(hashed)][0]
        types = sorted(set(names[n]) | {"RRSIG"},
                       key=dns.rdatatype.from_text)
        sets.append(dns.rrset.from_rdata(
            dns.name.from_text(h.lower(), o), 300,
            _rd("NSEC3", "1 0 %d - %s %s" % (iterations, nxt,
                                             " ".join(types)), o)))
    now = int(time.time())
    sigs = [dns.rrset.from_rdata(s.name, s.ttl, dns.dnssec.sign(
        s, key, o, kdk, inception=now - 3600, expiration=now + 30 * 86400))
        for s in sets]
    path = Path(d) / (origin.rstrip(".") + ".signed")
    path.write_text("$ORIGIN %s\n" % origin + _text(sets + sigs))
    path.chmod(0o644)
    return path, "%s 3600 IN DS %s" % (origin,
                                       dns.dnssec.make_ds(o, kdk, "SHA256"))


LEAF = ("$TTL 300\n@ SOA ns1 h 1 3600 900 604800 300\n@ NS ns1\n"
        "ns1 A 127.0.0.1\nwww A 192.0.2.%d\ntxt TXT \"one\" \"two\"\n")


def nokey_zone(d, origin="nokey."):
    """Signed by dnssec-signzone (algorithm 13, NSEC), then its DNSKEY
    RRset and the RRSIGs over it taken out: the parent's DS names a key
    the zone never serves. Returns (path, DS)."""
    path, ds, _ = signing.sign(d, origin, 13, "nsec", text=LEAF % 73,
                               extra=("-O", "full"))
    keep = [ln for ln in path.read_text().splitlines()
            if not (ln.split()[3:4] == ["DNSKEY"] or
                    ln.split()[3:5] == ["RRSIG", "DNSKEY"])]
    path.write_text("\n".join(keep) + "\n")
    return path, ds


def leaf_zone(d, origin, alg, denial, host):
    path, ds, _ = signing.sign(d, origin, alg, denial, text=LEAF % host)
    return path, ds


def root_zone(d, children, addr="127.0.0.1"):
    """The root (algorithm 13, NSEC) served by a.root. at addr,
    delegating each of children {origin: DS line} to ns1.ORIGIN at addr.
    Returns (path, the DS of its KSK: the trust anchor)."""
    lines = ["$TTL 3600", "@ SOA a.root. h.root. 1 3600 900 604800 300",
             "@ NS a.root.", "a.root. A %s" % addr]
    for origin, ds in children.items():
        lines += ["%s NS ns1.%s" % (origin, origin),
                  "ns1.%s A %s" % (origin, addr), ds]
    path, ds, _ = signing.sign(d, ".", 13, "nsec",
                               text="\n".join(lines) + "\n")
    return path, ds


def build(top):
    """Every zone of the lab under top: ([(origin, path)], anchor DS
    line); the root first."""
    top = Path(top)
    zones = {
        "keytrap.": keytrap_zone(subdir(top, "keytrap")),
        "it500.": nsec3_iter_zone(subdir(top, "it500")),
        "it150.": nsec3_iter_zone(subdir(top, "it150"), "it150.", 150),
        "nokey.": nokey_zone(subdir(top, "nokey"), "nokey."),
        "rsa8.": leaf_zone(subdir(top, "rsa8"), "rsa8.", 8, "nsec", 74),
        "ed15.": leaf_zone(subdir(top, "ed15"), "ed15.", 15, "nsec3", 75),
    }
    root, anchor = root_zone(subdir(top, "root"),
                             {o: ds for o, (_, ds) in zones.items()})
    return [(".", root)] + [(o, p) for o, (p, _) in zones.items()], anchor


def subdir(top, name):
    """top/name, made readable by a daemon that dropped privileges."""
    d = top / name
    d.mkdir(parents=True, exist_ok=True)
    d.chmod(0o755)
    return d
