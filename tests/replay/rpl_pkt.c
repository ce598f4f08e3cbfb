/* Packets of the replay: the wire form an entry describes (a client
 * query, an upstream reply with ADJUST copy_id / copy_query applied, an
 * expected answer), a packet read back into records for comparison, and
 * records in presentation form for the diffs. */
#include <string.h>

#include "rpl.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

#define RPL_EDNS_PAYLOAD 1232   /* what testpkts puts in its OPT records */

static size_t from_hex(const struct rpl_entry *e, const uint8_t *q,
		       size_t qlen, uint8_t *out, size_t cap)
{
	if (e->hexlen > cap)
		return 0;
	memcpy(out, e->hex, e->hexlen);
	if ((e->adjust & RA_COPY_ID) && q && qlen >= 2 && e->hexlen >= 2)
		memcpy(out, q, 2);
	return e->hexlen;
}

static int question(const struct rpl_entry *e, const uint8_t *q, size_t qlen,
		    struct msg_writer *mw)
{
	struct msg_query mq;

	if ((e->adjust & RA_COPY_QUERY) && q &&
	    msg_parse_query(&mq, q, qlen) == 0 && mq.has_question)
		return msg_writer_question(mw, mq.qname, mq.qtype, mq.qclass);
	if (!e->has_question)
		return 0;
	return msg_writer_question(mw, e->qname, e->qtype, e->qclass);
}

static int records(const struct rpl_entry *e, struct msg_writer *mw)
{
	for (uint8_t s = MSG_ANSWER; s < MSG_SECTIONS; s++)
		for (size_t i = 0; i < e->nrr; i++) {
			const struct rpl_rr *r = &e->rrs[i];

			if (r->section == s &&
			    msg_writer_rr(mw, s, r->owner, r->type, r->rclass,
					  r->ttl, r->rdata, r->rdlen) < 0)
				return -1;
		}
	return 0;
}

size_t rpl_entry_packet(const struct rpl_entry *e, const uint8_t *q,
			size_t qlen, uint8_t *out, size_t cap)
{
	struct msg_writer mw;
	struct msg_hdr h;
	struct edns ed;
	int n;

	if (e->hex)
		return from_hex(e, q, qlen, out, cap);
	memset(&h, 0, sizeof(h));
	h.flags = e->flags;
	if ((e->adjust & RA_COPY_ID) && q && qlen >= 2)
		h.id = (uint16_t)(q[0] << 8 | q[1]);
	if (msg_writer_init(&mw, out, cap, &h, true) < 0 ||
	    question(e, q, qlen, &mw) < 0 || records(e, &mw) < 0)
		return 0;
	if (e->do_bit || e->ednsdata) {
		edns_init(&ed, RPL_EDNS_PAYLOAD);
		if (e->do_bit)
			ed.flags |= EDNS_FLAG_DO;
		ed.opts = e->ednsdata;
		ed.opts_len = (uint16_t)e->ednslen;
		if (msg_writer_opt(&mw, &ed) < 0)
			return 0;
	}
	n = msg_writer_finish(&mw);
	return n > 0 ? (size_t)n : 0;
}

static int add_rr(struct rpl_msg *m, const struct msg *pm,
		  const struct msg_rr *r, uint8_t sec)
{
	struct rpl_rr *o = &m->rr[m->nrr];
	size_t room = sizeof(m->rdata) - m->used;
	int n;

	if (m->nrr == sizeof(m->rr) / sizeof(m->rr[0]) || room < r->rdlen)
		return -1;
	if (msg_rr_owner(pm, r, o->owner) < 0)
		return -1;
	n = msg_rr_rdata(pm, r, m->rdata + m->used, room);
	if (n < 0) {            /* kept as received: the diff shows it */
		memcpy(m->rdata + m->used, pm->pkt + r->rdata_off, r->rdlen);
		n = r->rdlen;
	}
	o->rdata = m->rdata + m->used;
	o->rdlen = (uint16_t)n;
	m->used += (size_t)n;
	o->section = sec;
	o->type = r->type;
	o->rclass = r->rclass;
	o->ttl = r->ttl;
	m->nrr++;
	return 0;
}

int rpl_msg_parse(struct rpl_msg *m, const uint8_t *pkt, size_t len)
{
	static struct msg_rr rr[1024];
	struct msg pm;

	m->nrr = m->used = 0;
	m->has_q = m->has_opt = m->do_bit = false;
	if (msg_parse(&pm, pkt, len, rr, 1024) < 0)
		return -1;
	m->hdr = pm.hdr;
	m->has_opt = pm.has_opt;
	m->do_bit = pm.has_opt && edns_do(&pm.edns);
	if (msg_section_count(&pm, MSG_QUESTION) > 0) {
		const struct msg_rr *q = msg_section_rr(&pm, MSG_QUESTION, 0);

		m->has_q = msg_rr_owner(&pm, q, m->qname) > 0;
		m->qtype = q->type;
		m->qclass = q->rclass;
	}
	for (uint8_t s = MSG_ANSWER; s < MSG_SECTIONS; s++)
		for (uint16_t i = 0; i < msg_section_count(&pm, s); i++) {
			const struct msg_rr *r = msg_section_rr(&pm, s, i);

			if (r->type == RR_OPT)
				continue;
			if (add_rr(m, &pm, r, s) < 0)
				return -1;
		}
	return 0;
}

void rpl_rr_text(const struct rpl_rr *r, bool ttl, char *out, size_t cap)
{
	char owner[NAME_TEXT_MAX], rd[1024], tb[16], cb[16];
	int n;

	name_to_text(owner, sizeof(owner), r->owner);
	if (rdata_to_text(r->type, r->rdata, r->rdlen, rd, sizeof(rd)) < 0)
		snprintf(rd, sizeof(rd), "(%u octets)", r->rdlen);
	n = ttl ? snprintf(out, cap, "%s %u ", owner, r->ttl) :
	    snprintf(out, cap, "%s ", owner);
	if (n < 0 || (size_t)n >= cap)
		return;
	snprintf(out + n, cap - (size_t)n, "%s %s %s",
		 rrclass_to_text(r->rclass, cb), rrtype_to_text(r->type, tb),
		 rd);
}
