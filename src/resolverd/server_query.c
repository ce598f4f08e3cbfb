/* One client query: front_handle (src/resolve/front.h) answers what it
 * can at once, in Unbound's order (access list, checks, local data, the
 * cache; no lock, no allocation); here the counters, and a miss joins
 * the request resolving that question or starts one. */

#include "resolverd/server_int.h"
#include "resolve/front.h"

static void prefetch(struct rworker *w, struct rsnap *snap,
		     const uint8_t *lname, const struct msg_query *q)
{
	struct rreq *r;

	if (rreq_find(w, lname, q->qtype, q->qclass))
		return;
	r = rreq_start(w, snap, lname, q->qtype, q->qclass, ITER_PREFETCH);
	if (!r)
		return;
	rstat_add(w, RS_PREFETCH, 1);
	rreq_drive(w, r);
}

/* A cache miss: join or start the request; the client is answered when
 * it ends. A full pool drops the query (a SERVFAIL would amplify). */
static void miss(struct rworker *w, struct rsnap *snap,
		 const struct rsrc *src, const uint8_t *lname,
		 const struct msg_query *q)
{
	struct rreq *r = rreq_find(w, lname, q->qtype, q->qclass);
	bool fresh = false;

	if (!r) {
		r = rreq_start(w, snap, lname, q->qtype, q->qclass, 0);
		fresh = r != NULL;
	}
	if (!r || rreq_wait(w, r, src, q) < 0)
		rstat_add(w, RS_DROPPED, 1);
	if (fresh)
		rreq_drive(w, r);
}

static size_t handle(struct rworker *w, struct rsnap *snap,
		     const struct rsrc *src, const uint8_t *pkt, size_t len,
		     uint8_t *out, size_t cap)
{
	const struct front fe = {
		.acl = snap->acl, .snoop = snap->snoop, .local = snap->local,
		.cache = w->srv->cache, .max_payload = snap->max_payload,
		.validate = snap->conf.dnssec,
		.aggressive = snap->conf.aggressive_nsec,
		.chaos = &snap->chaos,
	};
	const struct sockaddr *peer = (const struct sockaddr *)src->peer;
	bool tcp = src->conn != NULL;
	struct front_query fq;

	rstat_add(w, RS_QUERIES, 1);
	if (tcp)
		rstat_add(w, RS_TCP, 1);
	switch (front_handle(&fe, peer, pkt, len, tcp, w->now, w->ans, &fq,
			     out, cap)) {
	case FRONT_REFUSED:
		rstat_add(w, RS_REFUSED, 1);
		break;
	case FRONT_LOCAL:
		rstat_add(w, RS_LOCAL, 1);
		break;
	case FRONT_HIT:
		rstat_add(w, RS_HITS, 1);
		if (w->ans->stale)      /* its refresh failed just now */
			rstat_add(w, RS_STALE, 1);
		if (w->ans->bogus && !msg_hdr_cd(&fq.q.hdr))
			rstat_add(w, RS_SERVFAIL, 1);
		if (fq.prefetch)
			prefetch(w, snap, fq.lname, &fq.q);
		break;
	case FRONT_NSEC:
		rstat_add(w, RS_HITS, 1);
		rstat_add(w, RS_AGGRESSIVE, 1);
		break;
	case FRONT_MISS:
		miss(w, snap, src, fq.lname, &fq.q);
		break;
	default:        /* FRONT_NONE, FRONT_ERROR */
		break;
	}
	return fq.len;
}

/* CLIENT_QUERY now; CLIENT_RESPONSE now when answered at once, else
 * when the request ends (the waiter keeps qlog_t0). */
static size_t handle_logged(struct rworker *w, struct rsnap *snap,
			    const struct rsrc *src, const uint8_t *pkt,
			    size_t len, uint8_t *out, size_t cap)
{
	struct qlog_event e = {
		.kind = QLOG_K_CLIENT_QUERY, .tcp = src->conn != NULL,
		.peer = (const struct sockaddr *)src->peer, .local = src->local,
		.qtime = qlog_now(), .q = pkt, .qlen = len,
	};
	size_t n;

	qlog_put(w->ql, &e);
	w->qlog_t0 = e.qtime;
	n = handle(w, snap, src, pkt, len, out, cap);
	w->qlog_t0 = 0;
	if (n) {
		e.kind = QLOG_K_CLIENT_RESPONSE;
		e.q = NULL;
		e.rtime = qlog_now();
		e.r = out;
		e.rlen = n;
		qlog_put(w->ql, &e);
	}
	return n;
}

size_t rquery_handle(struct rworker *w, struct rsnap *snap,
		     const struct rsrc *src, const uint8_t *pkt, size_t len,
		     uint8_t *out, size_t cap)
{
	/* off: this one test of a pointer the worker owns */
	if (__builtin_expect(w->ql != NULL, 0) && len >= MSG_HDRLEN &&
	    qlog_want(w->ql))
		return handle_logged(w, snap, src, pkt, len, out, cap);
	return handle(w, snap, src, pkt, len, out, cap);
}
