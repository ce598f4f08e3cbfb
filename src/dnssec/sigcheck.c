/* The signature itself: OpenSSL's EVP_DigestVerify over the signed data,
 * after the wire form of ECDSA signatures (r | s, RFC 6605 4) is turned
 * into the DER SEQUENCE OpenSSL reads. Also the result names. */
#include <openssl/err.h>
#include <string.h>

#include "base/error.h"
#include "dnssec/dnssec.h"
#include "dnssec/dnssec_int.h"

/* One INTEGER of n octets: leading zeros dropped, a zero added when the
 * top bit is set (DER integers are signed). */
static size_t der_int(uint8_t *out, const uint8_t *v, size_t n)
{
	size_t skip = 0, len;

	while (skip + 1 < n && !v[skip])
		skip++;
	len = n - skip + (v[skip] & 0x80 ? 1 : 0);
	out[0] = 0x02;
	out[1] = (uint8_t)len;
	out[2] = 0;
	memcpy(out + 2 + len - (n - skip), v + skip, n - skip);
	return 2 + len;
}

/* r | s (2n octets, n <= 48) as DER: at most 2 + 2 * (2 + 49) octets,
 * so every length fits one octet. */
static size_t ecdsa_der(uint8_t out[104], const uint8_t *sig, size_t n)
{
	size_t len = 2;

	len += der_int(out + len, sig, n);
	len += der_int(out + len, sig + n, n);
	out[0] = 0x30;
	out[1] = (uint8_t)(len - 2);
	return len;
}

static const EVP_MD *alg_md(uint8_t alg)
{
	switch (alg) {
	case DNSSEC_RSASHA256: case DNSSEC_ECDSAP256SHA256:
		return EVP_sha256();
	case DNSSEC_RSASHA512:
		return EVP_sha512();
	case DNSSEC_ECDSAP384SHA384:
		return EVP_sha384();
	}
	return NULL;            /* EdDSA hashes inside */
}

/* The signature length the algorithm fixes; 0 for RSA (the modulus'). */
static size_t alg_siglen(uint8_t alg)
{
	switch (alg) {
	case DNSSEC_ECDSAP256SHA256: return 64;
	case DNSSEC_ECDSAP384SHA384: return 96;
	case DNSSEC_ED25519: return 64;
	case DNSSEC_ED448: return 114;
	}
	return 0;
}

int dnssec_sig_check(uint8_t alg, EVP_PKEY *key, const uint8_t *data,
		     size_t len, const uint8_t *sig, size_t siglen)
{
	uint8_t der[104];
	size_t want = alg_siglen(alg);
	EVP_MD_CTX *ctx;
	int ok;

	if (want && siglen != want)
		return DNSSEC_BOGUS;
	if (alg == DNSSEC_ECDSAP256SHA256 || alg == DNSSEC_ECDSAP384SHA384) {
		siglen = ecdsa_der(der, sig, siglen / 2);
		sig = der;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return BN_ENOMEM;
	ok = EVP_DigestVerifyInit(ctx, NULL, alg_md(alg), NULL, key) == 1 &&
	     EVP_DigestVerify(ctx, sig, siglen, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	/* A failed check leaves errors queued on this thread: they say
	 * nothing the result does not. */
	ERR_clear_error();
	return ok ? DNSSEC_SECURE : DNSSEC_BOGUS;
}

const char *dnssec_result_str(int result)
{
	static const char *const text[] = {
		[DNSSEC_SECURE] = "secure",
		[DNSSEC_UNSUPPORTED] = "unsupported algorithm",
		[DNSSEC_UNSUPPORTED_DIGEST] = "unsupported DS digest type",
		[DNSSEC_BOGUS] = "bad signature",
		[DNSSEC_EXPIRED] = "signature expired",
		[DNSSEC_NOT_YET_VALID] = "signature not yet valid",
		[DNSSEC_NO_KEY] = "no matching DNSKEY",
		[DNSSEC_NO_RRSIG] = "no RRSIG",
		[DNSSEC_MALFORMED] = "RRSIG does not fit the RRset",
		[DNSSEC_BUDGET] = "validation limit reached",
		[DNSSEC_NO_PROOF] = "no proof of non-existence",
		[DNSSEC_OPT_OUT] = "in an NSEC3 opt-out span",
		[DNSSEC_UNSIGNED_CUT] = "under a delegation without DS",
		[DNSSEC_NSEC3_ITERATIONS] = "NSEC3 iterations over the limit",
		[DNSSEC_NSEC3_UNSUPPORTED] = "unsupported NSEC3 hash algorithm",
		[DNSSEC_NO_CUT] = "no DS, no delegation",
	};

	if (result < 0 || result > DNSSEC_NO_CUT)
		return bn_strerror(result < 0 ? result : BN_EINVAL);
	return text[result];
}

bool dnssec_result_insecure(int result)
{
	switch (result) {
	case DNSSEC_UNSUPPORTED:
	case DNSSEC_UNSUPPORTED_DIGEST:
	case DNSSEC_OPT_OUT:
	case DNSSEC_UNSIGNED_CUT:
	case DNSSEC_NSEC3_ITERATIONS:
	case DNSSEC_NSEC3_UNSUPPORTED:
		return true;
	}
	return false;
}

int dnssec_result_ede(int result)
{
	switch (result) {
	case DNSSEC_SECURE: return -1;
	case DNSSEC_UNSUPPORTED: return 1;
	case DNSSEC_UNSUPPORTED_DIGEST: return 2;
	case DNSSEC_EXPIRED: return 7;
	case DNSSEC_NOT_YET_VALID: return 8;
	case DNSSEC_NO_KEY: return 9;
	case DNSSEC_NO_RRSIG: return 10;
	case DNSSEC_NO_PROOF: return 12;
	case DNSSEC_NSEC3_ITERATIONS: return 27;
	case DNSSEC_OPT_OUT:
	case DNSSEC_UNSIGNED_CUT:
	case DNSSEC_NSEC3_UNSUPPORTED:
	case DNSSEC_NO_CUT: return -1;
	}
	return 6;               /* DNSSEC Bogus: bad signature, malformed,
				 * the limits */
}
