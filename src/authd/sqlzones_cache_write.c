/* The start caches written (sqlzones_cache.c), on a thread of their own:
 * a zone of a million records takes about a second to write, which
 * neither the start nor the watcher waits for. A zone read from its rows
 * at start is written at once; one that changed since, at most every
 * CACHE_EVERY seconds and once CACHE_QUIET seconds passed without a
 * change to it (its key read by the watcher when the change table
 * holds nothing it has not served: the version served is then the
 * database's state under that key), and at a clean stop. The key's
 * queries (a count of the zone's rows) take a tenth of a second on a
 * million records: never while changes stream in, which they would
 * hold up. A change only marks the zone: a stream of changes costs one
 * write a minute, and a restart within a minute of the last change
 * reads the rows (never a stale cache: the key no longer holds). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authd/sqlzones.h"
#include "authd/zone_dir.h"
#include "backend/zonefile_write.h"
#include "base/error.h"
#include "daemon/log.h"

#define CACHE_EVERY 60.0        /* seconds between writes of a zone */
#define CACHE_QUIET 2.0         /* seconds without a change before one */

struct sqlz_job {
	struct sqlz_job *next;
	struct zdb_zone *v;             /* one reference */
	uint32_t db_serial;
	char key[SQLZ_KEY_MAX];
	char name[NAME_TEXT_MAX];
	char path[4200];
};

static void write_job(const struct sqlz_job *j)
{
	struct zdb_zone *v = sqlz_with_serial(j->v, j->db_serial);
	char head[640];
	double t0 = sqlz_now();
	int ret = v ? 0 : BN_ENOMEM;

	if (v) {
		sqlz_cache_head(head, sizeof(head), j->key, v, sqlz_digest(v),
				j->name);
		ret = zonefile_save_head(j->path, v, head);
	}
	if (ret < 0)
		log_warn("zone %s: start cache %s not written: %s", j->name,
			 j->path, ret == BN_EIO ? strerror(errno) :
			 bn_strerror(ret));
	else
		log_info("zone %s: start cache %s written: %zu records, "
			 "%.2f s", j->name, j->path, zdb_zone_rr_count(v),
			 sqlz_now() - t0);
	zdb_zone_unref(v);
}

static void free_job(struct sqlz_job *j)
{
	zdb_zone_unref(j->v);
	free(j);
}

/* Until stopped and every job written. */
static void *cache_main(void *arg)
{
	struct sqlzones *s = arg;
	struct sqlz_job *j;

	for (;;) {
		pthread_mutex_lock(&s->cache_mu);
		while (!s->jobs && !s->cache_stop)
			pthread_cond_wait(&s->cache_cv, &s->cache_mu);
		j = s->jobs;
		if (j)
			s->jobs = j->next;
		pthread_mutex_unlock(&s->cache_mu);
		if (!j)
			return NULL;
		write_job(j);
		free_job(j);
	}
}

void sqlz_cache_queue(struct sqlzones *s, struct sqlz_zone *z,
		      struct zdb_zone *v, const char *key)
{
	struct sqlz_job *j = calloc(1, sizeof(*j)), **p;

	if (!j) {
		zdb_zone_unref(v);
		return;
	}
	j->v = v;
	j->db_serial = z->db_serial;
	snprintf(j->key, sizeof(j->key), "%s", key);
	snprintf(j->name, sizeof(j->name), "%s", z->d.name);
	zone_dir_path(j->path, sizeof(j->path), s->cache_dir, z->d.origin,
		      "dbcache");
	snprintf(z->cache_key, sizeof(z->cache_key), "%s", key);
	pthread_mutex_lock(&s->cache_mu);
	for (p = &s->jobs; *p && strcmp((*p)->path, j->path); p = &(*p)->next)
		;
	if (*p) {               /* one not written yet: this one instead */
		j->next = (*p)->next;
		free_job(*p);
	}
	*p = j;
	pthread_cond_signal(&s->cache_cv);
	pthread_mutex_unlock(&s->cache_mu);
}

void sqlz_cache_stale(struct sqlz_zone *z)
{
	z->cache_dirty = true;
	z->changed_at = sqlz_now();
}

static bool due(const struct sqlz_zone *z, double t, bool now)
{
	return z->cache_dirty && z->served && !z->refused && !z->clash &&
	       (now || (t - z->cache_at >= CACHE_EVERY &&
			t - z->changed_at >= CACHE_QUIET));
}

/* In a read transaction: 0, 1 when changes are still to be read (none
 * written: the next turn), or a database error. */
static int write_due(struct sqlzones *s, double t, bool now)
{
	char key[SQLZ_KEY_MAX];
	struct zdb_zone *v;
	int64_t last;
	int ret;

	for (size_t i = 0; i < s->n; i++) {
		struct sqlz_zone *z = &s->z[i];
		if (!due(z, t, now))
			continue;
		ret = sqlz_cache_key(s, z, key, sizeof(key), &last);
		if (ret < 0)
			return ret;
		if (last != s->cursor)
			return 1;
		z->cache_dirty = false;
		if (strcmp(key, z->cache_key) == 0)
			continue;       /* read again, not changed */
		z->cache_at = t;
		v = sqlz_served(s, z);
		if (v)
			sqlz_cache_queue(s, z, v, key);
	}
	return 0;
}

void sqlz_cache_tick(struct sqlzones *s, bool now)
{
	double t = sqlz_now();
	bool any = false;
	int ret;

	if (!s->cache_dir || !s->tracked || s->dirty || s->resync)
		return;
	for (size_t i = 0; i < s->n; i++)
		any = any || due(&s->z[i], t, now);
	if (!any)
		return;
	ret = sql_begin(&s->c);
	if (ret == 0)
		ret = write_due(s, t, now);
	sql_exec(&s->c, ret == 0 ? "COMMIT" : "ROLLBACK");
	if (ret < 0)
		log_debug("database %s: start caches not written now: %s",
			  s->uri, sql_strerror(ret));
}

void sqlz_cache_drop(struct sqlzones *s, const struct sqlz_zone *z)
{
	char path[4200];

	if (!s->cache_dir)
		return;
	zone_dir_path(path, sizeof(path), s->cache_dir, z->d.origin,
		      "dbcache");
	if (unlink(path) < 0 && errno != ENOENT)
		log_debug("zone %s: %s not removed: %s", z->d.name, path,
			  strerror(errno));
}

int sqlz_cache_start(struct sqlzones *s)
{
	if (!s->cache_dir)
		return 0;
	if (pthread_create(&s->cache_th, NULL, cache_main, s) != 0) {
		log_err("database %s: cannot start the start cache's thread",
			s->uri);
		return -1;
	}
	s->cache_running = true;
	return 0;
}

void sqlz_cache_stop(struct sqlzones *s)
{
	struct sqlz_job *j;

	if (s->cache_running) {
		pthread_mutex_lock(&s->cache_mu);
		s->cache_stop = true;
		pthread_cond_signal(&s->cache_cv);
		pthread_mutex_unlock(&s->cache_mu);
		pthread_join(s->cache_th, NULL);
		s->cache_running = false;
	}
	while ((j = s->jobs)) {         /* never started: not written */
		s->jobs = j->next;
		free_job(j);
	}
}
