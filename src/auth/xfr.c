/* Transfers in the engine: who gets what for AXFR and IXFR (the zone
 * named exactly, the ACL hook, the client's serial), then the messages
 * one by one: header, the question in the first only (as NSD and BIND;
 * RFC 5936 2.2.1 allows either), records from the cursor, OPT when the
 * query had one, and a TSIG on every message of a signed transfer (as
 * Knot and BIND; RFC 8945 5.3.1 asks at least every 100th). */
#include <string.h>

#include "auth/auth_int.h"
#include "auth/xfr.h"
#include "base/error.h"
#include "wire/rrtype.h"

#define CLASS_IN 1
#define QUERY_RRS 8

bool auth_ixfr_serial(const uint8_t *pkt, size_t len, uint32_t *serial)
{
	struct msg_rr rr[QUERY_RRS];
	uint8_t rd[2 * NAME_MAXLEN + 20];
	const struct msg_rr *soa;
	struct msg m;
	int n;

	if (msg_parse(&m, pkt, len, rr, QUERY_RRS) < 0 ||
	    msg_section_count(&m, MSG_AUTHORITY) != 1)
		return false;
	soa = msg_section_rr(&m, MSG_AUTHORITY, 0);
	if (soa->type != RR_SOA)
		return false;
	n = msg_rr_rdata(&m, soa, rd, sizeof(rd));
	if (n < 22)
		return false;
	*serial = zchange_soa_serial(rd, (uint16_t)n);
	return true;
}

/* IXFR: the form the client gets, and the changes for the IXFR form. */
static enum xfr_form ixfr_form(const struct auth_query *a,
			       const struct zdb_zone *z, uint32_t from,
			       struct auth_xfr_changes *chg)
{
	uint32_t ours = zdb_zone_serial(z);
	const struct auth_conf *c = a->conf;

	if (from == ours || serial_after(from, ours))
		return XFR_SOA;
	if (!c->xfr_changes ||
	    c->xfr_changes(c->xfr_changes_arg, z, from, chg) < 0)
		return XFR_AXFR;
	if (xfr_chain_ok(chg->chg, chg->n, from, ours))
		return XFR_IXFR;
	if (chg->release)
		chg->release(chg->ctx);
	memset(chg, 0, sizeof(*chg));
	return XFR_AXFR;
}

/* x takes over the query's TSIG signer, with a key of its own. */
static int take_tsig(struct auth_xfr *x, struct auth_query *a)
{
	if (!a->tsig || !a->tsig->signing)
		return 0;
	if (tsig_key_copy(&x->key, a->tsig->signer.key) < 0)
		return BN_ENOMEM;
	x->signer = a->tsig->signer;
	x->signer.key = &x->key;
	x->signing = true;
	/* the signer's state is x's now: the query must not clear it */
	memset(&a->tsig->signer, 0, sizeof(a->tsig->signer));
	a->tsig->signing = false;
	return 0;
}

static int setup(struct auth_xfr *x, struct auth_query *a,
		 struct zdb_zone *z, enum xfr_form form)
{
	const struct msg_query *q = a->q;

	memset(x, 0, sizeof(*x));
	if (take_tsig(x, a) < 0)
		return BN_ENOMEM;
	memcpy(x->qname, q->qname, q->qname_len);
	x->qtype = q->qtype;
	x->qclass = q->qclass;
	x->id = q->hdr.id;
	x->flags = (uint16_t)(MSG_FLAG_QR | MSG_FLAG_AA |
			      (q->hdr.flags & MSG_FLAG_RD));
	x->with_opt = q->has_opt;
	if (x->with_opt) {
		edns_init(&x->edns, a->conf->udp_payload);
		if (edns_do(&q->edns))
			x->edns.flags = EDNS_FLAG_DO;
	}
	x->now = a->conf->now;
	zdb_zone_ref(z);
	x->zone = z;
	xfr_cursor_init(&x->cur, z, form, NULL, 0);
	return 0;
}

/* The refusals: a zone not served here, named exactly (NOTAUTH, as
 * Knot and BIND), class, ACL (REFUSED, as all three peers). 0 when the
 * transfer may go on. */
static uint16_t refusal(const struct auth_query *a, struct zdb_zone **zp)
{
	const struct auth_conf *c = a->conf;
	const struct tsig_key *key = NULL;
	struct zdb_zone *z;

	z = a->db ? zonedb_get(a->db, a->q->qname) : NULL;
	if (!z || !name_equal(zdb_zone_origin(z), a->q->qname))
		return RCODE_NOTAUTH;
	if (a->q->qclass != CLASS_IN)
		return RCODE_REFUSED;
	if (a->tsig && a->tsig->check.status == TSIG_OK)
		key = a->tsig->check.key;
	if (!c->xfr_allow ||
	    !c->xfr_allow(c->xfr_arg, a->pkt, a->pktlen, z, key))
		return RCODE_REFUSED;
	*zp = z;
	return 0;
}

size_t auth_xfr_reply(struct auth_query *a, enum auth_transport t,
		      uint8_t *out, size_t cap)
{
	struct auth_xfr one = { 0 }, *x = a->xfr ? a->xfr : &one;
	struct auth_xfr_changes chg = { 0 };
	enum xfr_form form = XFR_AXFR;
	struct zdb_zone *z = NULL;
	uint16_t rcode = refusal(a, &z);
	uint32_t from;
	int len;

	if (!rcode && a->q->qtype == RR_IXFR && !auth_ixfr_serial(a->pkt, a->pktlen, &from))
		rcode = RCODE_FORMERR;
	if (!rcode && a->q->qtype == RR_IXFR)
		form = t == AUTH_UDP || !a->xfr ? XFR_SOA :
		       ixfr_form(a, z, from, &chg);
	else if (!rcode && !a->xfr)
		rcode = RCODE_REFUSED;  /* AXFR where it cannot stream */
	if (rcode)
		return auth_refuse(a, out, cap, rcode);
	if (setup(x, a, z, form) < 0) {
		if (chg.release)
			chg.release(chg.ctx);
		return auth_refuse(a, out, cap, RCODE_SERVFAIL);
	}
	x->chg = chg;
	if (form == XFR_IXFR)
		xfr_cursor_init(&x->cur, z, form, chg.chg, chg.n);
	len = auth_xfr_next(x, out, cap);
	if (len <= 0 || x == &one)
		auth_xfr_clear(x);
	return len > 0 ? (size_t)len : 0;
}

/* Header, room for OPT and TSIG, the question in the first message. */
static int msg_start(struct auth_xfr *x, struct msg_writer *mw,
		     uint8_t *out, size_t cap)
{
	struct msg_hdr h = { .id = x->id, .flags = x->flags };
	size_t room = x->signing ? tsig_signer_room(&x->signer) : 0;

	if (x->with_opt)
		room += edns_wire_size(&x->edns);
	if (msg_writer_init(mw, out, cap, &h, true) < 0 ||
	    msg_writer_reserve(mw, room) < 0)
		return BN_ENOSPC;
	msg_writer_follow(mw);
	if (x->nmsg == 0 &&
	    msg_writer_question(mw, x->qname, x->qtype, x->qclass) < 0)
		return BN_ENOSPC;
	return 0;
}

static int msg_end(struct auth_xfr *x, struct msg_writer *mw)
{
	int len;

	msg_writer_release(mw);
	if (x->with_opt && msg_writer_opt(mw, &x->edns) < 0)
		return BN_ENOSPC;
	len = msg_writer_finish(mw);
	if (len < 0 || !x->signing)
		return len;
	return tsig_sign(&x->signer, mw->w.data, (size_t)len, mw->w.cap,
			 x->now ? x->now() : 0);
}

/* One message of at most cap octets; BN_ENOSPC when the next record
 * does not fit in it (nothing consumed then). */
static int one_message(struct auth_xfr *x, uint8_t *out, size_t cap)
{
	struct msg_writer mw;
	int n, ret;

	ret = msg_start(x, &mw, out, cap);
	if (ret < 0)
		return ret;
	n = xfr_cursor_fill(&x->cur, &mw);
	if (n < 0)
		return n;
	ret = msg_end(x, &mw);
	if (ret < 0)
		return ret;
	x->nmsg++;
	x->nrr += (unsigned)n;
	return ret;
}

int auth_xfr_next(struct auth_xfr *x, uint8_t *out, size_t cap)
{
	int ret;

	if (!x->zone || xfr_cursor_done(&x->cur))
		return 0;
	ret = one_message(x, out, cap < AUTH_XFR_MSG ? cap : AUTH_XFR_MSG);
	if (ret == BN_ENOSPC && cap > AUTH_XFR_MSG)
		ret = one_message(x, out, cap);
	return ret;
}

void auth_xfr_clear(struct auth_xfr *x)
{
	if (x->chg.release)
		x->chg.release(x->chg.ctx);
	if (x->signing)
		tsig_signer_clear(&x->signer);
	tsig_key_clear(&x->key);
	zdb_zone_unref(x->zone);
	memset(x, 0, sizeof(*x));
}
