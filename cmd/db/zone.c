/* banchi-db import and export: a zone file read as banchi-auth reads it
 * (zonefile_load) written as PowerDNS rows (pdns_write), and a
 * database zone read as banchi-auth reads it (pdns_load_zone) written
 * as a master file (zonefile_write). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/pdns_sql.h"
#include "backend/pdns_write.h"
#include "backend/zonefile.h"
#include "backend/zonefile_write.h"
#include "base/error.h"
#include "db.h"

/* Warnings past this many are counted, not listed (a generated zone
 * can have one per name). */
#define WARNINGS_LISTED 50

struct file_diag {
	const char *path;
	unsigned warnings;
};

static void file_diag(void *ctx, const char *file, unsigned line, bool error,
		      const char *msg)
{
	struct file_diag *d = ctx;
	/* the checks' warnings say so themselves */
	const char *w = error || !strncmp(msg, "warning: ", 9) ? "" :
			"warning: ";

	if (!error && ++d->warnings > WARNINGS_LISTED)
		return;
	if (file)
		fprintf(stderr, "%s:%u: %s%s\n", file, line, w, msg);
	else
		fprintf(stderr, "%s: %s%s\n", d->path, w, msg);
}

static int write_zone(const char *uri, const struct zdb_zone *z,
		      const char *origin, bool replace)
{
	struct pdns_write_stats st;
	struct sql_conn c;
	int ret;

	if (db_connect(&c, uri, 0) < 0)
		return DB_FAIL;
	ret = pdns_write_zone(&c, z, replace, &st);
	if (ret == BN_EINVAL)
		fprintf(stderr, "banchi-db: %s: zone %s is in the database "
			"already (domains row %lld): --replace replaces its "
			"records\n", uri, origin, (long long)st.domain_id);
	else if (ret <= SQL_EBUSY)
		fprintf(stderr, "banchi-db: %s: %s: %s (nothing written)\n",
			uri, sql_strerror(ret), sql_errmsg(&c));
	else if (ret < 0)
		fprintf(stderr, "banchi-db: %s: %s (nothing written)\n", uri,
			sql_strerror(ret));
	else
		printf("%s: zone %s: %zu records, %zu empty non-terminals "
		       "written (domains row %lld)\n", uri, origin,
		       st.records, st.ents, (long long)st.domain_id);
	if (ret == 0 && st.replaced)
		printf("%s: zone %s: its %zu old rows replaced\n", uri, origin,
		       st.removed);
	sql_disconnect(&c);
	return ret < 0 ? DB_FAIL : DB_OK;
}

int db_import(const char *uri, const char *origin, const char *file,
	      bool replace)
{
	uint8_t o[NAME_MAXLEN];
	char name[NAME_TEXT_MAX];
	struct file_diag fd = { file, 0 };
	struct zdb_zone *z;
	int ret;

	if (db_origin(origin, o) < 0)
		return DB_USAGE;
	name_to_text(name, sizeof(name), o);
	ret = zonefile_load(&z, o, file, file_diag, &fd, true);
	if (fd.warnings > WARNINGS_LISTED)
		fprintf(stderr, "%s: %u more warnings (not listed)\n", file,
			fd.warnings - WARNINGS_LISTED);
	if (ret != 0) {
		fprintf(stderr, "banchi-db: %s: %s: nothing written\n", file,
			ret < 0 ? bn_strerror(ret) : "the zone is refused");
		return DB_FAIL;
	}
	ret = write_zone(uri, z, name, replace);
	zdb_zone_unref(z);
	return ret;
}

struct row_diag {
	const char *uri;
	unsigned bad;
	unsigned disabled;
};

static void row_diag(void *ctx, const char *table, const char *id,
		     const char *why)
{
	struct row_diag *d = ctx;

	if (table && !strcmp(table, "records"))
		d->bad++;       /* not another zone's bad domains row */
	if (table)
		fprintf(stderr, "%s: %s row %s: %s\n", d->uri, table, id, why);
	else if (id)
		fprintf(stderr, "%s: records row %s: %s\n", d->uri, id, why);
	else
		fprintf(stderr, "%s: %s\n", d->uri, why);
}

/* Disabled rows are no records of the zone: not in the file, but said
 * (a zone file has no way to hold them). */
static const char sql_disabled[] =
	"SELECT id, name, type, content FROM records WHERE domain_id = ?"
	" AND type IS NOT NULL AND (disabled IS NULL OR NOT disabled = ?)"
	" ORDER BY id";

static int disabled_row(void *ctx, const struct sql_text *col, size_t n)
{
	struct row_diag *d = ctx;

	if (n != 4)
		return SQL_EBROKEN;
	if (++d->disabled <= 50)
		fprintf(stderr, "%s: records row %.*s: disabled, not written: "
			"%.*s %.*s %.*s\n", d->uri, (int)col[0].len,
			col[0].s ? col[0].s : "", (int)col[1].len,
			col[1].s ? col[1].s : "", (int)col[2].len,
			col[2].s ? col[2].s : "", col[3].len > 200 ? 200 :
			(int)col[3].len, col[3].s ? col[3].s : "");
	return 0;
}

static int list_disabled(struct sql_conn *c, const struct pdns_domain *d,
			 struct row_diag *rd)
{
	char id[24];
	struct sql_text p[2];
	int ret;

	snprintf(id, sizeof(id), "%lld", (long long)d->id);
	p[0] = sql_str(id);
	p[1] = sql_str("0");
	ret = sql_query(c, sql_disabled, p, 2, disabled_row, rd);
	if (ret == 0 && rd->disabled > 50)
		fprintf(stderr, "%s: %u more disabled rows (not listed)\n",
			rd->uri, rd->disabled - 50);
	return ret;
}

/* The zone read whole in one transaction. 0 with *z, or says why. */
static int db_read_zone(struct sql_conn *c, const char *uri,
			const uint8_t *origin, struct zdb_zone **z,
			unsigned *bad)
{
	struct row_diag rd = { uri, 0, 0 };
	struct pdns_domain d;
	char name[NAME_TEXT_MAX];
	int ret = sql_begin(c);

	*z = NULL;
	if (ret == 0)
		ret = pdns_find_domain(c, origin, &d, row_diag, &rd);
	if (ret == BN_ENOTFOUND) {
		name_to_text(name, sizeof(name), origin);
		fprintf(stderr, "banchi-db: %s: no zone %s in domains\n", uri,
			name);
	}
	if (ret == 0)
		ret = pdns_load_zone(c, &d, z, row_diag, &rd);
	if (ret == 0)
		ret = list_disabled(c, &d, &rd);
	sql_exec(c, "COMMIT");
	if (ret < 0 && *z) {
		zdb_zone_unref(*z);
		*z = NULL;
	}
	if (ret < 0 && ret != BN_ENOTFOUND)
		fprintf(stderr, "banchi-db: %s: %s: %s\n", uri,
			sql_strerror(ret), sql_errmsg(c));
	else if (ret > 0)
		fprintf(stderr, "banchi-db: %s: zone %s: its rows make no "
			"valid zone\n", uri, d.name);
	*bad = rd.bad;
	return ret;
}

int db_export(const char *uri, const char *origin, const char *out)
{
	uint8_t o[NAME_MAXLEN];
	struct zdb_zone *z = NULL;
	struct sql_conn c;
	unsigned bad = 0;
	int ret;

	if (db_origin(origin, o) < 0)
		return DB_USAGE;
	if (db_connect(&c, uri, SQL_OPEN_READONLY) < 0)
		return DB_FAIL;
	ret = db_read_zone(&c, uri, o, &z, &bad);
	sql_disconnect(&c);
	if (ret != 0)
		return DB_FAIL;
	ret = out ? zonefile_save(out, z) : zonefile_write(stdout, z);
	if (ret < 0)
		fprintf(stderr, "banchi-db: %s: %s\n", out ? out : "stdout",
			bn_strerror(ret));
	zdb_zone_unref(z);
	if (ret == 0 && bad)
		fprintf(stderr, "banchi-db: %s: %u bad rows left out of the "
			"zone written\n", uri, bad);
	return ret < 0 || bad ? DB_FAIL : DB_OK;
}
