/* The difference between two versions of a zone, as a change: both node
 * arrays walked together in canonical order; at a name both hold, each
 * record of one looked for in the other (nodes hold few records). The
 * SOA stands apart: it is the change's soa_from and soa_to. */
#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/change.h"
#include "zone/zdb_int.h"

static bool holds(const struct zdb_node *n, uint16_t type, uint32_t ttl,
		  const struct zdb_rdata *rd)
{
	for (uint16_t s = 0; n && s < n->nsets; s++) {
		const struct zdb_rrset *set = &n->sets[s];
		if (set->type != type || set->ttl != ttl)
			continue;
		for (uint16_t j = 0; j < set->count; j++)
			if (!rdata_compare(type, set->rr[j].data,
					   set->rr[j].len, rd->data, rd->len))
				return true;
	}
	return false;
}

/* Records of n missing from other (NULL: all) go to the change. */
static int side(struct zchange *c, const struct zdb_node *n,
		const struct zdb_node *other, bool add)
{
	int ret = 0;

	for (uint16_t s = 0; n && s < n->nsets && ret == 0; s++) {
		const struct zdb_rrset *set = &n->sets[s];
		if (set->type == RR_SOA && (n->flags & ZDB_APEX))
			continue;
		for (uint16_t j = 0; j < set->count && ret == 0; j++) {
			const struct zdb_rdata *rd = &set->rr[j];
			if (holds(other, set->type, set->ttl, rd))
				continue;
			ret = add ? zchange_add(c, n->owner, set->type,
						set->ttl, rd->data, rd->len)
				  : zchange_del(c, n->owner, set->type,
						set->ttl, rd->data, rd->len);
		}
	}
	return ret;
}

static int set_soas(struct zchange *c, const struct zdb_zone *a,
		    const struct zdb_zone *b)
{
	const struct zdb_rrset *sa = zdb_node_rrset(zdb_at(a, 0), RR_SOA);
	const struct zdb_rrset *sb = zdb_node_rrset(zdb_at(b, 0), RR_SOA);
	int ret;

	if (!sa || !sb)
		return BN_EINVAL;
	ret = zchange_set_soa(c, false, a->origin, sa->ttl, sa->rr[0].data,
			      sa->rr[0].len);
	if (ret == 0)
		ret = zchange_set_soa(c, true, a->origin, sb->ttl,
				      sb->rr[0].data, sb->rr[0].len);
	return ret;
}

int zdb_zone_diff(const struct zdb_zone *a, const struct zdb_zone *b,
		  struct zchange *out)
{
	size_t i = 0, j = 0;
	int ret = set_soas(out, a, b);

	while (ret == 0 && (i < a->nnodes || j < b->nnodes)) {
		const struct zdb_node *x = i < a->nnodes ? zdb_at(a, i) : NULL;
		const struct zdb_node *y = j < b->nnodes ? zdb_at(b, j) : NULL;
		int c = !x ? 1 : !y ? -1 : name_compare(x->owner, y->owner);

		if (c <= 0)
			ret = side(out, x, c == 0 ? y : NULL, false);
		if (ret == 0 && c >= 0)
			ret = side(out, y, c == 0 ? x : NULL, true);
		i += c <= 0;
		j += c >= 0;
	}
	return ret;
}
