/* The SQL drivers known to banchi, chosen by a target's scheme, and what
 * every caller of a driver shares (error texts, integer values). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/sql.h"
#include "base/error.h"

extern const struct sql_driver sql_sqlite_driver;
extern const struct sql_driver sql_pg_driver;
extern const struct sql_driver sql_pg_driver_short;

static const struct sql_driver *const drivers[] = {
	&sql_sqlite_driver,
	&sql_pg_driver,         /* "postgresql://..." */
	&sql_pg_driver_short,   /* "postgres://..." */
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
		snprintf(err, cap, "'%s': unknown database (sqlite:PATH or "
			 "postgresql://...)",
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

/* By hand: every row has a few of these (PowerDNS's ids, TTLs), and
 * strtoll wants a NUL-terminated copy. */
bool sql_int(const struct sql_text *t, int64_t *v)
{
	const char *p = t->s, *end;
	bool neg = false;
	uint64_t x = 0;

	if (!p || !t->len)
		return false;
	end = p + t->len;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (p == end || end - p > 19)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	if (x > (uint64_t)INT64_MAX + neg)
		return false;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return true;
}
