/* NSEC3 hashes: IH(0) = H(name || salt), IH(k) = H(IH(k - 1) || salt),
 * with OpenSSL's SHA-1 on a context on the stack (no allocation: this
 * runs on the query path for names that do not exist). */
#define OPENSSL_API_COMPAT 10101        /* SHA1_*: no EVP context to make */
#include <openssl/sha.h>
#include <string.h>

#include "base/encode.h"
#include "base/error.h"
#include "dnssec/nsec3.h"
#include "wire/name.h"

int nsec3_param_read(struct nsec3_param *p, const uint8_t *rd, size_t len)
{
	if (len < 5 || len < 5u + rd[4])
		return BN_ERDATA;
	p->alg = rd[0];
	p->flags = rd[1];
	p->iter = (uint16_t)(rd[2] << 8 | rd[3]);
	p->saltlen = rd[4];
	memcpy(p->salt, rd + 5, p->saltlen);
	return 0;
}

bool nsec3_param_match(const struct nsec3_param *p, const uint8_t *rd,
		       size_t len)
{
	return len >= 5u + p->saltlen && rd[0] == p->alg &&
	       (uint16_t)(rd[2] << 8 | rd[3]) == p->iter &&
	       rd[4] == p->saltlen && !memcmp(rd + 5, p->salt, p->saltlen);
}

int nsec3_hash(uint8_t out[NSEC3_HASH_LEN], const struct nsec3_param *p,
	       const uint8_t *name)
{
	uint8_t lc[NAME_MAXLEN];
	size_t len = name_length(name);
	SHA_CTX c;

	if (p->alg != NSEC3_SHA1)
		return BN_EINVAL;
	memcpy(lc, name, len);
	name_to_lower(lc);
	SHA1_Init(&c);
	SHA1_Update(&c, lc, len);
	SHA1_Update(&c, p->salt, p->saltlen);
	SHA1_Final(out, &c);
	for (unsigned k = 0; k < p->iter; k++) {
		SHA1_Init(&c);
		SHA1_Update(&c, out, NSEC3_HASH_LEN);
		SHA1_Update(&c, p->salt, p->saltlen);
		SHA1_Final(out, &c);
	}
	return 0;
}

int nsec3_owner_hash(uint8_t out[NSEC3_HASH_LEN], const uint8_t *owner)
{
	uint8_t buf[NSEC3_HASH_LEN + 8];

	if (owner[0] != 32 ||
	    base32hex_decode((const char *)owner + 1, 32, buf, sizeof(buf)) !=
		    NSEC3_HASH_LEN)
		return BN_ESYNTAX;
	memcpy(out, buf, NSEC3_HASH_LEN);
	return 0;
}
