/* The start cache of a database zone (sqlzones.h): NAME.dbcache in the
 * zone dir, the zone as its rows make it written as a zone file, its
 * first line a key of the database's state it was read at. At start the
 * key is read again (a few indexed queries in the start's read
 * transaction); when it is the same, the file is loaded (the zone-file
 * loader: twice as fast as the rows) and checked against the count and
 * digest its first line gives, else the rows are read as ever. The key:
 * the database (a hash of --zone-db, PostgreSQL's database OID), the
 * domain's id, the last change id (banchi_changes: every write of
 * records goes through its triggers), the domain's records' count and
 * max(id), and its SOA rows. Used only when the triggers were there
 * before this start (else writes may have passed untracked). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/sqlzones.h"
#include "authd/zone_dir.h"
#include "backend/sql_track.h"
#include "backend/zonefile.h"
#include "base/error.h"
#include "daemon/log.h"
#include "wire/rrtype.h"

#define HEAD "; banchi-dbcache 1 key="

uint64_t sqlz_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* One text column as a key part, NULL told apart from "". */
static int text_row(void *ctx, const struct sql_text *col, size_t n)
{
	uint64_t *h = ctx;

	for (size_t i = 0; i < n; i++) {
		*h = sqlz_fnv(*h, col[i].s ? "v" : "n", 1);
		*h = sqlz_fnv(*h, &col[i].len, sizeof(col[i].len));
		if (col[i].s)
			*h = sqlz_fnv(*h, col[i].s, col[i].len);
	}
	return 0;
}

/* The hash of a query's rows (param: domain_id, and the apex name). */
static int rows_hash(struct sqlzones *s, const char *sql, const char *id,
		     const char *name, uint64_t *h)
{
	struct sql_text p[2] = { sql_str(id), sql_str(name) };

	*h = 0xcbf29ce484222325ULL;
	return sql_query(&s->c, sql, p, !id ? 0 : name ? 2 : 1, text_row,
			 h);
}

static int last_row(void *ctx, const struct sql_text *col, size_t n)
{
	int64_t *v = ctx;

	if (n == 1 && col[0].s && !sql_int(&col[0], v))
		return SQL_EBROKEN;
	return 0;
}

int sqlz_cache_key(struct sqlzones *s, const struct sqlz_zone *z,
		   char *key, size_t cap, int64_t *last)
{
	char id[24], apex[NAME_TEXT_MAX];
	uint64_t recs = 0, soa = 0, ident = 0;
	size_t n = strlen(z->d.name);
	int ret;

	*last = -1;
	snprintf(id, sizeof(id), "%" PRId64, z->d.id);
	/* records.name as PowerDNS writes it: no final dot, "" the root */
	snprintf(apex, sizeof(apex), "%.*s", (int)(n ? n - 1 : 0), z->d.name);
	ret = sql_query(&s->c, sql_changes_last, NULL, 0, last_row, last);
	if (ret == 0)
		ret = rows_hash(s, sql_cache_records, id, NULL, &recs);
	if (ret == 0)
		ret = rows_hash(s, sql_cache_soa, id, apex, &soa);
	if (ret == 0 && s->c.drv->identity)
		ret = rows_hash(s, s->c.drv->identity, NULL, NULL, &ident);
	if (ret < 0)
		return ret;
	snprintf(key, cap, "%016" PRIx64 ".%016" PRIx64 ".%s.%" PRId64
		 ".%016" PRIx64 ".%016" PRIx64,
		 sqlz_fnv(0xcbf29ce484222325ULL, s->uri, strlen(s->uri)),
		 ident, id, *last, recs, soa);
	return 0;
}

uint64_t sqlz_soa_hash(const struct zdb_zone *v)
{
	const struct zdb_rrset *soa =
		zdb_node_rrset(zdb_zone_apex(v), RR_SOA);
	uint64_t h = 0xcbf29ce484222325ULL;

	if (soa && soa->count) {
		h = sqlz_fnv(h, &soa->ttl, sizeof(soa->ttl));
		h = sqlz_fnv(h, soa->rr[0].data, soa->rr[0].len);
	}
	return h;
}

void sqlz_cache_head(char *buf, size_t cap, const char *key,
		     const struct zdb_zone *v, uint64_t digest,
		     const char *name)
{
	snprintf(buf, cap, HEAD "%s rrs=%zu digest=%016" PRIx64
		 " soa=%016" PRIx64 "\n; the zone %s as the database held it"
		 " then, loaded at start while the key holds (banchi-auth "
		 "writes it; do not edit)\n", key, zdb_zone_rr_count(v),
		 digest, sqlz_soa_hash(v), name);
}

struct head {
	char key[SQLZ_KEY_MAX];
	size_t rrs;
	uint64_t digest, soa;
};

/* The first line of path; why set when it is not one of ours. */
static bool read_head(const char *path, struct head *h, const char **why)
{
	char line[512], fmt[64];
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f) {
		*why = "no such file (the first start, or it was removed)";
		return false;
	}
	ok = fgets(line, sizeof(line), f) &&
	     strncmp(line, HEAD, sizeof(HEAD) - 1) == 0;
	fclose(f);
	snprintf(fmt, sizeof(fmt), "%%%zus rrs=%%zu digest=%%" SCNx64
		 " soa=%%" SCNx64, sizeof(h->key) - 1);
	if (!ok || sscanf(line + sizeof(HEAD) - 1, fmt, h->key, &h->rrs,
			  &h->digest, &h->soa) != 4) {
		*why = "its first line is not a start cache's key";
		return false;
	}
	return true;
}

struct first_err {
	char msg[256];
};

static void load_diag(void *ctx, const char *file, unsigned line,
		      bool error, const char *msg)
{
	struct first_err *e = ctx;

	(void)file;
	if (error && !e->msg[0])
		snprintf(e->msg, sizeof(e->msg), "line %u: %s", line, msg);
}

/* The file loaded and checked against its first line. */
static struct zdb_zone *load_checked(const struct sqlz_zone *z,
				     const char *path, const struct head *h,
				     uint64_t *digest, char *why, size_t cap)
{
	struct first_err e = { "" };
	struct zdb_zone *v = NULL;
	int ret = zonefile_load(&v, z->d.origin, path, load_diag, &e, false);

	if (ret != 0) {
		snprintf(why, cap, "it does not load: %s", ret < 0 ?
			 bn_strerror(ret) : e.msg);
		return NULL;
	}
	*digest = sqlz_digest(v);
	if (zdb_zone_rr_count(v) != h->rrs || *digest != h->digest ||
	    sqlz_soa_hash(v) != h->soa) {
		snprintf(why, cap, "its records are not those it was written "
			 "with (%zu records, %zu expected): damaged",
			 zdb_zone_rr_count(v), h->rrs);
		zdb_zone_unref(v);
		return NULL;
	}
	return v;
}

int sqlz_cache_load(struct sqlzones *s, struct sqlz_zone *z,
		    const char *key, struct zdb_zone **out, uint64_t *digest)
{
	char path[4200], why[400];
	const char *w = NULL;
	struct head h;

	*out = NULL;
	zone_dir_path(path, sizeof(path), s->cache_dir, z->d.origin,
		      "dbcache");
	if (!s->cache_trusted)
		w = "the change tracking was not in the database before this "
		    "start";
	else if (read_head(path, &h, &w) && strcmp(h.key, key) != 0)
		w = "the database changed since it was written";
	if (w)
		snprintf(why, sizeof(why), "%s", w);
	else
		*out = load_checked(z, path, &h, digest, why, sizeof(why));
	if (!*out) {
		log_info("zone %s: start cache %s not used: %s; reading the "
			 "rows", z->d.name, path, why);
		return 1;
	}
	return 0;
}
