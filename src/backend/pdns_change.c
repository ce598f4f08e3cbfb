/* pdns_change.h: each removed record looked up among its owner's rows of
 * its type (the content parsed back, compared as data), deleted by id;
 * each added one inserted. The SOA row is found whatever its serial:
 * the one served may be banchi's, raised over rows changed by others
 * that left the database's as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/pdns_change.h"
#include "backend/pdns_ents.h"
#include "backend/pdns_out.h"
#include "backend/pdns_row.h"
#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

static const char sql_begin_sqlite[] = "BEGIN IMMEDIATE";
static const char sql_begin_pg[] = "BEGIN";
static const char sql_rows_of[] =
	"SELECT id, name, type, content, ttl, prio, disabled FROM records"
	" WHERE domain_id = ? AND name = ? AND type = ?";
static const char sql_row_drop[] = "DELETE FROM records WHERE id = ?";
static const char sql_row_add[] =
	"INSERT INTO records (domain_id, name, type, content, ttl, prio,"
	" disabled, ordername, auth) VALUES (?, ?, ?, ?, ?, ?, '0', NULL, '1')";

struct job {
	struct sql_conn *c;
	struct pdns_conv cv;
	char id[24];                    /* the domain's */
	char owner[NAME_TEXT_MAX];
	char type[16];
	char *content;
	const struct zchange_rr *want;  /* the record looked for */
	char found[24];                 /* its row's id, "" while none */
};

/* The same record; an SOA's serial aside. */
static bool same(const struct zrr *rr, const struct zchange_rr *w)
{
	uint8_t tmp[RDATA_MAXLEN];

	if (rr->type != w->type)
		return false;
	if (rr->type != RR_SOA || rr->rdlen != w->rdlen || rr->rdlen < 20)
		return rdata_compare(rr->type, rr->rdata, rr->rdlen, w->rdata,
				     w->rdlen) == 0;
	memcpy(tmp, rr->rdata, rr->rdlen);
	memcpy(tmp + rr->rdlen - 20, w->rdata + w->rdlen - 20, 4);
	return rdata_compare(RR_SOA, tmp, rr->rdlen, w->rdata, w->rdlen) == 0;
}

/* A row of the owner and type: the record looked for? */
static int match(void *ctx, const struct sql_text *col, size_t n)
{
	struct job *j = ctx;
	struct pdns_row r;
	struct zrr rr;
	const char *why;

	if (n != 7 || j->found[0] || !col[0].s || col[0].len >= 24)
		return 0;
	r = (struct pdns_row){ col[0], col[1], col[2], col[3], col[4], col[5],
			       col[6] };
	pdns_conv_restart(&j->cv);
	if (pdns_row_rr(&j->cv, &r, &rr, &why) == 1 && same(&rr, j->want)) {
		memcpy(j->found, col[0].s, col[0].len);
		j->found[col[0].len] = '\0';
	}
	return 0;
}

static int names(struct job *j, const struct zchange_rr *rr)
{
	char buf[16];

	if (pdns_name_text(rr->owner, j->owner, sizeof(j->owner)) < 0)
		return BN_ERDATA;
	snprintf(j->type, sizeof(j->type), "%s", pdns_type_text(rr->type, buf));
	return 0;
}

static int drop(struct job *j, const struct zchange_rr *rr, char *why,
		size_t cap)
{
	struct sql_text p[3];
	int ret = names(j, rr);

	if (ret < 0)
		return ret;
	p[0] = sql_str(j->id);
	p[1] = sql_str(j->owner);
	p[2] = sql_str(j->type);
	j->want = rr;
	j->found[0] = '\0';
	ret = sql_query(j->c, sql_rows_of, p, 3, match, j);
	if (ret == 0 && !j->found[0]) {
		snprintf(why, cap, "no row holds the %s record of %s it "
			 "removes: the rows changed since they were read",
			 j->type, j->owner);
		return BN_ENOTFOUND;
	}
	p[0] = sql_str(j->found);
	return ret < 0 ? ret : sql_query(j->c, sql_row_drop, p, 1, NULL, NULL);
}

static int add(struct job *j, const struct zchange_rr *rr)
{
	char ttl[12], prio[12];
	struct sql_text p[6];
	unsigned pr;
	int n = names(j, rr);

	if (n < 0)
		return n;
	n = pdns_content(rr->type, rr->rdata, rr->rdlen, j->content,
			 PDNS_CONTENT_MAX, &pr);
	if (n < 0)
		return n;
	snprintf(ttl, sizeof(ttl), "%u", rr->ttl);
	snprintf(prio, sizeof(prio), "%u", pr);
	p[0] = sql_str(j->id);
	p[1] = sql_str(j->owner);
	p[2] = sql_str(j->type);
	p[3] = (struct sql_text){ j->content, (size_t)n };
	p[4] = sql_str(ttl);
	p[5] = sql_str(prio);
	return sql_query(j->c, sql_row_add, p, 6, NULL, NULL);
}

static int apply(struct job *j, const struct zchange *c, char *why,
		 size_t cap)
{
	int ret = drop(j, &c->soa_from, why, cap);

	for (size_t i = 0; ret == 0 && i < c->ndel; i++)
		ret = drop(j, &c->del[i], why, cap);
	if (ret == 0)
		ret = add(j, &c->soa_to);
	for (size_t i = 0; ret == 0 && i < c->nadd; i++)
		ret = add(j, &c->add[i]);
	return ret;
}

int pdns_write_change(struct sql_conn *conn, int64_t domain_id,
		      const uint8_t *origin, const struct zchange *c,
		      char *why, size_t cap)
{
	bool sqlite = strcmp(conn->drv->scheme, "sqlite") == 0;
	struct job j = { .c = conn };
	int ret;

	why[0] = '\0';
	snprintf(j.id, sizeof(j.id), "%lld", (long long)domain_id);
	j.content = malloc(PDNS_CONTENT_MAX);
	ret = j.content ? pdns_conv_init(&j.cv, origin) : BN_ENOMEM;
	if (ret == 0)
		ret = sql_exec(conn, sqlite ? sql_begin_sqlite : sql_begin_pg);
	if (ret == 0) {
		ret = apply(&j, c, why, cap);
		if (ret == 0)
			ret = pdns_fix_ents(conn, j.id, origin, c);
		if (ret == 0)
			ret = sql_exec(conn, "COMMIT");
		if (ret < 0)
			sql_exec(conn, "ROLLBACK");
	}
	if (ret < 0 && !why[0])
		snprintf(why, cap, "%s", ret == BN_ERDATA || ret == BN_ENOMEM ?
			 bn_strerror(ret) : sql_errmsg(conn));
	if (j.content)
		pdns_conv_clear(&j.cv);
	free(j.content);
	return ret;
}
