"""Unbound validates what banchi-auth serves. A root zone and the signed
test zones below it (signing.py) are signed in the test and served by
banchi-auth on loopback; Unbound, with the root's DS as its only trust
anchor and stubs pointing at banchi-auth (no Internet hints; addresses
off loopback refused), resolves names of every kind with DO: each
answer must come back secure (AD) with the expected rcode, except the
delegations that opt-out leaves unsigned, which must come back
insecure. Prints the counts."""

import sys
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
sys.path.insert(0, str(HERE))
import servers  # noqa: E402
import validators  # noqa: E402
import signing  # noqa: E402

NOERROR, NXDOMAIN = "NOERROR", "NXDOMAIN"
# (name relative to the zone, type, rcode); every one asked in each zone.
QUERIES = [
    ("@", "SOA", NOERROR), ("@", "NS", NOERROR), ("@", "MX", NOERROR),
    ("@", "DNSKEY", NOERROR), ("@", "TXT", NOERROR), ("@", "AAAA", NOERROR),
    ("www", "A", NOERROR), ("www", "AAAA", NOERROR), ("www", "MX", NOERROR),
    ("www", "SRV", NOERROR), ("mail", "A", NOERROR),
    ("_sip._tcp", "SRV", NOERROR), ("_tcp", "SRV", NOERROR),
    ("a.b.ent", "A", NOERROR), ("b.ent", "A", NOERROR),
    ("ent", "TXT", NOERROR), ("z.deep", "A", NOERROR),
    ("x.y.z.deep", "TXT", NOERROR), ("host7", "A", NOERROR),
    ("big", "TXT", NOERROR),
    ("nope", "A", NXDOMAIN), ("a.nope.www", "A", NXDOMAIN),
    ("zzz.host1", "AAAA", NXDOMAIN), ("q.b.ent", "A", NXDOMAIN),
    ("foo.wild", "A", NOERROR), ("bar.baz.wild", "TXT", NOERROR),
    ("foo.wild", "MX", NOERROR), ("q.wc", "A", NOERROR),
    ("a.b.wc", "AAAA", NOERROR), ("x.in.ent2", "AAAA", NOERROR),
    ("x.in.ent2", "A", NOERROR), ("in.ent2", "A", NOERROR),
    ("y.nx", "A", NXDOMAIN), ("cname", "A", NOERROR),
    ("chain1", "TXT", NOERROR), ("dangling", "A", NXDOMAIN),
    ("tocname", "A", NOERROR), ("h1.dn", "A", NOERROR),
    ("h2.dn", "TXT", NOERROR), ("nx.dn", "A", NXDOMAIN),
    ("dn", "DNAME", NOERROR), ("sec", "DS", NOERROR),
    ("sd2", "DS", NOERROR), ("insec", "DS", NOERROR),
    ("far", "DS", NOERROR), ("od3", "DS", NOERROR),
    ("entdeleg", "A", NOERROR),
]
# In the opt-out zones every NSEC3 has the opt-out flag, so a proof
# that rests on an NSEC3 covering a name (NXDOMAIN, a wildcard's use)
# or on opt-out's closest provable encloser (the delegations and empty
# non-terminals left without an NSEC3) proves the answer insecure, not
# secure (RFC 5155 9.2): Unbound answers without AD.
OPTOUT_INSECURE = {"insec", "far", "od3", "entdeleg", "foo.wild",
                   "bar.baz.wild", "q.wc", "a.b.wc", "x.in.ent2"}


def root_text(signed):
    lines = ["$TTL 3600", ". SOA a.root. hostmaster.root. 1 3600 900 "
             "604800 300", ". NS a.root.", "a.root. A 127.0.0.1"]
    for origin, (_, ds, _) in signed.items():
        lines += ["%s NS ns1.%s" % (origin, origin),
                  "ns1.%s A 127.0.0.1" % origin, ds]
    return "\n".join(lines) + "\n"


ask = validators.ask
outcome = validators.outcome   # the rcode, AD and the Extended DNS Error


@pytest.fixture(scope="module")
def lab():
    with validators.Lab("banchi-dnssec-ub-", ("unbound", "dnssec-signzone",
                                              "dnssec-keygen")) as lab:
        top = lab.top
        signed = signing.sign_all(top / "keys")
        root, root_ds, _ = signing.sign(top / "keys" / "root", ".", 13,
                                        "nsec", text=root_text(signed))
        zones = [(".", servers.copy_zone(root, top, "root.zone"))]
        for origin, (path, _, _) in signed.items():
            zones.append((origin.rstrip("."), servers.copy_zone(
                path, top, origin.rstrip(".") + ".zone")))
        auth = lab.auth(zones, "banchi")
        stubs = ["."] + list(signed)
        srv = lab.unbound(auth, stubs, root_ds + "\n")
        res = lab.resolver("resolver", auth, stubs, root_ds + "\n",
                           ctl=False, metrics=False)
        validators.wait_for(srv.where, ".")
        validators.wait_for(res.where, ".")
        yield auth, srv, list(signed), dict(signing.KINDS_DENIAL), res


def test_unbound_validates(lab):
    auth, ub, origins, denial, _ = lab
    counts = {"secure": 0, "insecure (opt-out)": 0}
    bad = []
    asked = [(".", "DNSKEY", NOERROR, "."), (".", "SOA", NOERROR, "."),
             ("nx-tld.", "A", NXDOMAIN, ".")]
    for o in origins:
        asked.append((o, "DS", NOERROR, "."))
        for rel, qtype, rcode in QUERIES:
            name = o if rel == "@" else "%s.%s" % (rel, o)
            asked.append((name, qtype, rcode, o))
    for name, qtype, rcode, o in asked:
        r = ask(ub.where, name, qtype)
        rel = name[:-len(o) - 1] if name != o and o != "." else "@"
        insecure = denial.get(o) == "optout" and (
            rel in OPTOUT_INSECURE or rcode == NXDOMAIN)
        got = None if r is None else (dns.rcode.to_text(r.rcode()),
                                      bool(r.flags & dns.flags.AD))
        if got == (rcode, not insecure):
            counts["insecure (opt-out)" if insecure else "secure"] += 1
        else:
            bad.append("%s %s: want %s AD=%s, got %s" % (
                name, qtype, rcode, not insecure, got))
    print("\nUnbound validation of banchi-auth: %d queries, %s; wrong %d"
          % (len(asked), ", ".join("%s %d" % kv for kv in counts.items()),
             len(bad)))
    assert not bad, "\n".join(bad[:20]) + "\n" + ub.log_text()[-3000:]


def test_banchi_resolver_as_unbound(lab):
    """banchi-resolver (validating by default, the same anchor) gives every
    question the rcode, AD flag and EDE Unbound gives: positive answers,
    negative ones (NSEC, NSEC3, opt-out) and wildcard expansions."""
    auth, ub, origins, denial, res = lab
    counts = {}
    bad = []
    asked = [(".", "DNSKEY"), (".", "SOA"), ("nx-tld.", "A")]
    for o in origins:
        asked.append((o, "DS"))
        for rel, qtype, _ in QUERIES:
            asked.append((o if rel == "@" else "%s.%s" % (rel, o), qtype))
    for name, qtype in asked:
        want, got = ask(ub.where, name, qtype), ask(res.where, name, qtype)
        if want is None or got is None:
            bad.append("%s %s: no answer (unbound %s)" % (
                name, qtype, want is not None))
            continue
        w, g = outcome(want), outcome(got)
        if g == w:
            key = "%s AD=%s EDE=%s" % g
            counts[key] = counts.get(key, 0) + 1
        else:
            bad.append("%s %s: unbound %s, banchi-resolver %s" % (
                name, qtype, w, g))
    print("\nbanchi-resolver against Unbound: %d queries, same %d (%s); "
          "differ %d" % (len(asked), len(asked) - len(bad),
                         ", ".join("%s: %d" % kv
                                   for kv in sorted(counts.items())),
                         len(bad)))
    assert not bad, "\n".join(bad[:30]) + "\n" + res.log_text()[-2000:]


def ask_whole(where, name, qtype):
    """ask, then over TCP when the reply was cut short (TC)."""
    r = ask(where, name, qtype)
    if r is not None and r.flags & dns.flags.TC:
        q = dns.message.make_query(name, qtype, use_edns=0, payload=1232,
                                   want_dnssec=True)
        q.flags |= dns.flags.RD
        r = dns.query.tcp(q, where[0], port=where[1], timeout=5)
    return r


def denial_records(r):
    """The NSEC/NSEC3 owner names and types of a reply's authority."""
    return sorted((rr.name.to_text().lower(), rr.rdtype) for rr in r.authority
                  if rr.rdtype in (dns.rdatatype.NSEC, dns.rdatatype.NSEC3))


def test_denial_records_as_unbound(lab):
    """A DO client gets the NSEC/NSEC3 records Unbound gives: the proof of
    each wildcard expansion and of each negative answer (NXDOMAIN,
    NODATA, wildcard NODATA), asked twice (the cache's answer too)."""
    auth, ub, origins, denial, res = lab
    asked, bad = 0, []
    nodata = [("www", "MX"), ("www", "SRV"), ("ent", "TXT"),
              ("in.ent2", "A"), ("foo.wild", "MX")]
    for o in origins:
        for rel, qtype, rcode in QUERIES:
            if not (rcode == NXDOMAIN or "wild" in rel or "wc" in rel or
                    (rel, qtype) in nodata):
                continue
            name = "%s.%s" % (rel, o)
            want = ask_whole(ub.where, name, qtype)
            for _ in range(2):
                got = ask_whole(res.where, name, qtype)
                asked += 1
                if got is None or want is None or \
                        denial_records(got) != denial_records(want):
                    bad.append("%s %s: unbound %s, banchi-resolver %s" % (
                        name, qtype, want and denial_records(want),
                        got and denial_records(got)))
    print("\nNSEC/NSEC3 records as Unbound's: %d replies, differ %d" % (
        asked, len(bad)))
    assert asked > 50 and not bad, "\n".join(bad[:20])
