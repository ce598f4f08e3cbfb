/* A version whose change only rewrites nodes that stay: no name added
 * or removed, no zone cut, DNAME or NSEC3 node made or undone, the
 * NSEC3 parameters kept. That is the usual IXFR or UPDATE (records of
 * existing names replaced), and its version shares with the base the
 * node array, the index and the NSEC3 chain: it copies only the chunks
 * of ZDB_CHUNK nodes that hold a rewritten node (into its own record
 * block, before the records) and the table of chunk pointers. The cost
 * follows the change, not the zone (a merge copies every node). */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "wire/rrtype.h"
#include "zone/zdb_patch_int.h"

#define CHUNK_BYTES (ZDB_CHUNK * sizeof(struct zdb_node))
/* Flags that shape other nodes (their NONAUTH, OCCLUDED, HIDDEN) or the
 * NSEC3 chain: a change to them needs the merge. */
#define STRUCTURAL (ZDB_DELEG | ZDB_DNAME | ZDB_NSEC3)
#define INHERITED (ZDB_NONAUTH | ZDB_OCCLUDED | ZDB_WILDCARD_CHILD)

static bool same_rrset(const struct zdb_rrset *a, const struct zdb_rrset *b)
{
	if (!a || !b)
		return a == b;
	if (a->count != b->count)
		return false;
	for (uint16_t i = 0; i < a->count; i++)
		if (a->rr[i].len != b->rr[i].len ||
		    memcmp(a->rr[i].data, b->rr[i].data, a->rr[i].len))
			return false;
	return true;
}

/* Chunks the edits touch (edits ascend by index), or 0 when one of them
 * adds or removes a node, or touches an NSEC3 one. */
static size_t chunks_touched(const struct zdb_edit *ed, size_t ned)
{
	size_t n = 0, last = SIZE_MAX;

	for (size_t i = 0; i < ned; i++) {
		if (!ed[i].old || !ed[i].n || (ed[i].old->flags & ZDB_NSEC3))
			return 0;
		if (ed[i].old_ix >> ZDB_CHUNK_BITS != last)
			n++;
		last = ed[i].old_ix >> ZDB_CHUNK_BITS;
	}
	return n;
}

/* nz shares base's spine, index and NSEC3 chain, and a copy of its chunk
 * table. 0 or BN_ENOMEM. */
static int share(struct zdb_zone *nz, const struct zdb_zone *b)
{
	size_t nc = zdb_chunks(b->nnodes);

	nz->chunk = malloc(nc * sizeof(*nz->chunk));
	if (!nz->chunk)
		return BN_ENOMEM;
	memcpy(nz->chunk, b->chunk, nc * sizeof(*nz->chunk));
	nz->sp = b->sp;
	atomic_fetch_add_explicit(&nz->sp->refs, 1, memory_order_relaxed);
	nz->n3 = b->n3;
	if (nz->n3)
		atomic_fetch_add_explicit(&nz->n3->refs, 1,
					  memory_order_relaxed);
	nz->index = b->index;
	nz->mask = b->mask;
	nz->imask = b->imask;
	nz->ibits = b->ibits;
	nz->nnodes = b->nnodes;
	return 0;
}

/* Copies the chunk holding node i into cp (when not done yet). */
static struct zdb_node *own_chunk(struct zdb_zone *nz, size_t i,
				  uint8_t **cp, size_t *last)
{
	size_t c = i >> ZDB_CHUNK_BITS, first = c << ZDB_CHUNK_BITS;
	size_t cnt = nz->nnodes - first < ZDB_CHUNK ? nz->nnodes - first
						   : ZDB_CHUNK;

	if (c != *last) {
		memcpy(*cp, nz->chunk[c], cnt * sizeof(struct zdb_node));
		nz->chunk[c] = (struct zdb_node *)*cp;
		*cp += CHUNK_BYTES;
		*last = c;
	}
	return &nz->chunk[c][i & (ZDB_CHUNK - 1)];
}

/* Rewrites the edits' nodes: false when one changes the structure. */
static bool rewrite(struct zdb_zone *nz, const struct zdb_edit *ed,
		    size_t ned, uint8_t *cp, uint8_t *rec)
{
	size_t last = SIZE_MAX;

	for (size_t i = 0; i < ned; i++) {
		const struct zdb_edit *e = &ed[i];
		struct zdb_node *n = own_chunk(nz, e->old_ix, &cp, &last);

		zdb_edit_place(e, rec, n, e->old_ix == 0);
		rec += e->bytes;
		n->flags |= e->old->flags & INHERITED;
		if ((n->flags & STRUCTURAL) != (e->old->flags & STRUCTURAL))
			return false;
		if (e->old_ix == 0 &&
		    !same_rrset(zdb_node_rrset(n, RR_NSEC3PARAM),
				zdb_node_rrset(e->old, RR_NSEC3PARAM)))
			return false;
	}
	return true;
}

int zdb_patch_in_place(struct zdb_zone **out, const struct zdb_zone *base,
		       const struct zdb_edit *ed, size_t ned, size_t bytes)
{
	size_t nch = chunks_touched(ed, ned);
	const struct zdb_rrset *soa;
	struct zdb_zone *nz;
	int ret = 1;

	*out = NULL;
	if (!nch)
		return 1;
	nz = zdb_version_new(base);
	if (!nz)
		return BN_ENOMEM;
	nz->recs = zdb_recs_new(nch * CHUNK_BYTES + bytes, base->recs);
	if (!nz->recs || share(nz, base) < 0)
		ret = BN_ENOMEM;
	else if (rewrite(nz, ed, ned, nz->recs->data,
			 nz->recs->data + nch * CHUNK_BYTES))
		ret = 0;
	soa = ret == 0 ? zdb_node_rrset(zdb_at(nz, 0), RR_SOA) : NULL;
	if (ret == 0 && (!soa || soa->count != 1))
		ret = BN_EINVAL;
	if (ret != 0) {
		zdb_zone_free(nz);
		return ret;
	}
	zdb_read_serial(nz, soa);
	nz->dead = nch * CHUNK_BYTES;   /* the copies they replace */
	*out = nz;
	return 0;
}
