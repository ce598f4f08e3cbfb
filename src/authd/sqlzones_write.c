/* Dynamic update on a database zone, written through (sqlzones.h): the
 * writer thread hands each change here before it journals and answers;
 * it goes into the database in one transaction on a connection of the
 * writer's own (the watcher's belongs to the watcher). The watcher then
 * sees the rows change, finds nothing to serve that is not served, and
 * the digest of what is served has moved by the change already. */
#include <stdatomic.h>
#include <stdio.h>

#include "authd/sqlzones.h"
#include "backend/pdns_change.h"
#include "base/error.h"

#define WRITE_BUSY_MS 2000      /* a lock waited for by one statement */

/* Under zmu: the watcher may add or remove zones meanwhile. */
static int write_locked(struct sqlzones *s, const uint8_t *origin,
			const struct zchange *c, char *why, size_t cap)
{
	struct sqlz_zone *z = sqlz_find(s, origin);
	int ret;

	if (!z) {
		snprintf(why, cap, "not a zone of the database");
		return BN_EINVAL;
	}
	if (!s->wc.db) {
		ret = sql_connect(&s->wc, s->uri, 0, WRITE_BUSY_MS, why, cap);
		if (ret < 0)
			return ret;
	}
	ret = pdns_write_change(&s->wc, z->d.id, z->d.origin, c, why, cap);
	if (ret == SQL_EGONE || ret == SQL_EBROKEN)
		sql_disconnect(&s->wc);         /* made again next time */
	if (ret == 0)
		atomic_fetch_add(&z->digest, sqlz_digest_change(0, c));
	return ret;
}

int sqlzones_write(void *arg, const uint8_t *origin, const struct zchange *c,
		   char *why, size_t cap)
{
	struct sqlzones *s = arg;
	int ret;

	pthread_mutex_lock(&s->zmu);
	ret = write_locked(s, origin, c, why, cap);
	pthread_mutex_unlock(&s->zmu);
	return ret;
}
