/* Empty non-terminals in PowerDNS's records table after a change
 * (pdns_ents.h): PowerDNS answers a name that has no row of its own as
 * NXDOMAIN, so pdnsutil rectify-zone gives every name that has records
 * below it and none at it a row of type NULL. A change written through
 * keeps that true for the names it touched and their ancestors. */
#include <stdio.h>
#include <string.h>

#include "backend/pdns_ents.h"
#include "backend/pdns_out.h"
#include "base/error.h"

/* Rows of data (type not NULL) at the name, and below it (parameters
 * are bound as text: the lengths cast, as SQLite would compare a text
 * with a number as greater). */
static const char sql_counts[] =
	"SELECT coalesce(sum(CASE WHEN name = ? THEN 1 ELSE 0 END), 0),"
	" coalesce(sum(CASE WHEN name = ? THEN 0 ELSE 1 END), 0)"
	" FROM records WHERE domain_id = ? AND type IS NOT NULL AND"
	" (name = ? OR (length(name) > CAST(? AS INTEGER) AND"
	" substr(name, length(name) - CAST(? AS INTEGER) + 1) = ?))";
static const char sql_ent_count[] =
	"SELECT count(*) FROM records WHERE domain_id = ? AND name = ?"
	" AND type IS NULL";
static const char sql_ent_add[] =
	"INSERT INTO records (domain_id, name, type, content, ttl, prio,"
	" disabled, ordername, auth) VALUES (?, ?, NULL, NULL, NULL, NULL,"
	" '0', NULL, '1')";
static const char sql_ent_drop[] =
	"DELETE FROM records WHERE domain_id = ? AND name = ? AND"
	" type IS NULL";

struct counts {
	int64_t v[2];
};

static int count_row(void *ctx, const struct sql_text *col, size_t n)
{
	struct counts *c = ctx;

	for (size_t i = 0; i < n && i < 2; i++)
		if (!sql_int(&col[i], &c->v[i]))
			return SQL_EBROKEN;
	return 0;
}

/* Whether the name wants an ENT row: no data at it, some below. */
static int wants_ent(struct sql_conn *c, const char *id, const char *name,
		     bool *want)
{
	char suffix[NAME_TEXT_MAX + 1], len[24];
	struct counts n = { { 0, 0 } };
	struct sql_text p[7];
	int ret;

	snprintf(suffix, sizeof(suffix), ".%s", name);
	snprintf(len, sizeof(len), "%zu", strlen(suffix));
	p[0] = p[1] = p[3] = sql_str(name);
	p[2] = sql_str(id);
	p[4] = p[5] = sql_str(len);
	p[6] = sql_str(suffix);
	ret = sql_query(c, sql_counts, p, 7, count_row, &n);
	*want = n.v[0] == 0 && n.v[1] > 0;
	return ret;
}

static int fix_name(struct sql_conn *c, const char *id, const char *name)
{
	struct counts n = { { 0, 0 } };
	struct sql_text p[2] = { sql_str(id), sql_str(name) };
	bool want;
	int ret = wants_ent(c, id, name, &want);

	if (ret == 0)
		ret = sql_query(c, sql_ent_count, p, 2, count_row, &n);
	if (ret == 0 && want && n.v[0] == 0)
		ret = sql_query(c, sql_ent_add, p, 2, NULL, NULL);
	if (ret == 0 && !want && n.v[0] > 0)
		ret = sql_query(c, sql_ent_drop, p, 2, NULL, NULL);
	return ret;
}

/* owner and its ancestors below the origin. */
static int fix_branch(struct sql_conn *c, const char *id,
		      const uint8_t *origin, const uint8_t *owner)
{
	char text[NAME_TEXT_MAX];
	const uint8_t *n = owner;
	int ret = 0;

	while (ret == 0 && n[0] && !name_equal(n, origin)) {
		if (pdns_name_text(n, text, sizeof(text)) < 0)
			return BN_ERDATA;
		ret = fix_name(c, id, text);
		n += 1 + n[0];
	}
	return ret;
}

int pdns_fix_ents(struct sql_conn *c, const char *domain_id,
		  const uint8_t *origin, const struct zchange *chg)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < chg->ndel; i++)
		ret = fix_branch(c, domain_id, origin, chg->del[i].owner);
	for (size_t i = 0; ret == 0 && i < chg->nadd; i++)
		ret = fix_branch(c, domain_id, origin, chg->add[i].owner);
	return ret;
}
