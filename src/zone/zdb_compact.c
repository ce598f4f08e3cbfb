/* A version built whole again from a (patched) version: its records
 * read back into a struct zone and built as a zone file is. Drops the
 * chain of record blocks that patches leave behind (zdb_zone_dead). */
#include "base/error.h"
#include "zone/zdb_int.h"

static int add_node(struct zone *z, const struct zdb_node *n)
{
	struct zrr rr = { .owner = n->owner, .rclass = z->rclass,
			  .file = "(compaction)" };
	int ret = 0;

	for (uint16_t s = 0; s < n->nsets && ret == 0; s++) {
		const struct zdb_rrset *set = &n->sets[s];
		rr.type = set->type;
		rr.ttl = set->ttl;
		rr.ttl_explicit = true;
		for (uint16_t j = 0; j < set->count && ret == 0; j++) {
			rr.rdata = set->rr[j].data;
			rr.rdlen = set->rr[j].len;
			ret = zone_add(z, &rr);
		}
	}
	return ret;
}

bool zdb_zone_compact_due(const struct zdb_zone *z)
{
	return z->dead >= ((size_t)1 << 20) &&
	       z->dead >= zdb_zone_memory(z) / 4;
}

int zdb_zone_compact(struct zdb_zone **out, const struct zdb_zone *zz)
{
	struct zone z;
	int ret = 0;

	*out = NULL;
	zone_init(&z, zz->origin, 1);
	z.no_warnings = true;
	for (size_t i = 0; i < zz->nnodes && ret == 0; i++)
		ret = add_node(&z, zdb_at(zz, i));
	if (ret == 0)
		ret = zone_finish(&z);
	if (ret == 0)
		ret = zdb_zone_build(out, &z);
	zone_clear(&z);
	return ret;
}
