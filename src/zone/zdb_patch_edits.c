/* From a change to edits: its records (the SOAs included) sorted by
 * owner, removals before additions, then one edit per owner holding
 * that node's records with the change applied. */
#include <stdlib.h>

#include "base/error.h"
#include "wire/rrtype.h"
#include "zone/zdb_patch_int.h"

struct ref {
	const struct zchange_rr *rr;
	uint32_t seq;
	bool add;
};

static int ref_cmp(const void *pa, const void *pb)
{
	const struct ref *a = pa, *b = pb;
	int c = name_compare(a->rr->owner, b->rr->owner);

	if (c)
		return c;
	if (a->add != b->add)
		return a->add ? 1 : -1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static struct ref *sorted_refs(const struct zchange *c, size_t *n)
{
	struct ref *r = malloc((c->ndel + c->nadd + 2) * sizeof(*r));
	size_t k = 0;

	if (!r)
		return NULL;
	r[k] = (struct ref){ &c->soa_from, (uint32_t)k, false };
	k++;
	for (size_t i = 0; i < c->ndel; i++, k++)
		r[k] = (struct ref){ &c->del[i], (uint32_t)k, false };
	r[k] = (struct ref){ &c->soa_to, (uint32_t)k, true };
	k++;
	for (size_t i = 0; i < c->nadd; i++, k++)
		r[k] = (struct ref){ &c->add[i], (uint32_t)k, true };
	qsort(r, k, sizeof(*r), ref_cmp);
	*n = k;
	return r;
}

/* One owner's records r[0 .. n) applied to its node. */
static int edit_one(const struct zdb_zone *b, struct zdb_edit *e,
		    const struct ref *r, size_t n)
{
	const uint8_t *owner = r[0].rr->owner;
	bool found;
	int ret;

	if (!name_is_subdomain(owner, b->origin))
		return BN_EINVAL;
	/* the hash finds a node in one probe; only a new name is searched
	 * for its place */
	e->old = zdb_zone_find(b, owner);
	found = e->old != NULL;
	e->old_ix = found ? e->old->ix : zdb_zone_search(b, owner, &found);
	e->owner = found ? e->old->owner : owner;
	ret = zdb_edit_load(e);
	e->old_n = e->n;
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = r[i].add ? zdb_edit_add(e, r[i].rr)
			       : zdb_edit_del(e, r[i].rr);
	return ret;
}

int zdb_collect_edits(const struct zdb_zone *b, const struct zchange *c,
		      struct zdb_edit **out, size_t *n)
{
	struct zdb_edit *ed;
	struct ref *r;
	size_t nr, ne = 0;
	int ret = 0;

	*out = NULL;
	*n = 0;
	if (!c->soa_from.owner || !c->soa_to.owner ||
	    zchange_from(c) != b->serial)
		return BN_EINVAL;
	r = sorted_refs(c, &nr);
	ed = r ? calloc(nr, sizeof(*ed)) : NULL;
	if (!ed) {
		free(r);
		return BN_ENOMEM;
	}
	for (size_t i = 0, j; i < nr && ret == 0; i = j) {
		for (j = i + 1; j < nr && name_equal(r[j].rr->owner,
						     r[i].rr->owner); j++)
			;
		ret = edit_one(b, &ed[ne++], r + i, j - i);
	}
	free(r);
	*out = ed;
	*n = ne;
	return ret;
}
