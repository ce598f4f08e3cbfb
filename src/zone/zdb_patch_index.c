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
	uint64_t m = node_slot(zdb_at(z, ix));
	size_t i = m & z->mask;

	while (z->index[i] != ZDB_EMPTY)
		i = (i + 1) & z->mask;
	z->index[i] = zdb_tag(z, m) | ix;
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

/* The remap as tables for the copy loop: from[k] (a sentinel at the
 * end) and delta[k + 1] for stretch k (delta[0] = 0: before the first),
 * and for each bucket of 2^bits old indices the number of stretches
 * starting at or before its first index. Buckets are about four times
 * as many as stretches, so most hold no boundary. */
struct moves {
	uint32_t *from, *first;
	int64_t *delta;
	unsigned bits;
	size_t nb;
};

static int moves_make(struct moves *mv, const struct zdb_remap *rm,
		      size_t nodes)
{
	size_t k = 0;

	mv->bits = 0;
	while (mv->bits < 31 && (nodes >> mv->bits) > 4 * rm->nshift)
		mv->bits++;
	mv->nb = (nodes >> mv->bits) + 1;
	mv->first = malloc(mv->nb * sizeof(*mv->first));
	mv->from = malloc((rm->nshift + 1) * sizeof(*mv->from));
	mv->delta = malloc((rm->nshift + 1) * sizeof(*mv->delta));
	if (!mv->first || !mv->from || !mv->delta)
		return BN_ENOMEM;
	mv->delta[0] = 0;
	for (size_t i = 0; i < rm->nshift; i++) {
		mv->from[i] = rm->shift[i].from;
		mv->delta[i + 1] = rm->shift[i].delta;
	}
	mv->from[rm->nshift] = UINT32_MAX;      /* above every index */
	for (size_t j = 0; j < mv->nb; j++) {
		while (k < rm->nshift && rm->shift[k].from <= (uint64_t)j << mv->bits)
			k++;
		mv->first[j] = (uint32_t)k;
	}
	return 0;
}

static void moves_free(struct moves *mv)
{
	free(mv->first);
	free(mv->from);
	free(mv->delta);
}

/* Copies the base's table with each entry's node index moved by its
 * stretch's shift: the bucket gives the stretch at its start, a step
 * or two the one at the entry. Empty slots (a third, at random) take
 * the same path with index 0; the choices are masks, not branches,
 * which would mispredict on them (a third of the time: 4x slower).
 * The slots of dropped nodes are noted in marks (one per dropped node
 * at most). */
static int move(struct zdb_zone *nz, const struct zdb_zone *base,
		const struct zdb_remap *rm, uint32_t mark, uint32_t *marks,
		size_t *nmarks)
{
	const uint32_t imask = nz->imask;
	struct moves mv = { 0 };
	size_t n = 0;
	int ret = moves_make(&mv, rm, base->nnodes);

	for (size_t i = 0; i <= nz->mask && ret == 0; i++) {
		uint32_t e = base->index[i], live = e != ZDB_EMPTY;
		uint32_t oi = (e & imask) * live, j = oi >> mv.bits;
		size_t k = mv.first[j < mv.nb ? j : mv.nb - 1];
		k += mv.from[k] <= oi;
		while (mv.from[k] <= oi)
			k++;
		int64_t d = mv.delta[k];
		uint32_t gone = -(uint32_t)(d == ZDB_DROPPED) & -live;
		uint32_t m = (e & ~imask) | (uint32_t)(oi + d);
		m = (m & ~gone) | (mark & gone);
		nz->index[i] = m | (live - 1);      /* empty stays empty */
		marks[n] = (uint32_t)i;
		n += gone & 1;
	}
	*nmarks = n;
	moves_free(&mv);
	return ret;
}

static int remap(struct zdb_zone *nz, const struct zdb_zone *base,
		 const struct zdb_remap *rm)
{
	const uint32_t mark = nz->imask;    /* no node has this index */
	uint32_t *marks = malloc((rm->ndropped + 1) * sizeof(*marks));
	size_t nmarks = 0;
	int ret = marks ? 0 : BN_ENOMEM;

	if (ret == 0 && !rm->nshift)
		memcpy(nz->index, base->index, (nz->mask + 1) * sizeof(uint32_t));
	else if (ret == 0)
		ret = move(nz, base, rm, mark, marks, &nmarks);
	/* a recluster may already have emptied a later mark's slot */
	for (size_t i = 0; i < nmarks && ret == 0; i++)
		if (nz->index[marks[i]] == mark)
			ret = recluster(nz, marks[i], mark);
	free(marks);
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
