/* Serving-time lookups: exact match through the hash index, the RFC 1034
 * walk (closest encloser by binary search over qname's suffixes, which
 * exist or not monotonically since empty non-terminals are nodes), and
 * the set of served zones keyed by origin. No allocation on lookups. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "wire/rrtype.h"
#include "zone/zdb_int.h"

/* len octets of a wire name lowercased, a word at a time (the last word
 * overlaps the one before; src is read only within its len octets). */
static void lower_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	uint64_t w;
	size_t i;

	if (len < 8) {
		for (i = 0; i < len; i++)
			dst[i] = zdb_lower(src[i]);
		return;
	}
	for (i = 0; i + 8 < len; i += 8) {
		memcpy(&w, src + i, 8);
		w = name_fold8(w);
		memcpy(dst + i, &w, 8);
	}
	memcpy(&w, src + len - 8, 8);
	w = name_fold8(w);
	memcpy(dst + len - 8, &w, 8);
}

/* Inlined in both callers, so the usual one keeps a constant bound. */
static inline void prep(struct zdb_qname *q, const uint8_t *name, size_t lim)
{
	size_t pos = 0;
	int n = 0;

	/* Bounded even for a name that is not valid: each label read ends
	 * before lim, so the next length octet is below it too; a length
	 * over 63 (a pointer) ends it, as lower_copy() would fold one of
	 * 65..90 into a longer label than the name holds. */
	while (name[pos] && name[pos] <= LABEL_MAXLEN && n < NAME_MAXLABELS &&
	       pos + name[pos] + 1 < lim) {
		q->off[n++] = (uint8_t)pos;
		pos += (size_t)name[pos] + 1;
	}
	lower_copy(q->lc, name, pos);
	memset(q->lc + pos, 0, 9);
	q->off[n] = (uint8_t)pos;
	q->n = n;
	q->len = (int)pos + 1;
	q->h[0] = zdb_hash_label(ZDB_HASH_SEED, q->lc + pos);
	for (int k = 1; k <= n; k++)
		q->h[k] = zdb_hash_label(q->h[k - 1], q->lc + q->off[n - k]);
}

void zdb_qname_prep(struct zdb_qname *q, const uint8_t *name)
{
	prep(q, name, NAME_MAXLEN);
}

void zdb_qname_prep_max(struct zdb_qname *q, const uint8_t *name,
			size_t max)
{
	prep(q, name, max < NAME_MAXLEN ? max : NAME_MAXLEN);
}

/* The node named lc (lowercase, k labels, hash state h), or NULL. */
static const struct zdb_node *find_lc(const struct zdb_zone *z,
				      const uint8_t *lc, int k, uint64_t h)
{
	uint64_t m = zdb_slot(h);
	uint32_t tag = zdb_tag(z, m), e;
	size_t i = m & z->mask;

	for (; (e = z->index[i]) != ZDB_EMPTY; i = (i + 1) & z->mask) {
		if ((e & ~z->imask) != tag)
			continue;
		const struct zdb_node *n = zdb_at(z, e & z->imask);
		if (n->labels == k && zdb_equal_lc(n->owner, lc))
			return n;
	}
	return NULL;
}

/* The node for the suffix of q with k labels. */
static const struct zdb_node *probe(const struct zdb_zone *z,
				    const struct zdb_qname *q, int k)
{
	return find_lc(z, q->lc + q->off[q->n - k], k, q->h[k]);
}

/* Step 1 of a probe for k labels hashing to h. */
static void prefetch_start(struct zdb_prefetch *p, const struct zdb_zone *z,
			   int k, uint64_t h)
{
	p->z = z;
	p->k = k;
	p->m = zdb_slot(h);
	p->n = NULL;
	__builtin_prefetch(&z->index[p->m & z->mask]);
}

void zdb_prefetch_slot(struct zdb_prefetch *p, const struct zdb_zone *z,
		       const struct zdb_qname *q)
{
	prefetch_start(p, z, q->n, q->h[q->n]);
}

/* As walk_missing() starts. */
bool zdb_prefetch_walk(struct zdb_prefetch *p, const struct zdb_zone *z,
		       const struct zdb_qname *q)
{
	int lo = z->labels, hi = q->n;

	if (hi - lo <= 1)
		return false;
	int mid = lo + (hi - lo) / 2;
	prefetch_start(p, z, mid, q->h[mid]);
	return true;
}

void zdb_prefetch_wildcard(struct zdb_prefetch *p, const struct zdb_zone *z,
			   const struct zdb_qname *q, int k)
{
	static const uint8_t star[8] = { 1, '*' };  /* read a word at once */

	prefetch_start(p, z, k + 1, zdb_hash_label(q->h[k], star));
}

bool zdb_prefetch_name(struct zdb_prefetch *p, const struct zdb_zone *z,
		       const uint8_t *name)
{
	struct zdb_qname q;

	zdb_qname_prep(&q, name);
	if (!zdb_zone_has(z, &q))
		return false;
	zdb_prefetch_slot(p, z, &q);
	return true;
}

/* The first entry whose tag matches, among the slots of the line just
 * fetched: a hit is almost always there (load factor at most 2/3). */
void zdb_prefetch_node(struct zdb_prefetch *p)
{
	const struct zdb_zone *z = p->z;
	uint32_t tag = zdb_tag(z, p->m), e;
	size_t i = p->m & z->mask;

	for (int k = 0; k < 4 && (e = z->index[i]) != ZDB_EMPTY; k++) {
		if ((e & ~z->imask) == tag) {
			p->n = zdb_at(z, e & z->imask);
			__builtin_prefetch(p->n);
			return;
		}
		i = (i + 1) & z->mask;
	}
}

/* The node's records sit together (zdb_build.c): RRsets, RDATA
 * entries, owner, RDATA octets; two lines cover most nodes. */
void zdb_prefetch_data(const struct zdb_prefetch *p)
{
	if (!p->n)
		return;
	__builtin_prefetch(p->n->sets);
	__builtin_prefetch(p->n->owner);
	__builtin_prefetch(p->n->owner + 64);
}

/* memcmp(a, b, n) == 0 for the short n of an origin, inline: words, the
 * last one overlapping the one before. */
static bool same_octets(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;
	size_t i;

	if (n < 8)
		return memcmp(a, b, n) == 0;
	for (i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

bool zdb_zone_has(const struct zdb_zone *z, const struct zdb_qname *q)
{
	if (q->n < z->labels)
		return false;
	const uint8_t *s = q->lc + q->off[q->n - z->labels];
	return q->lc + q->len - s == z->origin_len &&
	       same_octets(s, z->origin_lc, z->origin_len);
}

const struct zdb_node *zdb_zone_find(const struct zdb_zone *z,
				     const uint8_t *name)
{
	struct zdb_qname q;

	zdb_qname_prep(&q, name);
	return zdb_zone_has(z, &q) ? probe(z, &q, q.n) : NULL;
}

const struct zdb_node *zdb_zone_node(const struct zdb_zone *z, size_t i)
{
	return i < z->nnodes ? zdb_at(z, i) : NULL;
}

const struct zdb_node *zdb_node_parent(const struct zdb_zone *z,
				       const struct zdb_node *n)
{
	return n->up == ZDB_TOP ? NULL : zdb_at(z, n->up);
}

size_t zdb_zone_search(const struct zdb_zone *z, const uint8_t *name,
		       bool *found)
{
	size_t lo = 0, hi = z->nnodes;

	/* Invariant: nodes before lo sort before name, from hi on after. */
	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_compare(zdb_at(z, mid)->owner, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : 0;
}

const struct zdb_rrset *zdb_node_rrset(const struct zdb_node *n,
				       uint16_t type)
{
	if (!n)
		return NULL;
	for (uint16_t i = 0; i < n->nsets && n->sets[i].type <= type; i++)
		if (n->sets[i].type == type)
			return &n->sets[i];
	return NULL;
}

const struct zdb_rrset *zdb_node_rrsig(const struct zdb_node *n,
				       uint16_t covered)
{
	const struct zdb_rrset *s = zdb_node_rrset(n, RR_RRSIG);

	for (; s && s < n->sets + n->nsets && s->type == RR_RRSIG; s++) {
		const struct zdb_rdata *r = &s->rr[0];
		if (r->len >= 2 && (r->data[0] << 8 | r->data[1]) == covered)
			return s;
	}
	return NULL;
}

/* The highest cut or DNAME from n up to the apex: where the walk down
 * from the apex would have stopped. */
static const struct zdb_node *topmost_stop(const struct zdb_zone *z,
					   const struct zdb_node *n)
{
	const struct zdb_node *stop = NULL;

	for (; n; n = zdb_node_parent(z, n))
		if (n->flags & (ZDB_DELEG | ZDB_DNAME))
			stop = n;
	return stop;
}

static void stop_at(const struct zdb_node *s, struct zdb_lookup *r)
{
	r->encloser = s;
	r->cut = (s->flags & ZDB_DELEG) ? s : NULL;
	r->dname = (s->flags & ZDB_DNAME) ? s : NULL;
}

static const struct zdb_node *wildcard(const struct zdb_zone *z,
				       const struct zdb_qname *q, int k)
{
	uint8_t star[ZDB_NAMEBUF] = { 1, '*' };
	const uint8_t *suffix = q->lc + q->off[q->n - k];
	size_t len = (size_t)(q->lc + q->len - suffix);

	if (len + 2 > NAME_MAXLEN)
		return NULL;
	memcpy(star + 2, suffix, len);
	return find_lc(z, star, k + 1, zdb_hash_label(q->h[k], star));
}

/* qname does not exist: its deepest existing ancestor by bisection on
 * the label count (apex exists, qname does not). */
static void walk_missing(const struct zdb_zone *z, const struct zdb_qname *q,
			 struct zdb_lookup *r)
{
	int lo = z->labels, hi = q->n;
	const struct zdb_node *e = zdb_at(z, 0), *n, *s;

	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;
		n = probe(z, q, mid);
		if (n && !(n->flags & ZDB_HIDDEN)) {
			lo = mid;
			e = n;
		} else {
			hi = mid;
		}
	}
	if (e->flags & (ZDB_DELEG | ZDB_DNAME | ZDB_NONAUTH | ZDB_OCCLUDED)) {
		s = topmost_stop(z, e);
		if (s) {
			stop_at(s, r);
			return;
		}
	}
	r->encloser = e;
	if (e->flags & ZDB_WILDCARD_CHILD)
		r->wildcard = wildcard(z, q, lo);
}

void zdb_zone_lookup_q(const struct zdb_zone *z, const struct zdb_qname *q,
		       struct zdb_lookup *r)
{
	const struct zdb_node *n;

	memset(r, 0, sizeof(*r));
	r->encloser = zdb_at(z, 0);
	if (!zdb_zone_has(z, q))
		return;
	n = probe(z, q, q->n);
	/* a hashed owner is missing: one call of walk_missing, inlined */
	if (n && (n->flags & ZDB_HIDDEN))
		n = NULL;
	if (!n) {
		walk_missing(z, q, r);
	} else if (n->flags & (ZDB_NONAUTH | ZDB_OCCLUDED)) {
		stop_at(topmost_stop(z, zdb_node_parent(z, n)), r);
	} else {
		r->node = n;
		r->encloser = n;
		r->cut = (n->flags & ZDB_DELEG) ? n : NULL;
	}
}

void zdb_zone_lookup(const struct zdb_zone *z, const uint8_t *qname,
		     struct zdb_lookup *r)
{
	struct zdb_qname q;

	zdb_qname_prep(&q, qname);
	zdb_zone_lookup_q(z, &q, r);
}
