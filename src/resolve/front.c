/* The client-facing checks and lookups of front.h, in Unbound's order. */
#include <string.h>

#include "resolve/front.h"
#include "wire/rrtype.h"

/* Meta-types asked as a question: OPT, the range RFC 6895 3.1 keeps for
 * them (TKEY and TSIG at its end), MAILB and MAILA. AXFR, IXFR and ANY
 * are the other query types, handled on their own. */
static bool meta_qtype(uint16_t t)
{
	return t == RR_OPT || (t >= 128 && t <= RR_TSIG) || t == RR_MAILB ||
	       t == RR_MAILA;
}

/* The checks before any lookup, in Unbound's order: 0 to go on, or the
 * rcode to answer. A query holds one question and at most an OPT
 * besides (a TSIG would not be verified: FORMERR like Unbound); it is
 * never truncated. */
static int screen(const struct msg_query *q)
{
	const uint16_t *n = q->hdr.count;

	if (msg_hdr_tc(&q->hdr))
		return RCODE_FORMERR;
	if (msg_hdr_opcode(&q->hdr) != OPCODE_QUERY)
		return RCODE_NOTIMP;
	if (!q->has_question)
		return RCODE_FORMERR;
	if (n[MSG_ANSWER] || n[MSG_AUTHORITY] ||
	    n[MSG_ADDITIONAL] > (q->has_opt ? 1 : 0))
		return RCODE_FORMERR;
	if (q->qtype == RR_AXFR || q->qtype == RR_IXFR)
		return RCODE_REFUSED;
	if (meta_qtype(q->qtype))
		return RCODE_FORMERR;
	if (q->has_opt && q->edns.version > 0)
		return RCODE_BADVERS;   /* RFC 6891 6.1.3 */
	if (q->qclass == CLASS_IN)
		return 0;
	return q->qclass == CLASS_CH ? RCODE_REFUSED : RCODE_NOTIMP;
}

/* A CHAOS TXT identity question (RFC 4892), answered as Unbound does:
 * TTL 0, not authoritative, whatever RD says. False for any other. */
static bool chaos_answer(const struct front *fe, const struct msg_query *q,
			 struct answer *a)
{
	uint8_t seq[2 + 256];
	uint16_t len;
	const uint8_t *rd;
	struct rrset r = {
		.owner = q->qname, .type = RR_TXT, .rclass = CLASS_CH,
		.kind = RRSET_POSITIVE, .rank = RANK_LOCAL, .count = 1,
		.rdata = seq,
	};

	if (!fe->chaos || q->qclass != CLASS_CH || q->qtype != RR_TXT ||
	    !(rd = chaos_ident_txt(fe->chaos, q->qname, &len)))
		return false;
	seq[0] = (uint8_t)(len >> 8);
	seq[1] = (uint8_t)len;
	memcpy(seq + 2, rd, len);
	r.rdata_len = 2 + (size_t)len;
	answer_init(a, RCODE_NOERROR);
	return answer_add(a, MSG_ANSWER, &r) == 0;
}

static enum front_kind rcode_reply(const struct front *fe,
				   struct front_query *fq, uint8_t rcode,
				   uint8_t *out, size_t cap)
{
	fq->len = answer_write_rcode(&fq->q, rcode, NULL, fe->max_payload,
				     out, cap);
	return rcode == RCODE_REFUSED ? FRONT_REFUSED : FRONT_ERROR;
}

static enum front_kind written(const struct front *fe, struct front_query *fq,
			       const struct answer *a, bool tcp,
			       enum front_kind kind, uint8_t *out, size_t cap)
{
	if (tcp)
		fq->len = answer_write_stream(a, &fq->q, fe->max_payload,
					      out, cap);
	else
		fq->len = answer_write(a, &fq->q, fe->max_payload, out, cap);
	return kind;
}

/* Local data, then the cache (RD=0: only for allow-snoop clients, for
 * others it would tell which names their neighbours looked up), then
 * recursion for RD=1, unless the refresh of the expired data just
 * failed: that data is answered for a few seconds more (RFC 8767 4). */
static enum front_kind lookup(const struct front *fe,
			      const struct sockaddr *peer, bool tcp,
			      uint64_t now_ms, struct answer *a,
			      struct front_query *fq, uint8_t *out, size_t cap)
{
	const struct msg_query *q = &fq->q;
	bool rd = msg_hdr_rd(&q->hdr);
	unsigned vf = fe->validate ? CACHE_VALIDATED : 0;

	memcpy(fq->lname, q->qname, q->qname_len);
	name_to_lower(fq->lname);
	if (local_answer(fe->local, fq->lname, q->qtype, q->qclass, a) == 1)
		return written(fe, fq, a, tcp, FRONT_LOCAL, out, cap);
	if (!rd && !acl_match(fe->snoop, peer))
		return rcode_reply(fe, fq, RCODE_REFUSED, out, cap);
	if (answer_from_cache(a, fe->cache, fq->lname, q->qtype, q->qclass,
			      now_ms, vf, &fq->prefetch) == 1) {
		fq->prefetch = fq->prefetch && rd; /* RD=0: nothing upstream */
		return written(fe, fq, a, tcp, FRONT_HIT, out, cap);
	}
	if (fe->aggressive && fe->validate && !msg_hdr_cd(&q->hdr) &&
	    answer_from_nsec(a, fe->cache, fq->lname, q->qtype, q->qclass,
			     now_ms, NULL) == 1)
		return written(fe, fq, a, tcp, FRONT_NSEC, out, cap);
	if (!rd)
		return rcode_reply(fe, fq, RCODE_REFUSED, out, cap);
	if (answer_from_cache(a, fe->cache, fq->lname, q->qtype, q->qclass,
			      now_ms, vf | CACHE_STALE | CACHE_RECHECK,
			      &fq->prefetch) == 1)
		return written(fe, fq, a, tcp, FRONT_HIT, out, cap);
	return FRONT_MISS;
}

enum front_kind front_handle(const struct front *fe, const struct sockaddr *peer,
			     const uint8_t *pkt, size_t len, bool tcp,
			     uint64_t now_ms, struct answer *a,
			     struct front_query *fq, uint8_t *out, size_t cap)
{
	/* outside the ACL, everything that gets a reply gets REFUSED */
	bool allowed = acl_match(fe->acl, peer);
	int rc;

	fq->prefetch = false;
	fq->len = 0;
	if (msg_parse_query(&fq->q, pkt, len) < 0) {
		/* a header that reads: FORMERR, with the question when that
		 * much parsed so the client can match the reply; nothing to
		 * responses or to shorter garbage */
		if (len < MSG_HDRLEN || msg_hdr_qr(&fq->q.hdr))
			return FRONT_NONE;
		return rcode_reply(fe, fq, allowed ? RCODE_FORMERR
						   : RCODE_REFUSED, out, cap);
	}
	if (msg_hdr_qr(&fq->q.hdr))
		return FRONT_NONE;
	rc = allowed ? screen(&fq->q) : RCODE_REFUSED;
	if (rc == RCODE_REFUSED && allowed && chaos_answer(fe, &fq->q, a))
		return written(fe, fq, a, tcp, FRONT_LOCAL, out, cap);
	if (rc)
		return rcode_reply(fe, fq, (uint8_t)rc, out, cap);
	return lookup(fe, peer, tcp, now_ms, a, fq, out, cap);
}
