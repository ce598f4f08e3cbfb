/* Batch answering: the query names of a batch are prepared and their
 * exact-match probes run one step at a time over the whole batch
 * (slots, then nodes, then records), so that on a large zone the cache
 * misses of the batch overlap; the answers then find their data cached.
 * Measured: callgrind and pinned load runs, see the commit. */
#include <string.h>

#include "auth/auth_int.h"
#include "wire/rrtype.h"

/* The question name starts right after the header. It is not checked
 * here: the answer uses the prepared name only when the parser read the
 * same octets there (a compressed or bad name never is). */
static bool prep_one(struct auth_prep *p, const struct zonedb *db,
		     const uint8_t *q, size_t qlen)
{
	const struct zdb_zone *z;

	if (qlen <= MSG_HDRLEN)
		return false;
	p->q = q;
	zdb_qname_prep_max(&p->name, q + MSG_HDRLEN, qlen - MSG_HDRLEN);
	if (zonedb_count(db) == 1) {
		z = zonedb_at(db, 0);
		if (!zdb_zone_has(z, &p->name))
			return false;
	} else {
		z = zonedb_find_q(db, &p->name);
		if (!z)
			return false;
	}
	zdb_prefetch_slot(&p->pf, z, &p->name);
	p->qtype = 0;
	if (qlen >= MSG_HDRLEN + (size_t)p->name.len + 2)
		p->qtype = wire_get_u16(q + MSG_HDRLEN + p->name.len);
	return true;
}

/* The target name in rd at off into to[*n], when there is room. */
static void add_target(struct zdb_prefetch *to, int *n,
		       const struct zdb_zone *z, const struct zdb_rdata *rd,
		       int off)
{
	if (*n >= AUTH_BATCH || off < 0 || rd->len <= off ||
	    name_check(rd->data + off, rd->len - (size_t)off) <= 0)
		return;
	if (zdb_prefetch_name(&to[*n], z, rd->data + off))
		(*n)++;
}

static void add_next(struct auth_batch *b, const struct zdb_zone *z,
		     const struct zdb_rdata *rd, int off)
{
	int n = b->nx;

	add_target(b->x, &b->nx, z, rd, off);
	if (b->nx > n)
		b->xfrom[n] = -1;
}

/* What the answer to p looks up after p's own node, read from the
 * records the steps before fetched: the walk's first probe for a name
 * that is missing (wildcards, referrals), the CNAME target, the first
 * two targets of an MX, NS or SRV answer (additional section). */
static void next_names(struct auth_batch *b, int i)
{
	const struct auth_prep *p = &b->p[i];
	const struct zdb_node *n = p->pf.n;
	const struct zdb_rrset *set;

	if (!n) {
		if (b->nx < AUTH_BATCH &&
		    zdb_prefetch_walk(&b->x[b->nx], p->pf.z, &p->name))
			b->xfrom[b->nx++] = (int8_t)i;
		return;
	}
	if (n->flags & ZDB_CNAME) {
		set = zdb_node_rrset(n, RR_CNAME);
		if (set && set->count)
			add_next(b, p->pf.z, &set->rr[0], 0);
		return;
	}
	int off = auth_target_offset(p->qtype);
	if (off < 0 || !(set = zdb_node_rrset(n, p->qtype)))
		return;
	for (uint16_t j = 0; j < set->count && j < 2; j++)
		add_next(b, p->pf.z, &set->rr[j], off);
}

/* After the walk's first probe (x, for query p) found a node: the
 * wildcard below it, or the glue of the referral at it (the usual ends
 * of a walk one label up). */
static void after_walk(struct auth_batch *b, const struct zdb_prefetch *x,
		       const struct auth_prep *p)
{
	const struct zdb_rrset *ns;

	if (!x->n || b->ny >= AUTH_BATCH)
		return;
	if (x->n->flags & ZDB_DELEG) {
		ns = zdb_node_rrset(x->n, RR_NS);
		for (uint16_t j = 0; ns && j < ns->count && j < 2; j++)
			add_target(b->y, &b->ny, x->z, &ns->rr[j], 0);
	} else if (x->n->flags & ZDB_WILDCARD_CHILD) {
		zdb_prefetch_wildcard(&b->y[b->ny++], x->z, &p->name, x->k);
	}
}

/* The steps of one round over n probes. */
static void fetch(struct zdb_prefetch *pf, int n)
{
	for (int i = 0; i < n; i++)
		zdb_prefetch_node(&pf[i]);
	for (int i = 0; i < n; i++)
		zdb_prefetch_data(&pf[i]);
}

/* A zone that fits in the caches costs no misses to stage: one served
 * zone that small is answered as single queries (the staging costs ~30
 * instructions a query). */
#ifndef AUTH_BATCH_MIN_BYTES
#define AUTH_BATCH_MIN_BYTES (2u << 20)
#endif

void auth_batch_init(struct auth_batch *b)
{
	b->min_bytes = AUTH_BATCH_MIN_BYTES;
	b->n = 0;
	b->next = 0;
}

bool auth_batch_wanted(const struct auth_batch *b, const struct zonedb *db)
{
	return db && (zonedb_count(db) != 1 ||
		      zdb_zone_memory(zonedb_at(db, 0)) >= b->min_bytes);
}

int auth_batch_prepare(struct auth_batch *b, const struct zonedb *db,
		       const uint8_t *const *q, const size_t *qlen, int n)
{
	int i;

	b->n = 0;
	b->next = 0;
	if (!auth_batch_wanted(b, db))
		return 0;
	for (i = 0; i < n && b->n < AUTH_BATCH; i++)
		if (qlen[i] && prep_one(&b->p[b->n], db, q[i], qlen[i]))
			b->n++;
	for (i = 0; i < b->n; i++)
		zdb_prefetch_node(&b->p[i].pf);
	for (i = 0; i < b->n; i++)
		zdb_prefetch_data(&b->p[i].pf);
	b->nx = 0;
	for (i = 0; i < b->n; i++)
		next_names(b, i);
	fetch(b->x, b->nx);
	b->ny = 0;
	for (i = 0; i < b->nx; i++)
		if (b->xfrom[i] >= 0)
			after_walk(b, &b->x[i], &b->p[b->xfrom[i]]);
	fetch(b->y, b->ny);
	return b->n;
}

/* Answers come in the order prepared: the next entry is almost always
 * the one. */
static const struct auth_prep *find(struct auth_batch *b, const uint8_t *q)
{
	if (b->next < b->n && b->p[b->next].q == q)
		return &b->p[b->next++];
	for (int i = 0; i < b->n; i++) {
		if (b->p[i].q == q) {
			b->next = i + 1;
			return &b->p[i];
		}
	}
	return NULL;
}

size_t auth_answer_batch(struct auth_batch *b, const struct zonedb *db,
			 const struct auth_conf *conf, const uint8_t *q,
			 size_t qlen, enum auth_transport t, uint8_t *out,
			 size_t cap)
{
	const struct auth_prep *p = b->n ? find(b, q) : NULL;

	return auth_answer_pre(db, conf, q, qlen, t, out, cap,
			       p ? &p->name : NULL, p ? p->pf.z : NULL);
}
