/* The rings between the serving threads and the writer: one producer
 * and one consumer each, records of any size laid end to end, a padding
 * record where one would cross the end. head and tail only grow; the
 * producer publishes a record with a release store of head, the writer
 * frees it with a release store of tail. */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "qlog/qlog_int.h"

int qlog_ring_init(struct qlog_ring *r, struct qlog *q)
{
	memset(r, 0, sizeof(*r));
	r->buf = aligned_alloc(64, QLOG_RING_SIZE);
	if (!r->buf)
		return -1;
	r->mask = QLOG_RING_SIZE - 1;
	r->q = q;
	return 0;
}

void qlog_ring_clear(struct qlog_ring *r)
{
	free(r->buf);
	r->buf = NULL;
}

static void put_addr(uint8_t *addr, uint16_t *port, uint8_t *family,
		     const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *v4 = (const void *)sa;

		memcpy(addr, &v4->sin_addr, 4);
		*port = ntohs(v4->sin_port);
		*family = AF_INET;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const void *)sa;

		memcpy(addr, &v6->sin6_addr, 16);
		*port = ntohs(v6->sin6_port);
		*family = AF_INET6;
	}
}

/* The record's header from e (the ring's octets are not zeroed). */
static void fill(struct qlog_rec *h, const struct qlog_event *e,
		 size_t len, size_t zlen)
{
	memset(h, 0, sizeof(*h));
	h->len = (uint32_t)len;
	h->kind = (uint8_t)e->kind;
	h->tcp = e->tcp;
	if (e->peer)
		put_addr(h->paddr, &h->pport, &h->family, e->peer);
	if (e->local && e->local->sa_family == (e->peer ? e->peer->sa_family
						: e->local->sa_family)) {
		uint8_t fam = 0;

		put_addr(h->laddr, &h->lport, &fam, e->local);
		h->has_local = fam != 0;
		if (!h->family)
			h->family = fam;
	}
	h->qtime = e->qtime;
	h->rtime = e->rtime;
	h->qlen = e->q ? (uint32_t)e->qlen : 0;
	h->rlen = e->r ? (uint32_t)e->rlen : 0;
	h->zlen = (uint16_t)zlen;
}

static size_t zone_len(const uint8_t *z)
{
	size_t n = 0;

	while (z && n < 255 && z[n])
		n += (size_t)z[n] + 1;
	return z && n < 255 ? n + 1 : 0;
}

void qlog_put(struct qlog_ring *r, const struct qlog_event *e)
{
	size_t zlen = zone_len(e->zone);
	size_t body = (e->q ? e->qlen : 0) + (e->r ? e->rlen : 0) + zlen;
	size_t need = (sizeof(struct qlog_rec) + body + 7) & ~(size_t)7;
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	size_t off = head & r->mask, to_end = r->mask + 1 - off;
	size_t pad = need > to_end ? to_end : 0;
	struct qlog_rec *h;
	uint8_t *p;

	if (need > QLOG_REC_MAX || head + pad + need - tail > r->mask + 1) {
		atomic_store_explicit(&r->dropped, atomic_load_explicit(
			&r->dropped, memory_order_relaxed) + 1,
			memory_order_relaxed);
		return;
	}
	if (pad) {
		h = (struct qlog_rec *)(r->buf + off);
		h->len = (uint32_t)pad;
		h->kind = 0;
		head += pad;
		off = 0;
	}
	h = (struct qlog_rec *)(r->buf + off);
	fill(h, e, need, zlen);
	p = (uint8_t *)(h + 1);
	if (h->qlen)
		memcpy(p, e->q, h->qlen);
	if (h->rlen)
		memcpy(p + h->qlen, e->r, h->rlen);
	if (zlen)
		memcpy(p + h->qlen + h->rlen, e->zone, zlen);
	atomic_store_explicit(&r->head, head + need, memory_order_release);
}

const struct qlog_rec *qlog_ring_peek(struct qlog_ring *r)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	const struct qlog_rec *h;

	while (tail != head) {
		h = (const struct qlog_rec *)(r->buf + (tail & r->mask));
		if (h->kind)
			return h;
		tail += h->len;         /* padding */
		atomic_store_explicit(&r->tail, tail, memory_order_release);
	}
	return NULL;
}

void qlog_ring_pop(struct qlog_ring *r, const struct qlog_rec *rec)
{
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	atomic_store_explicit(&r->tail, tail + rec->len, memory_order_release);
}
