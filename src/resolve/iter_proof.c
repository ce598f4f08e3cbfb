/* Denial in the validation phase: the negative replies to DS side goals
 * kept and judged with the parent's keys (an insecure delegation, RFC
 * 4035 5.2, RFC 5155 8.6: dnssec_prove_no_ds), and the packing and
 * checking of a reply's NSEC/NSEC3 sets that the negative and wildcard
 * proofs of iter_denial.c share. */
#include <stdlib.h>
#include <string.h>

#include "dnssec/denial.h"
#include "resolve/iter_int.h"
#include "resolve/proofset.h"
#include "wire/buf.h"
#include "wire/rrtype.h"

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

void val_pack_auth(struct iter *it, const struct msg *m, uint8_t *buf,
		   size_t cap, size_t *len)
{
	uint8_t on[NAME_MAXLEN], own[NAME_MAXLEN];
	struct rrset s;

	for (uint16_t i = 0; i < msg_section_count(m, MSG_AUTHORITY); i++) {
		const struct msg_rr *rr = msg_section_rr(m, MSG_AUTHORITY, i);

		if ((rr->type != RR_NSEC && rr->type != RR_NSEC3 &&
		     rr->type != RR_SOA) ||
		    !first_of_set(m, i) || msg_rr_owner(m, rr, on) < 0 ||
		    iter_set_collect(it, m, MSG_AUTHORITY, on, rr->type, &s,
				     own) == 0)
			continue;
		if (proofset_put(buf, cap, len, &s) < 0)
			return;         /* full: the proof may fail, bounded */
	}
}

int val_proof_sets(struct iter *it, const uint8_t *pack, size_t len,
		   const uint8_t *zone, const struct rrset *keys,
		   struct dnssec_rrset *sets, unsigned *n, uint32_t *ttl)
{
	struct dnssec_rrset k = val_view(keys), d, sg;
	size_t pos = 0;
	struct rrset s;
	int r;

	*n = 0;
	for (unsigned i = 0; i < 4 * PROOFSET_MAX; i++) {
		r = proofset_next(pack, len, &pos, &s);
		if (r <= 0)
			return r == 0 ? DNSSEC_SECURE : DNSSEC_MALFORMED;
		if ((s.type != RR_NSEC && s.type != RR_NSEC3) ||
		    !name_is_subdomain(s.owner, zone) || *n == PROOFSET_MAX)
			continue;
		d = val_view(&s);
		sg = val_sigs_view(&s);
		r = dnssec_verify_rrset(&d, &sg, &k, it->val.now,
					&it->val.budget, NULL);
		if (r != DNSSEC_SECURE)
			return r < 0 ? DNSSEC_BUDGET : r;
		sets[(*n)++] = d;
		if (s.ttl < *ttl)
			*ttl = s.ttl;
	}
	return DNSSEC_SECURE;
}

/* The NODATA for z's DS from the pack of the parent's reply (len
 * octets of dbuf): its SOA, RRSIGs and proof (val_neg_build), so that
 * a client asking for the DS gets them; false without the SOA. */
static bool neg_from_pack(struct iter *it, const uint8_t *z,
			  const uint8_t *parent, size_t len, uint32_t ttl,
			  struct rrset *s)
{
	struct rrset soa;
	const uint8_t *rd;
	uint16_t rlen;
	uint32_t min;

	if (!len || !val_pack_soa(it->val.dbuf, len, parent, &soa) ||
	    soa.count != 1 || (rlen = wire_get_u16(soa.rdata)) < 22 ||
	    !val_neg_build(it, &soa, it->val.dbuf, len, s))
		return false;
	rd = soa.rdata + 2;
	min = wire_get_u32(rd + rlen - 4);
	s->owner = z;
	s->type = RR_DS;
	s->kind = RRSET_NODATA;
	s->rank = RANK_ANSWER;
	s->ttl = ttl < soa.ttl ? ttl : soa.ttl;
	s->ttl = s->ttl < min ? s->ttl : min;
	return true;
}

/* z's DS proven absent (result DNSSEC_SECURE: the NODATA is secure; an
 * insecure result: insecure; either way the child is insecure), no cut
 * at z (DNSSEC_NO_CUT), or not proven (bogus): the cached negative entry
 * gets the status, or one without SOA is made for it. */
static int store_no_ds(struct iter *it, const uint8_t *z, int result,
		       uint32_t ttl, const uint8_t *parent, size_t len)
{
	struct rrset s;

	if (!neg_from_pack(it, z, parent, len, ttl, &s) &&
	    (!val_get(it, z, RR_DS, it->val.sbuf, &s) ||
	     s.kind == RRSET_POSITIVE)) {
		memset(&s, 0, sizeof(s));
		s.owner = z;
		s.type = RR_DS;
		s.rclass = it->qclass;
		s.kind = RRSET_NODATA;
		s.rank = RANK_ANSWER;
		s.ttl = ttl;
	}
	/* proven: the NODATA is secure, the child insecure (val_key_final) */
	s.sec = result == DNSSEC_SECURE ? SEC_SECURE
		: dnssec_result_insecure(result) ? SEC_INSECURE : SEC_BOGUS;
	s.why = (uint8_t)(s.sec == SEC_BOGUS ? result : 0);
	if (result == DNSSEC_NO_CUT) {  /* no zone there: see val_key_final */
		s.sec = SEC_SECURE;
		s.why = DNSSEC_NO_CUT;
		s.soa_owner = s.count ? s.soa_owner : parent;
	}
	if (s.sec == SEC_BOGUS)
		val_note_failure(it, z, RR_DS, result);
	iter_cache_put(it, &s, it->val.now_ms);
	return VAL_AGAIN;
}

/* The proof of no DS at z in the pack of the kept reply (its sets
 * verified with the keys of zone, the parent): dnssec_prove_no_ds's
 * result (DNSSEC_SECURE, an insecure one such as DNSSEC_OPT_OUT: the
 * child is insecure; DNSSEC_NO_CUT), or the failure. */
static int prove_no_ds(struct iter *it, const uint8_t *z, const uint8_t *zone,
		       const struct rrset *keys, size_t len, uint32_t *ttl)
{
	struct dnssec_rrset sets[PROOFSET_MAX];
	struct dnssec_denial d = { z, RR_DS, zone, sets, 0 };
	int r = val_proof_sets(it, it->val.dbuf, len, zone, keys, sets,
			       &d.nsets, ttl);

	if (r != DNSSEC_SECURE)
		return r;
	if (!d.nsets)
		return DNSSEC_NO_PROOF;
	r = dnssec_prove_no_ds(&d, &it->val.budget);
	return r < 0 ? DNSSEC_BUDGET : r;
}

/* The negative answer kept for z's DS: an insecure delegation when its
 * NSEC/NSEC3 records verify with the parent's keys and prove the DS
 * absent; no zone cut at z when they prove that; else bogus. */
int val_step_proof(struct iter *it, const struct dnssec_anchor *a,
		      const uint8_t *z, int pi, uint8_t *next)
{
	uint32_t ttl = CACHE_BOGUS_TTL * 5;
	struct rrset keys;
	size_t len = 0;
	struct msg m;
	int r;

	if (msg_parse(&m, it->val.proofs[pi].pkt, it->val.proofs[pi].len,
		      it->rr, ITER_MAX_RR) < 0)
		return store_no_ds(it, z, DNSSEC_MALFORMED, ttl, next, 0);
	if (!proof_signer(it, &m, next))
		return store_no_ds(it, z, DNSSEC_NO_RRSIG, ttl, next, 0);
	if (!val_parent_ok(a, z, next))
		return store_no_ds(it, z, DNSSEC_MALFORMED, ttl, next, 0);
	r = val_key_final(it, next, &keys);
	if (r == VAL_UNKNOWN)
		return VAL_PARENT;
	if (r != SEC_SECURE) {          /* under an insecure or bogus parent */
		r = r == SEC_INSECURE ? DNSSEC_UNSUPPORTED : DNSSEC_BOGUS;
		return store_no_ds(it, z, r, ttl, next, 0);
	}
	if (!it->val.dbuf && !(it->val.dbuf = malloc(VAL_PBUF)))
		return store_no_ds(it, z, DNSSEC_BUDGET, ttl, next, 0);
	val_pack_auth(it, &m, it->val.dbuf, VAL_PBUF, &len);
	r = prove_no_ds(it, z, next, &keys, len, &ttl);
	return store_no_ds(it, z, r, ttl, next, len);
}
