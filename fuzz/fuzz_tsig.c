/* libFuzzer target for the TSIG verify path, with a fixed key ring (a
 * key per algorithm, one that allows truncation). The first octet picks
 * a key and a clock; the rest is a message, used three ways:
 *  - as it is: tsig_verify_request and auth_answer (UDP and TCP) on it;
 *    a reply must parse and, when its TSIG is signed, verify as the
 *    answer to that request;
 *  - signed by us when it is a query without TSIG: it must verify
 *    (TSIG_OK), and so must the signed answer auth_answer gives;
 *  - cut into up to four messages signed as a stream (first and last
 *    signed, the middle ones not): a verifier must accept the stream
 *    when each piece is a message, and never crash when not. */
#include <stdlib.h>
#include <string.h>

#include "auth/answer.h"
#include "wire/msg.h"
#include "wire/tsig.h"
#include "zone/zone.h"
#include "zone/zonedb.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)
#define NOW 1700000000ULL

static const char zone_text[] =
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"ns1 A 192.0.2.53\n"
	"www CNAME web\n"
	"web A 192.0.2.80\n"
	"*.wild TXT \"wild\"\n"
	"sub NS ns.sub\n"
	"ns.sub A 192.0.2.54\n"
	"$GENERATE 1-60 big A 192.0.2.$\n";

/* dnspython's test key (tests/unit/tsig_vectors.py) under every
 * algorithm, with the names its seeds use, and one that allows
 * truncation. */
#define SECRET "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
static const char *const key_text[] = {
	"hmac-sha256:test.key:" SECRET,
	"hmac-md5:test.key.md5:" SECRET,
	"hmac-sha1:test.key.sha1:" SECRET,
	"hmac-sha224:test.key.sha224:" SECRET,
	"hmac-sha384:test.key.sha384:" SECRET,
	"hmac-sha512:test.key.sha512:" SECRET,
	"hmac-sha256-128:short.key:" SECRET,
};

static struct zonedb *db;
static struct auth_conf conf;
static struct tsig_keyring ring;
static uint64_t now = NOW;
static uint8_t buf[MSG_MAXLEN], out[MSG_MAXLEN];
static struct msg_rr rrs[MSG_MAXLEN / 11];

static uint64_t clock_fn(void)
{
	return now;
}

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static void setup(void)
{
	static const uint8_t origin[] = "\7example\4test";
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zdb_zone *zz = NULL;
	struct tsig_key_spec s;
	char err[256];
	struct zone z;

	db = zonedb_new();
	ASSERT(db);
	zone_init(&z, origin, 0);
	o.ctx = &z;
	ASSERT(zparse_text(zone_text, sizeof(zone_text) - 1, "fuzz", &o) == 0);
	ASSERT(zone_finish(&z) == 0 && zdb_zone_build(&zz, &z) == 0);
	ASSERT(zonedb_add(db, zz) == 0);
	zdb_zone_unref(zz);
	zone_clear(&z);
	for (size_t i = 0; i < sizeof(key_text) / sizeof(key_text[0]); i++) {
		ASSERT(tsig_spec_parse(&s, key_text[i], err, sizeof(err)) == 0);
		ASSERT(tsig_keyring_add(&ring, &s) == 0);
	}
	auth_conf_init(&conf);
	conf.keys = &ring;
	conf.now = clock_fn;
}

/* auth_answer on q; a signed reply must verify against req_mac. */
static void answer(const uint8_t *q, size_t len, enum auth_transport t,
		   const struct tsig_check *c, bool must_sign)
{
	struct tsig_verifier v;
	struct msg m;
	size_t n = auth_answer(db, &conf, q, len, t, out, sizeof(out));
	enum tsig_status st;

	if (!n) {
		ASSERT(!must_sign);
		return;
	}
	ASSERT(msg_parse(&m, out, n, rrs, sizeof(rrs) / sizeof(rrs[0])) == 0);
	if (t == AUTH_UDP)
		ASSERT(n <= conf.udp_payload);
	if (!c || !tsig_status_signed(c->status)) {
		ASSERT(!must_sign);
		return;
	}
	ASSERT(m.has_tsig);
	tsig_verifier_init(&v, c->key, c->rr.mac, c->rr.mac_len);
	/* BADTIME is signed at the client's time, for the client's clock */
	st = tsig_verify_msg(&v, out, n, c->status == TSIG_BAD_TIME ?
			     c->rr.time : now);
	ASSERT(st == (c->status == TSIG_OK ? TSIG_OK : TSIG_ERROR_SET));
	tsig_verifier_clear(&v);
}

static void as_is(const uint8_t *q, size_t len)
{
	struct msg_query mq;
	struct tsig_check c;
	char text[1200];

	if (msg_parse_query(&mq, q, len) < 0 || !mq.tsig_off ||
	    msg_hdr_qr(&mq.hdr)) {
		answer(q, len, AUTH_UDP, NULL, false);
		return;
	}
	tsig_verify_request(&c, &ring, q, len, mq.tsig_off, now);
	tsig_check_text(&c, text, sizeof(text));
	answer(q, len, AUTH_UDP, &c, false);
	answer(q, len, AUTH_TCP, &c, false);
}

/* Signed by key k: must verify, and its answer be signed. */
static void signed_by_us(const uint8_t *q, size_t len, const struct tsig_key *k)
{
	struct msg_query mq;
	struct tsig_signer s;
	struct tsig_check c;
	int n;

	if (len > sizeof(buf) || msg_parse_query(&mq, q, len) < 0 ||
	    mq.tsig_off || msg_hdr_qr(&mq.hdr))
		return;
	memcpy(buf, q, len);
	tsig_signer_init(&s, k, NULL, 0);
	n = tsig_sign(&s, buf, len, sizeof(buf), now);
	tsig_signer_clear(&s);
	if (n < 0)
		return;         /* no room, or ARCOUNT full */
	/* a compression pointer into ARCOUNT reads differently once the
	 * count grows: only a message that still parses with the TSIG
	 * where we put it is the one we signed */
	if (msg_parse_query(&mq, buf, (size_t)n) < 0 || mq.tsig_off != len)
		return;
	ASSERT(tsig_verify_request(&c, &ring, buf, (size_t)n, mq.tsig_off,
				   now) == TSIG_OK);
	answer(buf, (size_t)n, AUTH_TCP, &c, true);
}

/* Pieces of at least a header, signed first and last. */
static void stream(const uint8_t *d, size_t len, const struct tsig_key *k)
{
	static uint8_t piece[4][MSG_MAXLEN];
	static const uint8_t req[16] = { 1 };
	size_t plen[4], np = len < 48 ? 1 : 4, at = 0, want;
	struct tsig_signer s;
	struct tsig_verifier v;
	struct msg_query mq;
	bool all_msgs = true;
	enum tsig_status st;
	int n;

	tsig_signer_init(&s, k, req, sizeof(req));
	for (size_t i = 0; i < np; i++) {
		plen[i] = i + 1 == np ? len - at : len / np;
		memcpy(piece[i], d + at, plen[i]);
		at += plen[i];
		if (plen[i] < MSG_HDRLEN)
			goto out;
		want = 0;
		if (i == 0 || i + 1 == np) {
			want = plen[i];
			n = tsig_sign(&s, piece[i], plen[i], MSG_MAXLEN, now);
			if (n < 0)
				goto out;
			plen[i] = (size_t)n;
		} else if (tsig_sign_skip(&s, piece[i], plen[i]) < 0) {
			goto out;
		}
		/* only a piece read back with its TSIG where we put it (or
		 * none) is what we signed: trailing octets, or a TSIG of
		 * its own, change how it reads */
		if (msg_parse_query(&mq, piece[i], plen[i]) < 0 ||
		    mq.tsig_off != want)
			all_msgs = false;
	}
	tsig_verifier_init(&v, k, req, sizeof(req));
	for (size_t i = 0; i < np; i++) {
		st = tsig_verify_msg(&v, piece[i], plen[i], now);
		if (all_msgs)
			ASSERT(st == (i == 0 || i + 1 == np ? TSIG_OK :
				      TSIG_UNSIGNED));
	}
	if (all_msgs)
		ASSERT(tsig_verify_end(&v) == TSIG_OK);
	tsig_verifier_clear(&v);
out:
	tsig_signer_clear(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tsig_key *k;

	if (!db)
		setup();
	if (size < 1)
		return 0;
	k = &ring.key[data[0] % ring.n];
	/* mostly the vectors' own time, sometimes off by up to 8 min */
	now = NOW;
	if (data[0] & 0x80)
		now += (uint64_t)(data[0] & 0x3f) * 15 - 480;
	as_is(data + 1, size - 1);
	signed_by_us(data + 1, size - 1, k);
	stream(data + 1, size - 1, k);
	return 0;
}
