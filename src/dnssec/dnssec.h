/* DNSSEC verification (RFC 4034, 4035, 6840): the signed data of an
 * RRSIG over an RRset in canonical form, key tags, RRSIG checks and
 * signatures verified with OpenSSL libcrypto, DS digests. Pure: no I/O,
 * no globals, time is an argument; the caller's budget bounds the
 * signature verifications any call may do (KeyTrap, CVE-2023-50387). */
#ifndef BANCHI_DNSSEC_DNSSEC_H
#define BANCHI_DNSSEC_DNSSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* DNSKEY/RRSIG algorithms (RFC 8624 numbers); the ones verified here. */
enum {
	DNSSEC_RSASHA256 = 8,
	DNSSEC_RSASHA512 = 10,
	DNSSEC_ECDSAP256SHA256 = 13,
	DNSSEC_ECDSAP384SHA384 = 14,
	DNSSEC_ED25519 = 15,
	DNSSEC_ED448 = 16,
};

/* DS digest types. */
enum { DNSSEC_DS_SHA1 = 1, DNSSEC_DS_SHA256 = 2, DNSSEC_DS_SHA384 = 4 };

#define DNSKEY_FLAG_ZONE 0x0100         /* RFC 4034 2.1.1 */
#define DNSKEY_FLAG_REVOKE 0x0080       /* RFC 5011 3 */
#define DNSKEY_FLAG_SEP 0x0001
#define DNSSEC_DIGEST_MAX 64            /* SHA-512, the longest */

/* What a verification found; the resolver maps each to an Extended DNS
 * Error (dnssec_result_ede). Results are >= 0; functions may also
 * return a negative BN_ code (BN_ENOMEM) for their own failures. */
enum dnssec_result {
	DNSSEC_SECURE = 0,
	/* The algorithm is not one implemented here: the data is insecure,
	 * not bogus (RFC 6840 5.2). */
	DNSSEC_UNSUPPORTED,
	/* DS: no DS of a digest type implemented here (insecure too). */
	DNSSEC_UNSUPPORTED_DIGEST,
	DNSSEC_BOGUS,           /* signature or DS digest does not match */
	DNSSEC_EXPIRED,         /* now after the RRSIG's expiration */
	DNSSEC_NOT_YET_VALID,   /* now before its inception */
	DNSSEC_NO_KEY,          /* no DNSKEY of the signer, tag, algorithm
				 * (for a DS set: no DNSKEY a DS names) */
	DNSSEC_NO_RRSIG,        /* no RRSIG covers the RRset */
	DNSSEC_MALFORMED,       /* RRSIG fields that cannot be right for the
				 * RRset: labels, signer, owner, dates */
	DNSSEC_BUDGET,          /* a limit was reached: bogus, in bounded
				 * time */
	/* Denial of existence (denial.h): */
	DNSSEC_NO_PROOF,        /* the NSEC/NSEC3 records do not prove the
				 * denial: bogus */
	DNSSEC_OPT_OUT,         /* the name is in an NSEC3 opt-out span
				 * (RFC 5155 6, 9.2): insecure */
	DNSSEC_UNSIGNED_CUT,    /* the name is at or under a delegation
				 * without DS: insecure */
	DNSSEC_NSEC3_ITERATIONS,/* NSEC3 of more iterations than validated
				 * (RFC 9276 3.2): insecure */
	DNSSEC_NSEC3_UNSUPPORTED, /* only NSEC3 of hash algorithms not
				 * implemented (RFC 5155 8.1): insecure */
	DNSSEC_NO_CUT,          /* DS query: no DS proven, and no delegation
				 * at the name (an empty non-terminal, a name
				 * without NS): no zone cut there */
};

/* Whether a result leaves the data insecure (given, without AD), not
 * bogus: an algorithm or digest not implemented, an opt-out span, a
 * delegation without DS, NSEC3 over the iteration limit or of an
 * unknown hash. */
bool dnssec_result_insecure(int result);

/* Text for logs: "secure", "signature expired", ... Never NULL. */
const char *dnssec_result_str(int result);

/* The Extended DNS Error (RFC 8914) of a failed result: 1 Unsupported
 * DNSKEY Algorithm, 2 Unsupported DS Digest Type, 6 DNSSEC Bogus, 7
 * Signature Expired, 8 Signature Not Yet Valid, 9 DNSKEY Missing, 10
 * RRSIGs Missing, 12 NSEC Missing (DNSSEC_NO_PROOF), 27 Unsupported
 * NSEC3 Iterations Value (RFC 9276); -1 for DNSSEC_SECURE and the
 * results that need none (DNSSEC_OPT_OUT, DNSSEC_UNSIGNED_CUT,
 * DNSSEC_NSEC3_UNSUPPORTED, DNSSEC_NO_CUT). */
int dnssec_result_ede(int result);

/* Limits on the work of verification, passed to every call that may
 * verify a signature and counted down by it; one budget may span many
 * calls (a client query). A limit reached makes the result
 * DNSSEC_BUDGET, at once and for the rest of that budget's calls. */
struct dnssec_budget {
	unsigned verify_left;   /* signature verifications still allowed */
	unsigned tag_keys_max;  /* DNSKEYs tried for one RRSIG (key tag
				 * collisions) */
	unsigned rrsigs_max;    /* RRSIGs tried for one RRset */
	unsigned verified;      /* verifications done (statistics) */
	unsigned stopped;       /* times a limit stopped the work */
	unsigned hash_left;     /* NSEC3 hashes still allowed (CVE-2023-50868:
				 * each costs its iterations + 1 SHA-1) */
	unsigned hashed;        /* NSEC3 hashes done (statistics) */
};

#define DNSSEC_VERIFY_MAX 32    /* per budget (dnssec_budget_init) */
#define DNSSEC_HASH_MAX 64      /* NSEC3 hashes per budget */
#define DNSSEC_TAG_KEYS_MAX 4
#define DNSSEC_RRSIGS_MAX 8

/* The limits above, counters zero. */
void dnssec_budget_init(struct dnssec_budget *b);

/* An RRset as the resolver holds it: RDATA in stored form (names
 * uncompressed, any case) as count items, each a 2-octet big-endian
 * length and that many octets (resolve/rrset.h's layout). */
struct dnssec_rrset {
	const uint8_t *owner;   /* wire form, any case */
	uint16_t type, rclass;
	uint16_t count;
	const uint8_t *rdata;
	size_t rdata_len;
};

/* Item i of a set (0 <= i < count): its RDATA and length. 0, or
 * BN_ERDATA when the items overrun rdata_len. Linear in i. */
int dnssec_rrset_item(const struct dnssec_rrset *s, unsigned i,
		      const uint8_t **rd, uint16_t *len);

/* An RRSIG's RDATA read (RFC 4034 3.1); pointers into that RDATA. */
struct dnssec_rrsig {
	uint16_t covered;
	uint8_t alg, labels;
	uint32_t orig_ttl, expiration, inception;
	uint16_t key_tag;
	const uint8_t *signer;          /* uncompressed wire name */
	const uint8_t *sig;
	size_t siglen;
	const uint8_t *rdata;           /* the RDATA; its first head_len */
	size_t head_len;                /* octets are signed, sig excluded */
};

/* 0, or BN_ERDATA when rd is not RRSIG RDATA (short, bad signer name,
 * empty signature). */
int dnssec_rrsig_parse(struct dnssec_rrsig *s, const uint8_t *rd,
		       size_t len);

/* The data an RRSIG signs (RFC 4034 3.1.8.1): its RDATA without the
 * signature, signer lowercased, then each RR of set in canonical form
 * (6.2: owner and, for the types listed, RDATA names lowercased; the
 * RRSIG's original TTL; owner "*." + its rightmost labels when the
 * RRSIG's labels are fewer, a wildcard expansion) in canonical order
 * (6.3), duplicates once. Written to out (cap octets); returns the
 * length, or BN_ENOSPC (dnssec_signed_size octets always do),
 * BN_EINVAL (labels more than the owner's), BN_ERDATA, BN_ENOMEM. */
int dnssec_signed_data(uint8_t *out, size_t cap,
		       const struct dnssec_rrsig *s,
		       const struct dnssec_rrset *set);
size_t dnssec_signed_size(const struct dnssec_rrsig *s,
			  const struct dnssec_rrset *set);

/* The key tag of DNSKEY RDATA (RFC 4034 appendix B, algorithm 1's own
 * rule included). 0 for RDATA shorter than 4 octets. */
uint16_t dnssec_key_tag(const uint8_t *rd, size_t len);

/* Whether signatures of this algorithm are verified here. */
bool dnssec_alg_supported(uint8_t alg);

/* The RRSIG time check of RFC 4034 3.1.5 with serial arithmetic (RFC
 * 1982) against now (seconds since the epoch, modulo 2^32):
 * DNSSEC_SECURE (within), DNSSEC_EXPIRED, DNSSEC_NOT_YET_VALID, or
 * DNSSEC_MALFORMED (expiration before inception). */
int dnssec_check_time(const struct dnssec_rrsig *s, uint32_t now);

/* One RRSIG (RDATA sig_rd) over set against one DNSKEY (RDATA key_rd,
 * owned by zone), with every check of RFC 4035 5.3.1 before the
 * signature: type covered, labels, signer == zone, owner at or under
 * it, algorithm, key tag, zone key flag and protocol, time. One
 * verification is counted against b (DNSSEC_BUDGET when none is left).
 * A DNSSEC_ result, or BN_ENOMEM. */
int dnssec_verify_one(const struct dnssec_rrset *set, const uint8_t *sig_rd,
		      size_t sig_len, const uint8_t *zone,
		      const uint8_t *key_rd, size_t key_len, uint32_t now,
		      struct dnssec_budget *b);

/* What dnssec_verify_rrset found: the result, and for DNSSEC_SECURE the
 * RRSIG that verified (the resolver caps the TTL with its original TTL
 * and expiration; labels below the owner's mean a wildcard expansion,
 * whose proof of no closer name RFC 4035 5.3.4 asks for). */
struct dnssec_verdict {
	int result;
	uint8_t alg, labels;
	uint16_t key_tag;
	uint32_t orig_ttl, expiration;
};

/* The TTL a verified set may be cached and given with (RFC 4035 5.3.3):
 * ttl as received, at most the RRSIG's original TTL and the seconds
 * left until its expiration (serial arithmetic against now). */
uint32_t dnssec_ttl(const struct dnssec_verdict *v, uint32_t ttl,
		    uint32_t now);

/* set against the RRSIGs in sigs (those covering set's type; others are
 * skipped) and the DNSKEY set keys (owner: the zone). Secure when one
 * RRSIG verifies with one key (RFC 6840 5.11: any algorithm will do);
 * otherwise the most telling failure, in this order: budget, bogus,
 * expired, not yet valid, no key, malformed, unsupported (every RRSIG of
 * an algorithm not implemented: insecure), no RRSIG. Tries at most
 * b->rrsigs_max RRSIGs and b->tag_keys_max keys for each. v may be NULL.
 * A DNSSEC_ result, or BN_ENOMEM. */
int dnssec_verify_rrset(const struct dnssec_rrset *set,
			const struct dnssec_rrset *sigs,
			const struct dnssec_rrset *keys, uint32_t now,
			struct dnssec_budget *b, struct dnssec_verdict *v);

/* Whether the revoked DNSKEY key_rd (REVOKE bit set, RFC 5011 3) signs
 * the DNSKEY set keys itself (RRSIGs in sigs): what makes a revocation
 * count (RFC 5011 2.1). DNSSEC_SECURE, DNSSEC_NO_KEY (not a revoked
 * zone key), or the last failure; b counts the verifications. */
int dnssec_verify_revoked(const struct dnssec_rrset *keys,
			  const struct dnssec_rrset *sigs,
			  const uint8_t *key_rd, size_t key_len, uint32_t now,
			  struct dnssec_budget *b);

/* The DS digest of a DNSKEY (RFC 4034 5.1.4, RFC 4509, RFC 6605):
 * H(owner lowercased | DNSKEY RDATA) into out (DNSSEC_DIGEST_MAX
 * octets). Its length, or BN_EINVAL for a digest type not implemented
 * (1, 2 and 4 are). */
int dnssec_ds_digest(uint8_t *out, uint8_t digest_type,
		     const uint8_t *owner, const uint8_t *key_rd,
		     size_t key_len);

/* Whether DS RDATA names the DNSKEY (key tag, algorithm, digest):
 * DNSSEC_SECURE, DNSSEC_BOGUS, DNSSEC_UNSUPPORTED_DIGEST, or BN_ERDATA
 * for malformed DS RDATA. */
int dnssec_ds_match(const uint8_t *ds_rd, size_t ds_len,
		    const uint8_t *owner, const uint8_t *key_rd,
		    size_t key_len);

/* The digest type to use from a DS set: the highest-numbered one
 * implemented here among the DS whose algorithm is implemented too, so
 * that SHA-1 counts only where no SHA-256 or SHA-384 DS is (RFC 4509 3,
 * as Unbound does: one digest type, the others ignored). 0 when no DS
 * is usable (the zone is insecure: RFC 6840 5.2). */
int dnssec_ds_favorite(const struct dnssec_rrset *ds);

/* The DNSKEY set keys (owner: the zone) proven by the parent's DS set
 * ds: a DS of the favourite digest type names a key of keys that
 * signs keys (RFC 4035 5.2). DNSSEC_SECURE; DNSSEC_UNSUPPORTED or
 * DNSSEC_UNSUPPORTED_DIGEST (no usable DS: insecure); DNSSEC_NO_KEY (no
 * key matches a usable DS); otherwise the failure of the signatures
 * (dnssec_verify_rrset's order). At most b->tag_keys_max keys whose
 * digest does not match are hashed per DS. v may be NULL. */
int dnssec_verify_dnskeys(const struct dnssec_rrset *keys,
			  const struct dnssec_rrset *sigs,
			  const struct dnssec_rrset *ds, uint32_t now,
			  struct dnssec_budget *b, struct dnssec_verdict *v);

#endif
