/* Unit tests for the cache's NSEC index (cache_nsec.c, RFC 8198): the
 * covering owner found per zone in canonical order, the closest zone,
 * DS above the name, only secure NSEC of the signer's zone indexed, and
 * the node going with its entry (replaced, removed, flushed, evicted),
 * bytes bounded; readers against a writer that evicts, on threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "check.h"
#include "resolve/cache.h"
#include "wire/name.h"
#include "wire/rrtype.h"

/* An NSEC set of one record (next name, empty bitmap) with one RRSIG
 * whose signer is zone (its signature is not checked here). */
struct nset {
	uint8_t owner[NAME_MAXLEN];
	uint8_t data[2 * (2 + NAME_MAXLEN + 18 + 64)];
	struct rrset s;
};

static size_t put_name(uint8_t *p, const char *text)
{
	int n = name_from_text(p, text, strlen(text), NULL);

	if (n < 0)
		abort();
	return (size_t)n;
}

static struct rrset *mk_nsec(struct nset *x, const char *owner,
			     const char *next, const char *zone, uint8_t sec)
{
	uint8_t *p = x->data;
	size_t n;

	memset(&x->s, 0, sizeof(x->s));
	put_name(x->owner, owner);
	n = put_name(p + 2, next);
	p[0] = 0;
	p[1] = (uint8_t)n;
	x->s.rdata_len = (uint32_t)(2 + n);
	p += 2 + n;
	memset(p + 2, 0, 18);
	p[2] = 0;
	p[3] = RR_NSEC;
	n = put_name(p + 2 + 18, zone);
	memset(p + 2 + 18 + n, 0xab, 8);        /* "signature" */
	p[0] = 0;
	p[1] = (uint8_t)(18 + n + 8);
	x->s.sigs_len = (uint32_t)(2 + 18 + n + 8);
	x->s.owner = x->owner;
	x->s.type = RR_NSEC;
	x->s.rclass = CLASS_IN;
	x->s.ttl = 300;
	x->s.kind = RRSET_POSITIVE;
	x->s.rank = RANK_AUTHORITY;
	x->s.count = 1;
	x->s.nsigs = 1;
	x->s.sec = sec;
	x->s.rdata = x->data;
	return &x->s;
}

static bool find(struct cache *c, const char *name, bool strict,
		 const char *zone, const char *owner)
{
	uint8_t n[NAME_MAXLEN], z[NAME_MAXLEN], o[NAME_MAXLEN];
	char zt[NAME_TEXT_MAX], ot[NAME_TEXT_MAX];

	put_name(n, name);
	if (!cache_nsec_find(c, n, strict, z, o))
		return zone == NULL;
	name_to_text(zt, sizeof(zt), z);
	name_to_text(ot, sizeof(ot), o);
	CHECKF(zone && !strcmp(zt, zone) && !strcmp(ot, owner),
	       "%s: %s %s", name, zt, ot);
	return zone && !strcmp(zt, zone) && !strcmp(ot, owner);
}

static void ins(struct cache *c, const char *owner, const char *next,
		const char *zone)
{
	struct nset x;
	uint8_t z[NAME_MAXLEN];

	put_name(z, zone);
	CHECK(cache_insert_nsec(c, mk_nsec(&x, owner, next, zone, SEC_SECURE),
				z, 0, 0, 0) == 0);
}

static void test_order(void)
{
	struct cache_conf cc;
	struct cache *c;
	uint8_t z[NAME_MAXLEN];

	cache_conf_init(&cc);
	c = cache_new(&cc);
	CHECK(find(c, "a.example.", false, NULL, NULL));
	ins(c, "example.", "b.example.", "example.");
	ins(c, "b.example.", "d.example.", "example.");
	ins(c, "x.b.example.", "b.example.", "b.example.");
	ins(c, "b.example.", "x.b.example.", "b.example.");
	/* the child's apex took the entry b.example. NSEC over */
	CHECK(find(c, "c.example.", false, "example.", "example."));
	CHECK(find(c, "a.example.", false, "example.", "example."));
	CHECK(find(c, "example.", false, "example.", "example."));
	CHECK(find(c, "c.b.example.", false, "b.example.", "b.example."));
	CHECK(find(c, "y.b.example.", false, "b.example.", "x.b.example."));
	CHECK(find(c, "b.example.", true, "example.", "example."));
	CHECK(find(c, "example.", true, NULL, NULL));
	CHECK(find(c, "other.", false, NULL, NULL));
	CHECK(find(c, "a.b.c.d.e.f.example.", false, "example.", "example."));
	/* pred in a zone */
	put_name(z, "example.");
	{
		uint8_t n[NAME_MAXLEN], o[NAME_MAXLEN];

		put_name(n, "*.example.");
		CHECK(cache_nsec_pred(c, z, n, o) && o[0] == 0 + 7);
	}
	cache_free(c);
}

static void test_lifetime(void)
{
	struct cache_conf cc;
	struct cache *c;
	struct nset x;
	struct cache_stats st;
	uint8_t z[NAME_MAXLEN], n[NAME_MAXLEN];
	char name[64];
	bool under = true;

	cache_conf_init(&cc);
	c = cache_new(&cc);
	put_name(z, "example.");
	/* not secure, another signer, another zone: not indexed */
	cache_insert_nsec(c, mk_nsec(&x, "a.example.", "c.example.",
				     "example.", SEC_INSECURE), z, 0, 0, 0);
	CHECK(find(c, "b.example.", false, NULL, NULL));
	cache_insert_nsec(c, mk_nsec(&x, "a.example.", "c.example.",
				     "other.", SEC_SECURE), z, 0, 0, 0);
	CHECK(find(c, "b.example.", false, NULL, NULL));
	put_name(n, "other.");
	cache_insert_nsec(c, mk_nsec(&x, "a.example.", "c.example.",
				     "other.", SEC_SECURE), n, 0, 0, 0);
	CHECK(find(c, "b.example.", false, NULL, NULL));
	/* replaced by a plain entry: gone; indexed again, then removed */
	ins(c, "a.example.", "c.example.", "example.");
	CHECK(find(c, "b.example.", false, "example.", "a.example."));
	cache_insert(c, mk_nsec(&x, "a.example.", "c.example.", "example.",
				SEC_UNCHECKED), 0);
	CHECK(find(c, "b.example.", false, NULL, NULL));
	ins(c, "a.example.", "c.example.", "example.");
	put_name(n, "a.example.");
	cache_remove(c, n, RR_NSEC, CLASS_IN);
	CHECK(find(c, "b.example.", false, NULL, NULL));
	ins(c, "a.example.", "c.example.", "example.");
	cache_flush(c);
	CHECK(find(c, "b.example.", false, NULL, NULL));
	cache_free(c);

	/* evicted with their entries, within the byte bound */
	cc.max_bytes = 65536;
	c = cache_new(&cc);
	for (unsigned i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "h%05u.example.", i);
		ins(c, name, "zz.example.", "example.");
		cache_get_stats(c, &st);
		under = under && st.bytes <= cc.max_bytes;
	}
	CHECK(under);
	CHECK(st.evictions > 1000 && st.entries < 1000);
	/* a node for each entry held, none for those evicted */
	for (unsigned i = 0, bad = 0; i < 3000 && !bad; i++) {
		static uint8_t hb[4096];
		struct cache_hit h;
		uint8_t o[NAME_MAXLEN];
		bool held, found;

		snprintf(name, sizeof(name), "h%05u.example.", i);
		put_name(n, name);
		held = cache_get(c, n, RR_NSEC, CLASS_IN, 0, CACHE_QUIET,
				 RANK_NONE, &h, hb, sizeof(hb)) == 1;
		snprintf(name, sizeof(name), "h%05ua.example.", i);
		put_name(n, name);
		found = cache_nsec_pred(c, z, n, o) &&
			name_labels(o) == 2 && o[0] == 6 &&
			memcmp(o + 1, name, 6) == 0;
		bad = held != found;
		CHECKF(!bad, "%s held %d found %d", name, held, found);
	}
	CHECK(find(c, "h02999a.example.", false, "example.", "h02999.example."));
	cache_flush(c);
	cache_get_stats(c, &st);
	CHECK(st.entries == 0);
	CHECK(find(c, "h02999a.example.", false, NULL, NULL));
	cache_free(c);
}

struct mt {
	struct cache *c;
	atomic_bool stop;
	unsigned found;
};

static void *reader(void *arg)
{
	struct mt *m = arg;
	uint8_t n[NAME_MAXLEN], z[NAME_MAXLEN], o[NAME_MAXLEN];
	static _Thread_local uint8_t hb[4096];
	struct cache_hit h;
	char name[64];

	rcu_register_thread();
	for (unsigned i = 0; i < 200000 && !atomic_load(&m->stop); i++) {
		snprintf(name, sizeof(name), "h%05ua.example.", i % 4000);
		put_name(n, name);
		if (cache_nsec_find(m->c, n, false, z, o) &&
		    cache_get(m->c, o, RR_NSEC, CLASS_IN, 0, CACHE_QUIET,
			      RANK_NONE, &h, hb, sizeof(hb)) == 1)
			m->found++;
	}
	rcu_unregister_thread();
	return NULL;
}

static void test_threads(void)
{
	struct cache_conf cc;
	struct mt m = { 0 };
	struct mt r2;
	pthread_t t[2];
	char name[64];

	cache_conf_init(&cc);
	cc.max_bytes = 65536;
	m.c = cache_new(&cc);
	atomic_init(&m.stop, false);
	r2 = m;
	CHECK(pthread_create(&t[0], NULL, reader, &m) == 0);
	CHECK(pthread_create(&t[1], NULL, reader, &r2) == 0);
	for (unsigned i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "h%05u.example.", i % 4000);
		ins(m.c, name, "zz.example.", "example.");
		if (i % 5000 == 2499)
			cache_flush(m.c);
	}
	atomic_store(&m.stop, true);
	atomic_store(&r2.stop, true);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	CHECK(find(m.c, "h03999a.example.", false, "example.",
		   "h03999.example."));
	cache_free(m.c);
}

int main(void)
{
	rcu_register_thread();
	test_order();
	test_lifetime();
	test_threads();
	rcu_unregister_thread();
	return check_done();
}
