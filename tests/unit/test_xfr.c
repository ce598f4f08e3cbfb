/* Unit tests for src/auth/xfr.c and xfr_out.c: AXFR of a small and of a
 * large zone (every record once, SOA first and last, the question in
 * the first message only, messages within AUTH_XFR_MSG but for a record
 * larger than that, alone in its message), IXFR in RFC
 * 1995 4 form from hand-made changes, the single SOA of a current
 * client and over UDP, the AXFR form when the changes do not reach,
 * refusals (ACL, zone not served) and a TSIG on every message, checked
 * by the client side of wire/tsig. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/xfr.h"
#include "base/error.h"
#include "check.h"
#include "wire/msg.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "zparse/zparse.h"

#define NOW 1800000000ULL
#define MAX_RRS 8192

static const char zone_text[] =
	"$TTL 60\n"
	"@ SOA ns1 h 10 2 3 4 5\n"
	"@ NS ns1\n"
	"@ MX 10 mail\n"
	"ns1 A 192.0.2.53\n"
	"mail A 192.0.2.25\n"
	"www A 192.0.2.1\n"
	"www A 192.0.2.2\n"
	"sub NS ns.sub\n"
	"ns.sub A 192.0.2.9\n"
	"a.b.ent TXT hello\n";
#define ZONE_RRS 10

static struct zonedb *db;
static struct auth_conf conf;
static struct tsig_keyring keys;
static bool allow_all;
static const struct tsig_key *allowed_key;
static const struct zchange *const *give_chg;
static size_t give_n;
static int released;

static uint64_t fixed_clock(void)
{
	return NOW;
}

static bool allow(void *arg, const uint8_t *q, size_t qlen,
		  const struct zdb_zone *z, const struct tsig_key *key)
{
	(void)arg;
	(void)q;
	(void)qlen;
	(void)z;
	return allow_all || (key && key == allowed_key);
}

static void release(void *ctx)
{
	(void)ctx;
	released++;
}

static int changes(void *arg, const struct zdb_zone *z, uint32_t from,
		   struct auth_xfr_changes *out)
{
	(void)arg;
	(void)z;
	(void)from;
	if (!give_n)
		return BN_EINVAL;
	*out = (struct auth_xfr_changes){ give_chg, give_n, release, NULL };
	return 0;
}

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
	CHECK(zone_finish(&z) == 0 && zdb_zone_build(&zz, &z) == 0);
	CHECK(zonedb_add(db, zz) == 0);
	zdb_zone_unref(zz);
	zone_clear(&z);
}

static void setup(void)
{
	struct tsig_key_spec s;
	char err[256];

	db = zonedb_new();
	add_zone("example.test.", zone_text);
	CHECK(tsig_spec_parse(&s, "hmac-sha256:k.example:AQIDBAUGBwgJCgsMDQ4"
			      "PEBESExQVFhcYGRobHB0eHyA=", err,
			      sizeof(err)) == 0);
	CHECK(tsig_keyring_add(&keys, &s) == 0);
	auth_conf_init(&conf);
	conf.keys = &keys;
	conf.now = fixed_clock;
	conf.xfr_allow = allow;
	conf.xfr_changes = changes;
}

/* The query: qtype for origin; serial > 0 puts an SOA with it in the
 * authority section (IXFR); signed by k unless NULL. */
static uint8_t q[1024];
static size_t qlen;
static uint8_t qmac[TSIG_MAC_MAX];
static size_t qmac_len;

static size_t soa_rdata(uint8_t *rd, uint32_t serial)
{
	static const uint8_t names[] = "\1a\0\1b\0";
	size_t n = sizeof(names) - 1;

	memcpy(rd, names, n);
	memset(rd + n, 0, 20);
	rd[n] = (uint8_t)(serial >> 24);
	rd[n + 1] = (uint8_t)(serial >> 16);
	rd[n + 2] = (uint8_t)(serial >> 8);
	rd[n + 3] = (uint8_t)serial;
	return n + 20;
}

static void make(const char *origin, uint16_t qtype, uint32_t serial,
		 bool edns, const struct tsig_key *k)
{
	struct msg_hdr h = { .id = 0x1234 };
	uint8_t n[NAME_MAXLEN], rd[64];
	struct msg_writer mw;
	struct tsig_signer s;
	struct edns e;
	int len;

	CHECK(name_from_text(n, origin, strlen(origin), NULL) > 0);
	CHECK(msg_writer_init(&mw, q, sizeof(q), &h, true) == 0);
	CHECK(msg_writer_question(&mw, n, qtype, 1) == 0);
	if (serial)
		CHECK(msg_writer_rr(&mw, MSG_AUTHORITY, n, RR_SOA, 1, 0, rd,
				    (uint16_t)soa_rdata(rd, serial)) == 0);
	if (edns) {
		edns_init(&e, 1232);
		CHECK(msg_writer_opt(&mw, &e) == 0);
	}
	len = msg_writer_finish(&mw);
	qmac_len = 0;
	if (k) {
		tsig_signer_init(&s, k, NULL, 0);
		len = tsig_sign(&s, q, (size_t)len, sizeof(q), NOW);
		const uint8_t *mac = tsig_signer_mac(&s, &qmac_len);

		memcpy(qmac, mac, qmac_len);
		tsig_signer_clear(&s);
	}
	CHECK(len > 0);
	qlen = (size_t)len;
}

/* What a transfer gave: its records in order (type, SOA serial) and
 * per-message facts. */
struct got {
	unsigned nmsg, nrr, nquestion_later, nsigned, too_big;
	unsigned over;                  /* messages over AUTH_XFR_MSG */
	uint16_t over_type;             /* the first record's in the last */
	uint16_t rcode;
	uint16_t type[65536];
	uint32_t serial[65536];
	uint64_t hash[65536];
	bool verified;
};

static struct got g;
static uint8_t buf[65535];
static struct msg_rr rrs[MAX_RRS];

static uint64_t rr_hash(const struct msg *m, const struct msg_rr *rr)
{
	uint8_t owner[NAME_MAXLEN], rd[65535];
	uint64_t h = 1469598103934665603ULL;
	int n = msg_rr_owner(m, rr, owner), k;

	name_to_lower(owner);
	for (int i = 0; i < n; i++)
		h = (h ^ owner[i]) * 1099511628211ULL;
	h = (h ^ rr->type) * 1099511628211ULL;
	k = msg_rr_rdata(m, rr, rd, sizeof(rd));
	for (int i = 0; i < k; i++)
		h = (h ^ rd[i]) * 1099511628211ULL;
	return h;
}

static void take(const uint8_t *p, size_t len, struct tsig_verifier *v)
{
	struct msg m;
	uint16_t i, an;

	CHECK(len > 0 && len <= 65535);
	if (v) {
		enum tsig_status st = tsig_verify_msg(v, p, len, NOW);

		CHECKF(st == TSIG_OK, "message %u: %s", g.nmsg,
		       tsig_status_text(st));
		g.verified = g.verified && st == TSIG_OK;
	}
	if (msg_parse(&m, p, len, rrs, MAX_RRS) < 0) {
		CHECK(!"message parses");
		return;
	}
	g.rcode = msg_hdr_rcode(&m.hdr);
	g.nsigned += m.has_tsig;
	if (g.nmsg > 0 && msg_section_count(&m, MSG_QUESTION))
		g.nquestion_later++;
	CHECK(m.hdr.id == 0x1234 && msg_hdr_qr(&m.hdr));
	an = msg_section_count(&m, MSG_ANSWER);
	if (len > AUTH_XFR_MSG && an > 0) {
		g.over++;
		g.over_type = msg_section_rr(&m, MSG_ANSWER, 0)->type;
	}
	for (i = 0; i < an && g.nrr < 65536; i++, g.nrr++) {
		const struct msg_rr *rr = msg_section_rr(&m, MSG_ANSWER, i);

		g.type[g.nrr] = rr->type;
		g.hash[g.nrr] = rr_hash(&m, rr);
		g.serial[g.nrr] = rr->type == RR_SOA && rr->rdlen >= 20 ?
				  wire_get_u32(p + rr->rdata_off + rr->rdlen -
					       20) : 0;
	}
	g.nmsg++;
}

/* Runs the query through the engine as the daemon does; k: verify
 * every message with that key. */
static void run(enum auth_transport t, const struct tsig_key *k)
{
	struct auth_xfr x = { 0 };
	struct tsig_verifier v;
	size_t len;
	int n, guard = 0;

	memset(&g, 0, sizeof(g));
	g.verified = true;
	if (k)
		tsig_verifier_init(&v, k, qmac, qmac_len);
	len = auth_answer_xfr(db, &conf, q, qlen, t, buf,
			      t == AUTH_UDP ? 512 : sizeof(buf),
			      t == AUTH_TCP ? &x : NULL);
	take(buf, len, k ? &v : NULL);
	while (auth_xfr_active(&x) && guard++ < 100000) {
		n = auth_xfr_next(&x, buf, sizeof(buf));
		CHECK(n >= 0);
		if (n <= 0)
			break;
		take(buf, (size_t)n, k ? &v : NULL);
	}
	if (k) {
		g.verified = g.verified && tsig_verify_end(&v) == TSIG_OK;
		tsig_verifier_clear(&v);
	}
	auth_xfr_clear(&x);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The AXFR form: SOA first and last, no other SOA, nothing twice. */
static void check_axfr_form(unsigned want_rrs, uint32_t serial)
{
	unsigned soas = 0;

	CHECKF(g.nrr == want_rrs + 1, "%u records", g.nrr);
	CHECK(g.type[0] == RR_SOA && g.type[g.nrr - 1] == RR_SOA);
	CHECK(g.serial[0] == serial && g.serial[g.nrr - 1] == serial);
	for (unsigned i = 0; i < g.nrr; i++)
		soas += g.type[i] == RR_SOA;
	CHECK(soas == 2);
	qsort(g.hash, g.nrr - 1, sizeof(g.hash[0]), cmp_u64);
	for (unsigned i = 1; i + 1 < g.nrr; i++)
		CHECK(g.hash[i] != g.hash[i - 1]);
	CHECK(g.nquestion_later == 0);
}

static void test_axfr(void)
{
	allow_all = true;
	make("example.test.", RR_AXFR, 0, true, NULL);
	run(AUTH_TCP, NULL);
	CHECK(g.rcode == RCODE_NOERROR && g.nmsg == 1);
	check_axfr_form(ZONE_RRS, 10);
	/* the question is echoed in the first message, case kept */
	make("EXAMPLE.test.", RR_AXFR, 0, false, NULL);
	run(AUTH_TCP, NULL);
	CHECK(g.nrr == ZONE_RRS + 1 && buf[MSG_HDRLEN + 1] == 'E');

	make("example.test.", RR_AXFR, 0, false, &keys.key[0]);
	run(AUTH_TCP, &keys.key[0]);
	CHECK(g.nsigned == 1 && g.verified && g.nrr == ZONE_RRS + 1);
	make("example.test.", RR_SOA, 0, false, &keys.key[0]);
	run(AUTH_TCP, &keys.key[0]);
	CHECK(g.nsigned == 1 && g.verified && g.nrr == 1);

	make("example.test.", RR_AXFR, 0, false, NULL);
	run(AUTH_UDP, NULL);
	CHECK(g.rcode == RCODE_NOTIMP && g.nrr == 0);
	make("nowhere.test.", RR_AXFR, 0, false, NULL);
	run(AUTH_TCP, NULL);
	CHECK(g.rcode == RCODE_NOTAUTH && g.nrr == 0);
	make("www.example.test.", RR_AXFR, 0, false, NULL);
	run(AUTH_TCP, NULL);
	CHECK(g.rcode == RCODE_NOTAUTH && g.nrr == 0);
	allow_all = false;
	make("example.test.", RR_AXFR, 0, false, NULL);
	run(AUTH_TCP, NULL);
	CHECK(g.rcode == RCODE_REFUSED && g.nrr == 0 && g.nmsg == 1);
	/* auth_answer without a place to stream: REFUSED even if allowed */
	allow_all = true;
	CHECK(auth_answer(db, &conf, q, qlen, AUTH_TCP, buf, sizeof(buf)) > 0);
	CHECK(msg_hdr_rcode(&(struct msg_hdr){ .flags = wire_get_u16(buf + 2) })
	      == RCODE_REFUSED);
}

static void test_big(void)
{
	static const char big[] =
		"$TTL 300\n@ SOA ns h 7 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n"
		"$GENERATE 1-20000 h$ A 192.0.2.2\n"
		"$GENERATE 1-20000 h$ TXT \"record number $ of the big zone\"\n";

	add_zone("big.test.", big);
	allow_all = true;
	make("big.test.", RR_AXFR, 0, true, NULL);
	run(AUTH_TCP, NULL);
	CHECKF(g.nmsg > 10, "%u messages", g.nmsg);
	check_axfr_form(40003, 7);

	/* allowed by key only: unsigned refused, signed streams, each
	 * message signed and verified in sequence */
	allow_all = false;
	allowed_key = &keys.key[0];
	run(AUTH_TCP, NULL);
	CHECK(g.rcode == RCODE_REFUSED && g.nrr == 0);
	make("big.test.", RR_AXFR, 0, false, allowed_key);
	run(AUTH_TCP, allowed_key);
	CHECK(g.rcode == RCODE_NOERROR && g.verified);
	CHECK(g.nsigned == g.nmsg && g.nmsg > 10);
	check_axfr_form(40003, 7);
	CHECK(g.over == 0);
	allowed_key = NULL;
}

/* A record larger than AUTH_XFR_MSG starts a larger message, signed
 * like the others; the messages before stay within AUTH_XFR_MSG. */
static void test_huge_record(void)
{
	static char text[40000];
	size_t n = 0;

	n += (size_t)snprintf(text, sizeof(text), "$TTL 300\n@ SOA ns h 3 1 1 "
			      "1 1\n@ NS ns\nns A 192.0.2.1\n"
			      "$GENERATE 1-2000 a$ A 192.0.2.2\nhuge TXT");
	for (int i = 0; i < 80; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " \"%0250d\"",
				      i);
	snprintf(text + n, sizeof(text) - n, "\nzz A 192.0.2.3\n");
	add_zone("huge.test.", text);
	allow_all = true;
	make("huge.test.", RR_AXFR, 0, true, NULL);
	run(AUTH_TCP, NULL);
	CHECK(g.rcode == RCODE_NOERROR && g.over == 1 && g.over_type == RR_TXT);
	check_axfr_form(2005, 3);
	make("huge.test.", RR_AXFR, 0, false, &keys.key[0]);
	run(AUTH_TCP, &keys.key[0]);
	CHECK(g.verified && g.nsigned == g.nmsg && g.over == 1);
	check_axfr_form(2005, 3);
}

static struct zchange c8, c9;

static void make_change(struct zchange *c, uint32_t from, uint32_t to,
			const char *del, const char *add)
{
	uint8_t origin[NAME_MAXLEN], owner[NAME_MAXLEN], rd[64];
	uint8_t a[4] = { 192, 0, 2, 0 };

	CHECK(name_from_text(origin, "example.test.", 13, NULL) > 0);
	zchange_init(c);
	CHECK(zchange_set_soa(c, false, origin, 60, rd,
			      (uint16_t)soa_rdata(rd, from)) == 0);
	CHECK(zchange_set_soa(c, true, origin, 60, rd,
			      (uint16_t)soa_rdata(rd, to)) == 0);
	if (del) {
		CHECK(name_from_text(owner, del, strlen(del), NULL) > 0);
		a[3] = (uint8_t)from;
		CHECK(zchange_del(c, owner, RR_A, 60, a, 4) == 0);
	}
	CHECK(name_from_text(owner, add, strlen(add), NULL) > 0);
	a[3] = (uint8_t)to;
	CHECK(zchange_add(c, owner, RR_A, 60, a, 4) == 0);
	CHECK(zchange_add(c, owner, RR_TXT, 60, (const uint8_t *)"\2hi", 3)
	      == 0);
}

static void test_ixfr(void)
{
	static const struct zchange *const both[] = { &c8, &c9 };
	static const uint16_t types[] = {
		RR_SOA, RR_SOA, RR_A, RR_SOA, RR_A, RR_TXT,
		RR_SOA, RR_SOA, RR_A, RR_TXT, RR_SOA };
	static const uint32_t serials[] = { 10, 8, 0, 9, 0, 0, 9, 10, 0, 0,
					    10 };

	allow_all = true;
	make_change(&c8, 8, 9, "www.example.test.", "new.example.test.");
	make_change(&c9, 9, 10, NULL, "newer.example.test.");
	give_chg = both;
	give_n = 2;

	/* current or ahead: the SOA alone (RFC 1995 2) */
	make("example.test.", RR_IXFR, 10, false, NULL);
	run(AUTH_TCP, NULL);
	CHECK(g.nmsg == 1 && g.nrr == 1 && g.serial[0] == 10);
	make("example.test.", RR_IXFR, 11, false, NULL);
	run(AUTH_TCP, NULL);
	CHECK(g.nrr == 1 && g.type[0] == RR_SOA);
	/* over UDP: the SOA alone, whatever the client has */
	make("example.test.", RR_IXFR, 8, true, NULL);
	run(AUTH_UDP, NULL);
	CHECK(g.rcode == RCODE_NOERROR && g.nrr == 1 && g.serial[0] == 10);

	released = 0;
	make("example.test.", RR_IXFR, 8, true, NULL);
	run(AUTH_TCP, NULL);
	CHECKF(g.nrr == sizeof(types) / sizeof(types[0]), "%u", g.nrr);
	for (unsigned i = 0; i < g.nrr && i < 11; i++) {
		CHECKF(g.type[i] == types[i], "record %u: type %u", i,
		       g.type[i]);
		if (serials[i])
			CHECKF(g.serial[i] == serials[i], "record %u", i);
	}
	CHECK(released == 1);

	/* the changes do not start at the client's serial: AXFR form */
	released = 0;
	make("example.test.", RR_IXFR, 5, false, NULL);
	run(AUTH_TCP, NULL);
	check_axfr_form(ZONE_RRS, 10);
	CHECK(released == 1);
	give_n = 0;
	make("example.test.", RR_IXFR, 8, false, NULL);
	run(AUTH_TCP, NULL);
	check_axfr_form(ZONE_RRS, 10);
	/* no SOA in the authority section */
	make("example.test.", RR_IXFR, 0, false, NULL);
	run(AUTH_TCP, NULL);
	CHECK(g.rcode == RCODE_FORMERR && g.nrr == 0);
	allow_all = false;
	make("example.test.", RR_IXFR, 8, false, NULL);
	run(AUTH_UDP, NULL);
	CHECK(g.rcode == RCODE_REFUSED && g.nrr == 0);
	zchange_clear(&c8);
	zchange_clear(&c9);
}

/* The cursor alone: one record per message when that is all that fits;
 * nothing fits: BN_ENOSPC, not an endless loop. */
static void test_cursor(void)
{
	const struct zdb_zone *z = zonedb_get(db, (const uint8_t *)
					      "\7example\4test");
	struct xfr_cursor c;
	struct msg_writer mw;
	struct msg_hdr h = { 0 };
	unsigned total = 0, msgs = 0;
	int n;

	xfr_cursor_init(&c, z, XFR_AXFR, NULL, 0);
	while (!xfr_cursor_done(&c) && msgs < 100) {
		CHECK(msg_writer_init(&mw, buf, 80, &h, true) == 0);
		n = xfr_cursor_fill(&c, &mw);
		CHECK(n >= 1);
		if (n < 1)
			break;
		total += (unsigned)n;
		msgs++;
	}
	CHECK(total == ZONE_RRS + 1 && msgs > 3);
	xfr_cursor_init(&c, z, XFR_AXFR, NULL, 0);
	CHECK(msg_writer_init(&mw, buf, 20, &h, true) == 0);
	CHECK(xfr_cursor_fill(&c, &mw) == BN_ENOSPC);
}

int main(void)
{
	setup();
	test_axfr();
	test_cursor();
	test_ixfr();
	test_big();
	test_huge_record();
	zonedb_free(db);
	tsig_keyring_clear(&keys);
	return check_done();
}
