/* Strict message parsing: one pass over the packet that checks every
 * name, fixed part and RDLENGTH and records offsets only; nothing is
 * copied or allocated. msg_parse and msg_parse_query share the walker. */
#include "base/error.h"
#include "wire/msg.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

int msg_hdr_parse(struct msg_hdr *h, const uint8_t *pkt, size_t len)
{
	if (len < MSG_HDRLEN)
		return BN_ESHORT;
	h->id = wire_get_u16(pkt);
	h->flags = wire_get_u16(pkt + 2);
	for (int s = 0; s < MSG_SECTIONS; s++)
		h->count[s] = wire_get_u16(pkt + 4 + 2 * s);
	return 0;
}

/* Reads one question (rd = false) or RR at *pos into rr. A packet that
 * ends exactly where a counted record should start gives BN_ECOUNT; one
 * that ends inside the record gives BN_ETRUNC. */
static int parse_rr(const uint8_t *pkt, size_t len, size_t *pos,
		    struct msg_rr *rr, bool rd)
{
	size_t p = *pos, fixed = rd ? 10 : 4;
	int ret;

	if (p == len)
		return BN_ECOUNT;
	rr->owner_off = (uint16_t)p;
	ret = name_unpack(pkt, len, &p, NULL);
	if (ret < 0)
		return ret;
	if (len - p < fixed)
		return BN_ETRUNC;
	rr->type = wire_get_u16(pkt + p);
	rr->rclass = wire_get_u16(pkt + p + 2);
	rr->ttl = rd ? wire_get_u32(pkt + p + 4) : 0;
	rr->rdlen = rd ? wire_get_u16(pkt + p + 8) : 0;
	p += fixed;
	rr->rdata_off = rd ? (uint16_t)p : 0;
	if (len - p < rr->rdlen)
		return BN_ERDLEN;
	*pos = p + rr->rdlen;
	return 0;
}

/* State shared by both parsers for the checks that span records. */
struct walk {
	const uint8_t *pkt;
	size_t len;
	size_t pos;
	bool has_opt;
	struct edns *edns;
	size_t tsig_off;        /* 0: none seen */
};

/* Placement rules for OPT and TSIG; decodes the OPT. */
static int check_rr(struct walk *wk, const struct msg_rr *rr,
		    enum msg_section s, bool last)
{
	if (rr->type == RR_OPT) {
		if (s != MSG_ADDITIONAL || wk->has_opt ||
		    wk->pkt[rr->owner_off] != 0)
			return BN_EOPT;
		wk->has_opt = true;
		return edns_parse(wk->edns, rr->rclass, rr->ttl,
				  wk->pkt + rr->rdata_off, rr->rdlen);
	}
	if (rr->type == RR_TSIG) {
		if (s != MSG_ADDITIONAL || !last)
			return BN_ERDATA;
		wk->tsig_off = rr->owner_off;
	}
	return 0;
}

static int walk_section(struct walk *wk, const struct msg_hdr *h,
			enum msg_section s, struct msg_rr *out, size_t cap)
{
	struct msg_rr tmp = { 0 };
	int ret;

	for (uint16_t i = 0; i < h->count[s]; i++) {
		struct msg_rr *rr = out ? (i < cap ? &out[i] : NULL) : &tmp;

		if (!rr)
			return BN_ENOSPC;
		ret = parse_rr(wk->pkt, wk->len, &wk->pos, rr,
			       s != MSG_QUESTION);
		if (ret < 0)
			return ret;
		if (s == MSG_QUESTION)
			continue;
		ret = check_rr(wk, rr, s, s == MSG_ADDITIONAL &&
			       i + 1 == h->count[s]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int msg_parse(struct msg *m, const uint8_t *pkt, size_t len,
	      struct msg_rr *rr, size_t cap)
{
	struct walk wk = { .pkt = pkt, .len = len, .pos = MSG_HDRLEN,
			   .edns = &m->edns };
	size_t n = 0;
	int ret;

	if (!rr)
		return BN_EINVAL;
	ret = msg_hdr_parse(&m->hdr, pkt, len);
	if (ret < 0)
		return ret;
	if (len > MSG_MAXLEN)
		return BN_EINVAL;
	m->pkt = pkt;
	m->len = (uint16_t)len;
	m->rr = rr;
	m->has_opt = false;
	m->opt_index = 0;
	for (int s = 0; s < MSG_SECTIONS; s++) {
		m->sec[s] = (uint16_t)n;
		ret = walk_section(&wk, &m->hdr, s, rr + n, cap - n);
		if (ret < 0)
			return ret;
		n += m->hdr.count[s];
	}
	m->sec[MSG_SECTIONS] = (uint16_t)n;
	m->rr_count = (uint16_t)n;
	if (wk.pos != len)
		return BN_ETRAILING;
	m->has_opt = wk.has_opt;
	m->has_tsig = wk.tsig_off != 0;
	for (size_t i = m->sec[MSG_ADDITIONAL]; wk.has_opt && i < n; i++)
		if (rr[i].type == RR_OPT)
			m->opt_index = (uint16_t)i;
	return 0;
}

/* The single question, copied out with its name decompressed. */
static int query_question(struct msg_query *q, struct walk *wk)
{
	size_t p = wk->pos;
	int ret;

	q->has_question = false;
	if (q->hdr.count[MSG_QUESTION] > 1)
		return BN_ECOUNT;
	if (q->hdr.count[MSG_QUESTION] == 0)
		return 0;
	if (p == wk->len)
		return BN_ECOUNT;
	ret = name_unpack(wk->pkt, wk->len, &p, q->qname);
	if (ret < 0)
		return ret;
	q->qname_len = (uint16_t)ret;
	if (wk->len - p < 4)
		return BN_ETRUNC;
	q->qtype = wire_get_u16(wk->pkt + p);
	q->qclass = wire_get_u16(wk->pkt + p + 2);
	wk->pos = p + 4;
	q->has_question = true;
	return 0;
}

int msg_parse_query(struct msg_query *q, const uint8_t *pkt, size_t len)
{
	struct walk wk = { .pkt = pkt, .len = len, .pos = MSG_HDRLEN,
			   .edns = &q->edns };
	int ret;

	q->has_question = false;
	q->has_opt = false;
	q->tsig_off = 0;
	ret = msg_hdr_parse(&q->hdr, pkt, len);
	if (ret < 0)
		return ret;
	if (len > MSG_MAXLEN)
		return BN_EINVAL;
	ret = query_question(q, &wk);
	if (ret < 0)
		return ret;
	q->question_end = (uint16_t)wk.pos;
	for (int s = MSG_ANSWER; s < MSG_SECTIONS; s++) {
		if (!q->hdr.count[s])
			continue;       /* most queries: all but one empty */
		ret = walk_section(&wk, &q->hdr, s, NULL, 0);
		if (ret < 0)
			return ret;
	}
	if (wk.pos != len)
		return BN_ETRAILING;
	q->has_opt = wk.has_opt;
	q->tsig_off = (uint16_t)wk.tsig_off;
	return 0;
}

int msg_rr_owner(const struct msg *m, const struct msg_rr *rr, uint8_t *dst)
{
	size_t p = rr->owner_off;

	return name_unpack(m->pkt, m->len, &p, dst);
}

int msg_rr_rdata(const struct msg *m, const struct msg_rr *rr, uint8_t *dst,
		 size_t cap)
{
	return rdata_unpack(rr->type, m->pkt, m->len, rr->rdata_off,
			   rr->rdlen, dst, cap);
}
