/* The resolver cache, shared by every worker thread: RRsets and negative
 * answers keyed by (owner, type, class), TTLs counting down from the
 * time of insertion, bounded in octets with CLOCK (second-chance)
 * eviction. Readers take no lock and allocate nothing: entries are
 * immutable once published and found through an RCU-protected hash
 * (liburcu, default "memb" flavour: every calling thread must be
 * registered with rcu_register_thread()). Writers lock one shard.
 * Time is the caller's monotonic clock in milliseconds (now_ms). */
#ifndef BANCHI_RESOLVE_CACHE_H
#define BANCHI_RESOLVE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolve/rrset.h"

struct cache;

struct cache_conf {
	size_t max_bytes;       /* bound on the memory of all entries */
	uint32_t min_ttl;       /* positive TTLs are raised to this ... */
	uint32_t max_ttl;       /* ... and capped at this (86400) */
	uint32_t neg_max_ttl;   /* cap for NXDOMAIN/NODATA (3600) */
	uint32_t stale_ttl;     /* serve-stale window after expiry, s (0: off) */
	uint32_t stale_answer_ttl; /* TTL given to stale answers (30) */
	unsigned prefetch_pct;  /* prefetch at this % of TTL left or less (10; 0: off) */
};

/* Defaults shown above; max_bytes 64 MiB, min_ttl 0, stale_ttl 86400. */
void cache_conf_init(struct cache_conf *cc);

/* NULL when out of memory. */
struct cache *cache_new(const struct cache_conf *cc);
void cache_free(struct cache *c);

/* Bogus data is kept at most this long (Unbound's val-bogus-ttl). */
#define CACHE_BOGUS_TTL 60

/* Stores a copy of s (owner lowercased here), its RRSIGs and status
 * with it (SEC_BOGUS: at most CACHE_BOGUS_TTL). s->ttl is the TTL as
 * received; min/max caps apply (negative: neg_max_ttl, and RFC 2308:
 * the caller passes min(SOA TTL, SOA MINIMUM)). A TTL of 0 is not
 * stored. Live data of a higher rank is kept (returns 1); otherwise the
 * entry is replaced (0). Delegation data never outlives the live entry
 * it replaces (ghost domains): an NS set, and an A/AAAA set replacing
 * glue, expire no later than the old entry (the A/AAAA set then counts
 * as glue for what comes next). BN_ENOMEM, BN_EINVAL (entry over 64 KiB). */
int cache_insert(struct cache *c, const struct rrset *s, uint64_t now_ms);

/* cache_insert for data a resolution begun at start_ms (<= now_ms)
 * brought. The ghost-domain bound holds against an entry live when the
 * resolution began, though it expired since: the reply came from the
 * servers that entry named. Entries that expire within ahead_ms count
 * as expired already: a prefetch replaces what it refreshes. */
int cache_insert_from(struct cache *c, const struct rrset *s,
		      uint64_t now_ms, uint64_t start_ms, uint64_t ahead_ms);

/* cache_insert_from for an NSEC set s (SEC_SECURE) that the keys of
 * zone verified: it is also put in the cache's ordered NSEC index
 * (RFC 8198 aggressive use), for as long as the entry lives, when the
 * signer of its first RRSIG is zone and its owner is in zone. */
int cache_insert_nsec(struct cache *c, const struct rrset *s,
		      const uint8_t *zone, uint64_t now_ms, uint64_t start_ms,
		      uint64_t ahead_ms);

/* The NSEC index, read under its read lock (not the hit path: a miss
 * with validation on); name lowercase. cache_nsec_find: the closest
 * zone at or above name (strict: above it) that has NSEC sets indexed,
 * and the owner of the last of them in canonical order at or before
 * name; the zone and owner (lowercase) are copied out. cache_nsec_pred:
 * the same in zone. The entry itself is then read with cache_get
 * (owner, NSEC): it may have gone or been replaced since. */
bool cache_nsec_find(struct cache *c, const uint8_t *name, bool strict,
		     uint8_t *zone, uint8_t *owner);
bool cache_nsec_pred(struct cache *c, const uint8_t *zone,
		     const uint8_t *name, uint8_t *owner);

/* The TTL cache_insert would give s before any bound by a live entry
 * (the min/max caps; 0: s would not be stored). */
uint32_t cache_ttl(const struct cache *c, const struct rrset *s);

#define CACHE_STALE 1u          /* also return entries up to stale_ttl expired */
/* With CACHE_STALE: the caller answers with the expired entries it gets
 * because their refresh failed. Each is then answered at once, without
 * another refresh, for CACHE_RECHECK_S (RFC 8767 4: failing authorities
 * are not asked again at every query). */
#define CACHE_STALE_FAILED 2u
#define CACHE_RECHECK 4u        /* with CACHE_STALE: expired entries only
				 * inside that window */
#define CACHE_RECHECK_S 5       /* Unbound's NORR_TTL (RFC 8767: up to 30) */

/* For answer_from_cache only (cache_get ignores it): validation is on,
 * so positive data not yet validated is no answer (it goes to the
 * validation phase), and bogus data answers as SERVFAIL. */
#define CACHE_VALIDATED 8u

/* A lookup that is no answer of its own (the proof of an aggressive
 * one): neither counted as a hit or miss nor asked to prefetch. */
#define CACHE_QUIET 16u

#define CACHE_PREFETCH_RETRY_S 10  /* a failed refresh is tried again after */

struct cache_hit {
	struct rrset set;       /* owner, rdata, soa_owner point into buf */
	bool stale;             /* expired; set.ttl is stale_answer_ttl */
	bool prefetch;          /* near expiry and asked for again: this
				 * caller (one per entry, then one again every
				 * CACHE_PREFETCH_RETRY_S) should refresh */
};

/* Copies the entry for (name, type, rclass) with rank >= min_rank into
 * out/buf. name must be lowercase. An NXDOMAIN entry (type 0) answers
 * every type: pass the queried type, the cache looks for both. Returns
 * 1 (hit), 0 (miss or expired) or BN_ENOSPC (buf under cap needed;
 * 65536 + NAME_MAXLEN * 2 always does). Counts hits and misses.
 * When both the NXDOMAIN and the entry of the type may answer, the one
 * inserted later is returned (a name that came into existence since). */
int cache_get(struct cache *c, const uint8_t *name, uint16_t type,
	      uint16_t rclass, uint64_t now_ms, unsigned flags,
	      uint8_t min_rank, struct cache_hit *out, uint8_t *buf,
	      size_t cap);

/* Whether a positive entry for (name, type, rclass) is held but expired
 * at at_ms, however long ago (until evicted). name must be lowercase. */
bool cache_expired(struct cache *c, const uint8_t *name, uint16_t type,
		   uint16_t rclass, uint64_t at_ms);

/* Drops the entry for (name, type, rclass), if any. */
void cache_remove(struct cache *c, const uint8_t *name, uint16_t type,
		  uint16_t rclass);

/* One entry as cache_walk shows it: pointers into the entry, valid in
 * the callback only. rdata: count items, each a 2-octet length and the
 * RDATA (rrset.h's layout); soa_owner: a negative entry's SOA owner, or
 * the DNAME owner of a synthesised CNAME, else NULL. */
struct cache_item {
	const uint8_t *owner, *soa_owner;
	uint16_t type, rclass;
	uint8_t kind, rank, sec;        /* rrset.h's enums */
	bool stale;                     /* expired, kept for serve-stale */
	uint32_t ttl_left;              /* seconds (0 when stale) */
	uint16_t count;
	const uint8_t *rdata;
	uint32_t rdata_len;
};

/* Returns nonzero to stop the walk. */
typedef int cache_walk_fn(void *ctx, const struct cache_item *it);

/* Calls fn for each entry at now_ms (stale ones included while they
 * may still be served) at or under name (lowercase; NULL: all), in no
 * particular order, as an RCU reader (the calling thread must be
 * registered). Returns the entries shown. */
size_t cache_walk(struct cache *c, const uint8_t *name, uint64_t now_ms,
		  cache_walk_fn *fn, void *ctx);

/* Drops every entry (flush), or those at and under name. */
void cache_flush(struct cache *c);
void cache_flush_name(struct cache *c, const uint8_t *name);

struct cache_stats {
	size_t entries, bytes;  /* bytes: entries and the table itself */
	uint64_t hits, misses, inserts, evictions;
};
void cache_get_stats(struct cache *c, struct cache_stats *st);

#endif
