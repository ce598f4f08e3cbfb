/* libFuzzer target for the cache file (resolve/cache_file.h): any bytes
 * read back into a cache must never crash, and whatever was taken must
 * be written out and read back again to the same entries (the format
 * round-trips). Entries are looked up as the hit path would. */
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "resolve/cache.h"
#include "resolve/cache_file.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

struct out {
	uint8_t *p;
	size_t len, cap;
};

static int collect(void *ctx, const uint8_t *p, size_t n)
{
	struct out *o = ctx;

	if (o->len + n > o->cap) {
		size_t cap = (o->len + n) * 2;
		uint8_t *np = realloc(o->p, cap);
		if (!np)
			return -1;
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->len, p, n);
	o->len += n;
	return 0;
}

static struct cache *fresh(void)
{
	struct cache_conf cc;

	cache_conf_init(&cc);
	cc.max_bytes = 1 << 20;
	return cache_new(&cc);
}

/* Every entry found again in the cache it was saved from. */
static int lookup(void *ctx, const struct cache_item *it)
{
	static uint8_t buf[65536 + 2 * 256];
	struct cache_hit h;

	ASSERT(cache_get(ctx, it->owner, it->type ? it->type : 1, it->rclass,
			 0, CACHE_STALE, 0, &h, buf, sizeof(buf)) >= 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cache *c, *c2;    /* made once: flushed each run */
	struct cache_load_stats st, st2;
	struct out o = { 0 };
	long n;

	if (!c) {
		rcu_register_thread();
		c = fresh();
		c2 = fresh();
		ASSERT(c && c2);
	}
	cache_flush(c);
	cache_flush(c2);
	cache_load(c, data, size, 0, 1000, &st);
	cache_walk(c, NULL, 0, lookup, c);
	n = cache_save(c, 0, 1000, collect, &o);
	ASSERT(n >= 0);
	ASSERT(cache_load(c2, o.p, o.len, 0, 1000, &st2) == 0);
	ASSERT(st2.loaded + st2.refused == (size_t)n && st2.expired == 0);
	free(o.p);
	return 0;
}
