/* A client query, taken in the order of the daemon's rquery_handle()
 * (src/daemon/rserver_query.c): REFUSED outside the ACL; FORMERR to a
 * query that does not parse; the screen (BADVERS, NOTIMP, zone
 * transfers, classes); local data; the cache (and a prefetch when the
 * entry asks for one); REFUSED without RD; else the resolution is joined
 * or started and the client waits for its end. */
#include <stdlib.h>
#include <string.h>

#include "resolve/local.h"
#include "rpl_run.h"
#include "wire/rrtype.h"

static void reply_rcode(struct rpl_run *r, const struct rpl_step *st,
			const struct msg_query *q, uint8_t rcode)
{
	uint8_t out[4096];
	size_t len = answer_write_rcode(q, rcode, r->su->max_payload, out,
					sizeof(out));

	if (len)
		rpl_answer_add(r, st->num, out, len);
}

static int screen(const struct msg_query *q)
{
	if (q->has_opt && q->edns.version > 0)
		return RCODE_BADVERS;
	if (msg_hdr_opcode(&q->hdr) != OPCODE_QUERY)
		return RCODE_NOTIMP;
	if (!q->has_question)
		return RCODE_FORMERR;
	if (q->qtype == RR_AXFR || q->qtype == RR_IXFR)
		return RCODE_REFUSED;
	if (q->qclass == CLASS_IN)
		return 0;
	return q->qclass == CLASS_CH ? RCODE_REFUSED : RCODE_NOTIMP;
}

static void write_answer(struct rpl_run *r, const struct rpl_step *st,
			 const struct msg_query *q, bool tcp)
{
	static uint8_t out[65535];
	size_t len;

	if (tcp)
		len = answer_write_stream(r->ans, q, r->su->max_payload, out,
					  sizeof(out));
	else
		len = answer_write(r->ans, q, r->su->max_payload, out,
				   sizeof(out));
	if (len)
		rpl_answer_add(r, st->num, out, len);
}

/* A query whose header reads but the rest does not. */
static void malformed(struct rpl_run *r, const struct rpl_step *st,
		      const uint8_t *pkt, size_t len, bool allowed)
{
	struct msg_query q;

	memset(&q, 0, sizeof(q));
	if (msg_hdr_parse(&q.hdr, pkt, len) < 0 || msg_hdr_qr(&q.hdr))
		return;
	reply_rcode(r, st, &q, allowed ? RCODE_FORMERR : RCODE_REFUSED);
}

static void miss(struct rpl_run *r, const struct rpl_step *st,
		 const uint8_t *lname, const struct msg_query *q, bool tcp)
{
	struct rpl_client *c = calloc(1, sizeof(*c));

	if (!c) {
		rpl_failf(r, "runner: out of memory");
		return;
	}
	c->q = *q;
	c->q.edns.opts = NULL;  /* as the daemon: the packet is gone then */
	c->q.edns.opts_len = 0;
	c->tcp = tcp;
	c->step = st->num;
	rpl_req_start(r, lname, q->qtype, q->qclass, false, c);
}

static void lookup(struct rpl_run *r, const struct rpl_step *st,
		   const struct msg_query *q, bool tcp)
{
	uint8_t lname[NAME_MAXLEN];
	bool pf = false;

	memcpy(lname, q->qname, q->qname_len);
	name_to_lower(lname);
	if (local_answer(r->su->local, lname, q->qtype, q->qclass, r->ans) ==
	    1) {
		write_answer(r, st, q, tcp);
		return;
	}
	if (answer_from_cache(r->ans, r->cache, lname, q->qtype, q->qclass,
			      r->now_ms, 0, &pf) == 1) {
		write_answer(r, st, q, tcp);
		if (pf)
			rpl_req_start(r, lname, q->qtype, q->qclass, true,
				      NULL);
		return;
	}
	if (!msg_hdr_rd(&q->hdr)) {
		reply_rcode(r, st, q, RCODE_REFUSED);
		return;
	}
	miss(r, st, lname, q, tcp);
}

void rpl_front_query(struct rpl_run *r, const struct rpl_step *st)
{
	static uint8_t pkt[65535];
	struct res_addr from;
	struct msg_query q;
	size_t len;
	bool allowed, tcp = st->entry->match & RM_TCP;
	int rc;

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
	allowed = acl_match(r->su->acl, (const struct sockaddr *)&from.sa);
	if (msg_parse_query(&q, pkt, len) < 0) {
		malformed(r, st, pkt, len, allowed);
		return;
	}
	if (msg_hdr_qr(&q.hdr))
		return;
	rc = allowed ? screen(&q) : RCODE_REFUSED;
	if (rc) {
		reply_rcode(r, st, &q, (uint8_t)rc);
		return;
	}
	lookup(r, st, &q, tcp);
}
