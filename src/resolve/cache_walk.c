/* Reading the whole cache (cache.h: cache_walk), for banchi-ctl
 * dump-cache: an RCU reader like the hit path, bucket by bucket, so
 * that it neither blocks writers nor copies the table. */
#include <string.h>

#include "resolve/cache_int.h"
#include "wire/name.h"

static void item_of(const struct centry *e, uint64_t now_ms,
		    struct cache_item *it)
{
	it->owner = e->data;
	it->soa_owner = e->soa_len ? e->data + e->owner_len : NULL;
	it->type = e->type;
	it->rclass = e->rclass;
	it->kind = e->kind;
	it->rank = e->rank;
	it->sec = e->sec;
	it->count = e->count;
	it->rdata = e->data + e->owner_len + e->soa_len;
	it->rdata_len = e->rdata_len;
	it->stale = now_ms >= e->expire_ms;
	it->ttl_left = it->stale ? 0 :
		       (uint32_t)((e->expire_ms - now_ms + 999) / 1000);
}

size_t cache_walk(struct cache *c, const uint8_t *name, uint64_t now_ms,
		  cache_walk_fn *fn, void *ctx)
{
	struct cache_item it;
	size_t n = 0;
	int stop = 0;

	rcu_read_lock();
	for (size_t b = 0; b <= c->mask && !stop; b++) {
		const struct centry *e = rcu_dereference(c->buckets[b]);

		for (; e && !stop; e = rcu_dereference(e->next)) {
			if (centry_dead(c, e, now_ms) ||
			    (name && !name_is_subdomain(e->data, name)))
				continue;
			item_of(e, now_ms, &it);
			stop = fn(ctx, &it);
			n += !stop;
		}
	}
	rcu_read_unlock();
	return n;
}
