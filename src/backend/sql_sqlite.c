/* The SQLite driver (sql.h), on the SQLite library. A statement is
 * prepared once per connection (cached by its text's address) and reset
 * after each run. Locks held by other processes wait busy_ms, then
 * SQL_EBUSY: the caller tries again later, never a query. The file's
 * identity is kept so that a file removed or replaced under the
 * connection (which would go on reading the old inode) is noticed. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/sql.h"
#include "backend/sql_track.h"
#include "base/error.h"

#define STMT_CACHE 32
#define MAX_COLS 16

struct sql_db {
	sqlite3 *h;
	char *path;
	dev_t dev;
	ino_t ino;
	bool ro;
	bool seen;                      /* data_version read once */
	int64_t version;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
	size_t ncache;
	char err[256];
};

static int map_rc(struct sql_db *db, int rc)
{
	snprintf(db->err, sizeof(db->err), "%s", sqlite3_errmsg(db->h));
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return SQL_EBUSY;
	case SQLITE_NOMEM:
		return BN_ENOMEM;
	case SQLITE_READONLY:
		return SQL_EREADONLY;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return SQL_EGONE;
	default:        /* CORRUPT, NOTADB, ERROR (no such table), ... */
		return SQL_EBROKEN;
	}
}

static int remember_file(struct sql_db *db)
{
	struct stat st;

	if (stat(db->path, &st) < 0) {
		snprintf(db->err, sizeof(db->err), "%s: %s", db->path,
			 strerror(errno));
		return SQL_EGONE;
	}
	db->dev = st.st_dev;
	db->ino = st.st_ino;
	return 0;
}

static void sq_close(struct sql_db *db)
{
	for (size_t i = 0; i < db->ncache; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

/* Read-write when the file lets us (the change table needs it), else
 * read-only; never created: a missing file is an error. */
static int sq_open(struct sql_db **out, const char *uri, unsigned flags,
		   unsigned busy_ms, char *err, size_t cap)
{
	const char *colon = strchr(uri, ':');
	const char *target = colon ? colon + 1 : uri;
	struct sql_db *db = calloc(1, sizeof(*db));
	int mode = (flags & SQL_OPEN_READONLY) ? SQLITE_OPEN_READONLY :
		   SQLITE_OPEN_READWRITE;
	int rc, ret;

	*out = NULL;
	if (!db || !(db->path = strdup(target))) {
		free(db);
		return BN_ENOMEM;
	}
	ret = remember_file(db);
	if (ret == 0) {
		rc = sqlite3_open_v2(target, &db->h, mode | SQLITE_OPEN_NOMUTEX,
				     NULL);
		ret = rc == SQLITE_OK ? 0 : db->h ? map_rc(db, rc) : BN_ENOMEM;
	}
	if (ret == 0) {
		sqlite3_busy_timeout(db->h, (int)busy_ms);
		db->ro = sqlite3_db_readonly(db->h, "main") == 1;
		/* a file that is not a database fails here, not later */
		rc = sqlite3_exec(db->h, "SELECT count(*) FROM sqlite_master",
				  NULL, NULL, NULL);
		ret = rc == SQLITE_OK ? 0 : map_rc(db, rc);
	}
	if (ret < 0) {
		snprintf(err, cap, "%s: %s", target, db->err[0] ? db->err :
			 sql_strerror(ret));
		sq_close(db);
		return ret;
	}
	*out = db;
	return 0;
}

static sqlite3_stmt *prepared(struct sql_db *db, const char *sql, int *ret)
{
	sqlite3_stmt *st = NULL;
	int rc;

	for (size_t i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql)
			return db->cache[i].st;
	rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		*ret = map_rc(db, rc);
		return NULL;
	}
	if (db->ncache < STMT_CACHE) {
		db->cache[db->ncache].sql = sql;
		db->cache[db->ncache++].st = st;
	}
	return st;
}

static void done_with(struct sql_db *db, sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (size_t i = 0; i < db->ncache; i++)
		if (db->cache[i].st == st)
			return;
	sqlite3_finalize(st);   /* the cache was full */
}

static int bind_all(struct sql_db *db, sqlite3_stmt *st,
		    const struct sql_text *p, size_t n)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; i < n && rc == SQLITE_OK; i++)
		rc = p[i].s ? sqlite3_bind_text(st, (int)i + 1, p[i].s,
						(int)p[i].len, SQLITE_STATIC)
			    : sqlite3_bind_null(st, (int)i + 1);
	return rc == SQLITE_OK ? 0 : map_rc(db, rc);
}

/* An integer's decimal text in buf (24 octets), its length. SQLite
 * would make the same text in memory it allocates, once per value. */
static size_t int_text(char *buf, sqlite3_int64 v)
{
	char tmp[24];
	uint64_t x = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, len = 0;

	do
		tmp[n++] = (char)('0' + x % 10);
	while ((x /= 10) && n < sizeof(tmp));
	if (v < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	return len;
}

static int one_row(sqlite3_stmt *st, sql_row_fn fn, void *ctx)
{
	struct sql_text col[MAX_COLS];
	char num[MAX_COLS][24];
	int n = sqlite3_column_count(st);

	if (n > MAX_COLS)
		n = MAX_COLS;
	for (int i = 0; i < n; i++) {
		/* the type before any conversion, the text before its
		 * length: as SQLite asks */
		int type = sqlite3_column_type(st, i);
		if (type == SQLITE_NULL) {
			col[i] = (struct sql_text){ NULL, 0 };
			continue;
		}
		if (type == SQLITE_INTEGER) {
			col[i].len = int_text(num[i],
					      sqlite3_column_int64(st, i));
			col[i].s = num[i];
			continue;
		}
		col[i].s = (const char *)sqlite3_column_text(st, i);
		col[i].len = (size_t)sqlite3_column_bytes(st, i);
		if (!col[i].s)
			col[i].s = "";  /* an empty blob */
	}
	return fn(ctx, col, (size_t)n);
}

static int sq_query(struct sql_db *db, const char *sql,
		    const struct sql_text *param, size_t nparam,
		    sql_row_fn fn, void *ctx)
{
	int ret = 0, rc;
	sqlite3_stmt *st = prepared(db, sql, &ret);

	if (!st)
		return ret;
	ret = bind_all(db, st, param, nparam);
	while (ret == 0) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW)
			ret = map_rc(db, rc);
		else if (fn)
			ret = one_row(st, fn, ctx);
	}
	done_with(db, st);
	return ret;
}

static int version_row(void *ctx, const struct sql_text *col, size_t n)
{
	return n == 1 && sql_int(&col[0], ctx) ? 0 : SQL_EBROKEN;
}

static int sq_changed(struct sql_db *db)
{
	static const char sql[] = "PRAGMA data_version";
	struct stat st;
	int64_t v = 0;
	int ret;

	if (stat(db->path, &st) < 0) {
		snprintf(db->err, sizeof(db->err), "%s: %s", db->path,
			 strerror(errno));
		return SQL_EGONE;
	}
	if (st.st_ino != db->ino || st.st_dev != db->dev) {
		snprintf(db->err, sizeof(db->err), "%s: replaced by another "
			 "file", db->path);
		return SQL_EGONE;
	}
	ret = sq_query(db, sql, NULL, 0, version_row, &v);
	if (ret < 0)
		return ret;
	ret = !db->seen || v != db->version;
	db->seen = true;
	db->version = v;
	return ret;
}

static int sq_track(struct sql_db *db)
{
	int rc;

	if (db->ro)
		return SQL_EREADONLY;
	rc = sqlite3_exec(db->h, sql_track_sqlite, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int ret = map_rc(db, rc);
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return ret;
	}
	return 0;
}

static int sq_script(struct sql_db *db, const char *sql)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
	int ret;

	if (rc == SQLITE_OK)
		return 0;
	ret = map_rc(db, rc);
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

static bool sq_read_only(const struct sql_db *db)
{
	return db->ro;
}

static const char *sq_errmsg(const struct sql_db *db)
{
	return db->err;
}

const struct sql_driver sql_sqlite_driver = {
	.scheme = "sqlite",
	.begin = "BEGIN",
	.track_present = sql_track_sqlite_present,
	.open = sq_open,
	.close = sq_close,
	.query = sq_query,
	.changed = sq_changed,
	.track = sq_track,
	.script = sq_script,
	.read_only = sq_read_only,
	.errmsg = sq_errmsg,
};
