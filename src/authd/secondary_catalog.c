/* Catalog zones consumed (RFC 9432): a secondary zone whose versions
 * list member zones (PTR at <unique>.zones.CATALOG, version 2); each
 * member becomes a secondary of the catalog's primaries with its key,
 * added when it appears, removed (no longer served, its stored copy
 * deleted: RFC 9432 5.2) when it goes. Members are re-derived from the
 * stored catalog at start, so they survive a restart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <urcu.h>

#include "authd/secondary_int.h"
#include "base/error.h"
#include "daemon/log.h"
#include "wire/rrtype.h"

/* label + origin in out; false when too long. */
static bool prefixed(uint8_t *out, const char *label, const uint8_t *origin)
{
	size_t l = strlen(label), ol = name_length(origin);

	if (1 + l + ol > NAME_MAXLEN)
		return false;
	out[0] = (uint8_t)l;
	memcpy(out + 1, label, l);
	memcpy(out + 1 + l, origin, ol);
	return true;
}

/* version.CATALOG TXT "2" (RFC 9432 4.2.1), alone. */
static bool version_2(const struct zdb_zone *v)
{
	uint8_t name[NAME_MAXLEN];
	const struct zdb_node *n;
	const struct zdb_rrset *t;

	if (!prefixed(name, "version", zdb_zone_origin(v)))
		return false;
	n = zdb_zone_find(v, name);
	t = n ? zdb_node_rrset(n, RR_TXT) : NULL;
	return t && t->count == 1 && t->rr[0].len == 2 &&
	       !memcmp(t->rr[0].data, "\0012", 2);
}

static bool listed(uint8_t (*m)[NAME_MAXLEN], size_t n, const uint8_t *name)
{
	for (size_t i = 0; i < n; i++)
		if (name_equal(m[i], name))
			return true;
	return false;
}

int sec_catalog_members(const struct zdb_zone *v,
			uint8_t (**out)[NAME_MAXLEN])
{
	const uint8_t *origin = zdb_zone_origin(v);
	uint8_t zones[NAME_MAXLEN], (*m)[NAME_MAXLEN];
	size_t n = 0, labels = (size_t)name_labels(origin);

	*out = NULL;
	if (!version_2(v) || !prefixed(zones, "zones", origin))
		return BN_EINVAL;
	m = calloc(zdb_zone_node_count(v) + 1, sizeof(*m));
	if (!m)
		return BN_ENOMEM;
	for (size_t i = 0; i < zdb_zone_node_count(v); i++) {
		const struct zdb_node *d = zdb_zone_node(v, i);
		const struct zdb_rrset *p = zdb_node_rrset(d, RR_PTR);
		/* a member node: one label under zones; properties
		 * (group, coo, ...) below it are not read */
		const struct zdb_node *up = zdb_node_parent(v, d);
		if (!p || d->labels != labels + 2 || !up ||
		    !name_equal(up->owner, zones))
			continue;
		if (p->count != 1 || name_length(p->rr[0].data) != p->rr[0].len ||
		    name_equal(p->rr[0].data, origin) ||
		    listed(m, n, p->rr[0].data))
			continue;       /* broken or a clash: ignored (4.1) */
		memcpy(m[n++], p->rr[0].data, p->rr[0].len);
	}
	*out = m;
	return (int)n;
}

static const struct sec_zone *find(const struct sec_list *l,
				   const uint8_t *origin)
{
	for (size_t i = 0; i < l->n; i++)
		if (name_equal(l->z[i]->origin, origin))
			return l->z[i];
	return NULL;
}

/* Whether the member can be added: not a zone of the config, not a
 * member of another catalog (the first one listing it keeps it). */
static bool may_add(const struct secondary *s, const struct sec_zone *cat,
		    const uint8_t *name)
{
	const struct sec_zone *z = find(s->list, name);
	char text[NAME_TEXT_MAX];

	if (z && z->member && name_equal(z->member_of, cat->origin))
		return false;   /* already here */
	for (size_t i = 0; !z && i < s->nconf; i++)
		if (name_equal(s->conf[i], name))
			z = cat;
	if (!z)
		return true;
	name_to_text(text, sizeof(text), name);
	log_warn("catalog %s: member %s ignored: %s", cat->name, text,
		 z == cat || !z->member ? "a zone of the config (it wins)" :
		 "a member of another catalog");
	return false;
}

static struct sec_zone *member_new(struct secondary *s,
				   const struct sec_zone *cat,
				   const uint8_t *name)
{
	struct sec_zone *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	memcpy(z->origin, name, name_length(name));
	memcpy(z->primary, cat->primary, sizeof(z->primary));
	z->nprimary = cat->nprimary;
	z->keyed = cat->keyed;
	memcpy(z->key, cat->key, NAME_MAXLEN);
	z->member = true;
	memcpy(z->member_of, cat->origin, NAME_MAXLEN);
	snprintf(z->member_of_name, sizeof(z->member_of_name), "%s",
		 cat->name);
	if (sec_zone_open(s, z, s->dir) < 0) {
		free(z);
		return NULL;
	}
	log_info("catalog %s: member %s added%s", cat->name, z->name,
		 z->v ? " (its stored copy served)" : "");
	return z;
}

/* A member gone from its catalog: out of the snapshot and the loader,
 * its files deleted, freed (no reader holds it any more). */
static void member_remove(struct secondary *s, struct sec_zone *z)
{
	sec_publish(s, z, NULL, true);
	journal_close(z->j);
	if (unlink(z->path) < 0 && access(z->path, F_OK) == 0)
		log_warn("zone %s: cannot delete %s", z->name, z->path);
	unlink(z->jpath);
	log_info("catalog %s: member %s removed: no longer served, stored "
		 "copy deleted", z->member_of_name, z->name);
	zdb_zone_unref(z->v);
	free(z);
}

/* The new list in place; the workers' readers of the old one done. */
static void list_swap(struct secondary *s, struct sec_list *nl)
{
	struct sec_list *old;

	pthread_mutex_lock(&s->mu);
	old = s->list;
	rcu_assign_pointer(s->list, nl);
	pthread_mutex_unlock(&s->mu);
	if (s->running)
		synchronize_rcu();
	free(old);
}

/* nl: the old list without cat's members gone from m (those in gone),
 * then the new members of m. */
static size_t reconcile(struct secondary *s, const struct sec_zone *cat,
			uint8_t (*m)[NAME_MAXLEN], size_t n,
			struct sec_list *nl, struct sec_zone **gone)
{
	const struct sec_list *l = s->list;
	size_t ng = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct sec_zone *z = l->z[i];
		if (z->member && name_equal(z->member_of, cat->origin) &&
		    !listed(m, n, z->origin))
			gone[ng++] = z;
		else
			nl->z[nl->n++] = z;
	}
	for (size_t i = 0; i < n; i++) {
		struct sec_zone *z;
		if (!may_add(s, cat, m[i]))
			continue;
		z = member_new(s, cat, m[i]);
		if (z)
			nl->z[nl->n++] = z;
		else
			log_err("catalog %s: a member cannot be added (out "
				"of memory or its journal)", cat->name);
	}
	return ng;
}

void sec_catalog_sync(struct secondary *s, struct sec_zone *cat)
{
	uint8_t (*m)[NAME_MAXLEN] = NULL;
	int n = sec_catalog_members(cat->v, &m);
	size_t old = s->list->n, ng;
	struct sec_list *nl;
	struct sec_zone **gone;

	if (n < 0) {
		log_err("catalog %s: serial %u is %s: its members are kept "
			"as they were", cat->name, zdb_zone_serial(cat->v),
			n == BN_EINVAL ? "not a catalog zone of version 2 "
			"(RFC 9432: version TXT \"2\")" : "out of memory");
		return;
	}
	nl = malloc(sizeof(*nl) + (old + (size_t)n) * sizeof(nl->z[0]));
	gone = calloc(old + 1, sizeof(*gone));
	if (!nl || !gone) {
		log_err("catalog %s: out of memory", cat->name);
		free(nl);
		free(gone);
		free(m);
		return;
	}
	nl->n = 0;
	ng = reconcile(s, cat, m, (size_t)n, nl, gone);
	if (ng || nl->n != old)
		list_swap(s, nl);
	else
		free(nl);
	for (size_t i = 0; i < ng; i++)
		member_remove(s, gone[i]);
	log_info("catalog %s: serial %u, %d members; %zu zones kept here",
		 cat->name, zdb_zone_serial(cat->v), n, s->list->n);
	free(gone);
	free(m);
}
