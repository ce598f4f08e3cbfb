/* TSIG (RFC 8945): keys, the TSIG record, MACs over messages, the checks
 * a server makes on a signed request, and the signing of one message or
 * a sequence of them (AXFR/IXFR, RFC 8945 5.3.1) with its verification.
 * No I/O and no clock: callers pass the time. HMACs are OpenSSL's. Keys
 * and key rings are read-only once built, so threads share them. */
#ifndef BANCHI_WIRE_TSIG_H
#define BANCHI_WIRE_TSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/name.h"

#define TSIG_MAC_MAX 64         /* hmac-sha512 */
#define TSIG_SECRET_MAX 512     /* octets of a configured secret */
#define TSIG_FUDGE 300          /* seconds, what we put in Fudge */
#define TSIG_UNSIGNED_MAX 99    /* unsigned messages between signed ones */
#define TSIG_OTHER_TIME 6       /* Other Data of BADTIME: 48-bit time */

enum tsig_alg {
	TSIG_ALG_MD5, TSIG_ALG_SHA1, TSIG_ALG_SHA224, TSIG_ALG_SHA256,
	TSIG_ALG_SHA384, TSIG_ALG_SHA512, TSIG_ALG_COUNT,
	TSIG_ALG_NONE = -1
};

/* The TSIG record's Error field (RFC 8945 3). */
enum { TSIG_ERR_NONE = 0, TSIG_ERR_BADSIG = 16, TSIG_ERR_BADKEY = 17,
       TSIG_ERR_BADTIME = 18, TSIG_ERR_BADTRUNC = 22 };

/* "hmac-sha256"; wire names ("hmac-md5.sig-alg.reg.int."); MAC length. */
const char *tsig_alg_text(enum tsig_alg a);
const uint8_t *tsig_alg_wire(enum tsig_alg a);
size_t tsig_alg_mac_len(enum tsig_alg a);
/* By name, case-insensitive, trailing dot optional; BIND's truncated
 * forms "hmac-sha256-128" give *bits (else 0). TSIG_ALG_NONE if
 * unknown or the bits out of range (RFC 8945 5.2.2.1). */
enum tsig_alg tsig_alg_from_text(const char *s, size_t len, unsigned *bits);
enum tsig_alg tsig_alg_from_wire(const uint8_t *name);

/* A key as configured: plain data, copied freely (secret included: wipe
 * it with tsig_spec_wipe when done). */
struct tsig_key_spec {
	uint8_t name[NAME_MAXLEN];      /* lowercase wire form */
	enum tsig_alg alg;
	uint16_t mac_bits;              /* shortest MAC accepted; 0: all */
	uint16_t secret_len;
	uint8_t secret[TSIG_SECRET_MAX];
};

/* Fills s from its parts (name and algorithm as text, secret in
 * base64, spaces allowed). 0, or -1 with a message in err that never
 * quotes the secret. alg NULL or "" is hmac-sha256. */
int tsig_spec_set(struct tsig_key_spec *s, const char *name,
		  const char *alg, const char *secret64, char *err,
		  size_t cap);
/* "[ALG:]NAME:SECRET" (kdig -y, nsupdate -y); as tsig_spec_set. */
int tsig_spec_parse(struct tsig_key_spec *s, const char *text, char *err,
		    size_t cap);
bool tsig_spec_same(const struct tsig_key_spec *a,
		    const struct tsig_key_spec *b);
void tsig_spec_wipe(struct tsig_key_spec *s);

/* A usable key: the HMAC keyed once (ctx is OpenSSL's EVP_MAC_CTX,
 * copied for each message, never changed after tsig_key_init). */
struct tsig_key {
	uint8_t name[NAME_MAXLEN];      /* lowercase wire form */
	enum tsig_alg alg;
	uint16_t mac_len;               /* full MAC length */
	uint16_t min_mac;               /* shorter ones: BADTRUNC */
	void *ctx;
};

/* 0, BN_EINVAL (no such algorithm in this libcrypto), BN_ENOMEM. */
int tsig_key_init(struct tsig_key *k, const struct tsig_key_spec *s);
/* An independent copy (its own HMAC context): for a user that outlives
 * the key ring (a transfer). 0 or BN_ENOMEM. */
int tsig_key_copy(struct tsig_key *dst, const struct tsig_key *src);
void tsig_key_clear(struct tsig_key *k);

/* Keys by name, sorted for binary search. */
struct tsig_keyring {
	struct tsig_key *key;
	size_t n;
};

/* Adds s: 0, BN_EINVAL (a key of that name is there already, or the
 * algorithm is missing from libcrypto), BN_ENOMEM. */
int tsig_keyring_add(struct tsig_keyring *kr, const struct tsig_key_spec *s);
/* The key called name (case-insensitive), or NULL. kr may be NULL. */
const struct tsig_key *tsig_keyring_find(const struct tsig_keyring *kr,
					 const uint8_t *name);
void tsig_keyring_clear(struct tsig_keyring *kr);

/* A TSIG record as read from a message; pointers into the packet. */
struct tsig_rr {
	size_t off;                     /* where the record starts */
	uint8_t owner[NAME_MAXLEN];     /* the key name as written */
	uint8_t alg_name[NAME_MAXLEN];
	enum tsig_alg alg;              /* TSIG_ALG_NONE: not one we know */
	uint64_t time;                  /* Time Signed, 48 bits */
	uint16_t fudge;
	uint16_t mac_len;
	const uint8_t *mac;
	uint16_t orig_id, error, other_len;
	const uint8_t *other;
};

/* Reads the record at off, which must be the last of pkt (len octets)
 * and a TSIG: class ANY, TTL 0, an uncompressed algorithm name, RDATA
 * exactly as long as its fields. 0 or BN_ERDATA / BN_ETRUNC / names'
 * errors. */
int tsig_rr_parse(struct tsig_rr *t, const uint8_t *pkt, size_t len,
		  size_t off);

/* What a check found. Key, MAC, time and truncation errors make a
 * server answer NOTAUTH with that TSIG error; a MAC of a size RFC 8945
 * 5.2.2.1 forbids FORMERR with BADSIG in the TSIG (as BIND does); an
 * unreadable TSIG FORMERR without one. */
enum tsig_status {
	TSIG_OK = 0,
	TSIG_UNKNOWN_KEY,               /* BADKEY: no key of that name */
	TSIG_WRONG_ALG,                 /* BADKEY: the key's is another */
	TSIG_BAD_MAC,                   /* BADSIG */
	TSIG_NO_MAC,                    /* BADSIG: MAC size 0 */
	TSIG_BAD_TIME,                  /* BADTIME */
	TSIG_BAD_TRUNC,                 /* BADTRUNC: shorter than min_mac */
	TSIG_MALFORMED,                 /* FORMERR: unreadable record */
	TSIG_MAC_SIZE,                  /* FORMERR: 5.2.2.1 size rules */
	TSIG_INTERNAL,                  /* libcrypto failed (SERVFAIL) */
	/* only when verifying responses (tsig_verifier) */
	TSIG_UNSIGNED,                  /* fine so far, but not signed */
	TSIG_MISSING,                   /* unsigned where a MAC must be */
	TSIG_OTHER_KEY,                 /* not the request's key or alg */
	TSIG_ERROR_SET,                 /* the peer's TSIG says an error */
};

/* The error field (TSIG_ERR_*) and DNS rcode a server answers with. */
uint16_t tsig_status_error(enum tsig_status s);
uint16_t tsig_status_rcode(enum tsig_status s);
/* Whether a server signs its answer for this outcome (RFC 8945 5.3.2:
 * yes after the MAC verified, no for key and MAC errors). */
bool tsig_status_signed(enum tsig_status s);

/* A server's check of one signed request (RFC 8945 5.2, in its order:
 * key, MAC, time, truncation). */
struct tsig_check {
	enum tsig_status status;
	struct tsig_rr rr;
	const struct tsig_key *key;     /* found by name, else NULL */
	uint64_t now;
	int64_t skew;                   /* now - Time Signed */
};

/* Checks the TSIG at tsig_off (the last record) of pkt at time now
 * (seconds since 1970). Fills c; returns c->status. */
enum tsig_status tsig_verify_request(struct tsig_check *c,
				     const struct tsig_keyring *kr,
				     const uint8_t *pkt, size_t len,
				     size_t tsig_off, uint64_t now);

/* c in an operator's words, without the secret: "unknown key name
 * 'foo.'", "key 'k.': clock off by 421 s (fudge 300, client behind)".
 * Returns buf. */
const char *tsig_check_text(const struct tsig_check *c, char *buf,
			    size_t cap);
/* A status alone: "MAC wrong (the secret differs?)". */
const char *tsig_status_text(enum tsig_status s);

/* Signs one message, or a sequence of them on one stream: the first
 * with the full TSIG variables (and the request's MAC, for a response),
 * each further one over the prior MAC, the messages left unsigned since
 * and its own timers (RFC 8945 4.3 and 5.3.1). */
struct tsig_signer {
	const struct tsig_key *key;
	uint16_t fudge;
	uint16_t error;                 /* TSIG_ERR_*: BADTIME, BADTRUNC */
	uint16_t other_len;
	uint8_t other[TSIG_OTHER_TIME];
	uint8_t prior[TSIG_MAC_MAX];    /* request MAC, then our last */
	uint16_t prior_len;
	bool has_prior;
	unsigned nsigned;
	unsigned nskipped;
	void *run;                      /* digest of skipped messages */
};

/* For a request: req_mac NULL. For a response: the request's MAC as it
 * came (a truncated one too). */
void tsig_signer_init(struct tsig_signer *s, const struct tsig_key *k,
		      const uint8_t *req_mac, size_t req_mac_len);
/* BADTIME: the server's clock goes into Other Data. */
void tsig_signer_set_error(struct tsig_signer *s, uint16_t error,
			   uint64_t server_time);
/* Octets the TSIG record adds to a message (to keep them free). */
size_t tsig_signer_room(const struct tsig_signer *s);
/* Appends the TSIG record to the finished message msg (len octets, in a
 * buffer of cap) and counts it in ARCOUNT. time: Time Signed (the
 * server's clock; the request's for BADTIME). New length, or BN_ENOSPC
 * (msg unchanged), BN_EINVAL (libcrypto failed). */
int tsig_sign(struct tsig_signer *s, uint8_t *msg, size_t len, size_t cap,
	      uint64_t time);
/* A message of the sequence sent without TSIG: it goes into the next
 * MAC. BN_ERANGE after TSIG_UNSIGNED_MAX in a row, BN_EINVAL before
 * the first signed one. */
int tsig_sign_skip(struct tsig_signer *s, const uint8_t *msg, size_t len);
/* The MAC of the last signed message (a client keeps its request's). */
const uint8_t *tsig_signer_mac(const struct tsig_signer *s, size_t *len);
void tsig_signer_clear(struct tsig_signer *s);

/* Appends the unsigned TSIG of a key or MAC error (BADKEY, BADSIG):
 * the request's key and algorithm names, MAC size 0, our fudge, the
 * Original ID from msg. time: Time Signed (BIND puts its clock there,
 * Knot the request's). New length or BN_ENOSPC. */
int tsig_append_unsigned(uint8_t *msg, size_t len, size_t cap,
			 const struct tsig_rr *req, uint16_t error,
			 uint64_t time);

/* A client's check of the answers to its signed request: every signed
 * message verified, at most TSIG_UNSIGNED_MAX unsigned in a row, the
 * first and the last signed (RFC 8945 5.3.1, 5.4). */
struct tsig_verifier {
	const struct tsig_key *key;
	uint8_t prior[TSIG_MAC_MAX];
	uint16_t prior_len;
	unsigned nverified;
	unsigned nskipped;
	void *run;
	struct tsig_rr rr;              /* of the last signed message */
	int64_t skew;
};

void tsig_verifier_init(struct tsig_verifier *v, const struct tsig_key *k,
			const uint8_t *req_mac, size_t req_mac_len);
/* One message of the answer, in order. TSIG_OK (signed, verified),
 * TSIG_UNSIGNED (accepted for now), or the failure: TSIG_MISSING,
 * TSIG_MALFORMED, TSIG_MAC_SIZE, TSIG_OTHER_KEY, TSIG_BAD_MAC,
 * TSIG_BAD_TIME, TSIG_ERROR_SET (an unsigned BADKEY/BADSIG answer, or
 * a signed one with an error: see v->rr.error). */
enum tsig_status tsig_verify_msg(struct tsig_verifier *v,
				 const uint8_t *pkt, size_t len,
				 uint64_t now);
/* After the last message: TSIG_OK, or TSIG_MISSING if it was unsigned. */
enum tsig_status tsig_verify_end(const struct tsig_verifier *v);
void tsig_verifier_clear(struct tsig_verifier *v);

#endif
