/* Builds the serving form of a zone in one block sized beforehand (one
 * allocation, no slack): the node array in canonical order (empty
 * non-terminals added, parent links, flags), the hash index, then each
 * node's RRsets, RDATA entries, owner and RDATA side by side. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/error.h"
#include "wire/rrtype.h"
#include "zone/zdb_int.h"

/* Labels that node i shares with node i - 1 from the root, told by
 * their sort keys (zone_name_key: a 0 octet ends each label and is found
 * nowhere else, so the shared labels are the 0s of the common prefix).
 * The keys leave out the origin, which every node shares. */
static int common_labels(const struct zone *z, size_t i)
{
	const struct zone_node *a = &z->nodes[i - 1], *b = &z->nodes[i];
	size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
	int k = z->origin_labels;

	for (size_t p = 0; p < n && a->key[p] == b->key[p]; p++)
		k += !a->key[p];
	return k;
}

/* What the build needs to know before allocating. */
struct sizes {
	size_t nodes, recs, slots;
	uint8_t *shared;                /* common_labels() of each node for
					 * fill(), or NULL: computed again */
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* RRs of a zone node, all sets together. */
static size_t node_rrs(const struct zone *z, const struct zone_node *zn)
{
	size_t n = 0;

	for (uint32_t i = 0; i < zn->count; i++)
		n += z->sets[zn->first + i].count;
	return n;
}

/* A node's records sit together so that a lookup touches few cache
 * lines: its RRsets, their RDATA entries, the owner, the RDATA octets. */
static size_t node_bytes(const struct zone *z, const struct zone_node *zn)
{
	size_t n = zn->count * sizeof(struct zdb_rrset) +
		   name_length(zn->owner);

	for (uint32_t i = 0; i < zn->count; i++) {
		const struct zone_rrset *zs = &z->sets[zn->first + i];
		n += zs->count * sizeof(struct zdb_rdata);
		for (uint32_t j = 0; j < zs->count; j++)
			n += z->rrs[zs->first + j]->rdlen;
	}
	return align8(n);
}

/* Every ancestor of a node missing between it and what it shares with
 * the node before it in canonical order is an empty non-terminal: an
 * existing ancestor would sit between the two. */
static int count(const struct zone *z, struct sizes *s)
{
	memset(s, 0, sizeof(*s));
	s->nodes = z->nnodes;
	s->shared = malloc(z->nnodes);
	for (size_t i = 0; i < z->nnodes; i++) {
		zone_prefetch_node(z, i + ZONE_PREFETCH_AHEAD);
		if (i) {
			int n = name_labels(z->nodes[i].owner);
			int c = common_labels(z, i);
			s->nodes += (size_t)(n - 1 > c ? n - 1 - c : 0);
			if (s->shared)
				s->shared[i] = (uint8_t)c;
		}
		s->recs += node_bytes(z, &z->nodes[i]);
	}
	if (s->nodes >= ZDB_EMPTY)
		return BN_ENOMEM;
	/* Load factor at most 2/3 keeps linear probing short. */
	s->slots = 4;
	while (s->slots < s->nodes + s->nodes / 2)
		s->slots *= 2;
	return 0;
}

/* Fill state: bump pointers into the block, and the path from the apex
 * to the last node placed, by depth below the apex. */
struct fill {
	struct zdb_zone *zz;
	struct zdb_node *nodes;         /* the flat array being filled */
	uint8_t *recs;
	struct zdb_node *path[NAME_MAXLABELS + 1];
	struct zdb_qname q;             /* the owner being placed */
	uint64_t *mixed;                /* node hashes for index_all(), or
					 * NULL: insert as nodes are placed */
	const uint8_t *shared;          /* from count(), or NULL */
};

static void index_insert(struct zdb_zone *zz, uint64_t m, uint32_t ix)
{
	size_t i = m & zz->mask;

	while (zz->index[i] != ZDB_EMPTY)
		i = (i + 1) & zz->mask;
	zz->index[i] = zdb_tag(zz, m) | ix;
}

/* Places a node one label below f->path[depth - 1]; flags that follow
 * from the ancestors are inherited here. */
static struct zdb_node *place(struct fill *f, const uint8_t *owner,
			      int labels, int depth)
{
	struct zdb_zone *zz = f->zz;
	struct zdb_node *n = &f->nodes[zz->nnodes];
	struct zdb_node *p = depth ? f->path[depth - 1] : NULL;

	n->owner = owner;
	n->up = p ? p->ix : ZDB_TOP;
	n->ix = (uint32_t)zz->nnodes;
	n->sets = NULL;
	n->nsets = 0;
	n->labels = (uint8_t)labels;
	n->flags = depth ? 0 : ZDB_APEX;
	if (zdb_owner_is_wildcard(owner))
		n->flags |= ZDB_WILDCARD;
	if (p && (p->flags & (ZDB_DELEG | ZDB_NONAUTH)))
		n->flags |= ZDB_NONAUTH;
	if (p && (p->flags & (ZDB_DNAME | ZDB_OCCLUDED)))
		n->flags |= ZDB_OCCLUDED;
	if (p && (n->flags & ZDB_WILDCARD))
		p->flags |= ZDB_WILDCARD_CHILD;
	if (p)
		p->flags &= (uint16_t)~ZDB_HIDDEN;
	if (f->mixed)
		f->mixed[zz->nnodes] = zdb_slot(f->q.h[labels]);
	else
		index_insert(zz, zdb_slot(f->q.h[labels]), (uint32_t)zz->nnodes);
	zz->nnodes++;
	f->path[depth] = n;
	return n;
}

/* A hashed owner name of NSEC3: NSEC3 and its signatures only. */
static bool nsec3_only(const struct zone_rrset *s, uint32_t n)
{
	bool nsec3 = false;

	for (uint32_t i = 0; i < n; i++) {
		if (s[i].type == RR_NSEC3)
			nsec3 = true;
		else if (s[i].type != RR_RRSIG)
			return false;
	}
	return nsec3;
}

static int copy_sets(struct fill *f, const struct zone *z,
		     const struct zone_node *zn, struct zdb_node *n)
{
	struct zdb_rrset *s = (struct zdb_rrset *)f->recs;
	struct zdb_rdata *rd = (struct zdb_rdata *)(s + zn->count);
	/* fill_node() put the owner right after the RDATA entries. */
	uint8_t *bytes = (uint8_t *)(rd + node_rrs(z, zn)) +
			 name_length(n->owner);

	if (zn->count > UINT16_MAX)
		return BN_EINVAL;
	n->sets = s;
	n->nsets = (uint16_t)zn->count;
	n->flags |= zn->count ? 0 : ZDB_ENT;
	if (nsec3_only(z->sets + zn->first, zn->count))
		n->flags |= ZDB_NSEC3 | ZDB_HIDDEN;
	for (uint32_t i = 0; i < zn->count; i++, s++) {
		const struct zone_rrset *zs = &z->sets[zn->first + i];
		if (zs->count > UINT16_MAX)
			return BN_EINVAL;
		s->type = zs->type;
		s->count = (uint16_t)zs->count;
		s->ttl = zs->ttl;
		s->rr = rd;
		for (uint32_t j = 0; j < zs->count; j++, rd++) {
			const struct zone_rr *r = z->rrs[zs->first + j];
			memcpy(bytes, r->rdata, r->rdlen);
			rd->data = bytes;
			rd->len = r->rdlen;
			bytes += r->rdlen;
		}
		f->zz->nrr += zs->count;
		if (s->type == RR_NS && !(n->flags & ZDB_APEX))
			n->flags |= ZDB_DELEG;
		else if (s->type == RR_CNAME)
			n->flags |= ZDB_CNAME;
		else if (s->type == RR_DNAME)
			n->flags |= ZDB_DNAME;
	}
	f->recs += align8((size_t)(bytes - f->recs));
	return 0;
}

/* One zone node: the empty non-terminals above it that the previous
 * node did not share (their owners are suffixes of its owner), then the
 * node itself. */
static int fill_node(struct fill *f, const struct zone *z, size_t i)
{
	const uint8_t *src = z->nodes[i].owner;
	const struct zdb_qname *q = &f->q;
	int olab = f->zz->labels;
	int c = !i ? olab - 1
		   : f->shared ? f->shared[i] : common_labels(z, i);
	const struct zone_node *zn = &z->nodes[i];
	uint8_t *o = f->recs + zn->count * sizeof(struct zdb_rrset) +
		     node_rrs(z, zn) * sizeof(struct zdb_rdata);

	/* lowercase copy, label offsets and suffix hashes, as for a query */
	zdb_qname_prep(&f->q, src);
	int n = q->n;
	const uint8_t *off = q->off;

	memcpy(o, src, (size_t)q->len);
	for (int k = c + 1; k < n; k++) {
		struct zdb_node *e = place(f, o + off[n - k], k, k - olab);
		e->flags |= ZDB_ENT;
	}
	return copy_sets(f, z, zn, place(f, o, n, n - olab));
}

void zdb_read_serial(struct zdb_zone *zz, const struct zdb_rrset *soa)
{
	const uint8_t *p = soa->rr[0].data;
	size_t len = soa->rr[0].len;
	int a = name_check(p, len);
	int b = a > 0 ? name_check(p + a, len - (size_t)a) : -1;
	struct rbuf r;

	if (b <= 0)
		return;
	rbuf_init(&r, p + a + b, len - (size_t)(a + b));
	if (rbuf_u32(&r, &zz->serial) < 0)
		zz->serial = 0;
}

/* Large zones are probed at random: 2 MiB pages spare the TLB misses
 * that otherwise cost more than the lookup itself. A hint only. */
static void want_huge_pages(uint8_t *block, size_t len)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t start = ((uintptr_t)block + huge - 1) & ~(huge - 1);
	uintptr_t end = ((uintptr_t)block + len) & ~(huge - 1);

	if (end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
	(void)block;
	(void)len;
#endif
}

/* Every insert misses the cache on a large index: with the hashes known
 * beforehand, the slots are fetched well ahead of their use. */
static void index_all(struct zdb_zone *zz, const uint64_t *mixed)
{
	const size_t ahead = 16;

	for (size_t i = 0; i < zz->nnodes; i++) {
		if (i + ahead < zz->nnodes)
			__builtin_prefetch(&zz->index[mixed[i + ahead] &
						      zz->mask], 1);
		index_insert(zz, mixed[i], (uint32_t)i);
	}
}

void zdb_index_size(struct zdb_zone *zz, size_t nodes, size_t slots,
		    bool clear)
{
	zz->mask = slots - 1;
	/* Node indices stay below imask, so no entry is ZDB_EMPTY. */
	zz->ibits = 1;
	while (zz->ibits < 32 && ((uint64_t)1 << zz->ibits) <= nodes)
		zz->ibits++;
	zz->imask = (uint32_t)(((uint64_t)1 << zz->ibits) - 1);
	if (clear)
		memset(zz->index, 0xff, slots * sizeof(*zz->index));
}

static int fill(struct zdb_zone *zz, const struct zone *z,
		const struct sizes *s, uint8_t *block)
{
	struct fill f = { .zz = zz, .shared = s->shared };
	int ret = 0;

	f.nodes = (struct zdb_node *)block;
	if (zdb_chunk_flat(zz, f.nodes, s->nodes) < 0)
		return BN_ENOMEM;
	zz->index = (uint32_t *)(f.nodes + s->nodes);
	zdb_index_size(zz, s->nodes, s->slots, true);
	f.recs = zz->recs->data;
	f.mixed = malloc(s->nodes * sizeof(*f.mixed));
	for (size_t i = 0; i < z->nnodes && ret == 0; i++) {
		zone_prefetch_node(z, i + ZONE_PREFETCH_AHEAD);
		ret = fill_node(&f, z, i);
	}
	if (ret == 0 && f.mixed)
		index_all(zz, f.mixed);
	free(f.mixed);
	if (ret < 0)
		return ret;
	const struct zdb_rrset *soa = zdb_node_rrset(f.nodes, RR_SOA);
	if (!soa || !soa->count)
		return BN_EINVAL;
	zdb_read_serial(zz, soa);
	return zdb_nsec3_build(zz);
}

int zdb_zone_build(struct zdb_zone **out, const struct zone *z)
{
	struct sizes s;
	struct zdb_zone *zz;
	int ret;

	*out = NULL;
	if (!z->nnodes || z->nodes[0].keylen != 0)
		return BN_EINVAL;       /* no apex: no SOA either */
	ret = count(z, &s);
	if (ret < 0)
		goto out;
	zz = calloc(1, sizeof(*zz));
	if (!zz) {
		ret = BN_ENOMEM;
		goto out;
	}
	atomic_init(&zz->refs, 1);
	zz->origin_len = (uint8_t)name_length(z->origin);
	memcpy(zz->origin, z->origin, zz->origin_len);
	memcpy(zz->origin_lc, z->origin, zz->origin_len);
	name_to_lower(zz->origin_lc);
	zz->labels = (uint8_t)name_labels(z->origin);
	size_t total = s.nodes * sizeof(struct zdb_node) +
		       s.slots * sizeof(uint32_t);
	uint8_t *block = zdb_spine_alloc(zz, total);
	zz->recs = zdb_recs_new(s.recs, NULL);
	ret = block && zz->recs ? fill(zz, z, &s, block) : BN_ENOMEM;
	if (ret < 0) {
		zdb_zone_free(zz);
	} else {
		*out = zz;
	}
out:
	free(s.shared);
	return ret;
}

void zdb_zone_ref(struct zdb_zone *z)
{
	atomic_fetch_add_explicit(&z->refs, 1, memory_order_relaxed);
}

void zdb_zone_unref(struct zdb_zone *z)
{
	if (!z || atomic_fetch_sub_explicit(&z->refs, 1,
					    memory_order_acq_rel) != 1)
		return;
	zdb_zone_free(z);
}

void zdb_zone_free(struct zdb_zone *z)
{
	zdb_spine_unref(z->sp);
	zdb_spare_unref(z->spare);
	zdb_nsec3_unref(z->n3);
	zdb_recs_unref(z->recs);
	free(z->chunk);
	free(z);
}

void zdb_spine_unref(struct zdb_spine *sp)
{
	if (!sp || atomic_fetch_sub_explicit(&sp->refs, 1,
					     memory_order_acq_rel) != 1)
		return;
	for (size_t i = 0; i < sp->nmap; i++)
		zdb_spare_put(sp->spare, sp->map[i], sp->maplen[i]);
	zdb_spare_unref(sp->spare);
	arena_clear(&sp->arena);
	free(sp);
}

int zdb_chunk_flat(struct zdb_zone *z, struct zdb_node *nodes, size_t n)
{
	size_t nc = zdb_chunks(n);

	z->chunk = malloc((nc ? nc : 1) * sizeof(*z->chunk));
	if (!z->chunk)
		return BN_ENOMEM;
	for (size_t c = 0; c < nc; c++)
		z->chunk[c] = nodes + (c << ZDB_CHUNK_BITS);
	return 0;
}

/* The nodes and the index. Large spines are mapped on their own (a
 * length rounded up to whole 2 MiB pages, so that the next version,
 * a few nodes larger, fits in this one's when it is reused) and given
 * back when freed: the versions an update stream makes would otherwise
 * leave their freed copies in malloc's arenas, resident (measured:
 * +150 MB after 10,000 updates to a 1M-name zone). Small ones come
 * from the arena. */
static uint8_t *spine_map(struct zdb_zone *zz, size_t total)
{
	const size_t huge = (size_t)2 << 20;
	size_t len = (total + huge - 1) & ~(huge - 1);
	struct zdb_spine *sp = zz->sp;
	uint8_t *block;

	if (!zz->spare)
		zz->spare = zdb_spare_new();
	if (!sp->spare)
		sp->spare = zdb_spare_ref(zz->spare);
	block = zdb_spare_get(zz->spare, len, &len);
	if (!block) {
		block = mmap(NULL, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (block == MAP_FAILED)
			return NULL;
		want_huge_pages(block, len);
	}
	sp->map[sp->nmap] = block;
	sp->maplen[sp->nmap++] = len;
	return block;
}

uint8_t *zdb_spine_alloc(struct zdb_zone *zz, size_t total)
{
	uint8_t *block;

	if (!zz->sp) {
		zz->sp = calloc(1, sizeof(*zz->sp));
		if (!zz->sp)
			return NULL;
		atomic_init(&zz->sp->refs, 1);
		arena_init(&zz->sp->arena, 4096);
	}
	if (total >= ZDB_MAP_MIN && zz->sp->nmap < ZDB_MAPS)
		return spine_map(zz, total);
	block = arena_alloc(&zz->sp->arena, total > 1024 ? total : 1025);
	if (block)
		want_huge_pages(block, total);
	return block;
}

struct zdb_recs *zdb_recs_new(size_t bytes, struct zdb_recs *prev)
{
	struct zdb_recs *r = malloc(sizeof(*r));

	if (!r)
		return NULL;
	r->data = malloc(bytes ? bytes : 1);
	if (!r->data) {
		free(r);
		return NULL;
	}
	if (bytes >= ((size_t)2 << 20))
		want_huge_pages(r->data, bytes);
	atomic_init(&r->refs, 1);
	r->bytes = bytes;
	r->prev = prev;
	r->chain = bytes + (prev ? prev->chain : 0);
	if (prev)
		atomic_fetch_add_explicit(&prev->refs, 1, memory_order_relaxed);
	return r;
}

void zdb_recs_unref(struct zdb_recs *r)
{
	while (r && atomic_fetch_sub_explicit(&r->refs, 1,
					      memory_order_acq_rel) == 1) {
		struct zdb_recs *prev = r->prev;
		free(r->data);
		free(r);
		r = prev;
	}
}

const uint8_t *zdb_zone_origin(const struct zdb_zone *z)
{
	return z->origin;
}

const struct zdb_node *zdb_zone_apex(const struct zdb_zone *z)
{
	return zdb_at(z, 0);
}

uint32_t zdb_zone_serial(const struct zdb_zone *z)
{
	return z->serial;
}

size_t zdb_zone_node_count(const struct zdb_zone *z)
{
	return z->nnodes;
}

size_t zdb_zone_rr_count(const struct zdb_zone *z)
{
	return z->nrr;
}

size_t zdb_zone_dead(const struct zdb_zone *z)
{
	return z->dead;
}

size_t zdb_zone_memory(const struct zdb_zone *z)
{
	size_t mapped = zdb_chunks(z->nnodes) * sizeof(*z->chunk);

	for (size_t i = 0; z->sp && i < z->sp->nmap; i++)
		mapped += z->sp->maplen[i];
	if (z->n3)
		mapped += z->nnodes * sizeof(*z->n3->own) +
			  z->n3->n * (sizeof(*z->n3->pre) +
				      sizeof(*z->n3->node));
	return sizeof(*z) + (z->sp ? z->sp->arena.total : 0) + mapped +
	       (z->recs ? z->recs->chain : 0);
}
