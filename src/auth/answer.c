/* The engine's entry point: checks the query (header, opcode, question,
 * EDNS), answers errors itself, sizes the reply for the transport and
 * hands real questions to lookup.c; truncation and the OPT record are
 * settled here. */
#include <string.h>

#include "auth/auth_int.h"
#include "auth/xfr.h"
#include "base/error.h"
#include "wire/rrtype.h"

#define CLASS_IN 1
#define CLASS_CH 3

void auth_conf_init(struct auth_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->udp_payload = 1232;
	c->minimal = true;
}

void auth_mark(const struct auth_query *a, struct auth_mark *m)
{
	m->len = a->mw.w.len;
	memcpy(m->count, a->mw.hdr.count, sizeof(m->count));
	m->ncompr = a->mw.c.count;
	m->section = a->mw.section;
}

void auth_rollback(struct auth_query *a, const struct auth_mark *m)
{
	a->mw.w.len = m->len;
	memcpy(a->mw.hdr.count, m->count, sizeof(m->count));
	a->mw.c.count = m->ncompr;
	a->mw.section = m->section;
}

int auth_put_rrset(struct auth_query *a, enum msg_section s,
		   const uint8_t *owner, const struct zdb_rrset *set)
{
	struct auth_mark m;
	int ret;

	auth_mark(a, &m);
	for (uint16_t i = 0; i < set->count; i++) {
		ret = msg_writer_rr(&a->mw, s, owner, set->type, CLASS_IN,
				    set->ttl, set->rr[i].data, set->rr[i].len);
		if (ret < 0) {
			auth_rollback(a, &m);
			return BN_ENOSPC;
		}
	}
	return 0;
}

/* Largest reply the client takes: RFC 6891 6.2.5, 512 without EDNS. */
static size_t reply_limit(const struct msg_query *q,
			  const struct auth_conf *conf,
			  enum auth_transport t, size_t cap)
{
	size_t lim = MSG_MAXLEN;

	if (t == AUTH_UDP) {
		lim = EDNS_MIN_PAYLOAD;
		if (q->has_opt) {
			lim = edns_payload(&q->edns);
			if (lim > conf->udp_payload)
				lim = conf->udp_payload;
			if (lim < EDNS_MIN_PAYLOAD)
				lim = EDNS_MIN_PAYLOAD;
		}
	}
	return lim < cap ? lim : cap;
}

/* Header of every reply: ID, opcode and RD echoed, QR set; AA, RA, AD
 * and CD clear (CD is not copied, as Knot does). */
static void reply_hdr(struct msg_hdr *h, const struct msg_hdr *qh)
{
	memset(h, 0, sizeof(*h));
	h->id = qh->id;
	h->flags = (uint16_t)(MSG_FLAG_QR | (qh->flags & 0x7800) |
			      (qh->flags & MSG_FLAG_RD));
}

/* OPT of the reply: our payload size, DO echoed (all three peers do),
 * the NSID to a query that asks for it (RFC 5001 2.1: an empty NSID
 * option in the query). */
static void reply_edns(struct edns *e, const struct msg_query *q,
		       const struct auth_conf *conf)
{
	const uint8_t *d;
	uint16_t n;

	edns_init(e, conf->udp_payload);
	if (edns_do(&q->edns))
		e->flags = EDNS_FLAG_DO;
	if (__builtin_expect(q->edns.opts_len != 0, 0) && conf->nsid_opt_len &&
	    edns_opt_find(&q->edns, EDNS_OPT_NSID, &d, &n) == 1) {
		e->opts = conf->nsid_opt;
		e->opts_len = conf->nsid_opt_len;
	}
}

/* Ends the reply: OPT (when the query had one) and the final rcode. */
static size_t finish(struct auth_query *a, bool with_opt)
{
	struct edns e;
	int len;

	msg_writer_release(&a->mw);
	if (with_opt) {
		reply_edns(&e, a->q, a->conf);
		msg_hdr_set_rcode(&a->mw.hdr, edns_set_rcode(&e, a->rcode));
		if (msg_writer_opt(&a->mw, &e) < 0)
			return 0;
	} else {
		msg_hdr_set_rcode(&a->mw.hdr, (uint8_t)(a->rcode & 0x0f));
	}
	msg_hdr_set_flag(&a->mw.hdr, MSG_FLAG_AA, a->aa);
	msg_hdr_set_flag(&a->mw.hdr, MSG_FLAG_TC, a->tc || a->glue_tc);
	len = msg_writer_finish(&a->mw);
	if (len < 0)
		return 0;
	if (a->tsig)
		return auth_tsig_finish(a, (size_t)len);
	return (size_t)len;
}

/* Starts the reply: header, the question when there is one, room for
 * the OPT and the TSIG kept free. false when not even that fits. */
static bool start(struct auth_query *a, const struct msg_hdr *qh,
		  uint8_t *out, size_t cap, bool question, bool with_opt)
{
	struct msg_hdr h;
	struct edns e;
	size_t room = a->tsig ? auth_tsig_room(a) : 0;

	reply_hdr(&h, qh);
	if (msg_writer_init(&a->mw, out, cap, &h, true) < 0)
		return false;
	if (with_opt) {
		reply_edns(&e, a->q, a->conf);
		room += edns_wire_size(&e);
	}
	if (room && msg_writer_reserve(&a->mw, room) < 0)
		return false;
	if (question && msg_writer_question(&a->mw, a->q->qname,
					    a->q->qtype, a->q->qclass) < 0)
		return false;
	return true;
}

/* A reply without records: header, question when parsed, OPT. */
static size_t error_reply(struct auth_query *a, const struct msg_hdr *qh,
			  uint8_t *out, size_t cap, uint16_t rcode,
			  bool question, bool with_opt)
{
	a->rcode = rcode;
	if (!start(a, qh, out, cap, question, with_opt))
		return 0;
	return finish(a, with_opt);
}

size_t auth_refuse(struct auth_query *a, uint8_t *out, size_t cap,
		   uint16_t rcode)
{
	return error_reply(a, &a->q->hdr, out, cap, rcode, true,
			   a->q->has_opt);
}

/* What to say to a well-formed query before any lookup; 0 = answer it.
 * AXFR over UDP gets NOTIMP (Knot, NSD); the rest of transfers is
 * xfr.c's. An IXFR query carries the client's SOA in its authority
 * section (RFC 1995 3): one record there is its form, not a format
 * error. */
static uint16_t precheck(const struct msg_query *q, enum auth_transport t)
{
	uint8_t op = msg_hdr_opcode(&q->hdr);

	if (op == OPCODE_NOTIFY || op == OPCODE_UPDATE)
		return RCODE_NOTAUTH;   /* Knot: no ACL allows them */
	if (op != OPCODE_QUERY)
		return RCODE_NOTIMP;
	if (!q->has_question || q->hdr.count[MSG_ANSWER] ||
	    q->hdr.count[MSG_AUTHORITY] > (q->qtype == RR_IXFR ? 1 : 0))
		return RCODE_FORMERR;
	if (q->has_opt && q->edns.version > 0)
		return RCODE_BADVERS;
	if (q->qtype == RR_AXFR && t == AUTH_UDP)
		return RCODE_NOTIMP;
	if (q->qtype != RR_AXFR && q->qtype != RR_IXFR &&
	    q->qclass != CLASS_IN)
		return RCODE_REFUSED;
	return 0;
}

/* RFC 2181 9: a set that does not fit is left out whole and TC set;
 * what came before it stays, nothing comes after (as Knot does). */
static size_t answer(struct auth_query *a, enum auth_transport t,
		     uint8_t *out, size_t cap)
{
	bool opt = a->q->has_opt;

	if (a->q->qtype == RR_AXFR || a->q->qtype == RR_IXFR)
		return auth_xfr_reply(a, t, out, cap);

	if (!start(a, &a->q->hdr, out, cap, true, opt))
		return 0;
	a->dnssec = opt && edns_do(&a->q->edns);
	auth_lookup(a);
	if (!a->tc && a->naddl)
		auth_additional(a);
	return finish(a, opt);
}

/* A CHAOS identity query (auth_chaos said it is one). */
static size_t answer_chaos(struct auth_query *a, uint8_t *out, size_t cap)
{
	if (!start(a, &a->q->hdr, out, cap, true, a->q->has_opt))
		return 0;
	auth_chaos_put(a);
	return finish(a, a->q->has_opt);
}

/* A signed query: its TSIG is checked before anything else (RFC 8945
 * 5.2), then it is answered as any other, and the reply signed. Out of
 * line: unsigned queries carry none of this. */
static __attribute__((noinline)) size_t
answer_signed(struct auth_query *a, enum auth_transport t, uint8_t *out,
	      size_t cap)
{
	const struct msg_query *q = a->q;
	struct auth_tsig ts;
	enum tsig_status st = auth_tsig_check(a, &ts);
	uint16_t rcode = tsig_status_rcode(st);
	size_t n;

	if (!rcode)
		rcode = precheck(q, t);
	if (rcode)
		n = error_reply(a, &q->hdr, out, cap, rcode, q->has_question,
				q->has_opt);
	else
		n = answer(a, t, out, cap);
	auth_tsig_clear(&ts);
	return n;
}

/* A batch prepared the name at the question's place in the packet: it
 * serves when that is where the parser read the question from. */
static const struct zdb_qname *same_name(const struct zdb_qname *pre,
					 const struct msg_query *mq,
					 const uint8_t *q)
{
	if (!pre || pre->len != mq->qname_len ||
	    memcmp(mq->qname, q + MSG_HDRLEN, mq->qname_len) != 0)
		return NULL;
	return pre;
}

static void query_init(struct auth_query *a, struct msg_query *mq,
		       const struct zonedb *db, const struct auth_conf *conf,
		       const uint8_t *q, size_t qlen)
{
	a->db = db;
	a->conf = conf;
	a->pkt = q;
	a->pre = NULL;
	a->pre_zone = NULL;
	a->pktlen = qlen;
	a->q = mq;
	a->rcode = RCODE_NOERROR;
	a->aa = a->tc = a->glue_tc = false;
	a->dnssec = false;
	a->nproofs = 0;
	a->tsig = NULL;
	a->xfr = NULL;
	a->nchain = a->naddl = a->nadded = a->ndnames = 0;
	a->answer_zone = NULL;
	a->answer_set = NULL;
	a->why = NULL;
	mq->has_question = false;
	mq->has_opt = false;
}

size_t auth_reply(const struct auth_conf *conf, const uint8_t *q, size_t qlen,
		  enum auth_transport t, uint16_t rcode, uint8_t *out,
		  size_t cap)
{
	return auth_reply_aa(conf, q, qlen, t, rcode, false, out, cap);
}

size_t auth_reply_aa(const struct auth_conf *conf, const uint8_t *q,
		     size_t qlen, enum auth_transport t, uint16_t rcode,
		     bool aa, uint8_t *out, size_t cap)
{
	struct auth_query a;
	struct msg_query mq;
	struct auth_tsig ts;
	uint16_t trc;
	size_t n;
	int ret;

	if (qlen < MSG_HDRLEN)
		return 0;
	query_init(&a, &mq, NULL, conf, q, qlen);
	ret = msg_parse_query(&mq, q, qlen);
	if (msg_hdr_qr(&mq.hdr))
		return 0;
	if (ret < 0)
		return error_reply(&a, &mq.hdr, out, cap, RCODE_FORMERR,
				   mq.has_question && mq.hdr.count[0] == 1,
				   false);
	a.aa = aa && rcode == RCODE_NOERROR;
	cap = reply_limit(&mq, conf, t, cap);
	if (!mq.tsig_off)
		return error_reply(&a, &mq.hdr, out, cap, rcode,
				   mq.has_question, mq.has_opt);
	trc = tsig_status_rcode(auth_tsig_check(&a, &ts));
	n = error_reply(&a, &mq.hdr, out, cap, trc ? trc : rcode,
			mq.has_question, mq.has_opt);
	auth_tsig_clear(&ts);
	return n;
}

/* Inlined in both entry points: the usual one without a batch pays
 * nothing for it. */
static inline size_t
answer_packet(const struct zonedb *db, const struct auth_conf *conf,
	      const uint8_t *q, size_t qlen, enum auth_transport t,
	      uint8_t *out, size_t cap, const struct zdb_qname *pre,
	      const struct zdb_zone *pre_zone, struct auth_xfr *x,
	      struct auth_why *why)
{
	struct auth_query a;
	struct msg_query mq;
	uint16_t rcode;
	int ret;

	/* the parser reads the header first: one pass serves both */
	if (qlen < MSG_HDRLEN)
		return 0;
	query_init(&a, &mq, db, conf, q, qlen);
	a.xfr = x;
	a.why = why;
	ret = msg_parse_query(&mq, q, qlen);
	if (msg_hdr_qr(&mq.hdr))
		return 0;
	if (ret < 0) {
		/* echo the question when it could be read, as Knot does */
		return error_reply(&a, &mq.hdr, out, cap, RCODE_FORMERR,
				   mq.has_question && mq.hdr.count[0] == 1,
				   false);
	}
	cap = reply_limit(&mq, conf, t, cap);
	a.pre = same_name(pre, &mq, q);
	a.pre_zone = pre_zone;
	if (mq.tsig_off)
		return answer_signed(&a, t, out, cap);
	rcode = precheck(&mq, t);
	if (rcode == RCODE_REFUSED && mq.qclass == CLASS_CH &&
	    auth_chaos(&a) == 0)
		return answer_chaos(&a, out, cap);
	if (rcode)
		return error_reply(&a, &mq.hdr, out, cap, rcode,
				   mq.has_question, mq.has_opt);
	return answer(&a, t, out, cap);
}

size_t auth_answer(const struct zonedb *db, const struct auth_conf *conf,
		   const uint8_t *q, size_t qlen, enum auth_transport t,
		   uint8_t *out, size_t cap)
{
	return answer_packet(db, conf, q, qlen, t, out, cap, NULL, NULL,
			     NULL, NULL);
}

size_t auth_answer_pre(const struct zonedb *db, const struct auth_conf *conf,
		       const uint8_t *q, size_t qlen, enum auth_transport t,
		       uint8_t *out, size_t cap, const struct zdb_qname *pre,
		       const struct zdb_zone *pre_zone)
{
	return answer_packet(db, conf, q, qlen, t, out, cap, pre, pre_zone,
			     NULL, NULL);
}

size_t auth_answer_xfr(const struct zonedb *db, const struct auth_conf *conf,
		       const uint8_t *q, size_t qlen, enum auth_transport t,
		       uint8_t *out, size_t cap, struct auth_xfr *x)
{
	return answer_packet(db, conf, q, qlen, t, out, cap, NULL, NULL, x,
			     NULL);
}

size_t auth_answer_why(const struct zonedb *db, const struct auth_conf *conf,
		       const uint8_t *q, size_t qlen, enum auth_transport t,
		       uint8_t *out, size_t cap, struct auth_why *w)
{
	return answer_packet(db, conf, q, qlen, t, out, cap, NULL, NULL,
			     NULL, w);
}
