/* An answer: the chain followed from the name asked through the answer
 * section (the RRset, CNAMEs, DNAMEs with the CNAME synthesised here),
 * inside the cut's bailiwick; a chain that leaves it restarts at its
 * target; a negative answer is cached per RFC 2308 with its SOA. */
#include <stdlib.h>
#include <string.h>

#include "resolve/infra.h"
#include "resolve/iter_int.h"
#include "wire/rrtype.h"

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
		/* validating: RRSIGs ride with the sets they cover */
		seen = seen || (rr->type == RR_RRSIG && it->env->conf->dnssec);
		if (seen || ntypes == ANSWER_SETS ||
		    msg_rr_owner(m, rr, on) < 0 || !name_equal(on, cur))
			continue;
		types[ntypes++] = rr->type;
		if (iter_set_collect(it, m, MSG_ANSWER, cur, rr->type, &s, own) == 0)
			continue;
		if (iter_deliver(it, &s, rank, now) < 0)
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
	if (iter_set_collect(it, m, MSG_ANSWER, cur, f->qtype, &s, own) == 0)
		return 0;
	if (iter_deliver(it, &s, rank, now) < 0)
		return -1;
	if (it->depth > 0 && f->parent_ns >= 0 &&
	    (s.type == RR_A || s.type == RR_AAAA) && !iter_addrs_to_parent(it, &s))
		return -1;
	if (s.type == RR_NS)
		iter_answer_glue(it, f, m, &s, now);
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
		if (iter_set_collect(it, m, MSG_ANSWER, d, RR_DNAME, &s, own) == 0)
			return 0;       /* unreadable: no second scan per record */
		t = iter_set_first(&s, &tlen);
		pre = name_length(cur) - name_length(d);
		if (pre + tlen > NAME_MAXLEN) {         /* RFC 6672 2.2 */
			iter_deliver(it, &s, rank, now);
			it->ans.rcode = RCODE_YXDOMAIN;
			iter_frame_done(it);
			return -1;
		}
		memcpy(syn + 2, cur, pre);
		memcpy(syn + 2 + pre, t, tlen);
		if (iter_deliver(it, &s, rank, now) < 0)
			goto full;
		syn[0] = (uint8_t)((pre + tlen) >> 8);
		syn[1] = (uint8_t)(pre + tlen);
		s.owner = cur;
		s.type = RR_CNAME;
		s.count = 1;
		s.rdata = syn;
		s.rdata_len = (uint32_t)(2 + pre + tlen);
		s.nsigs = 0;            /* ours: no RRSIG (the DNAME's vouch) */
		s.sigs_len = 0;
		s.dname_owner = d;
		if (iter_deliver(it, &s, rank, now) < 0)
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
	if (iter_set_collect(it, m, MSG_ANSWER, cur, RR_CNAME, &s, own) == 0)
		return 0;
	if (iter_deliver(it, &s, rank, now) < 0) {
		iter_fail(it);
		return -1;
	}
	t = iter_set_first(&s, &tlen);
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
		if (iter_set_collect(it, m, MSG_AUTHORITY, on, RR_SOA, s, own) > 0)
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
	const uint8_t *rd = has_soa ? iter_set_first(&soa, &len) : NULL;

	if (rcode != RCODE_NOERROR && rcode != RCODE_NXDOMAIN) {
		iter_server_bad(it, f, INFRA_OK, now);  /* YXDOMAIN without a DNAME */
		return;
	}
	if (it->depth > 0 && f->parent_ns == ITER_VAL_GOAL)
		iter_val_keep_proof(it, f, m);
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
		iter_cache_put(it, &neg, now);
		if (it->depth == 0)
			iter_ttl_as_cached(it, &neg, f->qtype, now);
	}
	if (it->depth == 0) {
		it->ans.rcode = (uint8_t)rcode;
		if (it->val.on && neg.count)
			val_note_negative(it, curl, f->qtype,
					  rcode == RCODE_NXDOMAIN, rank);
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

/* Follows the chain from the goal through the answer section. */
void iter_take_answer(struct iter *it, struct iter_frame *f,
		      const struct msg *m, uint8_t rank, uint16_t rcode,
		      uint64_t now)
{
	uint8_t cur[NAME_MAXLEN];
	unsigned links = 0;
	int r;

	memcpy(cur, f->qname, name_length(f->qname));
	if (it->depth == 0 && it->val.on)
		val_keep_auth(it, m);   /* for a negative or wildcard proof */
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
	    !iter_has_rr(m, MSG_AUTHORITY, RR_SOA)) {
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
void iter_take_zone_ns(struct iter *it, const struct iter_frame *f,
		       const struct msg *m, uint64_t now)
{
	uint8_t own[NAME_MAXLEN];
	struct rrset s;

	if (iter_set_collect(it, m, MSG_AUTHORITY, f->zone, RR_NS, &s, own) == 0)
		return;
	s.rank = RANK_AUTHORITY;
	iter_cache_put(it, &s, now);
}
