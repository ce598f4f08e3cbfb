/* A long query read on a second thread (sql_query_piped): the database
 * client's work per row (libpq's result per row, SQLite's step) and the
 * caller's (parsing and storing the record) take about as long each on
 * a whole-zone read, so each gets a core. The reader copies rows into
 * chunks; the caller takes full chunks in order and runs its callback
 * on each row. Two chunks in flight bound the memory. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "backend/sql.h"
#include "base/error.h"

#define CHUNK_ROWS 4096
#define CHUNK_BYTES (512 * 1024)
#define CHUNK_COLS 8            /* the widest row piped */
#define STOPPED 1               /* the reader's rows refused: stop */

struct chunk {
	struct sql_text col[CHUNK_ROWS * CHUNK_COLS];
	size_t ncol[CHUNK_ROWS];
	size_t rows, used;
	char data[CHUNK_BYTES];
};

struct pipe {
	struct sql_conn *c;
	const char *sql;
	const struct sql_text *param;
	size_t nparam;
	struct chunk *buf[2];
	int fill;               /* the chunk the reader fills */
	bool full[2];           /* handed to the caller */
	bool done, stop;        /* reader finished; caller gave up */
	int ret;                /* the reader's query result */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* The reader's chunk handed over; false when the caller stopped. */
static bool hand_over(struct pipe *p)
{
	bool go;

	pthread_mutex_lock(&p->mu);
	p->full[p->fill] = true;
	pthread_cond_broadcast(&p->cv);
	p->fill ^= 1;
	while (p->full[p->fill] && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	go = !p->stop;
	pthread_mutex_unlock(&p->mu);
	if (go)
		p->buf[p->fill]->rows = p->buf[p->fill]->used = 0;
	return go;
}

static size_t row_bytes(const struct sql_text *col, size_t n)
{
	size_t need = 0;

	for (size_t i = 0; i < n; i++)
		need += col[i].s ? col[i].len : 0;
	return need;
}

static int copy_row(void *ctx, const struct sql_text *col, size_t n)
{
	struct pipe *p = ctx;
	struct chunk *k = p->buf[p->fill];
	size_t need = row_bytes(col, n);
	struct sql_text *out;

	if (n > CHUNK_COLS || need > CHUNK_BYTES)
		return BN_EINVAL;       /* a row that fits no chunk */
	if (k->rows == CHUNK_ROWS || k->used + need > CHUNK_BYTES) {
		if (!hand_over(p))
			return STOPPED;
		k = p->buf[p->fill];
	}
	out = &k->col[k->rows * CHUNK_COLS];
	for (size_t i = 0; i < n; i++) {
		out[i].len = col[i].len;
		out[i].s = NULL;
		if (!col[i].s)
			continue;
		/* offsets: made pointers by the caller (the chunk is
		 * the caller's by then, and does not move) */
		out[i].s = (const char *)(uintptr_t)(k->used + 1);
		memcpy(k->data + k->used, col[i].s, col[i].len);
		k->used += col[i].len;
	}
	k->ncol[k->rows++] = n;
	return 0;
}

static void *reader(void *arg)
{
	struct pipe *p = arg;
	int ret = sql_query(p->c, p->sql, p->param, p->nparam, copy_row, p);

	pthread_mutex_lock(&p->mu);
	p->ret = ret;
	if (ret == 0 && p->buf[p->fill]->rows)
		p->full[p->fill] = true;
	p->done = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The caller's rows of chunk k, given to fn. */
static int feed(struct chunk *k, sql_row_fn fn, void *ctx)
{
	int ret = 0;

	for (size_t r = 0; ret == 0 && r < k->rows; r++) {
		struct sql_text *col = &k->col[r * CHUNK_COLS];
		for (size_t i = 0; i < k->ncol[r]; i++)
			if (col[i].s)
				col[i].s = k->data + ((uintptr_t)col[i].s - 1);
		ret = fn(ctx, col, k->ncol[r]);
	}
	return ret;
}

/* Takes the chunks in order until the reader is done or fn refuses. */
static int consume(struct pipe *p, sql_row_fn fn, void *ctx)
{
	int take = 0, ret = 0;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->full[take] && !p->done)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->full[take]) {
			pthread_mutex_unlock(&p->mu);
			return ret;
		}
		pthread_mutex_unlock(&p->mu);
		ret = feed(p->buf[take], fn, ctx);
		pthread_mutex_lock(&p->mu);
		p->full[take] = false;
		if (ret != 0)
			p->stop = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (ret != 0)
			return ret;
		take ^= 1;
	}
}

int sql_query_piped(struct sql_conn *c, const char *sql,
		    const struct sql_text *param, size_t nparam,
		    sql_row_fn fn, void *ctx)
{
	struct pipe p = { .c = c, .sql = sql, .param = param,
			  .nparam = nparam };
	pthread_t th;
	int ret;

	p.buf[0] = malloc(sizeof(struct chunk));
	p.buf[1] = malloc(sizeof(struct chunk));
	if (!p.buf[0] || !p.buf[1]) {
		free(p.buf[0]);
		free(p.buf[1]);
		return sql_query(c, sql, param, nparam, fn, ctx);
	}
	p.buf[0]->rows = p.buf[0]->used = 0;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (pthread_create(&th, NULL, reader, &p) != 0) {
		ret = sql_query(c, sql, param, nparam, fn, ctx);
	} else {
		ret = consume(&p, fn, ctx);
		pthread_join(th, NULL);
		if (ret == 0)
			ret = p.ret;
	}
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	free(p.buf[0]);
	free(p.buf[1]);
	return ret;
}
