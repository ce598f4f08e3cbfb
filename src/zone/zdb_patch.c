/* A new version of a serving zone with one change applied, sharing with
 * the base version every record the change does not touch. Only the
 * nodes the change names get new records (in a new block chained to the
 * base's); the node array is copied in stretches between them, empty
 * non-terminals are made again only next to them, and the index is
 * remapped rather than rebuilt (zdb_patch_index.c). The cost is one
 * sequential copy of the node array and index plus the change itself;
 * the memory a version keeps beyond the base is the change's. A change
 * that adds or removes no name is cheaper still: zdb_patch_inplace.c.
 * See doc/design/zone-changes.md. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "wire/rrtype.h"
#include "zone/zdb_patch_int.h"

struct patch {
	const struct zdb_zone *b;
	struct zdb_zone *nz;
	struct zdb_node *out;           /* nz's nodes: one flat array */
	struct zdb_edit *ed;
	size_t ned;
	uint8_t *recs;                  /* next free octet of the new block */
	const uint8_t *prev_real;       /* owner of the last real node out */
	bool fresh;                     /* next real node's ENTs made anew */
	size_t run;                     /* first old ENT not yet settled */
	struct zdb_remap rm;
};

static int grow32(uint32_t **a, size_t *cap, size_t n)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	uint32_t *na = realloc(*a, nc * sizeof(**a));
	if (!na)
		return BN_ENOMEM;
	*a = na;
	*cap = nc;
	return 0;
}

/* From old index oi on, old nodes move by d (ZDB_DROPPED: are gone). */
static int stretch(struct patch *p, size_t oi, int64_t d)
{
	struct zdb_remap *rm = &p->rm;

	if (rm->nshift && rm->shift[rm->nshift - 1].delta == d)
		return 0;
	if (rm->nshift == rm->capshift) {
		size_t nc = rm->capshift ? rm->capshift * 2 : 16;
		struct zdb_shift *ns = realloc(rm->shift, nc * sizeof(*ns));
		if (!ns)
			return BN_ENOMEM;
		rm->shift = ns;
		rm->capshift = nc;
	}
	rm->shift[rm->nshift].from = (uint32_t)oi;
	rm->shift[rm->nshift++].delta = d;
	return 0;
}

static int drop(struct patch *p, size_t oi)
{
	p->rm.ndropped++;
	return stretch(p, oi, ZDB_DROPPED);
}

static int fresh(struct patch *p, size_t ni)
{
	struct zdb_remap *rm = &p->rm;

	if (grow32(&rm->fresh, &rm->capfresh, rm->nfresh) < 0)
		return BN_ENOMEM;
	rm->fresh[rm->nfresh++] = (uint32_t)ni;
	return 0;
}

/* Old nodes [oi, oi + n) land next in the new array unchanged: copied
 * a chunk's stretch at a time. */
static int keep(struct patch *p, size_t oi, size_t n)
{
	size_t ni = p->nz->nnodes, done = 0;

	while (done < n) {
		size_t at = oi + done;
		size_t run = ZDB_CHUNK - (at & (ZDB_CHUNK - 1));
		if (run > n - done)
			run = n - done;
		memcpy(&p->out[ni + done], zdb_at(p->b, at),
		       run * sizeof(struct zdb_node));
		done += run;
	}
	p->nz->nnodes += n;
	return stretch(p, oi, (int64_t)ni - (int64_t)oi);
}

/* Labels that a and b share from the root (case-insensitive). */
static int common_labels(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[NAME_MAXLABELS + 1] = { 0 }, ob[NAME_MAXLABELS + 1] = { 0 };
	int na = 0, nb = 0, k = 0;

	for (size_t i = 0; a[i]; i += (size_t)a[i] + 1)
		oa[na++] = (uint8_t)i;
	for (size_t i = 0; b[i]; i += (size_t)b[i] + 1)
		ob[nb++] = (uint8_t)i;
	while (k < na && k < nb) {
		const uint8_t *la = a + oa[na - 1 - k], *lb = b + ob[nb - 1 - k];
		if (la[0] != lb[0])
			break;
		for (int j = 1; j <= la[0]; j++)
			if (zdb_lower(la[j]) != zdb_lower(lb[j]))
				return k;
		k++;
	}
	return k;
}

/* The empty non-terminals between the last real node out and the real
 * node n about to go out: the ancestors of n below what they share. */
static int fresh_ents(struct patch *p, const uint8_t *owner)
{
	int n = name_labels(owner);
	int c = p->prev_real ? common_labels(p->prev_real, owner) : n;
	size_t off[NAME_MAXLABELS + 1] = { 0 }, k = 0;

	for (size_t i = 0; owner[i]; i += (size_t)owner[i] + 1)
		off[k++] = i;
	for (int l = c + 1; l < n; l++) {
		size_t ni = p->nz->nnodes++;
		struct zdb_node *e = &p->out[ni];
		memset(e, 0, sizeof(*e));
		e->owner = owner + off[n - l];
		e->labels = (uint8_t)l;
		e->flags = ZDB_ENT;
		if (zdb_owner_is_wildcard(e->owner))
			e->flags |= ZDB_WILDCARD;
		if (fresh(p, ni) < 0)
			return BN_ENOMEM;
	}
	return 0;
}

/* Settles the old ENTs before old node i: dropped when the real node
 * that follows them gets its ENTs anew, else kept. */
static int settle_run(struct patch *p, size_t i, bool drop_them)
{
	int ret = 0;

	for (size_t j = p->run; j < i && ret == 0; j++)
		ret = drop_them ? drop(p, j) : keep(p, j, 1);
	p->run = i;
	return ret;
}

/* An edited node goes out, unless it ended empty. */
static int emit_edit(struct patch *p, const struct zdb_edit *e, size_t i)
{
	struct zdb_node n;
	size_t ni;
	int ret = settle_run(p, i, true);

	p->fresh = true;
	if (ret < 0 || !e->n)
		return ret;
	/* placed first: the ENTs' owners are suffixes of its stored one */
	zdb_edit_place(e, p->recs, &n, p->nz->nnodes == 0);
	p->recs += e->bytes;
	ret = fresh_ents(p, n.owner);
	if (ret < 0)
		return ret;
	ni = p->nz->nnodes++;
	p->out[ni] = n;
	p->prev_real = n.owner;
	return fresh(p, ni);
}

/* Old real node i, untouched by the change. */
static int emit_old(struct patch *p, size_t i)
{
	const struct zdb_node *o = zdb_at(p->b, i);
	int ret = settle_run(p, i, p->fresh);

	if (ret == 0 && p->fresh)
		ret = fresh_ents(p, o->owner);
	if (ret == 0)
		ret = keep(p, i, 1);
	p->fresh = false;
	p->prev_real = o->owner;
	p->run = i + 1;
	return ret;
}

/* Old nodes from i on go out as they are, up to the last real node
 * before limit (the ENTs after it belong to an edit): one copy. */
static size_t bulk(struct patch *p, size_t i, size_t limit)
{
	size_t r = limit;

	while (r > i && (zdb_at(p->b, r - 1)->flags & ZDB_ENT))
		r--;
	if (r <= i || keep(p, i, r - i) < 0)
		return i;
	p->prev_real = zdb_at(p->b, r - 1)->owner;
	p->run = r;
	return r;
}

/* Where the next edit starts to touch the old array. */
static size_t edit_limit(const struct patch *p, size_t e)
{
	if (e == p->ned)
		return p->b->nnodes;
	return p->ed[e].old ? p->ed[e].old_ix : p->ed[e].old_ix + 1;
}

/* Walks the base's nodes and the edits (both in canonical order). */
static int merge(struct patch *p)
{
	size_t e = 0, n = p->b->nnodes, i = 0, j;
	int ret = 0;

	while (ret == 0) {
		while (ret == 0 && e < p->ned && !p->ed[e].old &&
		       p->ed[e].old_ix + 1 == i)
			ret = emit_edit(p, &p->ed[e++], i);
		if (ret < 0 || i == n)
			break;
		if (e < p->ned && p->ed[e].old && p->ed[e].old_ix == i) {
			ret = emit_edit(p, &p->ed[e++], i);
			if (ret == 0)
				ret = drop(p, i);
			p->run = ++i;
			continue;
		}
		if (!p->fresh && p->run == i &&
		    (j = bulk(p, i, edit_limit(p, e))) > i) {
			i = j;
			continue;
		}
		if (!(zdb_at(p->b, i)->flags & ZDB_ENT))
			ret = emit_old(p, i);
		i++;
	}
	return ret;
}

/* Parents, and the flags a node takes from its ancestors, for the whole
 * new array: one pass in canonical order with the path from the apex.
 * It reads the nodes only, never their owners (a cache miss each). */
static void link(struct zdb_zone *z, struct zdb_node *nodes)
{
	struct zdb_node *path[NAME_MAXLABELS + 1];
	const uint16_t inherited = ZDB_NONAUTH | ZDB_OCCLUDED |
				   ZDB_WILDCARD_CHILD | ZDB_HIDDEN;

	for (size_t i = 0; i < z->nnodes; i++) {
		struct zdb_node *n = &nodes[i];
		int depth = n->labels - z->labels;
		struct zdb_node *up = depth ? path[depth - 1] : NULL;

		n->ix = (uint32_t)i;
		n->up = up ? up->ix : ZDB_TOP;
		n->flags &= (uint16_t)~inherited;
		if (up && (up->flags & (ZDB_DELEG | ZDB_NONAUTH)))
			n->flags |= ZDB_NONAUTH;
		if (up && (up->flags & (ZDB_DNAME | ZDB_OCCLUDED)))
			n->flags |= ZDB_OCCLUDED;
		if (up && (n->flags & ZDB_WILDCARD))
			up->flags |= ZDB_WILDCARD_CHILD;
		if (n->flags & ZDB_NSEC3)
			n->flags |= ZDB_HIDDEN;
		if (up)
			up->flags &= (uint16_t)~ZDB_HIDDEN;
		path[depth] = n;
	}
}

static void patch_free(struct patch *p)
{
	for (size_t i = 0; i < p->ned; i++)
		free(p->ed[i].it);
	free(p->ed);
	free(p->rm.shift);
	free(p->rm.fresh);
}

/* Node count of the new version at most: the base's, plus each edited
 * name and its ancestors (the ENTs it may need). */
static size_t max_nodes(const struct patch *p)
{
	size_t n = p->b->nnodes;

	for (size_t i = 0; i < p->ned; i++)
		n += (size_t)name_labels(p->ed[i].owner) - p->b->labels + 1;
	return n;
}

struct zdb_zone *zdb_version_new(const struct zdb_zone *b)
{
	struct zdb_zone *nz = calloc(1, sizeof(*nz));

	if (!nz)
		return NULL;
	atomic_init(&nz->refs, 1);
	nz->spare = zdb_spare_ref(b->spare);
	nz->labels = b->labels;
	nz->origin_len = b->origin_len;
	memcpy(nz->origin, b->origin, b->origin_len);
	memcpy(nz->origin_lc, b->origin_lc, b->origin_len);
	return nz;
}

static int build(struct patch *p, size_t bytes)
{
	struct zdb_zone *nz = p->nz;
	size_t cap = max_nodes(p);
	const struct zdb_rrset *soa;
	int ret;

	nz->recs = zdb_recs_new(bytes, p->b->recs);
	p->out = (struct zdb_node *)zdb_spine_alloc(nz, cap *
						    sizeof(struct zdb_node));
	if (!nz->recs || !p->out)
		return BN_ENOMEM;
	p->recs = nz->recs->data;
	ret = merge(p);
	if (ret == 0)
		ret = zdb_chunk_flat(nz, p->out, nz->nnodes);
	if (ret < 0)
		return ret;
	link(nz, p->out);
	ret = zdb_patch_index(nz, p->b, &p->rm);
	if (ret == 0)
		ret = zdb_nsec3_patch(nz, p->b, &p->rm);
	if (ret < 0)
		return ret;
	soa = zdb_node_rrset(p->out, RR_SOA);
	if (!soa || soa->count != 1 || !(p->out[0].flags & ZDB_APEX))
		return BN_EINVAL;
	zdb_read_serial(nz, soa);
	return 0;
}

int zdb_zone_patch(struct zdb_zone **out, const struct zdb_zone *base,
		   const struct zchange *c)
{
	struct patch p = { .b = base };
	size_t bytes = 0, dead = 0, nrr = base->nrr;
	int ret;

	*out = NULL;
	ret = zdb_collect_edits(base, c, &p.ed, &p.ned);
	for (size_t i = 0; i < p.ned && ret == 0; i++) {
		bytes += zdb_edit_finish(&p.ed[i]);
		if (p.ed[i].old)
			dead += zdb_node_bytes(p.ed[i].old);
		nrr += p.ed[i].n - p.ed[i].old_n;
		if (p.ed[i].n > UINT16_MAX)
			ret = BN_EINVAL;
	}
	if (ret == 0)
		ret = zdb_patch_in_place(&p.nz, base, p.ed, p.ned, bytes);
	if (ret > 0) {          /* not in place: merged */
		p.nz = zdb_version_new(base);
		ret = p.nz ? build(&p, bytes) : BN_ENOMEM;
	}
	if (ret == 0) {
		p.nz->nrr = nrr;
		p.nz->dead += base->dead + dead;
		*out = p.nz;
	} else if (p.nz) {
		zdb_zone_free(p.nz);
	}
	patch_free(&p);
	return ret;
}

int zdb_zone_with_serial(struct zdb_zone **out, const struct zdb_zone *base,
			 uint32_t serial)
{
	const struct zdb_rrset *soa = zdb_node_rrset(zdb_at(base, 0), RR_SOA);
	struct zchange c;
	int ret;

	*out = NULL;
	zchange_init(&c);
	ret = zchange_set_soa(&c, false, base->origin, soa->ttl,
			      soa->rr[0].data, soa->rr[0].len);
	if (ret == 0)
		ret = zchange_set_soa_serial(&c, true, &c.soa_from, serial);
	if (ret == 0)
		ret = zdb_zone_patch(out, base, &c);
	zchange_clear(&c);
	return ret;
}
