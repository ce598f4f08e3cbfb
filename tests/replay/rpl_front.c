/* A client query, as the daemon takes it: front_handle() (the same
 * code as the daemon's rquery_handle, src/resolve/front.h) answers what
 * it can at once; a cache hit that asks for it starts a prefetch; a miss
 * joins or starts the resolution and the client waits for its end. */
#include <stdlib.h>
#include <string.h>

#include "resolve/front.h"
#include "rpl_run.h"

static void miss(struct rpl_run *r, const struct rpl_step *st,
		 const struct front_query *fq, bool tcp)
{
	struct rpl_client *c = calloc(1, sizeof(*c));

	if (!c) {
		rpl_failf(r, "runner: out of memory");
		return;
	}
	c->q = fq->q;
	c->q.edns.opts = NULL;  /* as the daemon: the packet is gone then */
	c->q.edns.opts_len = 0;
	c->tcp = tcp;
	c->step = st->num;
	rpl_req_start(r, fq->lname, fq->q.qtype, fq->q.qclass, false, c);
}

void rpl_front_query(struct rpl_run *r, const struct rpl_step *st)
{
	static uint8_t pkt[65535], out[65535];
	static struct front_query fq;
	const struct front fe = {
		.acl = r->su->acl, .snoop = r->su->snoop,
		.local = r->su->local, .cache = r->cache,
		.max_payload = r->su->max_payload,
		.validate = r->su->rc.dnssec,
		.aggressive = r->su->rc.aggressive_nsec,
		.chaos = &r->su->chaos,
	};
	struct res_addr from;
	bool tcp = st->entry->match & RM_TCP;
	size_t len;

	if (st->addr.set)
		from = st->addr.a;
	else
		rpl_addr_parse(&from, "127.0.0.1");
	len = rpl_entry_packet(st->entry, NULL, 0, pkt, sizeof(pkt));
	if (len == 0) {
		rpl_failf(r, "runner: step %d: cannot build the query",
			  st->num);
		return;
	}
	switch (front_handle(&fe, (const struct sockaddr *)&from.sa, pkt, len,
			     tcp, r->now_ms, r->ans, &fq, out, sizeof(out))) {
	case FRONT_MISS:
		miss(r, st, &fq, tcp);
		return;
	case FRONT_HIT:
		if (fq.prefetch)
			rpl_req_start(r, fq.lname, fq.q.qtype, fq.q.qclass,
				      true, NULL);
		break;
	default:
		break;
	}
	if (fq.len)
		rpl_answer_add(r, st->num, out, fq.len);
}
