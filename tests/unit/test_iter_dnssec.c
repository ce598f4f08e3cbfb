/* The resolver's DNSSEC validation of positive answers on the fake
 * network, served by banchi's authoritative engine from the signed
 * hierarchy of tests/data/dnssec/chain (a good child, an expired one,
 * one whose DS names a key it lacks, one with a bad signature, an
 * unsigned one) and collide.test. (tests/data/dnssec/collide: key-tag
 * collisions), anchored by their anchor.txt: what clients get (AD,
 * RRSIGs, CD, SERVFAIL with the EDE of what failed), what the cache
 * keeps (statuses, bogus for 60 s at most), the budget. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fakenet.h"
#include "resolve/answer.h"
#include "resolve/cache.h"
#include "resolve/infra.h"
#include "wire/edns.h"
#include "wire/msg.h"
#include "wire/rrtype.h"

#define CHAIN TEST_DATA_DIR "/dnssec/chain/"
#define COLLIDE TEST_DATA_DIR "/dnssec/collide/"
#define DENIAL TEST_DATA_DIR "/dnssec/denial/"
#define NOW 1800000000u         /* 2027-01-15: inside every RRSIG */

static struct fakenet net;
static struct res_conf rc;
static struct res_hint hint;
static struct res_fwd stub;
static struct res_addr stub_addr;
static struct cache *cache;
static struct infra *infra;
static struct res_env env;
static struct iter *it;
static uint64_t rnd_state = 88172645463325252ull;

static void fake_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		rnd_state ^= rnd_state << 13;
		rnd_state ^= rnd_state >> 7;
		rnd_state ^= rnd_state << 17;
		p[i] = (uint8_t)rnd_state;
	}
}

static uint32_t wall_now = NOW;

static uint32_t fake_wall(void)
{
	return wall_now;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	long n;

	CHECKF(f != NULL, "%s", path);
	if (!f)
		return calloc(1, 1);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)n + 1);
	if (text && fread(text, 1, (size_t)n, f) != (size_t)n)
		text[0] = 0;
	fclose(f);
	return text;
}

static void serve(const char *addr, const char *origin, const char *path)
{
	char *text = slurp(path);
	int s = fakenet_server(&net, addr, 0);

	CHECKF(fakenet_zone(&net, s, origin, text) == 0, "%s", path);
	free(text);
}

static void add_anchor(const char *path)
{
	char *text = slurp(path), err[256];

	CHECKF(dnssec_anchors_add_text(&rc.anchors, text, strlen(text), path,
				       err) == 0, "%s", err);
	free(text);
}

/* The chain on the fake network; collide.test. as a stub zone. */
static void world_up(bool validate)
{
	struct cache_conf cc;

	fakenet_init(&net);
	serve("192.0.2.1", ".", CHAIN "root.signed");
	serve("192.0.2.10", "tld.", CHAIN "tld.signed");
	serve("192.0.2.50", "sld.tld.", CHAIN "sld.tld.signed");
	serve("192.0.2.51", "expired.tld.", CHAIN "expired.tld.signed");
	serve("192.0.2.52", "wrongds.tld.", CHAIN "wrongds.tld.signed");
	serve("192.0.2.53", "badsig.tld.", CHAIN "badsig.tld.signed");
	serve("192.0.2.54", "insecure.tld.", CHAIN "insecure.tld.zone");
	serve("192.0.2.60", "collide.test.", COLLIDE "collide.test.signed");
	res_conf_init(&rc);
	rc.use_0x20 = false;
	name_from_text(hint.name, "ns.", 3, NULL);
	fakenet_addr(&hint.addr, "192.0.2.1");
	rc.hints = &hint;
	rc.nhints = 1;
	name_from_text(stub.zone, "collide.test.", 13, NULL);
	fakenet_addr(&stub_addr, "192.0.2.60");
	stub.stub = true;
	stub.addrs = &stub_addr;
	stub.naddrs = 1;
	rc.fwd = &stub;
	rc.nfwd = 1;
	rc.dnssec = validate;
	add_anchor(CHAIN "anchor.txt");
	add_anchor(COLLIDE "anchor.txt");
	cache_conf_init(&cc);
	cache = cache_new(&cc);
	infra = infra_new(1000);
	env = (struct res_env){ cache, infra, &rc, fake_random, fake_wall };
	it = iter_new(&env);
	CHECK(cache && infra && it);
}

static void world_down(void)
{
	iter_free(it);
	cache_free(cache);
	infra_free(infra);
	fakenet_clear(&net);
	dnssec_anchors_clear(&rc.anchors);
}

/* What a client got: the reply to the answer of the last resolution. */
struct reply {
	int rcode;              /* extended */
	bool ad;
	unsigned rrsigs, records;
	unsigned auth, denial;  /* authority records; NSEC/NSEC3 among them */
	int ede;                /* -1: none */
	char text[128];
};

#define F_DO 1
#define F_CD 2
#define F_AD 4

static void client_reply(const struct answer *a, const char *name,
			 uint16_t qtype, unsigned flags, struct reply *r)
{
	static uint8_t qbuf[512], out[65535];
	static struct msg_rr rrs[256];
	uint8_t qn[NAME_MAXLEN];
	struct msg_query q;
	struct msg_writer mw;
	struct msg_hdr h = { .id = 7, .flags = MSG_FLAG_RD };
	struct edns e;
	struct msg m;
	const uint8_t *d;
	uint16_t dl;
	size_t len;
	int n;

	memset(r, 0, sizeof(*r));
	r->ede = -1;
	if (flags & F_CD)
		h.flags |= MSG_FLAG_CD;
	if (flags & F_AD)
		h.flags |= MSG_FLAG_AD;
	name_from_text(qn, name, strlen(name), NULL);
	msg_writer_init(&mw, qbuf, sizeof(qbuf), &h, false);
	msg_writer_question(&mw, qn, qtype, CLASS_IN);
	edns_init(&e, 1232);
	e.flags = (flags & F_DO) ? EDNS_FLAG_DO : 0;
	msg_writer_opt(&mw, &e);
	n = msg_writer_finish(&mw);
	CHECK(n > 0 && msg_parse_query(&q, qbuf, (size_t)n) == 0);
	len = answer_write_stream(a, &q, 1232, out, sizeof(out));
	CHECK(len > 0 && msg_parse(&m, out, len, rrs, 256) == 0);
	r->rcode = m.has_opt ? edns_rcode(&m.edns, msg_hdr_rcode(&m.hdr))
			     : msg_hdr_rcode(&m.hdr);
	r->ad = msg_hdr_ad(&m.hdr);
	for (uint16_t i = 0; i < msg_section_count(&m, MSG_ANSWER); i++) {
		r->records++;
		if (msg_section_rr(&m, MSG_ANSWER, i)->type == RR_RRSIG)
			r->rrsigs++;
	}
	for (uint16_t i = 0; i < msg_section_count(&m, MSG_AUTHORITY); i++) {
		uint16_t t = msg_section_rr(&m, MSG_AUTHORITY, i)->type;

		r->auth++;
		r->denial += t == RR_NSEC || t == RR_NSEC3;
	}
	if (m.has_opt && edns_opt_find(&m.edns, EDNS_OPT_EDE, &d, &dl) == 1 &&
	    dl >= 2) {
		r->ede = d[0] << 8 | d[1];
		snprintf(r->text, sizeof(r->text), "%.*s", dl - 2, d + 2);
	}
}

static int resolve(const char *name, uint16_t qtype)
{
	return fakenet_resolve(&net, it, name, qtype);
}

/* The cached entry (name, type): its status, -1 when none. */
static int cached_sec(const char *name, uint16_t type, unsigned *nsigs)
{
	static uint8_t buf[65536 + 2 * NAME_MAXLEN];
	uint8_t n[NAME_MAXLEN];
	struct cache_hit h;

	name_from_text(n, name, strlen(name), NULL);
	if (cache_get(cache, n, type, CLASS_IN, net.now, 0, RANK_NONE, &h, buf,
		      sizeof(buf)) != 1)
		return -1;
	if (nsigs)
		*nsigs = h.set.nsigs;
	return h.set.sec;
}

/* A secure answer: AD to DO (or AD) clients, RRSIGs to DO clients
 * only, neither with CD; the keys on the way cached secure. */
static void secure_answer(void)
{
	struct reply r;
	unsigned nsigs = 0;

	world_up(true);
	CHECK(resolve("www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(iter_get_stats(it)->dnssec_verified >= 5);
	CHECK(iter_get_stats(it)->dnssec_stopped == 0);
	client_reply(iter_result(it), "www.sld.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_NOERROR && r.ad && r.ede == -1);
	CHECK(r.records == 2 && r.rrsigs == 1);
	client_reply(iter_result(it), "www.sld.tld.", RR_A, 0, &r);
	CHECK(r.rcode == RCODE_NOERROR && !r.ad && r.records == 1 &&
	      r.rrsigs == 0);
	client_reply(iter_result(it), "www.sld.tld.", RR_A, F_AD, &r);
	CHECK(r.ad && r.rrsigs == 0);
	client_reply(iter_result(it), "www.sld.tld.", RR_A, F_DO | F_CD, &r);
	CHECK(r.rcode == RCODE_NOERROR && !r.ad && r.rrsigs == 1);
	CHECK(cached_sec("www.sld.tld.", RR_A, &nsigs) == SEC_SECURE &&
	      nsigs == 1);
	CHECK(cached_sec(".", RR_DNSKEY, NULL) == SEC_SECURE);
	CHECK(cached_sec("tld.", RR_DS, NULL) == SEC_SECURE);
	CHECK(cached_sec("tld.", RR_DNSKEY, NULL) == SEC_SECURE);
	CHECK(cached_sec("sld.tld.", RR_DS, NULL) == SEC_SECURE);
	CHECK(cached_sec("sld.tld.", RR_DNSKEY, NULL) == SEC_SECURE);
	/* every upstream query had DO; none CD (no forwarder) */
	CHECK(net.nlog > 0);
	for (unsigned i = 0; i < net.nlog; i++)
		CHECKF(net.log[i].dnssec_ok && !net.log[i].cd, "query %u", i);

	/* a second name of the zone: the keys are cached, one verification */
	net.nlog = 0;
	CHECK(resolve("txt.sld.tld.", RR_TXT) == RCODE_NOERROR);
	CHECK(iter_get_stats(it)->dnssec_verified == 1);
	CHECK(iter_get_stats(it)->upstream == 1);
	client_reply(iter_result(it), "txt.sld.tld.", RR_TXT, F_DO, &r);
	CHECK(r.ad && r.rrsigs == 1);
	world_down();
}

/* A cache hit after validation keeps the status: the front answers with
 * AD (CACHE_VALIDATED), and the iterator asks nothing. Data not yet
 * validated is no answer to a validating front. */
static void cache_keeps_status(void)
{
	static struct answer a;
	uint8_t n[NAME_MAXLEN];
	struct reply r;
	bool pf;

	world_up(true);
	CHECK(resolve("www.sld.tld.", RR_A) == RCODE_NOERROR);
	name_from_text(n, "www.sld.tld.", 12, NULL);
	CHECK(answer_from_cache(&a, cache, n, RR_A, CLASS_IN, net.now,
				CACHE_VALIDATED, &pf) == 1);
	CHECK(a.nsets == 1 && a.sets[0].set.sec == SEC_SECURE && !a.bogus);
	client_reply(&a, "www.sld.tld.", RR_A, F_DO, &r);
	CHECK(r.ad && r.rrsigs == 1);
	net.nlog = 0;
	CHECK(resolve("www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(net.nlog == 0 && iter_get_stats(it)->dnssec_verified == 0);
	client_reply(iter_result(it), "www.sld.tld.", RR_A, F_DO, &r);
	CHECK(r.ad);
	/* the NS set of the zone, cached by the iteration, unchecked */
	name_from_text(n, "ns.sld.tld.", 11, NULL);
	CHECK(cached_sec("ns.sld.tld.", RR_A, NULL) == SEC_UNCHECKED);
	CHECK(answer_from_cache(&a, cache, n, RR_A, CLASS_IN, net.now,
				CACHE_VALIDATED, &pf) == 0);
	world_down();
}

/* Each broken child: SERVFAIL with the EDE of what failed and a text
 * naming it; the data as it is to CD clients, without AD or EDE. */
static void broken_children(void)
{
	static const struct {
		const char *name, *zone;
		int ede;
	} kids[] = {
		{ "www.expired.tld.", "expired.tld.", EDNS_EDE_SIG_EXPIRED },
		{ "www.wrongds.tld.", "wrongds.tld.", EDNS_EDE_DNSKEY_MISSING },
		{ "www.badsig.tld.", "www.badsig.tld.", EDNS_EDE_BOGUS },
	};
	struct reply r;

	world_up(true);
	for (size_t i = 0; i < sizeof(kids) / sizeof(kids[0]); i++) {
		CHECK(resolve(kids[i].name, RR_A) == RCODE_NOERROR);
		CHECK(iter_result(it)->bogus);
		client_reply(iter_result(it), kids[i].name, RR_A, F_DO, &r);
		CHECKF(r.rcode == RCODE_SERVFAIL && r.ede == kids[i].ede &&
		       !r.ad && r.records == 0, "%s: rcode %d ede %d",
		       kids[i].name, r.rcode, r.ede);
		CHECKF(strncmp(r.text, kids[i].zone, strlen(kids[i].zone)) == 0,
		       "%s: \"%s\"", kids[i].name, r.text);
		client_reply(iter_result(it), kids[i].name, RR_A, 0, &r);
		CHECK(r.rcode == RCODE_SERVFAIL && r.ede == kids[i].ede);
		client_reply(iter_result(it), kids[i].name, RR_A, F_CD | F_DO,
			     &r);
		CHECKF(r.rcode == RCODE_NOERROR && !r.ad && r.ede == -1 &&
		       r.records == 2, "%s CD: rcode %d", kids[i].name,
		       r.rcode);
		CHECK(cached_sec(kids[i].name, RR_A, NULL) == SEC_BOGUS);
	}
	CHECK(cached_sec("expired.tld.", RR_DNSKEY, NULL) == SEC_BOGUS);
	CHECK(cached_sec("wrongds.tld.", RR_DNSKEY, NULL) == SEC_BOGUS);
	CHECK(cached_sec("badsig.tld.", RR_DNSKEY, NULL) == SEC_SECURE);
	world_down();
}

/* A clock behind the signatures' inception (2026-01-01): a signed
 * answer is bogus with EDE 8, whose text names the set that failed (the
 * daemon's "is the clock right?" reads it). */
static void clock_behind(void)
{
	struct reply r;

	wall_now = 1748736000u;         /* 2025-06-01 */
	world_up(true);
	CHECK(resolve("www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(iter_result(it)->bogus &&
	      iter_result(it)->ede.code == EDNS_EDE_SIG_NOT_YET);
	client_reply(iter_result(it), "www.sld.tld.", RR_A, F_DO, &r);
	CHECKF(r.rcode == RCODE_SERVFAIL && r.ede == EDNS_EDE_SIG_NOT_YET &&
	       strstr(r.text, ": signature not yet valid") &&
	       (r.text[0] == '.' || strstr(r.text, "tld.") == r.text ||
		strstr(r.text, ".tld. ")), "rcode %d ede %d \"%s\"",
	       r.rcode, r.ede, r.text);
	world_down();
	wall_now = NOW;
}

/* A bogus entry is not served as valid on the next query: the cache
 * answers SERVFAIL (front and iterator alike) for at most 60 s, then
 * the name is resolved and found bogus again. */
static void bogus_not_served(void)
{
	static struct answer a;
	uint8_t n[NAME_MAXLEN];
	struct reply r;
	bool pf;

	world_up(true);
	CHECK(resolve("www.expired.tld.", RR_A) == RCODE_NOERROR);
	net.nlog = 0;
	net.now += 1000;
	CHECK(resolve("www.expired.tld.", RR_A) == RCODE_NOERROR);
	CHECK(net.nlog == 0 && iter_result(it)->bogus);
	client_reply(iter_result(it), "www.expired.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_SERVFAIL && r.ede == EDNS_EDE_SIG_EXPIRED);
	name_from_text(n, "www.expired.tld.", 16, NULL);
	CHECK(answer_from_cache(&a, cache, n, RR_A, CLASS_IN, net.now,
				CACHE_VALIDATED, &pf) == 1 && a.bogus);
	client_reply(&a, "www.expired.tld.", RR_A, F_DO, &r);
	CHECKF(r.rcode == RCODE_SERVFAIL && r.ede == EDNS_EDE_SIG_EXPIRED &&
	       strstr(r.text, "www.expired.tld.") != NULL, "\"%s\"", r.text);
	net.now += 60 * 1000;
	CHECK(cached_sec("www.expired.tld.", RR_A, NULL) == -1);
	CHECK(cached_sec("expired.tld.", RR_DNSKEY, NULL) == -1);
	CHECK(resolve("www.expired.tld.", RR_A) == RCODE_NOERROR);
	CHECK(net.nlog > 0 && iter_result(it)->bogus);
	world_down();
}

/* insecure.tld.: no DS, and tld.'s signed NSEC says so: insecure, the
 * data without AD. */
static void insecure_child(void)
{
	struct reply r;

	world_up(true);
	CHECK(resolve("www.insecure.tld.", RR_A) == RCODE_NOERROR);
	CHECKF(!iter_result(it)->bogus, "%.*s", iter_result(it)->ede.text_len,
	       iter_result(it)->ede.text);
	client_reply(iter_result(it), "www.insecure.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_NOERROR && !r.ad && r.records == 1);
	CHECK(cached_sec("www.insecure.tld.", RR_A, NULL) == SEC_INSECURE);
	/* the NODATA proven secure: the delegation is insecure */
	CHECK(cached_sec("insecure.tld.", RR_DS, NULL) == SEC_SECURE);
	world_down();
}

/* A negative answer of a secure zone (NXDOMAIN, NODATA; NSEC3 in
 * sld.tld., NSEC in tld.): AD to DO and AD clients, the SOA, the
 * NSEC/NSEC3 and their RRSIGs to DO clients only; cached secure with its
 * proof, so that a cache hit gives a DO client the same records. */
static void negative_secure(void)
{
	static struct answer hit;
	struct reply r, r2;
	bool pf;
	uint8_t n[NAME_MAXLEN];

	world_up(true);
	CHECK(resolve("nx.sld.tld.", RR_A) == RCODE_NXDOMAIN);
	client_reply(iter_result(it), "nx.sld.tld.", RR_A, F_DO, &r);
	CHECKF(r.rcode == RCODE_NXDOMAIN && r.ad && r.ede == -1,
	       "rcode %d ad %d ede %d %s", r.rcode, r.ad, r.ede, r.text);
	/* SOA, 3 NSEC3 at most (2 here: the closest encloser is the apex),
	 * each with its RRSIG */
	CHECKF(r.denial >= 2 && r.auth == 2 * (1 + r.denial), "auth %u nsec %u",
	       r.auth, r.denial);
	client_reply(iter_result(it), "nx.sld.tld.", RR_A, 0, &r2);
	CHECK(r2.rcode == RCODE_NXDOMAIN && !r2.ad && r2.auth == 1 &&
	      r2.denial == 0);
	client_reply(iter_result(it), "nx.sld.tld.", RR_A, F_AD, &r2);
	CHECK(r2.ad && r2.auth == 1);
	CHECK(cached_sec("nx.sld.tld.", 0, NULL) == SEC_SECURE);
	/* the front's hit (validation on) */
	name_from_text(n, "nx.sld.tld.", 11, NULL);
	CHECK(answer_from_cache(&hit, cache, n, RR_A, CLASS_IN, net.now,
				CACHE_VALIDATED, &pf) == 1);
	client_reply(&hit, "nx.sld.tld.", RR_A, F_DO, &r2);
	CHECK(r2.rcode == RCODE_NXDOMAIN && r2.ad && r2.auth == r.auth &&
	      r2.denial == r.denial);

	CHECK(resolve("www.sld.tld.", RR_TXT) == RCODE_NOERROR);
	client_reply(iter_result(it), "www.sld.tld.", RR_TXT, F_DO, &r);
	CHECK(r.ad && r.records == 0 && r.denial == 1 && r.auth == 4);
	CHECK(resolve("nx.tld.", RR_A) == RCODE_NXDOMAIN);
	client_reply(iter_result(it), "nx.tld.", RR_A, F_DO, &r);
	CHECKF(r.ad && r.denial >= 1, "ad %d nsec %u", r.ad, r.denial);
	CHECK(resolve("tld.", RR_TXT) == RCODE_NOERROR);
	client_reply(iter_result(it), "tld.", RR_TXT, F_DO, &r);
	CHECK(r.ad && r.denial == 1);
	world_down();
}

/* Negative answers of an insecure zone are insecure (no AD), of a
 * broken one bogus (SERVFAIL with the chain's EDE). */
static void negative_insecure_bogus(void)
{
	struct reply r;

	world_up(true);
	CHECK(resolve("nx.insecure.tld.", RR_A) == RCODE_NXDOMAIN);
	client_reply(iter_result(it), "nx.insecure.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_NXDOMAIN && !r.ad && r.ede == -1);
	CHECK(cached_sec("nx.insecure.tld.", 0, NULL) == SEC_INSECURE);
	resolve("nx.expired.tld.", RR_A);
	client_reply(iter_result(it), "nx.expired.tld.", RR_A, F_DO, &r);
	CHECKF(r.rcode == RCODE_SERVFAIL && r.ede == 7, "rcode %d ede %d",
	       r.rcode, r.ede);
	client_reply(iter_result(it), "nx.expired.tld.", RR_A, F_DO | F_CD, &r);
	CHECK(r.rcode == RCODE_NXDOMAIN && !r.ad);
	CHECK(cached_sec("nx.expired.tld.", 0, NULL) == SEC_BOGUS);
	world_down();
}

/* The KSK of a signed zone file of tests/data/dnssec/denial as an
 * anchor ("257 3 13 ( ... )" after its owner). */
static void add_ksk(const char *origin, const char *path)
{
	char *text = slurp(path), *k = strstr(text, "257 3 13 ("), *e = NULL;
	char rec[1024], err[256];

	CHECK(k && (e = strchr(k, ')')) && e - k < 900);
	snprintf(rec, sizeof(rec), "%s 300 IN DNSKEY %.*s\n", origin,
		 (int)(e - k + 1), k);
	CHECKF(dnssec_anchors_add_text(&rc.anchors, rec, strlen(rec), path,
				       err) == 0, "%s", err);
	free(text);
}

/* The chain, and the denial test zones (NSEC, NSEC3, opt-out: each
 * with a wildcard *.w) as stub zones with their KSKs as anchors. */
static void denial_world_up(void)
{
	static struct res_fwd f[4];
	static struct res_addr fa[4];
	static const char *const z[3] = { "nsec.test.", "nsec3.test.",
					  "optout.test." };
	char path[256], addr[32];

	world_up(true);
	f[0] = stub;
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), DENIAL "%ssigned", z[i]);
		snprintf(addr, sizeof(addr), "192.0.2.%d", 70 + i);
		serve(addr, z[i], path);
		add_ksk(z[i], path);
		name_from_text(f[i + 1].zone, z[i], strlen(z[i]), NULL);
		fakenet_addr(&fa[i + 1], addr);
		f[i + 1].stub = true;
		f[i + 1].addrs = &fa[i + 1];
		f[i + 1].naddrs = 1;
	}
	rc.fwd = f;
	rc.nfwd = 4;
}

/* Wildcard answers: secure with the proof that no closer name exists
 * (NSEC, NSEC3), insecure in an opt-out span, bogus (EDE 12, NSEC
 * Missing) when the proof is stripped; so is a negative answer without
 * its proof. */
static void wildcard_and_stripped(void)
{
	static const char *const q[3] = { "a.w.nsec.test.", "a.w.nsec3.test.",
					  "a.w.optout.test." };
	static const bool ad[3] = { true, true, false };
	static struct answer hit;
	uint8_t n[NAME_MAXLEN];
	struct reply r, r2;
	bool pf;

	denial_world_up();
	for (int i = 0; i < 3; i++) {
		CHECK(resolve(q[i], RR_A) == RCODE_NOERROR);
		client_reply(iter_result(it), q[i], RR_A, F_DO, &r);
		CHECKF(r.rcode == RCODE_NOERROR && r.ad == ad[i] &&
		       r.records == 2 && r.ede == -1, "%s: rcode %d ad %d ede %d",
		       q[i], r.rcode, r.ad, r.ede);
		/* the proof of the expansion for DO clients (NSEC: one
		 * record; NSEC3: the next closer name's), from the cache
		 * too; none for others */
		CHECKF(r.denial == 1 && r.auth == 2, "%s: auth %u nsec %u",
		       q[i], r.auth, r.denial);
		name_from_text(n, q[i], strlen(q[i]), NULL);
		CHECK(answer_from_cache(&hit, cache, n, RR_A, CLASS_IN, net.now,
					CACHE_VALIDATED, &pf) == 1);
		client_reply(&hit, q[i], RR_A, F_DO, &r2);
		CHECK(r2.ad == ad[i] && r2.records == 2 && r2.denial == 1 &&
		      r2.auth == 2);
		client_reply(&hit, q[i], RR_A, 0, &r2);
		CHECK(r2.records == 1 && r2.auth == 0);
	}
	for (int i = 0; i < net.nsrv; i++)
		net.srv[i].flags |= FAKE_NO_DENIAL;
	CHECK(resolve("b.w.nsec3.test.", RR_A) == RCODE_NOERROR);
	client_reply(iter_result(it), "b.w.nsec3.test.", RR_A, F_DO, &r);
	CHECKF(r.rcode == RCODE_SERVFAIL && r.ede == 12, "rcode %d ede %d",
	       r.rcode, r.ede);
	CHECK(cached_sec("b.w.nsec3.test.", RR_A, NULL) == SEC_BOGUS);
	resolve("b.w.nsec.test.", RR_TXT);
	client_reply(iter_result(it), "b.w.nsec.test.", RR_TXT, F_DO, &r);
	CHECK(r.rcode == RCODE_SERVFAIL && r.ede == 12);
	resolve("nx2.sld.tld.", RR_A);
	client_reply(iter_result(it), "nx2.sld.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_SERVFAIL && r.ede == 12);
	resolve("www.sld.tld.", RR_MX);
	client_reply(iter_result(it), "www.sld.tld.", RR_MX, F_DO, &r);
	CHECK(r.rcode == RCODE_SERVFAIL && r.ede == 12);
	/* the opt-out zone's wildcard without proof: bogus too */
	resolve("b.w.optout.test.", RR_A);
	client_reply(iter_result(it), "b.w.optout.test.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_SERVFAIL && r.ede == 12);
	world_down();
}

/* A zone given as insecure (dnssec.domain-insecure): its expired
 * signatures are not checked; positive and negative answers insecure. */
static void domain_insecure(void)
{
	uint8_t z[NAME_MAXLEN];
	struct reply r;

	world_up(true);
	name_from_text(z, "Expired.TLD.", 12, NULL);
	CHECK(dnssec_anchors_add_insecure(&rc.anchors, z) == 0);
	CHECK(resolve("www.expired.tld.", RR_A) == RCODE_NOERROR);
	client_reply(iter_result(it), "www.expired.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_NOERROR && !r.ad && r.ede == -1 &&
	      r.records == 2);
	CHECK(resolve("nx.expired.tld.", RR_A) == RCODE_NXDOMAIN);
	client_reply(iter_result(it), "nx.expired.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_NXDOMAIN && !r.ad && r.ede == -1);
	CHECK(cached_sec("nx.expired.tld.", 0, NULL) == SEC_INSECURE);
	/* the zone next to it is still checked */
	resolve("www.badsig.tld.", RR_A);
	client_reply(iter_result(it), "www.badsig.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_SERVFAIL && r.ede == 6);
	world_down();
}

/* A CNAME from elsewhere (alias.test., an insecure stub zone) to a name
 * whose secure NXDOMAIN is cached: the chain restarts from the cache,
 * and the negative answer's proof still goes to DO clients only. */
static void restart_keeps_proof(void)
{
	static const char zone[] = "$TTL 300\n@ SOA ns h 1 3600 900 604800 300\n"
				   "@ NS ns\nns A 192.0.2.80\n"
				   "x CNAME nx.sld.tld.\n";
	static struct res_fwd f[2];
	static struct res_addr fa;
	uint8_t z[NAME_MAXLEN];
	struct reply r;
	int s;

	world_up(true);
	CHECK(resolve("nx.sld.tld.", RR_A) == RCODE_NXDOMAIN);
	s = fakenet_server(&net, "192.0.2.80", 0);
	CHECK(fakenet_zone(&net, s, "alias.test.", zone) == 0);
	f[0] = stub;
	name_from_text(f[1].zone, "alias.test.", 11, NULL);
	fakenet_addr(&fa, "192.0.2.80");
	f[1].stub = true;
	f[1].addrs = &fa;
	f[1].naddrs = 1;
	rc.fwd = f;
	rc.nfwd = 2;
	name_from_text(z, "alias.test.", 11, NULL);
	CHECK(dnssec_anchors_add_insecure(&rc.anchors, z) == 0);
	net.nlog = 0;
	CHECK(resolve("x.alias.test.", RR_A) == RCODE_NXDOMAIN);
	CHECK(net.nlog == 1);   /* the CNAME; its target from the cache */
	client_reply(iter_result(it), "x.alias.test.", RR_A, F_DO, &r);
	CHECKF(r.rcode == RCODE_NXDOMAIN && !r.ad && r.records == 1 &&
	       r.denial >= 2, "rcode %d ad %d records %u nsec %u", r.rcode,
	       r.ad, r.records, r.denial);
	client_reply(iter_result(it), "x.alias.test.", RR_A, 0, &r);
	CHECK(r.rcode == RCODE_NXDOMAIN && r.records == 1 && r.auth == 1 &&
	      r.denial == 0);
	world_down();
}

/* KeyTrap: collide.test.'s ZSK shares its tag with 4 other keys, sorted
 * first: the budget stops at DNSSEC_TAG_KEYS_MAX keys, bogus; with one
 * key more allowed the same sets verify. */
static void budget_collision(void)
{
	static uint8_t kb[65536 + 2 * NAME_MAXLEN], ab[65536 + 2 * NAME_MAXLEN];
	struct dnssec_rrset set, sigs, keys;
	struct dnssec_budget b;
	struct cache_hit k, h;
	uint8_t n[NAME_MAXLEN];
	struct reply r;

	world_up(true);
	CHECK(resolve("www.collide.test.", RR_A) == RCODE_NOERROR);
	CHECK(iter_get_stats(it)->dnssec_stopped >= 1);
	client_reply(iter_result(it), "www.collide.test.", RR_A, F_DO, &r);
	CHECKF(r.rcode == RCODE_SERVFAIL && r.ede == EDNS_EDE_BOGUS,
	       "rcode %d ede %d", r.rcode, r.ede);
	CHECK(cached_sec("collide.test.", RR_DNSKEY, NULL) == SEC_SECURE);
	name_from_text(n, "collide.test.", 13, NULL);
	CHECK(cache_get(cache, n, RR_DNSKEY, CLASS_IN, net.now, 0, RANK_NONE,
			&k, kb, sizeof(kb)) == 1 && k.set.count == 6);
	name_from_text(n, "www.collide.test.", 17, NULL);
	CHECK(cache_get(cache, n, RR_A, CLASS_IN, net.now, 0, RANK_NONE, &h,
			ab, sizeof(ab)) == 1 && h.set.sec == SEC_BOGUS);
	set = (struct dnssec_rrset){ h.set.owner, RR_A, CLASS_IN, h.set.count,
				     h.set.rdata, h.set.rdata_len };
	sigs = (struct dnssec_rrset){ h.set.owner, RR_RRSIG, CLASS_IN,
				      h.set.nsigs, rrset_sigs(&h.set),
				      h.set.sigs_len };
	keys = (struct dnssec_rrset){ k.set.owner, RR_DNSKEY, CLASS_IN,
				      k.set.count, k.set.rdata,
				      k.set.rdata_len };
	dnssec_budget_init(&b);
	CHECK(dnssec_verify_rrset(&set, &sigs, &keys, NOW, &b, NULL) ==
	      DNSSEC_BUDGET);
	dnssec_budget_init(&b);
	b.tag_keys_max = DNSSEC_TAG_KEYS_MAX + 1;
	CHECK(dnssec_verify_rrset(&set, &sigs, &keys, NOW, &b, NULL) ==
	      DNSSEC_SECURE);
	world_down();
}

/* Validation off: no DO upstream, no RRSIGs kept, no AD, bogus data
 * given as it is (as before validation existed). */
static void validation_off(void)
{
	struct reply r;
	unsigned nsigs = 9;

	world_up(false);
	CHECK(resolve("www.expired.tld.", RR_A) == RCODE_NOERROR);
	client_reply(iter_result(it), "www.expired.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_NOERROR && !r.ad && r.rrsigs == 0);
	CHECK(cached_sec("www.expired.tld.", RR_A, &nsigs) == SEC_UNCHECKED &&
	      nsigs == 0);
	CHECK(iter_get_stats(it)->dnssec_verified == 0);
	for (unsigned i = 0; i < net.nlog; i++)
		CHECK(!net.log[i].dnssec_ok && !net.log[i].cd);
	/* turned on (a reload): what was cached without RRSIGs is asked
	 * again, with DO, not found bogus */
	CHECK(resolve("www.sld.tld.", RR_A) == RCODE_NOERROR);
	rc.dnssec = true;
	net.nlog = 0;
	CHECK(resolve("www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(net.nlog > 0 && net.log[0].dnssec_ok);
	client_reply(iter_result(it), "www.sld.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_NOERROR && r.ad && r.rrsigs == 1);
	world_down();
}

/* Forwarders get CD (and DO): we validate what they give. */
static void forwarder_cd(void)
{
	struct reply r;

	world_up(true);
	stub.stub = false;      /* collide.test. now forwarded */
	CHECK(resolve("ns.collide.test.", RR_A) == RCODE_NOERROR);
	CHECK(net.nlog > 0);
	for (unsigned i = 0; i < net.nlog; i++)
		CHECKF(net.log[i].cd && net.log[i].dnssec_ok && net.log[i].rd,
		       "query %u", i);
	client_reply(iter_result(it), "ns.collide.test.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_SERVFAIL);       /* its ZSK: the collisions */
	stub.stub = true;
	world_down();
}

/* Everything forwarded (zone ".") to one server that holds the whole
 * chain, as a recursive forwarder would answer: secure data secure, an
 * unsigned zone's data insecure (its parent proves it has no DS), a
 * broken zone bogus. */
static void forward_all(void)
{
	static const char *const z[][2] = {
		{ ".", CHAIN "root.signed" }, { "tld.", CHAIN "tld.signed" },
		{ "sld.tld.", CHAIN "sld.tld.signed" },
		{ "expired.tld.", CHAIN "expired.tld.signed" },
		{ "insecure.tld.", CHAIN "insecure.tld.zone" },
	};
	static struct res_fwd f;
	static struct res_addr fa;
	struct reply r;
	int s;

	world_up(true);
	s = fakenet_server(&net, "192.0.2.90", 0);
	for (unsigned i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		char *text = slurp(z[i][1]);

		CHECK(fakenet_zone(&net, s, z[i][0], text) == 0);
		free(text);
	}
	memset(&f, 0, sizeof(f));
	fakenet_addr(&fa, "192.0.2.90");
	f.addrs = &fa;
	f.naddrs = 1;
	rc.fwd = &f;
	rc.nfwd = 1;
	CHECK(resolve("www.sld.tld.", RR_A) == RCODE_NOERROR);
	client_reply(iter_result(it), "www.sld.tld.", RR_A, F_DO, &r);
	CHECKF(r.rcode == RCODE_NOERROR && r.ad, "rcode %d ede %d %s", r.rcode,
	       r.ede, r.text);
	resolve("www.insecure.tld.", RR_A);
	client_reply(iter_result(it), "www.insecure.tld.", RR_A, F_DO, &r);
	CHECKF(r.rcode == RCODE_NOERROR && !r.ad && r.records == 1,
	       "rcode %d ede %d %s", r.rcode, r.ede, r.text);
	resolve("nx.insecure.tld.", RR_A);
	client_reply(iter_result(it), "nx.insecure.tld.", RR_A, F_DO, &r);
	CHECKF(r.rcode == RCODE_NXDOMAIN && !r.ad, "rcode %d ede %d %s",
	       r.rcode, r.ede, r.text);
	resolve("www.expired.tld.", RR_A);
	client_reply(iter_result(it), "www.expired.tld.", RR_A, F_DO, &r);
	CHECK(r.rcode == RCODE_SERVFAIL && r.ede == 7);
	CHECK(resolve("nx.sld.tld.", RR_A) == RCODE_NXDOMAIN);
	client_reply(iter_result(it), "nx.sld.tld.", RR_A, F_DO, &r);
	CHECK(r.ad);
	world_down();
}

/* RFC 8198: a question answered from cached secure NSEC ranges
 * (answer_from_nsec), NSEC in tld.: after nx.tld.'s NXDOMAIN, names of
 * the same ranges are NXDOMAIN (or NODATA at an NSEC's owner) with AD,
 * the SOA and the NSEC proof, nothing asked upstream; not for types
 * the bitmap has, not past the ranges cached, not for an insecure
 * zone, not once the NSEC expired or was flushed, not with the option
 * off. */
static int aggr(const char *name, uint16_t qtype, unsigned flags,
		struct reply *r, struct answer_nsec_why *why)
{
	static struct answer a;
	uint8_t n[NAME_MAXLEN];
	int ret;

	name_from_text(n, name, strlen(name), NULL);
	ret = answer_from_nsec(&a, cache, n, qtype, CLASS_IN, net.now, why);
	if (ret == 1)
		client_reply(&a, name, qtype, flags, r);
	return ret;
}

static void aggressive_nsec(void)
{
	struct answer_nsec_why w;
	char o[NAME_TEXT_MAX], x[NAME_TEXT_MAX];
	unsigned q0;
	struct reply r;

	world_up(true);
	rc.aggressive_nsec = true;
	CHECK(aggr("nx.tld.", RR_A, F_DO, &r, NULL) == 0);
	CHECK(resolve("nx.tld.", RR_A) == RCODE_NXDOMAIN);
	q0 = net.nlog;
	/* ns.tld. -> sld.tld. covers nz.tld., tld. -> badsig.tld. *.tld. */
	CHECK(aggr("nz.tld.", RR_A, F_DO, &r, &w) == 1);
	CHECKF(r.rcode == RCODE_NXDOMAIN && r.ad && r.denial == 2 &&
	       r.auth == 6 && r.records == 0, "rcode %d ad %d auth %u nsec %u",
	       r.rcode, r.ad, r.auth, r.denial);
	name_to_text(o, sizeof(o), w.owner[0]);
	name_to_text(x, sizeof(x), w.next[0]);
	CHECKF(w.nx && w.n == 2 && !strcmp(o, "ns.tld.") &&
	       !strcmp(x, "sld.tld.") && w.ttl > 0 && w.ttl <= 300,
	       "%s -> %s n %u ttl %u", o, x, w.n, w.ttl);
	CHECK(aggr("Other.Nz.TLD.", RR_AAAA, 0, &r, NULL) == 0); /* lowercase */
	CHECK(aggr("other.nz.tld.", RR_AAAA, 0, &r, NULL) == 1);
	CHECK(r.rcode == RCODE_NXDOMAIN && !r.ad && r.auth == 1 &&
	      r.denial == 0);
	CHECK(aggr("other.nz.tld.", RR_AAAA, F_AD, &r, NULL) == 1 && r.ad);
	/* ns.tld. has an A only: NODATA for TXT, nothing for A, ANY */
	CHECK(aggr("ns.tld.", RR_TXT, F_DO, &r, &w) == 1);
	CHECKF(r.rcode == RCODE_NOERROR && r.ad && r.denial == 1 &&
	       r.auth == 4 && !w.nx && w.n == 1, "rcode %d auth %u",
	       r.rcode, r.auth);
	CHECK(aggr("ns.tld.", RR_A, F_DO, &r, NULL) == 0);
	CHECK(aggr("ns.tld.", RR_ANY, F_DO, &r, NULL) == 0);
	/* past the ranges cached; a DS is the parent's (root: nothing) */
	CHECK(aggr("zz.tld.", RR_A, F_DO, &r, NULL) == 0);
	CHECK(aggr("sld.tld.", RR_A, F_DO, &r, NULL) == 0);
	CHECK(aggr("tld.", RR_DS, F_DO, &r, NULL) == 0);
	CHECK(net.nlog == q0);
	/* an insecure zone's negative answer indexes nothing */
	CHECK(resolve("nx.insecure.tld.", RR_A) == RCODE_NXDOMAIN);
	CHECK(aggr("ny.insecure.tld.", RR_A, F_DO, &r, NULL) == 0);
	/* the index goes with its entries */
	cache_flush_name(cache, (const uint8_t *)"\002ns\003tld");
	CHECK(aggr("nz.tld.", RR_A, F_DO, &r, NULL) == 0);
	CHECK(resolve("ny.tld.", RR_A) == RCODE_NXDOMAIN);
	CHECK(aggr("nz.tld.", RR_A, F_DO, &r, NULL) == 1);
	net.now += 301 * 1000;
	CHECK(aggr("nz.tld.", RR_A, F_DO, &r, NULL) == 0);
	world_down();

	world_up(true);         /* option off: nothing indexed */
	CHECK(resolve("nx.tld.", RR_A) == RCODE_NXDOMAIN);
	CHECK(aggr("nz.tld.", RR_A, F_DO, &r, NULL) == 0);
	world_down();

	/* 100 s before the RRSIGs expire (2036-01-01): kept no longer */
	wall_now = 2082758400u - 100;
	world_up(true);
	rc.aggressive_nsec = true;
	CHECK(resolve("nx.tld.", RR_A) == RCODE_NXDOMAIN);
	CHECK(aggr("nz.tld.", RR_A, F_DO, &r, &w) == 1);
	CHECKF(w.ttl <= 100, "ttl %u", w.ttl);
	net.now += 101 * 1000;
	CHECK(aggr("nz.tld.", RR_A, F_DO, &r, NULL) == 0);
	world_down();
	wall_now = NOW;
}

/* RFC 8198 5.3: after a secure wildcard expansion in nsec.test., other
 * names the wildcard covers (deeper too) are expanded from the cached
 * wildcard with the NSEC as proof; not a type the cache lacks, not a
 * name that exists, not with the option off. */
static void aggressive_wildcard(void)
{
	struct answer_nsec_why w;
	char wt[NAME_TEXT_MAX];
	struct reply r;
	unsigned q0;

	denial_world_up();
	rc.aggressive_nsec = true;
	CHECK(aggr("b.w.nsec.test.", RR_A, F_DO, &r, NULL) == 0);
	CHECK(resolve("a.w.nsec.test.", RR_A) == RCODE_NOERROR);
	q0 = net.nlog;
	CHECK(aggr("b.w.nsec.test.", RR_A, F_DO, &r, &w) == 1);
	CHECKF(r.rcode == RCODE_NOERROR && r.ad && r.records == 2 &&
	       r.rrsigs == 1 && r.denial == 1 && r.auth == 2,
	       "rcode %d ad %d records %u auth %u", r.rcode, r.ad, r.records,
	       r.auth);
	name_to_text(wt, sizeof(wt), w.wild);
	CHECKF(!strcmp(wt, "*.w.nsec.test.") && w.ttl > 0 && w.ttl <= 300,
	       "%s ttl %u", wt, w.ttl);
	CHECK(aggr("x.b.w.nsec.test.", RR_A, 0, &r, NULL) == 1);
	CHECK(r.records == 1 && r.auth == 0 && !r.ad);
	CHECK(aggr("b.w.nsec.test.", RR_TXT, F_DO, &r, NULL) == 0);
	CHECK(aggr("z.nsec.test.", RR_A, F_DO, &r, NULL) == 0);
	CHECK(aggr("b.w.nsec.test.", RR_DS, F_DO, &r, NULL) == 0);
	CHECK(net.nlog == q0);
	world_down();

	denial_world_up();
	CHECK(resolve("a.w.nsec.test.", RR_A) == RCODE_NOERROR);
	CHECK(aggr("b.w.nsec.test.", RR_A, F_DO, &r, NULL) == 0);
	world_down();
}

int main(void)
{
	secure_answer();
	cache_keeps_status();
	broken_children();
	clock_behind();
	bogus_not_served();
	insecure_child();
	negative_secure();
	negative_insecure_bogus();
	wildcard_and_stripped();
	domain_insecure();
	restart_keeps_proof();
	budget_collision();
	validation_off();
	forwarder_cd();
	forward_all();
	aggressive_nsec();
	aggressive_wildcard();
	return check_done();
}
