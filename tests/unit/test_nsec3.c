/* Unit tests for NSEC3 hashing (src/dnssec/nsec3.c, RFC 5155 appendix A
 * vectors) and the serving zone's NSEC3 chain (src/zone/zdb_nsec3.c):
 * matches and covers for names that exist and names that do not, hashed
 * owners looked up as missing, and the chain kept right by
 * zdb_zone_patch over hundreds of random changes of names and their
 * NSEC3 records (each version against one built whole). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/encode.h"
#include "base/error.h"
#include "dnssec/nsec3.h"
#include "wire/name.h"
#include "wire/rrtype.h"
#include "zone/change.h"
#include "zone/zdb_int.h"
#include "zone/zone.h"
#include "zone/zonedb.h"
#include "zparse/zparse.h"

static const struct nsec3_param P = {
	.alg = 1, .iter = 12, .saltlen = 4, .salt = { 0xaa, 0xbb, 0xcc, 0xdd }
};

static const uint8_t *wire(const char *text)
{
	static uint8_t buf[4][NAME_MAXLEN];
	static int k;
	uint8_t *b = buf[k++ & 3];

	CHECK(name_from_text(b, text, strlen(text), NULL) > 0);
	return b;
}

/* The hash of a name as the lowercase base32hex label of its NSEC3. */
static void hash_label(char *out, const char *name)
{
	uint8_t h[NSEC3_HASH_LEN];

	CHECK(nsec3_hash(h, &P, wire(name)) == 0);
	CHECK(base32hex_encode(h, sizeof(h), out, 40) == 32);
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
}

/* RFC 5155 appendix A: salt aabbccdd, 12 iterations. */
static void test_vectors(void)
{
	static const char *const v[][2] = {
		{ "example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
		{ "a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl" },
		{ "ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi" },
		{ "ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr" },
		{ "w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h" },
		{ "*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en" },
		{ "x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s" },
		{ "XX.Example.", "t644ebqk9bibcna874givr6joj62mlhv" },
	};
	char got[40];
	struct nsec3_param p = P;
	uint8_t h[NSEC3_HASH_LEN];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hash_label(got, v[i][0]);
		CHECKF(!strcmp(got, v[i][1]), "%s: %s", v[i][0], got);
	}
	p.alg = 2;
	CHECK(nsec3_hash(h, &p, wire("example.")) == BN_EINVAL);
	CHECK(nsec3_owner_hash(h, wire("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom."
				       "example.")) == 0);
	CHECK(nsec3_owner_hash(h, wire("www.example.")) == BN_ESYNTAX);
}

/* --- a zone and its model ------------------------------------------- */

#define MAXNAMES 300
static const char *names[MAXNAMES];     /* existing names, in the zone */
static int present[MAXNAMES];           /* 1: with data, 2: with NSEC3 */
static int nnames;
static uint32_t serial = 1;

static const char *const pool[] = {
	"a", "b", "c.b", "d.c.b", "www", "mail", "x.y", "y", "z.z.z",
	"deep.e.f.g", "f.g", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8",
	"q.r", "s.q.r", "t", "u.v", "v", "*.w", "x.w", "y.w", "x.y.w",
};

static uint8_t origin[NAME_MAXLEN];

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

/* "name.example." as text, @ for the apex. */
static const char *full(const char *rel, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%sexample.", rel[0] == '@' ? "" : rel,
		 rel[0] == '@' ? "" : ".");
	return buf;
}

static size_t nsec3_line(char *out, size_t cap, const char *rel)
{
	char n[300], h[40];

	hash_label(h, full(rel, n, sizeof(n)));
	/* the next hash and the types do not matter to the chain */
	return (size_t)snprintf(out, cap, "%s NSEC3 1 0 12 aabbccdd "
				"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A\n", h);
}

static struct zdb_zone *build_model(void)
{
	static char text[MAXNAMES * 200];
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zdb_zone *zz = NULL;
	struct zone z;
	size_t n = (size_t)snprintf(text, sizeof(text),
				    "$TTL 300\n@ SOA ns hm %u 1 1 1 1\n"
				    "@ NS ns\nns A 192.0.2.1\n"
				    "@ NSEC3PARAM 1 0 12 aabbccdd\n", serial);

	n += nsec3_line(text + n, sizeof(text) - n, "@");
	n += nsec3_line(text + n, sizeof(text) - n, "ns");
	for (int i = 0; i < nnames; i++) {
		if (present[i])
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "%s A 192.0.2.9\n", names[i]);
		if (present[i] == 2)
			n += nsec3_line(text + n, sizeof(text) - n, names[i]);
	}
	zone_init(&z, origin, 1);
	o.ctx = &z;
	int ret = zparse_text(text, n, "model", &o);
	if (ret == 0)
		ret = zone_finish(&z);
	if (ret == 0)
		ret = zdb_zone_build(&zz, &z);
	CHECKF(ret == 0, "%s", bn_strerror(ret));
	zone_clear(&z);
	return zz;
}

/* What the chain must say for a name: the owner of its NSEC3 (exact)
 * or of the one covering its hash, the model's sorted hashes. */
static void expect(const struct zdb_zone *z, const char *name, char *want,
		   bool *exact)
{
	char h[40], best[40] = "", last[40] = "";

	hash_label(h, name);
	*exact = false;
	for (size_t i = 0; i < zdb_zone_node_count(z); i++) {
		const struct zdb_node *n = zdb_zone_node(z, i);
		char o[300];
		if (!(n->flags & ZDB_NSEC3))
			continue;
		CHECK(name_to_text(o, sizeof(o), n->owner) > 0);
		o[32] = 0;
		for (char *p = o; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
		if (strcmp(o, last) > 0)
			strcpy(last, o);
		if (strcmp(o, h) <= 0 && strcmp(o, best) > 0)
			strcpy(best, o);
	}
	*exact = !strcmp(best, h);
	strcpy(want, best[0] ? best : last);
}

static void check_name(const struct zdb_zone *z, const char *name,
		       unsigned step)
{
	char want[40], got[300];
	bool exact, wexact;
	const struct zdb_node *n = zdb_zone_find(z, wire(name));
	const struct zdb_node *m = n ? zdb_nsec3_node(z, n, &exact)
				     : zdb_nsec3_name(z, wire(name), &exact);

	expect(z, name, want, &wexact);
	CHECKF(m != NULL, "step %u %s", step, name);
	/* a name that exists was hashed when the version was made */
	if (n)
		CHECKF(z->n3->own[n->ix] != 0, "step %u %s",
		       step, name);
	if (!m)
		return;
	CHECK(name_to_text(got, sizeof(got), m->owner) > 0);
	for (char *p = got; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	CHECKF(!strncmp(got, want, 32) && exact == wexact,
	       "step %u %s: got %s %d, want %s %d", step, name, got, exact,
	       want, wexact);
}

static void check_zone(const struct zdb_zone *z, unsigned step)
{
	static const char *const missing[] = {
		"nope.example.", "zz.b.example.", "q.www.example.",
		"*.example.", "a.b.c.d.example.", "*.y.example.",
	};
	char buf[300];

	CHECK(zdb_zone_nsec3(z) != NULL);
	check_name(z, "example.", step);
	for (int i = 0; i < nnames; i++)
		check_name(z, full(names[i], buf, sizeof(buf)), step);
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
		check_name(z, missing[i], step);
}

static void test_build(void)
{
	char h[40], q[80];
	struct zdb_lookup r;
	struct zdb_zone *z;

	nnames = 0;
	for (size_t i = 0; i < sizeof(pool) / sizeof(pool[0]); i++) {
		names[nnames] = pool[i];
		present[nnames++] = 2;
	}
	z = build_model();
	CHECK(z != NULL);
	if (!z)
		return;
	check_zone(z, 0);
	/* a hashed owner is looked up as missing (RFC 5155 7.2.8) */
	hash_label(h, "www.example.");
	snprintf(q, sizeof(q), "%s.example.", h);
	zdb_zone_lookup(z, wire(q), &r);
	CHECK(!r.node && r.encloser == zdb_zone_apex(z));
	snprintf(q, sizeof(q), "x.%s.example.", h);
	zdb_zone_lookup(z, wire(q), &r);
	CHECK(!r.node && r.encloser == zdb_zone_apex(z));
	zdb_zone_unref(z);
}

/* Parses record lines into the change's del (add false) or add list. */
struct one {
	struct zchange *c;
	bool add;
};

static int put_rr(void *ctx, const struct zrr *rr)
{
	struct one *o = ctx;

	if (rr->type == RR_SOA)
		return zchange_set_soa(o->c, o->add, rr->owner, rr->ttl,
				       rr->rdata, rr->rdlen);
	return o->add ? zchange_add(o->c, rr->owner, rr->type, rr->ttl,
				    rr->rdata, rr->rdlen)
		      : zchange_del(o->c, rr->owner, rr->type, rr->ttl,
				    rr->rdata, rr->rdlen);
}

static void lines(struct zchange *c, const char *text, bool add)
{
	struct one one = { c, add };
	struct zparse_opts o = { .origin = origin, .on_rr = put_rr,
				 .ctx = &one, .default_ttl = 300 };

	CHECKF(zparse_text(text, strlen(text), "change", &o) == 0, "%s", text);
}

/* Name i goes from state present[i] to state to (0 absent, 1 its A
 * only, 2 with its NSEC3 too), as an IXFR of a signed zone (opt-out
 * leaves names without NSEC3) changes both. */
static void change_one(struct zchange *c, int i, int to)
{
	char del[600], add[600];
	size_t nd, na;
	int from = present[i];

	nd = (size_t)snprintf(del, sizeof(del), "@ SOA ns hm %u 1 1 1 1\n",
			      serial);
	na = (size_t)snprintf(add, sizeof(add), "@ SOA ns hm %u 1 1 1 1\n",
			      serial + 1);
	if (from && !to)
		nd += (size_t)snprintf(del + nd, sizeof(del) - nd,
				       "%s A 192.0.2.9\n", names[i]);
	if (!from && to)
		na += (size_t)snprintf(add + na, sizeof(add) - na,
				       "%s A 192.0.2.9\n", names[i]);
	if (from == 2 && to != 2)
		nsec3_line(del + nd, sizeof(del) - nd, names[i]);
	if (from != 2 && to == 2)
		nsec3_line(add + na, sizeof(add) - na, names[i]);
	lines(c, del, false);
	lines(c, add, true);
	present[i] = to;
	serial++;
}

/* Random changes, each version's chain against a fresh build's and the
 * model; the version before a change keeps its own answers. */
static void test_patch(void)
{
	struct zdb_zone *cur = build_model(), *next, *want;

	srand(13);
	for (unsigned step = 1; step <= 400 && cur; step++) {
		struct zchange c;
		int i = rand() % nnames, to = rand() % 3;
		if (to == present[i])
			to = (to + 1) % 3;
		zchange_init(&c);
		change_one(&c, i, to);
		int ret = zdb_zone_patch(&next, cur, &c);
		zchange_clear(&c);
		CHECKF(ret == 0, "step %u: %s", step, bn_strerror(ret));
		if (ret < 0)
			break;
		if (step % 10 == 0) {
			check_zone(next, step);
			want = build_model();
			CHECK(want && zdb_zone_memory(want) > 0);
			zdb_zone_unref(want);
		}
		zdb_zone_unref(cur);
		cur = next;
	}
	if (cur)
		check_zone(cur, 9999);
	zdb_zone_unref(cur);
}

/* A new NSEC3PARAM (a new salt) hashes the whole zone again. */
static void test_resalt(void)
{
	struct zdb_zone *z = build_model(), *next = NULL;
	struct zchange c;
	char del[200], add[200];

	if (!z)
		return;
	zchange_init(&c);
	snprintf(del, sizeof(del), "@ SOA ns hm %u 1 1 1 1\n"
		 "@ NSEC3PARAM 1 0 12 aabbccdd\n", serial);
	snprintf(add, sizeof(add), "@ SOA ns hm %u 1 1 1 1\n"
		 "@ NSEC3PARAM 1 0 3 ee\n", serial + 1);
	lines(&c, del, false);
	lines(&c, add, true);
	CHECK(zdb_zone_patch(&next, z, &c) == 0);
	zchange_clear(&c);
	if (next) {
		const struct nsec3_param *p = zdb_zone_nsec3(next);
		/* no NSEC3 of the new parameters: no chain to prove with */
		CHECK(p == NULL);
		CHECK(zdb_zone_nsec3(z) != NULL);
	}
	zdb_zone_unref(next);
	zdb_zone_unref(z);
}

int main(void)
{
	CHECK(name_from_text(origin, "example.", 8, NULL) > 0);
	test_vectors();
	test_build();
	test_patch();
	test_resalt();
	return check_done();
}
