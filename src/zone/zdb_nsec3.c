/* The NSEC3 chain of a serving zone: made when a version is built (every
 * authoritative name hashed once) or patched (only the names the change
 * made new are hashed; the others' hashes move with their nodes), and
 * searched by hash for the proofs of RFC 5155 7.2. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "wire/rrtype.h"
#include "zone/zdb_patch_int.h"

static uint64_t prefix_of(const uint8_t h[NSEC3_HASH_LEN])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return v;
}

/* RFC 5155 4.1.2: an NSEC3PARAM with flags other than 0 is ignored. */
static bool usable_param(const struct zdb_node *apex, struct nsec3_param *p)
{
	const struct zdb_rrset *s = zdb_node_rrset(apex, RR_NSEC3PARAM);

	for (uint16_t i = 0; s && i < s->count; i++)
		if (nsec3_param_read(p, s->rr[i].data, s->rr[i].len) == 0 &&
		    p->alg == NSEC3_SHA1 && p->flags == 0)
			return true;
	return false;
}

static bool same_param(const struct nsec3_param *a,
		       const struct nsec3_param *b)
{
	return a->alg == b->alg && a->iter == b->iter &&
	       a->saltlen == b->saltlen &&
	       !memcmp(a->salt, b->salt, a->saltlen);
}

/* A node of the chain: a child of the apex named by a hash, with an
 * NSEC3 of the zone's parameters. */
static bool chain_member(const struct zdb_zone *z, const struct zdb_node *n,
			 const struct nsec3_param *p, uint64_t *pre)
{
	const struct zdb_rrset *s;
	uint8_t h[NSEC3_HASH_LEN];
	bool match = false;

	if (n->labels != z->labels + 1 || n->owner[0] != 32)
		return false;
	s = zdb_node_rrset(n, RR_NSEC3);
	for (uint16_t i = 0; s && i < s->count && !match; i++)
		match = nsec3_param_match(p, s->rr[i].data, s->rr[i].len);
	if (!match || nsec3_owner_hash(h, n->owner) < 0)
		return false;
	*pre = prefix_of(h);
	return true;
}

/* Names that get an NSEC3: not hashed owners, not below a cut or a
 * DNAME (the cut itself does). */
static bool hashed(const struct zdb_node *n)
{
	return !(n->flags & (ZDB_NSEC3 | ZDB_NONAUTH | ZDB_OCCLUDED));
}

/* 0 means "not hashed yet": a hash whose prefix is 0 is kept as 1. */
static uint64_t name_hash(const struct nsec3_param *p, const uint8_t *name)
{
	uint8_t h[NSEC3_HASH_LEN];
	uint64_t v;

	if (nsec3_hash(h, p, name) < 0)
		return 1;
	v = prefix_of(h);
	return v ? v : 1;
}

void zdb_nsec3_unref(struct zdb_nsec3 *n3)
{
	if (!n3 || atomic_fetch_sub_explicit(&n3->refs, 1,
					     memory_order_acq_rel) != 1)
		return;
	free(n3->own);
	free(n3->pre);
	free(n3->node);
	free(n3);
}

static struct zdb_nsec3 *n3_new(const struct nsec3_param *p, size_t nodes,
				size_t chain)
{
	struct zdb_nsec3 *n3 = calloc(1, sizeof(*n3));

	if (!n3)
		return NULL;
	atomic_init(&n3->refs, 1);
	n3->param = *p;
	n3->own = calloc(nodes ? nodes : 1, sizeof(*n3->own));
	n3->pre = malloc((chain ? chain : 1) * sizeof(*n3->pre));
	n3->node = malloc((chain ? chain : 1) * sizeof(*n3->node));
	if (!n3->own || !n3->pre || !n3->node) {
		zdb_nsec3_unref(n3);
		return NULL;
	}
	return n3;
}

static void push(struct zdb_nsec3 *n3, uint64_t pre, size_t ix)
{
	n3->pre[n3->n] = pre;
	n3->node[n3->n++] = (uint32_t)ix;
}

int zdb_nsec3_build(struct zdb_zone *z)
{
	struct nsec3_param p;
	struct zdb_nsec3 *n3;
	uint64_t pre = 0;

	zdb_nsec3_unref(z->n3);
	z->n3 = NULL;
	if (!usable_param(zdb_at(z, 0), &p))
		return 0;
	n3 = n3_new(&p, z->nnodes, z->nnodes);
	if (!n3)
		return BN_ENOMEM;
	for (size_t i = 0; i < z->nnodes; i++) {
		const struct zdb_node *n = zdb_at(z, i);
		if (chain_member(z, n, &p, &pre))
			push(n3, pre, i);
		else if (hashed(n))
			n3->own[i] = name_hash(&p, n->owner);
	}
	z->n3 = n3;
	return 0;
}

/* Old node index oi in the new version (the stretches walked forward:
 * oi ascends from call to call), or -1 when it went away. */
static int64_t moved(const struct zdb_remap *rm, size_t *k, uint32_t oi)
{
	int64_t d;

	while (*k < rm->nshift && rm->shift[*k].from <= oi)
		(*k)++;
	d = *k ? rm->shift[*k - 1].delta : 0;
	return d == ZDB_DROPPED ? -1 : (int64_t)oi + d;
}

/* The hashes of the nodes kept, stretch by stretch. */
static void move_own(struct zdb_nsec3 *n3, const struct zdb_zone *base,
		     const struct zdb_remap *rm)
{
	const uint64_t *old = base->n3->own;
	size_t end, from = 0;
	int64_t d = 0;

	for (size_t k = 0; k <= rm->nshift; k++) {
		end = k < rm->nshift ? rm->shift[k].from : base->nnodes;
		if (d != ZDB_DROPPED && end > from)
			memcpy(n3->own + (int64_t)from + d, old + from,
			       (end - from) * sizeof(*old));
		if (k < rm->nshift) {
			from = rm->shift[k].from;
			d = rm->shift[k].delta;
		}
	}
}

/* The base's chain entries kept, merged with the new nodes of the
 * chain; both come in ascending node order. */
static void merge_chain(struct zdb_nsec3 *n3, const struct zdb_zone *nz,
			const struct zdb_zone *base,
			const struct zdb_remap *rm)
{
	const struct zdb_nsec3 *o = base->n3;
	size_t i = 0, f = 0, k = 0;
	int64_t ni = -1;
	uint64_t pre = 0;       /* set by chain_member before any use */

	for (;;) {
		while (ni < 0 && i < o->n) {
			ni = moved(rm, &k, o->node[i]);
			if (ni < 0)
				i++;
		}
		while (f < rm->nfresh &&
		       !chain_member(nz, zdb_at(nz, rm->fresh[f]), &n3->param,
				     &pre))
			f++;
		if (ni < 0 && f == rm->nfresh)
			return;
		if (f < rm->nfresh && (ni < 0 || rm->fresh[f] < ni)) {
			push(n3, pre, rm->fresh[f++]);
		} else {
			push(n3, o->pre[i++], (size_t)ni);
			ni = -1;
		}
	}
}

int zdb_nsec3_patch(struct zdb_zone *nz, const struct zdb_zone *base,
		    const struct zdb_remap *rm)
{
	struct nsec3_param p;
	struct zdb_nsec3 *n3;

	if (!usable_param(zdb_at(nz, 0), &p))
		return 0;
	if (!base->n3 || !same_param(&p, &base->n3->param))
		return zdb_nsec3_build(nz);
	n3 = n3_new(&p, nz->nnodes, base->n3->n + rm->nfresh);
	if (!n3)
		return BN_ENOMEM;
	move_own(n3, base, rm);
	for (size_t f = 0; f < rm->nfresh; f++) {
		const struct zdb_node *n = zdb_at(nz, rm->fresh[f]);
		n3->own[rm->fresh[f]] = hashed(n) ? name_hash(&p, n->owner) : 0;
	}
	merge_chain(n3, nz, base, rm);
	nz->n3 = n3;
	return 0;
}

const struct nsec3_param *zdb_zone_nsec3(const struct zdb_zone *z)
{
	return z->n3 && z->n3->n ? &z->n3->param : NULL;
}

/* The entry matching or covering a hash (full: all its octets, or NULL
 * when only the prefix v is known: an equal prefix then matches). */
static const struct zdb_node *search(const struct zdb_zone *z, uint64_t v,
				     const uint8_t *full, bool *exact)
{
	const struct zdb_nsec3 *n3 = z->n3;
	size_t lo = 0, hi = n3->n;
	uint8_t h[NSEC3_HASH_LEN];

	while (lo < hi) {               /* first entry above v */
		size_t mid = lo + (hi - lo) / 2;
		if (n3->pre[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	*exact = false;
	/* a tie of prefixes: the full hashes decide, walking down */
	for (; lo > 0 && n3->pre[lo - 1] == v; lo--) {
		const struct zdb_node *n = zdb_at(z, n3->node[lo - 1]);
		int c = full && nsec3_owner_hash(h, n->owner) == 0 ?
			memcmp(h, full, NSEC3_HASH_LEN) : 0;
		if (c <= 0) {
			*exact = c == 0;
			return n;
		}
	}
	return zdb_at(z, n3->node[lo ? lo - 1 : n3->n - 1]);
}

const struct zdb_node *zdb_nsec3_name(const struct zdb_zone *z,
				      const uint8_t *name, bool *exact)
{
	uint8_t h[NSEC3_HASH_LEN];

	*exact = false;
	if (!zdb_zone_nsec3(z) || nsec3_hash(h, &z->n3->param, name) < 0)
		return NULL;
	return search(z, prefix_of(h), h, exact);
}

const struct zdb_node *zdb_nsec3_node(const struct zdb_zone *z,
				      const struct zdb_node *n, bool *exact)
{
	size_t ix = n->ix;

	*exact = false;
	if (!zdb_zone_nsec3(z))
		return NULL;
	if (ix >= z->nnodes || !z->n3->own[ix])
		return zdb_nsec3_name(z, n->owner, exact);
	return search(z, z->n3->own[ix], NULL, exact);
}
