/* The replay's requests, as the daemon's (src/resolverd/server_req.c): one
 * iterator per question, joined by every client asking meanwhile; when
 * it ends, a SERVFAIL may be replaced by stale data (iter_try_stale) and
 * every client gets the answer written for its own query. */
#include <stdlib.h>
#include <string.h>

#include "rpl_run.h"

static void log_sent(struct rpl_run *r, const struct rpl_req *q)
{
	struct rpl_sent *s;
	char to[80], d[400];

	if (r->nsent < RPL_LOG_MAX) {
		s = &r->sent[r->nsent++];
		s->to = q->q.to;
		s->tcp = q->q.tcp;
		s->len = q->q.len;
		memcpy(s->pkt, q->q.pkt, q->q.len);
	}
	if (!r->verbose)
		return;
	rpl_addr_text(&q->q.to, to, sizeof(to));
	rpl_describe(q->q.pkt, q->q.len, d, sizeof(d));
	fprintf(r->log, "    upstream -> %s%s: %s\n", to,
		q->q.tcp ? " (tcp)" : "", d);
}

static void answer_clients(struct rpl_run *r, struct rpl_req *q)
{
	static uint8_t out[65535];
	const struct answer *a = iter_result(q->it);
	struct rpl_client *c, *n;
	size_t len;

	if (a->rcode == RCODE_SERVFAIL && iter_try_stale(q->it, r->now_ms))
		a = iter_result(q->it);
	for (c = q->clients; c; c = n) {
		n = c->next;
		if (c->tcp)
			len = answer_write_stream(a, &c->q, r->su->max_payload,
						  out, sizeof(out));
		else
			len = answer_write(a, &c->q, r->su->max_payload, out,
					   sizeof(out));
		if (len)
			rpl_answer_add(r, c->step, out, len);
		free(c);
	}
	q->clients = NULL;
}

static void finish(struct rpl_run *r, struct rpl_req *q)
{
	struct rpl_req **p;

	answer_clients(r, q);
	for (p = &r->reqs; *p && *p != q; p = &(*p)->next)
		;
	if (*p)
		*p = q->next;
	iter_free(q->it);
	free(q);
}

void rpl_req_drive(struct rpl_run *r, struct rpl_req *q)
{
	q->waiting = false;
	q->deaf = false;
	if (iter_step(q->it, r->now_ms, &q->q) != ITER_SEND) {
		if (r->verbose)
			fprintf(r->log, "    resolution of a %s query ends\n",
				q->prefetch ? "prefetch" : "client");
		finish(r, q);
		return;
	}
	q->waiting = true;
	q->seq = ++r->seq;
	q->deadline = r->now_ms + (q->q.timeout_ms ? q->q.timeout_ms : 1);
	log_sent(r, q);
}

void rpl_req_timeout(struct rpl_run *r, struct rpl_req *q)
{
	char to[80];

	if (r->verbose) {
		rpl_addr_text(&q->q.to, to, sizeof(to));
		fprintf(r->log, "    timeout of the query to %s\n", to);
	}
	iter_timeout(q->it, r->now_ms);
	rpl_req_drive(r, q);
}

static struct rpl_req *find(struct rpl_run *r, const uint8_t *lname,
			    uint16_t qtype, uint16_t qclass)
{
	struct rpl_req *q;

	for (q = r->reqs; q; q = q->next)
		if (q->qtype == qtype && q->qclass == qclass &&
		    name_equal(q->qname, lname))
			return q;
	return NULL;
}

static unsigned count(const struct rpl_run *r)
{
	unsigned n = 0;

	for (const struct rpl_req *q = r->reqs; q; q = q->next)
		n++;
	return n;
}

void rpl_req_start(struct rpl_run *r, const uint8_t *lname, uint16_t qtype,
		   uint16_t qclass, bool prefetch, struct rpl_client *c)
{
	struct rpl_req *q = find(r, lname, qtype, qclass);

	if (q) {                /* joins the resolution under way */
		if (c) {
			c->next = q->clients;
			q->clients = c;
		}
		return;
	}
	if (count(r) >= r->su->max_pending) {
		free(c);        /* the daemon drops it: no answer */
		if (r->verbose)
			fprintf(r->log, "    dropped: %u resolutions at once\n",
				r->su->max_pending);
		return;
	}
	q = calloc(1, sizeof(*q));
	if (q)
		q->it = iter_new(&r->env);
	if (!q || !q->it ||
	    iter_begin(q->it, lname, qtype, qclass,
		       prefetch ? ITER_PREFETCH : 0, r->now_ms) < 0) {
		if (q)
			iter_free(q->it);
		free(q);
		free(c);
		rpl_failf(r, "runner: cannot start a resolution");
		return;
	}
	memcpy(q->qname, lname, name_length(lname));
	q->qtype = qtype;
	q->qclass = qclass;
	q->prefetch = prefetch;
	q->clients = c;
	q->next = r->reqs;
	r->reqs = q;
	rpl_req_drive(r, q);
}

struct rpl_req *rpl_req_oldest(struct rpl_run *r, bool want_client)
{
	struct rpl_req *q, *best = NULL;

	for (q = r->reqs; q; q = q->next)
		if (q->waiting && (!want_client || q->clients) &&
		    (!best || q->seq < best->seq))
			best = q;
	return best;
}

void rpl_answer_add(struct rpl_run *r, int step, const uint8_t *pkt,
		    size_t len)
{
	struct rpl_answer *a = malloc(sizeof(*a) + len), **p;
	char d[400];

	if (!a) {
		rpl_failf(r, "runner: out of memory");
		return;
	}
	a->next = NULL;
	a->step = step;
	a->len = len;
	memcpy(a->pkt, pkt, len);
	for (p = &r->answers; *p; p = &(*p)->next)
		;
	*p = a;
	if (r->verbose) {
		rpl_describe(pkt, len, d, sizeof(d));
		fprintf(r->log, "    answer to the query of step %d: %s\n",
			step, d);
	}
}
