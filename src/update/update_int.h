/* Inside the UPDATE core: the working copy of the nodes a message
 * touches (each loaded whole from the zone on first touch, so that every
 * record sees the effect of the ones before it) and the state shared by
 * the prerequisite and update passes. */
#ifndef BANCHI_UPDATE_UPDATE_INT_H
#define BANCHI_UPDATE_UPDATE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "update/update.h"
#include "wire/rdata.h"

/* One RR of a working set. orig: it is in the zone's set; live: it is
 * in the set as the message left it so far. A set stays sorted in
 * canonical RDATA order, dead entries kept, so that re-adding finds them. */
struct wrr {
	const uint8_t *rd;
	uint16_t len;
	bool orig, live;
};

/* An RRset; RRSIGs make one per type covered, as in the zone. */
struct wset {
	uint16_t type, covered;
	uint32_t ttl, ttl0;     /* now, and in the zone */
	struct wrr *rr;
	uint32_t n, cap;
};

struct wnode {
	const uint8_t *owner;   /* the zone's spelling, else the message's */
	uint64_t hash;
	bool apex;
	struct wset *sets;      /* sorted by type, covered */
	uint16_t nsets, cap;
};

struct upd {
	const struct zdb_zone *z;
	const struct msg *m;
	struct update_info *info;
	struct arena arena;
	struct wnode **node;    /* in order of first touch */
	size_t nnode, capnode;
	struct wnode **slot;    /* open addressing on hash, nslot a power of 2 */
	size_t nslot;
	bool soa_set;           /* an update record set a later SOA */
	uint8_t owner[NAME_MAXLEN];
	uint8_t rd[RDATA_MAXLEN];
};

/* Which class of RR ("meta" as BIND's: OPT and 128-255). */
bool upd_type_meta(uint16_t type);

/* Logs into u->info ("what N: name TYPE " + the formatted rest). */
void upd_note(struct upd *u, enum update_section s, unsigned idx,
	      const uint8_t *owner, uint16_t type, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* The working node of a name at or below the origin, loaded from the
 * zone on first use; NULL when out of memory. */
struct wnode *work_node(struct upd *u, const uint8_t *owner);
/* The working node of a name if loaded, else NULL. */
struct wnode *work_peek(const struct upd *u, const uint8_t *owner);
/* The set of type (and covered, for RRSIG) at n, created empty when
 * create is true; NULL otherwise or out of memory. */
struct wset *work_set(struct upd *u, struct wnode *n, uint16_t type,
		      uint16_t covered, bool create);
/* Live RRs of a set. */
uint32_t work_live(const struct wset *s);
/* Index of rd in s, or -(insertion point) - 1. */
long work_find(const struct wset *s, const uint8_t *rd, uint16_t len);
/* Makes rd live in s (copied into the arena when new). 0 or BN_ENOMEM. */
int work_put(struct upd *u, struct wset *s, const uint8_t *rd,
	     uint16_t len);
/* The covered type of an RRSIG's RDATA (0 when too short). */
uint16_t work_covered(const uint8_t *rd, uint16_t len);
/* The net change into out (SOA sets aside). 0 or an error. */
int work_diff(struct upd *u, struct zchange *out);

/* RFC 2136 3.2: the prerequisite section against the zone as it is. */
uint16_t prereq_check(struct upd *u);
/* RFC 2136 3.4.2: the update section (prescanned) into the working copy. */
uint16_t apply_updates(struct upd *u);
/* BIND's check after a change: every apex NS inside the zone (and not
 * below a cut) has an address. RCODE_REFUSED when one has none. */
uint16_t apply_nscheck(struct upd *u);

#endif
