/* The validation phase (doc/design/dnssec-validation.md): once frame 0
 * has its answer, each of its answer-section sets is checked against
 * the key set of its signer, found by a walk down from the closest
 * trust anchor: DS asked of the parent, DNSKEY of the child, as side
 * goals, each result cached with its status so that the walk is paid
 * once per zone and TTL; then its negative answer (iter_denial.c). The
 * replies to DS side goals: iter_proof.c. */
#include <stdlib.h>
#include <string.h>

#include "dnssec/anchor.h"
#include "resolve/iter_int.h"
#include "wire/rrtype.h"


#define VAL_MAX_STEPS 64        /* cache updates per set validated */

static const uint8_t root_name[1] = { 0 };

void iter_val_free(struct iter *it)
{
	free(it->val.kbuf);
	free(it->val.sbuf);
	free(it->val.pbuf);
	free(it->val.dbuf);
	free(it->val.nbuf);
	it->val.kbuf = it->val.sbuf = NULL;
	it->val.pbuf = it->val.dbuf = it->val.nbuf = NULL;
	iter_val_drop_proofs(it);
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

struct dnssec_rrset val_view(const struct rrset *s)
{
	struct dnssec_rrset d = { s->owner, s->type, s->rclass, s->count,
				  s->rdata, s->rdata_len };

	return d;
}

struct dnssec_rrset val_sigs_view(const struct rrset *s)
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

void val_note_failure(struct iter *it, const uint8_t *name, uint16_t type,
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
bool val_get(struct iter *it, const uint8_t *name, uint16_t type,
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
		val_note_failure(it, s->owner, s->type, result);
	iter_cache_put(it, s, now);
}

bool val_signer_of(const struct rrset *s, uint8_t *out)
{
	struct dnssec_rrset sigs = val_sigs_view(s);
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
/* What z's cached DS entry says of z's keys: SEC_BOGUS, SEC_INSECURE
 * (no DS proven, or under an insecure parent), the parent's keys (no
 * zone cut at z, proven: DNSSEC_NO_CUT), or VAL_UNKNOWN (go on to the
 * DNSKEY set). */
static int ds_says(struct iter *it, const uint8_t *z, struct rrset *keys)
{
	uint8_t parent[NAME_MAXLEN];
	struct rrset s;

	if (!val_get(it, z, RR_DS, it->val.kbuf, &s))
		return VAL_UNKNOWN;
	if (s.sec == SEC_BOGUS)
		val_note_failure(it, z, RR_DS, s.why);
	if (s.sec == SEC_BOGUS || s.sec == SEC_INSECURE)
		return s.sec;
	if (s.kind != RRSET_NODATA || s.sec != SEC_SECURE)
		return VAL_UNKNOWN;
	if (s.why == 0)
		return SEC_INSECURE;    /* proven: a delegation without DS */
	if (s.why != DNSSEC_NO_CUT || !s.soa_owner ||
	    !name_is_subdomain(z, s.soa_owner) || name_equal(z, s.soa_owner))
		return VAL_UNKNOWN;
	/* no zone cut at z (proven): its data is the parent's */
	memcpy(parent, s.soa_owner, name_length(s.soa_owner));
	return val_key_final(it, parent, keys);
}

int val_key_final(struct iter *it, const uint8_t *z, struct rrset *keys)
{
	struct rrset s;
	int r = ds_says(it, z, keys);

	if (r != VAL_UNKNOWN)
		return r;
	if (!val_get(it, z, RR_DNSKEY, it->val.kbuf, &s) ||
	    s.kind != RRSET_POSITIVE || s.sec == SEC_UNCHECKED)
		return VAL_UNKNOWN;
	if (s.sec == SEC_BOGUS)
		val_note_failure(it, z, RR_DNSKEY, s.why);
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
			val_note_failure(it, z, type, miss);
			return SEC_BOGUS;
		}
	if (v->nasked == VAL_MAX_ASKED ||
	    iter_push(it, z, type, ITER_VAL_GOAL) < 0) {
		val_note_failure(it, z, type, DNSSEC_BUDGET);
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
	k = val_view(&s);
	sg = val_sigs_view(&s);
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
	struct dnssec_rrset d = val_view(ds), k, sg;
	struct dnssec_verdict vd;
	struct rrset s;
	int r;

	if (!val_get(it, z, RR_DNSKEY, it->val.kbuf, &s) ||
	    s.kind != RRSET_POSITIVE)
		return fetch(it, z, RR_DNSKEY);
	k = val_view(&s);
	sg = val_sigs_view(&s);
	r = dnssec_verify_dnskeys(&k, &sg, &d, it->val.now, &it->val.budget,
				  &vd);
	if (r < 0)
		r = DNSSEC_BUDGET;
	val_store(it, &s, r, &vd, now);
	return VAL_AGAIN;
}

/* A signer p for data of zone z found through its parent: strictly
 * above z, at or under the anchor. */
bool val_parent_ok(const struct dnssec_anchor *a, const uint8_t *z,
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

	if (!val_signer_of(ds, next) || !val_parent_ok(a, z, next)) {
		val_store(it, ds, ds->nsigs ? DNSSEC_MALFORMED : DNSSEC_NO_RRSIG,
			  NULL, now);
		return VAL_AGAIN;
	}
	r = val_key_final(it, next, &keys);
	if (r == VAL_UNKNOWN)
		return VAL_PARENT;
	if (r != SEC_SECURE) {  /* under an insecure or bogus parent */
		val_store(it, ds, r == SEC_INSECURE ? DNSSEC_UNSUPPORTED
						    : DNSSEC_BOGUS, NULL, now);
		return VAL_AGAIN;
	}
	d = val_view(ds);
	sg = val_sigs_view(ds);
	pk = val_view(&keys);
	r = dnssec_verify_rrset(&d, &sg, &pk, it->val.now, &it->val.budget,
				&vd);
	val_store(it, ds, r < 0 ? DNSSEC_BUDGET : r, &vd, now);
	return VAL_AGAIN;
}

/* One step towards z's keys: a final status, VAL_AGAIN (the cache
 * moved on: start again), VAL_PENDING (a side goal pushed) or
 * VAL_PARENT (next's keys are needed first). */
static int step(struct iter *it, const struct dnssec_anchor *a,
		const uint8_t *z, uint8_t *next)
{
	struct rrset keys, ds;
	int r = val_key_final(it, z, &keys), pi;

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
	if ((pi = val_proof_of(it, z)) >= 0)
		return val_step_proof(it, a, z, pi, next);
	return fetch(it, z, RR_DS);
}

int val_ensure(struct iter *it, const struct dnssec_anchor *a,
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
			return val_key_final(it, target, keys);
		return r;
	}
	val_note_failure(it, target, RR_DNSKEY, DNSSEC_BUDGET);
	return SEC_BOGUS;
}

int val_chain_result(const struct iter *it, int r)
{
	if (r == SEC_INSECURE)
		return DNSSEC_UNSUPPORTED;
	return it->val.failed ? it->val.fail_res : DNSSEC_BOGUS;
}

int val_zone_keys(struct iter *it, const uint8_t *zone, struct rrset *keys)
{
	const struct dnssec_anchor *a;
	int r;

	a = dnssec_anchors_find(&it->env->conf->anchors, zone);
	if (!a || dnssec_anchor_insecure(a))
		return DNSSEC_UNSUPPORTED;      /* no anchor above: insecure */
	r = val_ensure(it, a, zone, keys);
	if (r == VAL_PENDING)
		return VAL_PENDING;
	return r == SEC_SECURE ? DNSSEC_SECURE : val_chain_result(it, r);
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

/* An unsigned set, from zone (the cut its servers serve, or a forward
 * zone): insecure when zone or a zone between it and the set's owner is
 * insecure, bogus (DNSSEC_NO_RRSIG) when the set is in a secure zone.
 * A forwarder answers for every zone under its forward zone: the walk
 * goes down label by label, each DS asked (proven absent: an insecure
 * delegation, or no zone cut there), as Unbound's does. */
static int check_unsigned(struct iter *it, const struct rrset *s,
			  const uint8_t *zone)
{
	int n = name_labels(s->owner), r;
	struct rrset keys;

	for (int l = name_labels(zone); l <= n; l++) {
		const uint8_t *p = s->owner;

		for (int k = n; k > l; k--)
			p += p[0] + 1;
		r = val_zone_keys(it, p, &keys);
		if (r != DNSSEC_SECURE)
			return r;
	}
	return DNSSEC_NO_RRSIG;
}

/* s against the keys of its zone (result: what its chain came to when
 * not secure). */
static int check_set(struct iter *it, struct answer_set *as,
		     struct dnssec_verdict *vd)
{
	struct rrset *s = &as->set;
	uint8_t zone[NAME_MAXLEN];
	struct dnssec_rrset d, sg, k;
	struct rrset keys;
	int r;

	if (!val_signer_of(s, zone)) {
		zone_of_set(it, as, zone);
		return check_unsigned(it, s, zone);
	}
	r = val_zone_keys(it, zone, &keys);
	if (r != DNSSEC_SECURE)
		return r;
	d = val_view(s);
	sg = val_sigs_view(s);
	k = val_view(&keys);
	r = dnssec_verify_rrset(&d, &sg, &k, it->val.now, &it->val.budget, vd);
	if (r == DNSSEC_SECURE && wildcard_expansion(s, vd->labels)) {
		r = val_wildcard(it, zone, &keys, s, vd->labels);
		it->val.wild = r == DNSSEC_SECURE || dnssec_result_insecure(r);
		memcpy(it->val.wild_zone, zone, name_length(zone));
		if (dnssec_result_insecure(r))
			return DNSSEC_UNSUPPORTED;      /* opt-out: insecure */
	}
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
	it->val.wild = false;
	r = check_set(it, as, &vd);
	if (r == VAL_PENDING)
		return r;
	if (it->val.wild)
		val_wild_attach(it, as, it->val.wild_zone);
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
		if (as->role == ANSWER_ROLE_NEG &&
		    as->set.sec == SEC_UNCHECKED && it->val.neg)
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
		if (val_set(it, as) == VAL_PENDING)
			goto pending;
	}
	if (v->neg && val_negative(it) == VAL_PENDING)
		goto pending;
	val_finish(it);
	return;
pending:
	it->stats.dnssec_verified = v->budget.verified;
	it->stats.dnssec_stopped = v->budget.stopped;
}
