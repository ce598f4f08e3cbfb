/* Bump allocator: many small allocations freed together. Used where a
 * structure is built once and dropped whole (zones, parser output). */
#ifndef BANCHI_BASE_ARENA_H
#define BANCHI_BASE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t block_size;
	size_t total;           /* bytes handed out, for memory reports */
};

/* block_size 0 picks a default (1 MiB). */
void arena_init(struct arena *a, size_t block_size);
/* Frees every block. The arena may be reused after arena_init(). */
void arena_clear(struct arena *a);
/* 8-byte aligned, NULL when out of memory. Never freed on its own. */
void *arena_alloc(struct arena *a, size_t size);
/* Copy of len bytes, NULL when out of memory. */
void *arena_memdup(struct arena *a, const void *src, size_t len);

#endif
