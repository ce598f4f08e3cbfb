"""banchi-ctl why against a running banchi-auth: for each kind of answer
(exact, CNAME chain, a chain leaving the zone, a CNAME loop, wildcard,
empty non-terminal, NXDOMAIN, NODATA, referral with glue, DNAME, a name
in no zone, a DS served by the parent of a child served here too, ANY,
MX with additional addresses) the explanation names the decision that
made it, and the records it lists are exactly those that the server
sends a client over TCP for the same question (dnspython), with the
same rcode and AA."""

import json
import subprocess

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdata
import dns.rdatatype
import pytest

import servers
from conftest import check_log

pytestmark = pytest.mark.banchi_only

ZONE = """$ORIGIN example.test.
$TTL 3600
@ SOA ns1 host 2026120601 7200 3600 1209600 300
@ NS ns1
@ MX 10 mail
ns1 A 192.0.2.1
mail A 192.0.2.25
www A 192.0.2.80
www AAAA 2001:db8::80
alias CNAME www
outside CNAME www.other.test.
loop1 CNAME loop2
loop2 CNAME loop1
*.wild TXT "wildcard"
a.b.ent A 192.0.2.9
sub NS ns.sub
ns.sub A 192.0.2.53
child NS ns1.child
child DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns1.child A 192.0.2.54
old DNAME new.example.test.
x.new A 192.0.2.8
"""

CHILD = """$ORIGIN child.example.test.
$TTL 3600
@ SOA ns1 host 7 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.54
"""

# (question, words in the explanation that name the decision)
CASES = [
    ("www.example.test A", ["deepest zone", "exists in the zone",
                            "has A: 1 record"]),
    ("alias.example.test A", ["is an alias: CNAME to www.example.test.",
                              "has A: 1 record"]),
    ("outside.example.test A", ["chain stops at www.other.test.",
                                "outside the zone"]),
    ("loop1.example.test A", ["a CNAME loop"]),
    ("foo.wild.example.test TXT", ["the wildcard *.wild.example.test. "
                                   "covers it"]),
    ("b.ent.example.test A", ["empty non-terminal", "NODATA"]),
    ("nope.example.test A", ["does not exist", "closest existing "
                             "ancestor is example.test.", "NXDOMAIN"]),
    ("www.example.test MX", ["has no MX records", "NODATA"]),
    ("host.sub.example.test A", ["sub.example.test. is a delegation",
                                 "without AA", "is glue"]),
    ("x.old.example.test A", ["has a DNAME", "CNAME to x.new.example.test."]),
    ("nothere.test A", ["No zone served here holds nothere.test.",
                        "REFUSED"]),
    ("child.example.test DS", ["parent side", "zone example.test.",
                               "has DS: 1 record"]),
    ("www.example.test ANY", ["RFC 8482"]),
    ("example.test MX +dnssec", ["mail.example.test. A in additional"]),
]


@pytest.fixture(scope="module")
def auth(tmp_path_factory):
    d = tmp_path_factory.mktemp("why")
    (d / "z.zone").write_text(ZONE)
    (d / "child.zone").write_text(CHILD)
    sock = d / "ctl"
    srv = servers.start_banchi(d, [("example.test", d / "z.zone"),
                                   ("child.example.test", d / "child.zone")],
                               extra=["--control", str(sock)])
    srv.sock = sock
    yield srv
    srv.stop()
    check_log(srv)


def why(auth, question):
    tool = servers.banchi_binary().parent / "banchi-ctl"
    p = subprocess.run([str(tool), "-j", "-s", str(auth.sock), "why"] +
                       question.split(), capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def listed(lines):
    """The records the explanation lists, by section, as text sets."""
    out, sec = {}, None
    for line in lines:
        if line.endswith(" section:"):
            sec = line.split()[0].upper()
            out[sec] = set()
        elif line.startswith("  ") and sec:
            # the RDATA as dnspython writes it (hex case, wrapping)
            owner, ttl, cls, rtype, rdata = line.split(None, 4)
            rd = dns.rdata.from_text(cls, rtype, rdata)
            out[sec].add("%s %s %s %s %s" % (owner, ttl, cls, rtype,
                                             rd.to_text()))
    return out


def sent(auth, question):
    """What the server sends a client over TCP: rcode, AA, records."""
    words = question.split()
    q = dns.message.make_query(words[0], words[1],
                               want_dnssec="+dnssec" in words)
    q.flags &= ~dns.flags.RD
    r = dns.query.tcp(q, auth.where[0], port=auth.where[1], timeout=5)
    out = {}
    for name, sec in (("ANSWER", r.answer), ("AUTHORITY", r.authority),
                      ("ADDITIONAL", r.additional)):
        recs = set()
        for rrset in sec:
            for rd in rrset:
                recs.add("%s %d IN %s %s" % (
                    rrset.name, rrset.ttl,
                    dns.rdatatype.to_text(rrset.rdtype), rd.to_text()))
        if recs:
            out[name] = recs
    return dns.rcode.to_text(r.rcode()), bool(r.flags & dns.flags.AA), out


@pytest.mark.parametrize("question,words", CASES,
                         ids=[c[0] for c in CASES])
def test_why_explains_the_answer(auth, question, words):
    rep = why(auth, question)
    assert rep["ok"] is True
    text = "\n".join(rep["why"])
    for w in words:
        assert w in text, (w, text)
    rcode, aa, records = sent(auth, question)
    result = rep["why"][-1]
    assert result.startswith("Result: %s," % rcode), (result, rcode)
    assert ("AA (authoritative)" in result) == aa, result
    assert listed(rep["why"]) == records, text


def test_why_usage_and_refusals(auth):
    tool = str(servers.banchi_binary().parent / "banchi-ctl")
    base = [tool, "-s", str(auth.sock), "why"]
    p = subprocess.run(base, capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "NAME [TYPE]" in p.stderr
    p = subprocess.run(base + ["www.example.test", "NOSUCHTYPE"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and "not a record type" in p.stderr
    p = subprocess.run(base + ["bad..name"], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 1 and "is not NAME" in p.stderr
