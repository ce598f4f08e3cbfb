/* The lease table (pool.h): a flat array, range addresses first (entry i
 * is first + i), static leases after. A client's range entries are
 * found through the identifier index, static leases by a scan of the
 * statics; a free address is searched from where the last one was
 * found, so that handing out a range in order costs no rescans. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "dhcp/pool.h"

static const char *const state_names[] = { "free", "offered", "bound",
	"released", "expired", "declined", "reserved" };

const char *dhcp_lstate_name(int state)
{
	if (state < 0 || state > DL_RESERVED)
		return "?";
	return state_names[state];
}

int dhcp_lstate_parse(const char *name)
{
	int i;

	for (i = 0; i <= DL_RESERVED; i++)
		if (!strcmp(name, state_names[i]))
			return i;
	return -1;
}

static void init_statics(struct dhcp_pool *p)
{
	const struct dhcp_conf *c = p->conf;
	struct dhcp_lease *e, *r;
	size_t i;

	for (i = 0; i < c->nstatic; i++) {
		e = &p->l[p->nrange + i];
		e->addr = c->statics[i].addr;
		e->is_static = true;
		if (c->statics[i].cidlen) {
			e->static_cid = e->cid_opt = true;
			e->cidlen = c->statics[i].cidlen;
			memcpy(e->cid, c->statics[i].cid, e->cidlen);
		} else {
			memcpy(e->hw, c->statics[i].mac, 6);
			e->hwlen = 6;
		}
		memcpy(e->host, c->statics[i].name, sizeof(e->host));
		if (e->addr >= c->first && e->addr <= c->last) {
			r = &p->l[e->addr - c->first];
			r->state = DL_RESERVED;
		}
	}
}

static uint32_t cid_hash(const uint8_t *cid, size_t len)
{
	uint32_t h = 2166136261u;       /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ cid[i]) * 16777619u;
	return h;
}

static int index_init(struct dhcp_pool *p)
{
	struct dhcp_index *x = &p->ix;
	size_t nb = 64;

	while (nb < p->nrange)
		nb <<= 1;
	x->mask = (uint32_t)(nb - 1);
	x->head = calloc(nb, sizeof(*x->head));
	x->next = calloc(p->nrange, sizeof(*x->next));
	x->in = calloc(p->nrange, sizeof(*x->in));
	return x->head && x->next && x->in ? 0 : -1;
}

/* Range entry i out of the chain it is in. */
static void index_unlink(struct dhcp_index *x, uint32_t i)
{
	uint32_t *at;

	if (!x->in[i])
		return;
	for (at = &x->head[x->in[i] - 1]; *at; at = &x->next[*at - 1])
		if (*at == i + 1) {
			*at = x->next[i];
			break;
		}
	x->in[i] = 0;
	x->next[i] = 0;
}

/* e, a range entry, in the chain of its identifier now. */
static void index_put(struct dhcp_pool *p, const struct dhcp_lease *e)
{
	struct dhcp_index *x = &p->ix;
	uint32_t i = (uint32_t)(e - p->l), b;

	if (i >= p->nrange)
		return;
	b = cid_hash(e->cid, e->cidlen) & x->mask;
	if (x->in[i] == b + 1)
		return;
	index_unlink(x, i);
	if (!e->cidlen)
		return;
	x->next[i] = x->head[b];
	x->head[b] = i + 1;
	x->in[i] = b + 1;
}

int dhcp_pool_init(struct dhcp_pool *p, const struct dhcp_conf *conf)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	if (conf->first > conf->last ||
	    conf->last - conf->first >= DHCP_RANGE_MAX ||
	    (conf->first & conf->mask) != conf->net ||
	    (conf->last & conf->mask) != conf->net)
		return BN_EINVAL;
	p->conf = conf;
	p->nrange = conf->last - conf->first + 1;
	p->n = p->nrange + conf->nstatic;
	p->l = calloc(p->n, sizeof(*p->l));
	p->dirty = calloc(p->n, sizeof(*p->dirty));
	if (!p->l || !p->dirty || index_init(p) < 0) {
		dhcp_pool_clear(p);
		return BN_ENOMEM;
	}
	for (i = 0; i < p->nrange; i++)
		p->l[i].addr = conf->first + (uint32_t)i;
	init_statics(p);
	return 0;
}

void dhcp_pool_clear(struct dhcp_pool *p)
{
	free(p->l);
	free(p->dirty);
	free(p->ix.head);
	free(p->ix.next);
	free(p->ix.in);
	memset(p, 0, sizeof(*p));
}

struct dhcp_lease *dhcp_pool_find(struct dhcp_pool *p, uint32_t addr)
{
	size_t i;

	if (addr >= p->conf->first && addr <= p->conf->last &&
	    p->l[addr - p->conf->first].state != DL_RESERVED)
		return &p->l[addr - p->conf->first];
	for (i = p->nrange; i < p->n; i++)
		if (p->l[i].addr == addr)
			return &p->l[i];
	return NULL;
}

bool dhcp_lease_is(const struct dhcp_lease *e, const struct dhcp_client *c)
{
	if (e->is_static && e->static_cid)
		return c->cid_opt && e->cidlen == c->cidlen &&
		       memcmp(e->cid, c->cid, c->cidlen) == 0;
	if (e->is_static)
		return c->has_mac && memcmp(e->hw, c->hw, 6) == 0;
	return e->cidlen == c->cidlen && e->cidlen &&
	       memcmp(e->cid, c->cid, c->cidlen) == 0;
}

/* Which entry says more about the client now: held beats given up,
 * later beats earlier. */
static bool better(const struct dhcp_lease *a, const struct dhcp_lease *b)
{
	bool ha = a->state == DL_BOUND || a->state == DL_OFFERED;
	bool hb = b->state == DL_BOUND || b->state == DL_OFFERED;

	return ha != hb ? ha : a->expires > b->expires;
}

struct dhcp_lease *dhcp_pool_of_client(struct dhcp_pool *p,
				       const struct dhcp_client *c)
{
	struct dhcp_lease *best = NULL, *e;
	size_t i;

	/* the client identifier names the client more surely than the
	 * MAC (RFC 2131 4.2) */
	for (i = p->nrange; i < p->n; i++)
		if (p->l[i].static_cid && dhcp_lease_is(&p->l[i], c))
			return &p->l[i];
	for (i = p->nrange; i < p->n; i++)
		if (dhcp_lease_is(&p->l[i], c))
			return &p->l[i];
	if (!c->cidlen)
		return NULL;            /* a range entry matches by its id */
	for (i = p->ix.head[cid_hash(c->cid, c->cidlen) & p->ix.mask]; i;
	     i = p->ix.next[i - 1]) {
		e = &p->l[i - 1];
		if (e->state == DL_FREE || e->state == DL_DECLINED ||
		    e->state == DL_RESERVED || !dhcp_lease_is(e, c))
			continue;
		if (!best || better(e, best))
			best = e;
	}
	return best;
}

/* 2: free; 1: given up by another client (taken after the free ones);
 * 0: held by someone, declined or reserved. */
/* An address given up whose names are still in DNS (or going): kept
 * from other clients while it can be, so that they go with its host's
 * name (given to another client, they could not: its name is lost). */
static bool names_out(const struct dhcp_lease *e)
{
	return !e->is_static && (e->dns == DNS_ADD || e->dns == DNS_OK ||
				 e->dns == DNS_DEL);
}

static int avail(const struct dhcp_lease *e, int64_t now)
{
	switch (e->state) {
	case DL_FREE:
		return 2;
	case DL_OFFERED:
		return e->expires <= now ? 2 : 0;
	case DL_DECLINED:       /* its names still to go: given last */
		return e->expires > now ? 0 : names_out(e) ? 1 : 2;
	case DL_BOUND:
		return e->expires <= now ? 1 : 0;
	case DL_RELEASED:
	case DL_EXPIRED:
		return 1;
	default:
		return 0;
	}
}

bool dhcp_pool_can_take(const struct dhcp_lease *e,
			const struct dhcp_client *c, int64_t now)
{
	if (e->state == DL_RESERVED)
		return false;
	if (e->is_static)
		return dhcp_lease_is(e, c);
	if (dhcp_lease_is(e, c) && e->state != DL_DECLINED)
		return true;
	return avail(e, now) > 0;
}

size_t dhcp_pool_used(struct dhcp_pool *p, int64_t now)
{
	size_t i, n = 0;

	for (i = 0; i < p->nrange; i++)
		n += avail(&p->l[i], now) == 0;
	return n;
}

struct dhcp_lease *dhcp_pool_choose(struct dhcp_pool *p,
				    const struct dhcp_client *c,
				    uint32_t requested, int64_t now)
{
	struct dhcp_lease *e = dhcp_pool_of_client(p, c), *old = NULL;
	size_t i;

	if (e && (e->is_static || dhcp_pool_can_take(e, c, now)))
		return e;
	if (requested) {
		e = dhcp_pool_find(p, requested);
		if (e && !e->is_static && avail(e, now) > 0 && !names_out(e))
			return e;
	}
	for (size_t k = 0; k < p->nrange; k++) {
		i = (p->cursor + k) % p->nrange;
		e = &p->l[i];
		switch (avail(e, now)) {
		case 2:
			p->cursor = (i + 1) % p->nrange;
			return e;
		case 1:         /* the one given up longest ago, named last */
			if (!old || names_out(old) > names_out(e) ||
			    (names_out(old) == names_out(e) &&
			     e->expires < old->expires))
				old = e;
			break;
		}
	}
	return old;
}

void dhcp_pool_mark(struct dhcp_pool *p, struct dhcp_lease *e)
{
	if (!e->dirty && p->ndirty < p->n) {
		e->dirty = true;
		p->dirty[p->ndirty++] = e;
	}
}

void dhcp_pool_saved(struct dhcp_pool *p)
{
	while (p->ndirty)
		p->dirty[--p->ndirty]->dirty = false;
}

void dhcp_pool_assign(struct dhcp_pool *p, struct dhcp_lease *e,
		      const struct dhcp_client *c, enum dhcp_lstate state,
		      int64_t expires)
{
	bool mine = dhcp_lease_is(e, c);

	if (state == DL_OFFERED)
		e->prev = mine && (e->state == DL_RELEASED ||
				   e->state == DL_EXPIRED) ? e->state : DL_FREE;
	if (!mine && !e->is_static) {
		e->host[0] = 0;
		memset(&e->last, 0, sizeof(e->last));
	}
	memcpy(e->cid, c->cid, c->cidlen);
	e->cidlen = c->cidlen;
	e->cid_opt = c->cid_opt;
	index_put(p, e);
	if (!e->is_static || e->static_cid) {
		memcpy(e->hw, c->hw, c->hwlen);
		e->hwlen = c->hwlen;
	}
	e->state = (uint8_t)state;
	e->expires = expires;
	if (state == DL_BOUND)
		dhcp_pool_mark(p, e);
}

/* One entry's end of time; true when it changed. */
static bool expire_one(struct dhcp_pool *p, struct dhcp_lease *e)
{
	switch (e->state) {
	case DL_BOUND:
		e->state = DL_EXPIRED;
		dhcp_pool_mark(p, e);
		return true;
	case DL_DECLINED:
		/* its names are removed by its client's DHCID: it stays
		 * (given out last) until they are gone */
		if (names_out(e))
			return false;
		e->state = DL_FREE;
		e->cidlen = e->hwlen = 0;
		e->host[0] = 0;
		dhcp_pool_mark(p, e);
		return true;
	case DL_OFFERED:
		e->state = e->prev;
		if (e->state == DL_FREE && !e->is_static)
			e->cidlen = 0;
		return true;
	}
	return false;
}

/* An expired lease whose names stay for the grace period. */
static bool in_grace(const struct dhcp_pool *p, const struct dhcp_lease *e)
{
	return e->state == DL_EXPIRED && p->conf && p->conf->ddns_grace &&
	       (e->dns == DNS_OK || e->dns == DNS_ADD);
}

/* Its grace over: marked, for the names to go (the caller's
 * dhcp_lease_dns); else when it will be. */
static void graced(struct dhcp_pool *p, struct dhcp_lease *e, int64_t now,
		   int64_t *due)
{
	int64_t end = e->expires + p->conf->ddns_grace;

	if (end <= now)
		dhcp_pool_mark(p, e);
	else if (end < *due)
		*due = end;
}

size_t dhcp_pool_expire(struct dhcp_pool *p, int64_t now, int64_t *due)
{
	size_t i, changed = 0;
	struct dhcp_lease *e;

	*due = INT64_MAX;
	for (i = 0; i < p->n; i++) {
		e = &p->l[i];
		if (in_grace(p, e)) {
			graced(p, e, now, due);
			continue;
		}
		if (e->state != DL_BOUND && e->state != DL_DECLINED &&
		    e->state != DL_OFFERED)
			continue;
		if (e->expires <= now) {
			changed += expire_one(p, e);
			if (in_grace(p, e))     /* its names' end, next */
				graced(p, e, now, due);
		} else if (e->expires < *due) {
			*due = e->expires;
		}
	}
	return changed;
}

bool dhcp_pool_load(struct dhcp_pool *p, const struct dhcp_lease *row)
{
	struct dhcp_lease *e = dhcp_pool_find(p, row->addr);

	if (!e || row->state == DL_FREE || row->state == DL_OFFERED ||
	    row->state == DL_RESERVED)
		return false;
	/* a static lease removed or renamed, or an address made static:
	 * the row is not this entry's (its names go: dserver orphans) */
	if (row->is_static != e->is_static ||
	    (e->is_static && strcmp(row->host, e->host)))
		return false;
	e->state = row->state;
	e->expires = row->expires;
	e->dns = row->dns;
	e->last = row->last;
	if (e->static_cid) {    /* its key stays the configured one */
		memcpy(e->hw, row->hw, row->hwlen);
		e->hwlen = row->hwlen;
		return true;
	}
	memcpy(e->cid, row->cid, row->cidlen);
	e->cidlen = row->cidlen;
	e->cid_opt = row->cid_opt;
	index_put(p, e);
	if (!e->is_static) {
		memcpy(e->hw, row->hw, row->hwlen);
		e->hwlen = row->hwlen;
		memcpy(e->host, row->host, sizeof(e->host));
	}
	return true;
}

void dhcp_lease_dns(struct dhcp_lease *e, int64_t now, uint32_t grace)
{
	/* a static lease's name is always wanted: the host resolves
	 * whether it is up or not; one that renews late keeps its name */
	bool want = (e->state == DL_BOUND || e->is_static ||
		     (e->state == DL_EXPIRED && now < e->expires + grace)) &&
		    e->host[0];

	switch (e->dns) {
	case DNS_NONE:
	case DNS_DEL:
		if (want)
			e->dns = DNS_ADD;
		break;
	case DNS_ADD:
	case DNS_OK:
		if (!want)
			e->dns = DNS_DEL;
		break;
	case DNS_REFUSED:
		if (!want)
			e->dns = DNS_NONE;
		break;
	}
}

void dhcp_pool_want_statics(struct dhcp_pool *p)
{
	struct dhcp_lease *e;
	size_t i;
	uint8_t was;

	for (i = p->nrange; i < p->n; i++) {
		e = &p->l[i];
		was = e->dns;
		dhcp_lease_dns(e, 0, 0);
		if (e->dns != was)
			dhcp_pool_mark(p, e);
	}
}

size_t dhcp_pool_reassert(struct dhcp_pool *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		if (p->l[i].dns == DNS_OK) {
			p->l[i].dns = DNS_ADD;
			dhcp_pool_mark(p, &p->l[i]);
			n++;
		}
	return n;
}
