/* Unit tests for src/auth/tsig.c: signed queries through auth_answer.
 * A good one gets its answer signed over the request MAC (UDP, TCP,
 * with and without EDNS, truncated); BADKEY and BADSIG get an unsigned
 * NOTAUTH, BADTIME and BADTRUNC a signed one, a forbidden MAC size
 * FORMERR with BADSIG and an unreadable TSIG FORMERR alone, as BIND
 * answers; every outcome reaches the note hook, unsigned queries none. */
#include <string.h>

#include "auth/answer.h"
#include "check.h"
#include "wire/msg.h"
#include "wire/rrtype.h"
#include "wire/tsig.h"
#include "zone/zone.h"
#include "zone/zonedb.h"

#define NOW 1800000000ULL

static const char zone_text[] =
	"$TTL 60\n"
	"@ SOA ns1 h 1 2 3 4 5\n"
	"@ NS ns1\n"
	"ns1 A 192.0.2.53\n"
	"www A 192.0.2.1\n"
	"big TXT aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	"big TXT bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
	"big TXT cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\n"
	"big TXT dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\n"
	"big TXT eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\n"
	"big TXT ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n"
	"big TXT gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg\n";

static struct zonedb *db;
static struct auth_conf conf;
static struct tsig_keyring keys;

/* The hook's last report. */
static int notes;
static struct tsig_check noted;

static uint64_t fixed_clock(void)
{
	return NOW;
}

static void note(void *arg, const uint8_t *q, size_t qlen,
		 const struct tsig_check *c)
{
	(void)q;
	(void)qlen;
	CHECK(arg == &keys);
	notes++;
	noted = *c;
}

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static void setup(void)
{
	uint8_t origin[NAME_MAXLEN];
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zdb_zone *zz = NULL;
	struct tsig_key_spec s;
	char err[256];
	struct zone z;

	db = zonedb_new();
	CHECK(name_from_text(origin, "example.test.", 13, NULL) > 0);
	zone_init(&z, origin, 0);
	o.ctx = &z;
	CHECK(zparse_text(zone_text, strlen(zone_text), "example.test.",
			  &o) == 0);
	CHECK(zone_finish(&z) == 0 && zdb_zone_build(&zz, &z) == 0);
	CHECK(zonedb_add(db, zz) == 0);
	zdb_zone_unref(zz);
	zone_clear(&z);
	CHECK(tsig_spec_parse(&s, "hmac-sha256:k.example:AQIDBAUGBwgJCgsMDQ4"
			      "PEBESExQVFhcYGRobHB0eHyA=", err,
			      sizeof(err)) == 0);
	CHECK(tsig_keyring_add(&keys, &s) == 0);
	CHECK(tsig_spec_parse(&s, "hmac-sha1-80:short.example:AQIDBAUGBwgJ"
			      "CgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", err,
			      sizeof(err)) == 0);
	CHECK(tsig_keyring_add(&keys, &s) == 0);
	auth_conf_init(&conf);
	conf.keys = &keys;
	conf.now = fixed_clock;
	conf.tsig_note = note;
	conf.tsig_arg = &keys;
}

static const struct tsig_key *key(const char *name)
{
	uint8_t n[NAME_MAXLEN];

	CHECK(name_from_text(n, name, strlen(name), NULL) > 0);
	return tsig_keyring_find(&keys, n);
}

/* A query; with EDNS when payload; signed by k at time t unless k is
 * NULL. The client's MAC goes to mac. */
static uint8_t q[1024];
static size_t qlen;
static uint8_t qmac[TSIG_MAC_MAX];
static size_t qmac_len;

static void make(const char *qname, uint16_t qtype, uint16_t opcode,
		 uint16_t payload, const struct tsig_key *k, uint64_t t)
{
	struct msg_hdr h = { .id = 0x4242 };
	uint8_t n[NAME_MAXLEN];
	struct msg_writer mw;
	struct tsig_signer s;
	struct edns e;
	const uint8_t *mac;
	int len;

	msg_hdr_set_opcode(&h, (uint8_t)opcode);
	CHECK(name_from_text(n, qname, strlen(qname), NULL) > 0);
	CHECK(msg_writer_init(&mw, q, sizeof(q), &h, true) == 0);
	CHECK(msg_writer_question(&mw, n, qtype, 1) == 0);
	if (payload) {
		edns_init(&e, payload);
		CHECK(msg_writer_opt(&mw, &e) == 0);
	}
	len = msg_writer_finish(&mw);
	if (k) {
		tsig_signer_init(&s, k, NULL, 0);
		len = tsig_sign(&s, q, (size_t)len, sizeof(q), t);
		mac = tsig_signer_mac(&s, &qmac_len);
		memcpy(qmac, mac, qmac_len);
		tsig_signer_clear(&s);
	}
	CHECK(len > 0);
	qlen = (size_t)len;
}

/* The reply: parsed into m, its TSIG into t when there is one. */
static uint8_t r[65535];
static size_t rlen;
static struct msg m;
static struct msg_rr rrs[64];
static struct tsig_rr t;

static void ask(enum auth_transport tr)
{
	rlen = auth_answer(db, &conf, q, qlen, tr, r,
			   tr == AUTH_UDP ? 4096 : sizeof(r));
	CHECK(rlen > 0);
	CHECK(msg_parse(&m, r, rlen, rrs, 64) == 0);
	memset(&t, 0, sizeof(t));
	if (m.has_tsig)
		CHECK(tsig_rr_parse(&t, r, rlen, m.rr[m.rr_count - 1]
				    .owner_off) == 0);
}

static uint16_t rcode(void)
{
	uint8_t rc = msg_hdr_rcode(&m.hdr);

	return m.has_opt ? edns_rcode(&m.edns, rc) : rc;
}

/* The reply verifies as the answer to our request, at client time t. */
static enum tsig_status verify(const struct tsig_key *k, uint64_t when)
{
	struct tsig_verifier v;
	enum tsig_status st;

	tsig_verifier_init(&v, k, qmac, qmac_len);
	st = tsig_verify_msg(&v, r, rlen, when);
	tsig_verifier_clear(&v);
	return st;
}

static void test_good(void)
{
	const struct tsig_key *k = key("k.example.");

	notes = 0;
	make("www.example.test.", RR_A, 0, 0, k, NOW - 10);
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_NOERROR && msg_section_count(&m, 1) == 1);
	CHECK(m.has_tsig && !m.has_opt && t.mac_len == 32 && !t.error);
	CHECK(t.time == NOW && t.fudge == 300 && t.orig_id == 0x4242);
	CHECK(verify(k, NOW) == TSIG_OK);
	CHECK(notes == 1 && noted.status == TSIG_OK && noted.key == k &&
	      noted.skew == 10);
	/* with EDNS the OPT comes before the TSIG, which is last */
	make("www.example.test.", RR_A, 0, 1232, k, NOW);
	ask(AUTH_TCP);
	CHECK(m.has_opt && m.has_tsig && m.opt_index + 2 == m.rr_count);
	CHECK(verify(k, NOW) == TSIG_OK);
	/* an error rcode is signed too (NXDOMAIN, REFUSED, NOTAUTH) */
	make("nope.example.test.", RR_A, 0, 0, k, NOW);
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_NXDOMAIN && verify(k, NOW) == TSIG_OK);
	make("www.other.test.", RR_A, 0, 0, k, NOW);
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_REFUSED && verify(k, NOW) == TSIG_OK);
	make("example.test.", RR_SOA, OPCODE_NOTIFY, 0, k, NOW);
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_NOTAUTH && !t.error &&
	      verify(k, NOW) == TSIG_OK);
	/* unsigned queries never reach the hook */
	notes = 0;
	make("www.example.test.", RR_A, 0, 0, NULL, 0);
	ask(AUTH_UDP);
	CHECK(notes == 0 && !m.has_tsig && rcode() == RCODE_NOERROR);
}

/* Truncated over UDP: TC, and still signed within the limit. */
static void test_truncated(void)
{
	const struct tsig_key *k = key("k.example.");

	make("big.example.test.", RR_TXT, 0, 0, k, NOW);
	rlen = auth_answer(db, &conf, q, qlen, AUTH_UDP, r, 4096);
	CHECK(rlen > 0 && rlen <= 512);
	CHECK(msg_parse(&m, r, rlen, rrs, 64) == 0);
	CHECK(msg_hdr_tc(&m.hdr) && m.has_tsig);
	CHECK(verify(k, NOW) == TSIG_OK);
	make("big.example.test.", RR_TXT, 0, 0, k, NOW);
	ask(AUTH_TCP);
	CHECK(!msg_hdr_tc(&m.hdr) && msg_section_count(&m, 1) == 7);
	CHECK(verify(k, NOW) == TSIG_OK);
}

static void test_refused(void)
{
	const struct tsig_key *k = key("k.example.");
	struct tsig_key_spec s;
	struct tsig_keyring other = { 0 };
	char err[256];

	/* unknown key: unsigned BADKEY, question and OPT echoed, our time
	 * and fudge (BIND's) */
	CHECK(tsig_spec_parse(&s, "nokey.example:AQIDBAUGBwgJCgsMDQ4PEBES"
			      "ExQVFhcYGRobHB0eHyA=", err, sizeof(err)) == 0);
	CHECK(tsig_keyring_add(&other, &s) == 0);
	make("www.example.test.", RR_A, 0, 1232, &other.key[0], NOW - 50);
	notes = 0;
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_NOTAUTH && m.hdr.count[0] == 1 && m.has_opt);
	CHECK(msg_section_count(&m, 1) == 0);
	CHECK(t.error == TSIG_ERR_BADKEY && t.mac_len == 0 &&
	      t.time == NOW && t.fudge == 300 && t.orig_id == 0x4242);
	CHECK(notes == 1 && noted.status == TSIG_UNKNOWN_KEY);
	tsig_keyring_clear(&other);
	/* the secret differs: BADSIG, unsigned */
	CHECK(tsig_spec_parse(&s, "k.example:AAIDBAUGBwgJCgsMDQ4PEBES"
			      "ExQVFhcYGRobHB0eHyA=", err, sizeof(err)) == 0);
	CHECK(tsig_keyring_add(&other, &s) == 0);
	make("www.example.test.", RR_A, 0, 0, &other.key[0], NOW);
	ask(AUTH_TCP);
	CHECK(rcode() == RCODE_NOTAUTH && t.error == TSIG_ERR_BADSIG &&
	      t.mac_len == 0 && noted.status == TSIG_BAD_MAC);
	tsig_keyring_clear(&other);
	/* another algorithm for a known name: BADKEY */
	CHECK(tsig_spec_parse(&s, "hmac-sha512:k.example:AQIDBAUGBwgJCgsMDQ4"
			      "PEBESExQVFhcYGRobHB0eHyA=", err,
			      sizeof(err)) == 0);
	CHECK(tsig_keyring_add(&other, &s) == 0);
	make("www.example.test.", RR_A, 0, 0, &other.key[0], NOW);
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_NOTAUTH && t.error == TSIG_ERR_BADKEY &&
	      t.alg == TSIG_ALG_SHA512 && noted.status == TSIG_WRONG_ALG);
	tsig_keyring_clear(&other);
	/* BADTIME: signed, the client's time and fudge, ours in Other */
	make("www.example.test.", RR_A, 0, 0, k, NOW - 1000);
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_NOTAUTH && t.error == TSIG_ERR_BADTIME);
	CHECK(t.mac_len == 32 && t.time == NOW - 1000 && t.other_len == 6);
	CHECK(t.other_len == 6 && wire_get_u32(t.other + 2) == (uint32_t)NOW);
	CHECK(verify(k, NOW - 1000) == TSIG_ERROR_SET);
	CHECK(noted.status == TSIG_BAD_TIME && noted.skew == 1000);
}

/* A copy of the signed query q with its MAC cut to n octets. */
static void cut_mac(unsigned n)
{
	struct msg_query mq;
	struct tsig_rr tr;
	size_t at, rd;

	CHECK(msg_parse_query(&mq, q, qlen) == 0);
	CHECK(tsig_rr_parse(&tr, q, qlen, mq.tsig_off) == 0);
	at = (size_t)(tr.mac - q);
	memmove(q + at + n, q + at + tr.mac_len, qlen - at - tr.mac_len);
	q[at - 2] = 0;
	q[at - 1] = (uint8_t)n;
	qlen -= tr.mac_len - n;
	rd = mq.tsig_off + name_length(tr.owner) + 10;
	q[rd - 2] = (uint8_t)((qlen - rd) >> 8);
	q[rd - 1] = (uint8_t)(qlen - rd);
	qmac_len = n;
}

static void test_mac_sizes(void)
{
	const struct tsig_key *k = key("k.example.");
	const struct tsig_key *sk = key("short.example.");

	/* 16 of 32 octets: allowed by RFC 8945, not by this key */
	make("www.example.test.", RR_A, 0, 0, k, NOW);
	cut_mac(16);
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_NOTAUTH && t.error == TSIG_ERR_BADTRUNC);
	CHECK(t.mac_len == 32 && verify(k, NOW) == TSIG_ERROR_SET);
	/* 10 of 32: FORMERR, with BADSIG in an unsigned TSIG */
	make("www.example.test.", RR_A, 0, 0, k, NOW);
	cut_mac(10);
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_FORMERR && m.has_tsig && t.mac_len == 0 &&
	      t.error == TSIG_ERR_BADSIG);
	/* MAC size 0: BADSIG */
	make("www.example.test.", RR_A, 0, 0, k, NOW);
	cut_mac(0);
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_NOTAUTH && t.error == TSIG_ERR_BADSIG);
	/* hmac-sha1-80: 10 octets are fine, and the answer is signed
	 * in full over the short request MAC */
	make("www.example.test.", RR_A, 0, 0, sk, NOW);
	cut_mac(10);
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_NOERROR && t.mac_len == 20 && !t.error);
	CHECK(verify(sk, NOW) == TSIG_OK);
}

static void test_malformed(void)
{
	make("www.example.test.", RR_A, 0, 0, key("k.example."), NOW);
	q[qlen - 1] = 1;        /* Other Len past the end of the RDATA */
	notes = 0;
	ask(AUTH_UDP);
	CHECK(rcode() == RCODE_FORMERR && !m.has_tsig);
	CHECK(notes == 1 && noted.status == TSIG_MALFORMED);
}

/* Without a clock no signed query passes; without keys all are
 * BADKEY. */
static void test_no_clock(void)
{
	const struct tsig_key *k = key("k.example.");
	struct auth_conf c = conf;

	conf.now = NULL;
	make("www.example.test.", RR_A, 0, 0, k, NOW);
	ask(AUTH_UDP);
	CHECK(t.error == TSIG_ERR_BADTIME);
	conf = c;
	conf.keys = NULL;
	ask(AUTH_UDP);
	CHECK(t.error == TSIG_ERR_BADKEY);
	conf = c;
}

int main(void)
{
	setup();
	test_good();
	test_truncated();
	test_refused();
	test_mac_sizes();
	test_malformed();
	test_no_clock();
	tsig_keyring_clear(&keys);
	zonedb_free(db);
	return check_done();
}
