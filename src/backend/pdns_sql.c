/* PowerDNS's domains and records tables, read (pdns_sql.h). Rows are
 * selected by domain_id (and name), which PowerDNS's own index
 * records_lookup_id_idx serves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/pdns_sql.h"
#include "backend/zonefile.h"
#include "base/error.h"
#include "wire/rrtype.h"

static const char sql_domains[] = "SELECT id, name, type FROM domains";
static const char sql_zone_rows[] =
	"SELECT id, name, type, content, ttl, prio, disabled FROM records"
	" WHERE domain_id = ?";
static const char sql_name_rows[] =
	"SELECT id, name, type, content, ttl, prio, disabled FROM records"
	" WHERE domain_id = ? AND name = ?";

struct dom_list {
	struct pdns_domain *v;
	size_t n, cap;
	pdns_diag_fn diag;
	void *ctx;
};

static enum pdns_kind kind_of(const struct sql_text *t, char *copy)
{
	static const char *const kinds[] = {
		[PDNS_NATIVE] = "NATIVE", [PDNS_MASTER] = "MASTER",
		[PDNS_SLAVE] = "SLAVE", [PDNS_PRODUCER] = "PRODUCER",
		[PDNS_CONSUMER] = "CONSUMER",
	};
	size_t n = t->s && t->len < 16 ? t->len : 0;

	memcpy(copy, t->s ? t->s : "", n);
	copy[n] = '\0';
	for (int k = 0; k < PDNS_OTHER; k++)
		if (strcasecmp(copy, kinds[k]) == 0)
			return (enum pdns_kind)k;
	return PDNS_OTHER;
}

static int dom_name(struct pdns_domain *d, const struct sql_text *t)
{
	if (!t->s || !t->len || name_from_text(d->origin, t->s, t->len,
					       (const uint8_t *)"") < 0)
		return BN_EINVAL;
	name_to_lower(d->origin);
	name_to_text(d->name, sizeof(d->name), d->origin);
	return 0;
}

static int dom_row(void *ctx, const struct sql_text *col, size_t ncol)
{
	struct dom_list *l = ctx;
	struct pdns_domain *d;
	char id[32];

	if (ncol != 3)
		return SQL_EBROKEN;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct pdns_domain *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return BN_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	d = &l->v[l->n];
	snprintf(id, sizeof(id), "%.*s", col[0].s ? (int)col[0].len : 4,
		 col[0].s ? col[0].s : "NULL");
	if (!sql_int(&col[0], &d->id) || dom_name(d, &col[1]) < 0) {
		if (l->diag)
			l->diag(l->ctx, "domains", id, !sql_int(&col[0], &d->id)
				? "id is not a number" :
				"name is not a domain name");
		return 0;
	}
	d->kind = kind_of(&col[2], d->type);
	l->n++;
	return 0;
}

int pdns_domains(struct sql_conn *c, struct pdns_domain **out, size_t *n,
		 pdns_diag_fn diag, void *ctx)
{
	struct dom_list l = { .diag = diag, .ctx = ctx };
	int ret = sql_query(c, sql_domains, NULL, 0, dom_row, &l);

	if (ret < 0) {
		free(l.v);
		return ret;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

int pdns_find_domain(struct sql_conn *c, const uint8_t *origin,
		     struct pdns_domain *out, pdns_diag_fn diag, void *ctx)
{
	struct pdns_domain *v;
	size_t n;
	int ret = pdns_domains(c, &v, &n, diag, ctx);

	if (ret < 0)
		return ret;
	ret = BN_ENOTFOUND;
	for (size_t i = 0; i < n && ret < 0; i++)
		if (name_equal(v[i].origin, origin)) {
			*out = v[i];
			ret = 0;
		}
	free(v);
	return ret;
}

struct row_sink {
	struct pdns_conv *cv;
	struct zone *z;
	pdns_diag_fn diag;
	void *ctx;
	int added;
};

static int one_row(void *ctx, const struct sql_text *col, size_t ncol)
{
	struct row_sink *s = ctx;
	struct pdns_row r;
	struct zrr rr;
	const char *why;
	char id[32];
	int ret;

	if (ncol != 7)
		return SQL_EBROKEN;
	r = (struct pdns_row){ col[0], col[1], col[2], col[3], col[4], col[5],
			       col[6] };
	ret = pdns_row_rr(s->cv, &r, &rr, &why);
	if (ret == 1) {
		s->added++;
		return zone_add(s->z, &rr);
	}
	if (ret < 0 && s->diag) {
		snprintf(id, sizeof(id), "%.*s", r.id.s ? (int)r.id.len : 4,
			 r.id.s ? r.id.s : "NULL");
		s->diag(s->ctx, "records", id, why);
	}
	return 0;
}

int pdns_rows(struct sql_conn *c, int64_t domain_id,
	      const struct sql_text *names, size_t nnames,
	      struct pdns_conv *cv, struct zone *z, pdns_diag_fn diag,
	      void *ctx)
{
	struct row_sink s = { cv, z, diag, ctx, 0 };
	char id[24];
	struct sql_text p[2];
	int ret = 0;

	snprintf(id, sizeof(id), "%lld", (long long)domain_id);
	p[0] = sql_str(id);
	if (!names)
		ret = sql_query_piped(c, sql_zone_rows, p, 1, one_row, &s);
	for (size_t i = 0; names && i < nnames && ret == 0; i++) {
		p[1] = names[i];
		ret = sql_query(c, sql_name_rows, p, 2, one_row, &s);
	}
	return ret < 0 ? ret : s.added;
}

struct load_diag {
	pdns_diag_fn diag;
	void *ctx;
};

/* The checks name a record by its "file" and "line": the table and
 * the row id. */
static void check_diag(void *ctx, const char *file, unsigned line,
		       bool error, const char *msg)
{
	struct load_diag *d = ctx;
	char id[16];

	if (!error || !d->diag)
		return;
	(void)file;     /* "records": the only table records come from */
	snprintf(id, sizeof(id), "%u", line);
	d->diag(d->ctx, NULL, line ? id : NULL, msg);
}

int pdns_load_zone(struct sql_conn *c, const struct pdns_domain *d,
		   struct zdb_zone **out, pdns_diag_fn diag, void *ctx)
{
	struct load_diag ld = { diag, ctx };
	struct pdns_conv cv;
	struct zone z;
	int ret;

	*out = NULL;
	if (pdns_conv_init(&cv, d->origin) < 0)
		return BN_ENOMEM;
	zone_init(&z, d->origin, CLASS_IN);
	z.apex_glue_err = true;
	ret = pdns_rows(c, d->id, NULL, 0, &cv, &z, diag, ctx);
	pdns_conv_clear(&cv);
	if (ret < 0) {
		zone_clear(&z);
		return ret;
	}
	return zonefile_finish(&z, out, check_diag, &ld, false);
}
