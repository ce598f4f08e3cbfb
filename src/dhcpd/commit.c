/* banchi-dhcp's commit thread (commit.h). Two batches: the serving
 * thread fills one under the lock while the thread writes the other;
 * the arrays are kept and reused, so a round allocates nothing once
 * they have grown to the load. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "dhcpd/commit.h"
#include "dhcpd/sock.h"

struct creply {
	int fd;
	uint32_t to;
	uint16_t port, len;
	uint8_t pkt[DHCP_REPLY_MAX];
};

struct cbatch {
	struct dhcp_lease *rows;
	struct creply *out;
	size_t nrows, caprows, nout, capout;
};

struct commit {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t work, ended;
	struct store *st;
	ctl_counter *unsaved;
	struct cbatch fill, write;      /* write: the thread's own */
	uint32_t queued, tried, failed; /* under mu */
	_Atomic uint32_t done;
	bool stop;
	int efd;
};

static int grow(void **a, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*a, n * size);
	if (!p)
		return -1;
	*a = p;
	*cap = n;
	return 0;
}

static int add_rows(struct cbatch *b, struct dhcp_pool *const *p, size_t n,
		    uint32_t seq)
{
	size_t k, i, need = b->nrows;

	for (k = 0; k < n; k++)
		need += p[k]->ndirty;
	if (grow((void **)&b->rows, &b->caprows, need, sizeof(*b->rows)))
		return -1;
	for (k = 0; k < n; k++)
		for (i = 0; i < p[k]->ndirty; i++) {
			p[k]->dirty[i]->seq = seq;
			b->rows[b->nrows++] = *p[k]->dirty[i];
		}
	return 0;
}

static int add_replies(struct cbatch *b, const struct dhcp_out *o, size_t n,
		       int fd, const uint16_t *ports)
{
	struct creply *r;
	size_t i;

	if (grow((void **)&b->out, &b->capout, b->nout + n, sizeof(*b->out)))
		return -1;
	for (i = 0; i < n; i++) {
		if (!o[i].type)
			continue;
		r = &b->out[b->nout++];
		r->fd = fd;
		r->to = o[i].to;
		r->port = ports[o[i].dest];
		r->len = (uint16_t)o[i].len;
		memcpy(r->pkt, o[i].pkt, o[i].len);
	}
	return 0;
}

uint32_t commit_push(struct commit *c, struct dhcp_pool *const *p, size_t n,
		     const struct dhcp_out *out, size_t nout, int fd,
		     const uint16_t *ports)
{
	size_t rows, replies, k;
	uint32_t seq;

	pthread_mutex_lock(&c->mu);
	rows = c->fill.nrows;
	replies = c->fill.nout;
	seq = c->queued + 1 ? c->queued + 1 : 1;
	if (add_rows(&c->fill, p, n, seq) ||
	    add_replies(&c->fill, out, nout, fd, ports)) {
		c->fill.nrows = rows;   /* all or nothing */
		c->fill.nout = replies;
		seq = 0;
	} else {
		c->queued = seq;
		pthread_cond_signal(&c->work);
	}
	pthread_mutex_unlock(&c->mu);
	for (k = 0; seq && k < n; k++)
		dhcp_pool_saved(p[k]);
	return seq;
}

/* After a failed write the rows wait for the next attempt, before the
 * newer ones: the last row of an address wins. Kept one per address so
 * that a database down for long holds at most the pool's size. */
static int by_addr(const void *a, const void *b)
{
	const struct dhcp_lease *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int32_t)(x->seq - y->seq) < 0 ? -1 : 1;
}

static void keep_last(struct cbatch *b)
{
	size_t i, n = 0;

	qsort(b->rows, b->nrows, sizeof(*b->rows), by_addr);
	for (i = 0; i < b->nrows; i++) {
		if (i + 1 < b->nrows && b->rows[i + 1].addr == b->rows[i].addr)
			continue;
		b->rows[n++] = b->rows[i];
	}
	b->nrows = n;
}

/* The filled batch moved to the thread's: rows appended to what a
 * failed attempt left, replies swapped. Under mu. */
static void take(struct commit *c)
{
	struct cbatch *f = &c->fill, *w = &c->write, t = *w;

	if (!w->nrows) {        /* the usual case: the arrays change hands */
		*w = *f;
		*f = t;
	} else {
		size_t need = w->nrows + f->nrows;

		if (f->nrows && grow((void **)&w->rows, &w->caprows, need,
				     sizeof(*w->rows)) == 0) {
			memcpy(w->rows + w->nrows, f->rows,
			       f->nrows * sizeof(*f->rows));
			w->nrows += f->nrows;
			f->nrows = 0;
		}       /* else: taken next time */
		w->out = f->out;
		w->capout = f->capout;
		w->nout = f->nout;
		f->out = t.out;
		f->capout = t.capout;
	}
	f->nout = 0;
	c->tried = c->queued;
}

static void send_all(struct cbatch *b)
{
	size_t i;

	for (i = 0; i < b->nout; i++) {
		const struct creply *r = &b->out[i];

		if (dsock_send(r->fd, r->pkt, r->len, r->to, r->port) < 0)
			log_warn("send to port %u: %s", r->port,
				 strerror(errno));
	}
	b->nout = 0;
}

/* One attempt: the rows in one transaction, then the replies. */
static bool write_batch(struct commit *c, uint32_t seq)
{
	struct cbatch *w = &c->write;
	uint64_t one = 1;
	bool ok = store_put_rows(c->st, w->rows, w->nrows) == 0;
	ssize_t r;

	if (ok) {
		w->nrows = 0;
		send_all(w);
		atomic_store(&c->done, seq);
	} else {
		atomic_fetch_add_explicit(c->unsaved, w->nout,
					  memory_order_relaxed);
		w->nout = 0;
		keep_last(w);
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	r = write(c->efd, &one, sizeof(one));
	(void)r;                /* a full counter still reads as readable */
	return ok;
}

static void *run(void *arg)
{
	struct commit *c = arg;
	uint32_t seq;
	bool ok;

	for (;;) {
		pthread_mutex_lock(&c->mu);
		while (!c->stop && c->tried == c->queued && !c->write.nrows)
			pthread_cond_wait(&c->work, &c->mu);
		if (c->stop && c->tried == c->queued) {
			pthread_mutex_unlock(&c->mu);
			break;
		}
		take(c);
		seq = c->tried;
		pthread_mutex_unlock(&c->mu);
		ok = write_batch(c, seq);
		pthread_mutex_lock(&c->mu);
		if (!ok)
			c->failed = seq;
		pthread_cond_broadcast(&c->ended);
		pthread_mutex_unlock(&c->mu);
	}
	return NULL;
}

struct commit *commit_start(struct store *st, ctl_counter *unsaved)
{
	struct commit *c = calloc(1, sizeof(*c));

	if (!c) {
		log_err("out of memory");
		return NULL;
	}
	c->st = st;
	c->unsaved = unsaved;
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->work, NULL);
	pthread_cond_init(&c->ended, NULL);
	if (c->efd < 0 || pthread_create(&c->th, NULL, run, c)) {
		log_err("commit thread: %s", strerror(errno));
		if (c->efd >= 0)
			close(c->efd);
		free(c);
		return NULL;
	}
	return c;
}

void commit_stop(struct commit *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	if (c->write.nrows)
		log_err("lease db: %zu lease changes not written (their "
			"replies were not sent)", c->write.nrows);
	close(c->efd);
	free(c->fill.rows);
	free(c->fill.out);
	free(c->write.rows);
	free(c->write.out);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->work);
	pthread_cond_destroy(&c->ended);
	free(c);
}

uint32_t commit_last(struct commit *c)
{
	uint32_t seq;

	pthread_mutex_lock(&c->mu);
	seq = c->queued;
	pthread_mutex_unlock(&c->mu);
	return seq;
}

uint32_t commit_done(const struct commit *c)
{
	return atomic_load((_Atomic uint32_t *)&c->done);
}

int commit_wait(struct commit *c, uint32_t seq)
{
	int ret;

	pthread_mutex_lock(&c->mu);
	while (!commit_reached(commit_done(c), seq) &&
	       !(c->failed && commit_reached(c->failed, seq)))
		pthread_cond_wait(&c->ended, &c->mu);
	ret = commit_reached(commit_done(c), seq) ? 0 : -1;
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int commit_fd(const struct commit *c)
{
	return c->efd;
}
