/* The set of served zones: an array (for iteration) and a hash of the
 * lowercased origins (indices into it). zonedb_find() probes qname's
 * suffixes deepest first, skipping label counts no zone origin has, so a
 * query costs one or two probes whatever the number of zones. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "zone/zdb_int.h"

struct zonedb {
	struct zdb_zone **zones;
	size_t count, cap;
	uint64_t *index;                /* hash tag << 32 | zones[] index */
	size_t mask;                    /* index slots - 1 */
	uint64_t depths[2];             /* bit k: some origin has k labels */
};

struct zonedb *zonedb_new(void)
{
	return calloc(1, sizeof(struct zonedb));
}

void zonedb_free(struct zonedb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->count; i++)
		zdb_zone_unref(db->zones[i]);
	free(db->zones);
	free(db->index);
	free(db);
}

#define SET_EMPTY UINT64_MAX

static uint64_t origin_hash(const struct zdb_zone *z)
{
	struct zdb_qname q;

	zdb_qname_prep(&q, z->origin_lc);
	return zdb_slot(q.h[q.n]);
}

static struct zdb_zone *zone_in(const struct zonedb *db, size_t slot)
{
	uint64_t e = db->index[slot];

	return e == SET_EMPTY ? NULL : db->zones[(uint32_t)e];
}

/* Slot holding the zone with the suffix of q of k labels, or the free
 * slot where it would go. */
static size_t slot_of(const struct zonedb *db, const struct zdb_qname *q,
		      int k)
{
	const uint8_t *lc = q->lc + q->off[q->n - k];
	size_t len = (size_t)(q->lc + q->len - lc);
	uint64_t m = zdb_slot(q->h[k]), e;
	size_t i = m & db->mask;

	/* The tag spares reading the zone on most mismatches. */
	for (; (e = db->index[i]) != SET_EMPTY; i = (i + 1) & db->mask) {
		const struct zdb_zone *z = db->zones[(uint32_t)e];
		if (e >> 32 == m >> 32 && z->origin_len == len &&
		    memcmp(z->origin_lc, lc, len) == 0)
			return i;
	}
	return i;
}

static int grow(struct zonedb *db)
{
	size_t slots = db->index ? 2 * (db->mask + 1) : 16;
	size_t cap = db->cap ? 2 * db->cap : 8;
	uint64_t *index = cap < UINT32_MAX ? malloc(slots * sizeof(*index))
					    : NULL;
	struct zdb_zone **zones = realloc(db->zones, cap * sizeof(*zones));

	if (zones)
		db->zones = zones;
	if (!index || !zones) {
		free(index);
		return BN_ENOMEM;
	}
	db->cap = cap;
	free(db->index);
	db->index = index;
	db->mask = slots - 1;
	memset(index, 0xff, slots * sizeof(*index));
	for (size_t i = 0; i < db->count; i++) {
		uint64_t m = origin_hash(db->zones[i]);
		size_t s = m & db->mask;
		while (index[s] != SET_EMPTY)
			s = (s + 1) & db->mask;
		index[s] = (m >> 32 << 32) | i;
	}
	return 0;
}

int zonedb_add(struct zonedb *db, struct zdb_zone *zone)
{
	struct zdb_qname q;
	size_t s;

	/* Zone array and index grow together, the index kept at most half
	 * full. */
	if (db->count == db->cap && grow(db) < 0)
		return BN_ENOMEM;
	zdb_qname_prep(&q, zone->origin_lc);
	s = slot_of(db, &q, q.n);
	zdb_zone_ref(zone);
	if (db->index[s] != SET_EMPTY) {
		zdb_zone_unref(zone_in(db, s));
		db->zones[(uint32_t)db->index[s]] = zone;
		return 0;
	}
	db->index[s] = (zdb_slot(q.h[q.n]) >> 32 << 32) | db->count;
	db->zones[db->count++] = zone;
	db->depths[zone->labels >> 6] |= 1ULL << (zone->labels & 63);
	return 0;
}

struct zdb_zone *zonedb_get(const struct zonedb *db, const uint8_t *origin)
{
	struct zdb_qname q;

	if (!db->count)
		return NULL;
	zdb_qname_prep(&q, origin);
	return zone_in(db, slot_of(db, &q, q.n));
}

const struct zdb_zone *zonedb_find_q(const struct zonedb *db,
				     const struct zdb_qname *q)
{
	if (!db->count)
		return NULL;
	for (int k = q->n; k >= 0; k--) {
		if (!(db->depths[k >> 6] & 1ULL << (k & 63)))
			continue;
		const struct zdb_zone *z = zone_in(db, slot_of(db, q, k));
		if (z)
			return z;
	}
	return NULL;
}

const struct zdb_zone *zonedb_find(const struct zonedb *db,
				   const uint8_t *qname)
{
	struct zdb_qname q;

	if (!db->count)
		return NULL;
	zdb_qname_prep(&q, qname);
	return zonedb_find_q(db, &q);
}

size_t zonedb_count(const struct zonedb *db)
{
	return db->count;
}

struct zdb_zone *zonedb_at(const struct zonedb *db, size_t i)
{
	return i < db->count ? db->zones[i] : NULL;
}
