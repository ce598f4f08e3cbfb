/* Bump allocator over a list of large blocks; oversized requests get a
 * block of their own so the current block is not wasted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : (size_t)1 << 20;
	a->total = 0;
}

void arena_clear(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

static struct arena_block *block_new(size_t cap)
{
	struct arena_block *b = malloc(sizeof(*b) + cap);
	if (!b)
		return NULL;
	b->used = 0;
	b->cap = cap;
	return b;
}

void *arena_alloc(struct arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	struct arena_block *b = a->head;
	if (!b || b->cap - b->used < size) {
		if (size > a->block_size / 4) {
			/* Big request: own block, linked behind the current one. */
			struct arena_block *big = block_new(size);
			if (!big)
				return NULL;
			big->used = size;
			if (b) {
				big->next = b->next;
				b->next = big;
			} else {
				big->next = NULL;
				a->head = big;
			}
			a->total += size;
			return big->data;
		}
		b = block_new(a->block_size);
		if (!b)
			return NULL;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += size;
	a->total += size;
	return p;
}

void *arena_memdup(struct arena *a, const void *src, size_t len)
{
	void *p = arena_alloc(a, len ? len : 1);
	if (p && len)
		memcpy(p, src, len);
	return p;
}
