/* Trust anchors (RFC 4033 3, RFC 7958): the DS or DNSKEY records a
 * validator starts its chains of trust from, per zone: the IANA root
 * KSKs built in, or records in zone-file form (as Unbound's
 * trust-anchor-file; the caller reads the file). Built once, then read
 * only: safe to share between threads. */
#ifndef BANCHI_DNSSEC_ANCHOR_H
#define BANCHI_DNSSEC_ANCHOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnssec/dnssec.h"
#include "wire/name.h"

/* One zone's anchor: its DS records, its DNSKEY records, or both
 * (either set may be empty, not both). */
struct dnssec_anchor {
	uint8_t zone[NAME_MAXLEN];      /* lowercase */
	struct dnssec_rrset ds, dnskey; /* rdata in data */
	uint8_t *data;
};

struct dnssec_anchors {
	struct dnssec_anchor *a;
	size_t n;
};

/* The root's DS records as IANA publishes them (root-anchors.xml):
 * KSK-2017 (tag 20326) and KSK-2024 (tag 38696), both algorithm 8,
 * SHA-256. */
extern const char dnssec_root_anchors[];

/* Adds the DS and DNSKEY records of text (zone-file form, absolute
 * names or relative to the root, no $INCLUDE; other types ignored) to
 * as, records of one zone into one anchor. name is used in err ("NAME:
 * LINE: problem", 256 octets). 0; BN_ESYNTAX (err says where), BN_ENOTFOUND
 * (no DS or DNSKEY record in text), BN_ENOMEM; on error as is as before. */
int dnssec_anchors_add_text(struct dnssec_anchors *as, const char *text,
			    size_t len, const char *name, char *err);

/* The anchor of the closest zone at or above name (any case), or NULL. */
const struct dnssec_anchor *dnssec_anchors_find(const struct dnssec_anchors *as,
						const uint8_t *name);

/* Adds zone as insecure (Unbound's domain-insecure, a negative trust
 * anchor by configuration, RFC 7646): an anchor without DS or DNSKEY
 * records, so that data at and under zone (not under a closer anchor)
 * is insecure. 0 or BN_ENOMEM. */
int dnssec_anchors_add_insecure(struct dnssec_anchors *as,
				const uint8_t *zone);

/* Whether a (of dnssec_anchors_find) marks its zone insecure. */
static inline bool dnssec_anchor_insecure(const struct dnssec_anchor *a)
{
	return a->ds.count == 0 && a->dnskey.count == 0;
}

/* Frees what dnssec_anchors_add_text allocated; as is empty after. */
void dnssec_anchors_clear(struct dnssec_anchors *as);

/* The zone's DNSKEY set keys (with its RRSIGs sigs) proven by the
 * anchor: by its DS records as a parent's DS set would
 * (dnssec_verify_dnskeys), else signed by one of its DNSKEYs
 * (dnssec_verify_rrset with the anchor's keys). A DNSSEC_ result (an
 * anchor of algorithms or digests not implemented: unsupported, the
 * zone insecure), or BN_ENOMEM. */
int dnssec_anchor_verify_keys(const struct dnssec_anchor *a,
			      const struct dnssec_rrset *keys,
			      const struct dnssec_rrset *sigs, uint32_t now,
			      struct dnssec_budget *b,
			      struct dnssec_verdict *v);

#endif
