/* The change table read: per domain, how many rows came after the last
 * one read, how many name a name, how many distinct names; a change of
 * a domains row (no name) has the domains listed again first (zones
 * added, removed, renamed: sqlzones_domains.c); a zone with few named
 * changes is read by those names, one with many (or a change of its
 * domains row) whole. Rows of domains not served here (of a kind not
 * served) are passed over. Old rows are
 * pruned now and then, a minute after they were read, so that another
 * reader of the same database has time to see them too. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authd/sqlzones.h"
#include "backend/sql_track.h"
#include "base/error.h"
#include "daemon/log.h"

#define NAMES_MAX 256           /* more names changed: read whole */
#define PRUNE_EVERY 30.0        /* seconds */
#define PRUNE_AGE 60            /* seconds a read row is kept */
#define SAVE_EVERY 2.0          /* seconds between writes of serials */

struct summary {
	int64_t domain, rows, named, names, last;
};

struct summaries {
	struct summary *v;
	size_t n, cap;
};

static int summary_row(void *ctx, const struct sql_text *col, size_t n)
{
	struct summaries *l = ctx;
	struct summary e;

	if (n != 5 || !sql_int(&col[1], &e.rows) ||
	    !sql_int(&col[2], &e.named) || !sql_int(&col[3], &e.names) ||
	    !sql_int(&col[4], &e.last))
		return SQL_EBROKEN;
	if (!sql_int(&col[0], &e.domain))
		e.domain = -1;          /* a NULL domain_id: nobody's */
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct summary *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return BN_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = e;
	return 0;
}

/* The distinct names, copied out of the rows. */
struct names {
	struct sql_text v[NAMES_MAX];
	char *buf;
	size_t n, used, cap;
};

static int name_row(void *ctx, const struct sql_text *col, size_t n)
{
	struct names *l = ctx;

	if (n != 1 || !col[0].s || l->n == NAMES_MAX)
		return n == 1 ? 0 : SQL_EBROKEN;
	if (l->used + col[0].len > l->cap) {
		size_t cap = (l->cap + col[0].len) * 2;
		char *b = realloc(l->buf, cap);
		if (!b)
			return BN_ENOMEM;
		l->buf = b;
		l->cap = cap;
	}
	memcpy(l->buf + l->used, col[0].s, col[0].len);
	/* offsets now: the buffer may move while it fills */
	l->v[l->n].s = (const char *)(uintptr_t)l->used;
	l->v[l->n++].len = col[0].len;
	l->used += col[0].len;
	return 0;
}

static struct sqlz_zone *zone_of(struct sqlzones *s, int64_t domain)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->z[i].d.id == domain)
			return &s->z[i];
	return NULL;
}

/* A domains row changed (its change names no name). */
static bool domains_changed(const struct summaries *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].named < l->v[i].rows)
			return true;
	return false;
}

static int by_names(struct sqlzones *s, struct sqlz_zone *z,
		    const struct summary *e, int64_t after)
{
	char a[24], u[24], d[24];
	struct names l = { .n = 0 };
	struct sql_text p[3];
	int ret;

	snprintf(a, sizeof(a), "%" PRId64, after);
	snprintf(u, sizeof(u), "%" PRId64, e->last);
	snprintf(d, sizeof(d), "%" PRId64, e->domain);
	p[0] = sql_str(a);
	p[1] = sql_str(u);
	p[2] = sql_str(d);
	ret = sql_query(&s->c, sql_changes_names, p, 3, name_row, &l);
	for (size_t i = 0; ret == 0 && i < l.n; i++)
		l.v[i].s = l.buf + (uintptr_t)l.v[i].s;
	if (ret == 0)
		ret = l.n ? sqlz_names(s, z, l.v, l.n) : 0;
	free(l.buf);
	return ret;
}

static int one_domain(struct sqlzones *s, const struct summary *e,
		      int64_t after)
{
	struct sqlz_zone *z = zone_of(s, e->domain);

	if (!z || z->fresh || z->clash) {
		if (!z)
			log_debug("database %s: %" PRId64 " changes of "
				  "domain_id %" PRId64 ", not a zone served "
				  "here", s->uri, e->rows, e->domain);
		return 0;
	}
	if (e->named < e->rows || e->names > NAMES_MAX)
		return sqlz_whole(s, z);
	return by_names(s, z, e, after);
}

int sqlz_read_changes(struct sqlzones *s)
{
	struct summaries l = { 0 };
	char a[24];
	struct sql_text p[1];
	int64_t last = s->cursor;
	int ret;

	snprintf(a, sizeof(a), "%" PRId64, s->cursor);
	p[0] = sql_str(a);
	ret = sql_query(&s->c, sql_changes_summary, p, 1, summary_row, &l);
	if (ret == 0 && domains_changed(&l))
		ret = sqlz_domains(s);
	for (size_t i = 0; ret == 0 && i < l.n; i++) {
		ret = one_domain(s, &l.v[i], s->cursor);
		if (l.v[i].last > last)
			last = l.v[i].last;
	}
	for (size_t i = 0; i < s->n; i++)
		s->z[i].fresh = false;
	if (ret == 0)
		s->cursor = last;
	free(l.v);
	return ret;
}

/* Rows read more than a minute ago go (best effort: a write). */
static void prune(struct sqlzones *s)
{
	char upto[24], before[24];
	struct sql_text p[2];
	double now = sqlz_now();
	int ret;

	if (!s->tracked || now - s->pruned_at < PRUNE_EVERY)
		return;
	s->pruned_at = now;
	snprintf(upto, sizeof(upto), "%" PRId64, s->cursor);
	snprintf(before, sizeof(before), "%lld",
		 (long long)time(NULL) - PRUNE_AGE);
	p[0] = sql_str(upto);
	p[1] = sql_str(before);
	ret = sql_query(&s->c, sql_changes_prune, p, 2, NULL, NULL);
	if (ret < 0)
		log_debug("database %s: old changes not pruned: %s", s->uri,
			  sql_strerror(ret));
}

/* Writes are few, as other clients of a SQLite file wait for them (or
 * fail, when they do not wait for locks): serials at most every
 * SAVE_EVERY seconds (and at stop), old changes every PRUNE_EVERY. A
 * serial not written yet is in the journal too (updater_open). */
void sqlz_save_all(struct sqlzones *s, bool now)
{
	double t = sqlz_now();

	if (!now && t - s->saved_at < SAVE_EVERY)
		return;
	s->saved_at = t;
	for (size_t i = 0; i < s->n; i++)
		if (s->z[i].save &&
		    sqlz_save_serial(s, &s->z[i], s->z[i].save_serial) == 0)
			s->z[i].save = false;
	prune(s);
}
