/* The cache's ordered index of secure NSEC sets (RFC 8198 aggressive
 * use): one node per indexed entry, (zone, owner) in canonical order in
 * one sorted array, so that the NSEC covering a name is found by
 * bisection. A node lives as long as its entry: it is charged to it and
 * dropped when the entry is retired (evicted, replaced, flushed). The
 * zone of an entry is the signer of its first RRSIG, read the same way
 * when the node is put and when it is dropped. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "resolve/cache_int.h"
#include "wire/buf.h"
#include "wire/name.h"

#define SIG_FIXED 18    /* RRSIG RDATA before the signer's name */

struct nsec_node {
	uint64_t seq;           /* of the entry that owns it */
	uint8_t zlen;
	uint8_t names[];        /* zone, then owner (lowercase) */
};

int cache_nsec_init(struct nsec_index *x)
{
	pthread_rwlockattr_t at;
	int r;

	memset(x, 0, sizeof(*x));
	/* Writers hold a shard lock while they wait: under a flood of
	 * readers (a random-subdomain attack answered from here) glibc's
	 * default, readers first, could keep them waiting. */
	if (pthread_rwlockattr_init(&at))
		return BN_ENOMEM;
	pthread_rwlockattr_setkind_np(
		&at, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	r = pthread_rwlock_init(&x->lock, &at);
	pthread_rwlockattr_destroy(&at);
	return r ? BN_ENOMEM : 0;
}

void cache_nsec_fini(struct nsec_index *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->v[i]);
	free(x->v);
	pthread_rwlock_destroy(&x->lock);
}

/* The signer of e's first RRSIG, or NULL. */
static const uint8_t *signer_of(const struct centry *e)
{
	const uint8_t *p = e->data + e->owner_len + e->soa_len + e->rdata_len;
	uint16_t len;

	if (e->nsigs == 0 || e->sigs_len < 2)
		return NULL;
	len = wire_get_u16(p);
	if (len > e->sigs_len - 2 || len <= SIG_FIXED ||
	    name_check(p + 2 + SIG_FIXED, len - SIG_FIXED) <= 0)
		return NULL;
	return p + 2 + SIG_FIXED;
}

static int key_cmp(const uint8_t *zone, const uint8_t *owner,
		   const struct nsec_node *n)
{
	int r = name_compare(zone, n->names);

	return r ? r : name_compare(owner, n->names + n->zlen);
}

/* The number of nodes whose key is <= (zone, owner). */
static size_t upper(const struct nsec_index *x, const uint8_t *zone,
		    const uint8_t *owner)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_cmp(zone, owner, x->v[mid]) >= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool grow(struct nsec_index *x)
{
	size_t cap = x->cap ? 2 * x->cap : 64;
	struct nsec_node **v;

	if (x->n < x->cap)
		return true;
	v = realloc(x->v, cap * sizeof(*v));
	if (!v)
		return false;
	x->v = v;
	x->cap = cap;
	return true;
}

/* A new node for e in zone; NULL when out of memory. */
static struct nsec_node *node_new(const struct centry *e, const uint8_t *zone,
				  size_t zlen)
{
	struct nsec_node *n = malloc(sizeof(*n) + zlen + e->owner_len);

	if (!n)
		return NULL;
	n->seq = e->seq;
	n->zlen = (uint8_t)zlen;
	memcpy(n->names, zone, zlen);
	name_to_lower(n->names);
	memcpy(n->names + zlen, e->data, e->owner_len);
	return n;
}

int cache_nsec_put(struct nsec_index *x, const struct centry *e,
		   const uint8_t *zone)
{
	const uint8_t *sg = signer_of(e);
	size_t zlen = name_length(zone), i;
	struct nsec_node *n;
	int ret = 0;

	if (!sg || !name_equal(sg, zone) || !name_is_subdomain(e->data, zone))
		return 0;
	pthread_rwlock_wrlock(&x->lock);
	i = upper(x, zone, e->data);
	if (i && key_cmp(zone, e->data, x->v[i - 1]) == 0) {
		x->v[i - 1]->seq = e->seq;      /* e takes the node over */
	} else if (!grow(x) || !(n = node_new(e, zone, zlen))) {
		ret = BN_ENOMEM;
	} else {
		memmove(&x->v[i + 1], &x->v[i], (x->n - i) * sizeof(*x->v));
		x->v[i] = n;
		x->n++;
	}
	pthread_rwlock_unlock(&x->lock);
	if (ret < 0)
		return ret;
	/* the node, its slot and the allocator's overhead */
	return (int)(sizeof(struct nsec_node) + zlen + e->owner_len + 24);
}

void cache_nsec_drop(struct nsec_index *x, const struct centry *e)
{
	const uint8_t *zone = signer_of(e);
	size_t i;

	if (!zone)
		return;
	pthread_rwlock_wrlock(&x->lock);
	i = upper(x, zone, e->data);
	if (i && x->v[i - 1]->seq == e->seq &&
	    key_cmp(zone, e->data, x->v[i - 1]) == 0) {
		free(x->v[i - 1]);
		memmove(&x->v[i - 1], &x->v[i], (x->n - i) * sizeof(*x->v));
		x->n--;
	}
	pthread_rwlock_unlock(&x->lock);
}

/* Under the read lock: the owner of the node before or at (zone, name)
 * into owner, if that node is of zone. */
static bool pred_in(const struct nsec_index *x, const uint8_t *zone,
		    const uint8_t *name, uint8_t *owner)
{
	size_t i = upper(x, zone, name);
	const struct nsec_node *n;

	if (!i)
		return false;
	n = x->v[i - 1];
	if (!name_equal(n->names, zone))
		return false;
	memcpy(owner, n->names + n->zlen, name_length(n->names + n->zlen));
	return true;
}

bool cache_nsec_pred(struct cache *c, const uint8_t *zone,
		     const uint8_t *name, uint8_t *owner)
{
	bool found;

	pthread_rwlock_rdlock(&c->nsec.lock);
	found = pred_in(&c->nsec, zone, name, owner);
	pthread_rwlock_unlock(&c->nsec.lock);
	return found;
}

bool cache_nsec_find(struct cache *c, const uint8_t *name, bool strict,
		     uint8_t *zone, uint8_t *owner)
{
	const uint8_t *z = name;
	bool found = false;

	if (strict && !*z)
		return false;
	if (strict)
		z += 1 + *z;
	pthread_rwlock_rdlock(&c->nsec.lock);
	for (; c->nsec.n && !found; z += 1 + *z) {
		found = pred_in(&c->nsec, z, name, owner);
		if (found)
			memcpy(zone, z, name_length(z));
		if (!*z)
			break;
	}
	pthread_rwlock_unlock(&c->nsec.lock);
	return found;
}
