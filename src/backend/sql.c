/* The SQL drivers known to banchi, chosen by a target's scheme, and what
 * every caller of a driver shares (error texts, integer values). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/sql.h"
#include "base/error.h"

extern const struct sql_driver sql_sqlite_driver;

static const struct sql_driver *const drivers[] = {
	&sql_sqlite_driver,
};

const struct sql_driver *sql_driver_for(const char *uri, const char **target)
{
	const char *colon = uri ? strchr(uri, ':') : NULL;

	if (!colon)
		return NULL;
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		size_t n = strlen(drivers[i]->scheme);
		if ((size_t)(colon - uri) == n &&
		    strncmp(uri, drivers[i]->scheme, n) == 0) {
			*target = colon + 1;
			return drivers[i];
		}
	}
	return NULL;
}

int sql_connect(struct sql_conn *c, const char *uri, unsigned flags,
		unsigned busy_ms, char *err, size_t cap)
{
	const char *target;

	c->db = NULL;
	c->drv = sql_driver_for(uri, &target);
	if (!c->drv) {
		snprintf(err, cap, "'%s': unknown database (sqlite:PATH)",
			 uri ? uri : "");
		return BN_EINVAL;
	}
	return c->drv->open(&c->db, uri, flags, busy_ms, err, cap);
}

void sql_disconnect(struct sql_conn *c)
{
	if (c->db)
		c->drv->close(c->db);
	c->db = NULL;
}

const char *sql_strerror(int err)
{
	switch (err) {
	case SQL_EBUSY:
		return "database locked";
	case SQL_EGONE:
		return "database gone (removed, replaced or unreachable)";
	case SQL_EBROKEN:
		return "database unusable (corrupt, not a database, or not "
		       "PowerDNS's schema)";
	case SQL_EREADONLY:
		return "database read-only";
	default:
		return bn_strerror(err);
	}
}

bool sql_int(const struct sql_text *t, int64_t *v)
{
	char buf[32], *end;
	long long x;

	if (!t->s || t->len == 0 || t->len >= sizeof(buf))
		return false;
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	errno = 0;
	x = strtoll(buf, &end, 10);
	if (errno || *end || end == buf || buf[0] == ' ' || buf[0] == '\t')
		return false;
	*v = x;
	return true;
}
