"""RFC 1034 4.3.2 answers of banchi-auth, over UDP and TCP: exact match,
CNAME chains and loops, referrals with glue, DS at a cut, DNAME, wildcards
and empty non-terminals, NXDOMAIN/NODATA with the SOA and negative TTL,
additional addresses, minimal responses."""

import dns.flags
import dns.rcode
import dns.rdatatype as T
import pytest

from servers import query

BOTH = pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])


def rrsets(section, rtype=None, name=None):
    out = []
    for rr in section:
        if rtype is not None and rr.rdtype != T.from_text(rtype):
            continue
        if name is not None and rr.name.to_text().lower() != name.lower():
            continue
        out.append(rr)
    return out


def texts(section, rtype, name=None):
    return sorted(r.to_text() for s in rrsets(section, rtype, name)
                  for r in s)


def aa(r):
    return bool(r.flags & dns.flags.AA)


@BOTH
def test_exact_match(where, tcp):
    r = query(where, "ns1.itest.test", "A", tcp=tcp)
    assert r.rcode() == dns.rcode.NOERROR and aa(r)
    assert texts(r.answer, "A") == ["192.0.2.53"]
    assert r.answer[0].ttl == 3600


@BOTH
def test_cname_chain_in_zone(where, tcp):
    r = query(where, "c1.itest.test", "A", tcp=tcp)
    assert r.rcode() == dns.rcode.NOERROR and aa(r)
    assert texts(r.answer, "CNAME", "c1.itest.test.") == ["c2.itest.test."]
    assert texts(r.answer, "CNAME", "c2.itest.test.") == ["c3.itest.test."]
    assert texts(r.answer, "A", "c3.itest.test.") == ["192.0.2.3"]


@BOTH
def test_cname_chain_across_served_zones(where, tcp):
    # NSD, Knot and BIND stop at the zone boundary; following the chain
    # into another served zone is allowed, then it must be right.
    r = query(where, "xzone.itest.test", "A", tcp=tcp)
    assert r.rcode() == dns.rcode.NOERROR and aa(r)
    assert texts(r.answer, "CNAME") == ["host.other.test."]
    assert texts(r.answer, "A") in ([], ["192.0.2.200"])
    r = query(where, "back.other.test", "A", tcp=tcp)
    assert texts(r.answer, "CNAME", "back.other.test.") == [
        "c1.itest.test."]
    if len(r.answer) > 1:
        assert texts(r.answer, "A", "c3.itest.test.") == ["192.0.2.3"]


def test_cname_out_of_served_zones(where):
    r = query(where, "ext.itest.test", "A")
    assert r.rcode() == dns.rcode.NOERROR and aa(r)
    assert texts(r.answer, "CNAME") == ["www.example.net."]
    assert len(r.answer) == 1


def test_cname_query_type_cname(where):
    r = query(where, "c1.itest.test", "CNAME")
    assert texts(r.answer, "CNAME") == ["c2.itest.test."]
    assert len(r.answer) == 1


@BOTH
def test_cname_loop(where, tcp):
    r = query(where, "loop1.itest.test", "A", tcp=tcp)
    # Knot and NSD answer the chain up to the loop; BIND SERVFAIL.
    assert r.rcode() in (dns.rcode.NOERROR, dns.rcode.SERVFAIL)
    if r.rcode() == dns.rcode.NOERROR:
        names = texts(r.answer, "CNAME")
        assert "loop2.itest.test." in names
        assert len(r.answer) <= 2


@BOTH
def test_referral_with_glue(where, tcp):
    r = query(where, "host.sub.itest.test", "A", tcp=tcp)
    assert r.rcode() == dns.rcode.NOERROR
    assert not aa(r)
    assert not r.answer
    assert texts(r.authority, "NS", "sub.itest.test.") == [
        "ns.elsewhere.example.", "ns.sub.itest.test."]
    assert texts(r.additional, "A", "ns.sub.itest.test.") == ["192.0.2.100"]
    assert texts(r.additional, "AAAA", "ns.sub.itest.test.") == [
        "2001:db8::100"]
    # No DS in a referral without DO; no SOA.
    assert not rrsets(r.authority, "SOA")


def test_referral_at_cut_itself(where):
    r = query(where, "sub.itest.test", "NS")
    assert not aa(r) and not r.answer
    assert len(texts(r.authority, "NS")) == 2


def test_glue_address_query_is_referral(where):
    r = query(where, "ns.sub.itest.test", "A")
    assert not aa(r)
    assert rrsets(r.authority, "NS", "sub.itest.test.")


@BOTH
def test_ds_at_cut_answered_by_parent(where, tcp):
    r = query(where, "sub.itest.test", "DS", tcp=tcp)
    assert r.rcode() == dns.rcode.NOERROR and aa(r)
    assert len(texts(r.answer, "DS", "sub.itest.test.")) == 1


def test_ds_nodata_at_non_cut(where):
    r = query(where, "www.itest.test", "DS")
    assert r.rcode() == dns.rcode.NOERROR and aa(r)
    assert not rrsets(r.answer, "DS")


@BOTH
def test_dname_synthesis(where, tcp):
    r = query(where, "x.dn.itest.test", "A", tcp=tcp)
    assert r.rcode() == dns.rcode.NOERROR and aa(r)
    assert texts(r.answer, "DNAME", "dn.itest.test.") == [
        "target.itest.test."]
    cn = rrsets(r.answer, "CNAME", "x.dn.itest.test.")
    assert [x.to_text() for x in cn[0]] == ["x.target.itest.test."]
    assert cn[0].ttl == rrsets(r.answer, "DNAME")[0].ttl
    assert texts(r.answer, "A", "x.target.itest.test.") == ["192.0.2.111"]


def test_dname_owner_itself(where):
    r = query(where, "dn.itest.test", "DNAME")
    assert texts(r.answer, "DNAME") == ["target.itest.test."]
    assert not rrsets(r.answer, "CNAME")
    r = query(where, "dn.itest.test", "A")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer


def test_dname_target_nxdomain(where):
    r = query(where, "nope.dn.itest.test", "A")
    assert r.rcode() == dns.rcode.NXDOMAIN
    assert texts(r.answer, "CNAME") == ["nope.target.itest.test."]


def test_dname_to_other_zone(where):
    r = query(where, "host.dn2.itest.test", "A")
    assert texts(r.answer, "CNAME") == ["host.other.test."]
    # Maybe followed into the other served zone, as for a CNAME.
    assert texts(r.answer, "A") in ([], ["192.0.2.200"])


@BOTH
def test_wildcard(where, tcp):
    r = query(where, "anything.wild.itest.test", "A", tcp=tcp)
    assert r.rcode() == dns.rcode.NOERROR and aa(r)
    assert texts(r.answer, "A", "anything.wild.itest.test.") == [
        "192.0.2.80"]
    r = query(where, "deeper.still.wild.itest.test", "MX", tcp=tcp)
    assert texts(r.answer, "MX", "deeper.still.wild.itest.test.") == [
        "10 mail.itest.test."]
    assert texts(r.additional, "A", "mail.itest.test.") == ["192.0.2.25"]


def test_wildcard_nodata(where):
    r = query(where, "anything.wild.itest.test", "TXT")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer
    assert rrsets(r.authority, "SOA")


def test_wildcard_owner_itself(where):
    r = query(where, "*.wild.itest.test", "A")
    assert texts(r.answer, "A", "*.wild.itest.test.") == ["192.0.2.80"]


def test_ent_is_nodata(where):
    for name in ("b.ent.itest.test", "ent.itest.test", "wild.itest.test"):
        r = query(where, name, "A")
        assert r.rcode() == dns.rcode.NOERROR, name
        assert not r.answer and rrsets(r.authority, "SOA"), name


def test_ent_blocks_wildcard(where):
    # b.ent exists (empty non-terminal): *.ent does not apply to it nor
    # below it (RFC 4592 2.2.2).
    r = query(where, "b.ent.itest.test", "TXT")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer
    r = query(where, "y.b.ent.itest.test", "TXT")
    assert r.rcode() == dns.rcode.NXDOMAIN
    r = query(where, "y.ent.itest.test", "TXT")
    assert texts(r.answer, "TXT") == ['"wild under ent"']


@BOTH
def test_nxdomain_soa_and_negative_ttl(where, tcp):
    r = query(where, "nosuch.itest.test", "A", tcp=tcp)
    assert r.rcode() == dns.rcode.NXDOMAIN and aa(r)
    assert not r.answer
    soa = rrsets(r.authority, "SOA", "itest.test.")
    assert len(soa) == 1 and len(r.authority) == 1
    assert soa[0].ttl == 300        # min(SOA TTL 3600, MINIMUM 300)
    r = query(where, "nosuch.other.test", "A", tcp=tcp)
    assert rrsets(r.authority, "SOA")[0].ttl == 60  # min(60, 600)


@BOTH
def test_nodata(where, tcp):
    r = query(where, "ns2.itest.test", "AAAA", tcp=tcp)
    assert r.rcode() == dns.rcode.NOERROR and aa(r)
    assert not r.answer
    assert rrsets(r.authority, "SOA")[0].ttl == 300


def test_additional_mx(where):
    r = query(where, "itest.test", "MX")
    assert texts(r.answer, "MX") == ["10 mail.itest.test."]
    assert texts(r.additional, "A", "mail.itest.test.") == ["192.0.2.25"]
    assert texts(r.additional, "AAAA", "mail.itest.test.") == [
        "2001:db8::25"]


def test_additional_srv(where):
    r = query(where, "_sip._tcp.itest.test", "SRV")
    assert texts(r.answer, "SRV") == ["0 5 5060 sip.itest.test."]
    assert texts(r.additional, "A", "sip.itest.test.") == ["192.0.2.50"]
    assert texts(r.additional, "AAAA", "sip.itest.test.") == [
        "2001:db8::50"]


def test_additional_ns(where):
    r = query(where, "itest.test", "NS")
    assert aa(r)
    assert texts(r.additional, "A", "ns1.itest.test.") == ["192.0.2.53"]
    assert texts(r.additional, "AAAA", "ns1.itest.test.") == [
        "2001:db8::53"]
    assert texts(r.additional, "A", "ns2.itest.test.") == ["192.0.2.54"]


def test_minimal_responses(where):
    for name, rtype in (("itest.test", "A"), ("mail.itest.test", "A"),
                        ("txt.itest.test", "TXT")):
        r = query(where, name, rtype)
        assert r.answer and aa(r)
        assert not r.authority, (name, r.authority)


def test_mixed_case_owner_in_zone(where):
    r = query(where, "mixed.itest.test", "A")
    assert texts(r.answer, "A") == ["192.0.2.7"]
    r = query(where, "MIXED.ITEST.TEST", "A")
    assert texts(r.answer, "A") == ["192.0.2.7"]


def test_apex_soa(where):
    r = query(where, "itest.test", "SOA")
    assert aa(r) and len(texts(r.answer, "SOA")) == 1


def test_txt_multi_string(where):
    r = query(where, "txt.itest.test", "TXT")
    assert texts(r.answer, "TXT") == ['"hello" "world"']
