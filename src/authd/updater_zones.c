/* The writer's table of zones (updater.h): appended to by the writer
 * (at start, and when the database gains a zone), read by workers, XFR
 * and control threads without a lock. A zone never moves and is never
 * freed before updater_clear: one removed is only marked gone, and
 * taken on again if its name comes back. */
#include <stdlib.h>
#include <string.h>

#include "authd/updater_int.h"
#include "base/error.h"

struct upd_zone *upd_zone_new(const uint8_t *origin, bool db)
{
	struct upd_zone *uz = calloc(1, sizeof(*uz));

	if (!uz)
		return NULL;
	memcpy(uz->origin, origin, name_length(origin));
	zchange_init(&uz->pend);
	name_to_text(uz->name, sizeof(uz->name), uz->origin);
	uz->db = db;
	return uz;
}

/* Room for one more: a bigger array when full, the old one retired. */
static int grow(struct updater *u)
{
	size_t n = u->nzones, cap = u->capzones ? 2 * u->capzones : 8;
	struct upd_zone **old = u->zones, **z;
	void **r;

	if (n < u->capzones)
		return 0;
	z = calloc(cap, sizeof(*z));
	r = realloc(u->retired, (u->nretired + 1) * sizeof(*r));
	if (r)
		u->retired = r;
	if (!z || !r) {
		free(z);
		return BN_ENOMEM;
	}
	if (n)
		memcpy(z, old, n * sizeof(*z));
	u->zones = z;           /* before the count that reaches past old */
	u->capzones = cap;
	if (old)
		u->retired[u->nretired++] = old;
	return 0;
}

int upd_zones_append(struct updater *u, struct upd_zone *uz)
{
	size_t n = u->nzones;
	int ret = grow(u);

	if (ret == 0)
		ret = update_batch_reserve(u->scratch, n + 1);
	if (ret == 0)
		ret = update_batch_reserve(u->flush_scratch, n + 1);
	if (ret < 0)
		return ret;
	u->zones[n] = uz;
	u->nzones = n + 1;      /* updater_zone finds it from here on */
	return 0;
}

/* Gone ones too: a zone of the database that comes back reuses its. */
struct upd_zone *upd_zone_any(struct updater *u, const uint8_t *origin)
{
	size_t n = u->nzones;
	struct upd_zone **z = u->zones;

	for (size_t i = 0; i < n; i++)
		if (name_equal(z[i]->origin, origin))
			return z[i];
	return NULL;
}

struct upd_zone *updater_zone(struct updater *u, const uint8_t *origin)
{
	struct upd_zone *uz = upd_zone_any(u, origin);

	return uz && !uz->gone ? uz : NULL;
}

bool updater_has(const struct updater *u, const uint8_t *origin)
{
	return updater_zone((struct updater *)u, origin) != NULL;
}

void upd_zones_free(struct updater *u)
{
	for (size_t i = 0; i < u->nzones; i++) {
		struct upd_zone *uz = u->zones[i];
		journal_close(uz->j);
		zchange_clear(&uz->pend);
		free(uz->names);
		free(uz);
	}
	free(u->zones);
	for (size_t i = 0; i < u->nretired; i++)
		free(u->retired[i]);
	free(u->retired);
}
