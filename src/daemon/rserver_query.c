/* One client query, as Unbound treats it: REFUSED outside the ACL;
 * FORMERR (with the question when it parsed), BADVERS, NOTIMP, zone
 * transfers and non-IN classes refused; then local data, then the cache
 * (no lock, no allocation); a miss joins the request resolving that
 * question or starts one. Without RD: local data, and the cache for
 * allow-snoop clients only (Unbound's allow_snoop); never recursion. */
#include <string.h>

#include "daemon/rserver_int.h"
#include "resolve/acl.h"
#include "resolve/local.h"
#include "wire/rrtype.h"

static size_t write_answer(const struct answer *a, const struct msg_query *q,
			   const struct rsnap *snap, bool tcp, uint8_t *out,
			   size_t cap)
{
	if (tcp)
		return answer_write_stream(a, q, snap->max_payload, out, cap);
	return answer_write(a, q, snap->max_payload, out, cap);
}

static size_t refuse(struct rworker *w, const struct msg_query *q,
		     const struct rsnap *snap, uint8_t *out, size_t cap)
{
	rstat_add(w, RS_REFUSED, 1);
	return answer_write_rcode(q, RCODE_REFUSED, NULL, snap->max_payload,
				  out, cap);
}

/* FORMERR (REFUSED to clients outside the ACL) to a query whose header
 * reads but the rest does not, with the question when that much parsed
 * so the client can match the reply; nothing to responses or to
 * shorter garbage. */
static size_t malformed(struct rworker *w, struct msg_query *q, size_t len,
			bool allowed, const struct rsnap *snap, uint8_t *out,
			size_t cap)
{
	if (len < MSG_HDRLEN || msg_hdr_qr(&q->hdr))
		return 0;
	if (!allowed)
		return refuse(w, q, snap, out, cap);
	return answer_write_rcode(q, RCODE_FORMERR, NULL, snap->max_payload,
				  out, cap);
}

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

static void prefetch(struct rworker *w, struct rsnap *snap,
		     const uint8_t *lname, const struct msg_query *q)
{
	struct rreq *r;

	if (rreq_find(w, lname, q->qtype, q->qclass))
		return;
	r = rreq_start(w, snap, lname, q->qtype, q->qclass, ITER_PREFETCH);
	if (!r)
		return;
	rstat_add(w, RS_PREFETCH, 1);
	rreq_drive(w, r);
}

/* A cache miss: join or start the request; the client is answered when
 * it ends. A full pool drops the query (a SERVFAIL would amplify). */
static void miss(struct rworker *w, struct rsnap *snap,
		 const struct rsrc *src, const uint8_t *lname,
		 const struct msg_query *q)
{
	struct rreq *r = rreq_find(w, lname, q->qtype, q->qclass);
	bool fresh = false;

	if (!r) {
		r = rreq_start(w, snap, lname, q->qtype, q->qclass, 0);
		fresh = r != NULL;
	}
	if (!r || rreq_wait(w, r, src, q) < 0)
		rstat_add(w, RS_DROPPED, 1);
	if (fresh)
		rreq_drive(w, r);
}

size_t rquery_handle(struct rworker *w, struct rsnap *snap,
		     const struct rsrc *src, const uint8_t *pkt, size_t len,
		     uint8_t *out, size_t cap)
{
	struct rserver *s = w->srv;
	uint8_t lname[NAME_MAXLEN];
	struct answer *a = w->ans;
	struct msg_query q;
	bool tcp = src->conn != NULL, pf = false, allowed;
	int rc;

	rstat_add(w, RS_QUERIES, 1);
	if (tcp)
		rstat_add(w, RS_TCP, 1);
	/* outside the ACL, everything that gets a reply gets REFUSED */
	allowed = acl_match(snap->acl, (const struct sockaddr *)src->peer);
	if (msg_parse_query(&q, pkt, len) < 0)
		return malformed(w, &q, len, allowed, snap, out, cap);
	if (msg_hdr_qr(&q.hdr))
		return 0;
	rc = allowed ? screen(&q) : RCODE_REFUSED;
	if (rc == RCODE_REFUSED)
		return refuse(w, &q, snap, out, cap);
	if (rc)
		return answer_write_rcode(&q, (uint8_t)rc, NULL,
					  snap->max_payload, out, cap);
	memcpy(lname, q.qname, q.qname_len);
	name_to_lower(lname);
	if (local_answer(snap->local, lname, q.qtype, q.qclass, a) == 1) {
		rstat_add(w, RS_LOCAL, 1);
		return write_answer(a, &q, snap, tcp, out, cap);
	}
	/* RD=0 reads the cache only for allow-snoop clients: for others
	 * it would tell which names their neighbours looked up */
	if (!msg_hdr_rd(&q.hdr) &&
	    !acl_match(snap->snoop, (const struct sockaddr *)src->peer))
		return refuse(w, &q, snap, out, cap);
	if (answer_from_cache(a, s->cache, lname, q.qtype, q.qclass, w->now,
			      0, &pf) == 1) {
		rstat_add(w, RS_HITS, 1);
		len = write_answer(a, &q, snap, tcp, out, cap);
		if (pf && msg_hdr_rd(&q.hdr))   /* RD=0: nothing upstream */
			prefetch(w, snap, lname, &q);
		return len;
	}
	if (!msg_hdr_rd(&q.hdr))
		return refuse(w, &q, snap, out, cap);
	miss(w, snap, src, lname, &q);
	return 0;
}
