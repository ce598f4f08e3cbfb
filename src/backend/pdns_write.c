/* A served zone into PowerDNS's tables (pdns_write.h): node by node in
 * canonical order, each record through pdns_out. SQLite's transaction
 * takes the write lock at its start (a reader turning writer midway may
 * have to give up). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/pdns_out.h"
#include "backend/pdns_write.h"
#include "base/error.h"
#include "wire/rrtype.h"

static const char sql_begin_sqlite[] = "BEGIN IMMEDIATE";
static const char sql_begin_pg[] = "BEGIN";
static const char sql_domain_id[] = "SELECT id FROM domains WHERE name = ?";
static const char sql_domain_add[] =
	"INSERT INTO domains (name, master, type, account)"
	" VALUES (?, '', 'NATIVE', '')";
static const char sql_records_drop[] =
	"DELETE FROM records WHERE domain_id = ?";
static const char sql_record_add[] =
	"INSERT INTO records (domain_id, name, type, content, ttl, prio,"
	" disabled, ordername, auth) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)";
static const char sql_ent_add[] =
	"INSERT INTO records (domain_id, name, type, content, ttl, prio,"
	" disabled, ordername, auth) VALUES (?, ?, NULL, NULL, NULL, NULL,"
	" ?, NULL, ?)";
static const char sql_count[] =
	"SELECT count(*) FROM records WHERE domain_id = ?";

struct writer {
	struct sql_conn *c;
	struct pdns_write_stats *st;
	char id[24];
	char owner[NAME_TEXT_MAX];
	char *content;
};

static int int_row(void *ctx, const struct sql_text *col, size_t n)
{
	return n == 1 && sql_int(&col[0], ctx) ? 0 : SQL_EBROKEN;
}

/* The zone's domains row: found (replace) or made. */
static int domain_row(struct writer *w, const char *name, bool replace)
{
	struct sql_text p[1] = { sql_str(name) };
	int64_t id = -1, old = 0;
	int ret = sql_query(w->c, sql_domain_id, p, 1, int_row, &id);

	w->st->domain_id = id;
	if (ret == 0 && id >= 0 && !replace)
		return BN_EINVAL;
	if (ret == 0 && id < 0)
		ret = sql_query(w->c, sql_domain_add, p, 1, NULL, NULL);
	if (ret == 0 && id < 0)
		ret = sql_query(w->c, sql_domain_id, p, 1, int_row, &id);
	else if (ret == 0)
		w->st->replaced = true;
	if (ret < 0)
		return ret;
	snprintf(w->id, sizeof(w->id), "%lld", (long long)id);
	w->st->domain_id = id;
	p[0] = sql_str(w->id);
	if (w->st->replaced) {
		ret = sql_query(w->c, sql_count, p, 1, int_row, &old);
		w->st->removed = (size_t)old;
		if (ret == 0)
			ret = sql_query(w->c, sql_records_drop, p, 1, NULL,
					NULL);
	}
	return ret;
}

static int write_set(struct writer *w, const struct zdb_rrset *s)
{
	char tb[16], ttl[12], prio[12];
	struct sql_text p[8] = { sql_str(w->id), sql_str(w->owner),
				 sql_str(pdns_type_text(s->type, tb)) };
	int ret = 0;

	snprintf(ttl, sizeof(ttl), "%u", s->ttl);
	for (uint16_t i = 0; i < s->count && ret == 0; i++) {
		unsigned pr;
		int n = pdns_content(s->type, s->rr[i].data, s->rr[i].len,
				     w->content, PDNS_CONTENT_MAX, &pr);
		if (n < 0)
			return n;
		snprintf(prio, sizeof(prio), "%u", pr);
		p[3] = (struct sql_text){ w->content, (size_t)n };
		p[4] = sql_str(ttl);
		p[5] = sql_str(prio);
		p[6] = sql_str("0");
		p[7] = sql_str("1");
		ret = sql_query(w->c, sql_record_add, p, 8, NULL, NULL);
		w->st->records++;
	}
	return ret;
}

static int write_node(struct writer *w, const struct zdb_node *n)
{
	struct sql_text p[4];
	int ret;

	if (pdns_name_text(n->owner, w->owner, sizeof(w->owner)) < 0)
		return BN_ERDATA;
	p[0] = sql_str(w->id);
	p[1] = sql_str(w->owner);
	p[2] = sql_str("0");
	p[3] = sql_str("1");
	if (n->flags & ZDB_ENT) {
		w->st->ents++;
		return sql_query(w->c, sql_ent_add, p, 4, NULL, NULL);
	}
	for (uint16_t i = 0; i < n->nsets; i++) {
		ret = write_set(w, &n->sets[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int write_all(struct writer *w, const struct zdb_zone *z,
		     bool replace)
{
	char origin[NAME_TEXT_MAX];
	int ret;

	if (pdns_name_text(zdb_zone_origin(z), origin, sizeof(origin)) < 0)
		return BN_EINVAL;
	ret = domain_row(w, origin, replace);
	for (size_t i = 0; ret == 0 && i < zdb_zone_node_count(z); i++)
		ret = write_node(w, zdb_zone_node(z, i));
	return ret;
}

int pdns_write_zone(struct sql_conn *c, const struct zdb_zone *z,
		    bool replace, struct pdns_write_stats *st)
{
	bool sqlite = strcmp(c->drv->scheme, "sqlite") == 0;
	struct writer w = { .c = c, .st = st };
	int ret;

	memset(st, 0, sizeof(*st));
	w.content = malloc(PDNS_CONTENT_MAX);
	if (!w.content)
		return BN_ENOMEM;
	ret = sql_exec(c, sqlite ? sql_begin_sqlite : sql_begin_pg);
	if (ret == 0) {
		ret = write_all(&w, z, replace);
		if (ret == 0)
			ret = sql_exec(c, "COMMIT");
		if (ret < 0)
			sql_exec(c, "ROLLBACK");
	}
	free(w.content);
	return ret;
}
