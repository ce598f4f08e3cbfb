/* The resolver cache: RRsets and negative answers in an RCU-protected
 * chained hash of fixed size (sized from max_bytes, so it never
 * resizes). Readers walk a chain under rcu_read_lock() and copy the
 * entry out; writers swap whole entries under one shard lock and free
 * the old one with call_rcu. Eviction and flushing: cache_evict.c. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "resolve/cache_int.h"
#include "resolve/proofset.h"
#include "wire/buf.h"
#include "wire/name.h"
#include "wire/rrtype.h"

#define ENTRY_MAX 65535         /* RDATA octets an entry may hold */
#define BUCKET_BYTES 256        /* one bucket per this much of max_bytes */
#define BUCKETS_MIN 64
#define BUCKETS_MAX (1u << 24)
#define MALLOC_OVERHEAD 16      /* charged per entry besides its size */

void cache_conf_init(struct cache_conf *cc)
{
	cc->max_bytes = 64u << 20;
	cc->min_ttl = 0;
	cc->max_ttl = 86400;
	cc->neg_max_ttl = 3600;
	cc->stale_ttl = 86400;
	cc->stale_answer_ttl = 30;
	cc->prefetch_pct = 10;
}

struct cache *cache_new(const struct cache_conf *cc)
{
	/* Cache-line aligned: the shards and stripes are laid out by line. */
	size_t size = (sizeof(struct cache) + 63) & ~(size_t)63;
	struct cache *c = aligned_alloc(64, size);
	size_t n = BUCKETS_MIN;

	if (!c)
		return NULL;
	memset(c, 0, size);
	c->conf = *cc;
	if (cache_nsec_init(&c->nsec) < 0) {
		free(c);
		return NULL;
	}
	while (n < BUCKETS_MAX && n * BUCKET_BYTES < cc->max_bytes)
		n <<= 1;
	c->buckets = calloc(n, sizeof(*c->buckets));
	if (!c->buckets) {
		cache_nsec_fini(&c->nsec);
		free(c);
		return NULL;
	}
	c->mask = n - 1;
	/* The table counts against the bound too: bytes is all memory. */
	atomic_init(&c->bytes, size + n * sizeof(*c->buckets));
	for (size_t i = 0; i < CACHE_SHARDS; i++)
		pthread_mutex_init(&c->shard[i].lock, NULL);
	return c;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i <= c->mask; i++) {
		struct centry *e = c->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	/* Entries unlinked earlier are still waiting for their grace
	 * period; their callbacks touch only the entry itself. */
	rcu_barrier();
	cache_nsec_fini(&c->nsec);
	for (size_t i = 0; i < CACHE_SHARDS; i++)
		pthread_mutex_destroy(&c->shard[i].lock);
	free(c->buckets);
	free(c);
}

/* The name is hashed once per lookup, eight octets per multiply (the
 * last word overlaps the one before rather than being assembled in
 * memory). The hash picks the bucket by name alone: every type of a
 * name, the NXDOMAIN entry included, shares one chain, so a lookup
 * walks one chain for both. */
static uint64_t name_hash(const uint8_t *name, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w = 0;

	if (len >= 8) {
		const uint8_t *last = name + len - 8;

		for (; name < last; name += 8) {
			memcpy(&w, name, 8);
			h = (h ^ w) * 0xff51afd7ed558ccdull;
			h ^= h >> 32;
		}
		memcpy(&w, last, 8);
	} else {
		for (size_t i = 0; i < len; i++)
			w |= (uint64_t)name[i] << (8 * i);
	}
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* Threads run on distinct stacks, so a stack address picks a counter
 * stripe per thread without any per-thread state. */
static struct cstripe *my_stripe(struct cache *c)
{
	int here;
	uintptr_t a = (uintptr_t)&here >> 16;

	return &c->stripe[(a ^ (a >> 6) ^ (a >> 12)) & (CACHE_SHARDS - 1)];
}

/* Statistics only: a plain load and store, no locked instruction on the
 * hit path. Two threads sharing a stripe may lose a count now and then. */
static void count(atomic_uint_fast64_t *ctr)
{
	uint64_t v = atomic_load_explicit(ctr, memory_order_relaxed);

	atomic_store_explicit(ctr, v + 1, memory_order_relaxed);
}

static bool key_match(const struct centry *e, uint64_t nh,
		      const uint8_t *name, size_t len, uint16_t type,
		      uint16_t rclass)
{
	return e->hash == nh && e->type == type && e->rclass == rclass &&
	       e->owner_len == len && memcmp(e->data, name, len) == 0;
}

/* Checks that rdata holds exactly count (u16 length, octets) items. */
static bool rdata_valid(const uint8_t *rdata, size_t len, unsigned count)
{
	struct rbuf r;
	uint16_t n;

	rbuf_init(&r, rdata, len);
	for (unsigned i = 0; i < count; i++)
		if (rbuf_u16(&r, &n) < 0 || rbuf_skip(&r, n) < 0)
			return false;
	return rbuf_left(&r) == 0;
}

/* Whether len octets at p are a sequence of whole items. */
static bool items_whole(const uint8_t *p, size_t len)
{
	struct rbuf r;
	uint16_t n;

	rbuf_init(&r, p, len);
	while (rbuf_left(&r))
		if (rbuf_u16(&r, &n) < 0 || rbuf_skip(&r, n) < 0)
			return false;
	return true;
}

/* The RRSIG area: nsigs items, then maybe the items of a proof
 * (proofset.h: a negative answer's, a wildcard expansion's). */
static bool sigs_valid(const struct rrset *s)
{
	uint32_t own = proofset_sigs_own(s);

	return rdata_valid(rrset_sigs(s), own, s->nsigs) &&
	       items_whole(rrset_sigs(s) + own, s->sigs_len - own);
}

/* The TTL to store: caps by kind; 0 means do not store. */
static uint32_t stored_ttl(const struct cache_conf *cc, const struct rrset *s)
{
	uint32_t ttl = s->ttl;

	if (ttl == 0)
		return 0;
	if (s->sec == SEC_BOGUS && ttl > CACHE_BOGUS_TTL)
		ttl = CACHE_BOGUS_TTL;
	if (s->kind != RRSET_POSITIVE)
		return ttl < cc->neg_max_ttl ? ttl : cc->neg_max_ttl;
	if (ttl < cc->min_ttl)
		ttl = cc->min_ttl;
	return ttl < cc->max_ttl ? ttl : cc->max_ttl;
}

/* The second name an entry keeps: a negative answer's SOA owner or a
 * synthesised CNAME's DNAME owner (never both). */
static const uint8_t *second_name(const struct rrset *s)
{
	return s->kind == RRSET_POSITIVE ? s->dname_owner : s->soa_owner;
}

/* Name lengths of a valid input, or BN_EINVAL. */
static int check_input(const struct rrset *s, int *olen, int *slen)
{
	if (!s || !s->owner || (!s->rdata && s->rdata_len) ||
	    s->kind > RRSET_NODATA ||
	    (s->kind == RRSET_POSITIVE && !s->count) ||
	    s->rdata_len + s->sigs_len > ENTRY_MAX || s->sec > SEC_BOGUS ||
	    !rdata_valid(s->rdata, s->rdata_len, s->count) ||
	    !sigs_valid(s))
		return BN_EINVAL;
	*olen = name_check(s->owner, NAME_MAXLEN);
	*slen = second_name(s) ? name_check(second_name(s), NAME_MAXLEN) : 0;
	return *olen < 0 || *slen < 0 ? BN_EINVAL : 0;
}

static struct centry *centry_new(const struct rrset *s, int olen, int slen,
				 uint32_t ttl, uint64_t now_ms)
{
	struct centry *e;
	size_t size;

	size = sizeof(*e) + (size_t)olen + (size_t)slen + s->rdata_len +
	       s->sigs_len;
	e = malloc(size);
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	memcpy(e->data, s->owner, (size_t)olen);
	name_to_lower(e->data);
	if (slen)
		memcpy(e->data + olen, second_name(s), (size_t)slen);
	if (s->rdata_len + s->sigs_len)        /* the RRSIGs follow */
		memcpy(e->data + olen + slen, s->rdata,
		       s->rdata_len + s->sigs_len);
	e->expire_ms = now_ms + (uint64_t)ttl * 1000;
	e->ttl = ttl;
	e->size = (uint32_t)(size + MALLOC_OVERHEAD);
	e->rdata_len = (uint32_t)s->rdata_len;
	e->sigs_len = (uint32_t)s->sigs_len;
	e->nsigs = s->nsigs;
	e->sec = s->sec;
	e->why = s->why;
	e->type = s->kind == RRSET_NXDOMAIN ? 0 : s->type;
	e->rclass = s->rclass;
	e->count = s->count;
	e->kind = s->kind;
	e->rank = s->rank;
	e->owner_len = (uint8_t)olen;
	e->soa_len = (uint8_t)slen;
	/* New data gets one sweep of the hand before it can go. */
	atomic_init(&e->referenced, 1);
	atomic_init(&e->prefetch_sec, 0);
	atomic_init(&e->recheck_sec, 0);
	return e;
}

uint32_t cache_ttl(const struct cache *c, const struct rrset *s)
{
	return stored_ttl(&c->conf, s);
}

/* The rank old is compared at: a bounded address set still counts as
 * the glue it replaced, so that a referral may renew it. */
static uint8_t held_rank(const struct centry *old)
{
	return old->bounded ? RANK_GLUE : old->rank;
}

/* Ghost domains (CVE-2012-1191 and its 2022 and 2026 variants): a
 * child that keeps answering with long TTLs must not keep a delegation
 * alive that its parent has dropped or changed. So n, replacing the
 * live old, expires no later than old when it is an NS set, or an
 * address set taking over from glue (or from such a bounded set: it
 * stays bounded, so that the next answer is held too). */
static void bound_by(struct centry *n, const struct centry *old,
		     uint64_t now_ms)
{
	bool addr = n->type == RR_A || n->type == RR_AAAA;

	if (n->kind != RRSET_POSITIVE || old->kind != RRSET_POSITIVE)
		return;
	if (addr && held_rank(old) <= RANK_GLUE && n->rank > RANK_GLUE)
		n->bounded = 1;
	else if (n->type != RR_NS)
		return;
	if (n->expire_ms > old->expire_ms) {
		n->expire_ms = old->expire_ms;
		n->ttl = old->expire_ms > now_ms ?
			 (uint32_t)((old->expire_ms - now_ms) / 1000) : 0;
	}
}

int cache_insert(struct cache *c, const struct rrset *s, uint64_t now_ms)
{
	return cache_insert_from(c, s, now_ms, now_ms, 0);
}

/* Publishes n in place of *pe (shard lock held), with its node in the
 * NSEC index first when zone is given: the old entry's retirement then
 * leaves the node to n. */
static void publish(struct cache *c, struct centry **pe, struct centry *n,
		    const uint8_t *zone)
{
	struct centry *old = *pe;
	int extra;

	n->seq = atomic_fetch_add(&c->seq, 1);
	if (zone && (extra = cache_nsec_put(&c->nsec, n, zone)) > 0) {
		n->indexed = 1;
		n->size += (uint32_t)extra;
	}
	atomic_fetch_add(&c->bytes, n->size);
	atomic_fetch_add(&c->entries, 1);
	n->next = old ? old->next : NULL;
	/* One store replaces the entry: readers see the old or the new. */
	rcu_assign_pointer(*pe, n);
	if (old)
		cache_retire(c, old);
}

static int insert(struct cache *c, const struct rrset *s, uint64_t now_ms,
		  uint64_t start_ms, uint64_t ahead_ms, const uint8_t *zone)
{
	int olen, slen, ret = check_input(s, &olen, &slen);
	struct centry *n, **pe;
	pthread_mutex_t *lock;
	uint32_t ttl;
	size_t b;

	if (ret < 0)
		return ret;
	ttl = stored_ttl(&c->conf, s);
	if (ttl == 0)
		return 0;
	n = centry_new(s, olen, slen, ttl, now_ms);
	if (!n)
		return BN_ENOMEM;
	n->hash = name_hash(n->data, n->owner_len);
	b = cache_bucket(c, n->hash);
	lock = cache_lock_of(c, b);
	pthread_mutex_lock(lock);
	for (pe = &c->buckets[b]; *pe; pe = &(*pe)->next)
		if (key_match(*pe, n->hash, n->data, n->owner_len, n->type,
			      n->rclass))
			break;
	if (*pe && now_ms + ahead_ms < (*pe)->expire_ms &&
	    held_rank(*pe) > n->rank) {
		pthread_mutex_unlock(lock);
		free(n);
		return 1;
	}
	if (*pe && (start_ms < now_ms ? start_ms : now_ms) + ahead_ms <
		   (*pe)->expire_ms)
		bound_by(n, *pe, now_ms);
	publish(c, pe, n, zone);
	pthread_mutex_unlock(lock);
	count(&my_stripe(c)->inserts);
	if (atomic_load(&c->bytes) > c->conf.max_bytes)
		cache_evict(c, now_ms);
	return 0;
}

int cache_insert_from(struct cache *c, const struct rrset *s,
		      uint64_t now_ms, uint64_t start_ms, uint64_t ahead_ms)
{
	return insert(c, s, now_ms, start_ms, ahead_ms, NULL);
}

int cache_insert_nsec(struct cache *c, const struct rrset *s,
		      const uint8_t *zone, uint64_t now_ms, uint64_t start_ms,
		      uint64_t ahead_ms)
{
	bool ok = s && s->type == RR_NSEC && s->kind == RRSET_POSITIVE &&
		  s->sec == SEC_SECURE && s->rclass == CLASS_IN;

	return insert(c, s, now_ms, start_ms, ahead_ms, ok ? zone : NULL);
}

/* Under rcu_read_lock(): the entries for (name, type) and, with want0,
 * (name, 0), from the one chain of the name. */
static void find(struct cache *c, uint64_t nh, const uint8_t *name,
		 size_t len, uint16_t type, uint16_t rclass, bool want0,
		 struct centry **et, struct centry **e0)
{
	struct centry *e = rcu_dereference(c->buckets[cache_bucket(c, nh)]);

	*et = *e0 = NULL;
	for (; e; e = rcu_dereference(e->next)) {
		if (e->hash != nh || e->rclass != rclass ||
		    (e->type != type && (!want0 || e->type != 0)) ||
		    e->owner_len != len || memcmp(e->data, name, len) != 0)
			continue;
		*(e->type == type ? et : e0) = e;
		if (*et && (*e0 || !want0))
			return;
	}
}

/* Whether e may answer at now_ms under flags (live, or stale allowed:
 * any, or with CACHE_RECHECK those whose refresh failed just now). */
static bool usable(const struct cache *c, struct centry *e, uint64_t now_ms,
		   unsigned flags, uint8_t min_rank)
{
	if (!e || e->rank < min_rank)
		return false;
	if (now_ms < e->expire_ms)
		return true;
	if (!(flags & CACHE_STALE) || centry_dead(c, e, now_ms))
		return false;
	return !(flags & CACHE_RECHECK) ||
	       now_ms / 1000 < atomic_load_explicit(&e->recheck_sec,
						    memory_order_relaxed);
}

/* In the last prefetch_pct of its TTL an entry asks one caller to
 * refresh it; if that refresh fails, another caller is asked after
 * CACHE_PREFETCH_RETRY_S (a successful one replaces the entry). */
static bool want_prefetch(const struct cache *c, struct centry *e,
			  uint64_t now_ms)
{
	uint64_t left = e->expire_ms - now_ms;
	unsigned now_s = (unsigned)(now_ms / 1000);
	unsigned at;

	if (!c->conf.prefetch_pct ||
	    left * 100 > (uint64_t)e->ttl * 1000 * c->conf.prefetch_pct)
		return false;
	/* A plain load first: the line is only written by the one winner. */
	at = atomic_load_explicit(&e->prefetch_sec, memory_order_relaxed);
	if (now_s < at)
		return false;
	return atomic_compare_exchange_strong(&e->prefetch_sec, &at,
					      now_s + CACHE_PREFETCH_RETRY_S);
}

static int copy_hit(const struct cache *c, struct centry *e, uint64_t now_ms,
		    struct cache_hit *out, uint8_t *buf, size_t cap)
{
	size_t need = (size_t)e->owner_len + e->soa_len + e->rdata_len +
		      e->sigs_len;
	struct rrset *s = &out->set;

	if (cap < need)
		return BN_ENOSPC;
	memcpy(buf, e->data, need);
	s->owner = buf;
	s->soa_owner = e->soa_len ? buf + e->owner_len : NULL;
	s->dname_owner = NULL;
	if (e->kind == RRSET_POSITIVE) {
		s->dname_owner = s->soa_owner;
		s->soa_owner = NULL;
	}
	s->rdata = buf + e->owner_len + e->soa_len;
	s->rdata_len = e->rdata_len;
	s->sigs_len = e->sigs_len;
	s->type = e->type;
	s->rclass = e->rclass;
	s->kind = e->kind;
	s->rank = e->rank;
	s->count = e->count;
	s->nsigs = e->nsigs;
	s->sec = e->sec;
	s->why = e->why;
	out->stale = now_ms >= e->expire_ms;
	out->prefetch = false;
	if (out->stale)
		s->ttl = c->conf.stale_answer_ttl;
	else
		s->ttl = (uint32_t)((e->expire_ms - now_ms) / 1000);
	return 1;
}

/* Looks up (name, type) and, for the NXDOMAIN that answers every type,
 * (name, 0); when both may answer, the one inserted later wins, so a
 * name that has come into existence since its NXDOMAIN shows up. */
int cache_get(struct cache *c, const uint8_t *name, uint16_t type,
	      uint16_t rclass, uint64_t now_ms, unsigned flags,
	      uint8_t min_rank, struct cache_hit *out, uint8_t *buf,
	      size_t cap)
{
	size_t len = name_length(name);
	uint64_t nh = name_hash(name, len);
	struct centry *e, *nx;
	int ret = 0;

	rcu_read_lock();
	find(c, nh, name, len, type, rclass, type != 0, &e, &nx);
	if (!usable(c, e, now_ms, flags, min_rank))
		e = NULL;
	if (!usable(c, nx, now_ms, flags, min_rank))
		nx = NULL;
	if (nx && (!e || nx->seq > e->seq))
		e = nx;
	if (e) {
		ret = copy_hit(c, e, now_ms, out, buf, cap);
		if (!atomic_load_explicit(&e->referenced, memory_order_relaxed))
			atomic_store_explicit(&e->referenced, 1,
					      memory_order_relaxed);
		if (ret == 1 && !out->stale && !(flags & CACHE_QUIET))
			out->prefetch = want_prefetch(c, e, now_ms);
		if (ret == 1 && out->stale && (flags & CACHE_STALE_FAILED))
			atomic_store_explicit(&e->recheck_sec,
					      (unsigned)(now_ms / 1000) +
					      CACHE_RECHECK_S,
					      memory_order_relaxed);
	}
	rcu_read_unlock();
	if (flags & CACHE_QUIET)
		return ret;
	if (ret == 1)
		count(&my_stripe(c)->hits);
	else if (ret == 0)
		count(&my_stripe(c)->misses);
	return ret;
}

bool cache_expired(struct cache *c, const uint8_t *name, uint16_t type,
		   uint16_t rclass, uint64_t at_ms)
{
	size_t len = name_length(name);
	struct centry *e, *nx;
	bool expired;

	rcu_read_lock();
	find(c, name_hash(name, len), name, len, type, rclass, false, &e, &nx);
	expired = e && e->kind == RRSET_POSITIVE && at_ms >= e->expire_ms;
	rcu_read_unlock();
	return expired;
}

void cache_remove(struct cache *c, const uint8_t *name, uint16_t type,
		  uint16_t rclass)
{
	size_t len = name_length(name);
	uint64_t nh = name_hash(name, len);
	size_t b = cache_bucket(c, nh);
	pthread_mutex_t *lock = cache_lock_of(c, b);

	pthread_mutex_lock(lock);
	for (struct centry **pe = &c->buckets[b]; *pe; pe = &(*pe)->next)
		if (key_match(*pe, nh, name, len, type, rclass)) {
			cache_unlink(c, pe);
			break;
		}
	pthread_mutex_unlock(lock);
}

void cache_get_stats(struct cache *c, struct cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->entries = atomic_load(&c->entries);
	st->bytes = atomic_load(&c->bytes);
	for (size_t i = 0; i < CACHE_SHARDS; i++) {
		const struct cstripe *s = &c->stripe[i];

		st->hits += atomic_load_explicit(&s->hits,
						 memory_order_relaxed);
		st->misses += atomic_load_explicit(&s->misses,
						   memory_order_relaxed);
		st->inserts += atomic_load_explicit(&s->inserts,
						    memory_order_relaxed);
		st->evictions += atomic_load_explicit(&s->evictions,
						      memory_order_relaxed);
	}
}
