"""Unbound's verdicts on the denial proofs of tests/data/dnssec/denial
are the ones tests/unit/test_denial.c expects of src/dnssec/denial.h:
banchi-auth serves the five zones (NSEC, NSEC3, NSEC3 opt-out, 150 and
500 iterations) on loopback; Unbound, with each zone's KSK as a trust
anchor and stubs to banchi-auth (addresses off loopback refused), asks
every case of test_denial.c's table with DO. Secure there (proven, or
DNSSEC_NO_CUT) must be AD here; insecure there (DNSSEC_OPT_OUT,
DNSSEC_NSEC3_ITERATIONS) must be an answer without AD; the rcode as
banchi-auth gives it. Prints the counts."""

import sys
from pathlib import Path

import dns.flags
import dns.rcode
import dns.rdatatype
import dns.zone
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))
import servers  # noqa: E402
import validators  # noqa: E402

DATA = HERE.parent / "data" / "dnssec" / "denial"
ZONES = ["nsec.test.", "nsec3.test.", "optout.test.", "it150.test.",
         "it500.test."]
S, I = True, False      # AD expected: secure; no AD: insecure
# (name relative to the zone, type, rcode, AD in each zone of ZONES), as
# test_denial.c's cases: 150 iterations proves like NSEC3, 500 is
# insecure; the wildcard's own name needs no proof.
CASES = [
    ("nx", "A", "NXDOMAIN", (S, S, I, S, I)),
    ("a.b.nx", "A", "NXDOMAIN", (S, S, I, S, I)),
    ("q.ent", "A", "NXDOMAIN", (S, S, I, S, I)),
    ("a", "MX", "NOERROR", (S, S, S, S, I)),
    ("ent", "A", "NOERROR", (S, S, S, S, I)),
    ("y.ent", "TXT", "NOERROR", (S, S, S, S, I)),
    ("dn", "MX", "NOERROR", (S, S, S, S, I)),
    ("foo.w", "A", "NOERROR", (S, S, I, S, I)),
    ("a.b.w", "TXT", "NOERROR", (S, S, I, S, I)),
    ("foo.w", "MX", "NOERROR", (S, S, I, S, I)),
    ("unsec", "DS", "NOERROR", (S, S, I, S, I)),
    ("ent", "DS", "NOERROR", (S, S, S, S, I)),
    ("a", "DS", "NOERROR", (S, S, S, S, I)),
    ("*.w", "A", "NOERROR", (S, S, S, S, S)),
]


def ksk(origin):
    """The zone's KSK as an Unbound trust-anchor line."""
    z = dns.zone.from_file(str(DATA / (origin + "signed")), origin,
                           relativize=False)
    keys = z.find_rdataset(origin, dns.rdatatype.DNSKEY)
    k = [rd for rd in keys if rd.flags == 257][0]
    return "%s DNSKEY %s" % (origin, k.to_text())


ask = validators.ask


@pytest.fixture(scope="module")
def lab():
    with validators.Lab("banchi-denial-ub-") as lab:
        zones = [(z.rstrip("."), servers.copy_zone(
            DATA / (z + "signed"), lab.top, z + "zone")) for z in ZONES]
        auth = lab.auth(zones, "banchi")
        srv = lab.unbound(auth, ZONES, extra=[
            '  local-zone: "test." nodefault', "  qname-minimisation: no"] +
            ['  trust-anchor: "%s"' % ksk(z) for z in ZONES])
        validators.wait_for(srv.where, ZONES[0])
        yield srv


def test_unbound_agrees(lab):
    counts = {"secure": 0, "insecure": 0}
    bad = []
    for i, zone in enumerate(ZONES):
        for rel, qtype, rcode, ad in CASES:
            r = ask(lab.where, "%s.%s" % (rel, zone), qtype)
            got = None if r is None else (dns.rcode.to_text(r.rcode()),
                                          bool(r.flags & dns.flags.AD))
            if got == (rcode, ad[i]):
                counts["secure" if ad[i] else "insecure"] += 1
            else:
                bad.append("%s.%s %s: want %s AD=%s, got %s" % (
                    rel, zone, qtype, rcode, ad[i], got))
    print("\nUnbound on the denial zones: %d queries, %s; wrong %d" % (
        len(ZONES) * len(CASES),
        ", ".join("%s %d" % kv for kv in counts.items()), len(bad)))
    assert not bad, "\n".join(bad[:20]) + "\n" + lab.log_text()[-3000:]
