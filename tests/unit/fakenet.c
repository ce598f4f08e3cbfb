/* The fake network of tests/unit/fakenet.h: queries go to banchi's
 * authoritative engine over the zones of the server addressed, then the
 * reply is bent by the server's misbehaviour flags. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "auth/answer.h"
#include "fakenet.h"
#include "wire/msg.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "zone/zonedb.h"
#include "zparse/zparse.h"

void fakenet_addr(struct res_addr *a, const char *text)
{
	memset(a, 0, sizeof(*a));
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->sa;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(53);
		inet_pton(AF_INET6, text, &s6->sin6_addr);
		a->len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&a->sa;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(53);
		inet_pton(AF_INET, text, &s4->sin_addr);
		a->len = sizeof(*s4);
	}
}

void fakenet_init(struct fakenet *n)
{
	memset(n, 0, sizeof(*n));
	n->now = 1000000;
}

void fakenet_clear(struct fakenet *n)
{
	for (int i = 0; i < n->nsrv; i++)
		zonedb_free(n->srv[i].db);
	n->nsrv = 0;
}

int fakenet_server(struct fakenet *n, const char *addr, unsigned flags)
{
	struct fake_server *s = &n->srv[n->nsrv];

	fakenet_addr(&s->addr, addr);
	s->db = zonedb_new();
	s->flags = flags;
	s->queries = 0;
	return n->nsrv++;
}

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

int fakenet_zone(struct fakenet *n, int i, const char *origin_text,
		 const char *text)
{
	uint8_t origin[NAME_MAXLEN];
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zdb_zone *zz = NULL;
	struct zone z;
	int ret = -1;

	if (name_from_text(origin, origin_text, strlen(origin_text), NULL) < 0)
		return -1;
	zone_init(&z, origin, 0);
	o.ctx = &z;
	if (zparse_text(text, strlen(text), origin_text, &o) == 0 &&
	    zone_finish(&z) == 0 && zdb_zone_build(&zz, &z) == 0) {
		ret = zonedb_add(n->srv[i].db, zz) == 0 ? 0 : -1;
		zdb_zone_unref(zz);
	}
	zone_clear(&z);
	return ret;
}

static int add_text_rr(struct msg_writer *mw, enum msg_section sec,
		       const char *owner, uint16_t type, const uint8_t *rd,
		       uint16_t rdlen)
{
	uint8_t o[NAME_MAXLEN];

	name_from_text(o, owner, strlen(owner), NULL);
	return msg_writer_rr(mw, sec, o, type, CLASS_IN, 300, rd, rdlen);
}

static const uint8_t evil_a[4] = { 6, 6, 6, 6 };

/* Is name the owner of an answer record of m? */
static bool answer_owner(const struct msg *m, const uint8_t *name)
{
	uint8_t o[NAME_MAXLEN];

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++)
		if (msg_rr_owner(m, msg_section_rr(m, MSG_ANSWER, i), o) > 0 &&
		    name_equal(o, name))
			return true;
	return false;
}

/* An address for each CNAME target the server did not answer for (it
 * is not authoritative there). */
static void poison_targets(struct msg_writer *mw, const struct msg *m)
{
	uint8_t t[NAME_MAXLEN];

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++) {
		const struct msg_rr *r = msg_section_rr(m, MSG_ANSWER, i);

		if (r->type == RR_CNAME && msg_rr_rdata(m, r, t, sizeof(t)) > 0 &&
		    !answer_owner(m, t))
			msg_writer_rr(mw, MSG_ANSWER, t, RR_A, CLASS_IN, 300,
				      evil_a, 4);
	}
}

/* Records no honest server of the zones here would send. */
static void add_poison(struct msg_writer *mw, const struct msg *m,
		       enum msg_section sec)
{
	uint8_t ns[NAME_MAXLEN];

	if (sec == MSG_ANSWER) {
		add_text_rr(mw, sec, "poison.victim.", RR_A, evil_a, 4);
		poison_targets(mw, m);
	}
	if (sec == MSG_AUTHORITY) {
		int l = name_from_text(ns, "ns.evil.", 8, NULL);

		add_text_rr(mw, sec, "victim.", RR_NS, ns, (uint16_t)l);
	}
	if (sec == MSG_ADDITIONAL) {
		add_text_rr(mw, sec, "ns.evil.", RR_A, evil_a, 4);
		/* "glue" for a name outside the delegated zone */
		add_text_rr(mw, sec, "ns.sld2.other.", RR_A, evil_a, 4);
	}
}

/* Does the answer section's CNAME chain from the question loop? */
static bool chain_loops(const struct msg *m)
{
	uint8_t seen[16][NAME_MAXLEN], o[NAME_MAXLEN];
	int n = 0;

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++) {
		const struct msg_rr *r = msg_section_rr(m, MSG_ANSWER, i);

		if (r->type != RR_CNAME || msg_rr_owner(m, r, o) < 0)
			continue;
		for (int k = 0; k < n; k++)
			if (name_equal(seen[k], o))
				return true;
		if (n < 16)
			memcpy(seen[n++], o, NAME_MAXLEN);
		if (msg_rr_rdata(m, r, o, sizeof(o)) > 0)
			for (int k = 0; k < n; k++)
				if (name_equal(seen[k], o))
					return true;
	}
	return false;
}

/* The header flags and rcode the server's flags make of h. */
static void bend_hdr(struct msg_hdr *h, const struct msg *m, unsigned flags)
{
	if (flags & FAKE_RECURSIVE) {
		msg_hdr_set_flag(h, MSG_FLAG_AA, false);
		msg_hdr_set_flag(h, MSG_FLAG_RA, true);
	}
	if ((flags & FAKE_LOOP_SERVFAIL) && chain_loops(m))
		msg_hdr_set_rcode(h, RCODE_SERVFAIL);
}

/* An NSEC/NSEC3 record, or an RRSIG over one (rd: its RDATA, n octets). */
static bool is_denial(uint16_t type, const uint8_t *rd, int n)
{
	uint16_t covered = n >= 2 ? (uint16_t)(rd[0] << 8 | rd[1]) : 0;

	if (type == RR_RRSIG)
		type = covered;
	return type == RR_NSEC || type == RR_NSEC3;
}

/* Copies reply in to out under the server's flags. Returns the length. */
static size_t bend(const uint8_t *in, size_t inlen, uint8_t *out,
		   unsigned flags, bool tcp)
{
	static struct msg_rr rr[2048];
	uint8_t owner[NAME_MAXLEN], rd[65535];
	struct msg_writer mw;
	struct msg m;
	int ret;

	if (msg_parse(&m, in, inlen, rr, 2048) < 0)
		return 0;
	bend_hdr(&m.hdr, &m, flags);
	msg_writer_init(&mw, out, 65535, &m.hdr, false);
	msg_rr_owner(&m, &m.rr[0], owner);
	if (flags & FAKE_LOWER)
		name_to_lower(owner);
	msg_writer_question(&mw, owner, m.rr[0].type, m.rr[0].rclass);
	if ((flags & FAKE_TC) && !tcp) {
		msg_hdr_set_flag(&mw.hdr, MSG_FLAG_TC, true);
		goto finish;
	}
	if (flags & FAKE_EMPTY) {
		msg_hdr_set_rcode(&mw.hdr, RCODE_NOERROR);
		goto finish;
	}
	for (int s = MSG_ANSWER; s < MSG_SECTIONS; s++) {
		for (uint16_t i = 0; i < msg_section_count(&m, s); i++) {
			const struct msg_rr *r = msg_section_rr(&m, s, i);

			if (r->type == RR_OPT)
				continue;
			msg_rr_owner(&m, r, owner);
			ret = msg_rr_rdata(&m, r, rd, sizeof(rd));
			if ((flags & FAKE_NO_DENIAL) && s == MSG_AUTHORITY &&
			    is_denial(r->type, rd, ret))
				continue;
			if (ret >= 0)
				msg_writer_rr(&mw, s, owner, r->type, r->rclass,
					      r->ttl, rd, (uint16_t)ret);
		}
		if (flags & FAKE_POISON)
			add_poison(&mw, &m, s);
	}
finish:
	if (m.has_opt)
		msg_writer_opt(&mw, &m.edns);
	ret = msg_writer_finish(&mw);
	return ret > 0 ? (size_t)ret : 0;
}

/* An rcode-only reply with the question. */
static size_t rcode_only(const struct msg_query *mq, uint8_t rcode,
			 uint8_t *out)
{
	struct msg_hdr h = mq->hdr;
	struct msg_writer mw;

	h.flags = (uint16_t)(MSG_FLAG_QR | rcode);
	msg_writer_init(&mw, out, 65535, &h, false);
	msg_writer_question(&mw, mq->qname, mq->qtype, mq->qclass);
	return (size_t)msg_writer_finish(&mw);
}

static int find_server(const struct fakenet *n, const struct res_addr *a)
{
	for (int i = 0; i < n->nsrv; i++)
		if (n->srv[i].addr.len == a->len &&
		    memcmp(&n->srv[i].addr.sa, &a->sa, a->len) == 0)
			return i;
	return -1;
}

static void log_query(struct fakenet *n, int srv, const struct msg_query *mq,
		      bool tcp)
{
	struct fake_log *l;

	if (n->nlog == FAKE_MAX_LOG)
		return;
	l = &n->log[n->nlog++];
	l->server = srv;
	name_to_text(l->qname, sizeof(l->qname), mq->qname);
	l->qtype = mq->qtype;
	l->tcp = tcp;
	l->rd = msg_hdr_rd(&mq->hdr);
	l->edns = mq->has_opt;
	l->dnssec_ok = mq->has_opt && edns_do(&mq->edns);
	l->cd = msg_hdr_cd(&mq->hdr);
}

int fakenet_query(struct fakenet *n, const struct iter_query *q,
		  uint8_t out[][65535], size_t *len)
{
	static uint8_t tmp[65535];
	static struct auth_conf ac;
	struct msg_query mq;
	int i = find_server(n, &q->to);
	struct fake_server *s;
	size_t l;

	if (msg_parse_query(&mq, q->pkt, q->len) < 0)
		return 0;
	log_query(n, i, &mq, q->tcp);
	if (i < 0)
		return 0;
	s = &n->srv[i];
	s->queries++;
	if (s->flags & FAKE_TIMEOUT)
		return 0;
	if ((s->flags & FAKE_DROP_AAAA) && mq.qtype == RR_AAAA)
		return 0;
	if (mq.has_opt && ((s->flags & FAKE_NO_EDNS) ||
			   ((s->flags & FAKE_FORMERR_TXT) && mq.qtype == RR_TXT))) {
		len[0] = rcode_only(&mq, RCODE_FORMERR, out[0]);
		return 1;
	}
	if ((s->flags & FAKE_REFUSE_ODD) && mq.qname[0] == 3 &&
	    strncasecmp((const char *)mq.qname + 1, "odd", 3) == 0) {
		len[0] = rcode_only(&mq, RCODE_REFUSED, out[0]);
		return 1;
	}
	auth_conf_init(&ac);
	l = auth_answer(s->db, &ac, q->pkt, q->len,
			q->tcp ? AUTH_TCP : AUTH_UDP, tmp, sizeof(tmp));
	if (l == 0)
		return 0;
	len[0] = bend(tmp, l, out[0], s->flags, q->tcp);
	if (s->flags & FAKE_SPOOF_LOWER) {
		len[1] = len[0];
		memcpy(out[1], out[0], len[0]);
		len[0] = bend(tmp, l, out[0], s->flags | FAKE_LOWER, q->tcp);
		return 2;
	}
	if (!(s->flags & FAKE_SPOOF_FIRST))
		return 1;
	memcpy(out[1], out[0], len[0]);
	len[1] = len[0];
	out[0][0] ^= 0x55;      /* the spoof comes first, with another ID */
	return 2;
}

int fakenet_resolve(struct fakenet *n, struct iter *it, const char *name,
		    uint16_t qtype)
{
	static uint8_t rep[2][65535];
	uint8_t qname[NAME_MAXLEN];
	struct iter_query q;
	size_t len[2];

	if (name_from_text(qname, name, strlen(name), NULL) < 0 ||
	    iter_begin(it, qname, qtype, CLASS_IN, 0, n->now) < 0)
		return -1;
	for (int step = 0; step < 1000; step++) {
		int nrep, k;

		if (iter_step(it, n->now, &q) == ITER_DONE)
			return iter_result(it)->rcode;
		nrep = fakenet_query(n, &q, rep, len);
		for (k = 0; k < nrep; k++)
			if (iter_consume(it, rep[k], len[k], n->now + 5) == 0)
				break;
		if (k < nrep) {
			n->now += 5;
		} else {
			n->now += q.timeout_ms;
			iter_timeout(it, n->now);
		}
	}
	return -1;
}
