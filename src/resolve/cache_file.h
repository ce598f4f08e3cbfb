/* The cache kept across a restart (banchi-resolver --cache-file): its
 * entries written at stop and read back at start with their TTLs aged
 * by the time passed. Data only: ranks and kinds as cached, RRSIGs and
 * DNSSEC status left out (read back entries are not validated yet, so
 * a validating resolver checks them again). No I/O here: the writer
 * hands out chunks, the reader takes the file's bytes. The format:
 * CACHE_FILE_MAGIC, the wall clock at save (u64 seconds), then one
 * record per entry (big-endian): kind u8, rank u8, type u16, class u16,
 * TTL left u32, count u16, owner length u8 and owner, second name
 * length u8 and name (a negative entry's SOA owner, a synthesised
 * CNAME's DNAME owner), RDATA length u32 and the items (u16 length,
 * octets). */
#ifndef BANCHI_RESOLVE_CACHE_FILE_H
#define BANCHI_RESOLVE_CACHE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "resolve/cache.h"

#define CACHE_FILE_MAGIC "banchi cache 1\n"     /* 15 octets */

/* Called with each chunk of the file in order; nonzero stops. */
typedef int cache_out_fn(void *ctx, const uint8_t *p, size_t n);

/* Writes every live entry of c at now_ms (expired ones and local data
 * left out); wall_s is the wall clock now. The entries written, or a
 * negative error (out's, or BN_ENOMEM). */
long cache_save(struct cache *c, uint64_t now_ms, uint64_t wall_s,
		cache_out_fn *out, void *ctx);

struct cache_load_stats {
	size_t loaded;          /* entries inserted */
	size_t expired;         /* past their TTL by now: skipped */
	size_t refused;         /* not taken by the cache (caps, size) */
};

/* Reads data (len octets) into c at now_ms, aging each TTL by wall_s
 * less the saved clock (a clock gone backwards ages nothing). 0, or
 * BN_EINVAL at the first malformed record (those before it are kept:
 * *st says how many), BN_EINVAL for a file that is not one (no magic). */
int cache_load(struct cache *c, const uint8_t *data, size_t len,
	       uint64_t now_ms, uint64_t wall_s, struct cache_load_stats *st);

#endif
