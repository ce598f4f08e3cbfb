/* The fake upstream: a query banchi sends is answered by the first
 * entry that matches it among the RANGE blocks valid at the current step
 * (and bound to its address, if the range names one), else by a REPLY
 * (or CHECK_OUT_QUERY with copy_id) entry already reached and not used
 * yet. A query nothing answers stays out until a TIMEOUT step, the
 * clock passing its deadline, or a CHECK_ANSWER that needs it settled. */
#include <arpa/inet.h>
#include <string.h>

#include "rpl_run.h"
#include "wire/rrtype.h"

#define NET_ROUNDS 100000       /* replies per rpl_net_run: a loop guard */

/* The question an entry matches on (its hex packet's, if it has one). */
static bool entry_question(const struct rpl_entry *e, uint8_t *qname,
			   uint16_t *qtype, uint16_t *qclass)
{
	struct msg_query mq;

	if (!e->hex) {
		memcpy(qname, e->qname, NAME_MAXLEN);
		*qtype = e->qtype;
		*qclass = e->qclass;
		return e->has_question;
	}
	if (msg_parse_query(&mq, e->hex, e->hexlen) < 0 || !mq.has_question)
		return false;
	memcpy(qname, mq.qname, mq.qname_len);
	*qtype = mq.qtype;
	*qclass = mq.qclass;
	return true;
}

static bool edns_match(const struct rpl_entry *e, const struct msg_query *q)
{
	if ((e->match & RM_DO) && !(q->has_opt && edns_do(&q->edns)))
		return false;
	if ((e->match & RM_NOEDNS) && q->has_opt)
		return false;
	if (e->match & RM_EDNSDATA)
		return q->has_opt && q->edns.opts_len == e->ednslen &&
		       (e->ednslen == 0 ||
			memcmp(q->edns.opts, e->ednsdata, e->ednslen) == 0);
	return !(e->match & RM_COOKIE);    /* banchi sends no cookie */
}

bool rpl_net_match(const struct rpl_entry *e, const uint8_t *pkt, size_t len,
		   bool tcp)
{
	uint8_t qname[NAME_MAXLEN];
	uint16_t qtype = 0, qclass = 0;
	struct msg_query q;
	bool has_q;

	if (msg_parse_query(&q, pkt, len) < 0)
		return false;
	has_q = entry_question(e, qname, &qtype, &qclass);
	if ((e->match & RM_OPCODE) &&
	    msg_hdr_opcode(&q.hdr) != ((e->flags >> 11) & 0xf))
		return false;
	if ((e->match & (RM_QTYPE | RM_QNAME | RM_SUBDOMAIN | RM_QUESTION |
			 RM_ALL)) && (!has_q || !q.has_question))
		return false;
	if ((e->match & RM_QTYPE) && q.qtype != qtype)
		return false;
	if ((e->match & (RM_QNAME | RM_QUESTION | RM_ALL)) &&
	    !name_equal(q.qname, qname))
		return false;
	if ((e->match & (RM_QUESTION | RM_ALL)) &&
	    (q.qtype != qtype || q.qclass != qclass))
		return false;
	if ((e->match & RM_SUBDOMAIN) && !name_is_subdomain(q.qname, qname))
		return false;
	if ((e->match & RM_TCP) && !tcp)
		return false;
	if ((e->match & RM_UDP) && tcp)
		return false;
	if (e->match & RM_SERIAL)
		return false;   /* IXFR: banchi sends none */
	return edns_match(e, &q);
}

static bool addr_equal(const struct res_addr *a, const struct res_addr *b)
{
	return a->len == b->len && memcmp(&a->sa, &b->sa, a->len) == 0;
}

/* The entry answering q now, and where it comes from (for -v). */
static const struct rpl_entry *find_answer(struct rpl_run *r,
					   const struct iter_query *q,
					   char *from, size_t cap)
{
	const struct rpl_range *rg;
	const struct rpl_entry *e;

	for (rg = r->s->ranges; rg; rg = rg->next) {
		if (r->stepnum < rg->start || r->stepnum > rg->end ||
		    (rg->addr.set && !addr_equal(&rg->addr.a, &q->to)))
			continue;
		for (e = rg->entries; e; e = e->next)
			if (rpl_net_match(e, q->pkt, q->len, q->tcp)) {
				snprintf(from, cap, "RANGE %d-%d entry at line %u",
					 rg->start, rg->end, e->line);
				return e;
			}
	}
	for (size_t i = 0; i < r->npool; i++) {
		struct rpl_pool *p = &r->pool[i];

		if (!p->used && rpl_net_match(p->e, q->pkt, q->len, q->tcp)) {
			p->used = true;
			snprintf(from, cap, "STEP %d entry at line %u", p->step,
				 p->e->line);
			return p->e;
		}
	}
	return NULL;
}

/* Answers q if an entry does: true when the iterator moved on. */
static bool answer_one(struct rpl_run *r, struct rpl_req *q)
{
	static uint8_t pkt[65535];
	const struct rpl_entry *e;
	char from[96], d[400];
	size_t len;

	e = find_answer(r, &q->q, from, sizeof(from));
	if (!e)
		return false;
	len = rpl_entry_packet(e, q->q.pkt, q->q.len, pkt, sizeof(pkt));
	if (len >= 2)           /* testbound's network checks no ID */
		memcpy(pkt, q->q.pkt, 2);
	if (r->verbose) {
		rpl_describe(pkt, len, d, sizeof(d));
		fprintf(r->log, "    answered by %s: %s\n", from, d);
	}
	if (len == 0 || iter_consume(q->it, pkt, len, r->now_ms) != 0) {
		if (r->verbose)
			fprintf(r->log, "    (reply ignored by the iterator)\n");
		q->deaf = true;
		return false;
	}
	rpl_req_drive(r, q);
	return true;
}

void rpl_net_run(struct rpl_run *r)
{
	struct rpl_req *q;
	int rounds = 0;
	bool moved = true;

	while (moved && rounds++ < NET_ROUNDS && !r->failed) {
		moved = false;
		for (q = r->reqs; q; q = q->next)
			if (q->waiting && !q->deaf && answer_one(r, q)) {
				moved = true;
				break;  /* the list may have changed */
			}
	}
	if (rounds >= NET_ROUNDS)
		rpl_failf(r, "runner: upstream exchange does not end");
}

bool rpl_net_seen(const struct rpl_run *r, const struct rpl_entry *e,
		  const struct rpl_addr *to)
{
	for (size_t i = 0; i < r->nsent; i++) {
		const struct rpl_sent *s = &r->sent[i];

		if ((!to->set || addr_equal(&to->a, &s->to)) &&
		    rpl_net_match(e, s->pkt, s->len, s->tcp))
			return true;
	}
	return false;
}

void rpl_addr_text(const struct res_addr *a, char *out, size_t cap)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&a->sa;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&a->sa;
	char ip[INET6_ADDRSTRLEN] = "?";

	if (s4->sin_family == AF_INET)
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
	else if (s6->sin6_family == AF_INET6)
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
	snprintf(out, cap, "%s", ip);
}

void rpl_describe(const uint8_t *pkt, size_t len, char *out, size_t cap)
{
	char name[NAME_TEXT_MAX], tb[16];
	struct msg_hdr h;
	struct msg_query q;
	int n;

	if (msg_hdr_parse(&h, pkt, len) < 0) {
		snprintf(out, cap, "(%zu octets, no header)", len);
		return;
	}
	n = snprintf(out, cap, "id %u rcode %u%s%s%s%s%s an %u ns %u ar %u",
		     h.id, msg_hdr_rcode(&h), msg_hdr_qr(&h) ? " qr" : "",
		     msg_hdr_aa(&h) ? " aa" : "", msg_hdr_tc(&h) ? " tc" : "",
		     msg_hdr_rd(&h) ? " rd" : "", msg_hdr_cd(&h) ? " cd" : "",
		     h.count[1], h.count[2], h.count[3]);
	if (n < 0 || (size_t)n >= cap)
		return;
	if (msg_parse_query(&q, pkt, len) == 0 && q.has_question) {
		name_to_text(name, sizeof(name), q.qname);
		snprintf(out + n, cap - (size_t)n, " | %s %s%s", name,
			 rrtype_to_text(q.qtype, tb),
			 q.has_opt ? (edns_do(&q.edns) ? " +edns do" : " +edns")
				   : "");
	}
}
