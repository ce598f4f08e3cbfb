/* A change to one zone, in the form IXFR carries it (RFC 1995 4): the
 * SOA it starts from, the records removed, the SOA it ends at, the
 * records added. UPDATE produces one, the journal stores them, IXFR in
 * reads them, the store applies them. Records are copied into the
 * change's own arena, names uncompressed. */
#ifndef BANCHI_ZONE_CHANGE_H
#define BANCHI_ZONE_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

struct zchange_rr {
	const uint8_t *owner;           /* wire name, case as received */
	const uint8_t *rdata;           /* uncompressed */
	uint32_t ttl;
	uint16_t type;
	uint16_t rdlen;
};

struct zchange {
	struct arena arena;
	struct zchange_rr soa_from, soa_to;     /* owner: the zone's origin */
	struct zchange_rr *del, *add;
	size_t ndel, nadd;
	size_t cap_del, cap_add;
};

void zchange_init(struct zchange *c);
void zchange_clear(struct zchange *c);  /* frees; init again to reuse */

/* Copies a record into the removed or the added list. 0 or BN_ENOMEM,
 * BN_EINVAL for a name that is not a valid uncompressed name. */
int zchange_del(struct zchange *c, const uint8_t *owner, uint16_t type,
		uint32_t ttl, const uint8_t *rdata, uint16_t rdlen);
int zchange_add(struct zchange *c, const uint8_t *owner, uint16_t type,
		uint32_t ttl, const uint8_t *rdata, uint16_t rdlen);
/* Sets soa_from or soa_to (a copy). */
int zchange_set_soa(struct zchange *c, bool to, const uint8_t *origin,
		    uint32_t ttl, const uint8_t *rdata, uint16_t rdlen);

/* Sets soa_from or soa_to to a copy of soa with another serial. 0,
 * BN_EINVAL (not an SOA's RDATA), BN_ENOMEM. */
int zchange_set_soa_serial(struct zchange *c, bool to,
			   const struct zchange_rr *soa, uint32_t serial);

/* The serial in an SOA's RDATA (the 32 bits after the two names); 0
 * when the RDATA is too short to hold one. */
uint32_t zchange_soa_serial(const uint8_t *rdata, uint16_t rdlen);
static inline uint32_t zchange_from(const struct zchange *c)
{
	return zchange_soa_serial(c->soa_from.rdata, c->soa_from.rdlen);
}
static inline uint32_t zchange_to(const struct zchange *c)
{
	return zchange_soa_serial(c->soa_to.rdata, c->soa_to.rdlen);
}

/* RFC 1982 serial arithmetic: a is after b. */
static inline bool serial_after(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t)(a - b) < 0x80000000u;
}

/* Octets the change's records take (owner, fixed part, RDATA), as they
 * would in a message: for bounding journals and transfers. */
size_t zchange_size(const struct zchange *c);

/* Chained changes merged into one with the same effect (replaying a
 * journal: one new version instead of one per change). Copies what it
 * is given. */
struct zm_ent;
struct zmerge {
	struct zchange store;           /* the copies, and the SOAs */
	struct zm_ent *ent;
	size_t n, cap;
	size_t changes;
};

void zmerge_init(struct zmerge *m);
void zmerge_clear(struct zmerge *m);
/* The next change (starting where the one before ended). */
int zmerge_add(struct zmerge *m, const struct zchange *c);
/* The net change into out (zchange_init()ed): from the first change's
 * SOA to the last one's. BN_EINVAL when none was added. */
int zmerge_finish(struct zmerge *m, struct zchange *out);

#endif
