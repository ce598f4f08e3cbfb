/* A zone's journal replayed over its stored base at start: the changes
 * after the base's serial merged into one and applied in one version
 * (a version per change would copy a large zone thousands of times). */
#include "authd/journal_replay.h"
#include "base/error.h"

static int take(void *ctx, const struct zchange *c)
{
	return zmerge_add(ctx, c);
}

int journal_replay(struct journal *j, struct zdb_zone **v, size_t *n)
{
	struct zdb_zone *next = NULL;
	struct zmerge m;
	struct zchange c;
	int ret;

	*n = 0;
	zmerge_init(&m);
	zchange_init(&c);
	ret = journal_read(j, zdb_zone_serial(*v), take, &m);
	if (ret == 0 && m.changes)
		ret = zmerge_finish(&m, &c);
	if (ret == 0 && m.changes)
		ret = zdb_zone_patch(&next, *v, &c);
	if (ret == 0 && next) {
		zdb_zone_unref(*v);
		*v = next;
		*n = m.changes;
	}
	zchange_clear(&c);
	zmerge_clear(&m);
	return ret;
}
