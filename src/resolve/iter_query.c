/* The upstream query (random ID, QNAME minimisation, 0x20 case, EDNS
 * unless the server is known to choke on it, RD only to forwarders and
 * to recursive servers met as a zone's last resort) and
 * the first checks on what comes back: a response, with our ID, to
 * exactly the question we sent. */
#include <string.h>

#include "base/error.h"
#include "resolve/infra.h"
#include "resolve/iter_int.h"
#include "wire/rrtype.h"

/* The name to ask for: under RFC 9156 one label more than the cut at a
 * time, then the goal itself. Returns true when minimised. */
static bool query_name(const struct iter_frame *f, const uint8_t **name)
{
	int ql = name_labels(f->qname);
	int want = name_labels(f->zone) + f->min_labels;
	const uint8_t *p = f->qname;

	*name = f->qname;
	if (!f->minimise || f->kind == CUT_FWD || want >= ql ||
	    f->min_labels > ITER_MIN_LABELS ||
	    !name_is_subdomain(f->qname, f->zone))
		return false;
	for (int skip = ql - want; skip > 0; skip--)
		p += p[0] + 1;
	*name = p;
	return true;
}

/* Flips the case of letters at random (draft-vixie-dnsext-dns0x20). */
static void name_0x20(struct iter *it, uint8_t *name)
{
	uint8_t bits[NAME_MAXLEN];
	size_t len = name_length(name);
	size_t pos = 0;

	it->env->random(bits, len);
	while (name[pos]) {
		uint8_t n = name[pos];

		for (size_t i = pos + 1; i <= pos + n; i++) {
			uint8_t c = name[i];

			if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) &&
			    (bits[i] & 1))
				name[i] = c ^ 0x20;
		}
		pos += n + 1u;
	}
}

static int query_write(struct iter *it, struct iter_query *q, bool edns)
{
	struct msg_hdr h = { 0 };
	struct msg_writer mw;
	struct edns e;
	int ret;

	h.id = it->sent.id;
	h.flags = it->sent.rd ? MSG_FLAG_RD : 0;
	/* validating: a forwarder gives the data as it is, we check it */
	if (it->env->conf->dnssec && iter_top(it)->kind == CUT_FWD)
		h.flags |= MSG_FLAG_CD;
	ret = msg_writer_init(&mw, q->pkt, sizeof(q->pkt), &h, false);
	if (ret == 0)
		ret = msg_writer_question(&mw, it->sent.qname, it->sent.qtype,
					  it->qclass);
	if (ret == 0 && edns) {
		edns_init(&e, it->env->conf->edns_payload);
		if (it->env->conf->dnssec)
			e.flags = EDNS_FLAG_DO;
		ret = msg_writer_opt(&mw, &e);
	}
	if (ret == 0)
		ret = msg_writer_finish(&mw);
	if (ret < 0)
		return ret;
	q->len = (uint16_t)ret;
	return 0;
}

/* The type the next query of f asks: A for a minimisation step. */
uint16_t query_qtype(const struct iter_frame *f)
{
	const uint8_t *name;

	return query_name(f, &name) ? RR_A : f->qtype;
}

int query_build(struct iter *it, struct iter_frame *f, uint64_t now,
		struct iter_query *q, bool tcp)
{
	const struct res_conf *rc = it->env->conf;
	struct iter_srv *s = &f->srv[f->cur];
	struct iter_sent *st = &it->sent;
	struct infra_info info;
	const uint8_t *name;
	uint64_t left = rc->max_time_ms - (now - it->start_ms);

	st->minimised = query_name(f, &name);
	memcpy(st->qname, name, name_length(name));
	st->qtype = st->minimised ? RR_A : f->qtype;
	infra_get(it->env->infra, (const struct sockaddr *)&s->addr.sa,
		  st->qtype, now, &info);
	st->use_0x20 = rc->use_0x20 && !info.no_0x20 && !s->no_0x20;
	if (st->use_0x20)
		name_0x20(it, st->qname);
	it->env->random(&st->id, sizeof(st->id));
	/* a recursive server that answers without authority is asked to
	 * recurse, then its answers are taken (Unbound's rec_lame) */
	st->rd = f->kind == CUT_FWD || s->recursive;
	st->tcp = tcp;
	st->edns = !info.no_edns && !s->no_edns;
	st->case_lost = false;
	st->at_ms = now;
	st->srv = f->cur;
	if (query_write(it, q, st->edns) < 0)
		return BN_ENOSPC;
	q->to = s->addr;
	q->tcp = tcp;
	q->timeout_ms = info.rto_ms ? info.rto_ms : INFRA_RTO_UNKNOWN;
	st->rto_ms = q->timeout_ms;
	/* a wait the client query's budget cuts short says nothing of
	 * the server: its end is not counted as the server's timeout */
	st->clipped = q->timeout_ms > left;
	if (st->clipped)
		q->timeout_ms = left ? (unsigned)left : 1;
	return 0;
}

/* 0 when qn is the name we sent; ITER_CASE_LOST when it is, but not
 * in the 0x20 case we sent; else ITER_IGNORED. */
static int qname_matches(const struct iter *it, const uint8_t *qn)
{
	if (!name_equal(qn, it->sent.qname))
		return ITER_IGNORED;
	if (!it->sent.use_0x20 ||
	    memcmp(qn, it->sent.qname, name_length(qn)) == 0)
		return 0;
	return ITER_CASE_LOST;
}

/* Replies without a question are accepted only as errors (old servers
 * answer FORMERR to EDNS that way); everything else must repeat ours. */
static int question_check(const struct iter *it, const struct msg *m)
{
	uint8_t qn[NAME_MAXLEN];
	const struct msg_rr *q;
	uint8_t rc = msg_hdr_rcode(&m->hdr);

	if (msg_section_count(m, MSG_QUESTION) == 0)
		return rc != RCODE_NOERROR && rc != RCODE_NXDOMAIN ? 0 : ITER_IGNORED;
	if (msg_section_count(m, MSG_QUESTION) != 1)
		return ITER_IGNORED;
	q = msg_section_rr(m, MSG_QUESTION, 0);
	if (msg_rr_owner(m, q, qn) < 0 || q->type != it->sent.qtype ||
	    q->rclass != it->qclass)
		return ITER_IGNORED;
	return qname_matches(it, qn);
}

/* A reply that does not parse as a whole ends the wait only when its
 * question is readable and ours (case included under 0x20): otherwise
 * a spoofer who guessed the ID could make us drop a good server. */
static int question_check_raw(const struct iter *it, const uint8_t *pkt,
			      size_t len)
{
	uint8_t qn[NAME_MAXLEN];
	size_t pos = MSG_HDRLEN;
	struct rbuf r;
	uint16_t type, rclass;

	if (len < MSG_HDRLEN || wire_get_u16(pkt + 4) != 1 ||
	    name_unpack(pkt, len, &pos, qn) < 0)
		return ITER_IGNORED;
	rbuf_init(&r, pkt + pos, len - pos);
	if (rbuf_u16(&r, &type) < 0 || rbuf_u16(&r, &rclass) < 0 ||
	    type != it->sent.qtype || rclass != it->qclass)
		return ITER_IGNORED;
	return qname_matches(it, qn) == 0 ? 0 : ITER_IGNORED;
}

/* 0 accepted, ITER_IGNORED not ours, ITER_CASE_LOST ours but with the
 * 0x20 case lost, <0 ours but malformed. */
int reply_accept(struct iter *it, const uint8_t *pkt, size_t len,
		 struct msg *m)
{
	struct msg_hdr h;
	int ret;

	if (msg_hdr_parse(&h, pkt, len) < 0 || !msg_hdr_qr(&h) ||
	    h.id != it->sent.id || msg_hdr_opcode(&h) != OPCODE_QUERY)
		return ITER_IGNORED;
	ret = msg_parse(m, pkt, len, it->rr, ITER_MAX_RR);
	if (ret < 0)
		return question_check_raw(it, pkt, len) == 0 ? ret : ITER_IGNORED;
	return question_check(it, m);
}
