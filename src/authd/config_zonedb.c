/* --zone-db / server.zone-db: the database whose zones are served
 * (sqlite:PATH or postgresql://...; the scheme names the driver,
 * sql.h). A relative SQLite
 * path is taken under the config file's directory, as zone files are.
 * One database: a later value replaces an earlier one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/config.h"
#include "backend/sql.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

int config_zonedb_flag(void *base, const struct cfg_opt *o, const char *v,
		       char *err)
{
	struct config *c = base;
	const struct sql_driver *d;
	const char *target;
	char *s;
	size_t n;

	(void)o;
	d = sql_driver_for(v, &target);
	if (!d)
		return ERR("zone-db: '%.300s' is not a database (sqlite:PATH or "
			   "postgresql://...)",
			   v);
	if (!*target)
		return ERR("zone-db: '%.300s': no path", v);
	n = strlen(v) + (c->basedir ? strlen(c->basedir) : 0) + 2;
	s = malloc(n);
	if (!s)
		return ERR("out of memory");
	if (strcmp(d->scheme, "sqlite") == 0 && target[0] != '/' &&
	    c->basedir)
		snprintf(s, n, "%s:%s/%s", d->scheme, c->basedir, target);
	else
		snprintf(s, n, "%s", v);
	free(c->zone_db);
	c->zone_db = s;
	return 0;
}
