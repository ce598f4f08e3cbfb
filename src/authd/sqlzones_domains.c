/* Zones added to and removed from the database while banchi-auth runs
 * (sqlzones.h): when a domains row changes, or everything is read
 * again, the domains are listed once more in the read transaction. A new
 * NATIVE or MASTER domain is read whole and handed to the writer, which
 * takes it on (journal, IXFR, UPDATE, NOTIFY, as for one of the start);
 * one deleted, renamed or made another kind is served no more. Renamed:
 * the old name goes, the new one comes. */
#include <stdlib.h>
#include <string.h>

#include "authd/sqlzones.h"
#include "authd/updater.h"
#include "base/error.h"
#include "daemon/log.h"

static bool kept(const struct pdns_domain *d)
{
	return d->kind == PDNS_NATIVE || d->kind == PDNS_MASTER;
}

/* z still a zone of the list: the same id, name and a kind served. */
static bool listed(const struct pdns_domain *d, size_t n,
		   const struct sqlz_zone *z)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].id == z->d.id && kept(&d[i]) &&
		    name_equal(d[i].origin, z->d.origin))
			return true;
	return false;
}

/* Served no more (the writer first: it never writes to a zone it no
 * longer has), then out of the list. */
static void drop_zone(struct sqlzones *s, size_t i)
{
	struct sqlz_zone *z = &s->z[i];
	int ret = updater_remove(s->upd, z->d.origin);

	if (ret < 0 && ret != BN_ENOTFOUND)
		log_err("zone %s: removed from the database, still served: "
			"%s", z->d.name, bn_strerror(ret));
	else
		log_info("zone %s: no longer in the database (or not a "
			 "zone served): no longer served", z->d.name);
	sqlz_cache_drop(s, z);
	pthread_mutex_lock(&s->zmu);
	memmove(&s->z[i], &s->z[i + 1], (s->n - i - 1) * sizeof(*s->z));
	s->n--;
	pthread_mutex_unlock(&s->zmu);
}

static int append(struct sqlzones *s, const struct pdns_domain *d)
{
	int ret = 0;

	pthread_mutex_lock(&s->zmu);
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		struct sqlz_zone *z = realloc(s->z, cap * sizeof(*z));
		if (z) {
			s->z = z;
			s->cap = cap;
		}
		ret = z ? 0 : BN_ENOMEM;
	}
	if (ret == 0) {
		memset(&s->z[s->n], 0, sizeof(s->z[s->n]));
		s->z[s->n].d = *d;
		s->z[s->n].fresh = true;
		s->n++;
	}
	pthread_mutex_unlock(&s->zmu);
	return ret;
}

/* A name the config serves (a zone file, a secondary): it stays the
 * config's, the database's rows of it left alone until a restart. */
static bool served_otherwise(struct sqlzones *s, struct sqlz_zone *z)
{
	struct zdb_zone *v = sqlz_served(s, z);

	if (!v)
		return false;
	zdb_zone_unref(v);
	log_err("zone %s: in the database and in the config (a zone file, a "
		"secondary or the catalog): served from the config",
		z->d.name);
	z->clash = true;
	return true;
}

/* Read whole and served; a database error takes it out again (the next
 * listing finds it new once more). */
static int add_zone(struct sqlzones *s, const struct pdns_domain *d)
{
	int ret = append(s, d);

	if (ret < 0)
		return ret;
	log_info("zone %s: added to the database (%s)", d->name, d->type);
	if (served_otherwise(s, &s->z[s->n - 1]))
		return 0;
	ret = sqlz_whole(s, &s->z[s->n - 1]);
	if (ret < 0) {
		pthread_mutex_lock(&s->zmu);
		s->n--;
		pthread_mutex_unlock(&s->zmu);
	}
	return ret;
}

int sqlz_domains(struct sqlzones *s)
{
	struct pdns_domain *d = NULL;
	size_t nd = 0;
	int ret = pdns_domains(&s->c, &d, &nd, sqlz_row_diag, NULL);

	for (size_t i = s->n; ret == 0 && i-- > 0;)
		if (!listed(d, nd, &s->z[i]))
			drop_zone(s, i);
	for (size_t i = 0; ret == 0 && i < nd; i++)
		if (kept(&d[i]) && !sqlz_find(s, d[i].origin))
			ret = add_zone(s, &d[i]);
	free(d);
	return ret;
}
