/* A hand edit of a zone file that takes updates, merged on reload as
 * Knot's zonefile-load: difference does: the difference between the
 * file as last loaded and the file now is applied over the served
 * version (updates included), journaled like an update. What the edit
 * removed goes (when still there), what it added comes (when not there
 * yet), the updates it did not touch stay. The serial is the file's
 * when that is later, else one more than the served one. */
#include <errno.h>
#include <string.h>

#include "authd/updater_int.h"
#include "authd/zone_dir.h"
#include "backend/zonefile.h"
#include "backend/zonefile_write.h"
#include "base/error.h"
#include "daemon/log.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

static bool holds(const struct zdb_zone *z, const struct zchange_rr *rr)
{
	const struct zdb_node *n = zdb_zone_find(z, rr->owner);

	for (uint16_t s = 0; n && s < n->nsets; s++) {
		const struct zdb_rrset *set = &n->sets[s];
		if (set->type != rr->type || set->ttl != rr->ttl)
			continue;
		for (uint16_t j = 0; j < set->count; j++)
			if (!rdata_compare(rr->type, set->rr[j].data,
					   set->rr[j].len, rr->rdata, rr->rdlen))
				return true;
	}
	return false;
}

/* The file's SOA with the merged serial. */
static int soa_to(struct zchange *c, const struct zchange_rr *file,
		  uint32_t head)
{
	uint32_t s = zchange_soa_serial(file->rdata, file->rdlen);

	if (!serial_after(s, head))
		s = head + 1 ? head + 1 : 1;
	return zchange_set_soa_serial(c, true, file, s);
}

/* The exact change over head: only what is still to do. */
static int over_head(struct zchange *c, const struct zchange *d,
		     const struct zdb_zone *head)
{
	const struct zdb_rrset *soa = zdb_node_rrset(zdb_zone_apex(head),
						     RR_SOA);
	int ret = zchange_set_soa(c, false, zdb_zone_origin(head), soa->ttl,
				  soa->rr[0].data, soa->rr[0].len);

	if (ret == 0)
		ret = soa_to(c, &d->soa_to, zdb_zone_serial(head));
	for (size_t i = 0; i < d->ndel && ret == 0; i++)
		if (holds(head, &d->del[i]))
			ret = zchange_del(c, d->del[i].owner, d->del[i].type,
					  d->del[i].ttl, d->del[i].rdata,
					  d->del[i].rdlen);
	for (size_t i = 0; i < d->nadd && ret == 0; i++)
		if (!holds(head, &d->add[i]))
			ret = zchange_add(c, d->add[i].owner, d->add[i].type,
					  d->add[i].ttl, d->add[i].rdata,
					  d->add[i].rdlen);
	return ret;
}

/* The merged version becomes what the journal starts from: written
 * whole to NAME.jbase, the journal emptied (IXFR from before it gets
 * the AXFR form). A restart then reads NAME.jbase, not the zone file,
 * which no longer holds the updates. */
static struct zdb_zone *commit(struct updater *u, struct upd_zone *uz,
			       struct zdb_zone *head, const struct zchange *c)
{
	struct zdb_zone *next = NULL;
	char jbase[4200];
	int ret = zdb_zone_patch(&next, head, c);

	zone_dir_path(jbase, sizeof(jbase), u->dir, uz->origin, "jbase");
	if (ret == 0)
		ret = zonefile_save(jbase, next);
	if (ret == 0)
		ret = journal_reset(uz->j);
	if (ret < 0) {
		log_err("zone %s: zone file changed, but its difference could "
			"not be merged: %s", uz->name, bn_strerror(ret));
		zdb_zone_unref(next);
		return NULL;
	}
	log_info("zone %s: zone file changed: its difference merged over "
		 "the updates: %zu removed, %zu added, serial %u", uz->name,
		 c->ndel, c->nadd, zchange_to(c));
	return next;
}

struct zdb_zone *updater_merge(void *arg, const char *was_path,
			       const struct zdb_zone *now,
			       struct zdb_zone *head)
{
	struct upd_zone *uz = updater_zone(arg, zdb_zone_origin(head));
	struct zdb_zone *next = NULL, *was = NULL;
	struct zchange d, c;

	if (!uz || !uz->j ||
	    zonefile_load(&was, uz->origin, was_path, NULL, NULL, false) != 0)
		return NULL;
	zchange_init(&d);
	zchange_init(&c);
	if (zdb_zone_diff(was, now, &d) < 0) {
		/* nothing to merge */
	} else if (!d.ndel && !d.nadd && d.soa_from.rdlen == d.soa_to.rdlen &&
		   !memcmp(d.soa_from.rdata, d.soa_to.rdata, d.soa_to.rdlen)) {
		zdb_zone_ref(head);     /* the same records: nothing to do */
		next = head;
	} else if (over_head(&c, &d, head) == 0) {
		next = commit(arg, uz, head, &c);
	}
	zchange_clear(&d);
	zchange_clear(&c);
	zdb_zone_unref(was);
	return next;
}

void updater_keep_file(struct updater *u, const struct upd_zone *uz)
{
	char base[4200];
	const char *path = NULL;

	for (size_t i = 0; i < u->ld->n; i++)
		if (u->ld->src[i].path &&
		    name_equal(u->ld->src[i].origin, uz->origin))
			path = u->ld->src[i].path;
	zone_dir_path(base, sizeof(base), u->dir, uz->origin, "base");
	if (path && zonefile_copy(path, base) < 0)
		log_warn("zone %s: cannot keep a copy of %s as %s (%s): a "
			 "later edit of the file cannot be merged with the "
			 "updates", uz->name, path, base, strerror(errno));
}
