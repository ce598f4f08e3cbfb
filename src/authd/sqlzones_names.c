/* A change of some names of a database zone, read by those names only:
 * their rows into a small zone of their own, checked node by node (the
 * checks that do not look across names), compared with the served
 * nodes of the same names. Read whole instead when the apex is among
 * them (the SOA, the apex NS set) or one of them holds (or is above) an
 * in-zone target of the apex NS set: whether the zone is valid then
 * depends on names beyond those read. */
#include <stdlib.h>
#include <string.h>

#include "authd/sqlzones.h"
#include "authd/updater.h"
#include "base/error.h"
#include "daemon/log.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/change.h"

/* name is the apex, or an in-zone apex NS target is name or below. */
static bool needs_whole(const struct zdb_zone *v, const uint8_t *name)
{
	const struct zdb_rrset *ns = zdb_node_rrset(zdb_zone_apex(v), RR_NS);

	if (name_equal(name, zdb_zone_origin(v)))
		return true;
	for (uint16_t i = 0; ns && i < ns->count; i++)
		if (name_is_subdomain(ns->rr[i].data, name))
			return true;
	return false;
}

static bool zdb_holds(const struct zdb_node *n, uint16_t type, uint32_t ttl,
		      const uint8_t *rd, uint16_t len)
{
	for (uint16_t s = 0; n && s < n->nsets; s++) {
		const struct zdb_rrset *set = &n->sets[s];
		if (set->type != type || set->ttl != ttl)
			continue;
		for (uint16_t j = 0; j < set->count; j++)
			if (!rdata_compare(type, set->rr[j].data,
					   set->rr[j].len, rd, len))
				return true;
	}
	return false;
}

static bool zone_holds(const struct zone *z, const struct zone_node *n,
		       uint16_t type, uint32_t ttl, const uint8_t *rd,
		       uint16_t len)
{
	for (uint32_t s = 0; n && s < n->count; s++) {
		const struct zone_rrset *set = &z->sets[n->first + s];
		if (set->type != type || set->ttl != ttl)
			continue;
		for (uint32_t j = 0; j < set->count; j++) {
			const struct zone_rr *rr = z->rrs[set->first + j];
			if (!rdata_compare(type, rr->rdata, rr->rdlen, rd, len))
				return true;
		}
	}
	return false;
}

/* The records of one name that differ between served (o) and read (n). */
static int node_delta(struct zchange *d, const struct zdb_node *o,
		      const struct zone *z, const struct zone_node *n)
{
	int ret = 0;

	for (uint16_t s = 0; o && s < o->nsets && ret == 0; s++) {
		const struct zdb_rrset *set = &o->sets[s];
		for (uint16_t j = 0; j < set->count && ret == 0; j++)
			if (!zone_holds(z, n, set->type, set->ttl,
					set->rr[j].data, set->rr[j].len))
				ret = zchange_del(d, o->owner, set->type,
						  set->ttl, set->rr[j].data,
						  set->rr[j].len);
	}
	for (uint32_t s = 0; n && s < n->count && ret == 0; s++) {
		const struct zone_rrset *set = &z->sets[n->first + s];
		for (uint32_t j = 0; j < set->count && ret == 0; j++) {
			const struct zone_rr *rr = z->rrs[set->first + j];
			if (!zdb_holds(o, set->type, set->ttl, rr->rdata,
				       rr->rdlen))
				ret = zchange_add(d, rr->owner, set->type,
						  set->ttl, rr->rdata,
						  rr->rdlen);
		}
	}
	return ret;
}

/* The rows of the names read into z (zone_init done) and finished; 1
 * when the checks of a node refuse them, <0 a database error. */
static int read_names(struct sqlzones *s, struct sqlz_zone *zz,
		      struct zone *z, const struct sql_text *names, size_t n)
{
	struct pdns_conv cv;
	bool refuse = false;
	int ret;

	if (pdns_conv_init(&cv, zz->d.origin) < 0)
		return BN_ENOMEM;
	ret = pdns_rows(&s->c, zz->d.id, names, n, &cv, z, sqlz_row_diag, zz);
	sqlz_rows_done(zz);
	pdns_conv_clear(&cv);
	if (ret >= 0)
		ret = zone_finish(z);
	if (ret < 0)
		return ret;
	zone_check_nodes(z, &refuse);
	return refuse ? 1 : 0;
}

static int delta(struct zchange *d, const struct zdb_zone *v,
		 const struct zone *z, uint8_t (*wire)[NAME_MAXLEN], size_t n)
{
	const struct zdb_rrset *soa = zdb_node_rrset(zdb_zone_apex(v), RR_SOA);
	int ret = zchange_set_soa(d, false, zdb_zone_origin(v), soa->ttl,
				  soa->rr[0].data, soa->rr[0].len);

	if (ret == 0)
		ret = zchange_set_soa(d, true, zdb_zone_origin(v), soa->ttl,
				      soa->rr[0].data, soa->rr[0].len);
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = node_delta(d, zdb_zone_find(v, wire[i]), z,
				 zone_find(z, wire[i]));
	return ret;
}

/* The names as wire names; false when one needs the whole zone. Names
 * PowerDNS would not find are left out (their rows are bad rows). */
static bool wire_names(struct sqlz_zone *zz, const struct zdb_zone *v,
		       const struct sql_text *names, size_t n,
		       uint8_t (*wire)[NAME_MAXLEN], size_t *nw)
{
	struct pdns_conv cv;
	const char *why;
	bool ok = pdns_conv_init(&cv, zz->d.origin) == 0;

	*nw = 0;
	for (size_t i = 0; ok && i < n; i++) {
		if (pdns_row_name(&cv, &names[i], wire[*nw], &why) < 0)
			continue;
		ok = !needs_whole(v, wire[*nw]);
		(*nw)++;
	}
	pdns_conv_clear(&cv);
	return ok;
}

/* The change of these names handed over; 1 when it needs the whole
 * zone after all. */
static int by_names(struct sqlzones *s, struct sqlz_zone *zz,
		    struct zdb_zone *v, const struct sql_text *names,
		    size_t n, uint8_t (*wire)[NAME_MAXLEN])
{
	struct zchange d;
	struct zone z;
	size_t nw;
	int ret;

	if (!wire_names(zz, v, names, n, wire, &nw))
		return 1;
	zone_init(&z, zz->d.origin, CLASS_IN);
	ret = read_names(s, zz, &z, names, n);
	zchange_init(&d);
	if (ret == 0)
		ret = delta(&d, v, &z, wire, nw);
	if (ret == 0 && (d.ndel || d.nadd)) {
		uint32_t served = zdb_zone_serial(v);
		uint32_t serial = sqlz_next_serial(zz->db_serial, served);
		ret = zchange_set_soa_serial(&d, true, &d.soa_to, serial);
		if (ret == 0)
			ret = updater_change(s->upd, zz->d.origin, &d);
		if (ret == 0) {
			zz->digest = sqlz_digest_change(zz->digest, &d);
			zz->save = true;
			zz->save_serial = serial;
			log_info("zone %s: changed in the database: %zu records "
				 "removed, %zu added, serial %u", zz->d.name,
				 d.ndel, d.nadd, serial);
		}
	}
	zchange_clear(&d);
	zone_clear(&z);
	/* not a database error (the writer refused the change): whole */
	return ret >= 0 || ret <= SQL_EBUSY ? ret : 1;
}

int sqlz_names(struct sqlzones *s, struct sqlz_zone *z,
	       const struct sql_text *names, size_t n)
{
	struct zdb_zone *v = z->served && !z->refused ? sqlz_served(s, z) : NULL;
	uint8_t (*wire)[NAME_MAXLEN] = NULL;
	int ret = 1;

	if (v && (wire = malloc((n + 1) * sizeof(*wire))))
		ret = by_names(s, z, v, names, n, wire);
	free(wire);
	zdb_zone_unref(v);
	return ret == 1 ? sqlz_whole(s, z) : ret;
}
