/* Unit tests for src/resolve/cache.c and cache_evict.c: TTLs on a fake
 * clock, caps, rank rules, NXDOMAIN against positive data, serve-stale
 * and its recheck window, prefetch, flushes, the byte bound under CLOCK eviction, and readers
 * against writers on several threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <urcu.h>

#include "base/error.h"
#include "check.h"
#include "resolve/cache.h"
#include "resolve/cache_file.h"
#include "wire/name.h"

#define BUF_CAP (65536 + 2 * NAME_MAXLEN)
#define T_A 1
#define T_AAAA 28
#define T_SOA 6
#define C_IN 1

static uint8_t buf[BUF_CAP];

static const uint8_t *nm(uint8_t *dst, const char *text)
{
	int n = name_from_text(dst, text, strlen(text), NULL);

	if (n < 0)
		abort();
	return dst;
}

/* An A RRset of one address ending in last. */
struct aset {
	uint8_t owner[NAME_MAXLEN];
	uint8_t rdata[6];
	struct rrset s;
};

static struct rrset *mk_a(struct aset *a, const char *owner, uint8_t last,
			  uint32_t ttl, uint8_t rank)
{
	static const uint8_t base[6] = { 0, 4, 192, 0, 2, 0 };

	memcpy(a->rdata, base, sizeof(base));
	a->rdata[5] = last;
	memset(&a->s, 0, sizeof(a->s));
	a->s.owner = nm(a->owner, owner);
	a->s.type = T_A;
	a->s.rclass = C_IN;
	a->s.ttl = ttl;
	a->s.kind = RRSET_POSITIVE;
	a->s.rank = rank;
	a->s.count = 1;
	a->s.rdata = a->rdata;
	a->s.rdata_len = sizeof(a->rdata);
	return &a->s;
}

/* A negative entry (NXDOMAIN or NODATA for type) with a stand-in SOA. */
struct nset {
	uint8_t owner[NAME_MAXLEN], soa[NAME_MAXLEN];
	uint8_t rdata[24];
	struct rrset s;
};

static struct rrset *mk_neg(struct nset *n, const char *owner, uint8_t kind,
			    uint16_t type, uint32_t ttl)
{
	memset(n->rdata, 0, sizeof(n->rdata));
	n->rdata[1] = 22;       /* two root names and five u32 */
	memset(&n->s, 0, sizeof(n->s));
	n->s.owner = nm(n->owner, owner);
	n->s.soa_owner = nm(n->soa, "example.");
	n->s.type = type;
	n->s.rclass = C_IN;
	n->s.ttl = ttl;
	n->s.kind = kind;
	n->s.rank = RANK_ANSWER;
	n->s.count = 1;
	n->s.rdata = n->rdata;
	n->s.rdata_len = sizeof(n->rdata);
	return &n->s;
}

static int get(struct cache *c, const char *name, uint16_t type,
	       uint64_t now, unsigned flags, struct cache_hit *h)
{
	uint8_t n[NAME_MAXLEN];

	return cache_get(c, nm(n, name), type, C_IN, now, flags,
			 RANK_ANSWER_NONAUTH, h, buf, sizeof(buf));
}

static struct cache *mk_cache(void)
{
	struct cache_conf cc;

	cache_conf_init(&cc);
	return cache_new(&cc);
}

static void test_insert_get(void)
{
	struct cache *c = mk_cache();
	struct cache_hit h;
	struct aset a;
	uint8_t lower[NAME_MAXLEN];

	CHECK(cache_insert(c, mk_a(&a, "WWW.Example.COM.", 7, 300, RANK_ANSWER),
			   1000) == 0);
	CHECK(get(c, "www.example.com.", T_A, 1000, 0, &h) == 1);
	CHECK(h.set.ttl == 300 && !h.stale && !h.prefetch);
	CHECK(h.set.count == 1 && h.set.rdata_len == 6 && h.set.rdata[5] == 7);
	CHECK(h.set.kind == RRSET_POSITIVE && h.set.rank == RANK_ANSWER);
	CHECK(h.set.soa_owner == NULL);
	CHECK(memcmp(h.set.owner, nm(lower, "www.example.com."), 17) == 0);
	CHECK(get(c, "www.example.com.", T_A, 101000, 0, &h) == 1 &&
	      h.set.ttl == 200);
	CHECK(get(c, "www.example.com.", T_A, 300999, 0, &h) == 1 &&
	      h.set.ttl == 0);
	CHECK(get(c, "www.example.com.", T_A, 301000, 0, &h) == 0);
	CHECK(get(c, "www.example.com.", T_AAAA, 1000, 0, &h) == 0);
	CHECK(get(c, "example.com.", T_A, 1000, 0, &h) == 0);
	CHECK(cache_get(c, lower, T_A, 3, 1000, 0, 0, &h, buf, sizeof(buf)) ==
	      0);
	/* Too small a buffer is an error, not a miss. */
	CHECK(cache_get(c, lower, T_A, C_IN, 1000, 0, 0, &h, buf, 10) ==
	      BN_ENOSPC);
	cache_free(c);
}

static void test_invalid(void)
{
	struct cache *c = mk_cache();
	struct aset a;
	struct rrset *s = mk_a(&a, "x.example.", 1, 60, RANK_ANSWER);
	static uint8_t big[70000];

	s->count = 2;           /* the RDATA holds one item */
	CHECK(cache_insert(c, s, 0) == BN_EINVAL);
	s->count = 1;
	s->rdata_len = 5;
	CHECK(cache_insert(c, s, 0) == BN_EINVAL);
	s->rdata = big;
	s->rdata_len = sizeof(big);
	CHECK(cache_insert(c, s, 0) == BN_EINVAL);
	CHECK(cache_insert(c, NULL, 0) == BN_EINVAL);
	cache_free(c);
}

static void test_caps(void)
{
	struct cache_conf cc;
	struct cache *c;
	struct cache_hit h;
	struct aset a;
	struct nset n;
	struct cache_stats st;

	cache_conf_init(&cc);
	cc.min_ttl = 60;
	cc.max_ttl = 1000;
	cc.neg_max_ttl = 500;
	c = cache_new(&cc);
	cache_insert(c, mk_a(&a, "low.example.", 1, 10, RANK_ANSWER), 0);
	CHECK(get(c, "low.example.", T_A, 0, 0, &h) == 1 && h.set.ttl == 60);
	CHECK(get(c, "low.example.", T_A, 59000, 0, &h) == 1);
	cache_insert(c, mk_a(&a, "high.example.", 1, 50000, RANK_ANSWER), 0);
	CHECK(get(c, "high.example.", T_A, 0, 0, &h) == 1 &&
	      h.set.ttl == 1000);
	CHECK(get(c, "high.example.", T_A, 1000000, 0, &h) == 0);
	cache_insert(c, mk_neg(&n, "nodata.example.", RRSET_NODATA, T_A, 7200),
		     0);
	CHECK(get(c, "nodata.example.", T_A, 0, 0, &h) == 1 &&
	      h.set.ttl == 500 && h.set.kind == RRSET_NODATA);
	/* TTL 0 is not stored, whatever min_ttl says. */
	CHECK(cache_insert(c, mk_a(&a, "zero.example.", 1, 0, RANK_ANSWER),
			   0) == 0);
	CHECK(get(c, "zero.example.", T_A, 0, 0, &h) == 0);
	cache_get_stats(c, &st);
	CHECK(st.entries == 3 && st.inserts == 3);
	cache_free(c);
}

static void test_rank(void)
{
	struct cache *c = mk_cache();
	struct cache_hit h;
	struct aset a;
	uint8_t n[NAME_MAXLEN];

	CHECK(cache_insert(c, mk_a(&a, "r.example.", 1, 100, RANK_ANSWER),
			   0) == 0);
	CHECK(cache_insert(c, mk_a(&a, "r.example.", 2, 100, RANK_GLUE),
			   1000) == 1);
	CHECK(get(c, "r.example.", T_A, 1000, 0, &h) == 1 &&
	      h.set.rdata[5] == 1 && h.set.rank == RANK_ANSWER);
	/* Equal rank: fresher data replaces. */
	CHECK(cache_insert(c, mk_a(&a, "r.example.", 3, 100, RANK_ANSWER),
			   2000) == 0);
	CHECK(get(c, "r.example.", T_A, 2000, 0, &h) == 1 &&
	      h.set.rdata[5] == 3 && h.set.ttl == 100);
	/* Higher rank replaces lower. */
	CHECK(cache_insert(c, mk_a(&a, "r.example.", 4, 100, RANK_LOCAL),
			   2000) == 0);
	CHECK(get(c, "r.example.", T_A, 2000, 0, &h) == 1 &&
	      h.set.rdata[5] == 4);
	/* Once expired, lower rank data replaces it. */
	CHECK(cache_insert(c, mk_a(&a, "r.example.", 5, 100, RANK_GLUE),
			   102000) == 0);
	/* Glue is never given to clients... */
	CHECK(get(c, "r.example.", T_A, 102000, 0, &h) == 0);
	/* ...but the iterator sees it. */
	CHECK(cache_get(c, nm(n, "r.example."), T_A, C_IN, 102000, 0,
			RANK_GLUE, &h, buf, sizeof(buf)) == 1 &&
	      h.set.rdata[5] == 5);
	cache_free(c);
}

static void test_nxdomain(void)
{
	struct cache *c = mk_cache();
	struct cache_hit h;
	struct aset a;
	struct nset n;
	uint8_t soa[NAME_MAXLEN];

	CHECK(cache_insert(c, mk_neg(&n, "gone.example.", RRSET_NXDOMAIN, T_A,
				     300), 0) == 0);
	CHECK(get(c, "gone.example.", T_A, 0, 0, &h) == 1);
	CHECK(h.set.kind == RRSET_NXDOMAIN && h.set.type == 0);
	CHECK(h.set.count == 1 && h.set.rdata_len == 24);
	CHECK(h.set.soa_owner &&
	      name_equal(h.set.soa_owner, nm(soa, "example.")));
	CHECK(get(c, "gone.example.", T_AAAA, 0, 0, &h) == 1 &&
	      h.set.kind == RRSET_NXDOMAIN);
	/* The name appears later: its new data wins for its type. */
	cache_insert(c, mk_a(&a, "gone.example.", 9, 300, RANK_ANSWER), 1000);
	CHECK(get(c, "gone.example.", T_A, 1000, 0, &h) == 1 &&
	      h.set.kind == RRSET_POSITIVE && h.set.rdata[5] == 9);
	CHECK(get(c, "gone.example.", T_AAAA, 1000, 0, &h) == 1 &&
	      h.set.kind == RRSET_NXDOMAIN);
	/* And a newer NXDOMAIN hides the older positive set. */
	cache_insert(c, mk_neg(&n, "gone.example.", RRSET_NXDOMAIN, T_A, 300),
		     2000);
	CHECK(get(c, "gone.example.", T_A, 2000, 0, &h) == 1 &&
	      h.set.kind == RRSET_NXDOMAIN && h.set.ttl == 300);
	CHECK(get(c, "gone.example.", T_A, 301500, 0, &h) == 1 &&
	      h.set.kind == RRSET_NXDOMAIN);
	/* Both past their TTL: a miss. */
	CHECK(get(c, "gone.example.", T_A, 302000, 0, &h) == 0);
	cache_free(c);
}

static void test_stale(void)
{
	struct cache_conf cc;
	struct cache *c;
	struct cache_hit h;
	struct aset a;

	cache_conf_init(&cc);
	cc.stale_ttl = 100;
	cc.stale_answer_ttl = 30;
	c = cache_new(&cc);
	cache_insert(c, mk_a(&a, "s.example.", 1, 10, RANK_ANSWER), 0);
	CHECK(get(c, "s.example.", T_A, 9000, CACHE_STALE, &h) == 1 &&
	      !h.stale && h.set.ttl == 1);
	CHECK(get(c, "s.example.", T_A, 15000, 0, &h) == 0);
	CHECK(get(c, "s.example.", T_A, 15000, CACHE_STALE, &h) == 1);
	CHECK(h.stale && h.set.ttl == 30 && h.set.rdata[5] == 1 &&
	      !h.prefetch);
	CHECK(get(c, "s.example.", T_A, 109999, CACHE_STALE, &h) == 1 &&
	      h.stale);
	CHECK(get(c, "s.example.", T_A, 110000, CACHE_STALE, &h) == 0);
	cache_free(c);

	cc.stale_ttl = 0;
	c = cache_new(&cc);
	cache_insert(c, mk_a(&a, "s.example.", 1, 10, RANK_ANSWER), 0);
	CHECK(get(c, "s.example.", T_A, 10000, CACHE_STALE, &h) == 0);
	cache_free(c);
}

/* Expired data whose refresh failed is answered as it is, without a new
 * refresh, for CACHE_RECHECK_S (RFC 8767 4); then refreshed again. */
static void test_stale_recheck(void)
{
	const unsigned rc = CACHE_STALE | CACHE_RECHECK;
	struct cache_conf cc;
	struct cache *c;
	struct cache_hit h;
	struct aset a;

	cache_conf_init(&cc);
	cc.stale_ttl = 100;
	c = cache_new(&cc);
	cache_insert(c, mk_a(&a, "s.example.", 1, 10, RANK_ANSWER), 0);
	cache_insert(c, mk_a(&a, "t.example.", 2, 60, RANK_ANSWER), 0);
	CHECK(get(c, "t.example.", T_A, 20000, rc, &h) == 1 && !h.stale);
	CHECK(get(c, "s.example.", T_A, 20000, rc, &h) == 0);
	CHECK(get(c, "s.example.", T_A, 20000, CACHE_STALE, &h) == 1);
	CHECK(get(c, "s.example.", T_A, 20000, rc, &h) == 0); /* no failure */
	CHECK(get(c, "s.example.", T_A, 20000,
		  CACHE_STALE | CACHE_STALE_FAILED, &h) == 1 && h.stale);
	CHECK(get(c, "s.example.", T_A, 20000, rc, &h) == 1 && h.stale &&
	      h.set.rdata[5] == 1);
	CHECK(get(c, "s.example.", T_A, 20000 + CACHE_RECHECK_S * 1000 - 1,
		  rc, &h) == 1);
	CHECK(get(c, "s.example.", T_A, 20000 + CACHE_RECHECK_S * 1000, rc,
		  &h) == 0);
	/* a fresh entry ends it */
	cache_insert(c, mk_a(&a, "s.example.", 3, 10, RANK_ANSWER), 30000);
	CHECK(get(c, "s.example.", T_A, 41000, rc, &h) == 0);
	cache_free(c);
}

static void test_prefetch(void)
{
	struct cache *c = mk_cache();   /* prefetch_pct 10 */
	struct cache_hit h;
	struct aset a;

	cache_insert(c, mk_a(&a, "p.example.", 1, 100, RANK_ANSWER), 0);
	CHECK(get(c, "p.example.", T_A, 50000, 0, &h) == 1 && !h.prefetch);
	CHECK(get(c, "p.example.", T_A, 89999, 0, &h) == 1 && !h.prefetch);
	/* at 10% left, as Unbound (90% of the TTL gone) */
	CHECK(get(c, "p.example.", T_A, 90000, 0, &h) == 1 && h.prefetch);
	CHECK(get(c, "p.example.", T_A, 91000, 0, &h) == 1 && !h.prefetch);
	CHECK(get(c, "p.example.", T_A, 99000, 0, &h) == 1 && !h.prefetch);
	/* A refresh that failed (the entry was not replaced) is asked of
	 * another caller some seconds later, not at once. */
	cache_insert(c, mk_a(&a, "q.example.", 1, 1000, RANK_ANSWER), 0);
	CHECK(get(c, "q.example.", T_A, 900000, 0, &h) == 1 && h.prefetch);
	CHECK(get(c, "q.example.", T_A, 905000, 0, &h) == 1 && !h.prefetch);
	CHECK(get(c, "q.example.", T_A, 900000 + CACHE_PREFETCH_RETRY_S * 1000,
		  0, &h) == 1 && h.prefetch);
	/* The refreshed entry may ask again near its own expiry. */
	cache_insert(c, mk_a(&a, "p.example.", 1, 100, RANK_ANSWER), 99000);
	CHECK(get(c, "p.example.", T_A, 100000, 0, &h) == 1 && !h.prefetch);
	CHECK(get(c, "p.example.", T_A, 195000, 0, &h) == 1 && h.prefetch);
	cache_free(c);
}

#define T_NS 2

/* Any rank at or above glue (the iterator's view of delegations). */
static int get_ns(struct cache *c, const char *name, uint16_t type,
		  uint64_t now, struct cache_hit *h)
{
	uint8_t n[NAME_MAXLEN];

	return cache_get(c, nm(n, name), type, C_IN, now, 0, RANK_GLUE, h,
			 buf, sizeof(buf));
}

/* An NS set (its RDATA does not matter to the cache). */
static struct rrset *mk_ns(struct aset *a, const char *owner, uint8_t last,
			   uint32_t ttl, uint8_t rank)
{
	struct rrset *s = mk_a(a, owner, last, ttl, rank);

	s->type = T_NS;
	return s;
}

/* Ghost domains: the child's NS set and its name servers' addresses,
 * however long their TTLs and however high their rank, expire with
 * the delegation they replace; once it expired, they are new data. */
static void test_ghost_bounds(void)
{
	struct cache *c = mk_cache();
	struct cache_hit h;
	struct aset a;

	cache_insert(c, mk_ns(&a, "g.example.", 1, 10, RANK_GLUE), 0);
	CHECK(cache_insert(c, mk_ns(&a, "g.example.", 2, 7200, RANK_ANSWER),
			   1000) == 0);
	CHECK(get_ns(c, "g.example.", T_NS, 1000, &h) == 1 &&
	      h.set.ttl == 9 && h.set.rank == RANK_ANSWER &&
	      h.set.rdata[5] == 2);
	/* a shorter TTL is kept as given */
	cache_insert(c, mk_ns(&a, "g.example.", 3, 5, RANK_ANSWER), 2000);
	CHECK(get_ns(c, "g.example.", T_NS, 2000, &h) == 1 && h.set.ttl == 5);
	CHECK(get_ns(c, "g.example.", T_NS, 7000, &h) == 0);
	cache_insert(c, mk_ns(&a, "g.example.", 4, 7200, RANK_ANSWER), 7000);
	CHECK(get_ns(c, "g.example.", T_NS, 7000, &h) == 1 &&
	      h.set.ttl == 7200);

	/* glue, then the child's answer (twice), then the parent again */
	cache_insert(c, mk_a(&a, "ns.g.example.", 1, 4, RANK_GLUE), 0);
	CHECK(cache_insert(c, mk_a(&a, "ns.g.example.", 1, 7200, RANK_ANSWER),
			   0) == 0);
	CHECK(get(c, "ns.g.example.", T_A, 0, 0, &h) == 1 && h.set.ttl == 4);
	cache_insert(c, mk_a(&a, "ns.g.example.", 1, 7200, RANK_ANSWER), 1000);
	CHECK(get(c, "ns.g.example.", T_A, 1000, 0, &h) == 1 &&
	      h.set.ttl == 3);
	CHECK(cache_insert(c, mk_a(&a, "ns.g.example.", 7, 100, RANK_GLUE),
			   2000) == 0);
	CHECK(get_ns(c, "ns.g.example.", T_A, 2000, &h) == 1 &&
	      h.set.ttl == 100 && h.set.rdata[5] == 7);
	/* answers over answers are not bounded */
	cache_insert(c, mk_a(&a, "www.g.example.", 1, 300, RANK_ANSWER), 0);
	cache_insert(c, mk_a(&a, "www.g.example.", 1, 600, RANK_ANSWER), 0);
	CHECK(get(c, "www.g.example.", T_A, 0, 0, &h) == 1 && h.set.ttl == 600);
	cache_free(c);
}

/* cache_insert_from: the bound holds against an entry live when the
 * resolution began; a look-ahead counts entries near expiry as gone. */
static void test_insert_from(void)
{
	struct cache *c = mk_cache();
	uint8_t n[NAME_MAXLEN];
	struct cache_hit h;
	struct aset a;

	cache_insert(c, mk_ns(&a, "t.example.", 1, 10, RANK_GLUE), 0);
	CHECK(cache_insert_from(c, mk_ns(&a, "t.example.", 1, 3600,
					 RANK_AUTHORITY), 15000, 5000, 0) == 0);
	CHECK(get_ns(c, "t.example.", T_NS, 15000, &h) == 0);
	CHECK(cache_expired(c, nm(n, "t.example."), T_NS, C_IN, 15000));
	/* started after the expiry: new data */
	cache_insert_from(c, mk_ns(&a, "t.example.", 1, 3600, RANK_AUTHORITY),
			  20000, 16000, 0);
	CHECK(get_ns(c, "t.example.", T_NS, 20000, &h) == 1 &&
	      h.set.ttl == 3600);
	CHECK(!cache_expired(c, nm(n, "t.example."), T_NS, C_IN, 20000));

	cache_insert(c, mk_ns(&a, "p.example.", 1, 100, RANK_ANSWER), 0);
	CHECK(cache_insert_from(c, mk_ns(&a, "p.example.", 2, 3600, RANK_GLUE),
				95000, 95000, 0) == 1);
	CHECK(cache_insert_from(c, mk_ns(&a, "p.example.", 2, 3600, RANK_GLUE),
				95000, 95000, 60000) == 0);
	CHECK(get_ns(c, "p.example.", T_NS, 95000, &h) == 1 &&
	      h.set.ttl == 3600 && h.set.rank == RANK_GLUE);
	cache_free(c);
}

static void test_expired_remove(void)
{
	struct cache *c = mk_cache();
	uint8_t n[NAME_MAXLEN];
	struct cache_hit h;
	struct aset a;
	struct nset ng;

	nm(n, "r.example.");
	CHECK(!cache_expired(c, n, T_NS, C_IN, 0));
	cache_insert(c, mk_ns(&a, "r.example.", 1, 10, RANK_GLUE), 0);
	CHECK(!cache_expired(c, n, T_NS, C_IN, 9999));
	CHECK(cache_expired(c, n, T_NS, C_IN, 10000));
	CHECK(cache_expired(c, n, T_NS, C_IN, 1000u * 86400 * 30));
	CHECK(!cache_expired(c, n, T_A, C_IN, 10000));
	cache_insert(c, mk_a(&a, "r.example.", 1, 10, RANK_ANSWER), 0);
	cache_remove(c, n, T_NS, C_IN);
	CHECK(!cache_expired(c, n, T_NS, C_IN, 10000));
	CHECK(get(c, "r.example.", T_A, 0, 0, &h) == 1);
	/* negative entries are not delegations */
	cache_insert(c, mk_neg(&ng, "q.example.", RRSET_NODATA, T_NS, 10), 0);
	CHECK(!cache_expired(c, nm(n, "q.example."), T_NS, C_IN, 20000));
	cache_free(c);
}

static void test_flush(void)
{
	struct cache *c = mk_cache();
	static const char *const names[] = {
		"a.example.", "b.a.example.", "example.", "other.test.",
		"xa.example.",
	};
	struct cache_hit h;
	struct cache_stats st;
	struct aset a;
	uint8_t n[NAME_MAXLEN];
	size_t empty;

	cache_get_stats(c, &st);
	empty = st.bytes;
	CHECK(st.entries == 0 && empty > 0);
	for (unsigned i = 0; i < 5; i++)
		cache_insert(c, mk_a(&a, names[i], 1, 100, RANK_ANSWER), 0);
	cache_get_stats(c, &st);
	CHECK(st.entries == 5 && st.bytes > empty + 5 * 20);
	cache_flush_name(c, nm(n, "A.Example."));
	CHECK(get(c, "a.example.", T_A, 0, 0, &h) == 0);
	CHECK(get(c, "b.a.example.", T_A, 0, 0, &h) == 0);
	CHECK(get(c, "example.", T_A, 0, 0, &h) == 1);
	CHECK(get(c, "other.test.", T_A, 0, 0, &h) == 1);
	CHECK(get(c, "xa.example.", T_A, 0, 0, &h) == 1);
	cache_get_stats(c, &st);
	CHECK(st.entries == 3 && st.hits == 3 && st.misses == 2);
	cache_flush(c);
	cache_get_stats(c, &st);
	CHECK(st.entries == 0 && st.bytes == empty);
	CHECK(get(c, "example.", T_A, 0, 0, &h) == 0);
	cache_free(c);
}

static void test_evict_bound(void)
{
	struct cache_conf cc;
	struct cache *c;
	struct cache_stats st;
	struct aset a;
	char name[64];
	bool under = true;

	cache_conf_init(&cc);
	cc.max_bytes = 32768;
	c = cache_new(&cc);
	for (unsigned i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "host%u.example.", i);
		cache_insert(c, mk_a(&a, name, 1, 3600, RANK_ANSWER), i);
		cache_get_stats(c, &st);
		if (st.bytes > cc.max_bytes)
			under = false;
	}
	CHECK(under);
	cache_get_stats(c, &st);
	CHECKF(st.entries > 50 && st.evictions > 1000,
	       "entries %zu evictions %llu", st.entries,
	       (unsigned long long)st.evictions);
	CHECK(st.inserts == 2000);
	cache_free(c);
}

/* Entries read between inserts outlive entries nobody reads. */
static void test_evict_recent(void)
{
	struct cache_conf cc;
	struct cache *c;
	struct cache_hit h;
	struct aset a;
	char name[64];
	unsigned hot = 0, cold = 0;

	cache_conf_init(&cc);
	cc.max_bytes = 32768;
	c = cache_new(&cc);
	for (unsigned i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "keep%u.example.", i);
		cache_insert(c, mk_a(&a, name, 1, 3600, RANK_ANSWER), 0);
	}
	for (unsigned i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "churn%u.example.", i);
		cache_insert(c, mk_a(&a, name, 1, 3600, RANK_ANSWER), 0);
		for (unsigned k = 0; k < 50; k += 1 + (i & 1)) {
			snprintf(name, sizeof(name), "keep%u.example.", k);
			get(c, name, T_A, 0, 0, &h);
		}
	}
	for (unsigned i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "keep%u.example.", i);
		if (get(c, name, T_A, 0, 0, &h) == 1)
			*(i < 50 ? &hot : &cold) += 1;
	}
	CHECKF(hot >= 45 && cold <= 5, "hot %u cold %u", hot, cold);
	cache_free(c);
}

/* Threads: readers check that every hit is whole (its RDATA names the
 * owner's number), writers replace, flush and evict under them. */
#define MT_NAMES 400
#define MT_MS 1000

struct mt {
	struct cache *c;
	unsigned seed;
	bool writer;
	unsigned long ops, bad;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void mt_step(struct mt *m, uint8_t *hbuf, uint64_t now)
{
	unsigned i = (unsigned)rand_r(&m->seed) % MT_NAMES;
	char text[64];
	uint8_t n[NAME_MAXLEN];
	struct cache_hit h;
	struct aset a;

	snprintf(text, sizeof(text), "n%u.mt.example.", i);
	if (m->writer) {
		if (rand_r(&m->seed) % 500 == 0) {
			cache_flush_name(m->c, nm(n, "mt.example."));
			return;
		}
		cache_insert(m->c, mk_a(&a, text, (uint8_t)i, 1 + i % 50,
					RANK_ANSWER), now);
		return;
	}
	if (cache_get(m->c, nm(n, text), T_A, C_IN, now, CACHE_STALE, 0, &h,
		      hbuf, BUF_CAP) == 1 &&
	    (h.set.rdata_len != 6 || h.set.rdata[5] != (uint8_t)i ||
	     !name_equal(h.set.owner, n)))
		m->bad++;
}

static void *mt_run(void *arg)
{
	struct mt *m = arg;
	uint8_t *hbuf = malloc(BUF_CAP);
	uint64_t start = mono_ms(), now;

	rcu_register_thread();
	while ((now = mono_ms()) - start < MT_MS) {
		for (unsigned k = 0; k < 64; k++)
			mt_step(m, hbuf, now);
		m->ops += 64;
	}
	rcu_unregister_thread();
	free(hbuf);
	return NULL;
}

static void test_threads(void)
{
	struct cache_conf cc;
	struct cache *c;
	struct cache_stats st;
	struct mt m[4];
	pthread_t t[4];

	cache_conf_init(&cc);
	cc.max_bytes = 20000;   /* fewer than MT_NAMES fit: evictions too */
	cc.stale_ttl = 5;
	c = cache_new(&cc);
	for (unsigned i = 0; i < 4; i++) {
		m[i] = (struct mt){ .c = c, .seed = i + 1, .writer = i >= 2 };
		pthread_create(&t[i], NULL, mt_run, &m[i]);
	}
	for (unsigned i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK(m[0].bad == 0 && m[1].bad == 0);
	CHECK(m[0].ops > 1000 && m[2].ops > 1000);
	cache_get_stats(c, &st);
	CHECKF(st.bytes <= cc.max_bytes, "bytes %zu", st.bytes);
	CHECK(st.hits > 0 && st.evictions > 0);
	cache_free(c);
}

/* A key that is replaced over and over is never missing for a reader:
 * replacement is one pointer store. */
struct gap {
	struct cache *c;
	atomic_bool stop;
	unsigned long reads, misses, writes;
};

static void *gap_writer(void *arg)
{
	struct gap *g = arg;
	struct aset a;
	char other[32];

	rcu_register_thread();
	while (!atomic_load(&g->stop)) {
		cache_insert(g->c, mk_a(&a, "k.example.", (uint8_t)g->writes,
					3600, RANK_ANSWER), 0);
		/* Others come and go too, some of them in k's chain. */
		snprintf(other, sizeof(other), "j%lu.example.",
			 g->writes % 512);
		cache_insert(g->c, mk_a(&a, other, 1, 3600, RANK_ANSWER), 0);
		g->writes++;
	}
	rcu_unregister_thread();
	return NULL;
}

static void test_replace_no_gap(void)
{
	struct cache_conf cc;
	struct gap g = { .reads = 0 };
	struct cache_stats st;
	struct cache_hit h;
	pthread_t t;
	uint8_t *hbuf = malloc(BUF_CAP), n[NAME_MAXLEN];
	uint64_t start = mono_ms();
	struct aset a;

	cache_conf_init(&cc);
	cc.max_bytes = 131072;  /* 512 buckets; everything fits */
	g.c = cache_new(&cc);
	cache_insert(g.c, mk_a(&a, "k.example.", 0, 3600, RANK_ANSWER), 0);
	atomic_init(&g.stop, false);
	pthread_create(&t, NULL, gap_writer, &g);
	nm(n, "k.example.");
	while (mono_ms() - start < 300) {
		for (unsigned k = 0; k < 256; k++, g.reads++)
			if (cache_get(g.c, n, T_A, C_IN, 0, 0, 0, &h, hbuf,
				      BUF_CAP) != 1)
				g.misses++;
	}
	atomic_store(&g.stop, true);
	pthread_join(t, NULL);
	cache_get_stats(g.c, &st);
	CHECKF(g.misses == 0 && g.writes > 100 && st.evictions == 0,
	       "misses %lu of %lu, writes %lu", g.misses, g.reads, g.writes);
	cache_free(g.c);
	free(hbuf);
}

/* DNSSEC: the RRSIGs that follow a set's RDATA are kept and copied out
 * with it, the status with them; bogus data lives 60 s at most; RRSIG
 * items that do not add up are refused. */
static void test_dnssec(void)
{
	struct cache *c = mk_cache();
	struct cache_hit h;
	struct aset a;
	/* an A item, then two stand-in RRSIG items of 3 and 1 octets */
	uint8_t rd[6 + 5 + 3] = { 0, 4, 192, 0, 2, 9, 0, 3, 0, 1, 8, 0, 1,
				  7 };
	struct rrset *s = mk_a(&a, "sig.example.", 9, 3600, RANK_ANSWER);

	s->rdata = rd;
	s->nsigs = 2;
	s->sigs_len = 8;
	s->sec = SEC_SECURE;
	CHECK(cache_insert(c, s, 0) == 0);
	CHECK(get(c, "sig.example.", T_A, 1000, 0, &h) == 1);
	CHECK(h.set.count == 1 && h.set.rdata_len == 6 && h.set.nsigs == 2 &&
	      h.set.sigs_len == 8 && h.set.sec == SEC_SECURE);
	CHECK(memcmp(rrset_sigs(&h.set), rd + 6, 8) == 0);
	CHECK(h.set.ttl == 3599);
	/* bogus: the same data, 60 s at most, the result kept */
	s->sec = SEC_BOGUS;
	s->why = 7;
	CHECK(cache_insert(c, s, 2000) == 0);
	CHECK(get(c, "sig.example.", T_A, 2000, 0, &h) == 1);
	CHECK(h.set.sec == SEC_BOGUS && h.set.why == 7 &&
	      h.set.ttl == CACHE_BOGUS_TTL);
	CHECK(get(c, "sig.example.", T_A, 2000 + CACHE_BOGUS_TTL * 1000, 0,
		  &h) == 0);
	CHECK(cache_ttl(c, s) == CACHE_BOGUS_TTL);
	s->sigs_len = 7;        /* the items do not add up */
	CHECK(cache_insert(c, s, 3000) == BN_EINVAL);
	s->sigs_len = 8;
	s->sec = SEC_BOGUS + 1;
	CHECK(cache_insert(c, s, 3000) == BN_EINVAL);
	/* validation off: nothing of it */
	CHECK(cache_insert(c, mk_a(&a, "plain.example.", 1, 300, RANK_ANSWER),
			   0) == 0);
	CHECK(get(c, "plain.example.", T_A, 0, 0, &h) == 1 &&
	      h.set.nsigs == 0 && h.set.sigs_len == 0 &&
	      h.set.sec == SEC_UNCHECKED);
	cache_free(c);
}

/* cache_walk: every live entry once, with its TTL left and kind; the
 * subtree of a name only; stale entries marked; a stop honoured. */
struct walked {
	unsigned n, neg, stale, stop_at;
	uint32_t ttl_sum;
};

static int walk_one(void *ctx, const struct cache_item *it)
{
	struct walked *w = ctx;

	if (w->stop_at && w->n == w->stop_at)
		return 1;
	w->n++;
	w->neg += it->kind != RRSET_POSITIVE;
	w->stale += it->stale;
	w->ttl_sum += it->ttl_left;
	return 0;
}

static void test_walk(void)
{
	struct cache *c = mk_cache();
	static const char *const names[] = {
		"a.example.", "b.a.example.", "example.", "other.test.",
	};
	struct walked w = { 0 };
	struct aset a;
	struct nset ng;
	uint8_t n[NAME_MAXLEN];

	for (unsigned i = 0; i < 4; i++)
		cache_insert(c, mk_a(&a, names[i], 1, 100, RANK_ANSWER), 0);
	cache_insert(c, mk_neg(&ng, "gone.example.", RRSET_NXDOMAIN, 0, 50),
		     0);
	CHECK(cache_walk(c, NULL, 10000, walk_one, &w) == 5);
	CHECK(w.n == 5 && w.neg == 1 && w.stale == 0);
	CHECK(w.ttl_sum == 4 * 90 + 40);
	memset(&w, 0, sizeof(w));
	CHECK(cache_walk(c, nm(n, "a.example."), 10000, walk_one, &w) == 2);
	CHECK(w.n == 2 && w.neg == 0);
	memset(&w, 0, sizeof(w));
	CHECK(cache_walk(c, NULL, 60000, walk_one, &w) == 5);
	CHECK(w.stale == 1 && w.ttl_sum == 4 * 40);
	memset(&w, 0, sizeof(w));
	w.stop_at = 3;
	CHECK(cache_walk(c, NULL, 0, walk_one, &w) == 3 && w.n == 3);
	cache_free(c);
}

/* The cache file: written, read back into another cache with TTLs aged
 * by the wall clock's move; expired entries, garbage, a cut file. */
struct filebuf {
	uint8_t p[8192];
	size_t len;
};

static int to_buf(void *ctx, const uint8_t *p, size_t n)
{
	struct filebuf *f = ctx;

	if (f->len + n > sizeof(f->p))
		return -1;
	memcpy(f->p + f->len, p, n);
	f->len += n;
	return 0;
}

static void test_file(void)
{
	struct cache *c = mk_cache(), *c2 = mk_cache();
	struct cache_load_stats st;
	static struct filebuf f;
	struct cache_hit h;
	struct aset a;
	struct nset ng;

	cache_insert(c, mk_a(&a, "long.example.", 1, 1000, RANK_ANSWER), 0);
	cache_insert(c, mk_a(&a, "short.example.", 2, 100, RANK_GLUE), 0);
	cache_insert(c, mk_neg(&ng, "gone.example.", RRSET_NXDOMAIN, 0, 200),
		     0);
	CHECK(cache_save(c, 0, 50000, to_buf, &f) == 3);
	/* 150 s later: short expired, the others aged */
	CHECK(cache_load(c2, f.p, f.len, 7000, 50150, &st) == 0);
	CHECK(st.loaded == 2 && st.expired == 1 && st.refused == 0);
	CHECK(get(c2, "long.example.", T_A, 7000, 0, &h) == 1 &&
	      h.set.ttl == 850 && h.set.rank == RANK_ANSWER);
	CHECK(get(c2, "gone.example.", T_AAAA, 7000, 0, &h) == 1 &&
	      h.set.kind == RRSET_NXDOMAIN && h.set.ttl == 50);
	CHECK(get(c2, "short.example.", T_A, 7000, 0, &h) == 0);
	/* a clock gone backwards ages nothing */
	cache_flush(c2);
	CHECK(cache_load(c2, f.p, f.len, 0, 10, &st) == 0 && st.loaded == 3);
	/* not a cache file; a file cut inside its last record */
	cache_flush(c2);
	CHECK(cache_load(c2, (const uint8_t *)"hello", 5, 0, 0, &st) ==
	      BN_EINVAL && st.loaded == 0);
	CHECK(cache_load(c2, f.p, f.len - 30, 0, 50000, &st) == BN_EINVAL &&
	      st.loaded == 2);
	cache_free(c);
	cache_free(c2);
}

int main(void)
{
	rcu_register_thread();
	test_dnssec();
	test_insert_get();
	test_invalid();
	test_caps();
	test_rank();
	test_nxdomain();
	test_stale();
	test_stale_recheck();
	test_prefetch();
	test_ghost_bounds();
	test_insert_from();
	test_expired_remove();
	test_flush();
	test_evict_bound();
	test_evict_recent();
	test_threads();
	test_replace_no_gap();
	test_walk();
	test_file();
	rcu_unregister_thread();
	return check_done();
}
