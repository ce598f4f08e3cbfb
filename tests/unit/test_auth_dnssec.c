/* Unit tests of the engine's DNSSEC answers (src/auth/dnssec.c) on two
 * zones signed with dnssec-signzone (tests/data/dnssec: RSA with NSEC,
 * ECDSA with NSEC3): nothing DNSSEC without DO; with DO the RRSIGs and
 * proofs of each case; whole RRsets and TC when the signatures do not
 * fit (RFC 4035 3.1.1), all of it over TCP; batches answering DO queries
 * byte for byte as auth_answer does. The records' contents are checked
 * by tests/differential/test_dnssec.py against Knot and NSD. */
#include <string.h>

#include "auth/answer.h"
#include "check.h"
#include "wire/msg.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "zone/zonedb.h"

static struct zonedb *db;
static struct auth_conf conf;

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static void load(struct zonedb *to, const char *file)
{
	uint8_t origin[NAME_MAXLEN];
	char path[512];
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zdb_zone *zz = NULL;
	struct zone z;

	snprintf(path, sizeof(path), "%s/dnssec/%s", TEST_DATA_DIR, file);
	CHECK(name_from_text(origin, "sig.test.", 9, NULL) > 0);
	zone_init(&z, origin, 0);
	o.ctx = &z;
	CHECKF(zparse_file(path, &o) == 0, "%s", path);
	CHECK(zone_finish(&z) == 0);
	CHECK(zdb_zone_build(&zz, &z) == 0);
	if (zz) {
		CHECK(zonedb_add(to, zz) == 0);
		zdb_zone_unref(zz);
	}
	zone_clear(&z);
}

static size_t make_query(uint8_t *buf, const char *qname, uint16_t qtype,
			 uint16_t payload, bool dnssec)
{
	uint8_t name[NAME_MAXLEN];
	struct msg_writer mw;
	struct msg_hdr h = { .id = 0x5eed };
	struct edns e;

	CHECK(name_from_text(name, qname, strlen(qname), NULL) > 0);
	CHECK(msg_writer_init(&mw, buf, 512, &h, false) == 0);
	CHECK(msg_writer_question(&mw, name, qtype, 1) == 0);
	if (payload) {
		edns_init(&e, payload);
		e.flags = dnssec ? EDNS_FLAG_DO : 0;
		CHECK(msg_writer_opt(&mw, &e) == 0);
	}
	return (size_t)msg_writer_finish(&mw);
}

static uint8_t reply[MSG_MAXLEN];
static struct msg_rr rrs[256];
static struct msg m;

static void ask_t(const char *qname, uint16_t qtype, uint16_t payload,
		  bool dnssec, enum auth_transport t)
{
	uint8_t q[512];
	size_t qlen = make_query(q, qname, qtype, payload, dnssec);
	size_t n = auth_answer(db, &conf, q, qlen, t, reply, sizeof(reply));

	CHECKF(n > 0 && msg_parse(&m, reply, n, rrs, 256) == 0, "%s", qname);
}

static void ask(const char *qname, uint16_t qtype, bool dnssec)
{
	ask_t(qname, qtype, 1232, dnssec, AUTH_UDP);
}

/* Records of type in section s (type 0: all). */
static int has(enum msg_section s, uint16_t type)
{
	int n = 0;

	for (uint16_t i = 0; i < msg_section_count(&m, s); i++)
		n += !type || msg_section_rr(&m, s, i)->type == type;
	return n;
}

/* RRSIGs in s covering type. */
static int sigs(enum msg_section s, uint16_t covered)
{
	int n = 0;

	for (uint16_t i = 0; i < msg_section_count(&m, s); i++) {
		const struct msg_rr *rr = msg_section_rr(&m, s, i);
		n += rr->type == RR_RRSIG && rr->rdlen >= 2 &&
		     wire_get_u16(m.pkt + rr->rdata_off) == covered;
	}
	return n;
}

static uint8_t rc(void)
{
	return msg_hdr_rcode(&m.hdr);
}

#define AN MSG_ANSWER
#define NS MSG_AUTHORITY
#define AR MSG_ADDITIONAL

/* Without DO nothing is added; asked for by type, DNSSEC records are
 * data (RRSIG: the first set, as Knot answers it). */
static void test_no_do(void)
{
	ask("www.sig.test.", RR_A, false);
	CHECK(has(AN, 0) == 1 && has(NS, 0) == 0);
	ask("nx.sig.test.", RR_A, false);
	CHECK(rc() == RCODE_NXDOMAIN && has(NS, 0) == 1 &&
	      has(NS, RR_SOA) == 1);
	ask("x.insec.sig.test.", RR_A, false);
	CHECK(has(NS, 0) == 1 && has(NS, RR_NS) == 1);
	ask("sig.test.", RR_DNSKEY, false);
	CHECK(has(AN, RR_DNSKEY) == 2 && has(AN, RR_RRSIG) == 0);
	ask("www.sig.test.", RR_RRSIG, false);
	CHECK(has(AN, RR_RRSIG) == 1 && has(NS, 0) == 0);
}

static void test_nsec(void)
{
	ask("www.sig.test.", RR_A, true);
	CHECK(has(AN, RR_A) == 1 && sigs(AN, RR_A) == 1 && has(NS, 0) == 0);
	CHECK(m.has_opt && edns_do(&m.edns));
	/* NODATA: SOA and its signature, the name's NSEC */
	ask("www.sig.test.", RR_TXT, true);
	CHECK(rc() == 0 && has(AN, 0) == 0 && has(NS, RR_SOA) == 1 &&
	      sigs(NS, RR_SOA) == 1 && has(NS, RR_NSEC) == 1 &&
	      sigs(NS, RR_NSEC) == 1);
	/* NXDOMAIN: the NSEC covering the name and the one covering the
	 * wildcard (here the apex's) */
	ask("nx.sig.test.", RR_A, true);
	CHECK(rc() == RCODE_NXDOMAIN && has(NS, RR_NSEC) == 2 &&
	      sigs(NS, RR_NSEC) == 2 && sigs(NS, RR_SOA) == 1);
	/* wildcard: the answer signed under the query name, the proof
	 * that the name does not exist */
	ask("a.b.wild.sig.test.", RR_A, true);
	CHECK(has(AN, RR_A) == 1 && sigs(AN, RR_A) == 1 &&
	      has(NS, RR_NSEC) == 1);
	ask("a.wild.sig.test.", RR_MX, true);
	CHECK(rc() == 0 && has(NS, RR_NSEC) == 1 && has(NS, RR_SOA) == 1);
	/* a wildcard CNAME: its proof goes after the whole chain */
	ask("x.wc.sig.test.", RR_A, true);
	CHECK(has(AN, RR_CNAME) == 1 && has(AN, RR_A) == 1 &&
	      sigs(AN, RR_CNAME) == 1 && sigs(AN, RR_A) == 1 &&
	      has(NS, RR_NSEC) == 1);
	/* referrals: DS and its RRSIG, or the cut's NSEC */
	ask("x.sec.sig.test.", RR_A, true);
	CHECK(has(NS, RR_NS) == 1 && has(NS, RR_DS) == 1 &&
	      sigs(NS, RR_DS) == 1 && !msg_hdr_aa(&m.hdr));
	ask("x.insec.sig.test.", RR_A, true);
	CHECK(has(NS, RR_NS) == 1 && has(NS, RR_DS) == 0 &&
	      has(NS, RR_NSEC) == 1);
	/* DNAME: its signature, the synthesised CNAME unsigned */
	ask("h1.dn.sig.test.", RR_A, true);
	CHECK(has(AN, RR_DNAME) == 1 && sigs(AN, RR_DNAME) == 1 &&
	      has(AN, RR_CNAME) == 1 && sigs(AN, RR_CNAME) == 0 &&
	      sigs(AN, RR_A) == 1);
	/* an empty non-terminal: the NSEC covering it */
	ask("b.ent.sig.test.", RR_A, true);
	CHECK(rc() == 0 && has(NS, RR_NSEC) == 1);
}

static void test_nsec3(void)
{
	ask("www.sig.test.", RR_TXT, true);
	CHECK(has(NS, RR_NSEC3) == 1 && sigs(NS, RR_NSEC3) == 1);
	/* closest encloser, next closer, wildcard */
	ask("a.b.nx.sig.test.", RR_A, true);
	CHECK(rc() == RCODE_NXDOMAIN && has(NS, RR_NSEC3) >= 2 &&
	      has(NS, RR_NSEC3) <= 3 && sigs(NS, RR_NSEC3) == has(NS, RR_NSEC3));
	ask("a.b.wild.sig.test.", RR_A, true);
	CHECK(has(AN, RR_A) == 1 && has(NS, RR_NSEC3) == 1);
	ask("a.wild.sig.test.", RR_MX, true);
	CHECK(has(NS, RR_NSEC3) >= 2 && has(NS, RR_NSEC3) <= 3);
	ask("b.ent.sig.test.", RR_A, true);
	CHECK(has(NS, RR_NSEC3) == 1);
	ask("x.insec.sig.test.", RR_A, true);
	CHECK(has(NS, RR_NSEC3) == 1 && has(NS, RR_DS) == 0);
}

/* Signed sets that do not fit: left out whole with TC; TCP gives all. */
static void test_truncation(void)
{
	ask_t("big.sig.test.", RR_TXT, 512, true, AUTH_UDP);
	CHECK(msg_hdr_tc(&m.hdr) && has(AN, 0) == 0);
	ask_t("big.sig.test.", RR_TXT, 512, false, AUTH_UDP);
	CHECK(!msg_hdr_tc(&m.hdr) && has(AN, RR_TXT) == 2);
	ask_t("big.sig.test.", RR_TXT, 512, true, AUTH_TCP);
	CHECK(!msg_hdr_tc(&m.hdr) && has(AN, RR_TXT) == 2 &&
	      sigs(AN, RR_TXT) == 1);
	/* the proofs of an NXDOMAIN do not fit in 512 with RSA-2048 */
	ask_t("nx.sig.test.", RR_A, 512, true, AUTH_UDP);
	CHECK(msg_hdr_tc(&m.hdr));
	ask_t("nx.sig.test.", RR_A, 512, true, AUTH_TCP);
	CHECK(!msg_hdr_tc(&m.hdr) && has(NS, RR_NSEC) == 2);
	/* signatures of additional records are dropped without TC */
	ask_t("mail.sig.test.", RR_MX, 512, true, AUTH_UDP);
	CHECK(!msg_hdr_tc(&m.hdr) && has(AN, RR_MX) == 1 &&
	      sigs(AN, RR_MX) == 1);
}

/* A batch answers DO queries byte for byte as auth_answer does. */
static void test_batch(void)
{
	static const char *const names[] = {
		"www.sig.test.", "nx.sig.test.", "a.wild.sig.test.",
		"x.wc.sig.test.", "x.sec.sig.test.", "x.insec.sig.test.",
		"h1.dn.sig.test.", "b.ent.sig.test.", "big.sig.test.",
		"sig.test.",
	};
	static const uint16_t types[] = { RR_A, RR_TXT, RR_DS, RR_MX };
	static struct auth_batch b;
	static uint8_t q[64][512], want[64][1232], got[1232];
	const uint8_t *qp[64];
	size_t ql[64], wl[64];
	int n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (size_t j = 0; j < 4; j++, n++)
			ql[n] = make_query(q[n], names[i], types[j],
					   j & 1 ? 1232 : 512, true);
	for (int i = 0; i < n; i++) {
		qp[i] = q[i];
		wl[i] = auth_answer(db, &conf, q[i], ql[i], AUTH_UDP, want[i],
				    sizeof(want[i]));
	}
	auth_batch_init(&b);
	b.min_bytes = 0;
	CHECK(auth_batch_prepare(&b, db, qp, ql, n) == n);
	for (int i = 0; i < n; i++) {
		size_t len = auth_answer_batch(&b, db, &conf, q[i], ql[i],
					       AUTH_UDP, got, sizeof(got));
		CHECKF(len == wl[i] && memcmp(got, want[i], len) == 0,
		       "batch answer %d", i);
	}
}

int main(void)
{
	auth_conf_init(&conf);
	db = zonedb_new();
	load(db, "sig-nsec-rsa.zone");
	test_no_do();
	test_nsec();
	test_truncation();
	test_batch();
	zonedb_free(db);
	db = zonedb_new();
	load(db, "sig-nsec3-ecdsa.zone");
	test_no_do();
	test_nsec3();
	test_batch();
	zonedb_free(db);
	return check_done();
}
