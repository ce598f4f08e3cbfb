/* The validation phase (doc/design/dnssec-validation.md): once frame 0
 * has its answer, each of its answer-section sets is checked against
 * the key set of its signer, found by a walk down from the closest
 * trust anchor: DS asked of the parent, DNSKEY of the child, as side
 * goals, each result cached with its status so that the walk is paid
 * once per zone and TTL. Negative answers are not checked yet (no
 * denial proofs): they go out without AD. */
#include <stdlib.h>
#include <string.h>

#include "dnssec/anchor.h"
#include "resolve/iter_int.h"
#include "wire/rrtype.h"

/* Walk results besides the SEC_ statuses. */
enum { VAL_UNKNOWN = 10, VAL_AGAIN, VAL_PENDING, VAL_PARENT };

#define VAL_MAX_STEPS 64        /* cache updates per set validated */

static const uint8_t root_name[1] = { 0 };

void iter_val_free(struct iter *it)
{
	free(it->val.kbuf);
	free(it->val.sbuf);
	it->val.kbuf = it->val.sbuf = NULL;
	iter_val_drop_proofs(it);
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

static bool val_bufs(struct iter *it)
{
	struct iter_val *v = &it->val;

	if (!v->kbuf)
		v->kbuf = malloc(VAL_BUF);
	if (!v->sbuf)
		v->sbuf = malloc(VAL_BUF);
	return v->kbuf && v->sbuf;
}

static struct dnssec_rrset ds_view(const struct rrset *s)
{
	struct dnssec_rrset d = { s->owner, s->type, s->rclass, s->count,
				  s->rdata, s->rdata_len };

	return d;
}

static struct dnssec_rrset sigs_view(const struct rrset *s)
{
	struct dnssec_rrset d = { s->owner, RR_RRSIG, s->rclass, s->nsigs,
				  rrset_sigs(s), s->sigs_len };

	return d;
}

static uint8_t sec_of(int result)
{
	if (result == DNSSEC_SECURE)
		return SEC_SECURE;
	if (result == DNSSEC_UNSUPPORTED || result == DNSSEC_UNSUPPORTED_DIGEST)
		return SEC_INSECURE;
	return SEC_BOGUS;
}

static void note_failure(struct iter *it, const uint8_t *name, uint16_t type,
			 int result)
{
	struct iter_val *v = &it->val;

	if (v->failed)
		return;
	v->failed = true;
	v->fail_res = result;
	v->fail_type = type;
	memcpy(v->fail_name, name, name_length(name));
}

/* The cached entry (name, type), any status, into buf. */
static bool val_get(struct iter *it, const uint8_t *name, uint16_t type,
		    uint8_t *buf, struct rrset *out)
{
	struct cache_hit h;

	if (cache_get(it->env->cache, name, type, it->qclass, it->val.now_ms,
		      0, RANK_ANSWER_NONAUTH, &h, buf, VAL_BUF) != 1 ||
	    h.stale)
		return false;
	*out = h.set;
	return true;
}

/* Caches s again with its status: secure sets for the TTL the RRSIG
 * allows (RFC 4035 5.3.3), bogus ones CACHE_BOGUS_TTL at most. */
static void val_store(struct iter *it, struct rrset *s, int result,
		      const struct dnssec_verdict *vd, uint64_t now)
{
	s->sec = sec_of(result);
	s->why = (uint8_t)(s->sec == SEC_BOGUS ? result : 0);
	if (s->sec == SEC_SECURE && vd)
		s->ttl = dnssec_ttl(vd, s->ttl, it->val.now);
	if (s->sec == SEC_BOGUS)
		note_failure(it, s->owner, s->type, result);
	iter_cache_put(it, s, now);
}

/* The signer of the first RRSIG over s, if it is at or above s's
 * owner, into out. */
static bool signer_of(const struct rrset *s, uint8_t *out)
{
	struct dnssec_rrset sigs = sigs_view(s);
	struct dnssec_rrsig rs;
	const uint8_t *rd;
	uint16_t len;

	for (unsigned i = 0; i < sigs.count; i++) {
		if (dnssec_rrset_item(&sigs, i, &rd, &len) < 0)
			return false;
		if (dnssec_rrsig_parse(&rs, rd, len) < 0 ||
		    rs.covered != s->type ||
		    !name_is_subdomain(s->owner, rs.signer))
			continue;
		memcpy(out, rs.signer, name_length(rs.signer));
		name_to_lower(out);
		return true;
	}
	return false;
}

/* What is known of z's keys: SEC_SECURE (keys filled, in kbuf),
 * SEC_INSECURE, SEC_BOGUS (a DS or DNSKEY set found bogus), or
 * VAL_UNKNOWN. Uses kbuf only. */
static int key_final(struct iter *it, const uint8_t *z, struct rrset *keys)
{
	struct rrset s;

	if (val_get(it, z, RR_DS, it->val.kbuf, &s) &&
	    (s.sec == SEC_INSECURE || s.sec == SEC_BOGUS)) {
		if (s.sec == SEC_BOGUS)
			note_failure(it, z, RR_DS, s.why);
		return s.sec;
	}
	if (!val_get(it, z, RR_DNSKEY, it->val.kbuf, &s) ||
	    s.kind != RRSET_POSITIVE || s.sec == SEC_UNCHECKED)
		return VAL_UNKNOWN;
	if (s.sec == SEC_BOGUS)
		note_failure(it, z, RR_DNSKEY, s.why);
	*keys = s;
	return s.sec;
}

/* Asks (z, type) on the side, once per client query: VAL_PENDING, or
 * SEC_BOGUS when it was asked already and is still missing. */
static int fetch(struct iter *it, const uint8_t *z, uint16_t type)
{
	struct iter_val *v = &it->val;
	int miss = type == RR_DNSKEY ? DNSSEC_NO_KEY : DNSSEC_BOGUS;

	for (uint16_t i = 0; i < v->nasked; i++)
		if (v->asked[i].type == type && name_equal(v->asked[i].name, z)) {
			note_failure(it, z, type, miss);
			return SEC_BOGUS;
		}
	if (v->nasked == VAL_MAX_ASKED ||
	    iter_push(it, z, type, ITER_VAL_GOAL) < 0) {
		note_failure(it, z, type, DNSSEC_BUDGET);
		return SEC_BOGUS;
	}
	memcpy(v->asked[v->nasked].name, z, name_length(z));
	v->asked[v->nasked++].type = type;
	return VAL_PENDING;
}

/* The anchor's zone: its DNSKEY set proven by the anchor. */
static int step_anchor(struct iter *it, const struct dnssec_anchor *a,
		       uint64_t now)
{
	struct dnssec_verdict vd;
	struct dnssec_rrset k, sg;
	struct rrset s;
	int r;

	if (!val_get(it, a->zone, RR_DNSKEY, it->val.sbuf, &s) ||
	    s.kind != RRSET_POSITIVE)
		return fetch(it, a->zone, RR_DNSKEY);
	k = ds_view(&s);
	sg = sigs_view(&s);
	r = dnssec_anchor_verify_keys(a, &k, &sg, it->val.now,
				      &it->val.budget, &vd);
	if (r < 0)
		r = DNSSEC_BUDGET;
	val_store(it, &s, r, &vd, now);
	return VAL_AGAIN;
}

/* z's DNSKEY set against its secure DS set ds. */
static int step_keys(struct iter *it, const uint8_t *z,
		     const struct rrset *ds, uint64_t now)
{
	struct dnssec_rrset d = ds_view(ds), k, sg;
	struct dnssec_verdict vd;
	struct rrset s;
	int r;

	if (!val_get(it, z, RR_DNSKEY, it->val.kbuf, &s) ||
	    s.kind != RRSET_POSITIVE)
		return fetch(it, z, RR_DNSKEY);
	k = ds_view(&s);
	sg = sigs_view(&s);
	r = dnssec_verify_dnskeys(&k, &sg, &d, it->val.now, &it->val.budget,
				  &vd);
	if (r < 0)
		r = DNSSEC_BUDGET;
	val_store(it, &s, r, &vd, now);
	return VAL_AGAIN;
}

/* A signer p for data of zone z found through its parent: strictly
 * above z, at or under the anchor. */
static bool parent_ok(const struct dnssec_anchor *a, const uint8_t *z,
		      const uint8_t *p)
{
	return name_is_subdomain(z, p) && !name_equal(z, p) &&
	       name_is_subdomain(p, a->zone);
}

/* z's DS set (unchecked) against its signer's keys. */
static int step_ds(struct iter *it, const struct dnssec_anchor *a,
		   const uint8_t *z, struct rrset *ds, uint64_t now,
		   uint8_t *next)
{
	struct dnssec_rrset d, sg, pk;
	struct dnssec_verdict vd;
	struct rrset keys;
	int r;

	if (!signer_of(ds, next) || !parent_ok(a, z, next)) {
		val_store(it, ds, ds->nsigs ? DNSSEC_MALFORMED : DNSSEC_NO_RRSIG,
			  NULL, now);
		return VAL_AGAIN;
	}
	r = key_final(it, next, &keys);
	if (r == VAL_UNKNOWN)
		return VAL_PARENT;
	if (r != SEC_SECURE) {  /* under an insecure or bogus parent */
		val_store(it, ds, r == SEC_INSECURE ? DNSSEC_UNSUPPORTED
						    : DNSSEC_BOGUS, NULL, now);
		return VAL_AGAIN;
	}
	d = ds_view(ds);
	sg = sigs_view(ds);
	pk = ds_view(&keys);
	r = dnssec_verify_rrset(&d, &sg, &pk, it->val.now, &it->val.budget,
				&vd);
	val_store(it, ds, r < 0 ? DNSSEC_BUDGET : r, &vd, now);
	return VAL_AGAIN;
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
	struct dnssec_rrset k = ds_view(keys), d, sg;
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
		d = ds_view(&s);
		sg = sigs_view(&s);
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
		note_failure(it, z, RR_DS, result);
	iter_cache_put(it, &s, it->val.now_ms);
	return VAL_AGAIN;
}

/* The negative answer kept for z's DS: an insecure delegation when its
 * NSEC/NSEC3 records verify with the parent's keys and prove the DS
 * absent (val_ds_absent_proven), else bogus. */
static int step_proof(struct iter *it, const struct dnssec_anchor *a,
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
	if (!parent_ok(a, z, next))
		return store_no_ds(it, z, DNSSEC_MALFORMED, ttl);
	r = key_final(it, next, &keys);
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

/* The kept negative reply to "z DS": its index, or -1. */
static int proof_of(const struct iter *it, const uint8_t *z)
{
	for (int i = 0; i < VAL_PROOFS; i++)
		if (it->val.proofs[i].len && name_equal(it->val.proofs[i].name, z))
			return i;
	return -1;
}

/* One step towards z's keys: a final status, VAL_AGAIN (the cache
 * moved on: start again), VAL_PENDING (a side goal pushed) or
 * VAL_PARENT (next's keys are needed first). */
static int step(struct iter *it, const struct dnssec_anchor *a,
		const uint8_t *z, uint8_t *next)
{
	struct rrset keys, ds;
	int r = key_final(it, z, &keys), pi;

	if (r != VAL_UNKNOWN)
		return r;
	if (name_equal(z, a->zone))
		return step_anchor(it, a, it->val.now_ms);
	if (val_get(it, z, RR_DS, it->val.sbuf, &ds) &&
	    ds.kind == RRSET_POSITIVE) {
		if (ds.sec == SEC_SECURE)
			return step_keys(it, z, &ds, it->val.now_ms);
		return step_ds(it, a, z, &ds, it->val.now_ms, next);
	}
	if ((pi = proof_of(it, z)) >= 0)
		return step_proof(it, a, z, pi, next);
	return fetch(it, z, RR_DS);
}

/* z's keys, from the anchor a down: a final status (SEC_SECURE: keys
 * filled) or VAL_PENDING. */
static int ensure(struct iter *it, const struct dnssec_anchor *a,
		  const uint8_t *target, struct rrset *keys)
{
	uint8_t cur[NAME_MAXLEN], next[NAME_MAXLEN];
	int r = SEC_BOGUS;

	for (unsigned n = 0; n < VAL_MAX_STEPS; n++) {
		memcpy(cur, target, name_length(target));
		for (unsigned d = 0; d < NAME_MAXLABELS; d++) {
			r = step(it, a, cur, next);
			if (r != VAL_PARENT)
				break;
			memcpy(cur, next, name_length(next));
		}
		if (r == VAL_AGAIN || r == VAL_PARENT ||
		    (r == SEC_SECURE && !name_equal(cur, target)))
			continue;
		if (r == SEC_SECURE)
			return key_final(it, target, keys);
		return r;
	}
	note_failure(it, target, RR_DNSKEY, DNSSEC_BUDGET);
	return SEC_BOGUS;
}

/* The zone an unsigned set is in: the closest cached zone cut at or
 * above its owner (the iteration just went through it), else the
 * root. */
static void zone_of(struct iter *it, const uint8_t *owner, uint8_t *zone)
{
	const uint8_t *n = owner;
	struct cache_hit h;

	for (; n[0]; n += n[0] + 1)
		if (cache_get(it->env->cache, n, RR_NS, it->qclass,
			      it->val.now_ms, 0, RANK_GLUE, &h, it->val.kbuf,
			      VAL_BUF) == 1 &&
		    h.set.kind == RRSET_POSITIVE)
			break;
	memcpy(zone, n[0] ? n : root_name, n[0] ? name_length(n) : 1);
}

/* The zone of an unsigned answer set: the deeper of the cut it came
 * from (a stub zone has no NS set cached) and zone_of's. */
static void zone_of_set(struct iter *it, const struct answer_set *as,
			uint8_t *zone)
{
	const uint8_t *cut = it->val.cut[as - it->ans.sets];

	zone_of(it, as->set.owner, zone);
	if (name_labels(cut) > name_labels(zone))
		memcpy(zone, cut, name_length(cut));
}

/* The DNAME set of the answer a CNAME was synthesised from. */
static const struct answer_set *dname_of(const struct iter *it,
					 const struct rrset *cname)
{
	for (uint16_t i = 0; i < it->ans.nsets; i++) {
		const struct answer_set *as = &it->ans.sets[i];

		if (as->section == MSG_ANSWER && as->set.type == RR_DNAME &&
		    name_is_subdomain(cname->owner, as->set.owner) &&
		    !name_equal(cname->owner, as->set.owner))
			return as;
	}
	return NULL;
}

/* Whether s, verified with an RRSIG of labels labels, was expanded from
 * a wildcard (RFC 4035 5.3.4): fewer labels than its owner, which is not
 * itself the wildcard asked for literally. */
static bool wildcard_expansion(const struct rrset *s, uint8_t labels)
{
	int n = name_labels(s->owner);

	if (labels >= n)
		return false;
	return !(labels == n - 1 && s->owner[0] == 1 && s->owner[1] == '*');
}

/* s against the keys of its zone (result: what its chain came to when
 * not secure). */
static int check_set(struct iter *it, struct answer_set *as,
		     struct dnssec_verdict *vd)
{
	struct rrset *s = &as->set;
	const struct dnssec_anchor *a;
	uint8_t zone[NAME_MAXLEN];
	struct dnssec_rrset d, sg, k;
	struct rrset keys;
	int r;

	if (!signer_of(s, zone))
		zone_of_set(it, as, zone);
	a = dnssec_anchors_find(&it->env->conf->anchors, zone);
	if (!a)
		return DNSSEC_UNSUPPORTED;      /* no anchor above: insecure */
	r = ensure(it, a, zone, &keys);
	if (r == VAL_PENDING)
		return VAL_PENDING;
	if (r == SEC_INSECURE)
		return DNSSEC_UNSUPPORTED;
	if (r != SEC_SECURE)
		return it->val.failed ? it->val.fail_res : DNSSEC_BOGUS;
	d = ds_view(s);
	sg = sigs_view(s);
	k = ds_view(&keys);
	r = dnssec_verify_rrset(&d, &sg, &k, it->val.now, &it->val.budget, vd);
	if (r == DNSSEC_SECURE && wildcard_expansion(s, vd->labels) &&
	    !val_wildcard_proven(it, s, vd->labels))
		return DNSSEC_UNSUPPORTED;      /* not proven: insecure */
	return r < 0 ? DNSSEC_BUDGET : r;
}

/* One answer set validated (and cached again with its status), or
 * VAL_PENDING. A CNAME synthesised from a DNAME is what its DNAME is. */
static int val_set(struct iter *it, struct answer_set *as)
{
	struct rrset *s = &as->set;
	const struct answer_set *dn;
	struct dnssec_verdict vd;
	int r;

	if (s->type == RR_CNAME && !s->nsigs && (dn = dname_of(it, s))) {
		s->sec = dn->set.sec;
		s->why = dn->set.why;
		s->dname_owner = dn->set.owner;
		iter_cache_put(it, s, it->val.now_ms);
		s->dname_owner = NULL;
		return s->sec;
	}
	r = check_set(it, as, &vd);
	if (r == VAL_PENDING)
		return r;
	val_store(it, s, r, &vd, it->val.now_ms);
	return s->sec;
}

bool iter_validate_begin(struct iter *it)
{
	bool need = false, ede = false;

	if (!it->val.on)
		return false;
	for (uint16_t i = 0; i < it->ans.nsets; i++) {
		const struct answer_set *as = &it->ans.sets[i];

		if (as->set.sec == SEC_BOGUS && !ede) {
			answer_set_bogus(&it->ans, as->set.owner, as->set.type,
					 as->set.why);
			ede = true;
		}
		if (as->section == MSG_ANSWER && as->set.sec == SEC_UNCHECKED &&
		    as->set.type != RR_RRSIG)
			need = true;
	}
	if (!need || !val_bufs(it))
		return false;
	it->val.next = 0;
	return true;
}

/* The phase is over: the counters, and the EDE of a bogus answer. */
static void val_finish(struct iter *it)
{
	struct iter_val *v = &it->val;

	it->stats.dnssec_verified = v->budget.verified;
	it->stats.dnssec_stopped = v->budget.stopped;
	it->ans.dnssec = true;  /* the statuses were set in place */
	for (uint16_t i = 0; i < it->ans.nsets; i++)
		if (it->ans.sets[i].set.sec == SEC_BOGUS) {
			const struct rrset *s = &it->ans.sets[i].set;

			if (v->failed)
				answer_set_bogus(&it->ans, v->fail_name,
						 v->fail_type, v->fail_res);
			else
				answer_set_bogus(&it->ans, s->owner, s->type,
						 s->why);
			break;
		}
	it->done = true;
}

void iter_validate(struct iter *it, uint64_t now)
{
	struct iter_val *v = &it->val;

	v->now_ms = now;
	for (; v->next < it->ans.nsets; v->next++) {
		struct answer_set *as = &it->ans.sets[v->next];

		if (as->section != MSG_ANSWER || as->set.sec != SEC_UNCHECKED ||
		    as->set.type == RR_RRSIG)
			continue;
		if (val_set(it, as) == VAL_PENDING) {
			it->stats.dnssec_verified = v->budget.verified;
			it->stats.dnssec_stopped = v->budget.stopped;
			return;
		}
	}
	val_finish(it);
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
