/* Internals of the patch (zdb_patch.c, zdb_patch_index.c, zdb_edit.c):
 * the new content of each node a change touches. */
#ifndef BANCHI_ZONE_ZDB_PATCH_INT_H
#define BANCHI_ZONE_ZDB_PATCH_INT_H

#include "zone/change.h"
#include "zone/zdb_int.h"

/* One record of a node being edited; rd points into the old version's
 * block or into the change. */
struct zdb_item {
	const uint8_t *rd;
	uint32_t ttl;
	uint16_t type, covered, len;
};

struct zdb_edit {
	const uint8_t *owner;           /* the old node's, or the change's */
	const struct zdb_node *old;     /* in the base version, or NULL */
	size_t old_ix;                  /* its index, or where it would go
					 * (the index of the node before) */
	struct zdb_item *it;
	size_t n, cap, nsets, bytes;
	size_t old_n;                   /* records the node had */
};

int zdb_edit_load(struct zdb_edit *e);
int zdb_edit_del(struct zdb_edit *e, const struct zchange_rr *rr);
int zdb_edit_add(struct zdb_edit *e, const struct zchange_rr *rr);
size_t zdb_edit_finish(struct zdb_edit *e);
void zdb_edit_place(const struct zdb_edit *e, uint8_t *dst,
		    struct zdb_node *n, bool apex);
size_t zdb_node_bytes(const struct zdb_node *n);

/* The edits a change makes, one per name, in canonical order, each
 * loaded with its node's records and the change applied. 0, BN_ENOMEM,
 * BN_EINVAL (the change does not start at this version's SOA, or names
 * a record outside the zone), BN_ENOTFOUND (it removes a record the zone
 * does not hold). */
int zdb_collect_edits(const struct zdb_zone *b, const struct zchange *c,
		      struct zdb_edit **out, size_t *n);

/* How old node indices move: from old index `from` on (up to the next
 * stretch), new = old + delta, or the nodes are gone (ZDB_DROPPED). */
#define ZDB_DROPPED INT64_MIN

struct zdb_shift {
	uint32_t from;
	int64_t delta;
};

struct zdb_remap {
	struct zdb_shift *shift;
	size_t nshift, capshift;
	size_t ndropped;
	uint32_t *fresh;                /* new indices of nodes to index */
	size_t nfresh, capfresh;
};

/* The new version's index (allocated in its arena) from the base's:
 * remapped when the table keeps its size, else built again. 0 or
 * BN_ENOMEM. */
int zdb_patch_index(struct zdb_zone *nz, const struct zdb_zone *base,
		    const struct zdb_remap *rm);

/* A new, empty version of base's zone (its origin, its pool of spare
 * spines), or NULL. */
struct zdb_zone *zdb_version_new(const struct zdb_zone *b);

/* *out made from base by rewriting in place the nodes of the edits
 * (bytes: their records' size) when every edit keeps its node and the
 * zone's structure (zdb_patch_inplace.c): 0, or 1 when the change
 * needs a merge (nothing made), or BN_ENOMEM. */
int zdb_patch_in_place(struct zdb_zone **out, const struct zdb_zone *base,
		       const struct zdb_edit *ed, size_t ned, size_t bytes);

#endif
