/* The sweep (sweep.h): what the zone transfer shows, compared with the
 * leases. A name of ours is one label under the forward zone, the form
 * banchi-dhcp registers; it is swept only if its DHCID (RFC 4701, the
 * SHA-256 kind) is no lease's that has its names in DNS, and then only
 * its addresses that lie in one of our subnets' ranges or static leases
 * and that no lease holds, each removed as a lease's would be, by that
 * DHCID. */
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "dhcpd/sweep.h"
#include "wire/rrtype.h"

/* A record of the zone that matters: an owner of ours with its DHCID
 * or one of its addresses. */
struct seen {
	char host[DHCP_HOST_MAX];       /* the owner's label, lower case */
	uint8_t dhcid[DDNS_DHCID_LEN];
	uint32_t addr;
	bool is_dhcid;
};

struct zone_view {
	const uint8_t *fzone;
	struct seen *v;
	size_t n, cap;
	size_t ndhcid;
	bool nomem;
};

/* One label of letters, digits and hyphens under the zone. */
static bool ours_form(const uint8_t *owner, const uint8_t *zone)
{
	if (name_labels(owner) != name_labels(zone) + 1 ||
	    !name_is_subdomain(owner, zone))
		return false;
	for (uint8_t i = 1; i <= owner[0]; i++)
		if (!(owner[i] == '-' || (owner[i] >= '0' && owner[i] <= '9') ||
		      ((owner[i] | 0x20) >= 'a' && (owner[i] | 0x20) <= 'z')))
			return false;
	return true;
}

static void take(void *arg, const uint8_t *owner, uint16_t type,
		 const uint8_t *rd, uint16_t rdlen)
{
	struct zone_view *z = arg;
	struct seen *s;

	if (!(type == RR_DHCID && rdlen == DDNS_DHCID_LEN) &&
	    !(type == RR_A && rdlen == 4))
		return;
	if (!ours_form(owner, z->fzone) || z->nomem)
		return;
	if (z->n == z->cap) {
		size_t cap = z->cap ? 2 * z->cap : 64;
		struct seen *v = realloc(z->v, cap * sizeof(*v));

		if (!v) {
			z->nomem = true;
			return;
		}
		z->v = v;
		z->cap = cap;
	}
	s = &z->v[z->n++];
	memset(s, 0, sizeof(*s));
	for (uint8_t i = 0; i < owner[0]; i++)
		s->host[i] = (char)(owner[1 + i] | (owner[1 + i] >= 'A' &&
						    owner[1 + i] <= 'Z' ?
						    0x20 : 0));
	s->is_dhcid = type == RR_DHCID;
	if (s->is_dhcid)
		memcpy(s->dhcid, rd, DDNS_DHCID_LEN);
	else
		s->addr = (uint32_t)rd[0] << 24 | (uint32_t)rd[1] << 16 |
			  (uint32_t)rd[2] << 8 | rd[3];
	z->ndhcid += s->is_dhcid;
}

static int by_owner(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	/* an owner's DHCID first, then its addresses */
	return c ? c : (int)y->is_dhcid - (int)x->is_dhcid;
}

static int by_dhcid(const void *a, const void *b)
{
	return memcmp(a, b, DDNS_DHCID_LEN);
}

/* e's names are in DNS or on their way in or out: its work is its. */
static bool names_out(const struct dhcp_lease *e)
{
	return e->host[0] && (e->dns == DNS_ADD || e->dns == DNS_OK ||
			      e->dns == DNS_DEL);
}

/* The DHCIDs of our leases with names out, sorted; NULL and *n 0 when
 * there are none (or no memory: *nomem). */
static uint8_t (*our_dhcids(const struct ddns *d, size_t *n,
			    bool *nomem))[DDNS_DHCID_LEN]
{
	uint8_t (*v)[DDNS_DHCID_LEN] = NULL, fqdn[NAME_MAXLEN];
	size_t k, i, cap = 0;

	*n = 0;
	for (k = 0; k < d->npools; k++)
		for (i = 0; i < d->pools[k]->n; i++)
			cap += names_out(&d->pools[k]->l[i]);
	if (cap && !(v = malloc(cap * sizeof(*v)))) {
		*nomem = true;
		return NULL;
	}
	for (k = 0; k < d->npools; k++)
		for (i = 0; i < d->pools[k]->n; i++) {
			const struct dhcp_lease *e = &d->pools[k]->l[i];

			if (names_out(e) &&
			    ddns_fqdn(fqdn, e->host, d->conf->fzone) > 0 &&
			    ddns_lease_dhcid(v[*n], e, fqdn) == 0)
				(*n)++;
		}
	qsort(v, *n, sizeof(*v), by_dhcid);
	return v;
}

/* addr lies in one of the subnets' ranges or static leases (the
 * orphans' pool, d->pools[0] when it has no conf, holds neither) and
 * no lease holds it: none bound or offered there, no names of one. */
static bool unclaimed(const struct ddns *d, uint32_t addr)
{
	const struct dhcp_lease *e;
	bool ours = false;
	size_t k, i;

	for (k = 0; k < d->npools; k++) {
		struct dhcp_pool *p = d->pools[k];

		for (i = 0; !p->conf && i < p->n; i++)
			if (p->l[i].addr == addr && names_out(&p->l[i]))
				return false;
		e = p->conf ? dhcp_pool_find(p, addr) : NULL;
		if (!e)
			continue;
		ours = true;
		if (e->is_static || e->state == DL_BOUND ||
		    e->state == DL_OFFERED || names_out(e))
			return false;
	}
	return ours;
}

/* An entry of the work: the address to remove from the name host. */
static void add_work(struct ddns *d, const struct seen *name,
		     const struct seen *a, const char *zone)
{
	struct dhcp_lease *e = &d->sweep->l[d->sweep->n];

	memset(e, 0, sizeof(*e));
	e->addr = a->addr;
	e->state = DL_RELEASED;
	e->dns = DNS_DEL;
	memcpy(e->host, name->host, sizeof(e->host));
	memcpy(d->sweep_dhcid[d->sweep->n], name->dhcid, DDNS_DHCID_LEN);
	if (d->sweep->n < 10)   /* the first few: the count says the rest */
		log_info("dns: sweep: %s.%s A %u.%u.%u.%u is marked by a "
			 "DHCID of no lease, and no lease holds the address: "
			 "removing it", e->host, zone, a->addr >> 24,
			 a->addr >> 16 & 255, a->addr >> 8 & 255,
			 a->addr & 255);
	d->sweep->n++;
}

/* The names of z (sorted by owner, DHCID first) to sweep, into d's
 * work: per owner, its first DHCID if no lease of ours has it, and its
 * addresses that no lease holds. The number of names of our leases. */
static size_t plan(struct ddns *d, const struct zone_view *z,
		   uint8_t (*mine)[DDNS_DHCID_LEN], size_t nmine,
		   const char *zone)
{
	const struct seen *name = NULL;
	size_t i, ours = 0;

	for (i = 0; i < z->n; i++) {
		const struct seen *s = &z->v[i];

		if (s->is_dhcid) {
			if (name && !strcmp(name->host, s->host))
				continue;       /* one DHCID per name */
			name = s;
			if (bsearch(s->dhcid, mine, nmine, sizeof(*mine),
				    by_dhcid)) {
				ours++;
				name = NULL;
			}
			continue;
		}
		if (name && !strcmp(name->host, s->host) &&
		    unclaimed(d, s->addr))
			add_work(d, name, s, zone);
	}
	return ours;
}

static int work_alloc(struct ddns *d, size_t cap)
{
	d->sweep = calloc(1, sizeof(*d->sweep));
	if (!d->sweep)
		return -1;
	d->sweep->l = calloc(cap, sizeof(*d->sweep->l));
	d->sweep->dirty = calloc(cap, sizeof(*d->sweep->dirty));
	d->sweep_dhcid = calloc(cap, sizeof(*d->sweep_dhcid));
	return d->sweep->l && d->sweep->dirty && d->sweep_dhcid ? 0 : -1;
}

/* The zone's names compared with the leases: d->sweep filled. */
static int compare(struct ddns *d, struct zone_view *z)
{
	char zn[NAME_TEXT_MAX];
	uint8_t (*mine)[DDNS_DHCID_LEN];
	size_t nmine, ours;
	bool nomem = false;

	mine = our_dhcids(d, &nmine, &nomem);
	if (nomem || work_alloc(d, z->n ? z->n : 1) < 0) {
		free(mine);
		return -1;
	}
	if (name_to_text(zn, sizeof(zn), d->conf->fzone) < 0)
		zn[0] = 0;
	qsort(z->v, z->n, sizeof(*z->v), by_owner);
	ours = plan(d, z, mine, nmine, zn);
	free(mine);
	log_info("dns: sweep of %s: %zu names marked by a DHCID, %zu of our "
		 "leases; %zu addresses of others no lease holds: %s", zn,
		 z->ndhcid, ours, d->sweep->n, d->sweep->n ? "removing them" :
		 "nothing to remove");
	return 0;
}

int sweep_run(struct ddns *d)
{
	struct zone_view z = { .fzone = d->conf->fzone };
	char why[256], zn[NAME_TEXT_MAX];
	int ret = 0;

	if (!d->conf->sweep)
		return 0;
	if (sweep_axfr(d, take, &z, why, sizeof(why)) < 0) {
		if (name_to_text(zn, sizeof(zn), d->conf->fzone) < 0)
			zn[0] = 0;
		log_warn("dns: sweep of %s skipped: its transfer from %s "
			 "failed: %s (allow the key to transfer it, or "
			 "--ddns-sweep=false)", zn, d->server, why);
	} else if (z.nomem || compare(d, &z) < 0) {
		log_err("dns: sweep: out of memory");
		ret = -1;
	}
	free(z.v);
	return ret;
}

void sweep_clear(struct ddns *d)
{
	if (d->sweep) {
		free(d->sweep->l);
		free(d->sweep->dirty);
	}
	free(d->sweep);
	free(d->sweep_dhcid);
	d->sweep = NULL;
	d->sweep_dhcid = NULL;
}
