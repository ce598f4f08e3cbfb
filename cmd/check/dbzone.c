/* banchi-check zone ORIGIN DB: the zone's rows in a PowerDNS database
 * (sqlite:PATH, postgresql://...) read as banchi-auth reads them
 * (pdns_row.h) into the zone the checks run on, each record carrying
 * its row id as its "line"; bad rows reported by id. */
#include <stdio.h>

#include "backend/pdns_sql.h"
#include "base/error.h"
#include "check.h"

/* The domains row of origin, or says why. */
static int find(struct sql_conn *c, const char *uri, const uint8_t *origin,
		struct pdns_domain *out, pdns_diag_fn diag, void *ctx)
{
	char name[NAME_TEXT_MAX];
	int ret = pdns_find_domain(c, origin, out, diag, ctx);

	if (ret == BN_ENOTFOUND) {
		name_to_text(name, sizeof(name), origin);
		fprintf(stderr, "banchi-check: %s: no zone %s in domains\n",
			uri, name);
	} else if (ret < 0) {
		fprintf(stderr, "banchi-check: %s: %s: %s\n", uri,
			sql_strerror(ret), sql_errmsg(c));
	}
	return ret;
}

int check_db_load(struct zone *z, const char *uri, const uint8_t *origin,
		  pdns_diag_fn diag, void *ctx)
{
	char err[512];
	struct sql_conn c;
	struct pdns_domain d;
	struct pdns_conv cv;
	int ret = sql_connect(&c, uri, SQL_OPEN_READONLY, 10000, err,
			      sizeof(err));

	if (ret < 0) {
		fprintf(stderr, "banchi-check: %s\n", err);
		return 2;
	}
	if (pdns_conv_init(&cv, origin) < 0) {
		sql_disconnect(&c);
		return 2;
	}
	ret = sql_begin(&c);
	if (ret == 0)
		ret = find(&c, uri, origin, &d, diag, ctx);
	if (ret == 0) {
		z->apex_glue_err = true;        /* as banchi-auth reads it */
		ret = pdns_rows(&c, d.id, NULL, 0, &cv, z, diag, ctx);
		if (ret < 0)
			fprintf(stderr, "banchi-check: %s: %s: %s\n", uri,
				sql_strerror(ret), sql_errmsg(&c));
	}
	sql_exec(&c, "COMMIT");
	pdns_conv_clear(&cv);
	sql_disconnect(&c);
	return ret < 0 ? 2 : 0;
}
