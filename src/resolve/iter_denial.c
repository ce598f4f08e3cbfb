/* Denial of existence for frame 0 (doc/design/dnssec-validation.md):
 * the authority sets of its replies kept, its negative answer (NXDOMAIN,
 * NODATA, after a CNAME chain too) checked: the SOA and the NSEC/NSEC3
 * sets against the zone's keys, then dnssec_prove_nxdomain or _nodata;
 * the negative entry cached again with its status and its proof (so that
 * a hit gives a DO client the records), and the wildcard proof of a
 * positive answer (dnssec_prove_wildcard). */
#include <stdlib.h>
#include <string.h>

#include "dnssec/anchor.h"
#include "dnssec/denial.h"
#include "resolve/iter_int.h"
#include "resolve/proofset.h"
#include "wire/rrtype.h"

void val_keep_auth(struct iter *it, const struct msg *m)
{
	struct iter_val *v = &it->val;

	if (!v->pbuf && !(v->pbuf = malloc(VAL_PBUF)))
		return;
	val_pack_auth(it, m, v->pbuf, VAL_PBUF, &v->plen);
}

void val_note_negative(struct iter *it, const uint8_t *name, uint16_t qtype,
		       bool nx, uint8_t rank)
{
	struct iter_val *v = &it->val;

	v->neg = true;
	v->neg_nx = nx;
	v->neg_why = 0;
	v->neg_type = qtype;
	v->neg_rank = rank;
	memcpy(v->neg_name, name, name_length(name));
}

/* The TTL s may be kept with: ttl at most, and no longer than any of
 * its RRSIGs allows (original TTL, expiration: RFC 4035 5.3.3; the
 * proof did not say which one verified, so the least of them). */
static uint32_t sig_ttl(const struct iter *it, const struct rrset *s,
			uint32_t ttl)
{
	const uint8_t *p = rrset_sigs(s);
	uint32_t own = proofset_sigs_own(s), pos = 0;
	struct dnssec_verdict v = { 0 };

	for (unsigned i = 0; i < s->nsigs && own - pos >= 2; i++) {
		uint16_t len = wire_get_u16(p + pos);

		if (len >= 12 && len <= own - pos - 2) {
			v.orig_ttl = wire_get_u32(p + pos + 2 + 4);
			v.expiration = wire_get_u32(p + pos + 2 + 8);
			ttl = dnssec_ttl(&v, ttl, it->val.now);
		}
		pos += 2u + len;
	}
	return ttl;
}

/* RFC 8198: the NSEC sets of zone in the pack, which the proof just
 * verified with zone's keys (the first PROOFSET_MAX NSEC/NSEC3 sets
 * under zone, as val_proof_sets reads them), cached secure and indexed
 * with ttl at most, and the zone's SOA (when given) with its RRSIGs at
 * authority rank: what answer_from_nsec needs to answer other names
 * of the same ranges without going upstream. */
static void keep_nsec(struct iter *it, const uint8_t *pack, size_t plen,
		      const uint8_t *zone, uint32_t ttl,
		      const struct rrset *soa)
{
	struct cache *c = it->env->cache;
	uint64_t now = it->val.now_ms;
	unsigned n = 0;
	size_t pos = 0;
	struct rrset s;

	if (!it->env->conf->aggressive_nsec)
		return;
	for (unsigned i = 0; i < 4 * PROOFSET_MAX && n < PROOFSET_MAX; i++) {
		if (proofset_next(pack, plen, &pos, &s) != 1)
			break;
		if ((s.type != RR_NSEC && s.type != RR_NSEC3) ||
		    !name_is_subdomain(s.owner, zone))
			continue;
		n++;
		if (s.type != RR_NSEC)
			continue;
		s.sigs_len = proofset_sigs_own(&s);
		s.kind = RRSET_POSITIVE;
		s.rank = RANK_AUTHORITY;
		s.sec = SEC_SECURE;
		s.ttl = sig_ttl(it, &s, s.ttl < ttl ? s.ttl : ttl);
		cache_insert_nsec(c, &s, zone, now, it->start_ms, it->ahead_ms);
	}
	if (!soa || !n || !val_pack_soa(pack, plen, zone, &s))
		return;
	s.sigs_len = proofset_sigs_own(&s);
	s.kind = RRSET_POSITIVE;
	s.rank = RANK_AUTHORITY;
	s.sec = SEC_SECURE;
	s.ttl = sig_ttl(it, &s, soa->ttl);
	iter_cache_put(it, &s, now);
}

/* RFC 8198 5.3: the wildcard of a secure expansion s cached as itself
 * ("*" and the labels of its RRSIGs' closest encloser: they verify as
 * they are there), secure, at authority rank, TTL at most ttl (the
 * proof's), so that answer_from_nsec can expand it for other names. */
static void keep_wildcard(struct iter *it, const struct rrset *s,
			  uint8_t labels, uint32_t ttl)
{
	uint8_t w[NAME_MAXLEN];
	const uint8_t *ce = s->owner;
	struct rrset x = *s;

	if (!it->env->conf->aggressive_nsec)
		return;
	for (int n = name_labels(ce) - labels; n > 0 && *ce; n--)
		ce += 1 + *ce;
	if (name_length(ce) + 2 > NAME_MAXLEN)
		return;
	w[0] = 1;
	w[1] = '*';
	memcpy(w + 2, ce, name_length(ce));
	x.owner = w;
	x.dname_owner = NULL;
	x.sigs_len = proofset_sigs_own(s);
	x.kind = RRSET_POSITIVE;
	x.rank = RANK_AUTHORITY;
	x.sec = SEC_SECURE;
	x.why = 0;
	x.ttl = sig_ttl(it, &x, s->ttl < ttl ? s->ttl : ttl);
	iter_cache_put(it, &x, it->val.now_ms);
}

int val_wildcard(struct iter *it, const uint8_t *zone,
		 const struct rrset *keys, const struct rrset *s,
		 uint8_t labels)
{
	struct dnssec_rrset sets[PROOFSET_MAX];
	struct dnssec_denial d = { s->owner, s->type, zone, sets, 0 };
	uint32_t ttl = UINT32_MAX;
	int r = val_proof_sets(it, it->val.pbuf, it->val.plen, zone, keys,
			       sets, &d.nsets, &ttl);

	if (r != DNSSEC_SECURE)
		return r;
	if (!d.nsets)
		return DNSSEC_NO_PROOF;
	r = dnssec_prove_wildcard(&d, labels, &it->val.budget);
	if (r == DNSSEC_SECURE) {
		keep_nsec(it, it->val.pbuf, it->val.plen, zone, ttl, NULL);
		keep_wildcard(it, s, labels, ttl);
	}
	return r < 0 ? DNSSEC_BUDGET : r;
}

bool val_pack_soa(const uint8_t *pack, size_t plen, const uint8_t *zone,
		  struct rrset *out)
{
	size_t pos = 0;
	struct rrset s;
	bool found = false;

	for (unsigned i = 0; i < 4 * PROOFSET_MAX; i++) {
		if (proofset_next(pack, plen, &pos, &s) != 1)
			break;
		if (s.type == RR_SOA && name_equal(s.owner, zone)) {
			*out = s;
			found = true;
		}
	}
	return found;
}

/* A secure NODATA for DS, as the key walk reads the entry's why
 * (val_key_final): 0 a delegation without DS (the child is insecure),
 * DNSSEC_NO_CUT no zone cut there, DNSSEC_NO_PROOF neither shown. */
static uint8_t ds_why(int r)
{
	if (r == DNSSEC_NO_CUT)
		return DNSSEC_NO_CUT;
	if (r == DNSSEC_SECURE || dnssec_result_insecure(r))
		return 0;
	return DNSSEC_NO_PROOF;
}

/* The proof of the negative answer with zone's secure keys: the SOA
 * verified, then the NSEC/NSEC3 sets and the proof. */
static int prove(struct iter *it, const uint8_t *zone,
		 const struct rrset *keys, uint32_t *ttl)
{
	struct iter_val *v = &it->val;
	struct dnssec_rrset sets[PROOFSET_MAX], d, sg, k = val_view(keys);
	struct dnssec_denial dn = { v->neg_name, v->neg_type, zone, sets, 0 };
	struct rrset soa;
	int r;

	if (!val_pack_soa(v->pbuf, v->plen, zone, &soa))
		return DNSSEC_NO_RRSIG;
	d = val_view(&soa);
	sg = val_sigs_view(&soa);
	r = dnssec_verify_rrset(&d, &sg, &k, v->now, &v->budget, NULL);
	if (r != DNSSEC_SECURE)
		return r < 0 ? DNSSEC_BUDGET : r;
	r = val_proof_sets(it, v->pbuf, v->plen, zone, keys, sets, &dn.nsets,
			   ttl);
	if (r != DNSSEC_SECURE)
		return r;
	r = v->neg_nx ? dnssec_prove_nxdomain(&dn, &v->budget)
		      : dnssec_prove_nodata(&dn, &v->budget);
	if (r == DNSSEC_SECURE && v->neg_type == RR_DS && !v->neg_nx)
		v->neg_why = ds_why(dnssec_prove_no_ds(&dn, &v->budget));
	return r < 0 ? DNSSEC_BUDGET : r;
}

/* The status of the negative answer of zone: a DNSSEC_ result, or
 * VAL_PENDING while its keys are fetched. */
static int neg_result(struct iter *it, const uint8_t *zone, uint32_t *ttl)
{
	struct rrset keys;
	int r = val_zone_keys(it, zone, &keys);

	if (r != DNSSEC_SECURE)
		return r;
	return prove(it, zone, &keys, ttl);
}

bool val_neg_build(struct iter *it, const struct rrset *soa,
		   const uint8_t *pack, size_t plen, struct rrset *neg)
{
	struct iter_val *v = &it->val;
	size_t len, pos = 0;
	struct rrset ps, ks;
	bool has = val_pack_soa(pack, plen, soa->owner, &ks);

	if (!v->nbuf && !(v->nbuf = malloc(VAL_PBUF)))
		return false;
	len = soa->rdata_len + (has ? ks.sigs_len : 0);
	if (len > VAL_PBUF)
		return false;
	memmove(v->nbuf, soa->rdata, soa->rdata_len);
	if (has)
		memcpy(v->nbuf + soa->rdata_len, rrset_sigs(&ks), ks.sigs_len);
	for (unsigned i = 0; i < 4 * PROOFSET_MAX; i++) {
		if (proofset_next(pack, plen, &pos, &ps) != 1)
			break;
		if ((ps.type == RR_NSEC || ps.type == RR_NSEC3) &&
		    name_is_subdomain(ps.owner, soa->owner) &&
		    proofset_put(v->nbuf, VAL_PBUF, &len, &ps) < 0)
			break;
	}
	*neg = *soa;
	neg->soa_owner = soa->owner;
	neg->rdata = v->nbuf;
	neg->nsigs = has ? ks.nsigs : 0;
	neg->sigs_len = (uint32_t)(len - soa->rdata_len);
	return true;
}

/* The negative entry of frame 0 again, with its proof (val_neg_build). */
static bool neg_make(struct iter *it, const struct rrset *soa,
		     struct rrset *neg)
{
	struct iter_val *v = &it->val;

	if (!val_neg_build(it, soa, v->pbuf, v->plen, neg))
		return false;
	neg->owner = v->neg_name;
	neg->type = v->neg_nx ? 0 : v->neg_type;
	neg->kind = v->neg_nx ? RRSET_NXDOMAIN : RRSET_NODATA;
	neg->rank = v->neg_rank;
	return true;
}

void val_wild_attach(struct iter *it, struct answer_set *as,
		     const uint8_t *zone)
{
	struct iter_val *v = &it->val;
	struct answer *ans = &it->ans;
	struct rrset w = as->set, ps;
	size_t len = w.rdata_len + w.sigs_len, pos = 0;
	uint16_t idx = (uint16_t)(as - ans->sets);

	if ((!v->nbuf && !(v->nbuf = malloc(VAL_PBUF))) || len > VAL_PBUF)
		return;
	memcpy(v->nbuf, w.rdata, len);
	for (unsigned i = 0; i < 4 * PROOFSET_MAX; i++) {
		if (proofset_next(v->pbuf, v->plen, &pos, &ps) != 1)
			break;
		if ((ps.type == RR_NSEC || ps.type == RR_NSEC3) &&
		    name_is_subdomain(ps.owner, zone) &&
		    proofset_put(v->nbuf, VAL_PBUF, &len, &ps) < 0)
			return;         /* all of the proof or none */
	}
	if (len == w.rdata_len + w.sigs_len)
		return;
	w.rdata = v->nbuf;
	w.sigs_len = (uint32_t)(len - w.rdata_len);
	if (answer_add(ans, (enum msg_section)as->section, &w) < 0)
		return;
	/* in its place: the order of a chain's sets is kept */
	ans->sets[idx] = ans->sets[ans->nsets - 1];
	ans->nsets--;
}

/* The answer's SOA of the negative answer: its index, or -1. */
static int neg_index(const struct iter *it)
{
	for (uint16_t i = 0; i < it->ans.nsets; i++)
		if (it->ans.sets[i].role == ANSWER_ROLE_NEG)
			return i;
	return -1;
}

/* Caches the entry with its status and proof, and puts it back in the
 * answer in place of its bare SOA. */
static int neg_store(struct iter *it, int ai, int r, uint32_t ttl)
{
	struct answer *ans = &it->ans;
	struct rrset neg, soa = ans->sets[ai].set;
	uint8_t zone[NAME_MAXLEN];

	memcpy(zone, soa.owner, name_length(soa.owner));
	soa.owner = zone;
	if (!neg_make(it, &soa, &neg))
		return SEC_BOGUS;
	neg.sec = r == DNSSEC_SECURE ? SEC_SECURE
		  : dnssec_result_insecure(r) ? SEC_INSECURE : SEC_BOGUS;
	neg.why = (uint8_t)(neg.sec == SEC_BOGUS ? r : 0);
	if (neg.sec == SEC_SECURE)
		neg.why = it->val.neg_why;
	if (neg.sec == SEC_SECURE && ttl < neg.ttl)
		neg.ttl = ttl;
	if (neg.sec == SEC_SECURE)
		keep_nsec(it, it->val.pbuf, it->val.plen, zone, ttl, &neg);
	if (neg.sec == SEC_BOGUS)
		val_note_failure(it, it->val.neg_name, it->val.neg_type, r);
	iter_cache_put(it, &neg, it->val.now_ms);
	memmove(&ans->sets[ai], &ans->sets[ai + 1],
		(size_t)(ans->nsets - ai - 1) * sizeof(ans->sets[0]));
	ans->nsets--;
	if (answer_add(ans, MSG_AUTHORITY, &neg) < 0) {
		answer_init(ans, RCODE_SERVFAIL);
		return SEC_BOGUS;
	}
	return neg.sec;
}

int val_negative(struct iter *it)
{
	int ai = neg_index(it), r;
	uint8_t zone[NAME_MAXLEN];
	uint32_t ttl = UINT32_MAX;
	const struct rrset *soa;

	if (ai < 0 || it->ans.sets[ai].set.sec != SEC_UNCHECKED) {
		it->val.neg = false;
		return SEC_UNCHECKED;
	}
	soa = &it->ans.sets[ai].set;
	memcpy(zone, soa->owner, name_length(soa->owner));
	r = neg_result(it, zone, &ttl);
	if (r == VAL_PENDING)
		return VAL_PENDING;
	it->val.neg = false;
	return neg_store(it, ai, r, ttl);
}
