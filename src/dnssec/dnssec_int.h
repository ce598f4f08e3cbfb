/* Inside src/dnssec: DNSKEY public keys as OpenSSL keys, and the one
 * signature check every verification ends in. */
#ifndef BANCHI_DNSSEC_DNSSEC_INT_H
#define BANCHI_DNSSEC_DNSSEC_INT_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "wire/buf.h"

/* The next item of a set's RDATA sequence (u16 length, octets) at r:
 * 0, or BN_ERDATA when it overruns. */
static inline int dnssec_next_item(struct rbuf *r, const uint8_t **rd,
				   uint16_t *len)
{
	if (rbuf_u16(r, len) < 0 || rbuf_left(r) < *len)
		return BN_ERDATA;
	*rd = r->base + r->pos;
	r->pos += *len;
	return 0;
}

/* DNSKEY RDATA (flags, protocol, algorithm, key) to a public key in
 * *out (EVP_PKEY_free it). 0; DNSSEC_UNSUPPORTED for an algorithm not
 * implemented or an RSA key outside what is accepted (modulus 512-4096
 * bits, exponent up to 64 bits: larger ones make each verification
 * costly at will); BN_ERDATA for a key that is not one (lengths, a
 * point off the curve); BN_ENOMEM. */
int dnskey_load(EVP_PKEY **out, const uint8_t *rd, size_t len);

/* sig (wire form, RFC 3110/5702, 6605, 8080) over data with key, of
 * algorithm alg: DNSSEC_SECURE or DNSSEC_BOGUS; BN_ENOMEM. */
int dnssec_sig_check(uint8_t alg, EVP_PKEY *key, const uint8_t *data,
		     size_t len, const uint8_t *sig, size_t siglen);

/* Of two failures (DNSSEC_ results >= 0), the one that tells more:
 * budget, bogus, expired, not yet valid, no key, malformed,
 * unsupported, no RRSIG. */
int dnssec_worse(int a, int b);

/* The failure of the keys (or DS) tried so far, worst, with that of one
 * more: DNSSEC_NO_KEY only while nothing else was found. */
int dnssec_merge(int worst, int ret);

#endif
