/* Removing entries from the resolver cache: the CLOCK hand that keeps
 * the cache under max_bytes, and flushes. The hand walks the buckets;
 * an entry whose referenced bit is set (read since the last pass, or
 * new) loses the bit and stays, one without it goes. Entries past their
 * stale window go whenever the hand passes. One shard lock at a time. */
#include <stdlib.h>

#include "resolve/cache_int.h"
#include "wire/name.h"

static void free_entry(struct rcu_head *head)
{
	free(caa_container_of(head, struct centry, rcu));
}

void cache_retire(struct cache *c, struct centry *e)
{
	if (e->indexed)
		cache_nsec_drop(&c->nsec, e);
	atomic_fetch_sub(&c->bytes, e->size);
	atomic_fetch_sub(&c->entries, 1);
	call_rcu(&e->rcu, free_entry);
}

void cache_unlink(struct cache *c, struct centry **pe)
{
	struct centry *e = *pe;

	/* e->next stays valid for readers standing on e until it is freed. */
	rcu_assign_pointer(*pe, e->next);
	cache_retire(c, e);
}

static bool over(const struct cache *c)
{
	return atomic_load(&c->bytes) > c->conf.max_bytes;
}

/* One step of the hand: the chain of bucket b. Returns entries evicted. */
static unsigned sweep(struct cache *c, size_t b, uint64_t now_ms)
{
	pthread_mutex_t *lock = cache_lock_of(c, b);
	struct centry **pe = &c->buckets[b];
	unsigned n = 0;

	pthread_mutex_lock(lock);
	while (*pe) {
		struct centry *e = *pe;

		if (centry_dead(c, e, now_ms) ||
		    (over(c) && !atomic_load_explicit(&e->referenced,
						      memory_order_relaxed))) {
			cache_unlink(c, pe);
			n++;
			continue;
		}
		if (over(c))
			atomic_store_explicit(&e->referenced, 0,
					      memory_order_relaxed);
		pe = &e->next;
	}
	pthread_mutex_unlock(lock);
	return n;
}

void cache_evict(struct cache *c, uint64_t now_ms)
{
	/* Two full turns clear every bit and then find every entry
	 * unreferenced: enough to get under the bound. */
	size_t steps = 2 * (c->mask + 1) + 1;
	unsigned n = 0;

	while (over(c) && steps--) {
		size_t b = atomic_fetch_add_explicit(&c->hand, 1,
						     memory_order_relaxed) &
			   c->mask;

		if (__atomic_load_n(&c->buckets[b], __ATOMIC_RELAXED))
			n += sweep(c, b, now_ms);
	}
	atomic_fetch_add_explicit(&c->stripe[0].evictions, n,
				  memory_order_relaxed);
}

/* Drops the entries of shard s that match (name NULL: all). */
static void flush_shard(struct cache *c, size_t s, const uint8_t *name)
{
	pthread_mutex_lock(&c->shard[s].lock);
	for (size_t b = s; b <= c->mask; b += CACHE_SHARDS) {
		struct centry **pe = &c->buckets[b];

		while (*pe) {
			if (!name || name_is_subdomain((*pe)->data, name))
				cache_unlink(c, pe);
			else
				pe = &(*pe)->next;
		}
	}
	pthread_mutex_unlock(&c->shard[s].lock);
}

void cache_flush(struct cache *c)
{
	for (size_t s = 0; s < CACHE_SHARDS; s++)
		flush_shard(c, s, NULL);
}

void cache_flush_name(struct cache *c, const uint8_t *name)
{
	for (size_t s = 0; s < CACHE_SHARDS; s++)
		flush_shard(c, s, name);
}
