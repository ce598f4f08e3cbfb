/* What an accepted reply means: retry over TCP or without EDNS, a
 * failed, lame or recursive server, a referral (new cut, glue for names
 * under the referring server's bailiwick), or an answer (iter_chain.c).
 * Records outside the chain or the bailiwick are never cached nor
 * used. */
#include <stdlib.h>
#include <string.h>

#include "resolve/infra.h"
#include "resolve/iter_int.h"
#include "wire/rrtype.h"

/* The server asked is done for this goal (a recursive one may be asked
 * again, to recurse, when nothing better is left). how: what infra
 * keeps of it for the zone (INFRA_OK: nothing, the failure was this
 * query's). */
void iter_server_bad(struct iter *it, struct iter_frame *f,
		     enum infra_lame how, uint64_t now)
{
	struct iter_srv *s = &f->srv[it->sent.srv];

	if (how != INFRA_OK && f->kind != CUT_FWD)
		infra_set_lame(it->env->infra,
			       (const struct sockaddr *)&s->addr.sa, f->zone,
			       it->sent.qtype, how, now);
	if (how == INFRA_RECLAME && s->tries < ITER_MAX_TRIES) {
		s->recursive = true;
		s->tries++;
	} else {
		s->tries = ITER_MAX_TRIES;
	}
	f->state = FS_SELECT;
}

static void ns_mark(struct iter_frame *f, const uint8_t *name, uint8_t state)
{
	for (uint16_t i = 0; i < f->nns; i++)
		if (name_equal(f->ns[i].name, name))
			f->ns[i].state = state;
}

static int ns_index(const struct iter_ns *ns, uint16_t nns,
		    const uint8_t *name)
{
	for (uint16_t i = 0; i < nns; i++)
		if (name_equal(ns[i].name, name))
			return i;
	return -1;
}

/* A side goal got its addresses: they go to the parent's cut. */
bool iter_addrs_to_parent(struct iter *it, const struct rrset *s)
{
	struct iter_frame *p = &it->frames[it->depth - 1];
	bool any = false;
	struct rbuf r;
	uint16_t len;

	rbuf_init(&r, s->rdata, s->rdata_len);
	for (uint16_t i = 0; i < s->count; i++) {
		if (rbuf_u16(&r, &len) < 0 || rbuf_left(&r) < len)
			break;
		if (len == (s->type == RR_A ? 4 : 16) &&
		    cut_add_addr(it, p, s->type, r.base + r.pos, false))
			any = true;
		r.pos += len;
	}
	return any;
}

/* The glue of the name a side goal looks up is the parent zone's
 * address for that name server: the cut that needs it keeps it as a
 * last resort, whatever the server's own zone answers later. */
static void glue_to_parent(struct iter *it, const struct iter_frame *f,
			   const uint8_t *owner, uint16_t type,
			   const uint8_t *rd)
{
	if (it->depth > 0 && f->parent_ns >= 0 && name_equal(owner, f->qname))
		cut_add_pside(it, &it->frames[it->depth - 1], type, rd);
}

/* Glue: additional A/AAAA of the name servers in ns (at most
 * ITER_MAX_NS of them), for names under bail only. Cached at rank;
 * with f, their addresses also go into f's cut, and glue for the name
 * a side goal looks up into its parent's too, as a last resort
 * (glue_to_parent). Each (name, type) is built once, so a flood of
 * records costs linear work. */
static void take_glue(struct iter *it, struct iter_frame *f,
		      const struct msg *m, const struct iter_ns *ns,
		      uint16_t nns, const uint8_t *bail, uint8_t rank,
		      uint64_t now)
{
	uint8_t on[NAME_MAXLEN], own[NAME_MAXLEN];
	bool done[ITER_MAX_NS][2] = { { false } };
	struct rrset s;

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ADDITIONAL); i++) {
		const struct msg_rr *rr = msg_section_rr(m, MSG_ADDITIONAL, i);
		int v6 = rr->type == RR_AAAA, k;
		struct rbuf r;
		uint16_t len;

		if ((rr->type != RR_A && rr->type != RR_AAAA) ||
		    msg_rr_owner(m, rr, on) < 0 ||
		    !name_is_subdomain(on, bail) ||
		    (k = ns_index(ns, nns, on)) < 0 || done[k][v6])
			continue;
		done[k][v6] = true;
		if (iter_set_collect(it, m, MSG_ADDITIONAL, on, rr->type, &s, own) == 0)
			continue;
		s.rank = rank;
		iter_cache_put(it, &s, now);
		rbuf_init(&r, s.rdata, s.rdata_len);
		for (uint16_t j = 0; f && j < s.count; j++) {
			if (rbuf_u16(&r, &len) < 0 || rbuf_left(&r) < len)
				break;
			if (len != (v6 ? 16 : 4)) {
				r.pos += len;
				continue;
			}
			if (cut_add_addr(it, f, rr->type, r.base + r.pos, false))
				ns_mark(f, on, NS_HAVE);
			glue_to_parent(it, f, on, rr->type, r.base + r.pos);
			r.pos += len;
		}
	}
}

/* A referral: NS in authority for a zone strictly below the cut that
 * holds the name asked, no SOA and nothing in the answer section about
 * the name asked (other junk there is ignored, never used). */
static bool find_referral(const struct iter *it, const struct iter_frame *f,
			  const struct msg *m, uint8_t *zone)
{
	uint8_t on[NAME_MAXLEN];
	bool found = false;

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++)
		if (msg_rr_owner(m, msg_section_rr(m, MSG_ANSWER, i), on) < 0 ||
		    name_equal(on, it->sent.qname))
			return false;
	for (uint16_t i = 0; i < msg_section_count(m, MSG_AUTHORITY); i++) {
		const struct msg_rr *rr = msg_section_rr(m, MSG_AUTHORITY, i);

		if (rr->type == RR_SOA)
			return false;
		if (found || rr->type != RR_NS || msg_rr_owner(m, rr, on) < 0)
			continue;
		if (name_is_subdomain(on, f->zone) && !name_equal(on, f->zone) &&
		    name_is_subdomain(it->sent.qname, on)) {
			memcpy(zone, on, name_length(on));
			found = true;
		}
	}
	return found;
}

/* A referral from old to zone more than one label down: the NS sets
 * cached between them are stale (the parent now delegates past them)
 * and go, lest one of them, expired, hide the new cut (expired_above in
 * iter_select.c) with nothing left to renew it (Unbound's rule). */
static void drop_between(struct iter *it, const uint8_t *old,
			 const uint8_t *zone)
{
	int skip = name_labels(zone) - name_labels(old) - 1;
	const uint8_t *z = zone;

	for (int i = 0; i < skip; i++) {
		z += z[0] + 1;
		cache_remove(it->env->cache, z, RR_NS, it->qclass);
	}
}

/* Glue is taken for NS names under the referring server's bailiwick
 * (the old cut), sibling glue included (RFC 9471): that server is
 * authoritative for them. */
static void take_referral(struct iter *it, struct iter_frame *f,
			  const struct msg *m, const uint8_t *zone,
			  uint64_t now)
{
	uint8_t own[NAME_MAXLEN], bail[NAME_MAXLEN];
	struct rrset s;
	struct rbuf r;
	uint16_t len;

	if (iter_set_collect(it, m, MSG_AUTHORITY, zone, RR_NS, &s, own) == 0) {
		iter_server_bad(it, f, INFRA_OK, now);
		return;
	}
	memcpy(bail, f->bail, name_length(f->bail));
	drop_between(it, f->zone, zone);
	cut_set_referral(it, f, zone);
	s.rank = RANK_GLUE;
	iter_cache_put(it, &s, now);
	rbuf_init(&r, s.rdata, s.rdata_len);
	for (uint16_t i = 0; i < s.count; i++) {
		if (rbuf_u16(&r, &len) < 0 || rbuf_left(&r) < len)
			break;
		cut_add_ns(f, it->env->conf, r.base + r.pos);
		r.pos += len;
	}
	take_glue(it, f, m, f->ns, f->nns, bail, RANK_GLUE, now);
	cut_cached_addrs(it, f, now);
	f->state = FS_SELECT;
}

/* An NS answer (priming): the addresses of its servers in the additional
 * section are cached, below the parent's glue: the child repeating its
 * addresses does not renew the delegation (ghost domains). */
void iter_answer_glue(struct iter *it, const struct iter_frame *f,
		      const struct msg *m, const struct rrset *s, uint64_t now)
{
	struct iter_ns ns[ITER_MAX_NS];
	uint16_t n = 0, len;
	struct rbuf r;

	rbuf_init(&r, s->rdata, s->rdata_len);
	for (uint16_t i = 0; i < s->count && n < ITER_MAX_NS; i++) {
		if (rbuf_u16(&r, &len) < 0 || rbuf_left(&r) < len)
			break;
		memcpy(ns[n++].name, r.base + r.pos, len);
		r.pos += len;
	}
	take_glue(it, NULL, m, ns, n, f->bail, RANK_ADDITIONAL, now);
}

/* An authoritative reply to a minimised query: the name exists (or is
 * an empty non-terminal) in this zone: ask one label more. Aliases end
 * the minimisation (the full name is asked). */
static void min_step(struct iter_frame *f, const struct msg *m)
{
	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++) {
		uint16_t t = msg_section_rr(m, MSG_ANSWER, i)->type;

		if (t == RR_CNAME || t == RR_DNAME)
			f->minimise = false;
	}
	f->min_labels++;
	f->state = FS_SELECT;
}

/* The rcodes of a real answer (YXDOMAIN: a DNAME result too long, so
 * only with a DNAME; with anything else it is a forger's or a broken
 * server's, and its records are not taken). */
static bool rcode_answers(const struct msg *m, uint16_t rcode)
{
	if (rcode == RCODE_YXDOMAIN)
		return iter_has_rr(m, MSG_ANSWER, RR_DNAME);
	return rcode == RCODE_NOERROR || rcode == RCODE_NXDOMAIN;
}

/* A real answer: what this query's fallbacks found out about the server
 * now holds for it beyond this query (Unbound's rule for EDNS: once it
 * is known to work, one FORMERR does not turn it off). */
static void server_learnt(struct iter *it, const struct iter_srv *s,
			  uint64_t now)
{
	const struct sockaddr *sa = (const struct sockaddr *)&s->addr.sa;

	if (it->sent.edns)
		infra_edns_ok(it->env->infra, sa, now);
	else if (s->no_edns)
		infra_set_no_edns(it->env->infra, sa, now);
	if (s->no_0x20)
		infra_set_no_0x20(it->env->infra, sa, now);
}

/* Where the NS sets of the authority section point, for a reply that
 * says nothing of the name asked in its answer section and has no SOA:
 * 1 at the cut itself, 2 above it, 0 neither (or not such a reply). */
static int ns_upward(const struct iter *it, const struct iter_frame *f,
		     const struct msg *m)
{
	uint8_t on[NAME_MAXLEN];
	int up = 0;

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++)
		if (msg_rr_owner(m, msg_section_rr(m, MSG_ANSWER, i), on) < 0 ||
		    name_equal(on, it->sent.qname))
			return 0;
	for (uint16_t i = 0; i < msg_section_count(m, MSG_AUTHORITY); i++) {
		const struct msg_rr *rr = msg_section_rr(m, MSG_AUTHORITY, i);

		if (rr->type == RR_SOA)
			return 0;
		if (rr->type != RR_NS || msg_rr_owner(m, rr, on) < 0 ||
		    !name_is_subdomain(f->zone, on))
			continue;
		if (!name_equal(on, f->zone))
			up = 2;
		else if (!up)
			up = 1;
	}
	return up;
}

/* A forwarder's reply that only points elsewhere (NS records, no SOA,
 * nothing about the name): it did not recurse, so it is of no use. */
static bool fwd_referral(const struct iter *it, const struct msg *m)
{
	uint8_t on[NAME_MAXLEN];

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++)
		if (msg_rr_owner(m, msg_section_rr(m, MSG_ANSWER, i), on) < 0 ||
		    name_equal(on, it->sent.qname))
			return false;
	return iter_has_rr(m, MSG_AUTHORITY, RR_NS) &&
	       !iter_has_rr(m, MSG_AUTHORITY, RR_SOA);
}

/* Whether a reply is not an answer from a server of the zone
 * (Unbound's and Knot Resolver's reading): a referral above the cut, or
 * one to the cut itself without AA (INFRA_LAME: a lame delegation, as a
 * parent that delegates a child to its own server); a recursive
 * server's reply, RA without AA (INFRA_RECLAME: asked again with RD
 * when nothing better is left, and what it answers then is taken). A
 * reply without AA that holds data or an SOA is taken: some servers
 * leave the bit off. */
static enum infra_lame lameness(const struct iter *it,
				const struct iter_frame *f, const struct msg *m)
{
	bool aa = msg_hdr_aa(&m->hdr);
	int up = ns_upward(it, f, m);

	if (up == 2)
		return INFRA_LAME;
	if (it->sent.rd)
		return INFRA_OK;
	if (!aa && msg_hdr_ra(&m->hdr))
		return INFRA_RECLAME;
	return up == 1 && !aa ? INFRA_LAME : INFRA_OK;
}

/* No records at all (an OPT aside). */
static bool is_empty(const struct msg *m)
{
	return msg_section_count(m, MSG_ANSWER) == 0 &&
	       msg_section_count(m, MSG_AUTHORITY) == 0 &&
	       msg_section_count(m, MSG_ADDITIONAL) == (m->has_opt ? 1 : 0);
}

/* Another server of the cut may still be asked, or an NS name without
 * an address looked up. */
static bool others_left(const struct iter_frame *f, int cur)
{
	for (uint16_t i = 0; i < f->nsrv; i++)
		if ((int)i != cur && f->srv[i].tries < ITER_MAX_TRIES)
			return true;
	for (uint16_t i = 0; i < f->nns; i++)
		if (f->ns[i].state == NS_NEED)
			return true;
	return false;
}

/* The first empty reply of a cut is set aside while others may answer
 * (its server is asked again after them); the next one is taken as the
 * answer (Unbound's EMPTY_NODATA_RETRY_COUNT). */
static bool empty_set_aside(struct iter *it, struct iter_frame *f)
{
	if (f->empty_seen || !others_left(f, it->sent.srv))
		return false;
	f->empty_seen = true;
	f->srv[it->sent.srv].empty = true;
	f->state = FS_SELECT;
	return true;
}

/* An error rcode ends the use of this server for this query only: one
 * question can make a server fail (BIND's SERVFAIL for a CNAME loop, a
 * policy REFUSED for one name) and must not take the zone down for the
 * others, so infra only asks it last for a while (INFRA_AVOID). */
void reply_process(struct iter *it, const struct msg *m, uint64_t now)
{
	struct iter_frame *f = iter_top(it);
	struct iter_srv *s = &f->srv[it->sent.srv];
	uint16_t rcode = msg_hdr_rcode(&m->hdr);
	uint8_t zone[NAME_MAXLEN];
	enum infra_lame how;

	if (m->has_opt)
		rcode = edns_rcode(&m->edns, (uint8_t)rcode);
	f->state = FS_SEND;     /* the retries below: same server */
	if (msg_hdr_tc(&m->hdr)) {
		/* over TCP too: incomplete, of no use (Unbound's reading) */
		if (it->sent.tcp)
			iter_server_bad(it, f, INFRA_AVOID, now);
		else
			it->want_tcp = true;
		return;
	}
	if (it->sent.edns && (rcode == RCODE_FORMERR ||
			      rcode == RCODE_NOTIMP || rcode == RCODE_BADVERS)) {
		s->no_edns = true;
		return;
	}
	if (rcode_answers(m, rcode))
		server_learnt(it, s, now);
	/* every NXDOMAIN an NS-name lookup meets counts (a minimisation
	 * step's too): NXNS costs at most a few queries however deep */
	if (rcode == RCODE_NXDOMAIN && f->parent_ns >= 0)
		it->target_nx++;
	if (it->sent.minimised && rcode != RCODE_NOERROR) {
		f->minimise = false;
		return;
	}
	if (!rcode_answers(m, rcode))
		iter_server_bad(it, f, INFRA_AVOID, now);
	else if (f->kind == CUT_FWD && fwd_referral(it, m))
		iter_server_bad(it, f, INFRA_OK, now);
	else if (f->kind == CUT_FWD)
		iter_take_answer(it, f, m, RANK_ANSWER_NONAUTH, rcode, now);
	else if (find_referral(it, f, m, zone))
		take_referral(it, f, m, zone, now);
	else if ((how = lameness(it, f, m)) != INFRA_OK)
		iter_server_bad(it, f, how, now);
	else if (is_empty(m) && empty_set_aside(it, f))
		return;
	else if (it->sent.minimised)
		min_step(f, m);
	else if (msg_hdr_aa(&m->hdr)) {
		iter_take_zone_ns(it, f, m, now);
		iter_take_answer(it, f, m, RANK_ANSWER, rcode, now);
	} else {
		iter_take_answer(it, f, m, RANK_ANSWER_NONAUTH, rcode, now);
	}
}
