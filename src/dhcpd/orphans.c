/* Leases of the store that no pool holds any more, whose names are still
 * in DNS: a static lease removed from the config or renamed, an address
 * made static for another host, a range made smaller (found at start and
 * at each reload). They wait in one extra pool that only the DNS updater
 * reads, each to have its names removed; once that is done, its row goes
 * from the store (unless another lease has written that address since),
 * so that no name of a lease banchi-dhcp forgot stays behind. */
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "dhcpd/server.h"

struct found {
	struct dhcp_pool *const *pools;
	size_t npools;
	struct dhcp_lease *v;
	size_t n, cap;
	bool nomem;
};

/* Some pool's entry loaded that row (dhcp_pool_load's rule). */
static bool claimed(const struct found *f, const struct dhcp_lease *row)
{
	for (size_t k = 0; k < f->npools; k++) {
		const struct dhcp_lease *e = dhcp_pool_find(f->pools[k],
							    row->addr);
		if (e && e->is_static == row->is_static &&
		    (!e->is_static || !strcmp(e->host, row->host)))
			return true;
	}
	return false;
}

static void take(void *arg, const struct dhcp_lease *row,
		 const char *server)
{
	struct found *f = arg;

	(void)server;

	if (!row->host[0] || (row->dns != DNS_ADD && row->dns != DNS_OK &&
			      row->dns != DNS_DEL) || claimed(f, row))
		return;
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 8;
		struct dhcp_lease *v = realloc(f->v, cap * sizeof(*v));
		if (!v) {
			f->nomem = true;
			return;
		}
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n] = *row;
	/* by client identifier (the row does not say): one never seen
	 * has no MAC (its DHCID is the identifier's) */
	f->v[f->n].static_cid = row->is_static && row->cidlen && !row->hwlen;
	f->v[f->n].dns = DNS_DEL;
	f->v[f->n].dirty = false;
	f->n++;
}

int orphans_find(struct dserver *s, struct dhcp_pool *const *pools,
		 size_t npools, struct dhcp_pool *out)
{
	struct found f = { .pools = pools, .npools = npools };

	memset(out, 0, sizeof(*out));
	if (!s->dd)
		return 0;               /* no names to remove */
	if (store_each(s->store, true, take, &f) < 0 || f.nomem) {
		free(f.v);
		return -1;
	}
	out->l = f.v;
	out->n = out->nrange = 0;
	out->dirty = calloc(f.n ? f.n : 1, sizeof(*out->dirty));
	if (!out->dirty) {
		free(f.v);
		out->l = NULL;
		return -1;
	}
	out->n = f.n;
	if (f.n)
		log_info("lease db: %zu leases no longer in the config have "
			 "names in DNS: removing them", f.n);
	return 0;
}

void orphans_done(struct dserver *s)
{
	struct dhcp_pool *o = &s->orphans;

	for (size_t i = 0; i < o->ndirty; i++)
		if (o->dirty[i]->dns != DNS_DEL)
			store_drop_row(s->store, o->dirty[i]);
	dhcp_pool_saved(o);
}

void orphans_clear(struct dhcp_pool *o)
{
	free(o->l);
	free(o->dirty);
	memset(o, 0, sizeof(*o));
}
