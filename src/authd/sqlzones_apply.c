/* Rows read again made a change to the served version, handed to the
 * writer. Whole: the zone read and checked as at start, the difference
 * with the served version computed (zdb_zone_diff). By names
 * (sqlzones_names.c): only the rows of the names the change table
 * lists. The SOA serial is the database's when it is later, else one
 * more than the served one; a change that holds nothing to serve (the
 * same records, the same SOA but for a serial not after the one served)
 * is not one. Rows that make no valid zone leave the served version as
 * it is. */
#include <stdlib.h>
#include <string.h>

#include "authd/sqlzones.h"
#include "authd/updater.h"
#include "base/error.h"
#include "daemon/log.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/change.h"

/* The SOAs agree but for the serial. */
static bool soa_same(const struct zchange *d)
{
	const struct zchange_rr *a = &d->soa_from, *b = &d->soa_to;
	uint8_t tmp[RDATA_MAXLEN];
	uint32_t sb = zchange_soa_serial(b->rdata, b->rdlen);

	if (a->ttl != b->ttl || a->rdlen != b->rdlen || a->rdlen < 20)
		return false;
	memcpy(tmp, a->rdata, a->rdlen);
	tmp[a->rdlen - 20] = sb >> 24;
	tmp[a->rdlen - 19] = sb >> 16;
	tmp[a->rdlen - 18] = sb >> 8;
	tmp[a->rdlen - 17] = sb & 0xff;
	return rdata_compare(RR_SOA, tmp, a->rdlen, b->rdata, b->rdlen) == 0;
}

int sqlz_hand_over(struct sqlzones *s, struct sqlz_zone *z,
		   struct zchange *d, uint32_t db)
{
	uint32_t served = zchange_from(d), serial;
	int ret;

	if (!d->ndel && !d->nadd && soa_same(d) && !serial_after(db, served)) {
		z->db_serial = db;      /* nothing to serve */
		return 0;
	}
	serial = sqlz_next_serial(db, served);
	ret = zchange_set_soa_serial(d, true, &d->soa_to, serial);
	if (ret == 0)
		ret = updater_change(s->upd, z->d.origin, d);
	if (ret < 0)
		return ret;
	atomic_fetch_add(&z->digest, sqlz_digest_change(0, d));
	z->db_serial = db;
	z->save = true;
	z->save_serial = serial;
	log_info("zone %s: changed in the database: %zu records removed, "
		 "%zu added, serial %u", z->d.name, d->ndel, d->nadd, serial);
	return 0;
}

/* A zone not served yet (its rows made no zone before): v whole. */
static void first_version(struct sqlzones *s, struct sqlz_zone *z,
			  struct zdb_zone *v)
{
	int ret = updater_replace(s->upd, v);

	if (ret < 0) {
		log_err("zone %s: not served: %s", z->d.name, bn_strerror(ret));
		return;
	}
	z->served = true;
	z->db_serial = zdb_zone_serial(v);
	z->digest = sqlz_digest(v);
	log_info("zone %s: served from the database, %zu records, serial %u",
		 z->d.name, zdb_zone_rr_count(v), z->db_serial);
}

/* The served version made to follow v, read whole. */
static void follow(struct sqlzones *s, struct sqlz_zone *z,
		   struct zdb_zone *v)
{
	struct zdb_zone *cur = sqlz_served(s, z);
	uint32_t db = zdb_zone_serial(v);
	struct zchange d;
	int ret;

	if (!cur) {
		first_version(s, z, v);
		return;
	}
	zchange_init(&d);
	ret = zdb_zone_diff(cur, v, &d);
	if (ret == 0)
		ret = sqlz_hand_over(s, z, &d, db);
	if (ret < 0)
		log_err("zone %s: database change not served: %s", z->d.name,
			bn_strerror(ret));
	zchange_clear(&d);
	zdb_zone_unref(cur);
}

int sqlz_whole(struct sqlzones *s, struct sqlz_zone *z)
{
	struct zdb_zone *v = NULL;
	int ret = pdns_load_zone(&s->c, &z->d, &v, sqlz_row_diag, z);

	sqlz_rows_done(z);
	sqlz_cache_stale(z);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		if (!z->refused)
			log_err("zone %s: its rows in the database make no "
				"valid zone now: %s", z->d.name, z->served ?
				"the last good version is served" :
				"not served");
		z->refused = true;
		return 0;
	}
	if (z->refused)
		log_info("zone %s: its rows make a valid zone again",
			 z->d.name);
	z->refused = false;
	follow(s, z, v);
	zdb_zone_unref(v);
	return 0;
}
