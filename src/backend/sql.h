/* Database drivers of the SQL zone backend: one table of functions per
 * database (SQLite in sql_sqlite.c, PostgreSQL in sql_pg.c), chosen by
 * the scheme of the target ("sqlite:PATH", "postgresql://..."). Statements are constant SQL
 * texts of the caller with "?" placeholders, prepared once per
 * connection and run with their parameters bound: no SQL is ever built
 * from data. Values travel as text both ways (what PostgreSQL's text
 * protocol gives anyway). A connection belongs to one thread at a time. */
#ifndef BANCHI_BACKEND_SQL_H
#define BANCHI_BACKEND_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One value: s NULL is SQL NULL; otherwise len octets (may hold no NUL
 * at the end: not a C string). Column values are valid during the row
 * callback only. */
struct sql_text {
	const char *s;
	size_t len;
};

/* A parameter from a C string (NULL: SQL NULL). */
static inline struct sql_text sql_str(const char *s)
{
	struct sql_text t = { s, 0 };

	while (s && s[t.len])
		t.len++;
	return t;
}

/* Called once per result row with its ncol columns; a value other than
 * 0 stops the statement and is returned by sql_driver.query. */
typedef int (*sql_row_fn)(void *ctx, const struct sql_text *col,
			  size_t ncol);

/* Errors (negative, beyond the BN_ codes of base/error.h): the database
 * is busy (locked by a writer: try again later), gone (the file was
 * removed or replaced, the server is unreachable: connect again), or
 * broken (corrupt, not a database, a missing table). */
enum {
	SQL_EBUSY = -100,
	SQL_EGONE = -101,
	SQL_EBROKEN = -102,
	SQL_EREADONLY = -103,   /* a write to a database opened read-only */
};

/* Open flags. */
enum {
	SQL_OPEN_READONLY = 1,  /* never write (else: read-write when the
				 * database allows it, read-only if not) */
};

struct sql_db;                  /* a connection: the driver's own */

struct sql_driver {
	const char *scheme;     /* "sqlite" */
	/* The statement starting a transaction whose reads all see one
	 * snapshot of the database (SQLite: "BEGIN"; PostgreSQL's default
	 * isolation takes a snapshot per statement). */
	const char *begin;
	/* A query saying whether the change tracking (sql_track.h) is
	 * there, made by anyone: one row, one boolean column. */
	const char *track_present;
	/* A query naming this database among others on the same server
	 * (one row, one column), or NULL: none (SQLite: its path). */
	const char *identity;
	/* Connects to uri, whole ("sqlite:/var/lib/pdns.sqlite3": the
	 * driver takes what it needs; libpq takes a postgresql:// URI as
	 * it is); busy_ms is how long a statement waits for a lock before
	 * SQL_EBUSY. 0, or an error with a message in err (cap octets). */
	int (*open)(struct sql_db **out, const char *uri, unsigned flags,
		    unsigned busy_ms, char *err, size_t cap);
	void (*close)(struct sql_db *db);
	/* Runs sql (a constant: its address keys the prepared statement
	 * cache) with nparam parameters bound in order; fn (may be NULL)
	 * gets each row. 0, fn's nonzero value, or an error. */
	int (*query)(struct sql_db *db, const char *sql,
		     const struct sql_text *param, size_t nparam,
		     sql_row_fn fn, void *ctx);
	/* Whether anything in the database may have changed since the last
	 * call (the first call says 1): SQLite's PRAGMA data_version (and
	 * the file's identity: SQL_EGONE when it was removed or replaced),
	 * PostgreSQL's notifications. 0, 1, or an error. Cheap: polled. */
	int (*changed)(struct sql_db *db);
	/* Installs what records changes made by anyone (a table of changes
	 * filled by triggers on records and domains, see sql_track.h),
	 * when missing. 0, SQL_EREADONLY, or an error. */
	int (*track)(struct sql_db *db);
	/* Runs sql, a script of statements without parameters or rows
	 * (DDL), as it is; after a failure a transaction it opened is
	 * rolled back. 0 or an error. */
	int (*script)(struct sql_db *db, const char *sql);
	/* True when the connection cannot write. */
	bool (*read_only)(const struct sql_db *db);
	/* The last error's text (never NULL). */
	const char *(*errmsg)(const struct sql_db *db);
};

/* A connection with its driver. */
struct sql_conn {
	const struct sql_driver *drv;
	struct sql_db *db;
};

/* The driver for "scheme:target" and where target starts, or NULL for
 * an unknown scheme. */
const struct sql_driver *sql_driver_for(const char *uri, const char **target);

/* sql_driver_for + open. 0, or an error with a message in err. */
int sql_connect(struct sql_conn *c, const char *uri, unsigned flags,
		unsigned busy_ms, char *err, size_t cap);
void sql_disconnect(struct sql_conn *c);

/* The driver's calls through a connection. */
static inline int sql_query(struct sql_conn *c, const char *sql,
			    const struct sql_text *param, size_t nparam,
			    sql_row_fn fn, void *ctx)
{
	return c->drv->query(c->db, sql, param, nparam, fn, ctx);
}

/* sql_query with the rows read on a thread of its own while fn runs
 * on the caller's (a whole zone: twice as fast when both cost alike);
 * rows of at most 8 columns and 512 KiB. The connection is the reader's
 * until it returns. */
int sql_query_piped(struct sql_conn *c, const char *sql,
		    const struct sql_text *param, size_t nparam,
		    sql_row_fn fn, void *ctx);

static inline int sql_exec(struct sql_conn *c, const char *sql)
{
	return c->drv->query(c->db, sql, NULL, 0, NULL, NULL);
}

static inline int sql_script(struct sql_conn *c, const char *sql)
{
	return c->drv->script(c->db, sql);
}

/* A transaction whose reads agree with each other. */
static inline int sql_begin(struct sql_conn *c)
{
	return c->drv->query(c->db, c->drv->begin, NULL, 0, NULL, NULL);
}

static inline const char *sql_errmsg(const struct sql_conn *c)
{
	return c->db ? c->drv->errmsg(c->db) : "not connected";
}

/* Text for an error of this header or of base/error.h. */
const char *sql_strerror(int err);

/* A decimal integer value (optional sign); false when it is NULL, empty
 * or not one. */
bool sql_int(const struct sql_text *t, int64_t *v);

#endif
