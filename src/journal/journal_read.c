/* Reading changes back (IXFR out, replay at start): the records from a
 * serial on, each read with pread at the offset the index gave when the
 * walk started, checked again (the disk may have changed since the scan)
 * and decoded into a temporary zchange. Appends may run meanwhile; they
 * only add records after the ones the walk took. */
#include <errno.h>
#include <stdlib.h>

#include "base/error.h"
#include "journal/journal_int.h"

struct rbuf_heap {
	uint8_t *p;
	size_t cap;
};

static int read_change(struct journal *j, const struct jentry *e,
		       struct rbuf_heap *b, journal_change_fn *fn, void *ctx)
{
	struct jrec_info h;
	struct zchange c;
	int ret;

	if (e->len > b->cap) {
		uint8_t *np = realloc(b->p, e->len);

		if (!np)
			return BN_ENOMEM;
		b->p = np;
		b->cap = e->len;
	}
	ret = jpread(j->fd, b->p, e->len, e->off);
	if (ret == BN_ETRUNC)
		errno = EBADMSG;
	if (ret)
		return BN_EIO;
	jrec_head(b->p, &h);
	if (h.len != e->len || h.crc != jrec_crc(b->p, e->len) ||
	    jrec_check(b->p, e->len, j->origin)) {
		errno = EBADMSG;
		return BN_EIO;
	}
	zchange_init(&c);
	ret = jrec_decode(b->p, e->len, &c);
	if (!ret)
		ret = fn(ctx, &c);
	zchange_clear(&c);
	return ret;
}

/* Index of the newest record starting at from, or -1; *n the count. */
static long find_start(struct journal *j, uint32_t from, size_t *n)
{
	long i;

	pthread_mutex_lock(&j->lock);
	*n = j->n;
	for (i = (long)j->n - 1; i >= 0; i--)
		if (j->ent[i].from == from)
			break;
	if (i < 0 && j->n && j->ent[j->n - 1].to == from)
		i = (long)j->n;         /* up to date: nothing to walk */
	pthread_mutex_unlock(&j->lock);
	return i;
}

int journal_read(struct journal *j, uint32_t from, journal_change_fn *fn,
		 void *ctx)
{
	struct rbuf_heap b = { NULL, 0 };
	struct jentry e;
	size_t n;
	long i;
	int ret = 0;

	pthread_rwlock_rdlock(&j->swap);
	i = find_start(j, from, &n);
	if (i < 0)
		ret = BN_ENOTFOUND;
	for (size_t k = i < 0 ? n : (size_t)i; k < n && !ret; k++) {
		pthread_mutex_lock(&j->lock);
		e = j->ent[k];
		pthread_mutex_unlock(&j->lock);
		ret = read_change(j, &e, &b, fn, ctx);
	}
	pthread_rwlock_unlock(&j->swap);
	free(b.p);
	return ret;
}
