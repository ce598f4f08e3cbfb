/* Inside the resolver cache (cache.c, cache_evict.c): the entry layout
 * and the table. An entry is one allocation, immutable once published
 * except for its two atomic flags; a bucket chain is changed only under
 * the lock of the bucket's shard and read under rcu_read_lock(). */
#ifndef BANCHI_RESOLVE_CACHE_INT_H
#define BANCHI_RESOLVE_CACHE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* rcu_read_lock() and rcu_dereference() inlined on the hit path. */
#define URCU_INLINE_SMALL_FUNCTIONS
#include <urcu.h>

#include "resolve/cache.h"

#define CACHE_SHARDS 64         /* writer locks; a power of two */

struct centry {
	struct centry *next;            /* bucket chain (RCU) */
	struct rcu_head rcu;
	uint64_t hash;                  /* of the owner: picks the bucket */
	uint64_t expire_ms;             /* absolute: insertion + TTL */
	uint64_t seq;                   /* insertion order (newer wins) */
	uint32_t ttl;                   /* TTL as stored, for prefetch */
	uint32_t size;                  /* octets charged to max_bytes */
	uint32_t rdata_len;
	uint32_t sigs_len;              /* RRSIGs after the RDATA */
	/* in struct rrset's order, so that copy_hit copies them in a few
	 * wide moves (the hit path) */
	uint16_t type, rclass;
	uint8_t kind, rank;
	uint16_t count, nsigs;
	uint8_t sec, why;               /* enum rrset_sec, its DNSSEC_ result */
	/* A/AAAA that replaced glue: it lives no longer than the delegation
	 * data it replaced, and whatever replaces it is held to that too */
	uint8_t bounded;
	/* a secure NSEC set in the NSEC index (cache_nsec.c): its node
	 * goes when the entry does */
	uint8_t indexed;
	/* soa_len 0: no second name; else the SOA owner of a negative
	 * entry, or the DNAME owner of a synthesised CNAME */
	uint8_t owner_len, soa_len;
	atomic_uchar referenced;        /* CLOCK bit, set by readers */
	/* a caller was told to refresh: none other before this second
	 * (monotonic, now_ms / 1000); a failed refresh may be tried again */
	atomic_uint prefetch_sec;
	/* expired, and its refresh failed: answered as it is, without a
	 * new refresh, before this second (CACHE_RECHECK) */
	atomic_uint recheck_sec;
	uint8_t data[];                 /* owner, soa owner, rdata, sigs */
};

/* Counters a thread bumps on the hit path: striped so that threads on
 * different stripes do not share a cache line. */
struct cstripe {
	_Alignas(64) atomic_uint_fast64_t hits;
	atomic_uint_fast64_t misses, inserts, evictions;
};

struct cshard {
	_Alignas(64) pthread_mutex_t lock;
};

/* The ordered index of secure NSEC sets (cache_nsec.c), for RFC 8198:
 * nodes (zone, owner) sorted by zone then owner in canonical order, in
 * one array searched by bisection. Changed under the write lock, taken
 * with a shard lock held (insert, retire) or alone; read under the read
 * lock, never with a shard lock taken inside it. */
struct nsec_node;
struct nsec_index {
	pthread_rwlock_t lock;
	struct nsec_node **v;
	size_t n, cap;
};

struct cache {
	struct cache_conf conf;
	struct nsec_index nsec;
	struct centry **buckets;        /* RCU heads of the chains */
	size_t mask;                    /* buckets - 1 */
	atomic_size_t bytes, entries;
	atomic_uint_fast64_t seq;
	atomic_size_t hand;             /* CLOCK position (bucket index) */
	struct cshard shard[CACHE_SHARDS];
	struct cstripe stripe[CACHE_SHARDS];
};

static inline size_t cache_bucket(const struct cache *c, uint64_t hash)
{
	return (size_t)hash & c->mask;
}

/* Buckets map to shards by their low bits, so one lock covers a chain. */
static inline pthread_mutex_t *cache_lock_of(struct cache *c, size_t bucket)
{
	return &c->shard[bucket & (CACHE_SHARDS - 1)].lock;
}

/* Whether e is past use even as stale data (evict it first). */
static inline bool centry_dead(const struct cache *c, const struct centry *e,
			       uint64_t now_ms)
{
	return now_ms >= e->expire_ms + (uint64_t)c->conf.stale_ttl * 1000;
}

/* The NSEC index: set up and torn down with the cache; the node of
 * e put (octets to charge to e, or BN_ENOMEM) with the shard lock of e
 * held, before e replaces an older entry; dropped when e is retired,
 * unless a newer entry of the same key owns it by then. */
int cache_nsec_init(struct nsec_index *x);
void cache_nsec_fini(struct nsec_index *x);
int cache_nsec_put(struct nsec_index *x, const struct centry *e,
		   const uint8_t *zone);
void cache_nsec_drop(struct nsec_index *x, const struct centry *e);

/* Uncharges e, already unlinked (shard lock held), and frees it after
 * a grace period. */
void cache_retire(struct cache *c, struct centry *e);

/* Unlinks *pe (shard lock held) and retires it. */
void cache_unlink(struct cache *c, struct centry **pe);

/* Evicts with the CLOCK hand until bytes are under max_bytes. Called
 * with no shard lock held. */
void cache_evict(struct cache *c, uint64_t now_ms);

#endif
