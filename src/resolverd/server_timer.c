/* Per-worker timers: a binary min-heap of request deadlines (each
 * request has at most one: its upstream query's). A request knows its
 * slot (heap_idx) so that a reply cancels its timer in O(log n). */
#include <stdlib.h>

#include "base/error.h"
#include "resolverd/server_int.h"

static void place(struct rworker *w, size_t i, struct rtimer t)
{
	w->heap[i] = t;
	t.r->heap_idx = (long)i;
}

static void sift_up(struct rworker *w, size_t i)
{
	struct rtimer t = w->heap[i];

	while (i > 0 && w->heap[(i - 1) / 2].at > t.at) {
		place(w, i, w->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(w, i, t);
}

static void sift_down(struct rworker *w, size_t i)
{
	struct rtimer t = w->heap[i];
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= w->nheap)
			break;
		if (c + 1 < w->nheap && w->heap[c + 1].at < w->heap[c].at)
			c++;
		if (w->heap[c].at >= t.at)
			break;
		place(w, i, w->heap[c]);
		i = c;
	}
	place(w, i, t);
}

static void remove_at(struct rworker *w, size_t i)
{
	struct rreq *moved;

	w->heap[i].r->heap_idx = -1;
	if (--w->nheap == i)
		return;
	/* the last entry fills the hole: it may belong above or below */
	moved = w->heap[w->nheap].r;
	place(w, i, w->heap[w->nheap]);
	sift_down(w, i);
	sift_up(w, (size_t)moved->heap_idx);
}

int rtimer_set(struct rworker *w, struct rreq *r, uint64_t at)
{
	struct rtimer *n;
	size_t cap;

	rtimer_cancel(w, r);
	if (w->nheap == w->heapcap) {
		cap = w->heapcap ? 2 * w->heapcap : 64;
		n = realloc(w->heap, cap * sizeof(*n));
		if (!n)
			return BN_ENOMEM;
		w->heap = n;
		w->heapcap = cap;
	}
	r->deadline = at;
	place(w, w->nheap++, (struct rtimer){ at, r });
	sift_up(w, w->nheap - 1);
	return 0;
}

void rtimer_cancel(struct rworker *w, struct rreq *r)
{
	if (r->heap_idx >= 0)
		remove_at(w, (size_t)r->heap_idx);
}

struct rreq *rtimer_pop(struct rworker *w, uint64_t now)
{
	struct rreq *r;

	if (!w->nheap || w->heap[0].at > now)
		return NULL;
	r = w->heap[0].r;
	remove_at(w, 0);
	return r;
}

long rtimer_wait(const struct rworker *w, uint64_t now)
{
	if (!w->nheap)
		return -1;
	return w->heap[0].at <= now ? 0 : (long)(w->heap[0].at - now);
}
