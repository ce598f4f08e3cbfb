/* DS records (RFC 4034 5, RFC 4509, RFC 6605 2): the digest of a DNSKEY,
 * the choice of digest type in a DS set, and a DNSKEY set proven by its
 * parent's DS set (RFC 4035 5.2). */
#include <string.h>

#include "base/error.h"
#include "dnssec/dnssec.h"
#include "dnssec/dnssec_int.h"
#include "wire/name.h"

static const EVP_MD *digest_md(uint8_t type)
{
	switch (type) {
	case DNSSEC_DS_SHA1: return EVP_sha1();
	case DNSSEC_DS_SHA256: return EVP_sha256();
	case DNSSEC_DS_SHA384: return EVP_sha384();
	}
	return NULL;
}

int dnssec_ds_digest(uint8_t *out, uint8_t digest_type,
		     const uint8_t *owner, const uint8_t *key_rd,
		     size_t key_len)
{
	const EVP_MD *md = digest_md(digest_type);
	uint8_t lc[NAME_MAXLEN];
	size_t olen = name_length(owner);
	unsigned int len = 0;
	EVP_MD_CTX *ctx;
	int ok;

	if (!md)
		return BN_EINVAL;
	memcpy(lc, owner, olen);
	name_to_lower(lc);
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return BN_ENOMEM;
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	     EVP_DigestUpdate(ctx, lc, olen) == 1 &&
	     EVP_DigestUpdate(ctx, key_rd, key_len) == 1 &&
	     EVP_DigestFinal_ex(ctx, out, &len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? (int)len : BN_ENOMEM;
}

int dnssec_ds_match(const uint8_t *ds_rd, size_t ds_len,
		    const uint8_t *owner, const uint8_t *key_rd,
		    size_t key_len)
{
	uint8_t d[DNSSEC_DIGEST_MAX];
	int n;

	if (ds_len < 5)
		return BN_ERDATA;
	if (!digest_md(ds_rd[3]))
		return DNSSEC_UNSUPPORTED_DIGEST;
	if (key_len < 4 || wire_get_u16(ds_rd) != dnssec_key_tag(key_rd, key_len) ||
	    ds_rd[2] != key_rd[3])
		return DNSSEC_BOGUS;
	n = dnssec_ds_digest(d, ds_rd[3], owner, key_rd, key_len);
	if (n < 0)
		return n;
	return (size_t)n == ds_len - 4 && !memcmp(d, ds_rd + 4, (size_t)n) ?
		       DNSSEC_SECURE : DNSSEC_BOGUS;
}

int dnssec_ds_favorite(const struct dnssec_rrset *ds)
{
	const uint8_t *rd;
	uint16_t len;
	struct rbuf r;
	int best = 0;

	rbuf_init(&r, ds->rdata, ds->rdata_len);
	for (unsigned i = 0; i < ds->count; i++) {
		if (dnssec_next_item(&r, &rd, &len) < 0)
			break;
		if (len >= 5 && digest_md(rd[3]) &&
		    dnssec_alg_supported(rd[2]) && rd[3] > best)
			best = rd[3];
	}
	return best;
}

/* Why no DS is usable: no algorithm implemented, or no digest. */
static int unusable(const struct dnssec_rrset *ds)
{
	const uint8_t *rd;
	uint16_t len;
	struct rbuf r;

	rbuf_init(&r, ds->rdata, ds->rdata_len);
	for (unsigned i = 0; i < ds->count; i++)
		if (dnssec_next_item(&r, &rd, &len) == 0 && len >= 5 &&
		    dnssec_alg_supported(rd[2]))
			return DNSSEC_UNSUPPORTED_DIGEST;
	return DNSSEC_UNSUPPORTED;
}

/* The keys one DS names, each whose digest matches then asked to sign
 * the DNSKEY set (a view of that one key). */
static int ds_keys(const uint8_t *ds, uint16_t dslen,
		   const struct dnssec_rrset *keys,
		   const struct dnssec_rrset *sigs, uint32_t now,
		   struct dnssec_budget *b, struct dnssec_verdict *v)
{
	struct dnssec_rrset one = *keys;
	int worst = DNSSEC_NO_KEY, ret;
	unsigned tries = 0;
	const uint8_t *rd;
	uint16_t len;
	struct rbuf r;

	rbuf_init(&r, keys->rdata, keys->rdata_len);
	for (unsigned i = 0; i < keys->count; i++) {
		size_t at = r.pos;

		if (dnssec_next_item(&r, &rd, &len) < 0)
			break;
		if (len < 4 || !(wire_get_u16(rd) & DNSKEY_FLAG_ZONE) ||
		    rd[2] != 3 || rd[3] != ds[2] ||
		    dnssec_key_tag(rd, len) != wire_get_u16(ds))
			continue;
		if (tries++ == b->tag_keys_max) {
			b->stopped++;
			return DNSSEC_BUDGET;
		}
		ret = dnssec_ds_match(ds, dslen, keys->owner, rd, len);
		if (ret < 0)
			return ret;
		if (ret != DNSSEC_SECURE) {
			/* DS hash mismatches key */
			worst = dnssec_merge(worst, DNSSEC_BOGUS);
			continue;
		}
		one.count = 1;
		one.rdata = keys->rdata + at;
		one.rdata_len = 2u + len;
		ret = dnssec_verify_rrset(keys, sigs, &one, now, b, v);
		if (ret == DNSSEC_SECURE || ret == DNSSEC_BUDGET || ret < 0)
			return ret;
		worst = dnssec_merge(worst, ret);
	}
	return worst;
}

int dnssec_verify_dnskeys(const struct dnssec_rrset *keys,
			  const struct dnssec_rrset *sigs,
			  const struct dnssec_rrset *ds, uint32_t now,
			  struct dnssec_budget *b, struct dnssec_verdict *v)
{
	int fav = dnssec_ds_favorite(ds), worst = DNSSEC_NO_KEY, ret;
	const uint8_t *rd;
	uint16_t len;
	struct rbuf r;

	if (!fav)
		worst = ds->count ? unusable(ds) : DNSSEC_NO_KEY;
	rbuf_init(&r, ds->rdata, ds->rdata_len);
	for (unsigned i = 0; fav && i < ds->count; i++) {
		if (dnssec_next_item(&r, &rd, &len) < 0)
			break;
		if (len < 5 || rd[3] != fav || !dnssec_alg_supported(rd[2]))
			continue;
		ret = ds_keys(rd, len, keys, sigs, now, b, v);
		if (ret == DNSSEC_SECURE || ret == DNSSEC_BUDGET || ret < 0)
			return ret;
		worst = dnssec_merge(worst, ret);
	}
	if (v)
		v->result = worst;
	return worst;
}
