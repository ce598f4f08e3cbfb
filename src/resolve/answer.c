/* Assembling a client's answer (RRsets copied into struct answer, no
 * allocation) and writing it as the reply to one query: header flags
 * from the query, the question as received, records with compression,
 * OPT with the Extended DNS Error, and all-or-nothing truncation to the
 * client's size. */
#include <stdio.h>
#include <string.h>

#include "dnssec/dnssec.h"
#include "resolve/answer.h"
#include "resolve/proofset.h"
#include "base/error.h"
#include "wire/buf.h"
#include "wire/edns.h"
#include "wire/rrtype.h"

void answer_init(struct answer *a, uint8_t rcode)
{
	a->rcode = rcode;
	a->aa = false;
	a->stale = false;
	a->bogus = false;
	a->dnssec = false;
	answer_ede_clear(&a->ede);
	a->nsets = 0;
	a->used = 0;
}

void answer_ede_clear(struct answer_ede *e)
{
	e->code = ANSWER_EDE_NONE;
	e->text_len = 0;
}

void answer_ede_set(struct answer_ede *e, uint16_t code, const char *text)
{
	size_t n = text ? strlen(text) : 0;

	if (n > ANSWER_EDE_TEXT) {
		n = ANSWER_EDE_TEXT;
		/* not inside a multi-octet character: back off its
		 * continuation octets (10xxxxxx) and its lead octet */
		while (n && ((uint8_t)text[n] & 0xc0) == 0x80)
			n--;
	}
	e->code = code;
	e->text_len = (uint8_t)n;
	if (n)
		memcpy(e->text, text, n);
}

void answer_set_bogus(struct answer *a, const uint8_t *name, uint16_t type,
		      int result)
{
	char text[NAME_TEXT_MAX + 64], owner[NAME_TEXT_MAX], tb[16];
	int ede = dnssec_result_ede(result);

	if (name_to_text(owner, sizeof(owner), name) < 0)
		owner[0] = 0;
	snprintf(text, sizeof(text), "%s %s: %s", owner,
		 rrtype_to_text(type, tb), dnssec_result_str(result));
	answer_ede_set(&a->ede, (uint16_t)(ede < 0 ? EDNS_EDE_BOGUS : ede),
		       text);
	a->bogus = true;
}

/* Copies n octets into a->data; NULL when they do not fit. */
static const uint8_t *put(struct answer *a, const uint8_t *src, size_t n)
{
	uint8_t *dst;

	if (n > ANSWER_DATA - a->used)
		return NULL;
	dst = a->data + a->used;
	if (n)
		memcpy(dst, src, n);
	a->used += n;
	return dst;
}

/* One slot holding copies of owner and the RDATA sequence. The set is
 * whole or absent: on BN_ENOSPC a is as before. */
static int add_copy(struct answer *a, enum msg_section sec,
		    const struct rrset *s, const uint8_t *owner, uint16_t type)
{
	struct answer_set *as;
	size_t used = a->used;
	size_t olen = name_length(owner);

	if (a->nsets >= ANSWER_SETS ||
	    olen + s->rdata_len + s->sigs_len > ANSWER_DATA - a->used)
		return BN_ENOSPC;
	as = &a->sets[a->nsets];
	as->section = (uint8_t)sec;
	as->role = ANSWER_ROLE_DATA;
	as->set = *s;
	as->set.type = type;
	as->set.owner = put(a, owner, olen);
	/* the RRSIGs follow the RDATA (rrset_sigs) */
	as->set.rdata = put(a, s->rdata, s->rdata_len + s->sigs_len);
	as->set.soa_owner = NULL;
	as->set.dname_owner = NULL;
	if (!as->set.owner || !as->set.rdata) {
		a->used = used;
		return BN_ENOSPC;
	}
	if (s->nsigs | s->sec) {
		a->dnssec = true;
		a->bogus |= s->sec == SEC_BOGUS;
	}
	a->nsets++;
	return 0;
}

/* The sets of a negative answer's proof after its SOA: each with the
 * answer's status and TTL, for DO clients. */
static int add_proof(struct answer *a, const struct rrset *neg, uint32_t own)
{
	const uint8_t *p = rrset_sigs(neg) + own;
	size_t len = neg->sigs_len - own, pos = 0;
	struct rrset ps;
	int ret = 0;

	for (unsigned n = 0; n < PROOFSET_MAX && ret == 0; n++) {
		if (proofset_next(p, len, &pos, &ps) != 1)
			break;
		ps.ttl = neg->ttl;
		ps.sec = neg->sec;
		ps.why = neg->why;
		ret = add_copy(a, MSG_AUTHORITY, &ps, ps.owner, ps.type);
		if (ret == 0) {
			a->sets[a->nsets - 1].role = ANSWER_ROLE_PROOF;
			a->dnssec = true;
		}
	}
	return ret;
}

/* A negative answer shows as its SOA in the authority section (RFC
 * 2308 3), its proof after it; without a SOA there is nothing to write.
 * Out of line: the hit path of positive answers stays as small. */
static __attribute__((noinline)) int add_negative(struct answer *a,
						   const struct rrset *s)
{
	struct rrset soa;
	uint32_t own;
	int ret;

	if (s->count == 0 || !s->soa_owner)
		return 0;
	soa = *s;
	own = proofset_sigs_own(s);
	soa.sigs_len = own;
	ret = add_copy(a, MSG_AUTHORITY, &soa, s->soa_owner, RR_SOA);
	if (ret < 0)
		return ret;
	a->sets[a->nsets - 1].set.kind = RRSET_POSITIVE;
	a->sets[a->nsets - 1].role = ANSWER_ROLE_NEG;
	return own < s->sigs_len ? add_proof(a, s, own) : 0;
}

int answer_add(struct answer *a, enum msg_section sec, const struct rrset *s)
{
	if (s->kind == RRSET_POSITIVE)
		return add_copy(a, sec, s, s->owner, s->type);
	return add_negative(a, s);
}

/* AD (RFC 4035 3.2.3, RFC 6840 5.8): every set validated secure, to a
 * client that said it understands (DO or AD) and did not ask us not to
 * check (CD). Sets are few: the scan is only for such clients. */
static bool reply_ad(const struct answer *a, const struct msg_query *q)
{
	if (!a || !a->nsets || msg_hdr_cd(&q->hdr) ||
	    (!msg_hdr_ad(&q->hdr) && !(q->has_opt && edns_do(&q->edns))))
		return false;
	for (uint16_t i = 0; i < a->nsets; i++)
		if (a->sets[i].set.sec != SEC_SECURE)
			return false;
	return true;
}

bool answer_ede_for(const struct answer *a, bool cd)
{
	return a->ede.code != ANSWER_EDE_NONE && !(cd && a->bogus);
}

/* Header of the reply: ID, opcode, RD and CD from the query; QR and RA
 * set; AA as asked. */
static void reply_hdr(struct msg_hdr *h, const struct msg_query *q, bool aa)
{
	h->id = q->hdr.id;
	h->flags = (uint16_t)(MSG_FLAG_QR | MSG_FLAG_RA |
			      (q->hdr.flags & (0x7800 | MSG_FLAG_RD |
					       MSG_FLAG_CD)));
	if (aa)
		h->flags |= MSG_FLAG_AA;
	memset(h->count, 0, sizeof(h->count));
}

/* Room for the one option we send: EDE with its code and text. */
#define OPTS_MAX (EDNS_OPT_HDR + 2 + ANSWER_EDE_TEXT)

/* The EDE option (RFC 8914 2) into opts, e->opts pointing at it. */
static void put_ede(struct edns *e, const struct answer_ede *ede,
		    uint8_t *opts)
{
	uint8_t val[2 + ANSWER_EDE_TEXT];
	struct wbuf v, w;

	wbuf_init(&v, val, sizeof(val));
	wbuf_u16(&v, (uint16_t)ede->code);
	wbuf_bytes(&v, ede->text, ede->text_len);
	wbuf_init(&w, opts, OPTS_MAX);
	if (edns_opt_put(&w, EDNS_OPT_EDE, val, (uint16_t)v.len) < 0)
		return;
	e->opts = opts;
	e->opts_len = (uint16_t)w.len;
}

/* Our OPT: payload min(ours, client's) (each at least 512), DO copied
 * as RFC 3225 3 asks, the EDE when there is one (opts: its room). */
static void reply_edns(struct edns *e, const struct msg_query *q,
		       uint16_t max_payload, const struct answer_ede *ede,
		       uint8_t *opts)
{
	uint16_t p = max_payload < EDNS_MIN_PAYLOAD ? EDNS_MIN_PAYLOAD
						    : max_payload;

	if (!q->has_opt) {
		edns_init(e, p);
		return;
	}
	if (edns_payload(&q->edns) < p)
		p = edns_payload(&q->edns);
	edns_init(e, p);
	if (edns_do(&q->edns))
		e->flags = EDNS_FLAG_DO;
	if (ede && ede->code != ANSWER_EDE_NONE)
		put_ede(e, ede, opts);
}

/* Header, question (when the query had one) and the OPT's room. */
static int start(struct msg_writer *mw, const struct msg_query *q, bool aa,
		 const struct edns *e, uint8_t *out, size_t limit)
{
	struct msg_hdr h;
	int ret;

	reply_hdr(&h, q, aa);
	ret = msg_writer_init(mw, out, limit, &h, true);
	if (ret == 0 && q->has_opt)
		ret = msg_writer_reserve(mw, edns_wire_size(e));
	if (ret == 0 && q->has_question)
		ret = msg_writer_question(mw, q->qname, q->qtype, q->qclass);
	return ret;
}

/* The OPT and the rcode; an extended rcode (> 15) needs the OPT, so
 * without one it becomes SERVFAIL. Returns the length or 0. */
static size_t finish(struct msg_writer *mw, const struct msg_query *q,
		     struct edns *e, uint16_t rcode)
{
	int len;

	msg_writer_release(mw);
	if (q->has_opt) {
		msg_hdr_set_rcode(&mw->hdr, edns_set_rcode(e, rcode));
		if (msg_writer_opt(mw, e) < 0)
			return 0;
	} else {
		msg_hdr_set_rcode(&mw->hdr, (uint8_t)(rcode > 15 ?
						      RCODE_SERVFAIL : rcode));
	}
	len = msg_writer_finish(mw);
	return len < 0 ? 0 : (size_t)len;
}

/* Every record of one set, RDATA items walked through a cursor. */
static int write_set(struct msg_writer *mw, const struct answer_set *as)
{
	const struct rrset *s = &as->set;
	struct rbuf r;
	uint16_t len;
	int ret;

	rbuf_init(&r, s->rdata, s->rdata_len);
	for (uint16_t i = 0; i < s->count; i++) {
		if (rbuf_u16(&r, &len) < 0 || rbuf_left(&r) < len)
			return BN_ERDATA;
		ret = msg_writer_rr(mw, (enum msg_section)as->section,
				    s->owner, s->type, s->rclass, s->ttl,
				    r.base + r.pos, len);
		if (ret < 0)
			return ret;
		r.pos += len;
	}
	return 0;
}

/* The set's RRSIGs, for a DO client (RFC 4035 3.2.1), beside it. */
static int write_sigs(struct msg_writer *mw, const struct answer_set *as)
{
	const struct rrset *s = &as->set;
	struct rbuf r;
	uint16_t len;
	int ret;

	rbuf_init(&r, rrset_sigs(s), s->sigs_len);
	for (uint16_t i = 0; i < s->nsigs; i++) {
		if (rbuf_u16(&r, &len) < 0 || rbuf_left(&r) < len)
			return BN_ERDATA;
		ret = msg_writer_rr(mw, (enum msg_section)as->section,
				    s->owner, RR_RRSIG, s->rclass, s->ttl,
				    r.base + r.pos, len);
		if (ret < 0)
			return ret;
		r.pos += len;
	}
	return 0;
}

/* The next set of the proof after a positive set's RRSIGs (a wildcard
 * expansion's, proofset.h): 1, or 0 at the end (or malformed). */
static int pack_next(const struct rrset *s, uint32_t own, size_t *pos,
		     struct rrset *out)
{
	if (own >= s->sigs_len)
		return 0;
	return proofset_next(rrset_sigs(s) + own, s->sigs_len - own, pos,
			     out) == 1;
}

/* Whether (owner, type) goes out already: a negative answer's proof
 * set, or in the proof of an answer set before set i. */
static bool pack_dup(const struct answer *a, uint16_t i, const uint8_t *owner,
		     uint16_t type)
{
	struct rrset o;

	for (uint16_t k = 0; k < a->nsets; k++) {
		const struct answer_set *as = &a->sets[k];
		uint32_t own;
		size_t pos = 0;

		if (as->role == ANSWER_ROLE_PROOF) {
			if (as->set.type == type &&
			    name_equal(as->set.owner, owner))
				return true;
			continue;
		}
		if (k >= i || as->section != MSG_ANSWER)
			continue;
		own = proofset_sigs_own(&as->set);
		for (unsigned n = 0; n < PROOFSET_MAX &&
				     pack_next(&as->set, own, &pos, &o); n++)
			if (o.type == type && name_equal(o.owner, owner))
				return true;
	}
	return false;
}

/* The proof after answer set i's RRSIGs, in the authority section for
 * a DO client (each set once: a negative answer may carry it too). */
static int write_pack(struct msg_writer *mw, const struct answer *a,
		      uint16_t i)
{
	const struct rrset *s = &a->sets[i].set;
	uint32_t own = proofset_sigs_own(s);
	struct answer_set ps = { .section = MSG_AUTHORITY };
	size_t pos = 0;
	int ret = 0;

	for (unsigned n = 0; n < PROOFSET_MAX && ret == 0; n++) {
		if (!pack_next(s, own, &pos, &ps.set))
			break;
		if (pack_dup(a, i, ps.set.owner, ps.set.type))
			continue;
		ps.set.ttl = s->ttl;
		ret = write_set(mw, &ps);
		if (ret == 0)
			ret = write_sigs(mw, &ps);
	}
	return ret;
}

/* Inlined where the flags are constants: the reply without DNSSEC data
 * (the cache-hit path with validation off) pays no test for it. */
#define ANSWER_INLINE static inline __attribute__((always_inline))

/* The sets in section order, whatever order they were added in; their
 * RRSIGs with dnssec; proof sets (ANSWER_ROLE_PROOF) left out with
 * no_proof. */
ANSWER_INLINE int write_sets(struct msg_writer *mw, const struct answer *a,
			     bool dnssec, bool no_proof)
{
	int ret;

	for (int sec = MSG_ANSWER; sec < MSG_SECTIONS; sec++) {
		for (uint16_t i = 0; dnssec && sec == MSG_AUTHORITY &&
				     i < a->nsets; i++)
			if (a->sets[i].section == MSG_ANSWER &&
			    a->sets[i].role == ANSWER_ROLE_DATA &&
			    (ret = write_pack(mw, a, i)) < 0)
				return ret;
		for (uint16_t i = 0; i < a->nsets; i++) {
			if (a->sets[i].section != sec ||
			    (no_proof && a->sets[i].role == ANSWER_ROLE_PROOF))
				continue;
			ret = write_set(mw, &a->sets[i]);
			if (ret == 0 && dnssec && a->sets[i].set.nsigs)
				ret = write_sigs(mw, &a->sets[i]);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* RFC 2181 9 asks for whole sets; a resolver's client retries over TCP
 * anyway, so a reply that does not fit carries no records at all. ede:
 * the EDE to send (NULL: none); ad: the AD bit; sigs: the RRSIGs too
 * (and the proof sets of negative answers, which exist only in answers
 * with a->dnssec: the plain path never tests a set's role). */
ANSWER_INLINE size_t write_records(const struct answer *a,
				   const struct msg_query *q,
				   uint16_t max_payload, uint8_t *out,
				   size_t limit, const struct answer_ede *ede,
				   bool ad, bool sigs, bool dnssec)
{
	struct msg_writer mw;
	struct edns e;
	uint16_t rcode = a->rcode;
	uint8_t opts[OPTS_MAX];
	int ret;

	reply_edns(&e, q, max_payload, ede, opts);
	if (start(&mw, q, a->aa, &e, out, limit) < 0)
		return 0;
	if (ad)
		msg_hdr_set_flag(&mw.hdr, MSG_FLAG_AD, true);
	ret = write_sets(&mw, a, sigs, dnssec && !sigs);
	if (ret < 0) {
		if (ret != BN_ENOSPC)
			rcode = RCODE_SERVFAIL; /* stored RDATA is corrupt */
		if (start(&mw, q, a->aa && ret == BN_ENOSPC, &e, out,
			  limit) < 0)
			return 0;
		if (ret == BN_ENOSPC)
			msg_hdr_set_flag(&mw.hdr, MSG_FLAG_TC, true);
		/* a secure answer cut short keeps AD (as Unbound): the
		 * client's retry over TCP gets the same */
		if (ad && ret == BN_ENOSPC)
			msg_hdr_set_flag(&mw.hdr, MSG_FLAG_AD, true);
	}
	return finish(&mw, q, &e, rcode);
}

/* An answer with DNSSEC data or statuses: bogus is SERVFAIL with its
 * EDE unless CD; AD and RRSIGs as the client asked. */
static size_t write_dnssec(const struct answer *a, const struct msg_query *q,
			   uint16_t max_payload, uint8_t *out, size_t limit)
{
	bool cd = msg_hdr_cd(&q->hdr);

	if (a->bogus && !cd)
		return answer_write_rcode(q, RCODE_SERVFAIL, &a->ede,
					  max_payload, out, limit);
	return write_records(a, q, max_payload, out, limit,
			     answer_ede_for(a, cd) ? &a->ede : NULL,
			     reply_ad(a, q), q->has_opt && edns_do(&q->edns),
			     true);
}

static size_t write_reply(const struct answer *a, const struct msg_query *q,
			  uint16_t max_payload, uint8_t *out, size_t limit)
{
	if (a->dnssec)
		return write_dnssec(a, q, max_payload, out, limit);
	return write_records(a, q, max_payload, out, limit, &a->ede, false,
			     false, false);
}

/* UDP: RFC 6891 6.2.5, the client's payload (512 without EDNS), and not
 * more than we offer either. */
static size_t udp_limit(const struct msg_query *q, uint16_t max_payload,
			size_t cap)
{
	size_t lim = EDNS_MIN_PAYLOAD;

	if (q->has_opt) {
		lim = edns_payload(&q->edns);
		if (lim > max_payload)
			lim = max_payload;
		if (lim < EDNS_MIN_PAYLOAD)
			lim = EDNS_MIN_PAYLOAD;
	}
	return lim < cap ? lim : cap;
}

size_t answer_write(const struct answer *a, const struct msg_query *q,
		    uint16_t max_payload, uint8_t *out, size_t cap)
{
	return write_reply(a, q, max_payload, out,
			   udp_limit(q, max_payload, cap));
}

size_t answer_write_stream(const struct answer *a, const struct msg_query *q,
			   uint16_t max_payload, uint8_t *out, size_t cap)
{
	return write_reply(a, q, max_payload, out,
			   cap < MSG_MAXLEN ? cap : MSG_MAXLEN);
}

size_t answer_write_rcode(const struct msg_query *q, uint8_t rcode,
			  const struct answer_ede *ede, uint16_t max_payload,
			  uint8_t *out, size_t cap)
{
	struct msg_writer mw;
	struct edns e;
	uint8_t opts[OPTS_MAX];

	reply_edns(&e, q, max_payload, ede, opts);
	if (start(&mw, q, false, &e, out, udp_limit(q, max_payload, cap)) < 0)
		return 0;
	return finish(&mw, q, &e, rcode);
}
