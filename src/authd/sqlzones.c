/* The database's zones at start (sqlzones.h): connect, install the change
 * tracking when the database is writable, list the domains, read each
 * NATIVE or MASTER zone whole in one read transaction (with the position
 * in the change table, so that no change falls between the two), check
 * its name against the config's zones, and give the loader the first
 * versions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <urcu.h>

#include "authd/sqlzones.h"
#include "backend/sql_track.h"
#include "base/error.h"
#include "daemon/log.h"

#define START_BUSY_MS 10000     /* a lock at start: wait this long */
#define WATCH_BUSY_MS 200       /* then: a poll gives up sooner */

double sqlz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A zone read whole again and again (a read-only database) would
 * repeat every bad row each time: the first ones of a read are listed,
 * the rest counted. */
#define BAD_ROWS_LISTED 50

void sqlz_row_diag(void *ctx, const char *table, const char *id,
		   const char *why)
{
	struct sqlz_zone *z = ctx;
	const char *name = z ? z->d.name : "?";

	if (table && z && ++z->bad_rows > BAD_ROWS_LISTED)
		return;
	if (table)
		log_warn("zone %s: database: %s row %s: %s; left out", name,
			 table, id, why);
	else
		log_err("zone %s: database: %s%s%s%s", name, why,
			id ? " (records row " : "", id ? id : "", id ? ")" : "");
}

void sqlz_rows_done(struct sqlz_zone *z)
{
	if (z->bad_rows > BAD_ROWS_LISTED)
		log_warn("zone %s: database: %zu more bad rows left out (not "
			 "listed)", z->d.name, z->bad_rows - BAD_ROWS_LISTED);
	z->bad_rows = 0;
}

struct zdb_zone *sqlz_served(struct sqlzones *s, const struct sqlz_zone *z)
{
	struct zdb_zone *v;

	rcu_read_lock();
	v = zonedb_get(rcu_dereference(*s->cur)->db, z->d.origin);
	if (v)
		zdb_zone_ref(v);
	rcu_read_unlock();
	return v;
}

static int last_row(void *ctx, const struct sql_text *col, size_t n)
{
	int64_t *v = ctx;

	if (n == 1 && col[0].s && !sql_int(&col[0], v))
		return SQL_EBROKEN;
	return 0;
}

/* Tracking needs writes: a read-only database (or folder: SQLite
 * writes its journal beside the file) is read whole on every change.
 * Made again on each new connection (a database put back from a copy
 * may lack the triggers); said once each time it comes or goes. */
int sqlz_track(struct sqlzones *s)
{
	int ret = s->c.drv->read_only(s->c.db) ? SQL_EREADONLY :
		  s->c.drv->track(s->c.db);
	bool now = ret == 0;

	if (ret == SQL_EBUSY || ret == SQL_EGONE)
		return ret;     /* not known yet: try again later */
	if (now && s->track_known && !s->tracked) {
		log_info("database %s: writable again: changes tracked",
			 s->uri);
		s->resync = true;       /* the change table's position */
	} else if (!now && (!s->track_known || s->tracked)) {
		log_warn("database %s: cannot write it (%s: %s): no change "
			 "tracking; each change reads every zone whole",
			 s->uri, sql_strerror(ret), sql_errmsg(&s->c));
	}
	s->track_known = true;
	s->tracked = s->writable = now;
	return 0;
}

int sqlz_last_change(struct sqlzones *s)
{
	return sql_query(&s->c, sql_changes_last, NULL, 0, last_row,
			 &s->cursor);
}

static bool clashes(const struct config *c, const struct pdns_domain *d)
{
	for (size_t i = 0; i < c->nzones; i++)
		if (name_equal(c->zones[i].origin, d->origin))
			return true;
	return config_secondary(c, d->origin) ||
	       (c->catalog && name_equal(c->catalog_origin, d->origin));
}

bool sqlzones_clash(struct sqlzones *s, const struct config *c)
{
	bool clash = false;

	pthread_mutex_lock(&s->zmu);
	for (size_t i = 0; !clash && i < s->n; i++)
		clash = clashes(c, &s->z[i].d);
	pthread_mutex_unlock(&s->zmu);
	return clash;
}

struct sqlz_zone *sqlz_find(struct sqlzones *s, const uint8_t *origin)
{
	for (size_t i = 0; i < s->n; i++)
		if (name_equal(s->z[i].d.origin, origin))
			return &s->z[i];
	return NULL;
}

bool sqlzones_has(struct sqlzones *s, const uint8_t *origin)
{
	bool has;

	pthread_mutex_lock(&s->zmu);
	has = sqlz_find(s, origin) != NULL;
	pthread_mutex_unlock(&s->zmu);
	return has;
}

static bool served_kind(const struct pdns_domain *d)
{
	if (d->kind == PDNS_NATIVE || d->kind == PDNS_MASTER)
		return true;
	log_info("zone %s: type '%s' in the database: not served (%s)",
		 d->name, d->type, d->kind == PDNS_SLAVE ||
		 d->kind == PDNS_CONSUMER ? "PowerDNS transfers it in; "
		 "serve it with --secondary" : d->kind == PDNS_PRODUCER ?
		 "a catalog PowerDNS makes as it answers" : "unknown type");
	return false;
}

/* The domains to serve, checked against the config. */
static int pick(struct sqlzones *s, const struct config *c,
		struct pdns_domain *d, size_t nd)
{
	s->z = calloc(nd + 1, sizeof(*s->z));
	s->origins = calloc(nd + 1, sizeof(*s->origins));
	s->first = calloc(nd + 1, sizeof(*s->first));
	if (!s->z || !s->origins || !s->first)
		return BN_ENOMEM;
	s->cap = nd + 1;
	for (size_t i = 0; i < nd; i++) {
		if (!served_kind(&d[i]))
			continue;
		if (clashes(c, &d[i])) {
			log_err("zone %s: in the database %s and in the config "
				"(a zone file, a secondary or the catalog): serve "
				"it from one place", d[i].name,
				s->uri);
			return BN_EINVAL;
		}
		s->z[s->n].d = d[i];
		memcpy(s->origins[s->n], d[i].origin, NAME_MAXLEN);
		s->n++;
	}
	return 0;
}

/* The zone's first version: from its start cache when the key holds,
 * else from its rows (the cache then written from them). 0, > 0 (the
 * rows make no zone), or a database error. */
static int first_read(struct sqlzones *s, struct sqlz_zone *z,
		      struct zdb_zone **v, bool *cached)
{
	char key[SQLZ_KEY_MAX] = "";
	uint64_t digest = 0;
	int64_t last;
	int ret = 0;

	*cached = false;
	z->cache_at = sqlz_now();
	if (s->cache_dir && s->tracked)
		ret = sqlz_cache_key(s, z, key, sizeof(key), &last);
	if (ret < 0)
		return ret;
	if (key[0] && sqlz_cache_load(s, z, key, v, &digest) == 0) {
		*cached = true;
		snprintf(z->cache_key, sizeof(z->cache_key), "%s", key);
	} else {
		ret = pdns_load_zone(&s->c, &z->d, v, sqlz_row_diag, z);
		sqlz_rows_done(z);
		if (ret != 0)
			return ret;
		digest = sqlz_digest(*v);
	}
	z->db_serial = zdb_zone_serial(*v);
	z->digest = digest;
	if (key[0] && !*cached) {
		zdb_zone_ref(*v);
		sqlz_cache_queue(s, z, *v, key);
	}
	return 0;
}

/* One zone read: its first version, its serial as banchi serves it
 * (banchi_serial), or not served when its rows make no zone. */
static int load_one(struct sqlzones *s, size_t i)
{
	struct sqlz_zone *z = &s->z[i];
	struct zdb_zone *v = NULL;
	uint32_t serial;
	bool cached;
	int ret = first_read(s, z, &v, &cached);

	if (ret < 0)
		return ret;
	if (ret > 0) {
		z->refused = true;
		log_err("zone %s: its rows in the database make no valid zone: "
			"not served", z->d.name);
		return 0;
	}
	z->served = true;
	serial = sqlz_start_serial(s, z, z->db_serial, z->digest);
	s->first[i] = sqlz_with_serial(v, serial);
	zdb_zone_unref(v);
	if (!s->first[i])
		return BN_ENOMEM;
	log_info("zone %s: loaded %zu records from %s, serial %u", z->d.name,
		 zdb_zone_rr_count(s->first[i]), cached ?
		 "its start cache (the database unchanged since)" :
		 "the database", serial);
	return 0;
}

static int read_all(struct sqlzones *s, const struct config *c)
{
	struct pdns_domain *d = NULL;
	size_t nd = 0;
	int ret = sql_begin(&s->c);

	if (ret == 0)
		ret = pdns_domains(&s->c, &d, &nd, sqlz_row_diag, NULL);
	if (ret == 0 && s->tracked)
		ret = sqlz_last_change(s);
	if (ret == 0)
		ret = pick(s, c, d, nd);
	for (size_t i = 0; ret == 0 && i < s->n; i++)
		ret = load_one(s, i);
	s->nstart = s->n;
	free(d);
	sql_exec(&s->c, ret == 0 ? "COMMIT" : "ROLLBACK");
	return ret;
}

static bool in_config(const struct config *c, const uint8_t *origin)
{
	for (size_t i = 0; i < c->nzones; i++)
		if (name_equal(c->zones[i].origin, origin))
			return true;
	return config_secondary(c, origin) ||
	       (c->catalog && name_equal(c->catalog_origin, origin));
}

static bool in_db(const struct sqlzones *s, const uint8_t *origin)
{
	for (size_t i = 0; i < s->n; i++)
		if (name_equal(s->z[i].d.origin, origin))
			return true;
	return false;
}

/* allow-transfer, allow-update and notify were taken for zones the
 * database might hold (config_xfr.c): those it does not hold yet are
 * said once. */
static void warn_unknown(const struct sqlzones *s, const struct config *c)
{
	static const char fmt[] = "%s for zone %s: neither in the config "
				  "nor in the database (yet)";

	for (size_t i = 0; i < c->nxfrs; i++)
		if (!in_config(c, c->xfrs[i].origin) &&
		    !in_db(s, c->xfrs[i].origin))
			log_warn(fmt, "allow-transfer", c->xfrs[i].zone);
	for (size_t i = 0; i < c->nupdates; i++)
		if (!in_config(c, c->updates[i].origin) &&
		    !in_db(s, c->updates[i].origin))
			log_warn(fmt, "allow-update", c->updates[i].zone);
	for (size_t i = 0; i < c->nnotifies; i++)
		if (!in_config(c, c->notifies[i].origin) &&
		    !in_db(s, c->notifies[i].origin))
			log_warn(fmt, "notify", c->notifies[i].zone);
}

static void log_loaded(const struct sqlzones *s, double seconds)
{
	size_t rrs = 0;

	for (size_t i = 0; i < s->n; i++)
		rrs += s->first[i] ? zdb_zone_rr_count(s->first[i]) : 0;
	log_info("database %s: %zu zones, %zu records, %.3f s%s", s->uri,
		 s->n, rrs, seconds, s->tracked ?
		 ", changes tracked (banchi_changes)" : "");
}

static int present_row(void *ctx, const struct sql_text *col, size_t n)
{
	bool *yes = ctx;

	*yes = n == 1 && col[0].s && col[0].len == 1 &&
	       (col[0].s[0] == 't' || col[0].s[0] == '1');
	return 0;
}

/* Start caches kept when asked and there is a zone dir; trusted when
 * the change tracking is there before this start installs it. */
static int cache_setup(struct sqlzones *s, const struct config *c)
{
	if (!c->zone_db_cache || !c->zone_dir)
		return 0;
	s->cache_dir = strdup(c->zone_dir);
	if (!s->cache_dir)
		return BN_ENOMEM;
	return sql_query(&s->c, s->c.drv->track_present, NULL, 0,
			 present_row, &s->cache_trusted);
}

int sqlzones_open(struct sqlzones *s, const struct config *c)
{
	char err[512];
	double t0;
	int ret;

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->zmu, NULL);
	pthread_cond_init(&s->cv, NULL);
	pthread_mutex_init(&s->cache_mu, NULL);
	pthread_cond_init(&s->cache_cv, NULL);
	if (!c->zone_db)
		return 0;
	s->uri = strdup(c->zone_db);
	if (!s->uri)
		return -1;
	ret = sql_connect(&s->c, s->uri, 0, START_BUSY_MS, err, sizeof(err));
	if (ret < 0) {
		log_err("database %s: %s", s->uri, err);
		return -1;
	}
	ret = cache_setup(s, c);
	if (ret == 0)
		ret = sqlz_track(s);
	if (ret < 0) {
		log_err("database %s: %s (%s)", s->uri, sql_strerror(ret),
			sql_errmsg(&s->c));
		return -1;
	}
	s->cache_trusted = s->cache_trusted && s->tracked;
	t0 = sqlz_now();
	ret = read_all(s, c);
	if (ret == BN_EINVAL)
		return -1;
	if (ret < 0) {
		log_err("database %s: cannot read it: %s (%s)", s->uri,
			sql_strerror(ret), sql_errmsg(&s->c));
		return -1;
	}
	log_loaded(s, sqlz_now() - t0);
	warn_unknown(s, c);
	sqlz_save_all(s, true);
	return 0;
}

void sqlzones_clear(struct sqlzones *s)
{
	sqlzones_stop(s);
	sqlz_cache_stop(s);
	sql_disconnect(&s->c);
	sql_disconnect(&s->wc);
	for (size_t i = 0; s->first && i < s->nstart; i++)
		zdb_zone_unref(s->first[i]);
	free(s->first);
	free(s->origins);
	free(s->z);
	free(s->uri);
	free(s->cache_dir);
	pthread_mutex_destroy(&s->cache_mu);
	pthread_cond_destroy(&s->cache_cv);
	pthread_mutex_destroy(&s->zmu);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	memset(s, 0, sizeof(*s));
}
