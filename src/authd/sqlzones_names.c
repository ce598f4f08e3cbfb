/* A change of some names of a database zone, read by those names only:
 * their rows into a small zone of their own, checked node by node (the
 * checks that do not look across names: a database zone has none that
 * refuse it, as an apex NS target without an address only warns), and
 * compared with the served nodes of the same names. The apex among them
 * brings the database's SOA with it. A zone not served, or one whose
 * change does not apply to the served version, is read whole. */
#include <stdlib.h>
#include <string.h>

#include "authd/sqlzones.h"
#include "authd/updater.h"
#include "base/error.h"
#include "daemon/log.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/change.h"

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
		if (set->type == RR_SOA)        /* soa_from and soa_to */
			continue;
		for (uint16_t j = 0; j < set->count && ret == 0; j++)
			if (!zone_holds(z, n, set->type, set->ttl,
					set->rr[j].data, set->rr[j].len))
				ret = zchange_del(d, o->owner, set->type,
						  set->ttl, set->rr[j].data,
						  set->rr[j].len);
	}
	for (uint32_t s = 0; n && s < n->count && ret == 0; s++) {
		const struct zone_rrset *set = &z->sets[n->first + s];
		if (set->type == RR_SOA)
			continue;
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
	z->apex_glue_err = true;        /* as a whole read (pdns_sql.c) */
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

/* The records of the names that differ; soa_from the served SOA,
 * soa_to the database's when the apex was read (*db its serial), else
 * the served one (*db the database's serial as last read). */
static int delta(struct zchange *d, const struct zdb_zone *v,
		 const struct zone *z, uint8_t (*wire)[NAME_MAXLEN], size_t n,
		 uint32_t *db)
{
	const struct zdb_rrset *soa = zdb_node_rrset(zdb_zone_apex(v), RR_SOA);
	const struct zone_node *apex = zone_find(z, z->origin);
	const struct zone_rrset *dbsoa =
		apex ? zone_node_rrset(z, apex, RR_SOA) : NULL;
	int ret = zchange_set_soa(d, false, zdb_zone_origin(v), soa->ttl,
				  soa->rr[0].data, soa->rr[0].len);

	if (ret == 0 && dbsoa) {
		const struct zone_rr *rr = z->rrs[dbsoa->first];
		ret = zchange_set_soa(d, true, zdb_zone_origin(v), dbsoa->ttl,
				      rr->rdata, rr->rdlen);
		*db = zchange_soa_serial(rr->rdata, rr->rdlen);
	} else if (ret == 0) {
		ret = zchange_set_soa(d, true, zdb_zone_origin(v), soa->ttl,
				      soa->rr[0].data, soa->rr[0].len);
	}
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = node_delta(d, zdb_zone_find(v, wire[i]), z,
				 zone_find(z, wire[i]));
	return ret;
}

/* The names as wire names (nw of them). Names PowerDNS would not find
 * are left out (their rows are bad rows). */
static int wire_names(struct sqlz_zone *zz, const struct sql_text *names,
		      size_t n, uint8_t (*wire)[NAME_MAXLEN], size_t *nw)
{
	struct pdns_conv cv;
	const char *why;

	*nw = 0;
	if (pdns_conv_init(&cv, zz->d.origin) < 0)
		return BN_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (pdns_row_name(&cv, &names[i], wire[*nw], &why) == 0)
			(*nw)++;
	pdns_conv_clear(&cv);
	return 0;
}

/* The change of these names handed over; 1 when the zone is to be read
 * whole after all, <0 a database error. */
static int by_names(struct sqlzones *s, struct sqlz_zone *zz,
		    struct zdb_zone *v, const struct sql_text *names,
		    size_t n, uint8_t (*wire)[NAME_MAXLEN])
{
	uint32_t db = zz->db_serial;
	struct zchange d;
	struct zone z;
	size_t nw;
	int ret = wire_names(zz, names, n, wire, &nw);

	if (ret < 0)
		return 1;
	zone_init(&z, zz->d.origin, CLASS_IN);
	ret = read_names(s, zz, &z, names, n);
	/* the apex named and no row of it left: the whole read says so */
	for (size_t i = 0; ret == 0 && i < nw; i++)
		if (name_equal(wire[i], zz->d.origin) &&
		    !zone_find(&z, zz->d.origin))
			ret = 1;
	zchange_init(&d);
	if (ret == 0)
		ret = delta(&d, v, &z, wire, nw, &db);
	if (ret == 0)
		ret = sqlz_hand_over(s, zz, &d, db);
	zchange_clear(&d);
	zone_clear(&z);
	/* not a database error (refused rows, or the writer refused the
	 * change): whole, which says why */
	return ret >= 0 || ret <= SQL_EBUSY ? ret : 1;
}

int sqlz_names(struct sqlzones *s, struct sqlz_zone *z,
	       const struct sql_text *names, size_t n)
{
	struct zdb_zone *v = z->served && !z->refused ? sqlz_served(s, z) : NULL;
	uint8_t (*wire)[NAME_MAXLEN] = NULL;
	int ret = 1;

	sqlz_cache_stale(z);
	if (v && (wire = malloc((n + 1) * sizeof(*wire))))
		ret = by_names(s, z, v, names, n, wire);
	free(wire);
	zdb_zone_unref(v);
	return ret == 1 ? sqlz_whole(s, z) : ret;
}
