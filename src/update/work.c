/* The working copy of the nodes an UPDATE touches: each node is loaded
 * whole from the zone on first touch (RDATA stays in the zone, which is
 * immutable while we run), RRs are marked dead rather than removed, and
 * the net change falls out of comparing each set with the zone's. */
#include <string.h>

#include "base/error.h"
#include "update/update_int.h"
#include "wire/rrtype.h"

static uint64_t name_hash(const uint8_t *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t len = name_length(name);

	for (size_t i = 0; i < len; i++) {
		uint8_t c = name[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 32);
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return h;
}

uint16_t work_covered(const uint8_t *rd, uint16_t len)
{
	return len >= 2 ? (uint16_t)(rd[0] << 8 | rd[1]) : 0;
}

static int load_set(struct upd *u, struct wset *ws,
		    const struct zdb_rrset *zs)
{
	ws->type = zs->type;
	ws->covered = zs->type == RR_RRSIG && zs->count ?
			      work_covered(zs->rr[0].data, zs->rr[0].len) : 0;
	ws->ttl = ws->ttl0 = zs->ttl;
	ws->n = ws->cap = zs->count;
	ws->rr = arena_alloc(&u->arena, (zs->count + 1) * sizeof(*ws->rr));
	if (!ws->rr)
		return BN_ENOMEM;
	for (uint32_t i = 0; i < zs->count; i++) {
		ws->rr[i].rd = zs->rr[i].data;
		ws->rr[i].len = zs->rr[i].len;
		ws->rr[i].orig = ws->rr[i].live = true;
	}
	return 0;
}

static struct wnode *new_node(struct upd *u, const uint8_t *owner)
{
	const struct zdb_node *zn = zdb_zone_find(u->z, owner);
	struct wnode *n = arena_alloc(&u->arena, sizeof(*n));

	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->owner = zn ? zn->owner :
			arena_memdup(&u->arena, owner, name_length(owner));
	n->apex = zn && zn == zdb_zone_apex(u->z);
	if (!n->owner || !zn || !zn->nsets)
		return n->owner ? n : NULL;
	n->sets = arena_alloc(&u->arena, zn->nsets * sizeof(*n->sets));
	if (!n->sets)
		return NULL;
	n->nsets = n->cap = zn->nsets;
	for (uint16_t i = 0; i < zn->nsets; i++)
		if (load_set(u, &n->sets[i], &zn->sets[i]))
			return NULL;
	return n;
}

static int remember(struct upd *u, struct wnode *n)
{
	if (u->nnode == u->capnode) {
		size_t cap = u->capnode ? u->capnode * 2 : 16;
		struct wnode **nl = arena_alloc(&u->arena, cap * sizeof(*nl));

		if (!nl)
			return BN_ENOMEM;
		if (u->nnode)
			memcpy(nl, u->node, u->nnode * sizeof(*nl));
		u->node = nl;
		u->capnode = cap;
	}
	u->node[u->nnode++] = n;
	return 0;
}

/* The slot of owner, or the empty one where it would go. The table is
 * never more than half full (work_node), so the probe ends. */
static size_t find_slot(const struct upd *u, const uint8_t *owner,
			uint64_t h)
{
	size_t mask = u->nslot - 1, i = (size_t)h & mask;

	for (; u->slot[i]; i = (i + 1) & mask)
		if (u->slot[i]->hash == h &&
		    name_equal(u->slot[i]->owner, owner))
			break;
	return i;
}

struct wnode *work_peek(const struct upd *u, const uint8_t *owner)
{
	return u->slot[find_slot(u, owner, name_hash(owner))];
}

struct wnode *work_node(struct upd *u, const uint8_t *owner)
{
	uint64_t h = name_hash(owner);
	size_t i = find_slot(u, owner, h);
	struct wnode *n;

	if (u->slot[i])
		return u->slot[i];
	if (u->nnode + 1 >= u->nslot / 2)
		return NULL;
	n = new_node(u, owner);
	if (!n || remember(u, n))
		return NULL;
	n->hash = h;
	u->slot[i] = n;
	return n;
}

struct wset *work_set(struct upd *u, struct wnode *n, uint16_t type,
		      uint16_t covered, bool create)
{
	uint16_t i = 0;

	if (type != RR_RRSIG)
		covered = 0;
	for (; i < n->nsets; i++) {
		const struct wset *s = &n->sets[i];

		if (s->type == type && s->covered == covered)
			return &n->sets[i];
		if (s->type > type || (s->type == type && s->covered > covered))
			break;
	}
	if (!create)
		return NULL;
	if (n->nsets == n->cap) {
		uint16_t cap = (uint16_t)(n->cap ? n->cap * 2 : 4);
		struct wset *ns = arena_alloc(&u->arena, cap * sizeof(*ns));

		if (!ns || n->nsets == UINT16_MAX)
			return NULL;
		if (n->nsets)
			memcpy(ns, n->sets, n->nsets * sizeof(*ns));
		n->sets = ns;
		n->cap = cap;
	}
	memmove(&n->sets[i + 1], &n->sets[i],
		(size_t)(n->nsets - i) * sizeof(*n->sets));
	memset(&n->sets[i], 0, sizeof(n->sets[i]));
	n->sets[i].type = type;
	n->sets[i].covered = covered;
	n->nsets++;
	return &n->sets[i];
}

uint32_t work_live(const struct wset *s)
{
	uint32_t c = 0;

	for (uint32_t i = 0; i < s->n; i++)
		c += s->rr[i].live;
	return c;
}

long work_find(const struct wset *s, const uint8_t *rd, uint16_t len)
{
	long lo = 0, hi = (long)s->n - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		int c = rdata_compare(s->type, s->rr[mid].rd, s->rr[mid].len,
				      rd, len);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -lo - 1;
}

static int grow_set(struct upd *u, struct wset *s)
{
	uint32_t cap = s->cap ? s->cap * 2 : 4;
	struct wrr *nr;

	if (s->n < s->cap)
		return 0;
	nr = arena_alloc(&u->arena, cap * sizeof(*nr));
	if (!nr)
		return BN_ENOMEM;
	if (s->n)
		memcpy(nr, s->rr, s->n * sizeof(*nr));
	s->rr = nr;
	s->cap = cap;
	return 0;
}

int work_put(struct upd *u, struct wset *s, const uint8_t *rd, uint16_t len)
{
	long at = work_find(s, rd, len);
	size_t pos;

	if (at >= 0) {
		s->rr[at].live = true;
		return 0;
	}
	pos = (size_t)(-at - 1);
	if (grow_set(u, s))
		return BN_ENOMEM;
	memmove(&s->rr[pos + 1], &s->rr[pos], (s->n - pos) * sizeof(*s->rr));
	s->rr[pos].rd = len ? arena_memdup(&u->arena, rd, len) :
			      (const uint8_t *)"";
	if (!s->rr[pos].rd)
		return BN_ENOMEM;
	s->rr[pos].len = len;
	s->rr[pos].orig = false;
	s->rr[pos].live = true;
	s->n++;
	return 0;
}

/* A kept RR whose set's TTL changed leaves with the old TTL and comes
 * back with the new one, as IXFR has to say it. */
static int diff_set(struct zchange *out, const uint8_t *owner,
		    const struct wset *s)
{
	bool ttl = s->ttl != s->ttl0;
	int ret = 0;

	for (uint32_t i = 0; i < s->n && !ret; i++) {
		const struct wrr *r = &s->rr[i];

		if (r->orig && (!r->live || ttl))
			ret = zchange_del(out, owner, s->type, s->ttl0, r->rd,
					  r->len);
	}
	for (uint32_t i = 0; i < s->n && !ret; i++) {
		const struct wrr *r = &s->rr[i];

		if (r->live && (!r->orig || ttl))
			ret = zchange_add(out, owner, s->type, s->ttl, r->rd,
					  r->len);
	}
	return ret;
}

int work_diff(struct upd *u, struct zchange *out)
{
	for (size_t i = 0; i < u->nnode; i++) {
		const struct wnode *n = u->node[i];

		for (uint16_t j = 0; j < n->nsets; j++) {
			int ret;

			if (n->sets[j].type == RR_SOA)
				continue;
			ret = diff_set(out, n->owner, &n->sets[j]);
			if (ret)
				return ret;
		}
	}
	return 0;
}
