/* The patched version's hash index. The base's table is copied and each
 * entry's node index moved by the shift of its stretch; entries of
 * dropped nodes are taken out by rebuilding their probe cluster; nodes
 * new in this version are inserted. Only the names the change touched
 * are hashed, so a small change to a large zone costs one pass over
 * the table. When the table is too full, or the change large, the
 * index is built again from every name. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "zone/zdb_patch_int.h"

static uint64_t node_slot(const struct zdb_node *n)
{
	struct zdb_qname q;

	zdb_qname_prep(&q, n->owner);
	return zdb_slot(q.h[q.n]);
}

static void insert(struct zdb_zone *z, uint32_t ix)
{
	uint64_t m = node_slot(&z->nodes[ix]);
	size_t i = m & z->mask;

	while (z->index[i] != ZDB_EMPTY)
		i = (i + 1) & z->mask;
	z->index[i] = zdb_tag(z, m) | ix;
}

/* The shift of the last stretch starting at or before oi. */
static int64_t delta(const struct zdb_remap *rm, uint32_t oi)
{
	size_t lo = 0, hi = rm->nshift;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (rm->shift[mid].from <= oi)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? rm->shift[lo - 1].delta : 0;
}

/* Empties the probe cluster around slot i and puts back its live
 * entries: they all hash into the cluster, so they land in it again. */
static int recluster(struct zdb_zone *z, size_t i, uint32_t mark)
{
	size_t start = i, n = 0, cap = 16;
	uint32_t *keep = malloc(cap * sizeof(*keep)), *k;

	if (!keep)
		return BN_ENOMEM;
	while (z->index[(start - 1) & z->mask] != ZDB_EMPTY)
		start = (start - 1) & z->mask;
	for (size_t j = start; z->index[j] != ZDB_EMPTY; j = (j + 1) & z->mask) {
		if (z->index[j] != mark) {
			if (n == cap) {
				k = realloc(keep, 2 * cap * sizeof(*keep));
				if (!k) {
					free(keep);
					return BN_ENOMEM;
				}
				keep = k;
				cap *= 2;
			}
			keep[n++] = z->index[j] & z->imask;
		}
		z->index[j] = ZDB_EMPTY;
	}
	for (size_t j = 0; j < n; j++)
		insert(z, keep[j]);
	free(keep);
	return 0;
}

/* Copies the base's table with each entry's node index moved. A small
 * change has few stretches, scanned without branches: a third of the
 * slots are empty at random, which a branch would mispredict. */
static void move_small(struct zdb_zone *nz, const struct zdb_zone *base,
		       const struct zdb_remap *rm, uint32_t mark)
{
	const uint32_t imask = nz->imask;

	for (size_t i = 0; i <= nz->mask; i++) {
		uint32_t e = base->index[i], oi = e & imask;
		int64_t d = rm->shift[0].delta;
		for (size_t k = 1; k < rm->nshift; k++)
			d = oi >= rm->shift[k].from ? rm->shift[k].delta : d;
		uint32_t m = (e & ~imask) | (uint32_t)(oi + d);
		m = d == ZDB_DROPPED ? mark : m;
		nz->index[i] = e == ZDB_EMPTY ? e : m;
	}
}

static void move_large(struct zdb_zone *nz, const struct zdb_zone *base,
		       const struct zdb_remap *rm, uint32_t mark)
{
	for (size_t i = 0; i <= nz->mask; i++) {
		uint32_t e = base->index[i], oi = e & nz->imask;
		int64_t d = e == ZDB_EMPTY ? 0 : delta(rm, oi);
		nz->index[i] = e == ZDB_EMPTY ? e : d == ZDB_DROPPED ? mark :
			       (e & ~nz->imask) | (uint32_t)(oi + d);
	}
}

static int remap(struct zdb_zone *nz, const struct zdb_zone *base,
		 const struct zdb_remap *rm)
{
	const uint32_t mark = nz->imask;    /* no node has this index */
	int ret = 0;

	if (!rm->nshift)
		memcpy(nz->index, base->index, (nz->mask + 1) * sizeof(uint32_t));
	else if (rm->nshift <= 16)
		move_small(nz, base, rm, mark);
	else
		move_large(nz, base, rm, mark);
	for (size_t i = 0; i <= nz->mask && ret == 0; i++)
		if (nz->index[i] == mark)
			ret = recluster(nz, i, mark);
	for (size_t i = 0; i < rm->nfresh && ret == 0; i++)
		insert(nz, rm->fresh[i]);
	return ret;
}

size_t zdb_patch_slots(const struct zdb_zone *base, size_t nodes,
		       const struct zdb_remap *rm)
{
	size_t slots = base->mask + 1;

	if (nodes + nodes / 2 <= slots &&
	    rm->nfresh + rm->ndropped <= base->nnodes / 4 + 64)
		return slots;
	slots = 4;
	while (slots < nodes + nodes / 2)
		slots *= 2;
	return slots;
}

int zdb_patch_index(struct zdb_zone *nz, const struct zdb_zone *base,
		    const struct zdb_remap *rm)
{
	size_t slots = zdb_patch_slots(base, nz->nnodes, rm);

	nz->index = (uint32_t *)zdb_spine_alloc(nz, slots * sizeof(uint32_t));
	if (!nz->index)
		return BN_ENOMEM;
	zdb_index_size(nz, nz->nnodes, slots, false);
	if (slots == base->mask + 1 && nz->imask == base->imask)
		return remap(nz, base, rm);
	memset(nz->index, 0xff, slots * sizeof(*nz->index));
	for (size_t i = 0; i < nz->nnodes; i++)
		insert(nz, (uint32_t)i);
	return 0;
}
