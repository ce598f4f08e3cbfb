/* NSEC3 hashing (RFC 5155 5) and the parameters that drive it, shared by
 * the authoritative side (proofs of non-existence) and, later, the
 * validator. Pure: no allocation, no I/O. */
#ifndef BANCHI_DNSSEC_NSEC3_H
#define BANCHI_DNSSEC_NSEC3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NSEC3_SHA1 1                    /* the one hash algorithm defined */
#define NSEC3_HASH_LEN 20               /* its digest length */
#define NSEC3_FLAG_OPTOUT 0x01

/* Hash algorithm, iterations and salt, as in NSEC3PARAM and NSEC3 RDATA
 * (both start with them: algorithm, flags, iterations, salt). */
struct nsec3_param {
	uint8_t alg;
	uint8_t flags;
	uint16_t iter;
	uint8_t saltlen;
	uint8_t salt[255];
};

/* Reads the leading fields of NSEC3PARAM or NSEC3 RDATA (len octets).
 * 0, or BN_ERDATA when they do not fit. */
int nsec3_param_read(struct nsec3_param *p, const uint8_t *rd, size_t len);

/* Whether NSEC3 RDATA (len octets) was made with the parameters p
 * (algorithm, iterations, salt; the flags are the record's own). */
bool nsec3_param_match(const struct nsec3_param *p, const uint8_t *rd,
		       size_t len);

/* The hash of a wire name (any case: it is lowercased, as RFC 5155 5
 * hashes the canonical form). 0, or BN_EINVAL for an algorithm other
 * than SHA-1. Cost: iterations + 1 SHA-1 runs. */
int nsec3_hash(uint8_t out[NSEC3_HASH_LEN], const struct nsec3_param *p,
	       const uint8_t *name);

/* The hash an NSEC3 owner name spells in its first label (base32hex, 32
 * characters for SHA-1). 0, or BN_ESYNTAX when the label is not one. */
int nsec3_owner_hash(uint8_t out[NSEC3_HASH_LEN], const uint8_t *owner);

#endif
