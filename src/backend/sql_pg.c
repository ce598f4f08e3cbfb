/* The PostgreSQL driver (sql.h), on libpq: the target URI goes to libpq
 * as it is. Statements are prepared once per connection (named, cached
 * by their text's address; "?" becomes $1..$n) and run with text values,
 * rows read one at a time. Changes are learnt from the triggers'
 * notifications (LISTEN), read without blocking; without the triggers
 * (a user who may not make them), from the tables' statistics. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/sql.h"
#include "backend/sql_track.h"
#include "base/error.h"

#define STMT_CACHE 32
#define MAX_COLS 16
#define MAX_PARAMS 16
#define SQL_MAX 4096

struct sql_db {
	PGconn *h;
	bool ro;                        /* may not write (or make DDL) */
	bool tracked;                   /* the triggers notify us */
	bool seen;                      /* changed() called once */
	int64_t stat;                   /* untracked: the tables' counts */
	struct {
		const char *sql;
		char name[16];
	} cache[STMT_CACHE];
	size_t ncache;
	char err[256];
};

/* Writes to records and domains, as the statistics count them (sent
 * by each writer at most once a second). */
static const char sql_stat[] =
	"SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
	" FROM pg_stat_user_tables WHERE relname IN ('records', 'domains')"
	" AND schemaname = ANY (current_schemas(false))";

static void set_err(struct sql_db *db, const char *msg)
{
	size_t n;

	snprintf(db->err, sizeof(db->err), "%s", msg && *msg ? msg :
		 "unknown error");
	n = strlen(db->err);
	while (n && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = '\0';
}

/* SQLSTATE classes: a lost or refused connection, a server shutting
 * down; locks and conflicts; rights and read-only servers. */
static int map_state(const char *st)
{
	if (!st || strncmp(st, "08", 2) == 0 || strncmp(st, "57P", 3) == 0)
		return SQL_EGONE;
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 ||
	    strcmp(st, "55P03") == 0 || strcmp(st, "57014") == 0 ||
	    strncmp(st, "53", 2) == 0)
		return SQL_EBUSY;
	if (strcmp(st, "42501") == 0 || strcmp(st, "25006") == 0)
		return SQL_EREADONLY;
	return SQL_EBROKEN;     /* no such table, bad data, ... */
}

/* 0 when r is a success, else the error (r is not freed). */
static int result_err(struct sql_db *db, const PGresult *r)
{
	ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK ||
	    t == PGRES_SINGLE_TUPLE)
		return 0;
	set_err(db, r ? PQresultErrorMessage(r) : PQerrorMessage(db->h));
	if (PQstatus(db->h) != CONNECTION_OK)
		return SQL_EGONE;
	if (!r)
		return BN_ENOMEM;
	return map_state(PQresultErrorField(r, PG_DIAG_SQLSTATE));
}

/* A statement without parameters or rows (session settings, DDL). */
static int run(struct sql_db *db, const char *sql)
{
	PGresult *r = PQexec(db->h, sql);
	int ret = result_err(db, r);

	PQclear(r);
	return ret;
}

static void pg_close(struct sql_db *db)
{
	PQfinish(db->h);
	free(db);
}

/* The session: a lock waits busy_ms at most, then SQL_EBUSY; and the
 * channel of the triggers is listened to from the start. */
static int setup(struct sql_db *db, unsigned flags, unsigned busy_ms)
{
	char sql[64];
	int ret;

	if (PQstatus(db->h) != CONNECTION_OK) {
		set_err(db, PQerrorMessage(db->h));
		return SQL_EGONE;
	}
	snprintf(sql, sizeof(sql), "SET lock_timeout = %u", busy_ms);
	ret = run(db, sql);
	if (ret == 0 && (flags & SQL_OPEN_READONLY)) {
		db->ro = true;
		ret = run(db, "SET default_transaction_read_only = on");
	}
	if (ret == 0)
		ret = run(db, "LISTEN " SQL_PG_CHANNEL);
	return ret;
}

static int pg_open(struct sql_db **out, const char *uri, unsigned flags,
		   unsigned busy_ms, char *err, size_t cap)
{
	struct sql_db *db = calloc(1, sizeof(*db));
	int ret;

	*out = NULL;
	if (!db)
		return BN_ENOMEM;
	db->h = PQconnectdb(uri);
	if (!db->h) {
		free(db);
		return BN_ENOMEM;
	}
	ret = setup(db, flags, busy_ms);
	if (ret < 0) {
		snprintf(err, cap, "%s", db->err);
		pg_close(db);
		return ret;
	}
	*out = db;
	return 0;
}

/* sql with its "?" placeholders numbered ($1, $2...), outside quotes. */
static int numbered(const char *sql, char *out, size_t cap)
{
	size_t n = 0;
	unsigned k = 0;
	char quote = 0;

	for (const char *p = sql; *p; p++) {
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '\'' || *p == '"'))
			quote = *p;
		if (*p == '?' && !quote) {
			int w = snprintf(out + n, cap - n, "$%u", ++k);
			if (w < 0 || (size_t)w >= cap - n)
				return BN_EINVAL;
			n += (size_t)w;
			continue;
		}
		if (n + 1 >= cap)
			return BN_EINVAL;
		out[n++] = *p;
	}
	out[n] = '\0';
	return 0;
}

/* The name of sql's prepared statement ("" when the cache is full: the
 * unnamed one, prepared again each time). */
static int prepared(struct sql_db *db, const char *sql, const char **name)
{
	char text[SQL_MAX];
	const char *nm = "";
	PGresult *r;
	int ret;

	for (size_t i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql) {
			*name = db->cache[i].name;
			return 0;
		}
	if (numbered(sql, text, sizeof(text)) < 0) {
		set_err(db, "statement too long");
		return BN_EINVAL;
	}
	if (db->ncache < STMT_CACHE) {
		snprintf(db->cache[db->ncache].name,
			 sizeof(db->cache[0].name), "banchi%zu", db->ncache);
		nm = db->cache[db->ncache].name;
	}
	r = PQprepare(db->h, nm, text, 0, NULL);
	ret = result_err(db, r);
	PQclear(r);
	if (ret < 0)
		return ret;
	if (*nm)
		db->cache[db->ncache++].sql = sql;
	*name = nm;
	return 0;
}

/* The values as C strings (libpq reads text values up to a NUL). */
static char *param_copy(const struct sql_text *p, size_t n,
			const char **v)
{
	size_t len = 1, off = 0;
	char *buf;

	for (size_t i = 0; i < n; i++)
		len += p[i].s ? p[i].len + 1 : 0;
	buf = malloc(len);
	if (!buf)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		v[i] = NULL;
		if (!p[i].s)
			continue;
		memcpy(buf + off, p[i].s, p[i].len);
		buf[off + p[i].len] = '\0';
		v[i] = buf + off;
		off += p[i].len + 1;
	}
	return buf;
}

static int one_row(const PGresult *r, sql_row_fn fn, void *ctx)
{
	struct sql_text col[MAX_COLS];
	int n = PQnfields(r);

	if (n > MAX_COLS)
		n = MAX_COLS;
	for (int i = 0; i < n; i++) {
		if (PQgetisnull(r, 0, i)) {
			col[i] = (struct sql_text){ NULL, 0 };
			continue;
		}
		col[i].s = PQgetvalue(r, 0, i);
		col[i].len = (size_t)PQgetlength(r, 0, i);
	}
	return fn(ctx, col, (size_t)n);
}

/* Every result of the statement sent, rows to fn until it says stop
 * (the rest is read and dropped: the connection must be ready again). */
static int results(struct sql_db *db, sql_row_fn fn, void *ctx)
{
	PGresult *r;
	int ret = 0, e;

	PQsetSingleRowMode(db->h);
	while ((r = PQgetResult(db->h))) {
		e = result_err(db, r);
		if (ret == 0 && e < 0)
			ret = e;
		else if (ret == 0 && fn &&
			 PQresultStatus(r) == PGRES_SINGLE_TUPLE)
			ret = one_row(r, fn, ctx);
		PQclear(r);
	}
	if (ret == 0 && PQstatus(db->h) != CONNECTION_OK) {
		set_err(db, PQerrorMessage(db->h));
		ret = SQL_EGONE;
	}
	return ret;
}

static int pg_query(struct sql_db *db, const char *sql,
		    const struct sql_text *param, size_t nparam,
		    sql_row_fn fn, void *ctx)
{
	const char *v[MAX_PARAMS], *name;
	char *buf;
	int ret;

	if (nparam > MAX_PARAMS)
		return BN_EINVAL;
	ret = prepared(db, sql, &name);
	if (ret < 0)
		return ret;
	buf = param_copy(param, nparam, v);
	if (!buf)
		return BN_ENOMEM;
	if (!PQsendQueryPrepared(db->h, name, (int)nparam, v, NULL, NULL, 0)) {
		set_err(db, PQerrorMessage(db->h));
		ret = PQstatus(db->h) != CONNECTION_OK ? SQL_EGONE :
		      SQL_EBROKEN;
	} else {
		ret = results(db, fn, ctx);
	}
	free(buf);
	return ret;
}

static int stat_row(void *ctx, const struct sql_text *col, size_t n)
{
	return n == 1 && sql_int(&col[0], ctx) ? 0 : SQL_EBROKEN;
}

/* Notifications already received, read without waiting: any means a
 * change. A connection found closed is SQL_EGONE (what was notified
 * meanwhile is lost: the caller reads everything again). */
static int pg_changed(struct sql_db *db)
{
	PGnotify *n;
	int ret = !db->seen, e;
	int64_t v = 0;

	db->seen = true;
	if (!PQconsumeInput(db->h) || PQstatus(db->h) != CONNECTION_OK) {
		set_err(db, PQerrorMessage(db->h));
		return SQL_EGONE;
	}
	while ((n = PQnotifies(db->h))) {
		ret = 1;
		PQfreemem(n);
	}
	if (db->tracked)
		return ret;
	e = pg_query(db, sql_stat, NULL, 0, stat_row, &v);
	if (e < 0)
		return e;
	if (v != db->stat)
		ret = 1;
	db->stat = v;
	return ret;
}

static int present_row(void *ctx, const struct sql_text *col, size_t n)
{
	bool *yes = ctx;

	*yes = n == 1 && col[0].s && col[0].len == 1 && col[0].s[0] == 't';
	return 0;
}

/* What an administrator made is used as it is; else made here, in one
 * transaction. Refused rights: read-only (the caller reads zones whole
 * on each change, learnt from the statistics). */
static int pg_track(struct sql_db *db)
{
	bool there = false;
	int ret;

	db->tracked = false;
	ret = pg_query(db, sql_track_pg_present, NULL, 0, present_row,
		       &there);
	if (ret == 0 && !there)
		ret = db->ro ? SQL_EREADONLY : run(db, sql_track_pg);
	if (ret < 0 && PQstatus(db->h) == CONNECTION_OK)
		run(db, "ROLLBACK");
	if (ret == SQL_EREADONLY)
		db->ro = true;
	db->tracked = ret == 0;
	return ret;
}

static int pg_script(struct sql_db *db, const char *sql)
{
	int ret = run(db, sql);

	if (ret < 0 && PQstatus(db->h) == CONNECTION_OK &&
	    PQtransactionStatus(db->h) != PQTRANS_IDLE)
		run(db, "ROLLBACK");
	return ret;
}

static bool pg_read_only(const struct sql_db *db)
{
	return db->ro;
}

static const char *pg_errmsg(const struct sql_db *db)
{
	return db->err;
}

/* libpq takes both schemes */
#define PG_DRIVER(s)                                                   \
	{                                                              \
		.scheme = s,                                           \
		/* a snapshot for the whole transaction; writes stay   \
		 * allowed (pruning the changes, banchi_serial) */     \
		.begin = "BEGIN ISOLATION LEVEL REPEATABLE READ",      \
		.track_present = sql_track_pg_present,                 \
		.identity = sql_track_pg_identity,                     \
		.open = pg_open, .close = pg_close, .query = pg_query, \
		.changed = pg_changed, .track = pg_track,              \
		.script = pg_script,                                   \
		.read_only = pg_read_only, .errmsg = pg_errmsg,        \
	}

const struct sql_driver sql_pg_driver = PG_DRIVER("postgresql");
const struct sql_driver sql_pg_driver_short = PG_DRIVER("postgres");
