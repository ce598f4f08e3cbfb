/* Denial in the validation phase: the negative replies to DS side goals
 * kept, their NSEC/NSEC3 records verified with the parent's keys (an
 * insecure delegation, RFC 4035 5.2), and the hooks of the denial
 * proofs: whether such a reply proves that the child has no DS, and
 * whether a wildcard expansion is proven (no closer name). Until the
 * NSEC/NSEC3 proofs of step 2 (doc/design/dnssec-validation.md) are
 * here, the first checks nothing beyond the signatures, and the second
 * proves nothing. */
#include <stdlib.h>
#include <string.h>

#include "resolve/iter_int.h"
#include "wire/rrtype.h"

bool val_ds_absent_proven(struct iter *it, const struct msg *m,
			  const uint8_t *z)
{
	(void)it;
	(void)m;
	(void)z;
	return true;    /* TODO(denial): the NSEC/NSEC3 proof of no DS at z */
}

bool val_wildcard_proven(struct iter *it, const struct rrset *s,
			 uint8_t labels)
{
	(void)it;
	(void)s;
	(void)labels;
	/* TODO(denial): the NSEC/NSEC3 of the reply's authority section
	 * (to be kept for frame 0, as iter_val_keep_proof does for DS) */
	return false;
}

void iter_val_drop_proofs(struct iter *it)
{
	for (unsigned i = 0; i < VAL_PROOFS; i++) {
		free(it->val.proofs[i].pkt);
		it->val.proofs[i].pkt = NULL;
		it->val.proofs[i].len = 0;
	}
	it->val.proof_next = 0;
}

void iter_val_keep_proof(struct iter *it, const struct iter_frame *f,
			 const struct msg *m)
{
	struct iter_val *v = &it->val;
	unsigned i = v->proof_next;
	uint8_t *p;

	if (f->qtype != RR_DS || !m->len || !(p = malloc(m->len)))
		return;
	memcpy(p, m->pkt, m->len);
	free(v->proofs[i].pkt);
	v->proofs[i].pkt = p;
	v->proofs[i].len = m->len;
	memcpy(v->proofs[i].name, f->qname, name_length(f->qname));
	v->proof_next = (i + 1) % VAL_PROOFS;
}

/* The kept negative reply to "z DS": its index, or -1. */
int val_proof_of(const struct iter *it, const uint8_t *z)
{
	for (int i = 0; i < VAL_PROOFS; i++)
		if (it->val.proofs[i].len && name_equal(it->val.proofs[i].name, z))
			return i;
	return -1;
}

/* The signer of the first RRSIG over an NSEC or NSEC3 record in m's
 * authority section, into out. */
static bool proof_signer(struct iter *it, const struct msg *m, uint8_t *out)
{
	struct dnssec_rrsig rs;

	for (uint16_t i = 0; i < msg_section_count(m, MSG_AUTHORITY); i++) {
		const struct msg_rr *rr = msg_section_rr(m, MSG_AUTHORITY, i);
		int n;

		if (rr->type != RR_RRSIG)
			continue;
		n = msg_rr_rdata(m, rr, it->cbuf, sizeof(it->cbuf));
		if (n < 0 || dnssec_rrsig_parse(&rs, it->cbuf, (size_t)n) < 0 ||
		    (rs.covered != RR_NSEC && rs.covered != RR_NSEC3))
			continue;
		memcpy(out, rs.signer, name_length(rs.signer));
		name_to_lower(out);
		return true;
	}
	return false;
}

/* Whether the authority record i of m is the first of its set. */
static bool first_of_set(const struct msg *m, uint16_t i)
{
	const struct msg_rr *rr = msg_section_rr(m, MSG_AUTHORITY, i);
	uint8_t a[NAME_MAXLEN], b[NAME_MAXLEN];

	if (msg_rr_owner(m, rr, a) < 0)
		return false;
	for (uint16_t j = 0; j < i; j++) {
		const struct msg_rr *o = msg_section_rr(m, MSG_AUTHORITY, j);

		if (o->type == rr->type && msg_rr_owner(m, o, b) == 0 &&
		    name_equal(a, b))
			return false;
	}
	return true;
}

/* Every NSEC/NSEC3 set of m against keys: the worst result (no set:
 * DNSSEC_NO_RRSIG); *ttl the smallest TTL. */
static int proof_verify(struct iter *it, const struct msg *m,
			const struct rrset *keys, uint32_t *ttl)
{
	struct dnssec_rrset k = val_view(keys), d, sg;
	uint8_t on[NAME_MAXLEN], own[NAME_MAXLEN];
	int r = DNSSEC_NO_RRSIG;
	struct rrset s;

	for (uint16_t i = 0; i < msg_section_count(m, MSG_AUTHORITY); i++) {
		const struct msg_rr *rr = msg_section_rr(m, MSG_AUTHORITY, i);

		if ((rr->type != RR_NSEC && rr->type != RR_NSEC3) ||
		    !first_of_set(m, i) || msg_rr_owner(m, rr, on) < 0 ||
		    iter_set_collect(it, m, MSG_AUTHORITY, on, rr->type, &s,
				     own) == 0)
			continue;
		d = val_view(&s);
		sg = val_sigs_view(&s);
		r = dnssec_verify_rrset(&d, &sg, &k, it->val.now,
					&it->val.budget, NULL);
		if (r != DNSSEC_SECURE)
			return r < 0 ? DNSSEC_BUDGET : r;
		if (s.ttl < *ttl)
			*ttl = s.ttl;
	}
	return r;
}

/* z's DS proven absent (insecure) or not (bogus): the cached negative
 * entry gets the status, or one without SOA is made for it. */
static int store_no_ds(struct iter *it, const uint8_t *z, int result,
		       uint32_t ttl)
{
	struct rrset s;

	if (!val_get(it, z, RR_DS, it->val.sbuf, &s) ||
	    s.kind == RRSET_POSITIVE) {
		memset(&s, 0, sizeof(s));
		s.owner = z;
		s.type = RR_DS;
		s.rclass = it->qclass;
		s.kind = RRSET_NODATA;
		s.rank = RANK_ANSWER;
		s.ttl = ttl;
	}
	s.sec = result == DNSSEC_SECURE ? SEC_INSECURE : SEC_BOGUS;
	s.why = (uint8_t)(s.sec == SEC_BOGUS ? result : 0);
	if (s.sec == SEC_BOGUS)
		val_note_failure(it, z, RR_DS, result);
	iter_cache_put(it, &s, it->val.now_ms);
	return VAL_AGAIN;
}

/* The negative answer kept for z's DS: an insecure delegation when its
 * NSEC/NSEC3 records verify with the parent's keys and prove the DS
 * absent (val_ds_absent_proven), else bogus. */
int val_step_proof(struct iter *it, const struct dnssec_anchor *a,
		      const uint8_t *z, int pi, uint8_t *next)
{
	uint32_t ttl = CACHE_BOGUS_TTL * 5;
	struct rrset keys;
	struct msg m;
	int r;

	if (msg_parse(&m, it->val.proofs[pi].pkt, it->val.proofs[pi].len,
		      it->rr, ITER_MAX_RR) < 0)
		return store_no_ds(it, z, DNSSEC_MALFORMED, ttl);
	if (!proof_signer(it, &m, next))
		return store_no_ds(it, z, DNSSEC_NO_RRSIG, ttl);
	if (!val_parent_ok(a, z, next))
		return store_no_ds(it, z, DNSSEC_MALFORMED, ttl);
	r = val_key_final(it, next, &keys);
	if (r == VAL_UNKNOWN)
		return VAL_PARENT;
	if (r != SEC_SECURE)
		return store_no_ds(it, z, r == SEC_INSECURE ? DNSSEC_SECURE
							     : DNSSEC_BOGUS, ttl);
	r = proof_verify(it, &m, &keys, &ttl);
	if (r == DNSSEC_SECURE && !val_ds_absent_proven(it, &m, z))
		r = DNSSEC_BOGUS;
	return store_no_ds(it, z, r, ttl);
}

