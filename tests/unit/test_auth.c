/* Unit tests of the authoritative engine: zones built from text into a
 * zonedb, queries composed with msg_writer, replies parsed with
 * msg_parse and checked section by section (answers as Knot gives them
 * for the same zones). */
#include <stdlib.h>
#include <string.h>

#include "auth/answer.h"
#include "check.h"
#include "wire/msg.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "zone/zonedb.h"

static const char example_zone[] =
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"@ NS ns2.other.test.\n"
	"@ MX 10 mail\n"
	"@ A 192.0.2.1\n"
	"@ TXT hello\n"
	"ns1 A 192.0.2.53\n"
	"ns1 AAAA 2001:db8::53\n"
	"mail A 192.0.2.25\n"
	"www CNAME web\n"
	"web A 192.0.2.80\n"
	"chain1 CNAME chain2\n"
	"chain2 CNAME chain3\n"
	"chain3 CNAME www\n"
	"loop1 CNAME loop2\n"
	"loop2 CNAME loop1\n"
	"self CNAME self\n"
	"*.wild A 192.0.2.99\n"
	"*.wc CNAME web\n"
	"a.b.ent A 192.0.2.7\n"
	"*.ent A 192.0.2.8\n"
	"sub NS ns.sub\n"
	"sub NS ns.other.test.\n"
	"ns.sub A 192.0.2.54\n"
	"dn DNAME target.test.\n"
	"dn2 DNAME web\n"
	"long DNAME aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	".aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	".aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test.\n"
	"_sip._tcp SRV 0 0 5060 mail\n"
	"svc HTTPS 1 mail alpn=h2\n"
	"mx2 MX 10 Foo.wild\n"
	"mx2 MX 20 ns.sub\n"
	"mx2 MX 30 www\n"
	"tosub CNAME www.sub\n"
	"$GENERATE 1-7 c$ CNAME c${1}\n"
	"c8 A 192.0.2.8\n"
	"dnl DNAME x.dnl\n"
	"child NS ns1.child\n"
	"ns1.child A 192.0.2.70\n"
	"tomx CNAME @\n"
	"big TXT aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	"big TXT bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
	"big TXT ccccccccccccccccccccccccccccccccccccccccccccccccc"
	"ccccccccccccccccccccccccccccccccccccccccccccccccc\n"
	"big TXT ddddddddddddddddddddddddddddddddddddddddddddddddd"
	"ddddddddddddddddddddddddddddddddddddddddddddddddd\n"
	"big TXT eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\n"
	"big A 192.0.2.100\n"
	"$GENERATE 10-39 many NS ns$.many\n"
	"$GENERATE 10-39 ns$.many A 192.0.2.$\n"
	"$GENERATE 10-39 ns$.many AAAA 2001:db8::$\n";

static const char target_zone[] =
	"$TTL 60\n"
	"@ SOA ns1.example.test. h 1 2 3 4 120\n"
	"@ NS ns1.example.test.\n"
	"x A 192.0.2.200\n"
	"ext CNAME www.example.test.\n";

static const char child_zone[] =
	"$TTL 30\n"
	"@ SOA ns1 h 1 2 3 4 5\n"
	"@ NS ns1\n"
	"ns1 A 192.0.2.70\n"
	"www A 192.0.2.71\n";

static struct zonedb *db;
static struct auth_conf conf;

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static void add_zone(const char *origin_text, const char *text)
{
	uint8_t origin[NAME_MAXLEN];
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zdb_zone *zz = NULL;
	struct zone z;

	CHECK(name_from_text(origin, origin_text, strlen(origin_text),
			     NULL) > 0);
	zone_init(&z, origin, 0);
	o.ctx = &z;
	CHECK(zparse_text(text, strlen(text), origin_text, &o) == 0);
	CHECK(zone_finish(&z) == 0);
	CHECK(zdb_zone_build(&zz, &z) == 0);
	if (zz) {
		CHECK(zonedb_add(db, zz) == 0);
		zdb_zone_unref(zz);
	}
	zone_clear(&z);
}

/* A query as a client would send it. */
struct qopt {
	int edns;               /* -1: no OPT, else the EDNS version */
	uint16_t payload;
	bool do_bit;
	uint16_t flags;
	uint16_t qclass;
};

static const struct qopt plain = { .edns = -1 };
static const struct qopt edns0 = { .edns = 0, .payload = 4096 };

static size_t make_query(uint8_t *buf, const char *qname, uint16_t qtype,
			 const struct qopt *o)
{
	uint8_t name[NAME_MAXLEN];
	struct msg_writer mw;
	struct msg_hdr h = { .id = 0xbeef, .flags = o->flags };
	struct edns e;

	CHECK(name_from_text(name, qname, strlen(qname), NULL) > 0);
	CHECK(msg_writer_init(&mw, buf, 512, &h, false) == 0);
	CHECK(msg_writer_question(&mw, name, qtype,
				  o->qclass ? o->qclass : 1) == 0);
	if (o->edns >= 0) {
		edns_init(&e, o->payload);
		e.version = (uint8_t)o->edns;
		e.flags = o->do_bit ? EDNS_FLAG_DO : 0;
		CHECK(msg_writer_opt(&mw, &e) == 0);
	}
	return (size_t)msg_writer_finish(&mw);
}

static uint8_t reply[MSG_MAXLEN];
static struct msg_rr rrs[512];
static struct msg m;

/* Sends q to the engine; parses the reply into m. Returns its length. */
static size_t send_raw(const uint8_t *q, size_t qlen, enum auth_transport t)
{
	size_t n = auth_answer(db, &conf, q, qlen, t, reply, sizeof(reply));

	if (n) {
		CHECKF(msg_parse(&m, reply, n, rrs, 512) == 0, "reply parses");
		CHECK(m.hdr.id == wire_get_u16(q));
		CHECK(msg_hdr_qr(&m.hdr) && !msg_hdr_ra(&m.hdr));
	}
	return n;
}

static size_t ask_t(const char *qname, uint16_t qtype, const struct qopt *o,
		    enum auth_transport t)
{
	uint8_t q[512];
	size_t n = send_raw(q, make_query(q, qname, qtype, o), t);

	if (t == AUTH_UDP)
		CHECKF(n <= (o->edns < 0 ? 512u : conf.udp_payload),
		       "%s: %zu octets", qname, n);
	return n;
}

static size_t ask(const char *qname, uint16_t qtype)
{
	return ask_t(qname, qtype, &plain, AUTH_UDP);
}

static uint16_t rcode(void)
{
	uint8_t r = msg_hdr_rcode(&m.hdr);

	return m.has_opt ? edns_rcode(&m.edns, r) : r;
}

static uint16_t count(enum msg_section s)
{
	return msg_section_count(&m, s);
}

/* Number of records of type (0: any) in section s owned by owner (NULL:
 * any owner). */
static int has(enum msg_section s, const char *owner, uint16_t type)
{
	uint8_t want[NAME_MAXLEN], got[NAME_MAXLEN];
	int n = 0;

	if (owner)
		name_from_text(want, owner, strlen(owner), NULL);
	for (uint16_t i = 0; i < count(s); i++) {
		const struct msg_rr *rr = msg_section_rr(&m, s, i);

		if (type && rr->type != type)
			continue;
		if (owner && (msg_rr_owner(&m, rr, got) < 0 ||
			      !name_equal(got, want)))
			continue;
		n++;
	}
	return n;
}

static uint32_t ttl_of(enum msg_section s, uint16_t i)
{
	return msg_section_rr(&m, s, i)->ttl;
}

#define AN MSG_ANSWER
#define NS MSG_AUTHORITY
#define AR MSG_ADDITIONAL

static void test_positive(void)
{
	ask("web.example.test.", RR_A);
	CHECK(rcode() == RCODE_NOERROR && msg_hdr_aa(&m.hdr));
	CHECK(count(AN) == 1 && count(NS) == 0 && count(AR) == 0);
	CHECK(has(AN, "web.example.test.", RR_A) == 1);

	ask("example.test.", RR_MX);
	CHECK(count(AN) == 1 && has(AR, "mail.example.test.", RR_A) == 1);
	CHECK(count(NS) == 0 && count(AR) == 1);

	/* wildcard-expanded and glue addresses too, as Knot */
	ask("mx2.example.test.", RR_MX);
	CHECK(count(AN) == 3 && count(AR) == 2);
	CHECK(has(AR, "foo.wild.example.test.", RR_A) == 1);
	CHECK(has(AR, "ns.sub.example.test.", RR_A) == 1);

	ask("svc.example.test.", RR_HTTPS);
	CHECK(count(AN) == 1 && has(AR, "mail.example.test.", RR_A) == 1);

	ask("_sip._tcp.example.test.", RR_SRV);
	CHECK(count(AN) == 1 && has(AR, "mail.example.test.", RR_A) == 1);

	ask("example.test.", RR_NS);
	CHECK(count(AN) == 2 && count(AR) == 2);
	CHECK(has(AR, "ns1.example.test.", RR_A) == 1);
	CHECK(has(AR, "ns1.example.test.", RR_AAAA) == 1);

	/* RFC 8482: one RRset, the first by type */
	ask("example.test.", RR_ANY);
	CHECK(count(AN) == 1 && has(AN, NULL, RR_A) == 1);
	ask("www.example.test.", RR_ANY);
	CHECK(count(AN) == 1 && has(AN, NULL, RR_CNAME) == 1);
}

static void test_cname(void)
{
	ask("chain1.example.test.", RR_A);
	CHECK(rcode() == RCODE_NOERROR && msg_hdr_aa(&m.hdr));
	CHECK(count(AN) == 5 && has(AN, NULL, RR_CNAME) == 4);
	CHECK(has(AN, "web.example.test.", RR_A) == 1);

	ask("loop1.example.test.", RR_A);
	CHECK(rcode() == RCODE_NOERROR && count(AN) == 2);
	ask("self.example.test.", RR_A);
	CHECK(rcode() == RCODE_NOERROR && count(AN) == 1);
	/* five links at most, as Knot */
	ask("c1.example.test.", RR_A);
	CHECK(rcode() == RCODE_NOERROR && count(AN) == 5);
	CHECK(has(AN, NULL, RR_CNAME) == 5);
	ask("c3.example.test.", RR_A);
	CHECK(count(AN) == 6 && has(AN, "c8.example.test.", RR_A) == 1);
	ask("c2.example.test.", RR_A);
	CHECK(count(AN) == 5 && has(AN, "c8.example.test.", RR_A) == 0);
	/* a DNAME that loops into itself: the DNAME once, five CNAMEs */
	ask("a.dnl.example.test.", RR_A);
	CHECK(count(AN) == 6 && has(AN, NULL, RR_DNAME) == 1);

	ask("www.example.test.", RR_TXT);     /* NODATA at the target */
	CHECK(count(AN) == 1 && has(NS, "example.test.", RR_SOA) == 1);
	ask("www.example.test.", RR_CNAME);
	CHECK(count(AN) == 1 && count(NS) == 0);

	ask("tomx.example.test.", RR_MX);
	CHECK(count(AN) == 2 && has(AR, "mail.example.test.", RR_A) == 1);

	/* not followed into another zone (Knot, BIND) */
	ask("ext.target.test.", RR_A);
	CHECK(count(AN) == 1 && count(NS) == 0 && msg_hdr_aa(&m.hdr));

	/* into a delegation: the referral follows the CNAME, AA stays */
	ask("tosub.example.test.", RR_A);
	CHECK(msg_hdr_aa(&m.hdr) && count(AN) == 1);
	CHECK(has(NS, "sub.example.test.", RR_NS) == 2);
	CHECK(has(AR, "ns.sub.example.test.", RR_A) == 1);
}

static void test_wildcard(void)
{
	uint8_t q[512], owner[NAME_MAXLEN];
	size_t qlen = make_query(q, "Foo.WILD.example.TEST.", RR_A, &plain);

	send_raw(q, qlen, AUTH_UDP);
	CHECK(rcode() == RCODE_NOERROR && count(AN) == 1);
	CHECK(msg_rr_owner(&m, msg_section_rr(&m, AN, 0), owner) > 0);
	CHECK(memcmp(owner, q + MSG_HDRLEN, name_length(owner)) == 0);
	/* the question is echoed byte for byte */
	CHECK(memcmp(reply + MSG_HDRLEN, q + MSG_HDRLEN, qlen - MSG_HDRLEN) == 0);

	ask("a.b.wild.example.test.", RR_A);
	CHECK(count(AN) == 1 && has(AN, "a.b.wild.example.test.", RR_A));
	ask("x.wild.example.test.", RR_MX);   /* wildcard NODATA */
	CHECK(rcode() == RCODE_NOERROR && count(AN) == 0 && count(NS) == 1);

	ask("x.wc.example.test.", RR_A);
	CHECK(count(AN) == 2 && has(AN, "x.wc.example.test.", RR_CNAME) == 1);

	/* an empty non-terminal blocks the wildcard above it */
	ask("x.ent.example.test.", RR_A);
	CHECK(count(AN) == 1);
	ask("x.b.ent.example.test.", RR_A);
	CHECK(rcode() == RCODE_NXDOMAIN && count(AN) == 0);
}

static void test_negative(void)
{
	ask("nope.example.test.", RR_A);
	CHECK(rcode() == RCODE_NXDOMAIN && msg_hdr_aa(&m.hdr));
	CHECK(count(AN) == 0 && count(NS) == 1 && count(AR) == 0);
	CHECK(has(NS, "example.test.", RR_SOA) == 1 && ttl_of(NS, 0) == 300);

	ask("ent.example.test.", RR_A);       /* empty non-terminal: NODATA */
	CHECK(rcode() == RCODE_NOERROR && count(AN) == 0 && count(NS) == 1);
	ask("b.ent.example.test.", RR_A);
	CHECK(rcode() == RCODE_NOERROR && count(NS) == 1);

	ask("web.example.test.", RR_AAAA);
	CHECK(rcode() == RCODE_NOERROR && msg_hdr_aa(&m.hdr));
	CHECK(count(AN) == 0 && ttl_of(NS, 0) == 300);

	ask("nope.target.test.", RR_A);       /* TTL 60 < MINIMUM 120 */
	CHECK(rcode() == RCODE_NXDOMAIN && ttl_of(NS, 0) == 60);
}

static void test_referral(void)
{
	const char *names[] = { "www.sub.example.test.", "sub.example.test.",
				"ns.sub.example.test.", "a.ns.sub.example.test." };

	for (int i = 0; i < 4; i++) {
		ask(names[i], RR_A);
		CHECK(rcode() == RCODE_NOERROR && !msg_hdr_aa(&m.hdr));
		CHECK(count(AN) == 0 && has(NS, "sub.example.test.", RR_NS) == 2);
		CHECK(count(AR) == 1 && has(AR, "ns.sub.example.test.", RR_A));
	}
	ask("sub.example.test.", RR_NS);
	CHECK(!msg_hdr_aa(&m.hdr) && count(AN) == 0 && count(NS) == 2);
	ask("sub.example.test.", RR_ANY);
	CHECK(!msg_hdr_aa(&m.hdr) && count(NS) == 2);

	/* DS at a cut: the parent answers, authoritatively */
	ask("sub.example.test.", RR_DS);
	CHECK(msg_hdr_aa(&m.hdr) && rcode() == RCODE_NOERROR);
	CHECK(count(AN) == 0 && has(NS, "example.test.", RR_SOA) == 1);
	ask("www.sub.example.test.", RR_DS);
	CHECK(!msg_hdr_aa(&m.hdr) && count(NS) == 2);

	/* a child zone served too: DS from the parent, the rest from it */
	ask("child.example.test.", RR_DS);
	CHECK(msg_hdr_aa(&m.hdr) && count(AN) == 0 && ttl_of(NS, 0) == 300);
	ask("child.example.test.", RR_NS);
	CHECK(msg_hdr_aa(&m.hdr) && count(AN) == 1 && count(AR) == 1);
	ask("www.child.example.test.", RR_A);
	CHECK(msg_hdr_aa(&m.hdr) && count(AN) == 1 && ttl_of(AN, 0) == 30);
	ask("www.child.example.test.", RR_DS);
	CHECK(msg_hdr_aa(&m.hdr) && count(AN) == 0 && ttl_of(NS, 0) == 5);

	/* glue that does not fit sets TC (RFC 9471), what fits stays */
	struct qopt o = { .edns = 0, .payload = 1232 };
	ask_t("x.many.example.test.", RR_A, &o, AUTH_UDP);
	CHECK(msg_hdr_tc(&m.hdr) && count(NS) == 30 && count(AR) > 10);
	CHECK(m.has_opt);
	ask_t("x.many.example.test.", RR_A, &o, AUTH_TCP);
	CHECK(!msg_hdr_tc(&m.hdr) && count(AR) == 61);
	/* the NS set itself does not fit in 512 octets */
	ask("x.many.example.test.", RR_A);
	CHECK(msg_hdr_tc(&m.hdr) && count(NS) == 0 && count(AR) == 0);
}

static void test_dname(void)
{
	ask("a.dn.example.test.", RR_A);
	CHECK(rcode() == RCODE_NOERROR && msg_hdr_aa(&m.hdr) && count(AN) == 2);
	CHECK(has(AN, "dn.example.test.", RR_DNAME) == 1);
	CHECK(has(AN, "a.dn.example.test.", RR_CNAME) == 1);
	CHECK(ttl_of(AN, 1) == 3600);

	ask("a.dn2.example.test.", RR_A);     /* followed inside the zone */
	CHECK(rcode() == RCODE_NXDOMAIN && count(AN) == 2 && count(NS) == 1);

	ask("dn.example.test.", RR_DNAME);
	CHECK(count(AN) == 1);
	ask("dn.example.test.", RR_A);
	CHECK(count(AN) == 0 && count(NS) == 1);

	ask("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    ".bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    ".long.example.test.", RR_A);
	CHECK(rcode() == RCODE_YXDOMAIN && count(AN) == 1);
	CHECK(has(AN, NULL, RR_DNAME) == 1);
}

static void test_truncation(void)
{
	struct qopt o512 = { .edns = 0, .payload = 512 };

	ask("big.example.test.", RR_TXT);
	CHECK(msg_hdr_tc(&m.hdr) && count(AN) == 0 && count(MSG_QUESTION) == 1);
	ask_t("big.example.test.", RR_TXT, &o512, AUTH_UDP);
	CHECK(msg_hdr_tc(&m.hdr) && count(AN) == 0 && m.has_opt);
	ask_t("big.example.test.", RR_TXT, &edns0, AUTH_UDP);
	CHECK(!msg_hdr_tc(&m.hdr) && count(AN) == 5 && m.has_opt);
	CHECK(edns_payload(&m.edns) == 1232);
	ask_t("big.example.test.", RR_TXT, &plain, AUTH_TCP);
	CHECK(!msg_hdr_tc(&m.hdr) && count(AN) == 5 && !m.has_opt);

	/* sets that fit stay, TC set at the first that does not (Knot) */
	ask("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    ".bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    ".dnl.example.test.", RR_A);
	CHECK(msg_hdr_tc(&m.hdr) && count(AN) >= 2 && count(AN) < 6);
	CHECK(has(AN, NULL, RR_DNAME) == 1 && count(NS) == 0);

	/* a server payload below the client's is the limit */
	conf.udp_payload = 520;
	ask_t("big.example.test.", RR_TXT, &edns0, AUTH_UDP);
	CHECK(msg_hdr_tc(&m.hdr) && edns_payload(&m.edns) == 520);
	conf.udp_payload = 1232;
}

/* Full responses (minimal off): the zone's NS set in authority of
 * positive answers, as NSD and BIND give them. */
static void test_full(void)
{
	conf.minimal = false;
	ask("web.example.test.", RR_A);
	CHECK(count(AN) == 1 && has(NS, "example.test.", RR_NS) == 2);
	CHECK(has(AR, "ns1.example.test.", 0) == 2);
	ask("www.example.test.", RR_A);
	CHECK(count(AN) == 2 && count(NS) == 2);
	ask("example.test.", RR_NS);
	CHECK(count(AN) == 2 && count(NS) == 0 && count(AR) == 2);
	ask("example.test.", RR_MX);
	CHECK(count(NS) == 2 && count(AR) == 3);
	ask("nope.example.test.", RR_A);
	CHECK(count(NS) == 1 && has(NS, NULL, RR_SOA) == 1);
	ask("www.example.test.", RR_TXT);
	CHECK(count(NS) == 1 && has(NS, NULL, RR_SOA) == 1);
	ask("a.dn.example.test.", RR_A);
	CHECK(count(AN) == 2 && count(NS) == 0);
	ask("www.sub.example.test.", RR_A);
	CHECK(has(NS, "sub.example.test.", RR_NS) == 2 && count(AR) == 1);
	ask("big.example.test.", RR_TXT);
	CHECK(msg_hdr_tc(&m.hdr) && count(NS) == 0);
	conf.minimal = true;
}

static void test_protocol(void)
{
	uint8_t q[600];
	size_t n;
	struct qopt o = plain;

	ask("www.example.org.", RR_A);
	CHECK(rcode() == RCODE_REFUSED && !msg_hdr_aa(&m.hdr));
	CHECK(count(MSG_QUESTION) == 1 && count(AN) == 0 && !m.has_opt);
	ask_t("www.example.org.", RR_A, &edns0, AUTH_UDP);
	CHECK(rcode() == RCODE_REFUSED && m.has_opt);

	o.qclass = 3;
	ask_t("example.test.", RR_SOA, &o, AUTH_UDP);
	CHECK(rcode() == RCODE_REFUSED);

	o = plain;
	o.flags = MSG_FLAG_RD | MSG_FLAG_CD | MSG_FLAG_AD;
	ask_t("web.example.test.", RR_A, &o, AUTH_UDP);
	CHECK(msg_hdr_rd(&m.hdr) && !msg_hdr_cd(&m.hdr) && !msg_hdr_ad(&m.hdr));

	o.flags = 2 << 11;                     /* STATUS */
	ask_t("web.example.test.", RR_A, &o, AUTH_UDP);
	CHECK(rcode() == RCODE_NOTIMP && msg_hdr_opcode(&m.hdr) == 2);
	o.flags = OPCODE_NOTIFY << 11;
	ask_t("example.test.", RR_SOA, &o, AUTH_UDP);
	CHECK(rcode() == RCODE_NOTAUTH && count(MSG_QUESTION) == 1);

	ask("example.test.", RR_AXFR);
	CHECK(rcode() == RCODE_NOTIMP);
	ask_t("example.test.", RR_AXFR, &plain, AUTH_TCP);
	CHECK(rcode() == RCODE_REFUSED);
	ask("example.test.", RR_IXFR);
	CHECK(rcode() == RCODE_REFUSED);

	/* EDNS: our payload, DO echoed, BADVERS for version 1 */
	o = edns0;
	o.do_bit = true;
	ask_t("web.example.test.", RR_A, &o, AUTH_UDP);
	CHECK(m.has_opt && edns_do(&m.edns) && m.edns.payload == 1232);
	CHECK(count(AN) == 1 && count(AR) == 1);
	o.edns = 1;
	ask_t("web.example.test.", RR_A, &o, AUTH_UDP);
	CHECK(rcode() == RCODE_BADVERS && m.has_opt && m.edns.version == 0);
	CHECK(count(AN) == 0 && !msg_hdr_aa(&m.hdr));

	/* a response is never answered; nor is less than a header */
	n = make_query(q, "web.example.test.", RR_A, &plain);
	q[2] |= 0x80;
	CHECK(auth_answer(db, &conf, q, n, AUTH_UDP, reply, sizeof(reply)) == 0);
	CHECK(auth_answer(db, &conf, q, 11, AUTH_UDP, reply, sizeof(reply)) == 0);
	q[2] &= 0x7f;
	/* no zones at all */
	CHECK(auth_answer(NULL, &conf, q, n, AUTH_UDP, reply, 512) > 0);
	CHECK(msg_parse(&m, reply, 30, rrs, 512) == 0 || 1);
}

/* A signed query: no keys, so NOTAUTH with a TSIG saying BADKEY; no
 * clock either, so Time Signed is 0. */
static void test_tsig(void)
{
	static const uint8_t tsig_rd[] = {
		11, 'h', 'm', 'a', 'c', '-', 's', 'h', 'a', '2', '5', '6', 0,
		0, 0, 0x6b, 0, 0, 1,    /* time signed */
		1, 44,                  /* fudge 300 */
		0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		0xbe, 0xef, 0, 0, 0, 0 };
	static const uint8_t key[] = { 3, 'f', 'o', 'o', 0 };
	uint8_t q[600], rd[64];
	struct msg_writer mw;
	struct msg_hdr h = { .id = 0xbeef };
	uint8_t name[NAME_MAXLEN];
	const struct msg_rr *rr;

	name_from_text(name, "web.example.test.", 17, NULL);
	CHECK(msg_writer_init(&mw, q, sizeof(q), &h, true) == 0);
	CHECK(msg_writer_question(&mw, name, RR_A, 1) == 0);
	CHECK(msg_writer_rr(&mw, AR, key, RR_TSIG, 255, 0, tsig_rd,
			    sizeof(tsig_rd)) == 0);
	send_raw(q, (size_t)msg_writer_finish(&mw), AUTH_UDP);
	CHECK(rcode() == RCODE_NOTAUTH && count(AN) == 0 && count(AR) == 1);
	CHECK(m.has_tsig);
	rr = msg_section_rr(&m, AR, 0);
	CHECK(rr->type == RR_TSIG && rr->rclass == 255 && rr->ttl == 0);
	CHECK(rr->rdlen == 13 + 6 + 2 + 2 + 2 + 2 + 2);
	if (rr->rdlen <= sizeof(rd)) {
		memcpy(rd, reply + rr->rdata_off, rr->rdlen);
		CHECK(memcmp(rd, tsig_rd, 13) == 0);    /* algorithm */
		CHECK(!memcmp(rd + 13, "\0\0\0\0\0\0\1\54", 8));
		CHECK(wire_get_u16(rd + 21) == 0);      /* no MAC */
		CHECK(wire_get_u16(rd + 25) == 17);     /* BADKEY */
	}
}

static void test_formerr(void)
{
	uint8_t q[600], hdr[MSG_HDRLEN];
	size_t n = make_query(q, "web.example.test.", RR_A, &plain);

	/* QDCOUNT 0: header only */
	memcpy(hdr, q, MSG_HDRLEN);
	hdr[5] = 0;
	CHECK(send_raw(hdr, MSG_HDRLEN, AUTH_UDP) == MSG_HDRLEN);
	CHECK(rcode() == RCODE_FORMERR && count(MSG_QUESTION) == 0);
	/* QDCOUNT 2 with one question, and two questions */
	q[5] = 2;
	CHECK(send_raw(q, n, AUTH_UDP) == MSG_HDRLEN && rcode() == RCODE_FORMERR);
	memcpy(q + n, q + MSG_HDRLEN, n - MSG_HDRLEN);
	CHECK(send_raw(q, 2 * n - MSG_HDRLEN, AUTH_UDP) == MSG_HDRLEN);
	q[5] = 1;
	/* trailing garbage: FORMERR with the question, as Knot */
	q[n] = 0;
	send_raw(q, n + 1, AUTH_UDP);
	CHECK(rcode() == RCODE_FORMERR && count(MSG_QUESTION) == 1);
	/* cut inside the question */
	CHECK(send_raw(q, n - 2, AUTH_UDP) == MSG_HDRLEN);
	CHECK(rcode() == RCODE_FORMERR);
	/* an answer record in a query */
	static const uint8_t rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0,
				      0, 4, 1, 2, 3, 4 };
	memcpy(q + n, rr, sizeof(rr));
	q[7] = 1;
	send_raw(q, n + sizeof(rr), AUTH_UDP);
	CHECK(rcode() == RCODE_FORMERR && count(MSG_QUESTION) == 1);
	q[7] = 0;
	/* a bad OPT: options running past RDATA */
	n = make_query(q, "web.example.test.", RR_A, &edns0);
	q[n - 1] = 3;
	memcpy(q + n, "\0\3\0", 3);
	send_raw(q, n + 3, AUTH_UDP);
	CHECK(rcode() == RCODE_FORMERR && !m.has_opt);
	/* a bad label type in the qname */
	n = make_query(q, "web.example.test.", RR_A, &plain);
	q[MSG_HDRLEN] = 0x45;
	CHECK(send_raw(q, n, AUTH_UDP) == MSG_HDRLEN);
}

/* A batch answers every query as auth_answer does, in any order, also
 * queries it did not prepare or could not (compressed or cut names). */
static void test_batch(void)
{
	static const char *const names[] = {
		"web.example.test.", "WWW.Example.TEST.", "nx.example.test.",
		"mx2.example.test.", "a.b.sub.example.test.", "x.wild.example.test.",
		"chain1.example.test.", "dn.example.test.", "x.dn.example.test.",
		"child.example.test.", "ns1.child.example.test.", "x.target.test.",
		"b.ent.example.test.", "other.test.", "example.test.",
	};
	static const uint16_t types[] = { RR_A, RR_MX, RR_DS, RR_NS };
	static struct auth_batch b;
	static uint8_t q[64][512], want[64][1232], got[1232];
	const uint8_t *qp[64];
	size_t ql[64], wl[64];
	int n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (size_t j = 0; j < 4 && n < 62; j++, n++)
			ql[n] = make_query(q[n], names[i], types[j],
					   j & 1 ? &edns0 : &plain);
	/* the question name through a pointer to itself: not prepared */
	ql[n] = make_query(q[n], "web.example.test.", RR_A, &plain);
	q[n][MSG_HDRLEN] = 0xc0;
	q[n][MSG_HDRLEN + 1] = MSG_HDRLEN;
	n++;
	ql[n] = 20;                     /* cut inside the name */
	memcpy(q[n++], q[0], 20);
	for (int i = 0; i < n; i++) {
		qp[i] = q[i];
		wl[i] = auth_answer(db, &conf, q[i], ql[i], AUTH_UDP, want[i],
				    sizeof(want[i]));
	}
	auth_batch_init(&b);
	auth_batch_prepare(&b, db, qp, ql, n);
	CHECK(b.n >= 50 && b.n < n - 2); /* not the two bad ones */
	for (int k = 0; k < n; k++) {
		int i = k < 40 ? k : n - 1 - (k - 40);  /* then backwards */
		size_t len = auth_answer_batch(&b, db, &conf, q[i], ql[i],
					       AUTH_UDP, got, sizeof(got));
		CHECKF(len == wl[i] && memcmp(got, want[i], len) == 0,
		       "batch answer %d", i);
	}
	/* the same zone alone and small: not staged unless asked */
	struct zonedb *one = zonedb_new();
	CHECK(one && zonedb_add(one, zonedb_at(db, 0)) == 0);
	auth_batch_prepare(&b, one, qp, ql, n);
	CHECK(b.n == 0);
	b.min_bytes = 0;
	auth_batch_prepare(&b, one, qp, ql, n);
	CHECK(b.n > 0);
	for (int i = 0; i < n; i++) {
		size_t len = auth_answer(one, &conf, q[i], ql[i], AUTH_UDP,
					 want[i], sizeof(want[i]));
		CHECKF(auth_answer_batch(&b, one, &conf, q[i], ql[i], AUTH_UDP,
					 got, sizeof(got)) == len &&
		       memcmp(got, want[i], len) == 0, "one zone %d", i);
	}
	zonedb_free(one);
}

int main(void)
{
	db = zonedb_new();
	CHECK(db != NULL);
	if (!db)
		return check_done();
	auth_conf_init(&conf);
	CHECK(conf.udp_payload == 1232 && conf.minimal);
	add_zone("example.test.", example_zone);
	add_zone("target.test.", target_zone);
	add_zone("child.example.test.", child_zone);
	CHECK(zonedb_count(db) == 3);
	test_positive();
	test_cname();
	test_wildcard();
	test_negative();
	test_referral();
	test_dname();
	test_truncation();
	test_full();
	test_protocol();
	test_formerr();
	test_tsig();
	test_batch();
	zonedb_free(db);
	return check_done();
}
