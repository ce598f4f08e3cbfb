/* DNSKEY records: key tags (RFC 4034 appendix B) and public keys for
 * OpenSSL from their wire forms: RSA (RFC 3110: exponent length in one
 * octet, or zero then two), ECDSA (RFC 6605: x | y), EdDSA (RFC 8080:
 * the raw key). */
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "base/error.h"
#include "dnssec/dnssec.h"
#include "dnssec/dnssec_int.h"
#include "wire/buf.h"

#define RSA_MIN_BITS 512        /* RFC 3110 2 */
#define RSA_MAX_BITS 4096
#define RSA_MAX_EXP 8           /* octets: OpenSSL's own bound above 3072 bits */

uint16_t dnssec_key_tag(const uint8_t *rd, size_t len)
{
	uint32_t ac = 0;

	if (len < 4)
		return 0;
	if (rd[3] == 1)         /* RSA/MD5: the modulus' low 16 bits */
		return len < 7 ? 0 : wire_get_u16(rd + len - 3);
	for (size_t i = 0; i < len; i++)
		ac += i & 1 ? rd[i] : (uint32_t)rd[i] << 8;
	ac += ac >> 16;
	return (uint16_t)ac;
}

bool dnssec_alg_supported(uint8_t alg)
{
	switch (alg) {
	case DNSSEC_RSASHA256: case DNSSEC_RSASHA512:
	case DNSSEC_ECDSAP256SHA256: case DNSSEC_ECDSAP384SHA384:
	case DNSSEC_ED25519: case DNSSEC_ED448:
		return true;
	}
	return false;
}

static int from_params(EVP_PKEY **out, const char *type,
		       const OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	int ret = BN_ERDATA;

	if (!ctx)
		return BN_ENOMEM;
	if (EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY,
			      (OSSL_PARAM *)params) == 1)
		ret = 0;
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

static int rsa_load(EVP_PKEY **out, const uint8_t *k, size_t len)
{
	size_t elen, off = 1;
	OSSL_PARAM_BLD *bld;
	OSSL_PARAM *params = NULL;
	BIGNUM *n, *e;
	int ret = BN_ENOMEM;

	if (len < 1)
		return BN_ERDATA;
	elen = k[0];
	if (!elen) {
		if (len < 3)
			return BN_ERDATA;
		elen = wire_get_u16(k + 1);
		off = 3;
	}
	if (!elen || len <= off + elen)
		return BN_ERDATA;
	if (elen > RSA_MAX_EXP || (len - off - elen) * 8 > RSA_MAX_BITS ||
	    (len - off - elen) * 8 < RSA_MIN_BITS)
		return DNSSEC_UNSUPPORTED;
	e = BN_bin2bn(k + off, (int)elen, NULL);
	n = BN_bin2bn(k + off + elen, (int)(len - off - elen), NULL);
	bld = OSSL_PARAM_BLD_new();
	if (e && n && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		params = OSSL_PARAM_BLD_to_param(bld);
	if (params)
		ret = from_params(out, "RSA", params);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return ret;
}

static int ec_load(EVP_PKEY **out, uint8_t alg, const uint8_t *k,
		   size_t len)
{
	char p256[] = "P-256", p384[] = "P-384";
	uint8_t point[1 + 96];
	size_t want = alg == DNSSEC_ECDSAP256SHA256 ? 64 : 96;
	OSSL_PARAM params[3];

	if (len != want)
		return BN_ERDATA;
	point[0] = 0x04;        /* uncompressed: x and y follow */
	memcpy(point + 1, k, len);
	params[0] = OSSL_PARAM_construct_utf8_string(
		OSSL_PKEY_PARAM_GROUP_NAME, want == 64 ? p256 : p384, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      point, len + 1);
	params[2] = OSSL_PARAM_construct_end();
	return from_params(out, "EC", params);
}

static int ed_load(EVP_PKEY **out, uint8_t alg, const uint8_t *k,
		   size_t len)
{
	int type = alg == DNSSEC_ED25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448;

	if (len != (alg == DNSSEC_ED25519 ? 32u : 57u))
		return BN_ERDATA;
	*out = EVP_PKEY_new_raw_public_key(type, NULL, k, len);
	return *out ? 0 : BN_ERDATA;
}

int dnskey_load(EVP_PKEY **out, const uint8_t *rd, size_t len)
{
	uint8_t alg;

	*out = NULL;
	if (len < 4)
		return BN_ERDATA;
	alg = rd[3];
	switch (alg) {
	case DNSSEC_RSASHA256: case DNSSEC_RSASHA512:
		return rsa_load(out, rd + 4, len - 4);
	case DNSSEC_ECDSAP256SHA256: case DNSSEC_ECDSAP384SHA384:
		return ec_load(out, alg, rd + 4, len - 4);
	case DNSSEC_ED25519: case DNSSEC_ED448:
		return ed_load(out, alg, rd + 4, len - 4);
	}
	return DNSSEC_UNSUPPORTED;
}
