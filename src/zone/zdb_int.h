/* Internals shared by the zonedb files: the serving zone's layout and the
 * name hash. Names hash label by label from the root so that the hashes
 * of all suffixes of a name come out of one right-to-left pass. */
#ifndef BANCHI_ZONE_ZDB_INT_H
#define BANCHI_ZONE_ZDB_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "dnssec/nsec3.h"
#include "wire/name.h"
#include "zone/zonedb.h"

#define ZDB_EMPTY UINT32_MAX            /* free hash slot */
#define ZDB_HASH_SEED 0xcbf29ce484222325ULL

/* A block of records (RRsets, RDATA entries, owners, RDATA octets) that
 * versions of a zone share: a patched version (zdb_patch.c) lays out only
 * the nodes it changed in a new block, which holds a reference to the
 * block before it, so a version keeps alive the chain it points into. */
struct zdb_recs {
	atomic_uint refs;
	struct zdb_recs *prev;
	size_t bytes;                   /* this block's, for reports */
	size_t chain;                   /* this block's and the older ones' */
	uint8_t *data;
};

struct zdb_recs *zdb_recs_new(size_t bytes, struct zdb_recs *prev);
void zdb_recs_unref(struct zdb_recs *r);

#define ZDB_MAPS 2                      /* nodes, index */
#define ZDB_MAP_MIN ((size_t)1 << 20)

/* Mappings of replaced versions kept for the next one (zdb_spare.c). */
struct zdb_spare;
struct zdb_spare *zdb_spare_new(void);
struct zdb_spare *zdb_spare_ref(struct zdb_spare *s);
void zdb_spare_unref(struct zdb_spare *s);
void *zdb_spare_get(struct zdb_spare *s, size_t len, size_t *got);
void zdb_spare_put(struct zdb_spare *s, void *map, size_t len);

/* The NSEC3 chain (zdb_nsec3.c). Hashes are kept as their first eight
 * octets (big-endian, so that they order as the hashes do); a tie is
 * settled by the owner's full hash. The chain's nodes are children of
 * the apex with labels of one length, so hash order is their canonical
 * order: node[] ascends as pre[] does. */
struct zdb_nsec3 {
	struct nsec3_param param;
	uint64_t *own;                  /* per node: its name's hash, 0 for
					 * none yet (hashed when asked) */
	uint64_t *pre;                  /* the chain: hash prefixes */
	uint32_t *node;                 /* the chain: node indices */
	size_t n;
	atomic_uint refs;               /* versions patched in place share
					 * it */
};

struct zdb_remap;
/* Builds z->n3 from z's nodes (nothing when the apex has no usable
 * NSEC3PARAM). 0 or BN_ENOMEM. */
int zdb_nsec3_build(struct zdb_zone *z);
/* nz->n3 from base->n3: the hashes of the nodes kept are moved as rm
 * moves the nodes, those of new nodes computed. 0 or BN_ENOMEM. */
int zdb_nsec3_patch(struct zdb_zone *nz, const struct zdb_zone *base,
		    const struct zdb_remap *rm);
void zdb_nsec3_unref(struct zdb_nsec3 *n3);

/* Nodes are reached through a table of chunks of ZDB_CHUNK nodes, so
 * that a version which only rewrites some nodes in place copies their
 * chunks and shares the rest (zdb_patch_inplace.c). */
#define ZDB_CHUNK_BITS 5
#define ZDB_CHUNK ((size_t)1 << ZDB_CHUNK_BITS)

/* The node array and index of a version built whole or patched by
 * merging: shared by the versions patched in place from it. */
struct zdb_spine {
	atomic_uint refs;
	struct arena arena;             /* nodes and index, when small */
	void *map[ZDB_MAPS];            /* when large: mapped on their own */
	size_t maplen[ZDB_MAPS];
	size_t nmap;
	struct zdb_spare *spare;        /* where the maps go when freed */
};

void zdb_spine_unref(struct zdb_spine *sp);

struct zdb_zone {
	atomic_uint refs;
	struct zdb_spine *sp;           /* holds the nodes and index */
	struct zdb_spare *spare;        /* shared with the other versions */
	struct zdb_recs *recs;          /* the records, shared by versions */
	size_t dead;                    /* bytes of recs no node points to */
	struct zdb_node **chunk;        /* chunk[i >> ZDB_CHUNK_BITS] holds
					 * node i (zdb_at) */
	uint32_t *index;                /* open addressing, linear probing */
	size_t mask;                    /* index slots - 1 */
	uint32_t imask;                 /* node index bits of a slot; the
					 * others hold a tag of the hash that
					 * spares most node reads on a miss */
	uint8_t ibits;
	size_t nnodes, nrr;
	struct zdb_nsec3 *n3;           /* NSEC3 chain, or NULL */
	uint32_t serial;
	uint8_t labels;                 /* of the origin */
	uint8_t origin_len;
	uint8_t origin[NAME_MAXLEN];    /* as configured */
	uint8_t origin_lc[NAME_MAXLEN];
};

static inline struct zdb_node *zdb_at(const struct zdb_zone *z, size_t i)
{
	return z->chunk[i >> ZDB_CHUNK_BITS] + (i & (ZDB_CHUNK - 1));
}

static inline size_t zdb_chunks(size_t nodes)
{
	return (nodes + ZDB_CHUNK - 1) >> ZDB_CHUNK_BITS;
}

/* z's chunk table over a node array of n nodes in one piece. 0 or BN_ENOMEM. */
int zdb_chunk_flat(struct zdb_zone *z, struct zdb_node *nodes, size_t n);

/* Shared by the build and the patch (zdb_build.c). */
uint8_t *zdb_spine_alloc(struct zdb_zone *zz, size_t total);
void zdb_index_size(struct zdb_zone *zz, size_t nodes, size_t slots,
		    bool clear);
void zdb_zone_free(struct zdb_zone *z);
void zdb_read_serial(struct zdb_zone *zz, const struct zdb_rrset *soa);

/* The owner's first label is "*" (the node is a wildcard). */
static inline bool zdb_owner_is_wildcard(const uint8_t *owner)
{
	return owner[0] == 1 && owner[1] == '*';
}

static inline uint8_t zdb_lower(uint8_t c)
{
	return (uint8_t)((unsigned)(c - 'A') < 26u ? c + 32 : c);
}

/* One label (length octet and lowercase text), a word at a time; only
 * the label's own octets count, so suffixes hash alike in any name. */
static inline uint64_t zdb_hash_label(uint64_t h, const uint8_t *label)
{
	size_t n = (size_t)label[0] + 1, i;
	uint64_t w;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, label + i, 8);
		h = (h ^ w) * 0x9fb21c651e98df25ULL;
		h ^= h >> 28;
	}
	if (i < n) {
		memcpy(&w, label + i, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		w &= ~0ULL >> (64 - 8 * (n - i));
#else
		w &= ~0ULL << (64 - 8 * (n - i));
#endif
		h = (h ^ w) * 0x9fb21c651e98df25ULL;
		h ^= h >> 28;
	}
	return h;
}

/* Final mix: the low bits pick the slot, the high ones make the tag. */
static inline uint64_t zdb_slot(uint64_t h)
{
	h ^= h >> 32;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/* Slot entry tag bits for a mixed hash. */
static inline uint32_t zdb_tag(const struct zdb_zone *z, uint64_t m)
{
	return (uint32_t)((m >> 32) << z->ibits);
}

/* True if owner (any case) spells lc (lowercase); owner is read only as
 * far as it agrees with lc, so it may be shorter. */
static inline bool zdb_equal_lc(const uint8_t *owner, const uint8_t *lc)
{
	size_t pos = 0;

	for (;;) {
		uint8_t len = lc[pos];
		if (owner[pos] != len)
			return false;
		if (!len)
			return true;
		/* zone data is mostly lowercase already: equal octets
		 * need no folding */
		for (size_t j = pos + 1; j <= pos + len; j++)
			if (owner[j] != lc[j] && zdb_lower(owner[j]) != lc[j])
				return false;
		pos += (size_t)len + 1;
	}
}

#endif
