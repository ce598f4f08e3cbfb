/* Unit tests for the SQLite driver (src/backend/sql_sqlite.c), banchi's
 * change tracking (sql_track.c) and the PowerDNS schema reader
 * (pdns_sql.c), on real files with PowerDNS's own schema
 * (pdns-backend-sqlite3's schema.sqlite3.sql): parameters and NULLs, a
 * missing file and a file that is no database refused, data_version
 * seen from another connection, a lock held elsewhere answered SQL_EBUSY
 * within the busy time, a removed or replaced file SQL_EGONE, the
 * triggers recording exactly the record columns, a zone read with its
 * bad rows reported by table, id and reason. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/pdns_sql.h"
#include "backend/sql.h"
#include "backend/sql_track.h"
#include "check.h"
#include "wire/rrtype.h"

#define SCHEMA "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql"

static char dir[] = "/tmp/test_sql.XXXXXX";
static char path[128], uri[160];

static char *slurp(const char *p)
{
	FILE *f = fopen(p, "r");
	char *buf = calloc(1, 1 << 16);

	if (f && buf)
		fread(buf, 1, (1 << 16) - 1, f);
	if (f)
		fclose(f);
	return buf;
}

/* Another client of the database (as PowerDNS or sqlite3 would be). */
static sqlite3 *other(void)
{
	sqlite3 *h = NULL;

	CHECK(sqlite3_open(path, &h) == SQLITE_OK);
	return h;
}

static void run(sqlite3 *h, const char *sql)
{
	char *msg = NULL;

	CHECKF(sqlite3_exec(h, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s",
	       sql, msg ? msg : "");
	sqlite3_free(msg);
}

static void make_db(void)
{
	char *schema = slurp(SCHEMA);
	sqlite3 *h;

	unlink(path);
	h = other();
	CHECKF(schema && schema[0], "no %s", SCHEMA);
	run(h, schema);
	run(h, "INSERT INTO domains (id, name, type) VALUES "
	       "(1, 'example.test', 'NATIVE'), (2, 'two.test', 'MASTER'),"
	       " (3, 'sec.test', 'SLAVE'), (4, 'Odd..name', 'NATIVE')");
	sqlite3_close(h);
	free(schema);
}

static int count_rows(void *ctx, const struct sql_text *col, size_t n)
{
	int *k = ctx;

	(void)col;
	(void)n;
	(*k)++;
	return 0;
}

struct cols {
	char v[4][64];
	bool null[4];
};

static int keep_cols(void *ctx, const struct sql_text *col, size_t n)
{
	struct cols *c = ctx;

	for (size_t i = 0; i < n && i < 4; i++) {
		c->null[i] = !col[i].s;
		snprintf(c->v[i], sizeof(c->v[i]), "%.*s", (int)col[i].len,
			 col[i].s ? col[i].s : "");
	}
	return 0;
}

static void test_open(void)
{
	struct sql_conn c;
	const char *target;
	char err[256];
	int fd;

	CHECK(sql_driver_for("sqlite:/a/b", &target) &&
	      strcmp(target, "/a/b") == 0);
	CHECK(!sql_driver_for("mysql:/a", &target));
	CHECK(!sql_driver_for("nocolon", &target));
	CHECK(sql_connect(&c, "sqlite:/nonexistent/db", 0, 10, err,
			  sizeof(err)) == SQL_EGONE);
	CHECK(access("/nonexistent/db", F_OK) < 0);
	snprintf(err, sizeof(err), "%s/text", dir);
	fd = open(err, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "hello, not a database\n", 22) == 22);
	close(fd);
	char u[200];
	snprintf(u, sizeof(u), "sqlite:%s/text", dir);
	CHECK(sql_connect(&c, u, 0, 10, err, sizeof(err)) == SQL_EBROKEN);
}

/* PostgreSQL's driver by either scheme libpq takes; a server that is
 * not there is gone (retried), with libpq's reason. The driver against
 * a running server: tests/integration/test_sqlzones_pg.py. */
static void test_pg_unreachable(void)
{
	struct sql_conn c;
	const char *target;
	char err[512];

	CHECK(sql_driver_for("postgresql://h/db", &target) &&
	      strcmp(target, "//h/db") == 0);
	CHECK(sql_driver_for("postgres://h/db", &target) &&
	      strcmp(sql_driver_for("postgres://h/db", &target)->begin,
		     "BEGIN ISOLATION LEVEL REPEATABLE READ") == 0);
	/* port 1 on loopback: refused at once */
	CHECK(sql_connect(&c, "postgresql://u@127.0.0.1:1/db?connect_timeout=2",
			  0, 10, err, sizeof(err)) == SQL_EGONE);
	CHECKF(strstr(err, "127.0.0.1") != NULL, "%s", err);
	CHECK(c.db == NULL);
}

static void test_int(void)
{
	struct sql_text t;
	int64_t v = 0;

	t = sql_str("300");
	CHECK(sql_int(&t, &v) && v == 300);
	t = sql_str("-9223372036854775808");
	CHECK(sql_int(&t, &v) && v == INT64_MIN);
	t = sql_str("9223372036854775807");
	CHECK(sql_int(&t, &v) && v == INT64_MAX);
	t = sql_str("9223372036854775808");
	CHECK(!sql_int(&t, &v));
	t = sql_str("99999999999999999999");
	CHECK(!sql_int(&t, &v));
	t = sql_str(" 5");
	CHECK(!sql_int(&t, &v));
	t = sql_str("5x");
	CHECK(!sql_int(&t, &v));
	t = sql_str("-");
	CHECK(!sql_int(&t, &v));
	t = sql_str("");
	CHECK(!sql_int(&t, &v));
	t = sql_str(NULL);
	CHECK(!sql_int(&t, &v));
}

static void test_query(void)
{
	static const char sel[] = "SELECT id, name, master, type FROM domains "
				  "WHERE id = ?";
	struct sql_text p[1] = { sql_str("2") };
	struct sql_conn c;
	struct cols k = { 0 };
	char err[256];
	int n = 0;

	CHECK(sql_connect(&c, uri, 0, 50, err, sizeof(err)) == 0);
	CHECK(sql_query(&c, sel, p, 1, keep_cols, &k) == 0);
	CHECK(!strcmp(k.v[0], "2") && !strcmp(k.v[1], "two.test") &&
	      k.null[2] && !k.null[3] && !strcmp(k.v[3], "MASTER"));
	/* a parameter is data, never SQL */
	p[0] = sql_str("1 OR 1=1");
	CHECK(sql_query(&c, sel, p, 1, count_rows, &n) == 0 && n == 0);
	CHECK(sql_query(&c, "SELECT nosuchcolumn FROM domains", NULL, 0, NULL,
			NULL) == SQL_EBROKEN);
	/* integers as SQLite would print them */
	CHECK(sql_query(&c, "SELECT -5, 0, -9223372036854775808, 'x'", NULL,
			0, keep_cols, &k) == 0);
	CHECK(!strcmp(k.v[0], "-5") && !strcmp(k.v[1], "0") &&
	      !strcmp(k.v[2], "-9223372036854775808") && !strcmp(k.v[3], "x"));
	sql_disconnect(&c);
}

/* Rows read on the pipe's thread arrive whole and in order, across
 * many chunks (by rows and by bytes), NULLs kept; a refusal stops it
 * with the callback's value and leaves the connection usable. */
struct piped {
	int rows, stop_at;
	bool ok;
};

static int check_piped(void *ctx, const struct sql_text *col, size_t n)
{
	struct piped *p = ctx;
	char want[32];
	int len = snprintf(want, sizeof(want), "%d", p->rows + 1);
	size_t big = (p->rows + 1) % 1000 ? (size_t)p->rows % 50 : 200000;

	p->ok = p->ok && n == 3 && col[0].len == (size_t)len &&
		!memcmp(col[0].s, want, (size_t)len) &&
		(p->rows % 5 ? col[1].s && col[1].len == big &&
		 (!big || (col[1].s[0] == 'x' && col[1].s[big - 1] == 'x')) :
		 !col[1].s) && col[2].s && col[2].len == 0;
	if (++p->rows == p->stop_at)
		return 42;
	return 0;
}

static void test_piped(void)
{
	static const char make[] =
		"CREATE TABLE p (i INTEGER, v TEXT, e TEXT);"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
		" WHERE i < 20000) INSERT INTO p SELECT i, CASE WHEN (i - 1) % 5"
		" = 0 THEN NULL ELSE substr(replace(hex(zeroblob(200000)), '0',"
		" 'x'), 1, CASE WHEN i % 1000 THEN (i - 1) % 50 ELSE 200000 END)"
		" END, '' FROM n;";
	static const char sel[] = "SELECT i, v, e FROM p WHERE i >= ? "
				  "ORDER BY i";
	struct sql_text one = sql_str("1");
	struct sql_conn c;
	struct piped p = { .ok = true };
	char err[256];
	int n = 0;

	CHECK(sql_connect(&c, uri, 0, 50, err, sizeof(err)) == 0);
	CHECK(sql_script(&c, make) == 0);
	CHECK(sql_query_piped(&c, sel, &one, 1, check_piped, &p) == 0);
	CHECKF(p.ok && p.rows == 20000, "%d rows, ok %d", p.rows, p.ok);
	p = (struct piped){ .ok = true, .stop_at = 9000 };
	CHECK(sql_query_piped(&c, sel, &one, 1, check_piped, &p) == 42);
	CHECK(p.ok && p.rows == 9000);
	CHECK(sql_query(&c, "SELECT count(*) FROM p", NULL, 0, count_rows,
			&n) == 0 && n == 1);
	CHECK(sql_query_piped(&c, "SELECT nosuchcolumn FROM p", NULL, 0,
			      count_rows, &n) == SQL_EBROKEN);
	CHECK(sql_script(&c, "DROP TABLE p") == 0);
	sql_disconnect(&c);
}

static void test_changed_and_busy(void)
{
	struct sql_conn c;
	char err[256];
	sqlite3 *h = other();
	struct timespec t0, t1;
	int n = 0, ret;

	CHECK(sql_connect(&c, uri, 0, 100, err, sizeof(err)) == 0);
	CHECK(c.drv->changed(c.db) == 1);
	CHECK(c.drv->changed(c.db) == 0);
	run(h, "UPDATE domains SET account = 'x' WHERE id = 1");
	CHECK(c.drv->changed(c.db) == 1);
	CHECK(c.drv->changed(c.db) == 0);
	run(h, "BEGIN EXCLUSIVE");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = sql_query(&c, "SELECT id FROM domains", NULL, 0, count_rows, &n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECKF(ret == SQL_EBUSY, "%d", ret);
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	CHECKF(ms >= 80 && ms < 2000, "%.0f ms", ms);
	run(h, "COMMIT");
	CHECK(sql_query(&c, "SELECT id FROM domains", NULL, 0, count_rows,
			&n) == 0 && n == 4);
	sqlite3_close(h);
	sql_disconnect(&c);
}

static int changes(sqlite3 *h)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM banchi_changes", -1,
			       &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_track(void)
{
	struct sql_conn c, ro;
	struct cols k = { 0 };
	char err[256];
	sqlite3 *h = other();

	CHECK(sql_connect(&c, uri, 0, 100, err, sizeof(err)) == 0);
	CHECK(!c.drv->read_only(c.db));
	CHECK(c.drv->track(c.db) == 0);
	CHECK(c.drv->track(c.db) == 0);         /* made once */
	CHECK(changes(h) == 0);
	run(h, "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'a.example.test', 'A', '192.0.2.1', 60)");
	CHECK(changes(h) == 1);
	CHECK(sql_query(&c, "SELECT domain_id, name FROM banchi_changes",
			NULL, 0, keep_cols, &k) == 0);
	CHECK(!strcmp(k.v[0], "1") && !strcmp(k.v[1], "a.example.test"));
	/* what rectify-zone and PowerDNS's bookkeeping write: nothing */
	run(h, "UPDATE records SET ordername = 'a', auth = 0");
	run(h, "UPDATE domains SET notified_serial = 5, last_check = 9");
	CHECK(changes(h) == 1);
	run(h, "UPDATE records SET name = 'b.example.test'");
	CHECK(changes(h) == 3);                 /* old and new name */
	run(h, "DELETE FROM records");
	run(h, "UPDATE domains SET type = 'MASTER' WHERE id = 1");
	CHECK(changes(h) == 5);
	CHECK(sql_connect(&ro, uri, SQL_OPEN_READONLY, 100, err,
			  sizeof(err)) == 0);
	CHECK(ro.drv->read_only(ro.db) &&
	      ro.drv->track(ro.db) == SQL_EREADONLY);
	sql_disconnect(&ro);
	run(h, "DELETE FROM banchi_changes");
	run(h, "UPDATE domains SET type = 'NATIVE' WHERE id = 1");
	sqlite3_close(h);
	sql_disconnect(&c);
}

static void test_gone(void)
{
	struct sql_conn c;
	char err[256], copy[200];

	CHECK(sql_connect(&c, uri, 0, 100, err, sizeof(err)) == 0);
	CHECK(c.drv->changed(c.db) == 1);
	snprintf(copy, sizeof(copy), "%s.moved", path);
	CHECK(rename(path, copy) == 0);
	CHECK(c.drv->changed(c.db) == SQL_EGONE);
	/* another file in its place: the connection reads the old one */
	make_db();
	CHECK(c.drv->changed(c.db) == SQL_EGONE);
	sql_disconnect(&c);
	CHECK(rename(copy, path) == 0);
}

struct diags {
	int n;
	char last[3][160];
};

static void on_diag(void *ctx, const char *table, const char *id,
		    const char *why)
{
	struct diags *d = ctx;

	snprintf(d->last[d->n % 3], sizeof(d->last[0]), "%s %s %s", table, id,
		 why);
	d->n++;
}

static void test_zone(void)
{
	struct pdns_domain *d = NULL;
	struct zdb_zone *z = NULL;
	struct diags dg = { 0 };
	struct sql_conn c;
	char err[256];
	size_t n = 0;
	sqlite3 *h = other();

	run(h, "INSERT INTO records (id, domain_id, name, type, content, ttl, "
	       "prio, disabled) VALUES "
	       "(10, 1, 'example.test', 'SOA', 'ns.example.test h.example.test"
	       " 7 3600 600 86400 300', 3600, 0, 0),"
	       "(11, 1, 'example.test', 'NS', 'ns.example.test', 3600, 0, 0),"
	       "(12, 1, 'ns.example.test', 'A', '192.0.2.1', 3600, 0, 0),"
	       "(13, 1, 'example.test', 'MX', 'ns.example.test', 3600, 5, 0),"
	       "(14, 1, 'b.c.example.test', NULL, NULL, NULL, NULL, 0),"
	       "(15, 1, 'off.example.test', 'A', '192.0.2.9', 60, 0, 1),"
	       "(16, 1, 'bad.example.test', 'A', 'nope', 60, 0, 0),"
	       "(17, 1, 'www.other.test', 'A', '192.0.2.2', 60, 0, 0),"
	       "(18, 2, 'two.test', 'NS', 'ns.two.test', 60, 0, 0)");
	CHECK(sql_connect(&c, uri, 0, 100, err, sizeof(err)) == 0);
	CHECK(pdns_domains(&c, &d, &n, on_diag, &dg) == 0 && n == 3);
	CHECK(dg.n == 1 && strstr(dg.last[0], "domains 4 "));
	CHECK(n == 3 && d[0].kind == PDNS_NATIVE && d[1].kind == PDNS_MASTER &&
	      d[2].kind == PDNS_SLAVE && !strcmp(d[0].name, "example.test."));
	dg.n = 0;
	CHECK(n >= 1 && pdns_load_zone(&c, &d[0], &z, on_diag, &dg) == 0);
	CHECK(z && zdb_zone_rr_count(z) == 4 && zdb_zone_serial(z) == 7);
	CHECKF(dg.n == 2 && strstr(dg.last[0], "records 16 bad.example.test. A: content 'nope'") &&
	       strstr(dg.last[1], "records 17 name 'www.other.test' is "
		      "outside"), "%d: %s / %s", dg.n, dg.last[0], dg.last[1]);
	zdb_zone_unref(z);
	/* no SOA: no zone, and the reason */
	dg.n = 0;
	CHECK(n >= 2 && pdns_load_zone(&c, &d[1], &z, on_diag, &dg) > 0 && !z);
	CHECKF(dg.n >= 1 && strstr(dg.last[0], "SOA"), "%s", dg.last[0]);
	free(d);
	sql_disconnect(&c);
	sqlite3_close(h);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/pdns.sqlite3", dir);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	make_db();
	test_open();
	test_pg_unreachable();
	test_int();
	test_query();
	test_piped();
	test_changed_and_busy();
	test_track();
	test_gone();
	test_zone();
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}
