/* The new content of one node under a change: its old records, minus
 * the change's removals, plus its additions, sorted the way the build
 * sorts them, then laid out in a new record block as the build lays out
 * a node (sets, RDATA entries, owner, RDATA octets). */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/zdb_patch_int.h"

/* RRSIG sets are one per type covered, so the covered type sorts too. */
static uint16_t covered(uint16_t type, const uint8_t *rd, uint16_t len)
{
	return type == RR_RRSIG && len >= 2 ? (uint16_t)(rd[0] << 8 | rd[1])
					    : 0;
}

static int item_cmp(const void *pa, const void *pb)
{
	const struct zdb_item *a = pa, *b = pb;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->covered != b->covered)
		return a->covered < b->covered ? -1 : 1;
	return rdata_compare(a->type, a->rd, a->len, b->rd, b->len);
}

static int push(struct zdb_edit *e, uint16_t type, uint32_t ttl,
		const uint8_t *rd, uint16_t len)
{
	struct zdb_item *it;

	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		it = realloc(e->it, cap * sizeof(*it));
		if (!it)
			return BN_ENOMEM;
		e->it = it;
		e->cap = cap;
	}
	it = &e->it[e->n++];
	it->type = type;
	it->covered = covered(type, rd, len);
	it->ttl = ttl;
	it->rd = rd;
	it->len = len;
	return 0;
}

static struct zdb_item *find(struct zdb_edit *e, uint16_t type,
			     const uint8_t *rd, uint16_t len)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->it[i].type == type &&
		    !rdata_compare(type, e->it[i].rd, e->it[i].len, rd, len))
			return &e->it[i];
	return NULL;
}

int zdb_edit_load(struct zdb_edit *e)
{
	const struct zdb_node *n = e->old;

	for (uint16_t s = 0; n && s < n->nsets; s++) {
		const struct zdb_rrset *set = &n->sets[s];
		for (uint16_t j = 0; j < set->count; j++) {
			int ret = push(e, set->type, set->ttl,
				       set->rr[j].data, set->rr[j].len);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

int zdb_edit_del(struct zdb_edit *e, const struct zchange_rr *rr)
{
	struct zdb_item *it = find(e, rr->type, rr->rdata, rr->rdlen);

	if (!it)
		return BN_ENOTFOUND;
	*it = e->it[--e->n];
	return 0;
}

/* An RRset has one TTL: the last one added gives it to the whole set,
 * as BIND does on UPDATE and IXFR. */
int zdb_edit_add(struct zdb_edit *e, const struct zchange_rr *rr)
{
	struct zdb_item *it = find(e, rr->type, rr->rdata, rr->rdlen);
	uint16_t cov = covered(rr->type, rr->rdata, rr->rdlen);

	if (!it) {
		int ret = push(e, rr->type, rr->ttl, rr->rdata, rr->rdlen);
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < e->n; i++)
		if (e->it[i].type == rr->type && e->it[i].covered == cov)
			e->it[i].ttl = rr->ttl;
	return 0;
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Sorts the items, counts the sets and the octets the node takes. */
size_t zdb_edit_finish(struct zdb_edit *e)
{
	size_t bytes = name_length(e->owner);

	if (e->n > 1)
		qsort(e->it, e->n, sizeof(*e->it), item_cmp);
	e->nsets = 0;
	for (size_t i = 0; i < e->n; i++) {
		const struct zdb_item *a = &e->it[i];
		if (!i || a->type != a[-1].type || a->covered != a[-1].covered)
			e->nsets++;
		bytes += sizeof(struct zdb_rdata) + a->len;
	}
	e->bytes = e->n ? align8(bytes + e->nsets * sizeof(struct zdb_rrset))
			: 0;
	return e->bytes;
}

static uint16_t node_flags(const struct zdb_rrset *s, bool apex)
{
	if (s->type == RR_NS && !apex)
		return ZDB_DELEG;
	if (s->type == RR_CNAME)
		return ZDB_CNAME;
	if (s->type == RR_DNAME)
		return ZDB_DNAME;
	return 0;
}

/* A hashed owner name of NSEC3: NSEC3 and its signatures only (items
 * sorted by type). */
static bool nsec3_only(const struct zdb_edit *e)
{
	bool nsec3 = false;

	for (size_t i = 0; i < e->n; i++) {
		if (e->it[i].type == RR_NSEC3)
			nsec3 = true;
		else if (e->it[i].type != RR_RRSIG)
			return false;
	}
	return nsec3;
}

/* Lays the node out at dst (e->bytes octets); the node's own flags (not
 * those its ancestors give it) are set. */
void zdb_edit_place(const struct zdb_edit *e, uint8_t *dst,
		    struct zdb_node *n, bool apex)
{
	struct zdb_rrset *s = (struct zdb_rrset *)dst - 1;
	struct zdb_rdata *rd = (struct zdb_rdata *)((struct zdb_rrset *)dst +
						    e->nsets);
	uint8_t *bytes = (uint8_t *)(rd + e->n);
	size_t olen = name_length(e->owner);

	memcpy(bytes, e->owner, olen);
	n->owner = bytes;
	n->sets = (const struct zdb_rrset *)dst;
	n->nsets = (uint16_t)e->nsets;
	n->labels = (uint8_t)name_labels(e->owner);
	n->flags = apex ? ZDB_APEX : 0;
	if (zdb_owner_is_wildcard(e->owner))
		n->flags |= ZDB_WILDCARD;
	if (nsec3_only(e))
		n->flags |= ZDB_NSEC3;
	bytes += olen;
	for (size_t i = 0; i < e->n; i++, rd++) {
		const struct zdb_item *a = &e->it[i];
		if (!i || a->type != a[-1].type || a->covered != a[-1].covered) {
			s++;
			s->type = a->type;
			s->ttl = a->ttl;
			s->count = 0;
			s->rr = rd;
			n->flags |= node_flags(s, apex);
		}
		s->count++;
		memcpy(bytes, a->rd, a->len);
		rd->data = bytes;
		rd->len = a->len;
		bytes += a->len;
	}
}

/* What the node's old records took in their block: dead once replaced. */
size_t zdb_node_bytes(const struct zdb_node *n)
{
	size_t b = n->nsets * sizeof(struct zdb_rrset) + name_length(n->owner);

	for (uint16_t s = 0; s < n->nsets; s++) {
		b += n->sets[s].count * sizeof(struct zdb_rdata);
		for (uint16_t j = 0; j < n->sets[s].count; j++)
			b += n->sets[s].rr[j].len;
	}
	return align8(b);
}
