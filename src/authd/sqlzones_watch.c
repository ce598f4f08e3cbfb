/* The watcher thread of the database's zones: every POLL_MS it asks the
 * driver whether anything changed (SQLite: PRAGMA data_version on its own
 * connection, and the file's identity; PostgreSQL: the notifications of
 * banchi's triggers), then reads what did in one read transaction (the
 * driver's begin: one snapshot). A failure (locked, gone, broken) keeps the served data,
 * logs the new state once, and is retried after a delay that doubles up
 * to BACKOFF_MAX; after a lost connection every zone is read whole again
 * (what changed meanwhile may be anywhere). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "authd/sqlzones.h"
#include "authd/updater.h"
#include "base/error.h"
#include "daemon/log.h"

#define POLL_MS 150
#define BUSY_MS 200             /* a lock waited for by one statement */
#define BACKOFF_MIN 0.2
#define BACKOFF_MAX 10.0

static const char *state_text(enum sqlz_state st)
{
	switch (st) {
	case SQLZ_BUSY:
		return "locked";
	case SQLZ_GONE:
		return "gone";
	case SQLZ_BROKEN:
		return "unusable";
	default:
		return "readable";
	}
}

static enum sqlz_state state_of(int err)
{
	switch (err) {
	case SQL_EBUSY:
		return SQLZ_BUSY;
	case SQL_EGONE:
		return SQLZ_GONE;
	default:
		return SQLZ_BROKEN;
	}
}

/* One log line per change of state, not per poll. */
static void set_state(struct sqlzones *s, int ret)
{
	enum sqlz_state st = ret < 0 ? state_of(ret) : SQLZ_OK;

	if (ret < 0) {
		s->backoff = s->backoff ? s->backoff * 2 : BACKOFF_MIN;
		if (s->backoff > BACKOFF_MAX)
			s->backoff = BACKOFF_MAX;
		s->retry_at = sqlz_now() + s->backoff;
	} else {
		s->backoff = 0;
	}
	if (st == s->state)
		return;
	if (st == SQLZ_OK)
		log_info("database %s: readable again; changes made meanwhile "
			 "are served", s->uri);
	else
		log_warn("database %s: %s (%s): the last data read is served; "
			 "retrying", s->uri, state_text(st), s->err);
	s->state = st;
}

static int reconnect(struct sqlzones *s)
{
	char err[512];
	int ret = sql_connect(&s->c, s->uri, 0, BUSY_MS, err, sizeof(err));

	if (ret < 0) {
		snprintf(s->err, sizeof(s->err), "%s", err);
		return ret == BN_ENOMEM ? SQL_EBROKEN : ret;
	}
	ret = sqlz_track(s);
	if (ret < 0) {
		snprintf(s->err, sizeof(s->err), "%s", sql_errmsg(&s->c));
		sql_disconnect(&s->c);
	}
	return ret;
}

/* Every zone whole (the domains listed again first), and the change
 * table's position with it. */
static int read_all(struct sqlzones *s)
{
	int ret = s->tracked ? sqlz_last_change(s) : 0;

	if (ret == 0)
		ret = sqlz_domains(s);
	for (size_t i = 0; ret == 0 && i < s->n; i++)
		ret = s->z[i].fresh || s->z[i].clash ? 0 :
		      sqlz_whole(s, &s->z[i]);
	for (size_t i = 0; i < s->n; i++)
		s->z[i].fresh = false;
	return ret;
}

/* What changed, in one read transaction. */
static int read_now(struct sqlzones *s)
{
	int ret = sql_begin(&s->c);

	if (ret == 0)
		ret = s->resync || !s->tracked ? read_all(s) :
		      sqlz_read_changes(s);
	if (ret == 0)
		ret = sql_exec(&s->c, "COMMIT");
	else
		sql_exec(&s->c, "ROLLBACK");
	return ret;
}

static int poll_once(struct sqlzones *s)
{
	int ret;

	if (!s->c.db && (ret = reconnect(s)) < 0)
		return ret;
	ret = s->c.drv->changed(s->c.db);
	if (ret > 0)
		s->dirty = true;
	if (ret >= 0 && (s->dirty || s->resync)) {
		ret = read_now(s);
		if (ret == 0)
			s->dirty = s->resync = false;
	}
	if (ret == 0) {
		sqlz_save_all(s, false);
		sqlz_cache_tick(s, false);
	}
	if (ret < 0 && s->c.db)
		snprintf(s->err, sizeof(s->err), "%s", sql_errmsg(&s->c));
	if (ret == SQL_EGONE || ret == SQL_EBROKEN) {
		/* a new connection, and everything read again from it */
		sql_disconnect(&s->c);
		s->resync = true;
	}
	return ret < 0 ? ret : 0;
}

/* Waits ms or until asked to stop; true to stop. */
static bool wait_stop(struct sqlzones *s, long ms)
{
	struct timespec ts;
	bool stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&s->mu);
	while (!s->stop &&
	       pthread_cond_timedwait(&s->cv, &s->mu, &ts) != ETIMEDOUT)
		;
	stop = s->stop;
	pthread_mutex_unlock(&s->mu);
	return stop;
}

static void *watch_main(void *arg)
{
	struct sqlzones *s = arg;

	rcu_register_thread();
	while (!wait_stop(s, POLL_MS)) {
		if (s->state != SQLZ_OK && sqlz_now() < s->retry_at)
			continue;
		set_state(s, poll_once(s));
	}
	if (s->c.db) {
		sqlz_save_all(s, true);
		if (s->state == SQLZ_OK)
			sqlz_cache_tick(s, true);
	}
	rcu_unregister_thread();
	return NULL;
}

int sqlzones_start(struct sqlzones *s, struct updater *u,
		   struct served **cur)
{
	if (!s->uri)
		return 0;
	s->upd = u;
	s->cur = cur;
	/* the watcher's own connection, with a short lock wait */
	sql_disconnect(&s->c);
	for (size_t i = 0; s->first && i < s->nstart; i++) {
		zdb_zone_unref(s->first[i]);
		s->first[i] = NULL;
	}
	if (sqlz_cache_start(s) < 0)
		return -1;
	if (pthread_create(&s->th, NULL, watch_main, s) != 0) {
		log_err("database %s: cannot start the watcher thread", s->uri);
		return -1;
	}
	s->running = true;
	return 0;
}

void sqlzones_stop(struct sqlzones *s)
{
	if (!s->running)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	s->running = false;
	sqlz_cache_stop(s);     /* the last caches written */
}
