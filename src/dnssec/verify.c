/* RRSIG verification (RFC 4035 5.3): the checks that cost nothing come
 * first (fields, algorithm, time), then the keys whose tag and algorithm
 * match, each one a signature verification counted against the budget.
 * The signed data is built once per RRSIG, when a key is first tried. */
#include <stdlib.h>

#include "base/error.h"
#include "dnssec/dnssec.h"
#include "dnssec/dnssec_int.h"
#include "wire/buf.h"
#include "wire/name.h"

void dnssec_budget_init(struct dnssec_budget *b)
{
	b->verify_left = DNSSEC_VERIFY_MAX;
	b->tag_keys_max = DNSSEC_TAG_KEYS_MAX;
	b->rrsigs_max = DNSSEC_RRSIGS_MAX;
	b->verified = 0;
	b->stopped = 0;
	b->hash_left = DNSSEC_HASH_MAX;
	b->hashed = 0;
}

/* RFC 1982: a before b. A difference of exactly 2^31 is neither way;
 * it counts as before, so such a date is never within. */
static bool serial_lt(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t)(b - a) <= 0x80000000u;
}

int dnssec_check_time(const struct dnssec_rrsig *s, uint32_t now)
{
	if (serial_lt(s->expiration, s->inception))
		return DNSSEC_MALFORMED;
	if (serial_lt(s->expiration, now))
		return DNSSEC_EXPIRED;
	if (serial_lt(now, s->inception))
		return DNSSEC_NOT_YET_VALID;
	return DNSSEC_SECURE;
}

uint32_t dnssec_ttl(const struct dnssec_verdict *v, uint32_t ttl,
		    uint32_t now)
{
	uint32_t left = serial_lt(now, v->expiration) ? v->expiration - now : 0;

	if (ttl > v->orig_ttl)
		ttl = v->orig_ttl;
	return ttl < left ? ttl : left;
}

/* RFC 4035 5.3.1, all but the key: the RRSIG can be right for set as
 * signed by zone, now. */
static int rrsig_check(const struct dnssec_rrset *set,
		       const struct dnssec_rrsig *s, const uint8_t *zone,
		       uint32_t now)
{
	int labels = name_labels(set->owner);

	/* A wildcard owner's "*" is not counted in the RRSIG (3.1.3). */
	if (labels && set->owner[0] == 1 && set->owner[1] == '*')
		labels--;
	if (s->covered != set->type || s->labels > labels ||
	    !name_is_subdomain(set->owner, s->signer))
		return DNSSEC_MALFORMED;
	if (!name_equal(s->signer, zone))
		return DNSSEC_NO_KEY;
	if (!dnssec_alg_supported(s->alg))
		return DNSSEC_UNSUPPORTED;
	return dnssec_check_time(s, now);
}

/* Whether DNSKEY RDATA is a key that may have made s (RFC 4035 5.3.1:
 * zone key, protocol 3, algorithm and tag; RFC 5011 2.1: not revoked). */
static bool key_fits(const struct dnssec_rrsig *s, const uint8_t *rd,
		     size_t len)
{
	uint16_t flags;

	if (len < 4)
		return false;
	flags = wire_get_u16(rd);
	return (flags & DNSKEY_FLAG_ZONE) && !(flags & DNSKEY_FLAG_REVOKE) &&
	       rd[2] == 3 && rd[3] == s->alg &&
	       dnssec_key_tag(rd, len) == s->key_tag;
}

/* One RRSIG's signed data, made on first use. */
struct sigwork {
	const struct dnssec_rrset *set;
	struct dnssec_rrsig s;
	uint8_t *data;
	int len;
};

static int work_data(struct sigwork *w)
{
	size_t cap;

	if (w->data)
		return 0;
	cap = dnssec_signed_size(&w->s, w->set);
	w->data = malloc(cap);
	if (!w->data)
		return BN_ENOMEM;
	w->len = dnssec_signed_data(w->data, cap, &w->s, w->set);
	if (w->len == BN_ENOMEM)
		return BN_ENOMEM;
	return w->len < 0 ? DNSSEC_MALFORMED : 0;
}

/* One verification: counted, then the key loaded and the signature
 * checked. */
static int verify_with(struct sigwork *w, const uint8_t *key, size_t len,
		       struct dnssec_budget *b)
{
	EVP_PKEY *pk;
	int ret;

	if (!b->verify_left) {
		b->stopped++;
		return DNSSEC_BUDGET;
	}
	b->verify_left--;
	b->verified++;
	ret = work_data(w);
	if (ret)
		return ret;
	ret = dnskey_load(&pk, key, len);
	if (ret == DNSSEC_UNSUPPORTED || ret == BN_ENOMEM)
		return ret;
	if (ret < 0)
		return DNSSEC_BOGUS;    /* a key that is not one */
	ret = dnssec_sig_check(w->s.alg, pk, w->data, (size_t)w->len,
			       w->s.sig, w->s.siglen);
	EVP_PKEY_free(pk);
	return ret;
}

int dnssec_verify_one(const struct dnssec_rrset *set, const uint8_t *sig_rd,
		      size_t sig_len, const uint8_t *zone,
		      const uint8_t *key_rd, size_t key_len, uint32_t now,
		      struct dnssec_budget *b)
{
	struct sigwork w = { .set = set };
	int ret;

	if (dnssec_rrsig_parse(&w.s, sig_rd, sig_len) < 0)
		return DNSSEC_MALFORMED;
	ret = rrsig_check(set, &w.s, zone, now);
	if (ret)
		return ret;
	if (!key_fits(&w.s, key_rd, key_len))
		return DNSSEC_NO_KEY;
	ret = verify_with(&w, key_rd, key_len, b);
	free(w.data);
	return ret;
}

int dnssec_verify_revoked(const struct dnssec_rrset *keys,
			  const struct dnssec_rrset *sigs,
			  const uint8_t *key_rd, size_t key_len, uint32_t now,
			  struct dnssec_budget *b)
{
	const uint8_t *rd;
	uint16_t len, flags = key_len >= 4 ? wire_get_u16(key_rd) : 0;
	int ret = DNSSEC_NO_RRSIG;

	if (!(flags & DNSKEY_FLAG_REVOKE) || !(flags & DNSKEY_FLAG_ZONE))
		return DNSSEC_NO_KEY;
	for (unsigned i = 0; ret != DNSSEC_SECURE && i < sigs->count &&
	     i < b->rrsigs_max; i++) {
		struct sigwork w = { .set = keys };
		if (dnssec_rrset_item(sigs, i, &rd, &len) < 0 ||
		    dnssec_rrsig_parse(&w.s, rd, len) < 0 ||
		    rrsig_check(keys, &w.s, keys->owner, now) ||
		    key_rd[2] != 3 || key_rd[3] != w.s.alg ||
		    dnssec_key_tag(key_rd, key_len) != w.s.key_tag)
			continue;
		ret = verify_with(&w, key_rd, key_len, b);
		free(w.data);
		if (ret == BN_ENOMEM || ret == DNSSEC_BUDGET)
			return ret;
	}
	return ret;
}

int dnssec_worse(int a, int b)
{
	static const uint8_t rank[] = {
		[DNSSEC_SECURE] = 0, [DNSSEC_NO_RRSIG] = 1,
		[DNSSEC_UNSUPPORTED] = 2, [DNSSEC_UNSUPPORTED_DIGEST] = 2,
		[DNSSEC_MALFORMED] = 3, [DNSSEC_NO_KEY] = 4,
		[DNSSEC_NOT_YET_VALID] = 5, [DNSSEC_EXPIRED] = 6,
		[DNSSEC_BOGUS] = 7, [DNSSEC_BUDGET] = 8,
		/* not results of signatures; ranked for completeness */
		[DNSSEC_NO_CUT] = 0, [DNSSEC_OPT_OUT] = 2,
		[DNSSEC_UNSIGNED_CUT] = 2, [DNSSEC_NSEC3_ITERATIONS] = 2,
		[DNSSEC_NSEC3_UNSUPPORTED] = 2, [DNSSEC_NO_PROOF] = 7,
	};

	return rank[b] > rank[a] ? b : a;
}

/* One RRSIG against the keys of its tag and algorithm, at most
 * b->tag_keys_max of them. */
static int try_keys(struct sigwork *w, const struct dnssec_rrset *keys,
		    uint32_t now, struct dnssec_budget *b)
{
	int ret = rrsig_check(w->set, &w->s, keys->owner, now);
	int worst = DNSSEC_NO_KEY;
	unsigned tries = 0;
	const uint8_t *rd;
	uint16_t len;
	struct rbuf r;

	if (ret)
		return ret;
	rbuf_init(&r, keys->rdata, keys->rdata_len);
	for (unsigned i = 0; i < keys->count; i++) {
		if (dnssec_next_item(&r, &rd, &len) < 0)
			break;
		if (!key_fits(&w->s, rd, len))
			continue;
		if (tries++ == b->tag_keys_max) {
			b->stopped++;
			return DNSSEC_BUDGET;
		}
		ret = verify_with(w, rd, len, b);
		if (ret == DNSSEC_SECURE || ret == DNSSEC_BUDGET || ret < 0)
			return ret;
		worst = dnssec_merge(worst, ret);
	}
	return worst;
}

int dnssec_merge(int worst, int ret)
{
	if (worst == DNSSEC_NO_KEY)
		return ret;
	return ret == DNSSEC_NO_KEY ? worst : dnssec_worse(worst, ret);
}

static void verdict(struct dnssec_verdict *v, int result,
		    const struct dnssec_rrsig *s)
{
	if (!v)
		return;
	v->result = result;
	if (result != DNSSEC_SECURE)
		return;
	v->alg = s->alg;
	v->labels = s->labels;
	v->key_tag = s->key_tag;
	v->orig_ttl = s->orig_ttl;
	v->expiration = s->expiration;
}

int dnssec_verify_rrset(const struct dnssec_rrset *set,
			const struct dnssec_rrset *sigs,
			const struct dnssec_rrset *keys, uint32_t now,
			struct dnssec_budget *b, struct dnssec_verdict *v)
{
	struct sigwork w = { .set = set };
	int worst = DNSSEC_NO_RRSIG, ret;
	unsigned tried = 0;
	const uint8_t *rd;
	uint16_t len;
	struct rbuf r;

	rbuf_init(&r, sigs->rdata, sigs->rdata_len);
	for (unsigned i = 0; i < sigs->count; i++) {
		if (dnssec_next_item(&r, &rd, &len) < 0)
			break;
		if (dnssec_rrsig_parse(&w.s, rd, len) < 0 ||
		    w.s.covered != set->type)
			continue;
		if (tried++ == b->rrsigs_max) {
			b->stopped++;
			worst = DNSSEC_BUDGET;
			break;
		}
		ret = try_keys(&w, keys, now, b);
		free(w.data);
		w.data = NULL;
		if (ret == DNSSEC_SECURE || ret == DNSSEC_BUDGET || ret < 0) {
			worst = ret;
			break;
		}
		worst = dnssec_worse(worst, ret);
	}
	verdict(v, worst, &w.s);
	return worst;
}
