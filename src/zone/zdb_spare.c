/* Spare spines: the node array and index of a replaced version, kept for
 * the next version of the same zone instead of unmapped. A fresh mapping
 * costs a page fault and the zeroing of every page (a quarter of making
 * a version of a large zone); a reused one is written over. The versions
 * of one zone share one pool, which keeps nothing until the thread that
 * makes versions in quick succession asks it to, and empties it when
 * none is coming (zdb_zone_keep_spares), so an idle zone, or one that
 * changes now and then, holds no second copy. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "zone/zdb_int.h"

#define SPARE_MAX 2                     /* one version's nodes and index */
#define SPARE_SLACK ((size_t)4 << 20)   /* larger by at most this: reused */

struct zdb_spare {
	atomic_uint refs;
	pthread_mutex_t mu;
	void *map[SPARE_MAX];
	size_t len[SPARE_MAX];
	size_t n;
	bool keep;
};

struct zdb_spare *zdb_spare_new(void)
{
	struct zdb_spare *s = calloc(1, sizeof(*s));

	if (s) {
		atomic_init(&s->refs, 1);
		pthread_mutex_init(&s->mu, NULL);
	}
	return s;
}

struct zdb_spare *zdb_spare_ref(struct zdb_spare *s)
{
	if (s)
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

static void spare_empty(struct zdb_spare *s)
{
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->n; i++)
		munmap(s->map[i], s->len[i]);
	s->n = 0;
	pthread_mutex_unlock(&s->mu);
}

void zdb_spare_unref(struct zdb_spare *s)
{
	if (!s || atomic_fetch_sub_explicit(&s->refs, 1,
					    memory_order_acq_rel) != 1)
		return;
	spare_empty(s);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* A kept mapping of at least len octets (its length in *got), or NULL. */
void *zdb_spare_get(struct zdb_spare *s, size_t len, size_t *got)
{
	void *p = NULL;

	if (!s)
		return NULL;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->n && !p; i++) {
		if (s->len[i] < len || s->len[i] - len > SPARE_SLACK)
			continue;
		p = s->map[i];
		*got = s->len[i];
		s->map[i] = s->map[--s->n];
		s->len[i] = s->len[s->n];
	}
	pthread_mutex_unlock(&s->mu);
	return p;
}

/* Keeps a freed version's mapping; the oldest kept one goes when the
 * pool is full (the newest fit the next version best). */
void zdb_spare_put(struct zdb_spare *s, void *map, size_t len)
{
	void *out = map;
	size_t outlen = len;

	if (s) {
		pthread_mutex_lock(&s->mu);
		out = !s->keep ? map : s->n == SPARE_MAX ? s->map[0] : NULL;
		outlen = s->len[0];
		if (out == map) {
			pthread_mutex_unlock(&s->mu);
			munmap(map, len);
			return;
		}
		if (out) {
			s->n--;
			memmove(s->map, s->map + 1, s->n * sizeof(*s->map));
			memmove(s->len, s->len + 1, s->n * sizeof(*s->len));
		}
		s->map[s->n] = map;
		s->len[s->n++] = len;
		pthread_mutex_unlock(&s->mu);
	}
	if (out)
		munmap(out, outlen);
}

void zdb_zone_keep_spares(const struct zdb_zone *z, bool keep)
{
	if (!z || !z->spare)
		return;
	pthread_mutex_lock(&z->spare->mu);
	z->spare->keep = keep;
	pthread_mutex_unlock(&z->spare->mu);
	if (!keep)
		spare_empty(z->spare);
}
