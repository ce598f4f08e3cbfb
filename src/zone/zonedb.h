/* Serving form of zones: built once from a finished, checked struct zone,
 * then immutable and shared by every worker thread without locks. A
 * struct zonedb is the set of served zones; the daemon builds a new one
 * on reload and publishes it with one pointer swap (RCU), reusing the
 * zones that did not change (zones are reference counted). */
#ifndef BANCHI_ZONE_ZONEDB_H
#define BANCHI_ZONE_ZONEDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/name.h"
#include "zone/zone.h"

struct zdb_rdata {
	const uint8_t *data;            /* stored (uncompressed) RDATA */
	uint16_t len;
};

/* One RRset; rr[0 .. count) in canonical order. */
struct zdb_rrset {
	uint16_t type;
	uint16_t count;
	uint32_t ttl;
	const struct zdb_rdata *rr;
};

enum zdb_node_flags {
	ZDB_APEX = 1 << 0,
	ZDB_DELEG = 1 << 1,             /* NS at a non-apex node: a zone cut */
	ZDB_NONAUTH = 1 << 2,           /* strictly below a cut (glue, occluded) */
	ZDB_WILDCARD_CHILD = 1 << 3,    /* "*." + this name exists */
	ZDB_ENT = 1 << 4,               /* no RRsets: an empty non-terminal */
	ZDB_CNAME = 1 << 5,             /* has a CNAME RRset */
	ZDB_DNAME = 1 << 6,             /* has a DNAME RRset */
	ZDB_OCCLUDED = 1 << 7,          /* strictly below a DNAME */
	ZDB_WILDCARD = 1 << 8,          /* the owner is "*." + its parent */
	ZDB_NSEC3 = 1 << 9,             /* holds NSEC3 and its RRSIGs only:
					 * a hashed owner name */
	ZDB_HIDDEN = 1 << 10,           /* ZDB_NSEC3 with no node below it:
					 * looked up as if it did not exist
					 * (RFC 5155 7.2.8) */
};

/* Nodes are reached through their zone (zdb_zone_node, the lookups):
 * versions of a zone share the stretches of nodes a change leaves
 * alone, so a node's neighbours are found by index, not by address. */
struct zdb_node {
	const uint8_t *owner;           /* wire name, case as in the zone */
	const struct zdb_rrset *sets;   /* sorted by type */
	uint32_t up;                    /* index of the node one label up
					 * (zdb_node_parent); ZDB_TOP at apex */
	uint32_t ix;                    /* its own index (zdb_zone_node) */
	uint16_t nsets;
	uint16_t flags;                 /* enum zdb_node_flags */
	uint8_t labels;                 /* name_labels(owner) */
};

struct zdb_zone;                        /* opaque: nodes, hash index, arena */

/* Builds the serving form of a finished zone (zone_finish() done, not
 * refused). Every empty non-terminal becomes a ZDB_ENT node so that every
 * ancestor of a node, up to the apex, exists. The result has one
 * reference. 0 or BN_ENOMEM / BN_EINVAL (no SOA at the apex). */
int zdb_zone_build(struct zdb_zone **out, const struct zone *z);

/* A new version of base with change c applied (c starts at base's
 * SOA), sharing base's untouched records; base is left as it was, and
 * the new version has one reference. 0, BN_ENOMEM, BN_EINVAL (c does
 * not start at base's serial, its new SOA is missing, or it names a
 * record outside the zone), BN_ENOTFOUND (c removes a record that base
 * does not hold). */
struct zchange;
/* A version of base that differs only in its SOA serial (a serial raised
 * without a change of records): 0 with *out, or zdb_zone_patch's error. */
int zdb_zone_with_serial(struct zdb_zone **out, const struct zdb_zone *base,
			 uint32_t serial);
int zdb_zone_patch(struct zdb_zone **out, const struct zdb_zone *base,
		   const struct zchange *c);
/* Octets of records no node of this version points to any more (kept
 * alive by the chain of record blocks): a compaction is due when they
 * grow large against the zone. */
size_t zdb_zone_dead(const struct zdb_zone *z);
/* The change that turns version a into version b of the same zone:
 * records of a not in b removed, of b not in a added (a TTL change is
 * both), soa_from a's SOA, soa_to b's. out is zchange_init()ed. 0,
 * BN_ENOMEM, BN_EINVAL (a version without an SOA). */
int zdb_zone_diff(const struct zdb_zone *a, const struct zdb_zone *b,
		  struct zchange *out);
/* The same records built whole again, in a version of its own (no
 * chain). 0 or BN_ENOMEM. */
int zdb_zone_compact(struct zdb_zone **out, const struct zdb_zone *z);
/* Whether z's dead records are worth a compaction: over 1 MiB and over
 * a quarter of what the zone holds. */
bool zdb_zone_compact_due(const struct zdb_zone *z);

void zdb_zone_ref(struct zdb_zone *z);
void zdb_zone_unref(struct zdb_zone *z);    /* frees at zero */

const uint8_t *zdb_zone_origin(const struct zdb_zone *z);
const struct zdb_node *zdb_zone_apex(const struct zdb_zone *z);
uint32_t zdb_zone_serial(const struct zdb_zone *z);
size_t zdb_zone_node_count(const struct zdb_zone *z);
size_t zdb_zone_rr_count(const struct zdb_zone *z);
size_t zdb_zone_memory(const struct zdb_zone *z);  /* bytes held */
/* Whether the spines of this zone's replaced versions are kept for its
 * next versions (faster to make: no page to fault in and zero) rather
 * than unmapped: for a thread about to make many; false also unmaps
 * those kept. Off at first. */
void zdb_zone_keep_spares(const struct zdb_zone *z, bool keep);

/* Exact (case-insensitive) match, or NULL. O(1): hash index. */
const struct zdb_node *zdb_zone_find(const struct zdb_zone *z,
				     const uint8_t *name);

/* Nodes in canonical order (RFC 4034 6.1), the apex first, empty
 * non-terminals included; 0 <= i < zdb_zone_node_count(). */
const struct zdb_node *zdb_zone_node(const struct zdb_zone *z, size_t i);

#define ZDB_TOP UINT32_MAX              /* the apex's up */

/* The node one label up from n, a node of z; NULL for the apex. */
const struct zdb_node *zdb_node_parent(const struct zdb_zone *z,
				       const struct zdb_node *n);

/* Canonical position of a name at or below the origin (binary search):
 * the index of its node, *found true, or of the last node before it (its
 * NSEC predecessor), *found false. */
size_t zdb_zone_search(const struct zdb_zone *z, const uint8_t *name,
		       bool *found);

/* RRset of a type at a node, or NULL. RRSIGs make one set per type
 * covered (as in struct zone), consecutive in nsets; for RR_RRSIG the
 * first of them is returned. */
const struct zdb_rrset *zdb_node_rrset(const struct zdb_node *n,
				       uint16_t type);

/* The RRSIG set covering a type at a node, or NULL. */
const struct zdb_rrset *zdb_node_rrsig(const struct zdb_node *n,
				       uint16_t covered);

/* The result of walking qname down from the apex (RFC 1034 4.3.2 step 3).
 * The walk stops at the first node strictly above qname that is a zone
 * cut (ZDB_DELEG) or holds a DNAME, or at qname itself. */
struct zdb_lookup {
	const struct zdb_node *node;    /* qname's node (exact), or NULL */
	const struct zdb_node *encloser;/* deepest existing node on the way
					 * (the closest encloser when node
					 * is NULL); never NULL */
	const struct zdb_node *cut;     /* cut above qname, or at qname */
	const struct zdb_node *dname;   /* DNAME node strictly above qname
					 * (the apex counts), or NULL */
	const struct zdb_node *wildcard;/* "*." + encloser, when node, cut
					 * and dname are NULL and it exists */
};

/* qname must be at or below the zone's origin. */
void zdb_zone_lookup(const struct zdb_zone *z, const uint8_t *qname,
		     struct zdb_lookup *r);

/* Lowercase names live in buffers with this much room, so that a label's
 * last octets can be read eight at a time. */
#define ZDB_NAMEBUF (NAME_MAXLEN + 8)

/* A name lowercased once, with its label offsets and the hash state of
 * every suffix: h[k] is the suffix of k labels, at lc + off[n - k].
 * Preparing is most of a lookup's cost for a short name: a query name
 * prepared once serves the zone choice and the lookup (the _q calls). */
struct zdb_qname {
	uint8_t lc[ZDB_NAMEBUF];
	uint8_t off[NAME_MAXLABELS + 1];
	uint64_t h[NAME_MAXLABELS + 1];
	int n;
	int len;                        /* wire length, root included */
};

void zdb_qname_prep(struct zdb_qname *q, const uint8_t *name);
/* The same, reading no further than name + max (max >= 1), for octets
 * not yet checked to be a name; what comes out is then only a guess
 * (the name is cut at max, or at a length octet over 63: a pointer),
 * that the caller must confirm against the checked name. */
void zdb_qname_prep_max(struct zdb_qname *q, const uint8_t *name,
			size_t max);
/* True if q is the zone's origin or below it. */
bool zdb_zone_has(const struct zdb_zone *z, const struct zdb_qname *q);
/* zdb_zone_lookup of a prepared name (zdb_zone_has true). */
void zdb_zone_lookup_q(const struct zdb_zone *z, const struct zdb_qname *q,
		       struct zdb_lookup *r);

/* Software pipelining of exact matches over a batch of names (as DPDK
 * and VPP do their table lookups): on a large zone each step of a probe
 * (index slot, node, owner and RRsets) is a cache miss that depends on
 * the one before. Running one step for every name of the batch before
 * the next step lets the misses of different names overlap. Hints only:
 * a later lookup gives the same result with or without them, and a
 * step reads only what the step before fetched. */
struct zdb_prefetch {
	const struct zdb_zone *z;
	uint64_t m;                     /* mixed hash of the name probed */
	const struct zdb_node *n;       /* candidate node, or NULL */
	int k;                          /* labels of a suffix of the query
					 * probed (zdb_prefetch_walk) */
};

/* Step 1: fetch the index slot of q (zdb_zone_has(z, q) true). */
void zdb_prefetch_slot(struct zdb_prefetch *p, const struct zdb_zone *z,
		       const struct zdb_qname *q);
/* Step 1 for the first probe of the walk that follows when q is not in
 * z (the bisection's first suffix); false when the walk probes none. */
bool zdb_prefetch_walk(struct zdb_prefetch *p, const struct zdb_zone *z,
		       const struct zdb_qname *q);
/* Step 1 for a valid uncompressed name (a target in RDATA); false when
 * it is not at or below z's origin. */
bool zdb_prefetch_name(struct zdb_prefetch *p, const struct zdb_zone *z,
		       const uint8_t *name);
/* Step 1 for "*." + the suffix of q with k labels (as the walk asks
 * when that suffix has a wildcard child). */
void zdb_prefetch_wildcard(struct zdb_prefetch *p, const struct zdb_zone *z,
			   const struct zdb_qname *q, int k);
/* Step 2: the node that the slot's tag points at, if any. */
void zdb_prefetch_node(struct zdb_prefetch *p);
/* Step 3: that node's RRsets, owner and the RDATA after them. */
void zdb_prefetch_data(const struct zdb_prefetch *p);

/* NSEC3 (RFC 5155) of a zone whose apex has an NSEC3PARAM of SHA-1 and
 * flags 0 (the first such): the chain of the NSEC3 records made with its
 * parameters, ordered by hash, and the hash of every authoritative name
 * computed when the version is made (built or patched), so that the
 * proofs for a name that exists need no hashing. NULL: no such chain. */
struct nsec3_param;
const struct nsec3_param *zdb_zone_nsec3(const struct zdb_zone *z);

/* The NSEC3 node whose hash matches (*exact true) or covers (the one
 * before it, cyclically; *exact false) the hash of node n's name (n a
 * node of z, not a hashed owner). NULL when the zone has no chain. */
const struct zdb_node *zdb_nsec3_node(const struct zdb_zone *z,
				      const struct zdb_node *n, bool *exact);

/* The same for any name at or below the origin: its hash is computed
 * (the NSEC3PARAM's iterations + 1 SHA-1 runs). */
const struct zdb_node *zdb_nsec3_name(const struct zdb_zone *z,
				      const uint8_t *name, bool *exact);

/* The set of zones served. */
struct zonedb;

struct zonedb *zonedb_new(void);
/* Frees the set and drops its references to the zones. */
void zonedb_free(struct zonedb *db);
/* Adds a reference to zone; a zone with the same origin is replaced.
 * 0 or BN_ENOMEM. */
int zonedb_add(struct zonedb *db, struct zdb_zone *zone);
/* The zone with this origin (exactly), or NULL. */
struct zdb_zone *zonedb_get(const struct zonedb *db, const uint8_t *origin);
/* The deepest zone whose origin is qname or an ancestor, or NULL. */
const struct zdb_zone *zonedb_find(const struct zonedb *db,
				   const uint8_t *qname);
/* zonedb_find of a prepared name. */
const struct zdb_zone *zonedb_find_q(const struct zonedb *db,
				     const struct zdb_qname *q);
size_t zonedb_count(const struct zonedb *db);
/* i-th zone, 0 <= i < zonedb_count(), in no particular order. */
struct zdb_zone *zonedb_at(const struct zonedb *db, size_t i);

#endif
