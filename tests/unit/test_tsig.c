/* Unit tests for src/wire/tsig.c and tsig_mac.c (TSIG, RFC 8945) and
 * src/daemon/keyfile*.c: dnspython's vectors verified and reproduced
 * octet for octet, sign/verify round trips for every algorithm, every
 * error a server can find, the truncation rules, multi-message streams,
 * the key text forms and key files with their FILE:LINE mistakes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/error.h"
#include "daemon/keyfile.h"
#include "wire/msg.h"
#include "wire/rrtype.h"
#include "wire/tsig.h"
#include "tsig_vectors.h"

#define T0 1700000000ULL

static const struct {
	const uint8_t *q;
	size_t len;
	enum tsig_alg alg;
} vec[] = {
	{ q_md5, sizeof(q_md5), TSIG_ALG_MD5 },
	{ q_sha1, sizeof(q_sha1), TSIG_ALG_SHA1 },
	{ q_sha224, sizeof(q_sha224), TSIG_ALG_SHA224 },
	{ q_sha256, sizeof(q_sha256), TSIG_ALG_SHA256 },
	{ q_sha384, sizeof(q_sha384), TSIG_ALG_SHA384 },
	{ q_sha512, sizeof(q_sha512), TSIG_ALG_SHA512 },
};

/* A spec for test.key. (or name) with the vectors' secret. */
static void spec_of(struct tsig_key_spec *s, const char *name,
		    enum tsig_alg a, unsigned bits)
{
	memset(s, 0, sizeof(*s));
	CHECK(name_from_text(s->name, name, strlen(name), NULL) > 0);
	s->alg = a;
	s->mac_bits = (uint16_t)bits;
	s->secret_len = 32;
	for (int i = 0; i < 32; i++)
		s->secret[i] = (uint8_t)(i + 1);
}

static void ring_of(struct tsig_keyring *kr, enum tsig_alg a, unsigned bits)
{
	struct tsig_key_spec s;

	memset(kr, 0, sizeof(*kr));
	spec_of(&s, "test.key.", a, bits);
	CHECK(tsig_keyring_add(kr, &s) == 0);
}

/* Offset of the TSIG record (the last one) in a signed message. */
static size_t tsig_at(const uint8_t *p, size_t len)
{
	struct msg_query q;

	CHECK(msg_parse_query(&q, p, len) == 0);
	return q.tsig_off;
}

/* The message as it was before its TSIG: record cut, ARCOUNT - 1. */
static size_t unsigned_part(uint8_t *dst, const uint8_t *p, size_t len)
{
	size_t off = tsig_at(p, len);

	memcpy(dst, p, off);
	dst[11]--;
	return off;
}

static void test_vectors(void)
{
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		struct tsig_keyring kr;
		struct tsig_check c;
		struct tsig_signer s;
		uint8_t buf[512];
		size_t off = tsig_at(vec[i].q, vec[i].len), n;
		int len;

		ring_of(&kr, vec[i].alg, 0);
		CHECKF(tsig_verify_request(&c, &kr, vec[i].q, vec[i].len,
					   off, T0) == TSIG_OK, "%s",
		       tsig_alg_text(vec[i].alg));
		CHECK(c.key == &kr.key[0] && c.skew == 0);
		CHECK(c.rr.mac_len == tsig_alg_mac_len(vec[i].alg));
		/* our signer makes the same octets (dnspython writes the
		 * MD5 name in capitals, we in lowercase: names compare
		 * without case) */
		n = unsigned_part(buf, vec[i].q, vec[i].len);
		tsig_signer_init(&s, &kr.key[0], NULL, 0);
		len = tsig_sign(&s, buf, n, sizeof(buf), T0);
		CHECK(len == (int)vec[i].len);
		if (vec[i].alg != TSIG_ALG_MD5)
			CHECK(len > 0 && !memcmp(buf, vec[i].q, (size_t)len));
		else
			CHECK(len > 0 && !memcmp(buf + len - 22,
						 vec[i].q + len - 22, 22));
		tsig_signer_clear(&s);
		tsig_keyring_clear(&kr);
	}
}

/* A response signed over the request's MAC, and a stream: signed,
 * unsigned, signed. */
static void test_response_vectors(void)
{
	struct tsig_keyring kr;
	struct tsig_check c;
	struct tsig_signer s;
	struct tsig_verifier v;
	uint8_t buf[512];
	size_t n;

	ring_of(&kr, TSIG_ALG_SHA256, 0);
	CHECK(tsig_verify_request(&c, &kr, q_sha256, sizeof(q_sha256),
				  tsig_at(q_sha256, sizeof(q_sha256)), T0) ==
	      TSIG_OK);
	tsig_verifier_init(&v, &kr.key[0], c.rr.mac, c.rr.mac_len);
	CHECK(tsig_verify_msg(&v, r_sha256, sizeof(r_sha256), T0) ==
	      TSIG_OK);
	CHECK(tsig_verify_end(&v) == TSIG_OK);
	tsig_verifier_clear(&v);
	tsig_signer_init(&s, &kr.key[0], c.rr.mac, c.rr.mac_len);
	n = unsigned_part(buf, r_sha256, sizeof(r_sha256));
	CHECK(tsig_sign(&s, buf, n, sizeof(buf), T0) ==
	      (int)sizeof(r_sha256));
	CHECK(!memcmp(buf, r_sha256, sizeof(r_sha256)));
	tsig_signer_clear(&s);

	tsig_verifier_init(&v, &kr.key[0], c.rr.mac, c.rr.mac_len);
	CHECK(tsig_verify_msg(&v, x1_sha256, sizeof(x1_sha256), T0) ==
	      TSIG_OK);
	CHECK(tsig_verify_end(&v) == TSIG_OK);
	CHECK(tsig_verify_msg(&v, x2_sha256, sizeof(x2_sha256), T0) ==
	      TSIG_UNSIGNED);
	CHECK(tsig_verify_end(&v) == TSIG_MISSING);
	CHECK(tsig_verify_msg(&v, x3_sha256, sizeof(x3_sha256), T0) ==
	      TSIG_OK);
	CHECK(tsig_verify_end(&v) == TSIG_OK);
	tsig_verifier_clear(&v);

	tsig_signer_init(&s, &kr.key[0], c.rr.mac, c.rr.mac_len);
	n = unsigned_part(buf, x1_sha256, sizeof(x1_sha256));
	CHECK(tsig_sign(&s, buf, n, sizeof(buf), T0) ==
	      (int)sizeof(x1_sha256));
	CHECK(!memcmp(buf, x1_sha256, sizeof(x1_sha256)));
	CHECK(tsig_sign_skip(&s, x2_sha256, sizeof(x2_sha256)) == 0);
	n = unsigned_part(buf, x3_sha256, sizeof(x3_sha256));
	CHECK(tsig_sign(&s, buf, n, sizeof(buf), T0) ==
	      (int)sizeof(x3_sha256));
	CHECK(!memcmp(buf, x3_sha256, sizeof(x3_sha256)));
	tsig_signer_clear(&s);
	tsig_keyring_clear(&kr);
}

/* A query for name (any ID), unsigned, into buf; its length. */
static size_t make_msg(uint8_t *buf, size_t cap, const char *qname,
		       uint16_t id, bool response)
{
	struct msg_hdr h = { .id = id,
			     .flags = response ? MSG_FLAG_QR : 0 };
	uint8_t n[NAME_MAXLEN];
	static const uint8_t a[4] = { 192, 0, 2, 7 };
	struct msg_writer mw;

	CHECK(name_from_text(n, qname, strlen(qname), NULL) > 0);
	CHECK(msg_writer_init(&mw, buf, cap, &h, true) == 0);
	CHECK(msg_writer_question(&mw, n, RR_A, 1) == 0);
	if (response)
		CHECK(msg_writer_rr(&mw, MSG_ANSWER, n, RR_A, 1, 60, a, 4) ==
		      0);
	return (size_t)msg_writer_finish(&mw);
}

/* Every algorithm: a client signs, the server verifies and signs its
 * answer over the request MAC, the client verifies that. */
static void test_round_trips(void)
{
	for (int a = 0; a < TSIG_ALG_COUNT; a++) {
		struct tsig_keyring kr;
		struct tsig_check c;
		struct tsig_signer cs, ss;
		struct tsig_verifier v;
		uint8_t q[512], r[512];
		size_t qm_len;
		const uint8_t *qm;
		int ql, rl;

		ring_of(&kr, a, 0);
		tsig_signer_init(&cs, &kr.key[0], NULL, 0);
		ql = tsig_sign(&cs, q, make_msg(q, sizeof(q), "a.example.",
						 7, false), sizeof(q), T0);
		CHECK(ql > 0);
		CHECKF(tsig_verify_request(&c, &kr, q, (size_t)ql,
					   tsig_at(q, (size_t)ql), T0 + 10) ==
		       TSIG_OK, "%s", tsig_alg_text(a));
		CHECK(c.skew == 10);
		tsig_signer_init(&ss, c.key, c.rr.mac, c.rr.mac_len);
		rl = tsig_sign(&ss, r, make_msg(r, sizeof(r), "a.example.", 7,
						true), sizeof(r), T0 + 10);
		CHECK(rl > 0);
		qm = tsig_signer_mac(&cs, &qm_len);
		tsig_verifier_init(&v, &kr.key[0], qm, qm_len);
		CHECKF(tsig_verify_msg(&v, r, (size_t)rl, T0 + 20) == TSIG_OK,
		       "%s", tsig_alg_text(a));
		tsig_verifier_clear(&v);
		/* the answer to another request does not verify */
		tsig_verifier_init(&v, &kr.key[0], c.rr.mac, c.rr.mac_len - 1);
		CHECK(tsig_verify_msg(&v, r, (size_t)rl, T0) == TSIG_BAD_MAC);
		tsig_verifier_clear(&v);
		tsig_signer_clear(&cs);
		tsig_signer_clear(&ss);
		tsig_keyring_clear(&kr);
	}
}

/* A copy of q_sha256 with its TSIG RDATA edited by fn. */
static uint8_t edited[512];

static size_t edit(void (*fn)(uint8_t *rd, size_t *rdlen))
{
	size_t off = tsig_at(q_sha256, sizeof(q_sha256));
	size_t rd = off + 10 + 10, rdlen = sizeof(q_sha256) - rd;

	memcpy(edited, q_sha256, sizeof(q_sha256));
	fn(edited + rd, &rdlen);
	edited[rd - 2] = (uint8_t)(rdlen >> 8);
	edited[rd - 1] = (uint8_t)rdlen;
	return rd + rdlen;
}

/* RDATA: alg (13) time (6) fudge (2) size (2) MAC (32) id err olen */
#define MAC_AT 23
static void mac_len_to(uint8_t *rd, size_t *rdlen, unsigned n)
{
	rd[MAC_AT - 2] = 0;
	rd[MAC_AT - 1] = (uint8_t)n;
	memmove(rd + MAC_AT + n, rd + MAC_AT + 32, 6);
	*rdlen = MAC_AT + n + 6;
}
static void mac_0(uint8_t *rd, size_t *l) { mac_len_to(rd, l, 0); }
static void mac_15(uint8_t *rd, size_t *l) { mac_len_to(rd, l, 15); }
static void mac_16(uint8_t *rd, size_t *l) { mac_len_to(rd, l, 16); }
static void mac_flip(uint8_t *rd, size_t *l) { (void)l; rd[MAC_AT] ^= 1; }
static void fudge_0(uint8_t *rd, size_t *l) { (void)l; rd[20] = 0; rd[19] = 0; }
static void short_rd(uint8_t *rd, size_t *l) { (void)rd; *l -= 1; }
static void long_rd(uint8_t *rd, size_t *l) { rd[*l] = 0; *l += 1; }
static void mac_big(uint8_t *rd, size_t *l)
{
	memmove(rd + MAC_AT + 33, rd + MAC_AT + 32, 6);
	rd[MAC_AT + 32] = 0;
	rd[MAC_AT - 1] = 33;
	*l += 1;
}

static enum tsig_status check_with(const struct tsig_keyring *kr,
				   const uint8_t *p, size_t len,
				   uint64_t now, struct tsig_check *c)
{
	return tsig_verify_request(c, kr, p, len, tsig_at(p, len), now);
}

static void test_errors(void)
{
	struct tsig_keyring kr, other, trunc;
	struct tsig_key_spec s;
	struct tsig_check c;
	char text[1200];
	size_t n;

	ring_of(&kr, TSIG_ALG_SHA256, 0);
	ring_of(&trunc, TSIG_ALG_SHA256, 128);
	/* unknown key, no keys at all, another algorithm */
	memset(&other, 0, sizeof(other));
	spec_of(&s, "other.key.", TSIG_ALG_SHA256, 0);
	CHECK(tsig_keyring_add(&other, &s) == 0);
	CHECK(check_with(&other, q_sha256, sizeof(q_sha256), T0, &c) ==
	      TSIG_UNKNOWN_KEY);
	CHECK(!strcmp(tsig_check_text(&c, text, sizeof(text)),
		      "unknown key name 'test.key.'"));
	CHECK(tsig_status_rcode(c.status) == RCODE_NOTAUTH &&
	      tsig_status_error(c.status) == TSIG_ERR_BADKEY &&
	      !tsig_status_signed(c.status));
	CHECK(check_with(NULL, q_sha256, sizeof(q_sha256), T0, &c) ==
	      TSIG_UNKNOWN_KEY);
	CHECK(check_with(&kr, q_sha1, sizeof(q_sha1), T0, &c) ==
	      TSIG_WRONG_ALG);
	CHECK(!strcmp(tsig_check_text(&c, text, sizeof(text)),
		      "key 'test.key.': algorithm differs (client hmac-sha1, "
		      "key hmac-sha256)"));
	/* the secret differs */
	tsig_keyring_clear(&other);
	spec_of(&s, "test.key.", TSIG_ALG_SHA256, 0);
	s.secret[0] ^= 0xff;
	CHECK(tsig_keyring_add(&other, &s) == 0);
	CHECK(check_with(&other, q_sha256, sizeof(q_sha256), T0, &c) ==
	      TSIG_BAD_MAC);
	CHECK(!strcmp(tsig_check_text(&c, text, sizeof(text)),
		      "key 'test.key.': MAC wrong (the secret differs?)"));
	CHECK(tsig_status_error(c.status) == TSIG_ERR_BADSIG);
	/* the message or the MAC changed */
	memcpy(edited, q_sha256, sizeof(q_sha256));
	edited[13] ^= 0x20;     /* "WWW": the MAC covers case too */
	CHECK(check_with(&kr, edited, sizeof(q_sha256), T0, &c) ==
	      TSIG_BAD_MAC);
	n = edit(mac_flip);
	CHECK(check_with(&kr, edited, n, T0, &c) == TSIG_BAD_MAC);
	/* the time window, both ways, at its edges */
	CHECK(check_with(&kr, q_sha256, sizeof(q_sha256), T0 + 300, &c) ==
	      TSIG_OK);
	CHECK(check_with(&kr, q_sha256, sizeof(q_sha256), T0 - 300, &c) ==
	      TSIG_OK);
	CHECK(check_with(&kr, q_sha256, sizeof(q_sha256), T0 + 421, &c) ==
	      TSIG_BAD_TIME);
	CHECK(c.skew == 421 && tsig_status_signed(c.status));
	CHECK(!strcmp(tsig_check_text(&c, text, sizeof(text)),
		      "key 'test.key.': clock off by 421 s (fudge 300, "
		      "client behind)"));
	CHECK(check_with(&kr, q_sha256, sizeof(q_sha256), T0 - 301, &c) ==
	      TSIG_BAD_TIME);
	CHECK(strstr(tsig_check_text(&c, text, sizeof(text)),
		     "off by 301 s (fudge 300, client ahead)"));
	/* a MAC that does not verify is BADSIG whatever the time */
	n = edit(mac_flip);
	CHECK(check_with(&kr, edited, n, T0 + 5000, &c) == TSIG_BAD_MAC);
	/* fudge 0 is a window of one second; the MAC covers the fudge */
	n = edit(fudge_0);
	CHECK(check_with(&kr, edited, n, T0, &c) == TSIG_BAD_MAC);
	/* MAC sizes (5.2.2.1): 0 BADSIG; over 32 or under 16 FORMERR;
	 * 16 is a truncation the key must allow, else BADTRUNC */
	n = edit(mac_0);
	CHECK(check_with(&kr, edited, n, T0, &c) == TSIG_NO_MAC);
	CHECK(tsig_status_error(c.status) == TSIG_ERR_BADSIG);
	n = edit(mac_big);
	CHECK(check_with(&kr, edited, n, T0, &c) == TSIG_MAC_SIZE);
	CHECK(tsig_status_rcode(c.status) == RCODE_FORMERR);
	CHECK(!strcmp(tsig_check_text(&c, text, sizeof(text)),
		      "key 'test.key.': MAC size 33 out of range for "
		      "hmac-sha256 (16 to 32 octets)"));
	n = edit(mac_15);
	CHECK(check_with(&kr, edited, n, T0, &c) == TSIG_MAC_SIZE);
	n = edit(mac_16);
	CHECK(check_with(&kr, edited, n, T0, &c) == TSIG_BAD_TRUNC);
	CHECK(tsig_status_error(c.status) == TSIG_ERR_BADTRUNC &&
	      tsig_status_signed(c.status));
	CHECK(!strcmp(tsig_check_text(&c, text, sizeof(text)),
		      "key 'test.key.': MAC truncated to 16 octets, the key "
		      "wants 32"));
	CHECK(check_with(&trunc, edited, n, T0, &c) == TSIG_OK);
	/* a truncated MAC is still checked, and a wrong one is BADSIG */
	edited[n - 7] ^= 1;
	CHECK(check_with(&trunc, edited, n, T0, &c) == TSIG_BAD_MAC);
	/* malformed records */
	n = edit(short_rd);
	CHECK(check_with(&kr, edited, n, T0, &c) == TSIG_MALFORMED);
	CHECK(tsig_status_rcode(c.status) == RCODE_FORMERR &&
	      !tsig_status_error(c.status));
	n = edit(long_rd);
	CHECK(check_with(&kr, edited, n, T0, &c) == TSIG_MALFORMED);
	tsig_keyring_clear(&kr);
	tsig_keyring_clear(&trunc);
	tsig_keyring_clear(&other);
}

/* The record's fixed fields: class ANY, TTL 0, the algorithm name
 * uncompressed, nothing after. */
static void test_rr_parse(void)
{
	size_t off = tsig_at(q_sha256, sizeof(q_sha256));
	struct tsig_rr t;
	uint8_t p[512];

	CHECK(tsig_rr_parse(&t, q_sha256, sizeof(q_sha256), off) == 0);
	CHECK(t.alg == TSIG_ALG_SHA256 && t.time == T0 && t.fudge == 300);
	CHECK(t.mac_len == 32 && t.orig_id == 0x1234 && !t.error);
	CHECK(t.owner[0] == 4 && !memcmp(t.owner + 1, "test", 4));
	memcpy(p, q_sha256, sizeof(q_sha256));
	p[off + 10 + 3] = 1;                    /* class IN */
	CHECK(tsig_rr_parse(&t, p, sizeof(q_sha256), off) < 0);
	memcpy(p, q_sha256, sizeof(q_sha256));
	p[off + 10 + 7] = 1;                    /* TTL 1 */
	CHECK(tsig_rr_parse(&t, p, sizeof(q_sha256), off) < 0);
	memcpy(p, q_sha256, sizeof(q_sha256));
	p[off + 10 + 10] = 0xc0;                /* algorithm compressed */
	p[off + 10 + 11] = 12;
	CHECK(tsig_rr_parse(&t, p, sizeof(q_sha256), off) < 0);
	CHECK(tsig_rr_parse(&t, q_sha256, sizeof(q_sha256) - 1, off) < 0);
	/* an algorithm we do not know is read, and named in logs */
	memcpy(p, q_sha256, sizeof(q_sha256));
	p[off + 10 + 10 + 11] = 'x';            /* hmac-sha25x */
	CHECK(tsig_rr_parse(&t, p, sizeof(q_sha256), off) == 0);
	CHECK(t.alg == TSIG_ALG_NONE);
}

static void test_unsigned_error(void)
{
	size_t off = tsig_at(q_sha256, sizeof(q_sha256));
	struct tsig_rr req, t;
	uint8_t r[512];
	size_t n = make_msg(r, sizeof(r), "www.example.test.", 0x1234, true);
	int len;

	CHECK(tsig_rr_parse(&req, q_sha256, sizeof(q_sha256), off) == 0);
	len = tsig_append_unsigned(r, n, sizeof(r), &req, TSIG_ERR_BADKEY,
				   T0 + 99);
	CHECK(len > 0 && r[11] == 1);
	CHECK(tsig_rr_parse(&t, r, (size_t)len, n) == 0);
	CHECK(t.mac_len == 0 && t.error == TSIG_ERR_BADKEY &&
	      t.time == T0 + 99 && t.fudge == TSIG_FUDGE &&
	      t.orig_id == 0x1234 && name_equal(t.owner, req.owner) &&
	      t.alg == TSIG_ALG_SHA256);
	CHECK(tsig_append_unsigned(r, n, n + 20, &req, 17, T0) ==
	      BN_ENOSPC);
}

/* A client's view of a stream: up to 99 unsigned in a row, the first
 * and the last signed, every message in the MACs. */
static void test_streams(void)
{
	struct tsig_keyring kr;
	struct tsig_signer s;
	struct tsig_verifier v;
	static const uint8_t req_mac[32] = { 1, 2, 3 };
	static uint8_t m[102][256];
	size_t len[102];
	int i, ret;

	ring_of(&kr, TSIG_ALG_SHA512, 0);
	tsig_signer_init(&s, &kr.key[0], req_mac, sizeof(req_mac));
	CHECK(tsig_sign_skip(&s, m[0], 12) == BN_EINVAL);  /* first */
	for (i = 0; i < 102; i++) {
		size_t n = make_msg(m[i], sizeof(m[i]), "x.example.",
				    (uint16_t)i, true);

		if (i == 0 || i == 100 || i == 101)
			ret = tsig_sign(&s, m[i], n, sizeof(m[i]), T0);
		else
			ret = tsig_sign_skip(&s, m[i], n) ? -1 : (int)n;
		CHECK(ret > 0);
		len[i] = (size_t)ret;
	}
	CHECK(tsig_sign_skip(&s, m[5], len[5]) == 0);
	tsig_signer_clear(&s);

	tsig_verifier_init(&v, &kr.key[0], req_mac, sizeof(req_mac));
	for (i = 0; i < 102; i++) {
		enum tsig_status st = tsig_verify_msg(&v, m[i], len[i], T0);

		CHECKF(st == (i == 0 || i >= 100 ? TSIG_OK : TSIG_UNSIGNED),
		       "message %d: %s", i, tsig_status_text(st));
	}
	CHECK(tsig_verify_end(&v) == TSIG_OK);
	tsig_verifier_clear(&v);

	/* a changed unsigned message breaks the next MAC */
	tsig_verifier_init(&v, &kr.key[0], req_mac, sizeof(req_mac));
	CHECK(tsig_verify_msg(&v, m[0], len[0], T0) == TSIG_OK);
	m[50][len[50] - 1] ^= 1;
	for (i = 1; i < 100; i++)
		CHECK(tsig_verify_msg(&v, m[i], len[i], T0) == TSIG_UNSIGNED);
	CHECK(tsig_verify_msg(&v, m[100], len[100], T0) == TSIG_BAD_MAC);
	m[50][len[50] - 1] ^= 1;
	tsig_verifier_clear(&v);

	/* a missing message (50) too */
	tsig_verifier_init(&v, &kr.key[0], req_mac, sizeof(req_mac));
	for (i = 0; i < 100; i++)
		if (i != 50)
			tsig_verify_msg(&v, m[i], len[i], T0);
	CHECK(tsig_verify_msg(&v, m[100], len[100], T0) == TSIG_BAD_MAC);
	tsig_verifier_clear(&v);

	/* the first unsigned, or the 100th unsigned in a row */
	tsig_verifier_init(&v, &kr.key[0], req_mac, sizeof(req_mac));
	CHECK(tsig_verify_msg(&v, m[1], len[1], T0) == TSIG_MISSING);
	tsig_verifier_clear(&v);
	tsig_verifier_init(&v, &kr.key[0], req_mac, sizeof(req_mac));
	CHECK(tsig_verify_msg(&v, m[0], len[0], T0) == TSIG_OK);
	for (i = 1; i < 100; i++)
		CHECK(tsig_verify_msg(&v, m[i], len[i], T0) == TSIG_UNSIGNED);
	CHECK(tsig_verify_msg(&v, m[1], len[1], T0) == TSIG_MISSING);
	tsig_verifier_clear(&v);

	/* the signer refuses a 100th unsigned message */
	tsig_signer_init(&s, &kr.key[0], req_mac, sizeof(req_mac));
	CHECK(tsig_sign(&s, m[0], make_msg(m[0], sizeof(m[0]), "y.", 1, true),
			sizeof(m[0]), T0) > 0);
	for (i = 0; i < TSIG_UNSIGNED_MAX; i++)
		CHECK(tsig_sign_skip(&s, m[1], 40) == 0);
	CHECK(tsig_sign_skip(&s, m[1], 40) == BN_ERANGE);
	tsig_signer_clear(&s);
	tsig_keyring_clear(&kr);
}

/* A client's view of errors: another key, a BADKEY answer, BADTIME
 * signed with the client's time and the server's in Other Data. */
static void test_client_errors(void)
{
	struct tsig_keyring kr, k2;
	struct tsig_key_spec sp;
	struct tsig_signer s;
	struct tsig_verifier v;
	struct tsig_rr req;
	uint8_t r[512];
	size_t n = make_msg(r, sizeof(r), "z.example.", 9, true);
	static const uint8_t mac[32] = { 9 };
	int len;

	ring_of(&kr, TSIG_ALG_SHA256, 0);
	memset(&k2, 0, sizeof(k2));
	spec_of(&sp, "k2.", TSIG_ALG_SHA256, 0);
	CHECK(tsig_keyring_add(&k2, &sp) == 0);
	tsig_signer_init(&s, &k2.key[0], mac, 32);
	len = tsig_sign(&s, r, n, sizeof(r), T0);
	tsig_signer_clear(&s);
	tsig_verifier_init(&v, &kr.key[0], mac, 32);
	CHECK(tsig_verify_msg(&v, r, (size_t)len, T0) == TSIG_OTHER_KEY);
	tsig_verifier_clear(&v);

	n = make_msg(r, sizeof(r), "z.example.", 9, true);
	CHECK(tsig_rr_parse(&req, q_sha256, sizeof(q_sha256),
			    tsig_at(q_sha256, sizeof(q_sha256))) == 0);
	len = tsig_append_unsigned(r, n, sizeof(r), &req, TSIG_ERR_BADKEY,
				   T0);
	tsig_verifier_init(&v, &kr.key[0], mac, 32);
	CHECK(tsig_verify_msg(&v, r, (size_t)len, T0) == TSIG_ERROR_SET);
	CHECK(v.rr.error == TSIG_ERR_BADKEY);
	tsig_verifier_clear(&v);

	n = make_msg(r, sizeof(r), "z.example.", 9, true);
	tsig_signer_init(&s, &kr.key[0], mac, 32);
	tsig_signer_set_error(&s, TSIG_ERR_BADTIME, T0 + 1000);
	len = tsig_sign(&s, r, n, sizeof(r), T0);
	tsig_signer_clear(&s);
	tsig_verifier_init(&v, &kr.key[0], mac, 32);
	CHECK(tsig_verify_msg(&v, r, (size_t)len, T0) == TSIG_ERROR_SET);
	CHECK(v.rr.error == TSIG_ERR_BADTIME && v.rr.other_len == 6 &&
	      v.rr.other[5] == (uint8_t)(T0 + 1000) && v.rr.time == T0);
	tsig_verifier_clear(&v);
	/* and a signed answer too old for the client */
	tsig_verifier_init(&v, &kr.key[0], mac, 32);
	CHECK(tsig_verify_msg(&v, r, (size_t)len, T0 + 400) ==
	      TSIG_BAD_TIME);
	tsig_verifier_clear(&v);
	tsig_keyring_clear(&kr);
	tsig_keyring_clear(&k2);
}

static void test_algs(void)
{
	unsigned bits;

	CHECK(tsig_alg_from_text("hmac-sha256", 11, &bits) ==
	      TSIG_ALG_SHA256 && bits == 0);
	CHECK(tsig_alg_from_text("HMAC-SHA1.", 10, &bits) == TSIG_ALG_SHA1);
	CHECK(tsig_alg_from_text("hmac-md5.sig-alg.reg.int", 24, &bits) ==
	      TSIG_ALG_MD5);
	CHECK(tsig_alg_from_text("hmac-md5", 8, &bits) == TSIG_ALG_MD5);
	CHECK(tsig_alg_from_text("hmac-sha256-128", 15, &bits) ==
	      TSIG_ALG_SHA256 && bits == 128);
	CHECK(tsig_alg_from_text("hmac-sha512-256", 15, &bits) ==
	      TSIG_ALG_SHA512 && bits == 256);
	/* under half the hash, over it, not octets */
	CHECK(tsig_alg_from_text("hmac-sha256-120", 15, &bits) ==
	      TSIG_ALG_NONE);
	CHECK(tsig_alg_from_text("hmac-sha256-264", 15, &bits) ==
	      TSIG_ALG_NONE);
	CHECK(tsig_alg_from_text("hmac-sha1-81", 12, &bits) ==
	      TSIG_ALG_NONE);
	CHECK(tsig_alg_from_text("hmac-sha1-80", 12, &bits) ==
	      TSIG_ALG_SHA1 && bits == 80);
	CHECK(tsig_alg_from_text("hmac-sha3", 9, &bits) == TSIG_ALG_NONE);
	CHECK(tsig_alg_from_text("gss-tsig", 8, &bits) == TSIG_ALG_NONE);
	for (int a = 0; a < TSIG_ALG_COUNT; a++)
		CHECK(tsig_alg_from_wire(tsig_alg_wire(a)) == a);
}

#define SECRET "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="

static void test_spec_text(void)
{
	struct tsig_key_spec s, t;
	char err[512];

	CHECK(tsig_spec_parse(&s, "hmac-sha1:Key.Example:" SECRET, err,
			      sizeof(err)) == 0);
	CHECK(s.alg == TSIG_ALG_SHA1 && s.secret_len == 32 &&
	      s.secret[31] == 0x20 && !memcmp(s.name, "\3key\7example", 13));
	CHECK(tsig_spec_parse(&t, "key.example.:" SECRET, err,
			      sizeof(err)) == 0);
	CHECK(t.alg == TSIG_ALG_SHA256 && name_equal(s.name, t.name));
	CHECK(!tsig_spec_same(&s, &t));
	CHECK(tsig_spec_parse(&t, "HMAC-SHA1:key.example:" SECRET, err,
			      sizeof(err)) == 0 && tsig_spec_same(&s, &t));
	CHECK(tsig_spec_parse(&t, "hmac-sha256-128:k:" SECRET, err,
			      sizeof(err)) == 0 && t.mac_bits == 128);
	/* mistakes, never quoting the secret */
	CHECK(tsig_spec_parse(&t, SECRET, err, sizeof(err)) < 0);
	CHECK(!strstr(err, "AQID"));
	CHECK(tsig_spec_parse(&t, "sha7:k:" SECRET, err, sizeof(err)) < 0);
	CHECK(strstr(err, "unknown algorithm 'sha7'") && !strstr(err, "AQID"));
	CHECK(tsig_spec_parse(&t, "k:AQID*", err, sizeof(err)) < 0);
	CHECK(!strcmp(err, "key 'k': secret is not valid base64"));
	CHECK(tsig_spec_parse(&t, "k:", err, sizeof(err)) < 0);
	CHECK(strstr(err, "empty secret"));
	CHECK(tsig_spec_parse(&t, ":" SECRET, err, sizeof(err)) < 0);
	CHECK(strstr(err, "empty name") && !strstr(err, "AQID"));
	CHECK(tsig_spec_parse(&t, "a:b:c:d", err, sizeof(err)) < 0);
	/* the secret where the name goes is not shown either */
	CHECK(tsig_spec_parse(&t, SECRET ":k", err, sizeof(err)) < 0);
	CHECK(!strstr(err, "AQID"));
	CHECK(tsig_spec_set(&t, "n", "", "AQID BAUG\n", err, sizeof(err)) ==
	      0 && t.secret_len == 6);
	tsig_spec_wipe(&s);
	CHECK(s.secret_len == 0 && s.secret[0] == 0);
}

static void test_keyring(void)
{
	struct tsig_keyring kr = { 0 };
	struct tsig_key_spec s;
	uint8_t n[NAME_MAXLEN];
	char err[512];
	static const char *const names[] = { "b.", "a.", "c.x.", "A.b.",
					     "z." };

	for (int i = 0; i < 5; i++) {
		CHECK(tsig_spec_set(&s, names[i], "hmac-sha384", SECRET, err,
				    sizeof(err)) == 0);
		CHECK(tsig_keyring_add(&kr, &s) == 0);
	}
	CHECK(tsig_keyring_add(&kr, &s) == BN_EINVAL);  /* z. again */
	CHECK(kr.n == 5);
	for (int i = 0; i < 5; i++) {
		CHECK(name_from_text(n, names[i], strlen(names[i]), NULL) > 0);
		CHECK(tsig_keyring_find(&kr, n) != NULL);
	}
	CHECK(name_from_text(n, "a.B.", 4, NULL) > 0);
	CHECK(tsig_keyring_find(&kr, n) && tsig_keyring_find(&kr, n)->alg ==
	      TSIG_ALG_SHA384);
	CHECK(name_from_text(n, "d.", 2, NULL) > 0);
	CHECK(!tsig_keyring_find(&kr, n));
	tsig_keyring_clear(&kr);
	CHECK(!tsig_keyring_find(&kr, n));
}

/* Key files: what the tools write, and mistakes. */
struct got {
	int n;
	struct tsig_key_spec k[4];
};

static int got_key(void *ctx, const struct tsig_key_spec *s, char *err)
{
	struct got *g = ctx;

	if (g->n == 4) {
		strcpy(err, "too many");
		return -1;
	}
	g->k[g->n++] = *s;
	return 0;
}

static int parse(const char *text, struct got *g, char *err)
{
	memset(g, 0, sizeof(*g));
	err[0] = 0;
	return keyfile_parse(text, strlen(text), "k.conf", got_key, g, err);
}

static void test_keyfiles(void)
{
	char err[CONFIG_ERR_MAX];
	struct got g;

	/* tsig-keygen, with BIND's comments */
	CHECKF(parse("// made by tsig-keygen\n"
		     "key \"tsig-key\" {\n"
		     "\talgorithm hmac-sha256;\n"
		     "\tsecret \"" SECRET "\";\n"
		     "};\n"
		     "/* a second\n one */ key other. { algorithm \"hmac-md5\";"
		     " secret \"AQID BAUG\"; }; # end\n", &g, err) == 0,
	       "%s", err);
	CHECK(g.n == 2 && g.k[0].alg == TSIG_ALG_SHA256 &&
	      g.k[0].secret_len == 32 && g.k[1].alg == TSIG_ALG_MD5 &&
	      g.k[1].secret_len == 6);
	/* keymgr -t */
	CHECKF(parse("# hmac-sha512:mykey:" SECRET "\n"
		     "key:\n"
		     "  - id: mykey\n"
		     "    algorithm: hmac-sha512\n"
		     "    secret: " SECRET "\n", &g, err) == 0, "%s", err);
	CHECK(g.n == 1 && g.k[0].alg == TSIG_ALG_SHA512 &&
	      g.k[0].name[0] == 5);
	/* a whole knot.conf: the other sections are not ours */
	CHECKF(parse("server:\n  listen: 127.0.0.1@53\n"
		     "key:\n  - id: a\n    algorithm: hmac-sha1\n"
		     "    secret: " SECRET "\n"
		     "zone:\n  - domain: x.\n", &g, err) == 0, "%s", err);
	CHECK(g.n == 1 && g.k[0].alg == TSIG_ALG_SHA1);
	/* kdig -k: one key a line */
	CHECKF(parse("hmac-sha224:a:" SECRET "\n\n# note\nb:" SECRET "\n",
		     &g, err) == 0, "%s", err);
	CHECK(g.n == 2 && g.k[0].alg == TSIG_ALG_SHA224 &&
	      g.k[1].alg == TSIG_ALG_SHA256);

	/* mistakes, each at its line, never with the secret */
	CHECK(parse("key \"k\" {\n algorithm hmac-sha256;\n secret \"" SECRET
		    "\"\n};\n", &g, err) < 0);
	CHECK(!strcmp(err, "k.conf:4: expected ';' after the secret"));
	CHECK(parse("key \"k\" {\n algorithm hmac-sha999;\n secret \"" SECRET
		    "\";\n};\n", &g, err) < 0);
	CHECK(strstr(err, "k.conf:3: key 'k': unknown algorithm "
		     "'hmac-sha999'"));
	CHECK(parse("key \"k\" {\n algorithm hmac-sha256;\n secret \"AQ*D\";"
		    "\n};\n", &g, err) < 0);
	CHECK(!strcmp(err, "k.conf:3: key 'k': secret is not valid base64"));
	CHECK(parse("key \"k\" {\n algorithm hmac-sha256;\n};\n", &g, err) <
	      0);
	CHECK(!strcmp(err, "k.conf:1: key 'k' needs both algorithm and "
		      "secret"));
	CHECK(parse("\n\noptions { };\n", &g, err) < 0);
	CHECK(strstr(err, "k.conf:3: expected a key statement"));
	CHECK(parse("key \"k\" {\n algorithm hmac-sha256;\n secret \"" SECRET
		    "\"; owner x; };\n", &g, err) < 0);
	CHECK(!strcmp(err, "k.conf:3: key 'k': expected algorithm, secret or "
		      "'}', found 'owner'"));
	CHECK(parse("key \"k\" {\n secret \"" SECRET, &g, err) < 0);
	CHECK(strstr(err, "k.conf:2:") && strstr(err, "unterminated") &&
	      !strstr(err, "AQID"));
	CHECK(parse("key:\n  - id: a\n    algorithm: hmac-sha1\n", &g, err) <
	      0);
	CHECK(!strcmp(err, "k.conf:2: key: id, algorithm and secret are all "
		      "needed"));
	CHECK(parse("key:\n  - id: a\n    algorithm: hmac-sha1\n"
		    "    secret: AQ*D\n", &g, err) < 0);
	CHECK(!strcmp(err, "k.conf:2: key 'a': secret is not valid base64"));
	CHECK(parse("key:\n  - id: a\n    colour: blue\n", &g, err) < 0);
	CHECK(strstr(err, "k.conf:3: key: unknown field"));
	CHECK(parse("key:\n  - id: a\n   - x: [\n", &g, err) < 0);
	CHECK(strstr(err, "k.conf:"));
	CHECK(parse("a:" SECRET "\nb:AQ*D\n", &g, err) < 0);
	CHECK(!strcmp(err, "k.conf:2: key 'b': secret is not valid base64"));
	CHECK(parse("# nothing\n", &g, err) < 0);
	CHECK(strstr(err, "no key"));
	CHECK(parse("server:\n  listen: x\n", &g, err) < 0);
	CHECK(strstr(err, "no key"));
	/* the reader's own refusal comes with the key's line */
	CHECK(parse("a:" SECRET "\nb:" SECRET "\nc:" SECRET "\nd:" SECRET
		    "\ne:" SECRET "\n", &g, err) < 0);
	CHECK(!strcmp(err, "k.conf:5: too many"));
	CHECK(keyfile_load("/nonexistent/k", got_key, &g, err) < 0);
	CHECK(strstr(err, "/nonexistent/k: cannot open"));
}

int main(void)
{
	test_vectors();
	test_response_vectors();
	test_round_trips();
	test_errors();
	test_rr_parse();
	test_unsigned_error();
	test_streams();
	test_client_errors();
	test_algs();
	test_spec_text();
	test_keyring();
	test_keyfiles();
	return check_done();
}
