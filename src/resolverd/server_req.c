/* Pending requests: one iterator per (qname, qtype, qclass) being
 * resolved, shared by every client asking meanwhile. Each upstream
 * query goes out on a fresh connected socket with one timer. A finished
 * request answers its clients and waits in the done list until the
 * event batch ends (a later event of the batch may still name it). */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "resolverd/server_int.h"

#define UP_READS 16             /* datagrams read per wakeup */
#define DEFAULT_PENDING 1024

static void rnd_fill(void *buf, size_t len)
{
	arc4random_buf(buf, len);
}

static uint32_t wall_now(void)
{
	return (uint32_t)time(NULL);
}

static unsigned bucket(const uint8_t *lname, size_t len, uint16_t qtype)
{
	uint32_t h = 2166136261u ^ qtype;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ lname[i]) * 16777619u;
	return h % RHASH_SIZE;
}

struct rreq *rreq_find(struct rworker *w, const uint8_t *lname,
		       uint16_t qtype, uint16_t qclass)
{
	size_t len = name_length(lname);
	struct rreq *r = w->hash[bucket(lname, len, qtype)];

	for (; r; r = r->hnext)
		if (r->qtype == qtype && r->qclass == qclass &&
		    r->qname_len == len && memcmp(r->qname, lname, len) == 0)
			return r;
	return NULL;
}

static void unhash(struct rworker *w, struct rreq *r)
{
	struct rreq **p = &w->hash[bucket(r->qname, r->qname_len, r->qtype)];

	while (*p && *p != r)
		p = &(*p)->hnext;
	if (*p)
		*p = r->hnext;
	r->hnext = NULL;
}

/* A request object, from the free list or new (its iterator is kept
 * for reuse: iter_begin restarts it). */
static struct rreq *req_get(struct rworker *w)
{
	struct rreq *r = w->free, **n;
	size_t cap;

	if (r) {
		w->free = r->hnext;
		w->nfree--;
		return r;
	}
	if (w->nreqs == w->reqcap) {
		cap = w->reqcap ? 2 * w->reqcap : 64;
		n = realloc(w->reqs, cap * sizeof(*n));
		if (!n)
			return NULL;
		w->reqs = n;
		w->reqcap = cap;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->env.random = rnd_fill;
	r->env.wall = wall_now;
	r->it = iter_new(&r->env);
	if (!r->it) {
		free(r);
		return NULL;
	}
	r->kind = RTAG_UP;
	r->fd = -1;
	r->heap_idx = -1;
	r->slot = w->nreqs;
	w->reqs[w->nreqs++] = r;
	return r;
}

struct rreq *rreq_start(struct rworker *w, struct rsnap *snap,
			const uint8_t *lname, uint16_t qtype, uint16_t qclass,
			unsigned flags)
{
	unsigned max = snap->max_pending ? snap->max_pending : DEFAULT_PENDING;
	struct rreq *r;
	size_t len;

	if (w->active >= max || !(r = req_get(w)))
		return NULL;
	/* the iterator reads env through its pointer: the conf is the
	 * snapshot's this request keeps alive */
	r->env.cache = w->srv->cache;
	r->env.infra = w->srv->infra;
	r->env.conf = &snap->conf;
	if (iter_begin(r->it, lname, qtype, qclass, flags, w->now) < 0) {
		r->hnext = w->free;
		w->free = r;
		w->nfree++;
		return NULL;
	}
	atomic_fetch_add_explicit(&snap->refs, 1, memory_order_relaxed);
	len = name_length(lname);
	r->snap = snap;
	memcpy(r->qname, lname, len);
	r->qname_len = (uint16_t)len;
	r->qtype = qtype;
	r->qclass = qclass;
	r->flags = flags;
	r->active = true;
	r->waiters = NULL;
	r->nwait = 0;
	r->hnext = w->hash[bucket(lname, len, qtype)];
	w->hash[bucket(lname, len, qtype)] = r;
	w->active++;
	return r;
}

int rreq_wait(struct rworker *w, struct rreq *r, const struct rsrc *src,
	      const struct msg_query *q)
{
	struct rwaiter *wt;

	/* a UDP retransmission while we resolve gets one answer, and does
	 * not take another slot */
	for (wt = r->waiters; wt && !src->conn; wt = wt->next)
		if (!wt->conn && wt->q.hdr.id == q->hdr.id &&
		    wt->peerlen == src->peerlen &&
		    memcmp(&wt->peer, src->peer, src->peerlen) == 0)
			return 0;
	if (r->nwait >= RWAIT_MAX)
		return BN_ENOSPC;
	wt = malloc(sizeof(*wt));
	if (!wt)
		return BN_ENOMEM;
	wt->conn = src->conn;
	wt->fd = src->fd;
	memcpy(&wt->peer, src->peer, src->peerlen);
	wt->peerlen = src->peerlen;
	wt->local.ss_family = AF_UNSPEC;
	if (w->ql && src->local)        /* the logs only: not on a miss */
		memcpy(&wt->local, src->local, src->local->sa_family ==
		       AF_INET ? sizeof(struct sockaddr_in)
			       : sizeof(struct sockaddr_in6));
	wt->ctllen = src->ctllen <= sizeof(wt->ctl) ? src->ctllen : 0;
	if (wt->ctllen)
		memcpy(wt->ctl, src->ctl, wt->ctllen);
	wt->q = *q;
	wt->t0 = w->now;
	/* the options point into a packet that is gone by then */
	wt->q.edns.opts = NULL;
	wt->q.edns.opts_len = 0;
	wt->qlog_t0 = w->qlog_t0;
	if (wt->conn)
		wt->conn->inflight++;
	wt->next = r->waiters;
	r->waiters = wt;
	r->nwait++;
	return 0;
}

static void up_close(struct rworker *w, struct rreq *r)
{
	rtimer_cancel(w, r);
	if (r->fd >= 0)
		close(r->fd);   /* also leaves the epoll set */
	r->fd = -1;
}

/* A late answer's CLIENT_RESPONSE, when its query was logged. */
static void log_late(struct rworker *w, const struct rwaiter *wt,
		     const uint8_t *msg, size_t len)
{
	struct qlog_event e = {
		.kind = QLOG_K_CLIENT_RESPONSE, .tcp = wt->conn != NULL,
		.peer = (const struct sockaddr *)(wt->conn ? &wt->conn->peer
							   : &wt->peer),
		.local = (const struct sockaddr *)&wt->local,
		.qtime = wt->qlog_t0, .rtime = qlog_now(),
		.r = msg,
		.rlen = len,
	};

	if (len && w->ql)
		qlog_put(w->ql, &e);
}

static void answer_one(struct rworker *w, const struct rreq *r,
		       const struct answer *a, const struct rwaiter *wt)
{
	uint16_t pl = r->snap->max_payload;
	struct wbuf b;
	size_t len;

	ctl_qstats_latency(w->qs, (w->now - wt->t0) * 1000000u, 1);
	if (!wt->conn) {
		len = answer_write(a, &wt->q, pl, w->late, UDP_BUF);
		ctl_qstats_reply(w->qs, w->late, len);
		if (len)
			rudp_reply(wt->fd, wt, w->late, len);
		if (__builtin_expect(wt->qlog_t0 != 0, 0))
			log_late(w, wt, w->late, len);
		return;
	}
	len = answer_write_stream(a, &wt->q, pl, w->late + 2, TCP_MSG_MAX);
	ctl_qstats_reply(w->qs, w->late + 2, len);
	if (__builtin_expect(wt->qlog_t0 != 0, 0))
		log_late(w, wt, w->late + 2, len);
	wbuf_init(&b, w->late, 2);
	wbuf_u16(&b, (uint16_t)len);
	rconn_reply(w, wt->conn, w->late, len ? len + 2 : 0);
}

static void answer_all(struct rworker *w, struct rreq *r)
{
	const struct answer *a = iter_result(r->it);
	struct rwaiter *wt, *next;

	if (a->rcode == RCODE_SERVFAIL && iter_try_stale(r->it, w->now))
		a = iter_result(r->it);
	if (r->nwait && a->stale)
		rstat_add(w, RS_STALE, r->nwait);
	/* bogus data: SERVFAIL, but to CD clients */
	if (a->rcode == RCODE_SERVFAIL || a->bogus)
		rstat_add(w, RS_SERVFAIL, r->nwait);
	for (wt = r->waiters; wt; wt = next) {
		next = wt->next;
		answer_one(w, r, a, wt);
		free(wt);
	}
	r->waiters = NULL;
	r->nwait = 0;
}

static void finish(struct rworker *w, struct rreq *r)
{
	const struct iter_stats *is;

	up_close(w, r);
	/* counted before the answer leaves: a client that reads the
	 * metrics right after its answer sees the work done for it */
	is = iter_get_stats(r->it);
	rstat_add(w, RS_UPSTREAM, is->upstream);
	rstat_add(w, RS_UPSTREAM_TCP, is->tcp);
	rstat_add(w, RS_TIMEOUTS, is->timeouts);
	rstat_add(w, RS_DNSSEC_VERIFIED, is->dnssec_verified);
	rstat_add(w, RS_DNSSEC_STOPPED, is->dnssec_stopped);
	answer_all(w, r);
	clock_warn_answer(&w->srv->clock, iter_result(r->it), rnow_ms());
	unhash(w, r);
	r->active = false;
	rsnap_put(r->snap);
	r->snap = NULL;
	free(r->frame);
	r->frame = NULL;
	w->active--;
	r->hnext = w->done;
	w->done = r;
}

/* The TCP exchange's buffers: the frame and its 64 KiB reply space. */
static int tcp_frame(struct rreq *r, const struct iter_query *q)
{
	if (!r->frame) {
		r->frame = malloc(sizeof(*r->frame) + CLIENT_FRAME_MAX + 2);
		if (!r->frame)
			return -ENOMEM;
		r->frame->in = (uint8_t *)(r->frame + 1);
	}
	return client_frame_init(r->frame, q->pkt, q->len);
}

/* dnstap's RESOLVER_QUERY (reply NULL) or RESOLVER_RESPONSE of r's
 * upstream exchange; the query decides (sampled with the client
 * queries) whether its response is logged too. */
static void log_up(struct rworker *w, struct rreq *r, const uint8_t *m,
		   size_t len, bool reply)
{
	struct qlog_event e = {
		.kind = reply ? QLOG_K_RESOLVER_RESPONSE
			      : QLOG_K_RESOLVER_QUERY,
		.tcp = r->tcp, .peer = (const struct sockaddr *)&r->up_to,
	};

	if (!reply) {
		r->up_t0 = qlog_want(w->ql) ? qlog_now() : 0;
		if (!r->up_t0)
			return;
		e.q = m;
		e.qlen = len;
	} else {
		e.r = m;
		e.rlen = len;
		e.rtime = qlog_now();
	}
	e.qtime = r->up_t0;
	qlog_put(w->ql, &e);
	if (reply)
		r->up_t0 = 0;
}

/* Opens the socket for q and sends (UDP) or starts connecting (TCP). */
static int up_open(struct rworker *w, struct rreq *r,
		   const struct iter_query *q)
{
	const struct sockaddr *to = (const struct sockaddr *)&q->to.sa;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = r };
	int fd, err;

	r->tcp = q->tcp;
	if (q->tcp) {
		err = tcp_frame(r, q);
		if (err < 0)
			return err;
		fd = client_tcp_open(to, q->to.len);
		ev.events = EPOLLOUT;
	} else {
		fd = client_udp_open(to, q->to.len, arc4random());
	}
	if (fd < 0)
		return fd;
	if (!q->tcp && send(fd, q->pkt, q->len, 0) < 0)
		goto fail;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		goto fail;
	r->fd = fd;
	if (__builtin_expect(w->ql_up, 0)) {
		memcpy(&r->up_to, &q->to.sa, sizeof(r->up_to));
		log_up(w, r, q->pkt, q->len, false);
	}
	return 0;
fail:
	err = -errno;
	close(fd);
	return err;
}

void rreq_drive(struct rworker *w, struct rreq *r)
{
	struct iter_query q;

	up_close(w, r);
	for (;;) {
		if (iter_step(r->it, w->now, &q) != ITER_SEND) {
			finish(w, r);
			return;
		}
		if (up_open(w, r, &q) == 0)
			break;
		/* a local failure (no socket, no route) is not the
		 * server's: the iterator moves on within its bounds */
		iter_unsent(r->it);
	}
	if (rtimer_set(w, r, w->now + (q.timeout_ms ? q.timeout_ms : 1)) < 0) {
		/* no memory for the timer: give up on this request now */
		iter_abort(r->it);
		finish(w, r);
	}
}

/* The server cannot be reached (refused, reset, closed early): the
 * iterator hears of it as a timeout, at once. */
static void up_fail(struct rworker *w, struct rreq *r)
{
	up_close(w, r);
	iter_timeout(r->it, w->now);
	rreq_drive(w, r);
}

static void udp_event(struct rworker *w, struct rreq *r)
{
	ssize_t k;
	int i;

	for (i = 0; i < UP_READS; i++) {
		k = recv(r->fd, w->in, CLIENT_FRAME_MAX, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN)
			return;
		if (k < 0) {
			up_fail(w, r);
			return;
		}
		/* a spoof or a late reply must not end the wait */
		if (iter_consume(r->it, w->in, (size_t)k, w->now) ==
		    ITER_IGNORED)
			continue;
		if (__builtin_expect(r->up_t0 != 0, 0))
			log_up(w, r, w->in, (size_t)k, true);
		rreq_drive(w, r);
		return;
	}
}

static void tcp_event(struct rworker *w, struct rreq *r)
{
	struct client_frame *f = r->frame;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = r };
	int i, k;

	if (f->ooff < f->olen) {
		k = client_tcp_send(r->fd, f);
		if (k <= 0) {
			if (k < 0)
				up_fail(w, r);
			return;
		}
		if (epoll_ctl(w->ep, EPOLL_CTL_MOD, r->fd, &ev) < 0) {
			up_fail(w, r);
			return;
		}
	}
	for (i = 0; i < UP_READS; i++) {
		k = client_tcp_recv(r->fd, f);
		if (k <= 0) {
			if (k < 0)
				up_fail(w, r);
			return;
		}
		if (iter_consume(r->it, f->in + 2, client_frame_len(f),
				 w->now) == ITER_IGNORED) {
			client_frame_next(f);
			continue;
		}
		if (__builtin_expect(r->up_t0 != 0, 0))
			log_up(w, r, f->in + 2, client_frame_len(f), true);
		rreq_drive(w, r);
		return;
	}
}

void rreq_event(struct rworker *w, struct rreq *r, uint32_t events)
{
	(void)events;   /* the socket calls tell: spurious wakeups are fine */
	if (!r->active || r->fd < 0)
		return;
	if (r->tcp)
		tcp_event(w, r);
	else
		udp_event(w, r);
}

void rreq_timers(struct rworker *w)
{
	struct rreq *r;

	/* new deadlines are at least 1 ms ahead: the loop ends */
	while ((r = rtimer_pop(w, w->now))) {
		up_close(w, r);
		iter_timeout(r->it, w->now);
		rreq_drive(w, r);
	}
}

/* Frees an idle request, moving the last one into its slot. */
static void req_destroy(struct rworker *w, struct rreq *r)
{
	struct rreq *last = w->reqs[--w->nreqs];

	w->reqs[r->slot] = last;
	last->slot = r->slot;
	iter_free(r->it);
	free(r->frame);
	free(r);
}

void rreq_release(struct rworker *w)
{
	struct rreq *r;

	while ((r = w->done)) {
		w->done = r->hnext;
		r->hnext = w->free;
		w->free = r;
		w->nfree++;
	}
	/* a burst of misses leaves many iterators: keep a few */
	while (w->nfree > RFREE_KEEP) {
		r = w->free;
		w->free = r->hnext;
		w->nfree--;
		req_destroy(w, r);
	}
}

static void drop_waiters(struct rreq *r)
{
	struct rwaiter *wt, *next;

	for (wt = r->waiters; wt; wt = next) {
		next = wt->next;
		if (wt->conn)
			wt->conn->inflight--;
		free(wt);
	}
	r->waiters = NULL;
}

void rreq_free_all(struct rworker *w)
{
	struct rreq *r;
	size_t i;

	for (i = 0; i < w->nreqs; i++) {
		r = w->reqs[i];
		if (r->active) {
			if (r->fd >= 0)
				close(r->fd);
			drop_waiters(r);
			rsnap_put(r->snap);
		}
		iter_free(r->it);
		free(r->frame);
		free(r);
	}
	free(w->reqs);
	free(w->heap);
	w->reqs = NULL;
	w->heap = NULL;
	w->nreqs = w->reqcap = w->nfree = w->nheap = w->heapcap = 0;
	w->free = w->done = NULL;
	memset(w->hash, 0, sizeof(w->hash));
}
