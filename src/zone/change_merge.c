/* Many chained changes made one: every record they remove or add, in
 * their order, grouped by record (owner, type, RDATA; TTL apart), each
 * group reduced to its net effect: removed, added, removed and added
 * again (a TTL change), or nothing. Replaying a journal of thousands of
 * changes then costs one new version, not thousands. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "wire/name.h"
#include "wire/rdata.h"
#include "zone/change.h"

struct zm_ent {
	struct zchange_rr rr;
	uint32_t seq;
	bool add;
};

/* The record's identity: owner, type, RDATA (TTL apart). */
static int ent_cmp_key(const struct zm_ent *a, const struct zm_ent *b)
{
	int c = name_compare(a->rr.owner, b->rr.owner);

	if (c)
		return c;
	if (a->rr.type != b->rr.type)
		return a->rr.type < b->rr.type ? -1 : 1;
	return rdata_compare(a->rr.type, a->rr.rdata, a->rr.rdlen,
			     b->rr.rdata, b->rr.rdlen);
}

static int ent_cmp(const void *pa, const void *pb)
{
	const struct zm_ent *a = pa, *b = pb;
	int c = ent_cmp_key(a, b);

	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void zmerge_init(struct zmerge *m)
{
	memset(m, 0, sizeof(*m));
	zchange_init(&m->store);
}

void zmerge_clear(struct zmerge *m)
{
	free(m->ent);
	zchange_clear(&m->store);
	memset(m, 0, sizeof(*m));
}

/* The copy of rr kept in the store's arena. */
static int push(struct zmerge *m, const struct zchange_rr *rr, bool add)
{
	struct zm_ent *e;
	int ret;

	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 256;
		e = realloc(m->ent, cap * sizeof(*e));
		if (!e)
			return BN_ENOMEM;
		m->ent = e;
		m->cap = cap;
	}
	ret = zchange_add(&m->store, rr->owner, rr->type, rr->ttl, rr->rdata,
			  rr->rdlen);
	if (ret < 0)
		return ret;
	e = &m->ent[m->n];
	e->rr = m->store.add[m->store.nadd - 1];
	e->seq = (uint32_t)m->n++;
	e->add = add;
	return 0;
}

int zmerge_add(struct zmerge *m, const struct zchange *c)
{
	int ret = 0;

	if (!m->changes)
		ret = zchange_set_soa(&m->store, false, c->soa_from.owner,
				      c->soa_from.ttl, c->soa_from.rdata,
				      c->soa_from.rdlen);
	if (ret == 0)
		ret = zchange_set_soa(&m->store, true, c->soa_to.owner,
				      c->soa_to.ttl, c->soa_to.rdata,
				      c->soa_to.rdlen);
	for (size_t i = 0; i < c->ndel && ret == 0; i++)
		ret = push(m, &c->del[i], false);
	for (size_t i = 0; i < c->nadd && ret == 0; i++)
		ret = push(m, &c->add[i], true);
	m->changes++;
	return ret;
}

/* One record's history e[0 .. n) reduced into out. */
static int reduce(struct zchange *out, const struct zm_ent *e, size_t n)
{
	const struct zchange_rr *del = NULL, *add = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!e[i].add) {
			if (add)
				add = NULL;     /* added here, now gone */
			else if (!del)
				del = &e[i].rr;
		} else {
			add = &e[i].rr;
		}
	}
	if (del && add && del->ttl == add->ttl)
		return 0;               /* back as it was */
	if (del && zchange_del(out, del->owner, del->type, del->ttl,
			       del->rdata, del->rdlen) < 0)
		return BN_ENOMEM;
	if (add && zchange_add(out, add->owner, add->type, add->ttl,
			       add->rdata, add->rdlen) < 0)
		return BN_ENOMEM;
	return 0;
}

int zmerge_finish(struct zmerge *m, struct zchange *out)
{
	const struct zchange_rr *f = &m->store.soa_from, *t = &m->store.soa_to;
	int ret;

	if (!m->changes)
		return BN_EINVAL;
	ret = zchange_set_soa(out, false, f->owner, f->ttl, f->rdata,
			      f->rdlen);
	if (ret == 0)
		ret = zchange_set_soa(out, true, t->owner, t->ttl, t->rdata,
				      t->rdlen);
	if (m->n > 1)
		qsort(m->ent, m->n, sizeof(*m->ent), ent_cmp);
	for (size_t i = 0, j; i < m->n && ret == 0; i = j) {
		for (j = i + 1; j < m->n && !ent_cmp_key(&m->ent[i],
							  &m->ent[j]); j++)
			;
		ret = reduce(out, &m->ent[i], j - i);
	}
	return ret;
}
