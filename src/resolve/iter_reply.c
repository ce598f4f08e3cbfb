/* What an accepted reply means and what of it is kept: retry over TCP
 * or without EDNS, a lame or broken server, a referral (new cut, glue
 * for in-bailiwick names only), an answer (the CNAME/DNAME chain from
 * the name asked, inside the cut's bailiwick) or a negative answer
 * (RFC 2308). Records outside the chain or the bailiwick are never
 * cached nor used. */
#include <stdlib.h>
#include <string.h>

#include "resolve/infra.h"
#include "resolve/iter_int.h"
#include "wire/rrtype.h"

/* Whether the RDATA item just written at w->data + at (n octets) is
 * already in the set before it. */
static bool item_seen(const struct wbuf *w, size_t at, int n)
{
	size_t pos = 0;

	while (pos < at) {
		uint16_t len = wire_get_u16(w->data + pos);

		if (len == (uint16_t)n &&
		    memcmp(w->data + pos + 2, w->data + at + 2, len) == 0)
			return true;
		pos += 2u + len;
	}
	return false;
}

/* Builds the RRset (owner, type) of section sec into it->setbuf (its
 * owner, lowercase, into own). Records with bad RDATA are left out, and
 * so are repeats of one record (RFC 2181 5). Returns the number of
 * records, or BN_ENOSPC when setbuf is short. */
static int set_fill(struct iter *it, const struct msg *m,
		    enum msg_section sec, const uint8_t *owner,
		    uint16_t type, struct rrset *out, uint8_t *own)
{
	uint8_t on[NAME_MAXLEN];
	struct wbuf w;
	uint32_t ttl = UINT32_MAX;
	uint16_t count = 0;

	wbuf_init(&w, it->setbuf, it->setcap);
	for (uint16_t i = 0; i < msg_section_count(m, sec); i++) {
		const struct msg_rr *rr = msg_section_rr(m, sec, i);
		size_t lenpos = w.len;
		int n;

		if (rr->type != type || rr->rclass != it->qclass ||
		    msg_rr_owner(m, rr, on) < 0 || !name_equal(on, owner))
			continue;
		if (wbuf_u16(&w, 0) < 0)
			return BN_ENOSPC;
		n = msg_rr_rdata(m, rr, w.data + w.len, w.cap - w.len);
		if (n == BN_ENOSPC)
			return BN_ENOSPC;
		if (n < 0 || item_seen(&w, lenpos, n)) {
			w.len = lenpos;
			continue;
		}
		wbuf_put_u16_at(&w, lenpos, (uint16_t)n);
		w.len += (size_t)n;
		count++;
		if (rr->ttl < ttl)
			ttl = rr->ttl;
	}
	memmove(own, owner, name_length(owner));
	name_to_lower(own);
	memset(out, 0, sizeof(*out));
	out->owner = own;
	out->type = type;
	out->rclass = it->qclass;
	out->ttl = count ? ttl : 0;
	out->kind = RRSET_POSITIVE;
	out->count = count;
	out->rdata = it->setbuf;
	out->rdata_len = w.len;
	return count;
}

/* set_fill with setbuf grown as needed (allocation is fine on the
 * upstream path); a set too big for ITER_SETBUF_MAX counts as absent. */
static int set_collect(struct iter *it, const struct msg *m,
		       enum msg_section sec, const uint8_t *owner,
		       uint16_t type, struct rrset *out, uint8_t *own)
{
	int n;

	while ((n = set_fill(it, m, sec, owner, type, out, own)) == BN_ENOSPC) {
		uint8_t *p;

		if (it->setcap >= ITER_SETBUF_MAX)
			break;
		p = realloc(it->setbuf, it->setcap * 2);
		if (!p)
			break;
		it->setbuf = p;
		it->setcap *= 2;
	}
	if (n < 0) {
		memset(out, 0, sizeof(*out));
		out->owner = owner;
		out->rdata = it->setbuf;
		return 0;
	}
	return n;
}

/* The first RDATA item of a set built by set_collect. */
static const uint8_t *set_first(const struct rrset *s, uint16_t *len)
{
	if (!s->count) {
		*len = 0;
		return s->rdata;
	}
	*len = wire_get_u16(s->rdata);
	return s->rdata + 2;
}

/* Caches s as data of this resolution (cache_insert_from). 1: a live
 * entry of a higher rank was kept. */
static int cache_put(struct iter *it, const struct rrset *s, uint64_t now)
{
	return cache_insert_from(it->env->cache, s, now, it->start_ms,
				 it->ahead_ms);
}

/* The TTL of the live entry the cache kept instead of s, so that a
 * fresh answer and the cached one agree. */
static void ttl_as_cached(struct iter *it, struct rrset *s, uint16_t qtype,
			  uint64_t now)
{
	struct cache_hit hit;

	if (cache_get(it->env->cache, s->owner, qtype, s->rclass, now, 0,
		      RANK_NONE, &hit, it->cbuf, sizeof(it->cbuf)) == 1 &&
	    hit.set.kind == s->kind && !hit.stale)
		s->ttl = hit.set.ttl;
}

/* Caches s and, for the client's goal, adds it to the answer. The
 * client gets the TTL as received under the cache's min/max caps (none
 * stored: as received), or the kept entry's; a ghost-domain bound on
 * the cached copy (cache_insert) is the cache's own, as in Unbound. */
static int deliver(struct iter *it, struct rrset *s, uint8_t rank,
		   uint64_t now)
{
	uint32_t ttl;
	bool kept;

	s->rank = rank;
	kept = cache_put(it, s, now) == 1;
	if (it->depth > 0)
		return 0;
	if (kept)
		ttl_as_cached(it, s, s->type, now);
	else if ((ttl = cache_ttl(it->env->cache, s)) != 0)
		s->ttl = ttl;
	return answer_add(&it->ans, MSG_ANSWER, s);
}

/* The server asked is done for this goal (a recursive one may be asked
 * again, to recurse, when nothing better is left). how: what infra
 * keeps of it for the zone (INFRA_OK: nothing, the failure was this
 * query's). */
static void server_bad(struct iter *it, struct iter_frame *f,
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
static bool addrs_to_parent(struct iter *it, const struct rrset *s)
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
		if (set_collect(it, m, MSG_ADDITIONAL, on, rr->type, &s, own) == 0)
			continue;
		s.rank = rank;
		cache_put(it, &s, now);
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

	if (set_collect(it, m, MSG_AUTHORITY, zone, RR_NS, &s, own) == 0) {
		server_bad(it, f, INFRA_OK, now);
		return;
	}
	memcpy(bail, f->bail, name_length(f->bail));
	drop_between(it, f->zone, zone);
	cut_set_referral(it, f, zone);
	s.rank = RANK_GLUE;
	cache_put(it, &s, now);
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
static void answer_glue(struct iter *it, const struct iter_frame *f,
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

/* ANY: every RRset at cur (RFC 8482 servers may give just one). */
static int chain_any(struct iter *it, const struct msg *m,
		     const uint8_t *cur, uint8_t rank, uint64_t now)
{
	uint8_t on[NAME_MAXLEN], own[NAME_MAXLEN];
	struct rrset s;
	int got = 0;

	uint16_t types[ANSWER_SETS], ntypes = 0;

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++) {
		const struct msg_rr *rr = msg_section_rr(m, MSG_ANSWER, i);
		bool seen = false;

		for (uint16_t j = 0; j < ntypes && !seen; j++)
			seen = types[j] == rr->type;
		if (seen || ntypes == ANSWER_SETS ||
		    msg_rr_owner(m, rr, on) < 0 || !name_equal(on, cur))
			continue;
		types[ntypes++] = rr->type;
		if (set_collect(it, m, MSG_ANSWER, cur, rr->type, &s, own) == 0)
			continue;
		if (deliver(it, &s, rank, now) < 0)
			return -1;
		got = 1;
	}
	return got;
}

/* The data for cur: 1 delivered (the goal is reached), 0 none, -1 the
 * answer is full. */
static int chain_positive(struct iter *it, struct iter_frame *f,
			  const struct msg *m, const uint8_t *cur,
			  uint8_t rank, uint64_t now)
{
	uint8_t own[NAME_MAXLEN];
	struct rrset s;

	if (f->qtype == RR_ANY)
		return chain_any(it, m, cur, rank, now);
	if (set_collect(it, m, MSG_ANSWER, cur, f->qtype, &s, own) == 0)
		return 0;
	if (deliver(it, &s, rank, now) < 0)
		return -1;
	if (it->depth > 0 && f->parent_ns >= 0 &&
	    (s.type == RR_A || s.type == RR_AAAA) && !addrs_to_parent(it, &s))
		return -1;
	if (s.type == RR_NS)
		answer_glue(it, f, m, &s, now);
	return 1;
}

/* A DNAME above cur: delivers it and the CNAME it synthesises (ours;
 * the server's own CNAME is not trusted). 1 followed, 0 none, -1 ended. */
static int chain_dname(struct iter *it, const struct iter_frame *f,
		       const struct msg *m, uint8_t *cur, uint8_t rank,
		       uint64_t now)
{
	uint8_t d[NAME_MAXLEN], own[NAME_MAXLEN], syn[2 + NAME_MAXLEN];
	const uint8_t *t;
	struct rrset s;
	uint16_t tlen;
	size_t pre;

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++) {
		const struct msg_rr *rr = msg_section_rr(m, MSG_ANSWER, i);

		if (rr->type != RR_DNAME || msg_rr_owner(m, rr, d) < 0 ||
		    name_equal(d, cur) || !name_is_subdomain(cur, d) ||
		    !name_is_subdomain(d, f->bail))
			continue;
		if (set_collect(it, m, MSG_ANSWER, d, RR_DNAME, &s, own) == 0)
			return 0;       /* unreadable: no second scan per record */
		t = set_first(&s, &tlen);
		pre = name_length(cur) - name_length(d);
		if (pre + tlen > NAME_MAXLEN) {         /* RFC 6672 2.2 */
			deliver(it, &s, rank, now);
			it->ans.rcode = RCODE_YXDOMAIN;
			iter_frame_done(it);
			return -1;
		}
		memcpy(syn + 2, cur, pre);
		memcpy(syn + 2 + pre, t, tlen);
		if (deliver(it, &s, rank, now) < 0)
			goto full;
		syn[0] = (uint8_t)((pre + tlen) >> 8);
		syn[1] = (uint8_t)(pre + tlen);
		s.owner = cur;
		s.type = RR_CNAME;
		s.count = 1;
		s.rdata = syn;
		s.rdata_len = 2 + pre + tlen;
		s.dname_owner = d;
		if (deliver(it, &s, rank, now) < 0)
			goto full;
		memcpy(cur, syn + 2, pre + tlen);
		name_to_lower(cur);
		return 1;
	}
	return 0;
full:
	iter_fail(it);
	return -1;
}

/* Next link of the chain at cur: 1 followed (cur changed), 0 none,
 * -1 the resolution ended. */
static int chain_link(struct iter *it, const struct iter_frame *f,
		      const struct msg *m, uint8_t *cur, uint8_t rank,
		      uint64_t now)
{
	uint8_t own[NAME_MAXLEN];
	const uint8_t *t;
	struct rrset s;
	uint16_t tlen;
	int r = chain_dname(it, f, m, cur, rank, now);

	if (r != 0)
		return r;
	if (set_collect(it, m, MSG_ANSWER, cur, RR_CNAME, &s, own) == 0)
		return 0;
	if (deliver(it, &s, rank, now) < 0) {
		iter_fail(it);
		return -1;
	}
	t = set_first(&s, &tlen);
	memcpy(cur, t, tlen);
	name_to_lower(cur);
	return 1;
}

/* The SOA for a negative answer about cur: at or above cur, under the
 * bailiwick. Built into s (own: its owner). */
static bool find_soa(struct iter *it, const struct iter_frame *f,
		     const struct msg *m, const uint8_t *cur,
		     struct rrset *s, uint8_t *own)
{
	uint8_t on[NAME_MAXLEN];

	for (uint16_t i = 0; i < msg_section_count(m, MSG_AUTHORITY); i++) {
		const struct msg_rr *rr = msg_section_rr(m, MSG_AUTHORITY, i);

		if (rr->type != RR_SOA || msg_rr_owner(m, rr, on) < 0 ||
		    !name_is_subdomain(cur, on) ||
		    !name_is_subdomain(on, f->bail))
			continue;
		if (set_collect(it, m, MSG_AUTHORITY, on, RR_SOA, s, own) > 0)
			return true;
	}
	return false;
}

static void take_negative(struct iter *it, struct iter_frame *f,
			  const struct msg *m, const uint8_t *cur,
			  uint8_t rank, uint16_t rcode, uint64_t now)
{
	uint8_t own[NAME_MAXLEN], curl[NAME_MAXLEN];
	struct rrset soa, neg;
	bool has_soa = find_soa(it, f, m, cur, &soa, own);
	uint16_t len = 0;
	const uint8_t *rd = has_soa ? set_first(&soa, &len) : NULL;

	if (rcode != RCODE_NOERROR && rcode != RCODE_NXDOMAIN) {
		server_bad(it, f, INFRA_OK, now);  /* YXDOMAIN without a DNAME */
		return;
	}
	memcpy(curl, cur, name_length(cur));
	memset(&neg, 0, sizeof(neg));
	neg.owner = curl;
	neg.type = rcode == RCODE_NXDOMAIN ? 0 : f->qtype;
	neg.rclass = it->qclass;
	neg.kind = rcode == RCODE_NXDOMAIN ? RRSET_NXDOMAIN : RRSET_NODATA;
	neg.rank = rank;
	if (has_soa && len >= 22) {
		uint32_t min = wire_get_u32(rd + len - 4);

		neg.ttl = soa.ttl < min ? soa.ttl : min;
		neg.count = 1;
		neg.rdata = soa.rdata;
		neg.rdata_len = 2u + len;
		neg.soa_owner = own;
		cache_put(it, &neg, now);
		if (it->depth == 0)
			ttl_as_cached(it, &neg, f->qtype, now);
	}
	if (it->depth == 0) {
		it->ans.rcode = (uint8_t)rcode;
		if (neg.count && answer_add(&it->ans, MSG_AUTHORITY, &neg) < 0)
			iter_fail(it);
		else
			iter_frame_done(it);
		return;
	}
	if (rcode == RCODE_NOERROR && f->qtype == RR_A && !f->tried_aaaa) {
		f->qtype = RR_AAAA;     /* the name server may be IPv6 only */
		f->tried_aaaa = true;
		f->state = FS_SELECT;
		return;
	}
	iter_frame_failed(it);
}

static bool has_rr(const struct msg *m, enum msg_section sec, uint16_t type)
{
	for (uint16_t i = 0; i < msg_section_count(m, sec); i++)
		if (msg_section_rr(m, sec, i)->type == type)
			return true;
	return false;
}

/* Follows the chain from the goal through the answer section. */
static void take_answer(struct iter *it, struct iter_frame *f,
			const struct msg *m, uint8_t rank, uint16_t rcode,
			uint64_t now)
{
	uint8_t cur[NAME_MAXLEN];
	unsigned links = 0;
	int r;

	memcpy(cur, f->qname, name_length(f->qname));
	for (;;) {
		if (!name_is_subdomain(cur, f->bail)) {
			iter_restart_at(it, cur, now);
			return;
		}
		r = chain_positive(it, f, m, cur, rank, now);
		if (r != 0) {
			if (r < 0)
				iter_frame_failed(it);
			else
				iter_frame_done(it);
			return;
		}
		r = chain_link(it, f, m, cur, rank, now);
		if (r < 0)
			return;
		if (r == 0)
			break;
		links++;
		/* a loop (a name already aliased in this answer) fails this
		 * query at once, as Unbound; nothing else is marked */
		if (++it->ncname > it->env->conf->max_cname ||
		    (it->depth == 0 && answer_has_cname(&it->ans, cur))) {
			iter_fail(it);
			return;
		}
	}
	if (links > 0 && rcode == RCODE_NOERROR &&
	    !has_rr(m, MSG_AUTHORITY, RR_SOA)) {
		iter_restart_at(it, cur, now);  /* target data not given */
		return;
	}
	take_negative(it, f, m, cur, rank, rcode, now);
}

/* The zone's own NS set in the authority section of an authoritative
 * answer: the child's word on its servers outranks the parent's
 * referral (RFC 2181 5.4.1), so that a domain that moved or dropped a
 * server is noticed at once; the cache holds it to the lifetime of the
 * delegation it replaces (cache_insert: no ghost domain). */
static void take_zone_ns(struct iter *it, const struct iter_frame *f,
			 const struct msg *m, uint64_t now)
{
	uint8_t own[NAME_MAXLEN];
	struct rrset s;

	if (set_collect(it, m, MSG_AUTHORITY, f->zone, RR_NS, &s, own) == 0)
		return;
	s.rank = RANK_AUTHORITY;
	cache_put(it, &s, now);
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
		return has_rr(m, MSG_ANSWER, RR_DNAME);
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
	return has_rr(m, MSG_AUTHORITY, RR_NS) &&
	       !has_rr(m, MSG_AUTHORITY, RR_SOA);
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
			server_bad(it, f, INFRA_AVOID, now);
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
		server_bad(it, f, INFRA_AVOID, now);
	else if (f->kind == CUT_FWD && fwd_referral(it, m))
		server_bad(it, f, INFRA_OK, now);
	else if (f->kind == CUT_FWD)
		take_answer(it, f, m, RANK_ANSWER_NONAUTH, rcode, now);
	else if (find_referral(it, f, m, zone))
		take_referral(it, f, m, zone, now);
	else if ((how = lameness(it, f, m)) != INFRA_OK)
		server_bad(it, f, how, now);
	else if (is_empty(m) && empty_set_aside(it, f))
		return;
	else if (it->sent.minimised)
		min_step(f, m);
	else if (msg_hdr_aa(&m->hdr)) {
		take_zone_ns(it, f, m, now);
		take_answer(it, f, m, RANK_ANSWER, rcode, now);
	} else {
		take_answer(it, f, m, RANK_ANSWER_NONAUTH, rcode, now);
	}
}
