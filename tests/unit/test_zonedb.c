/* Unit tests for the serving store (src/zone/zonedb.h): node layout,
 * empty non-terminals, flags, the lookup walk (wildcards, cuts, DNAME),
 * the zone set, reference counts, and a million-name zone for size and
 * speed figures (printed, not asserted). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "wire/name.h"
#include "wire/rrtype.h"
#include "zone/change.h"
#include "zone/zdb_int.h"
#include "zone/zone.h"
#include "zone/zonedb.h"
#include "zparse/zparse.h"

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static struct zdb_zone *build(const char *origin_text, const char *body)
{
	uint8_t origin[NAME_MAXLEN];
	struct zone z;
	struct zdb_zone *zz = NULL;
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr, .ctx = &z };

	if (name_from_text(origin, origin_text, strlen(origin_text),
			   NULL) < 0)
		return NULL;
	zone_init(&z, origin, CLASS_IN);
	if (zparse_text(body, strlen(body), "t.zone", &o) == 0 &&
	    zone_finish(&z) == 0)
		CHECK(zdb_zone_build(&zz, &z) == 0);
	zone_clear(&z);
	return zz;
}

static const uint8_t *wire(const char *text)
{
	static uint8_t buf[4][NAME_MAXLEN];
	static int i;

	i = (i + 1) & 3;
	if (name_from_text(buf[i], text, strlen(text), NULL) < 0)
		return (const uint8_t *)"";
	return buf[i];
}

/* Owner spelt exactly as text (case too). */
static bool is(const struct zdb_node *n, const char *text)
{
	const uint8_t *w = wire(text);

	return n && memcmp(n->owner, w, name_length(w)) == 0;
}

static struct zdb_lookup lookup(const struct zdb_zone *z, const char *q)
{
	struct zdb_lookup r;

	zdb_zone_lookup(z, wire(q), &r);
	return r;
}

static const char body[] =
	"$TTL 300\n"
	"@ SOA ns1 host 2026112901 2 3 4 5\n"
	"@ NS ns1\n"
	"ns1 A 192.0.2.1\n"
	"www A 192.0.2.2\n"
	"www RRSIG A 8 2 300 20300101000000 20200101000000 1 example. AAAA\n"
	"www RRSIG TXT 8 2 300 20300101000000 20200101000000 1 example. AAAA\n"
	"WWW2 AAAA ::1\n"
	"*.wild A 192.0.2.3\n"
	"*.a TXT star\n"
	"b.c.a TXT bca\n"
	"sub NS ns.sub\n"
	"ns.sub A 192.0.2.4\n"
	"deep.below.sub A 192.0.2.5\n"
	"x.sub NS ns.x.sub\n"
	"cn CNAME www\n"
	"dn DNAME other.\n"
	"x.dn A 192.0.2.6\n"
	"deep.x.y.z MX 10 www\n";

static void test_layout(void)
{
	struct zdb_zone *z = build("example.", body);

	CHECK(z != NULL);
	if (!z)
		return;
	CHECK(zdb_zone_serial(z) == 2026112901);
	CHECK(zdb_zone_rr_count(z) == 18);
	/* 15 owners and 7 ENTs: wild, a, c.a, below.sub, z, y.z, x.y.z */
	CHECKF(zdb_zone_node_count(z) == 22, "%zu",
	       zdb_zone_node_count(z));
	CHECK(name_equal(zdb_zone_origin(z), wire("example.")));
	const struct zdb_node *apex = zdb_zone_apex(z);
	CHECK(is(apex, "example.") && apex->flags == ZDB_APEX &&
	      !zdb_node_parent(z, apex) && apex->labels == 1 && apex->ix == 0);
	/* Canonical order; every parent one label up. */
	for (size_t i = 1; i < z->nnodes; i++) {
		const struct zdb_node *n = zdb_zone_node(z, i);
		const struct zdb_node *up = zdb_node_parent(z, n);
		CHECK(name_compare(zdb_zone_node(z, i - 1)->owner, n->owner) < 0);
		CHECK(n->ix == i);
		CHECK(up && up->labels + 1 == n->labels &&
		      name_equal(up->owner, n->owner + n->owner[0] + 1));
		CHECK(zdb_zone_find(z, n->owner) == n);
		bool found;
		CHECK(zdb_zone_search(z, n->owner, &found) == i && found);
		CHECK(zdb_zone_node(z, i) == n);
		CHECK(!(n->flags & ZDB_ENT) == (n->nsets > 0));
	}
	const struct zdb_node *www = zdb_zone_find(z, wire("www.example."));
	const struct zdb_rrset *a = zdb_node_rrset(www, RR_A);
	CHECK(a && a->count == 1 && a->ttl == 300 && a->rr[0].len == 4 &&
	      memcmp(a->rr[0].data, "\xc0\x00\x02\x02", 4) == 0);
	CHECK(!zdb_node_rrset(www, RR_AAAA));
	CHECK(zdb_node_rrset(www, RR_RRSIG) == zdb_node_rrsig(www, RR_A));
	CHECK(zdb_node_rrsig(www, RR_TXT) &&
	      zdb_node_rrsig(www, RR_TXT) != zdb_node_rrsig(www, RR_A));
	CHECK(!zdb_node_rrsig(www, RR_AAAA));
	CHECK(zdb_node_rrset(apex, RR_SOA) && zdb_node_rrset(apex, RR_NS));
	CHECK(zdb_zone_memory(z) > 23 * sizeof(struct zdb_node));
	zdb_zone_unref(z);
}

static void test_flags(void)
{
	struct zdb_zone *z = build("example.", body);
	static const struct { const char *name; unsigned flags; } t[] = {
		{ "wild.example.", ZDB_ENT | ZDB_WILDCARD_CHILD },
		{ "*.wild.example.", ZDB_WILDCARD },
		{ "a.example.", ZDB_ENT | ZDB_WILDCARD_CHILD },
		{ "c.a.example.", ZDB_ENT },
		{ "sub.example.", ZDB_DELEG },
		{ "ns.sub.example.", ZDB_NONAUTH },
		{ "below.sub.example.", ZDB_NONAUTH | ZDB_ENT },
		{ "deep.below.sub.example.", ZDB_NONAUTH },
		{ "x.sub.example.", ZDB_NONAUTH | ZDB_DELEG },
		{ "cn.example.", ZDB_CNAME },
		{ "dn.example.", ZDB_DNAME },
		{ "x.dn.example.", ZDB_OCCLUDED },
		{ "z.example.", ZDB_ENT },
		{ "x.y.z.example.", ZDB_ENT },
		{ "deep.x.y.z.example.", 0 },
	};

	if (!z)
		return;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct zdb_node *n = zdb_zone_find(z, wire(t[i].name));
		CHECKF(n && n->flags == t[i].flags, "%s: %x", t[i].name,
		       n ? n->flags : 0xffffu);
	}
	CHECK(!zdb_zone_find(z, wire("nope.example.")));
	CHECK(!zdb_zone_find(z, wire("www.example.net.")));
	CHECK(!zdb_zone_find(z, wire("com.")));
	zdb_zone_unref(z);
}

static void test_exact(struct zdb_zone *z)
{
	struct zdb_lookup r = lookup(z, "WwW.ExAmPlE.");

	CHECK(is(r.node, "www.example.") && r.encloser == r.node &&
	      !r.cut && !r.dname && !r.wildcard);
	r = lookup(z, "www2.example.");
	CHECK(is(r.node, "WWW2.example."));
	r = lookup(z, "EXAMPLE.");
	CHECK(r.node == zdb_zone_apex(z) && !r.cut && !r.dname);
	r = lookup(z, "nope.example.");
	CHECK(!r.node && r.encloser == zdb_zone_apex(z) && !r.wildcard &&
	      !r.cut && !r.dname);
	/* An empty non-terminal exists: NODATA, not a wildcard. */
	r = lookup(z, "y.z.example.");
	CHECK(is(r.node, "y.z.example.") && (r.node->flags & ZDB_ENT));
	r = lookup(z, "q.y.z.example.");
	CHECK(!r.node && is(r.encloser, "y.z.example.") && !r.wildcard);
}

static void test_wildcard(struct zdb_zone *z)
{
	struct zdb_lookup r = lookup(z, "foo.wild.example.");

	CHECK(!r.node && is(r.encloser, "wild.example.") &&
	      is(r.wildcard, "*.wild.example."));
	r = lookup(z, "X.Y.Foo.WILD.example.");
	CHECK(!r.node && is(r.wildcard, "*.wild.example."));
	r = lookup(z, "wild.example.");
	CHECK(r.node && !r.wildcard);
	r = lookup(z, "*.wild.example.");
	CHECK(is(r.node, "*.wild.example.") && !r.wildcard);
	/* b.c.a exists, so c.a is an ENT that blocks *.a (RFC 4592 2.2.2) */
	r = lookup(z, "c.a.example.");
	CHECK(is(r.node, "c.a.example.") && !r.wildcard);
	r = lookup(z, "d.c.a.example.");
	CHECK(!r.node && is(r.encloser, "c.a.example.") && !r.wildcard);
	r = lookup(z, "zzz.a.example.");
	CHECK(!r.node && is(r.encloser, "a.example.") &&
	      is(r.wildcard, "*.a.example."));
}

static void test_cut(struct zdb_zone *z)
{
	static const char *below[] = {
		"ns.sub.example.", "NS.SUB.example.", "deep.below.sub.example.",
		"nothere.sub.example.", "a.x.sub.example.", "x.sub.example.",
		"below.sub.example.",
	};
	struct zdb_lookup r = lookup(z, "sub.example.");

	CHECK(is(r.node, "sub.example.") && r.cut == r.node && !r.dname);
	for (size_t i = 0; i < sizeof(below) / sizeof(below[0]); i++) {
		r = lookup(z, below[i]);
		CHECKF(!r.node && is(r.encloser, "sub.example.") &&
		       r.cut == r.encloser && !r.dname && !r.wildcard,
		       "%s", below[i]);
	}
}

static void test_dname(struct zdb_zone *z)
{
	struct zdb_lookup r = lookup(z, "dn.example.");

	CHECK(is(r.node, "dn.example.") && !r.dname && !r.cut);
	r = lookup(z, "x.dn.example.");
	CHECK(!r.node && is(r.dname, "dn.example.") && r.encloser == r.dname
	      && !r.cut);
	r = lookup(z, "q.r.Dn.example.");
	CHECK(!r.node && is(r.dname, "dn.example."));
	r = lookup(z, "cn.example.");
	CHECK(is(r.node, "cn.example.") && (r.node->flags & ZDB_CNAME));

	struct zdb_zone *o = build("other.",
				   "$TTL 60\n@ SOA ns host 7 1 1 1 1\n"
				   "@ NS ns.example.\n@ DNAME target.\n"
				   "occluded A 192.0.2.9\n");
	if (!o)
		return;
	CHECK(zdb_zone_serial(o) == 7);
	r = lookup(o, "other.");
	CHECK(r.node == zdb_zone_apex(o) && !r.dname &&
	      (r.node->flags & ZDB_DNAME));
	r = lookup(o, "a.b.other.");
	CHECK(!r.node && r.dname == zdb_zone_apex(o) && !r.cut);
	r = lookup(o, "occluded.other.");
	CHECK(!r.node && r.dname == zdb_zone_apex(o));
	zdb_zone_unref(o);
}

static void test_lookup(void)
{
	struct zdb_zone *z = build("example.", body);

	CHECK(z != NULL);
	if (!z)
		return;
	test_exact(z);
	test_wildcard(z);
	test_cut(z);
	test_dname(z);
	zdb_zone_unref(z);
}

static void test_bad(void)
{
	struct zone z;
	struct zdb_zone *zz = (struct zdb_zone *)1;
	struct zrr rr = { .owner = wire("www.example."), .type = RR_A,
			  .rclass = CLASS_IN, .rdata = (const uint8_t *)"abcd",
			  .rdlen = 4 };

	zone_init(&z, wire("example."), CLASS_IN);
	zone_finish(&z);
	CHECK(zdb_zone_build(&zz, &z) == BN_EINVAL && !zz);
	zone_clear(&z);
	zone_init(&z, wire("example."), CLASS_IN);
	zone_add(&z, &rr);
	rr.owner = wire("example.");
	zone_add(&z, &rr);
	zone_finish(&z);
	CHECK(zdb_zone_build(&zz, &z) == BN_EINVAL && !zz);
	zone_clear(&z);
}

static unsigned refs(struct zdb_zone *z)
{
	return atomic_load(&z->refs);
}

static struct zdb_zone *mini(const char *origin)
{
	return build(origin, "$TTL 60\n@ SOA ns host 1 1 1 1 1\n@ NS ns\n"
			     "ns A 192.0.2.1\n");
}

/* The prepared-name calls agree with the plain ones: the zone chosen,
 * membership, and the lookup result. */
static void test_prepared(struct zonedb *db)
{
	static const char *const names[] = {
		"a.sub.example.", "SUB.example.", "example.", "xsub.example.",
		"a.b.c.d.e.f.g.example.", "com.", ".", "example.com.",
		"WWW.EXAMPLE.",
	};
	struct zdb_lookup r1, r2;
	struct zdb_qname q;
	unsigned bad = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const uint8_t *n = wire(names[i]);
		const struct zdb_zone *z = zonedb_find(db, n);

		zdb_qname_prep(&q, n);
		bad += zonedb_find_q(db, &q) != z;
		for (size_t k = 0; k < zonedb_count(db); k++) {
			const struct zdb_zone *zk = zonedb_at(db, k);

			bad += zdb_zone_has(zk, &q) !=
			       name_is_subdomain(n, zdb_zone_origin(zk));
		}
		if (!z)
			continue;
		zdb_zone_lookup(z, n, &r1);
		zdb_zone_lookup_q(z, &q, &r2);
		bad += memcmp(&r1, &r2, sizeof(r1)) != 0;
	}
	CHECK(bad == 0);
}

/* Octets from a packet, not yet checked: the guess keeps to labels a
 * name can have. A length octet of 64 or more (a pointer, or a letter
 * that the word-wise lowercasing would turn into a longer length) ends
 * it, so that the hashes read no further than the name does. */
static void test_prep_max(void)
{
	uint8_t w[NAME_MAXLEN] = { 3, 'w', 'w', 'w' };
	struct zdb_qname q;
	unsigned bad = 0;

	for (size_t i = 5; i < 160; i++)
		w[i] = 'x';
	for (unsigned len = 64; len < 256; len++) {
		w[4] = (uint8_t)len;    /* 'A'..'Z' among them */
		zdb_qname_prep_max(&q, w, sizeof(w));
		bad += q.n != 1 || q.len != 5 || q.lc[4] != 0;
		for (int k = 0; k < q.n; k++)
			bad += q.lc[q.off[k]] > LABEL_MAXLEN ||
			       q.off[k + 1] != q.off[k] + q.lc[q.off[k]] + 1;
	}
	CHECK(bad == 0);
}

static void test_set(void)
{
	struct zonedb *db = zonedb_new();
	struct zdb_zone *ex = mini("example."), *sub = mini("sub.example.");
	struct zdb_zone *root = mini("."), *ex2 = mini("Example.");

	CHECK(db && ex && sub && root && ex2);
	if (!db || !ex || !sub || !root || !ex2)
		return;
	CHECK(!zonedb_find(db, wire("example.")) && !zonedb_count(db));
	CHECK(zonedb_add(db, ex) == 0 && zonedb_add(db, sub) == 0);
	CHECK(refs(ex) == 2 && zonedb_count(db) == 2);
	CHECK(zonedb_find(db, wire("a.sub.example.")) == sub);
	CHECK(zonedb_find(db, wire("SUB.example.")) == sub);
	CHECK(zonedb_find(db, wire("example.")) == ex);
	CHECK(zonedb_find(db, wire("xsub.example.")) == ex);
	CHECK(zonedb_find(db, wire("a.b.c.d.e.f.g.example.")) == ex);
	CHECK(!zonedb_find(db, wire("com.")) && !zonedb_find(db, wire(".")));
	CHECK(!zonedb_find(db, wire("example.com.")));
	CHECK(zonedb_get(db, wire("EXAMPLE.")) == ex);
	CHECK(!zonedb_get(db, wire("a.example.")));
	CHECK(zonedb_add(db, root) == 0);
	CHECK(zonedb_find(db, wire("example.com.")) == root);
	CHECK(zonedb_find(db, wire(".")) == root);
	/* Same origin: replaced, the old one's reference dropped. */
	CHECK(zonedb_add(db, ex2) == 0 && zonedb_count(db) == 3);
	CHECK(refs(ex) == 1 && refs(ex2) == 2);
	CHECK(zonedb_find(db, wire("www.example.")) == ex2);
	test_prepared(db);
	bool seen[3] = { false };
	for (size_t i = 0; i < zonedb_count(db); i++) {
		struct zdb_zone *z = zonedb_at(db, i);
		seen[0] |= z == ex2;
		seen[1] |= z == sub;
		seen[2] |= z == root;
	}
	CHECK(seen[0] && seen[1] && seen[2] && !zonedb_at(db, 3));
	/* A second set sharing the zones, as a reload builds it. */
	struct zonedb *db2 = zonedb_new();
	CHECK(zonedb_add(db2, sub) == 0 && refs(sub) == 3);
	zonedb_free(db);
	CHECK(refs(sub) == 2 && refs(ex2) == 1);
	CHECK(zonedb_find(db2, wire("ns.sub.example.")) == sub);
	zonedb_free(db2);
	CHECK(refs(sub) == 1);
	zdb_zone_unref(ex);
	zdb_zone_unref(sub);
	zdb_zone_unref(root);
	zdb_zone_unref(ex2);
}

/* Randomised comparison with a brute-force walk over struct zone:
 * odd label octets, case, wildcards (some of them empty non-terminals),
 * cuts and DNAMEs at random depths. */
static uint64_t rng = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* A name of depth labels below example. from a small alphabet so that
 * names share ancestors. */
static void rnd_name(uint8_t *w, int depth)
{
	static const uint8_t abc[] = { 'a', 'B', 'b', '*', 0, '-', 1, 'z' };
	size_t pos = 0;

	for (int d = 0; d < depth; d++) {
		uint8_t len = (uint8_t)(1 + rnd(2));
		w[pos] = len;
		for (uint8_t j = 1; j <= len; j++)
			w[pos + j] = abc[rnd(sizeof(abc))];
		/* Wildcards are whole "*" labels. */
		if (len == 2 && w[pos + 1] == '*')
			w[pos + 1] = 'x';
		pos += len + 1u;
	}
	memcpy(w + pos, "\7example", 9);
}

static void rnd_zone(struct zone *z)
{
	static const uint16_t types[] = { RR_A, RR_A, RR_TXT, RR_NS, RR_DNAME,
					  RR_CNAME, RR_MX };
	static const uint8_t soa[] = "\2ns\0\4host\0\0\0\0\1\0\0\0\1"
				     "\0\0\0\1\0\0\0\1\0\0\0\1";
	uint8_t w[NAME_MAXLEN];
	struct zrr rr = { .owner = wire("example."), .type = RR_SOA,
			  .rclass = CLASS_IN, .ttl = 60, .rdata = soa,
			  .rdlen = sizeof(soa) - 1, .file = "rnd" };

	zone_init(z, wire("example."), CLASS_IN);
	zone_add(z, &rr);
	rr.owner = w;
	rr.rdata = (const uint8_t *)"\0\12\3foo\0";
	rr.rdlen = 7;
	for (int i = 0, n = 20 + (int)rnd(200); i < n; i++) {
		rnd_name(w, 1 + (int)rnd(4));
		rr.type = types[rnd(sizeof(types) / sizeof(types[0]))];
		zone_add(z, &rr);
	}
	zone_finish(z);
}

static bool has(const struct zone *z, const struct zone_node *n,
		uint16_t type)
{
	return zone_node_rrset(z, n, type) != NULL;
}

/* The first cut (below the apex) or DNAME strictly above q. */
static const struct zone_node *brute_stop(const struct zone *z,
					  const uint8_t *q)
{
	int ql = name_labels(q);
	const uint8_t *anc[NAME_MAXLABELS + 1];
	const uint8_t *p = q;

	for (int k = ql; k >= 0; k--, p += *p ? *p + 1 : 0)
		anc[k] = p;
	for (int k = 1; k < ql; k++) {
		const struct zone_node *n = zone_find(z, anc[k]);
		if (n && ((k > 1 && has(z, n, RR_NS)) || has(z, n, RR_DNAME)))
			return n;
	}
	return NULL;
}

static bool brute_exists(const struct zone *z, const uint8_t *q)
{
	for (size_t i = 0; i < z->nnodes; i++)
		if (name_is_subdomain(z->nodes[i].owner, q))
			return true;
	return false;
}

static const uint8_t *brute_encloser(const struct zone *z, const uint8_t *q)
{
	while (!brute_exists(z, q))
		q += *q + 1;
	return q;
}

static bool same(const struct zdb_node *n, const uint8_t *name)
{
	return n && name && name_equal(n->owner, name);
}

/* "*." + the closest encloser, as a name, whether it owns data or is an
 * empty non-terminal itself (it exists: RFC 4592 3.3.1). zone_lookup()
 * only knows wildcards that own data, so it is not the reference here. */
static bool brute_wildcard(const struct zone *z, const uint8_t *q,
			   uint8_t *star)
{
	const uint8_t *e = brute_encloser(z, q);
	size_t len = name_length(e);

	if (len + 2 > NAME_MAXLEN)
		return false;
	star[0] = 1;
	star[1] = '*';
	memcpy(star + 2, e, len);
	return brute_exists(z, star);
}

static bool check_one(const struct zone *z, const struct zdb_zone *zz,
		      const uint8_t *q)
{
	const struct zone_node *stop = brute_stop(z, q), *n;
	uint8_t star[NAME_MAXLEN];
	struct zdb_lookup r;

	zdb_zone_lookup(zz, q, &r);
	if (stop)
		return !r.node && same(r.encloser, stop->owner) &&
		       !r.cut == !has(z, stop, RR_NS) &&
		       !r.dname == !has(z, stop, RR_DNAME) && !r.wildcard;
	n = zone_find(z, q);
	if (n)
		return same(r.node, n->owner) && r.encloser == r.node &&
		       !r.dname && !r.wildcard &&
		       !r.cut == !(name_labels(q) > 1 && has(z, n, RR_NS));
	if (brute_exists(z, q))
		return same(r.node, q) && (r.node->flags & ZDB_ENT) &&
		       !r.cut && !r.dname && !r.wildcard;
	bool wild = brute_wildcard(z, q, star);
	return !r.node && !r.cut && !r.dname &&
	       same(r.encloser, brute_encloser(z, q)) &&
	       (wild ? same(r.wildcard, star) : !r.wildcard);
}

/* zdb_zone_search against a linear scan of the canonical array. */
static bool check_search(const struct zdb_zone *zz, const uint8_t *q)
{
	size_t n = zdb_zone_node_count(zz), want = 0;
	bool found, exact = false;

	for (size_t i = 0; i < n; i++) {
		int c = name_compare(zdb_zone_node(zz, i)->owner, q);
		if (c > 0)
			break;
		want = i;
		exact = c == 0;
	}
	return zdb_zone_search(zz, q, &found) == want && found == exact &&
	       !zdb_zone_node(zz, n);
}

static void test_random(void)
{
	uint8_t q[NAME_MAXLEN];
	size_t bad = 0, total = 0;

	for (int round = 0; round < 30; round++) {
		struct zone z;
		struct zdb_zone *zz = NULL;
		rnd_zone(&z);
		CHECK(zdb_zone_build(&zz, &z) == 0);
		for (int i = 0; zz && i < 1000; i++) {
			rnd_name(q, 1 + (int)rnd(6));
			total++;
			if ((!check_one(&z, zz, q) || !check_search(zz, q)) &&
			    bad++ < 5) {
				char t[NAME_TEXT_MAX];
				name_to_text(t, sizeof(t), q);
				fprintf(stderr, "random: round %d: %s\n", round,
					t);
			}
		}
		zdb_zone_unref(zz);
		zone_clear(&z);
	}
	CHECKF(bad == 0, "%zu of %zu lookups differ", bad, total);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_many_zones(void)
{
	enum { N = 10000 };
	static struct zdb_zone *zs[N];
	static uint8_t qs[N][32];
	struct zonedb *db = zonedb_new();
	char origin[64], q[96];
	size_t ok = 0;

	double t0 = now();
	for (int i = 0; i < N; i++) {
		snprintf(origin, sizeof(origin), i % 3 ? "z%d.test." :
			 "z%d.sub.test.", i);
		zs[i] = mini(origin);
		if (!zs[i] || zonedb_add(db, zs[i]) < 0)
			break;
		zdb_zone_unref(zs[i]);
		snprintf(q, sizeof(q), i % 3 ? "www.Z%d.test." :
			 "a.b.z%d.sub.test.", i);
		name_from_text(qs[i], q, strlen(q), NULL);
	}
	double t1 = now();
	CHECK(zonedb_count(db) == N);
	for (int i = 0; i < N; i++)
		ok += zonedb_find(db, qs[i]) == zs[i];
	double t2 = now();
	CHECK(ok == N);
	CHECK(!zonedb_find(db, wire("z1.other.")));
	printf("%d zones: built and added in %.2f s, %.0f ns per find\n", N,
	       t1 - t0, (t2 - t1) * 1e9 / N);
	zonedb_free(db);
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* h<i>.g<i % 1000>.example. A: a million names under 1000 ENTs. */
static void big_name(uint8_t *w, unsigned i)
{
	char text[64];

	snprintf(text, sizeof(text), "h%u.g%u.example.", i, i % 1000);
	name_from_text(w, text, strlen(text), NULL);
}

static int add_big(struct zone *z, unsigned n)
{
	uint8_t w[NAME_MAXLEN], rd[4];
	struct zrr rr = { .owner = w, .type = RR_SOA, .rclass = CLASS_IN,
			  .ttl = 3600, .rdata = rd, .file = "gen" };
	static const uint8_t soa[] = "\2ns\0\4host\0\0\0\0\1\0\0\0\1"
				     "\0\0\0\1\0\0\0\1\0\0\0\1";

	memcpy(w, "\7example", 9);
	rr.rdata = soa;
	rr.rdlen = sizeof(soa) - 1;
	if (zone_add(z, &rr) < 0)
		return -1;
	rr.type = RR_A;
	rr.rdata = rd;
	rr.rdlen = 4;
	for (unsigned i = 0; i < n; i++) {
		big_name(w, i);
		memcpy(rd, &i, 4);
		if (zone_add(z, &rr) < 0)
			return -1;
	}
	return 0;
}

/* Names made beforehand (packed, 32 octets each) so only the lookups
 * are timed: K existing names, then K missing ones. */
static uint8_t *make_names(unsigned n, unsigned k)
{
	uint8_t *names = malloc((size_t)2 * k * 32);

	for (unsigned i = 0; names && i < 2 * k; i++)
		big_name(names + (size_t)i * 32,
			 (i < k ? 0 : n) + (i * 2654435761u) % n);
	return names;
}

static void time_lookups(const struct zdb_zone *zz, unsigned n)
{
	enum { K = 100000, ROUNDS = 3 };
	uint8_t *names = make_names(n, K);
	struct zdb_lookup r;
	size_t hits = 0, miss = 0;

	if (!names)
		return;
	double t0 = now();
	for (unsigned i = 0; i < K * ROUNDS; i++) {
		zdb_zone_lookup(zz, names + (size_t)(i % K) * 32, &r);
		hits += r.node != NULL;
	}
	double t1 = now();
	for (unsigned i = 0; i < K * ROUNDS; i++) {
		zdb_zone_lookup(zz, names + (size_t)(K + i % K) * 32, &r);
		miss += !r.node && r.encloser->labels == 2;
	}
	double t2 = now();
	CHECK(hits == K * ROUNDS && miss == K * ROUNDS);
	printf("lookup: %.0f ns per hit, %.0f ns per NXDOMAIN\n",
	       (t1 - t0) * 1e9 / (K * ROUNDS), (t2 - t1) * 1e9 / (K * ROUNDS));
	free(names);
}

/* Serial s's SOA, as add_big() writes it with serial 1. */
static void big_soa(uint8_t *rd, uint32_t s)
{
	static const uint8_t soa[] = "\2ns\0\4host\0\0\0\0\1\0\0\0\1"
				     "\0\0\0\1\0\0\0\1\0\0\0\1";

	memcpy(rd, soa, sizeof(soa) - 1);
	rd[10] = (uint8_t)(s >> 24);
	rd[11] = (uint8_t)(s >> 16);
	rd[12] = (uint8_t)(s >> 8);
	rd[13] = (uint8_t)s;
}

/* K changes of one new name each to the million-name zone: the time a
 * version takes to make, and what the last one holds beyond the base
 * (printed, not asserted). */
static struct zdb_zone *time_patches(struct zdb_zone *zz, unsigned n)
{
	enum { K = 200 };
	uint8_t w[NAME_MAXLEN], from[32], to[32];
	size_t base_mem = zdb_zone_memory(zz);
	struct zdb_zone *next;
	double t0 = now();

	for (unsigned i = 0; i < K; i++) {
		struct zchange c;
		zchange_init(&c);
		big_soa(from, 1 + i);
		big_soa(to, 2 + i);
		big_name(w, n + i);
		CHECK(zchange_set_soa(&c, false, wire("example."), 3600, from,
				      30) == 0);
		CHECK(zchange_set_soa(&c, true, wire("example."), 3600, to,
				      30) == 0);
		CHECK(zchange_add(&c, w, RR_A, 3600, (const uint8_t *)"\1\2\3\4",
				  4) == 0);
		CHECK(zdb_zone_patch(&next, zz, &c) == 0);
		zchange_clear(&c);
		zdb_zone_unref(zz);
		zz = next;
		if (!zz)
			return NULL;
	}
	double t1 = now();
	big_name(w, n + K - 1);
	CHECK(zdb_zone_find(zz, w) != NULL);
	CHECK(zdb_zone_rr_count(zz) == n + 1 + K);
	printf("patch: %.2f ms per one-name change to %u names; after %d, "
	       "%zd bytes held beyond the base\n", (t1 - t0) * 1e3 / K, n, K,
	       (ssize_t)(zdb_zone_memory(zz) - base_mem));
	return zz;
}

/* K changes of M scattered new names each (the writer's merged pending
 * changes look like this): the time a version takes (printed). */
static struct zdb_zone *time_wide_patches(struct zdb_zone *zz, unsigned n)
{
	enum { K = 20, M = 100 };
	uint8_t w[NAME_MAXLEN], from[32], to[32];
	struct zdb_zone *next;
	uint32_t serial = zdb_zone_serial(zz);
	double t0 = now();

	for (unsigned i = 0; i < K; i++) {
		struct zchange c;
		zchange_init(&c);
		big_soa(from, serial + i);
		big_soa(to, serial + i + 1);
		CHECK(zchange_set_soa(&c, false, wire("example."), 3600, from,
				      30) == 0);
		CHECK(zchange_set_soa(&c, true, wire("example."), 3600, to,
				      30) == 0);
		for (unsigned j = 0; j < M; j++) {
			big_name(w, 2 * n + i * M + j * 7919);
			CHECK(zchange_add(&c, w, RR_A, 3600,
					  (const uint8_t *)"\1\2\3\4", 4) == 0);
		}
		CHECK(zdb_zone_patch(&next, zz, &c) == 0);
		zchange_clear(&c);
		zdb_zone_unref(zz);
		zz = next;
		if (!zz)
			return NULL;
	}
	double t1 = now();
	CHECK(zdb_zone_rr_count(zz) == n + 1 + 200 + K * M);
	printf("patch: %.2f ms per change of %d scattered names to %u names\n",
	       (t1 - t0) * 1e3 / K, M, n);
	return zz;
}

/* One change replacing the A record of 1,000 existing names (an IXFR
 * of 1,000 changes looks like this): its time (printed). */
static struct zdb_zone *time_replace(struct zdb_zone *zz, unsigned n)
{
	enum { M = 1000 };
	uint8_t w[NAME_MAXLEN], from[32], to[32];
	uint32_t serial = zdb_zone_serial(zz);
	struct zdb_zone *next;
	struct zchange c;

	zchange_init(&c);
	big_soa(from, serial);
	big_soa(to, serial + 1);
	CHECK(zchange_set_soa(&c, false, wire("example."), 3600, from, 30) == 0);
	CHECK(zchange_set_soa(&c, true, wire("example."), 3600, to, 30) == 0);
	for (unsigned j = 0; j < M; j++) {
		unsigned i = (j * 7919u) % n;
		big_name(w, i);
		CHECK(zchange_del(&c, w, RR_A, 3600, (const uint8_t *)&i, 4) == 0);
		CHECK(zchange_add(&c, w, RR_A, 3600,
				  (const uint8_t *)"\1\2\3\4", 4) == 0);
	}
	double best = 1e9;
	/* the best of a few: the first also faults in malloc's pages */
	for (int k = 0; k < 5; k++) {
		double t0 = now();
		next = NULL;
		CHECK(zdb_zone_patch(&next, zz, &c) == 0);
		double t1 = now();
		best = t1 - t0 < best ? t1 - t0 : best;
		if (k < 4)
			zdb_zone_unref(next);
	}
	zchange_clear(&c);
	printf("patch: %.2f ms for %d records replaced in %u names\n",
	       best * 1e3, M, n);
	if (!next)
		return zz;
	zdb_zone_unref(zz);
	return next;
}

static void test_big(void)
{
	enum { N = 1000000 };
	struct zone z;
	struct zdb_zone *zz = NULL;
	uint8_t w[NAME_MAXLEN];
	long rss0 = rss_kb();
	double t0 = now();

	zone_init(&z, wire("example."), CLASS_IN);
	CHECK(add_big(&z, N) == 0);
	double t1 = now();
	CHECK(zone_finish(&z) == 0);
	double t2 = now();
	CHECK(zdb_zone_build(&zz, &z) == 0);
	double t3 = now();
	zone_clear(&z);
	if (!zz)
		return;
	long rss1 = rss_kb();
	CHECK(zdb_zone_rr_count(zz) == N + 1);
	CHECK(zdb_zone_node_count(zz) == N + 1 + 1000);
	big_name(w, 123456);
	const struct zdb_node *n = zdb_zone_find(zz, w);
	const struct zdb_rrset *a = zdb_node_rrset(n, RR_A);
	unsigned v = 123456;
	CHECK(a && a->count == 1 && memcmp(a->rr[0].data, &v, 4) == 0);
	CHECK(n && is(zdb_node_parent(zz, n), "g456.example.") &&
	      (zdb_node_parent(zz, n)->flags & ZDB_ENT));
	struct zdb_lookup r = lookup(zz, "nope.g7.example.");
	CHECK(!r.node && is(r.encloser, "g7.example."));
	time_lookups(zz, N);
	zz = time_patches(zz, N);       /* each spine mapped anew */
	zdb_zone_keep_spares(zz, true);
	if (zz)
		zz = time_wide_patches(zz, N);  /* the spines reused */
	if (zz)
		zz = time_replace(zz, N);
	if (zz) {
		/* a reused spine is written over, not cleared: every name
		 * still found, every new one too */
		big_name(w, 654321);
		CHECK(zdb_zone_find(zz, w) != NULL);
		big_name(w, 2 * N + 19 * 100 + 99 * 7919);
		CHECK(zdb_zone_find(zz, w) != NULL);
		zdb_zone_keep_spares(zz, false);
	}
	if (!zz)
		return;
	printf("%d names: add %.2f s, zone_finish %.2f s, zdb build %.2f s;"
	       " %zu bytes held, %.1f bytes/RR; RSS after freeing the "
	       "builder %+.1f MB (%.1f bytes/RR)\n", N, t1 - t0, t2 - t1,
	       t3 - t2, zdb_zone_memory(zz),
	       (double)zdb_zone_memory(zz) / (N + 1), (rss1 - rss0) / 1024.0,
	       (rss1 - rss0) * 1024.0 / (N + 1));
	zdb_zone_unref(zz);
}

int main(void)
{
	test_layout();
	test_flags();
	test_lookup();
	test_bad();
	test_prep_max();
	test_set();
	test_random();
	test_many_zones();
	test_big();
	return check_done();
}
