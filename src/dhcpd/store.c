/* The SQLite lease store (store.h). Addresses are stored as integers
 * (host order) so that rows sort by address; hardware addresses as
 * text, client identifiers as blobs. */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "dhcpd/store.h"

#define SCHEMA_VERSION 3
#define STR_(x) #x
#define STR(x) STR_(x)

struct store {
	sqlite3 *db;
	sqlite3_stmt *put, *del;
	_Atomic unsigned long commits;
	char server[STORE_SERVER_MAX];  /* the DNS server of the results */
	/* the commit thread writes while the serving thread reads (the
	 * control channel's listing, orphans, a reload) */
	pthread_mutex_t mu;
};

static const char pragmas[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"PRAGMA temp_store=MEMORY;";

/* The last UPDATE's outcome (struct dhcp_dns_last), for 'why': when
 * (0: none), the rcode, what it came to, the step, the seconds to the
 * retry after a failure, the server that answered. */
#define LAST_COLUMNS \
	" last_at INTEGER NOT NULL DEFAULT 0," \
	" last_rcode INTEGER NOT NULL DEFAULT 0," \
	" last_result TEXT NOT NULL DEFAULT ''," \
	" last_step INTEGER NOT NULL DEFAULT 0," \
	" last_retry INTEGER NOT NULL DEFAULT 0," \
	" last_server TEXT NOT NULL DEFAULT ''"
#define COL_LAST 10             /* the first of them in SELECT * */

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS lease ("
	" addr INTEGER PRIMARY KEY,"
	" state TEXT NOT NULL,"
	" expires INTEGER NOT NULL,"
	" hwaddr TEXT NOT NULL,"
	" client_id BLOB NOT NULL,"
	" hostname TEXT NOT NULL,"
	" is_static INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" cid_opt INTEGER NOT NULL DEFAULT 0,"
	" dns TEXT NOT NULL DEFAULT '',"
	LAST_COLUMNS ");"
	"PRAGMA user_version=" STR(SCHEMA_VERSION) ";";

/* Version 1 to 2: whether the client id is option 61's, and the DNS
 * state of each lease (the durable queue of name updates). */
static const char to_v2[] =
	"BEGIN;"
	"ALTER TABLE lease ADD COLUMN cid_opt INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE lease ADD COLUMN dns TEXT NOT NULL DEFAULT '';"
	"PRAGMA user_version=2;"
	"COMMIT;";

/* Version 2 to 3: the last UPDATE's outcome. */
static const char to_v3[] =
	"BEGIN;"
	"ALTER TABLE lease ADD COLUMN last_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE lease ADD COLUMN last_rcode INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE lease ADD COLUMN last_result TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE lease ADD COLUMN last_step INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE lease ADD COLUMN last_retry INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE lease ADD COLUMN last_server TEXT NOT NULL DEFAULT '';"
	"PRAGMA user_version=3;"
	"COMMIT;";

const char *const store_dns_names[] = { "", "add", "ok", "refused",
					"del" };
const char *const store_res_names[] = { "", "added", "removed", "kept",
					"left", "refused", "failed" };

static int fail(struct store *s, const char *what)
{
	log_err("lease db: %s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

/* A new file gets the table; an existing one must be of our version. */
static int check_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL))
		return fail(s, "version");
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v == 0) {
		if (sqlite3_exec(s->db, schema, NULL, NULL, NULL))
			return fail(s, "schema");
		v = SCHEMA_VERSION;
	}
	if (v == 1) {
		if (sqlite3_exec(s->db, to_v2, NULL, NULL, NULL))
			return fail(s, "upgrading the schema to version 2");
		log_info("lease db: schema upgraded to version 2");
		v = 2;
	}
	if (v == 2) {
		if (sqlite3_exec(s->db, to_v3, NULL, NULL, NULL))
			return fail(s, "upgrading the schema to version 3");
		log_info("lease db: schema upgraded to version 3");
		v = 3;
	}
	if (v != SCHEMA_VERSION) {
		log_err("lease db: schema version %d, expected %d", v,
			SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

struct store *store_open(const char *path)
{
	struct store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	pthread_mutex_init(&s->mu, NULL);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		fail(s, path);
		goto bad;
	}
	sqlite3_busy_timeout(s->db, 2000);
	if (sqlite3_exec(s->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		fail(s, "pragmas");
		goto bad;
	}
	if (check_version(s) < 0)
		goto bad;
	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO lease VALUES"
			       " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			       " ?, ?, ?, ?, ?, ?)", -1, &s->put, NULL) ||
	    sqlite3_prepare_v2(s->db, "DELETE FROM lease WHERE addr = ?", -1,
			       &s->del, NULL)) {
		fail(s, "prepare");
		goto bad;
	}
	return s;
bad:
	store_close(s);
	return NULL;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->put);
	sqlite3_finalize(s->del);
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static void drop_row(struct store *s, const struct dhcp_lease *e)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, "DELETE FROM lease WHERE addr = ? AND "
			       "is_static = ? AND hostname = ?", -1, &st,
			       NULL)) {
		fail(s, "drop");
		return;
	}
	sqlite3_bind_int64(st, 1, e->addr);
	sqlite3_bind_int(st, 2, e->is_static);
	sqlite3_bind_text(st, 3, e->host, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail(s, "drop");
	sqlite3_finalize(st);
}

void store_set_server(struct store *s, const char *server)
{
	snprintf(s->server, sizeof(s->server), "%s", server);
}

unsigned long store_commits(const struct store *s)
{
	return atomic_load((_Atomic unsigned long *)&s->commits);
}

void store_hw_text(char *dst, const uint8_t *hw, size_t len)
{
	size_t i, pos = 0;

	dst[0] = 0;
	for (i = 0; i < len; i++)
		pos += (size_t)sprintf(dst + pos, "%s%02x", i ? ":" : "",
				       hw[i]);
}

static size_t hw_parse(uint8_t *hw, const char *text)
{
	size_t n = 0;
	unsigned b;
	int used;

	while (n < 16 && sscanf(text, "%2x%n", &b, &used) == 1) {
		hw[n++] = (uint8_t)b;
		text += used;
		if (*text != ':')
			break;
		text++;
	}
	return n;
}

static void bind_last(const struct store *s, sqlite3_stmt *st,
		      const struct dhcp_dns_last *l)
{
	sqlite3_bind_int64(st, 11, l->at);
	sqlite3_bind_int(st, 12, l->rcode);
	sqlite3_bind_text(st, 13, store_res_names[l->res <= DNSR_FAILED ?
						  l->res : 0], -1,
			  SQLITE_STATIC);
	sqlite3_bind_int(st, 14, l->step);
	sqlite3_bind_int(st, 15, l->retry);
	sqlite3_bind_text(st, 16, l->at ? s->server : "", -1, SQLITE_STATIC);
}

static int put_row(struct store *s, const struct dhcp_lease *e)
{
	char hw[16 * 3 + 1];
	sqlite3_stmt *st = s->put;

	store_hw_text(hw, e->hw, e->hwlen);
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, e->addr);
	sqlite3_bind_text(st, 2, dhcp_lstate_name(e->state), -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, e->expires);
	sqlite3_bind_text(st, 4, hw, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 5, e->cid, e->cidlen, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, e->host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 7, e->is_static);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)time(NULL));
	sqlite3_bind_int(st, 9, e->cid_opt);
	sqlite3_bind_text(st, 10, store_dns_names[e->dns <= DNS_DEL ? e->dns : 0],
			  -1, SQLITE_STATIC);
	bind_last(s, st, &e->last);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static int del_row(struct store *s, const struct dhcp_lease *e)
{
	sqlite3_reset(s->del);
	sqlite3_bind_int64(s->del, 1, e->addr);
	return sqlite3_step(s->del) == SQLITE_DONE ? 0 : -1;
}

/* A static lease's names are registered whether a client holds it or
 * not: its row stays while they are in DNS, so that they are removed
 * when it leaves the config (orphans.c). */
static bool names_out(const struct dhcp_lease *e)
{
	return e->is_static && (e->dns == DNS_ADD || e->dns == DNS_OK ||
				e->dns == DNS_DEL);
}

static int put_rows(struct store *s, const struct dhcp_lease *e, size_t n)
{
	size_t i;
	int ret = 0;

	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		return fail(s, "begin");
	for (i = 0; i < n && ret == 0; i++)
		ret = e[i].state == DL_FREE && !names_out(&e[i]) ?
		      del_row(s, &e[i]) : put_row(s, &e[i]);
	if (ret < 0 || sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL)) {
		fail(s, "write");
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	atomic_fetch_add(&s->commits, 1);
	return 0;
}

int store_put_rows(struct store *s, const struct dhcp_lease *e, size_t n)
{
	int ret;

	if (!n)
		return 0;
	pthread_mutex_lock(&s->mu);
	ret = put_rows(s, e, n);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

/* The last UPDATE's columns; a file of an older version (read by 'why'
 * or 'leases' before the daemon upgraded it) has none. */
static void read_last(sqlite3_stmt *st, struct dhcp_dns_last *l)
{
	const char *t;

	if (sqlite3_column_count(st) <= COL_LAST + 5)
		return;
	l->at = sqlite3_column_int64(st, COL_LAST);
	l->rcode = (int16_t)sqlite3_column_int(st, COL_LAST + 1);
	t = (const char *)sqlite3_column_text(st, COL_LAST + 2);
	for (int i = 0; t && i <= DNSR_FAILED; i++)
		if (!strcmp(t, store_res_names[i]))
			l->res = (uint8_t)i;
	l->step = (uint8_t)sqlite3_column_int(st, COL_LAST + 3);
	l->retry = (uint16_t)sqlite3_column_int(st, COL_LAST + 4);
}

void store_read_row(sqlite3_stmt *st, struct dhcp_lease *e)
{
	const void *cid = sqlite3_column_blob(st, 4);
	const char *t;
	int n = sqlite3_column_bytes(st, 4);

	memset(e, 0, sizeof(*e));
	e->addr = (uint32_t)sqlite3_column_int64(st, 0);
	t = (const char *)sqlite3_column_text(st, 1);
	e->state = (uint8_t)(t && dhcp_lstate_parse(t) > 0 ?
			     dhcp_lstate_parse(t) : DL_FREE);
	e->expires = sqlite3_column_int64(st, 2);
	t = (const char *)sqlite3_column_text(st, 3);
	e->hwlen = (uint8_t)(t ? hw_parse(e->hw, t) : 0);
	if (cid && n > 0 && n <= DHCP_CID_MAX) {
		memcpy(e->cid, cid, (size_t)n);
		e->cidlen = (uint8_t)n;
	}
	t = (const char *)sqlite3_column_text(st, 5);
	if (t)
		snprintf(e->host, sizeof(e->host), "%s", t);
	e->is_static = sqlite3_column_int(st, 6) != 0;
	e->cid_opt = sqlite3_column_int(st, 8) != 0;
	t = (const char *)sqlite3_column_text(st, 9);
	for (int i = 0; t && i <= DNS_DEL; i++)
		if (!strcmp(t, store_dns_names[i]))
			e->dns = (uint8_t)i;
	read_last(st, &e->last);
}

const char *store_row_server(sqlite3_stmt *st)
{
	const char *t = NULL;

	if (sqlite3_column_count(st) > COL_LAST + 5)
		t = (const char *)sqlite3_column_text(st, COL_LAST + 5);
	return t ? t : "";
}

static int load(struct store *s, struct dhcp_pool *p, size_t *loaded,
		size_t *skipped)
{
	struct dhcp_lease row;
	sqlite3_stmt *st;
	int rc;

	*loaded = *skipped = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT * FROM lease ORDER BY addr",
			       -1, &st, NULL))
		return fail(s, "load");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_read_row(st, &row);
		/* another DNS server's answer says nothing of this one's */
		if (strcmp(store_row_server(st), s->server))
			memset(&row.last, 0, sizeof(row.last));
		if (dhcp_pool_load(p, &row))
			(*loaded)++;
		else
			(*skipped)++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "load");
}

static void print_row(FILE *out, sqlite3_stmt *st)
{
	struct dhcp_lease e;
	struct in_addr in;
	char a[INET_ADDRSTRLEN], hw[16 * 3 + 1], when[32];
	time_t t;
	struct tm tm;
	size_t i;

	store_read_row(st, &e);
	in.s_addr = htonl(e.addr);
	inet_ntop(AF_INET, &in, a, sizeof(a));
	store_hw_text(hw, e.hw, e.hwlen);
	t = (time_t)e.expires;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out, "%-15s %-8s %s %-17s %-20s ", a, dhcp_lstate_name(e.state),
		when, hw[0] ? hw : "-", e.host[0] ? e.host : "-");
	for (i = 0; i < e.cidlen; i++)
		fprintf(out, "%02x", e.cid[i]);
	fprintf(out, "%s%s%s%s\n", e.cidlen ? "" : "-",
		e.is_static ? " static" : "", e.dns ? " dns:" : "",
		e.dns ? store_dns_names[e.dns] : "");
}

static const char *list_sql(bool all)
{
	return all ? "SELECT * FROM lease ORDER BY addr" :
	       "SELECT * FROM lease WHERE state = 'bound' "
	       "AND expires > strftime('%s', 'now') ORDER BY addr";
}

static int each(struct store *s, bool all, store_row_fn *fn, void *arg)
{
	struct dhcp_lease row;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, list_sql(all), -1, &st, NULL))
		return fail(s, "list");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_read_row(st, &row);
		fn(arg, &row, store_row_server(st));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "list");
}

int store_list(const char *path, bool all, FILE *out)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ||
	    sqlite3_prepare_v2(db, list_sql(all), -1, &st, NULL)) {
		fprintf(stderr, "banchi-dhcp: %s: %s\n", path,
			sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 2000);
	fprintf(out, "%-15s %-8s %-20s %-17s %-20s %s\n", "ADDRESS", "STATE",
		"EXPIRES", "HWADDR", "HOSTNAME", "CLIENT-ID");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		print_row(out, st);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The readers and the dropper take the lock the commit thread writes
 * under: one connection, one statement sequence at a time. */
void store_drop_row(struct store *s, const struct dhcp_lease *e)
{
	pthread_mutex_lock(&s->mu);
	drop_row(s, e);
	pthread_mutex_unlock(&s->mu);
}

int store_load(struct store *s, struct dhcp_pool *p, size_t *loaded,
	       size_t *skipped)
{
	int ret;

	pthread_mutex_lock(&s->mu);
	ret = load(s, p, loaded, skipped);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

int store_each(struct store *s, bool all, store_row_fn *fn, void *arg)
{
	int ret;

	pthread_mutex_lock(&s->mu);
	ret = each(s, all, fn, arg);
	pthread_mutex_unlock(&s->mu);
	return ret;
}
