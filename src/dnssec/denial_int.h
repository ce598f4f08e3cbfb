/* Inside the denial proofs (denial.c, nsec.c, nsec3_proof.c): the
 * records of a proof read once, type bitmaps, names by their labels. */
#ifndef BANCHI_DNSSEC_DENIAL_INT_H
#define BANCHI_DNSSEC_DENIAL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnssec/denial.h"
#include "dnssec/nsec3.h"
#include "wire/name.h"

/* One NSEC or NSEC3 record, pointers into the caller's sets. */
struct denial_rec {
	const uint8_t *owner;
	const uint8_t *next;            /* NSEC: the next owner name */
	const uint8_t *types;           /* the type bitmap */
	size_t types_len;
	uint8_t flags;                  /* NSEC3 */
	uint8_t hash[NSEC3_HASH_LEN];   /* NSEC3: the owner's hash */
	uint8_t next_hash[NSEC3_HASH_LEN];
};

/* The work of one call. */
struct denial {
	const struct dnssec_denial *d;
	struct dnssec_budget *b;
	int qlabels, zlabels;
	struct nsec3_param p;           /* NSEC3: the parameters used */
	unsigned n;
	struct denial_rec rec[DNSSEC_DENIAL_RECORDS_MAX];
	/* NSEC3: hashes of qname's suffixes, by labels, each made once */
	bool have[NAME_MAXLABELS + 1];
	uint8_t qhash[NAME_MAXLABELS + 1][NSEC3_HASH_LEN];
};

/* Whether a record's bitmap lists type. */
bool denial_has_type(const struct denial_rec *r, uint16_t type);

/* The bitmap of a record at the name denied, for qtype (RFC 4035 5.4,
 * RFC 5155 8.5, 8.6, RFC 6840 4.4): DNSSEC_NO_PROOF when it lists qtype
 * or CNAME, or (DS) the SOA of a zone's apex but the root's; for DS
 * DNSSEC_SECURE at a delegation (NS), DNSSEC_NO_CUT elsewhere; for other
 * types, a delegation's parent side (NS, no SOA) is denial_cut's, and
 * anything else DNSSEC_SECURE. */
int denial_types(const struct denial_rec *r, uint16_t qtype);

/* A record at or above the name denied that shows a delegation (NS
 * without SOA) or a DNAME: what it leaves of the proof. 0 when it is
 * neither; DNSSEC_UNSIGNED_CUT for a delegation without DS (the name's
 * data is an unsigned child's); DNSSEC_NO_PROOF otherwise (a signed
 * child or a DNAME: the reply should have been a referral or the
 * DNAME). */
int denial_cut(const struct denial_rec *r);

/* The suffix of name of k labels (k <= its labels). */
const uint8_t *denial_suffix(const uint8_t *name, int k);

/* The labels a and b end in alike (case ignored). */
int denial_common(const uint8_t *a, const uint8_t *b);

/* "*." + ce into out; false when that is longer than a name can be (no
 * such wildcard can exist). */
bool denial_wildcard(uint8_t out[NAME_MAXLEN], const uint8_t *ce);

/* The proofs of each kind, on w filled by denial.c. The nodata ones
 * give DNSSEC_NO_CUT for a DS query proven without a delegation. */
int nsec_nxdomain(struct denial *w);
int nsec_nodata(struct denial *w, uint16_t qtype);
int nsec_wildcard(struct denial *w, int labels);
int nsec3_nxdomain(struct denial *w);
int nsec3_nodata(struct denial *w, uint16_t qtype);
int nsec3_wildcard(struct denial *w, int labels);

#endif
