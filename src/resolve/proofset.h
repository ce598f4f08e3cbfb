/* Sets packed for a negative answer (doc/design/dnssec-validation.md):
 * the NSEC/NSEC3 sets proving it, each with its RRSIGs, kept after the
 * SOA's RRSIGs in a negative cache entry and in the validation phase.
 * Each set is one item of the RDATA layout (u16 length, octets), so the
 * whole is a valid item sequence: owner (wire form), u16 type, u16
 * class, u32 TTL, u16 count, u16 nsigs, u16 RDATA octets, the RDATA
 * items, then the RRSIG items. */
#ifndef BANCHI_RESOLVE_PROOFSET_H
#define BANCHI_RESOLVE_PROOFSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolve/rrset.h"

#define PROOFSET_MAX 16         /* sets read from one pack at most */

/* Appends s (and its RRSIGs) to buf (len octets used, cap): 0, or
 * BN_ENOSPC (buf unchanged). */
int proofset_put(uint8_t *buf, size_t cap, size_t *len,
		 const struct rrset *s);

/* The set at *pos of the pack (len octets) into out (pointers into
 * buf), *pos moved past it: 1, 0 at the end, BN_ERDATA when malformed. */
int proofset_next(const uint8_t *buf, size_t len, size_t *pos,
		  struct rrset *out);

/* The octets of s's own RRSIGs (nsigs items): a negative entry's pack
 * follows them in its RRSIG area. */
uint32_t proofset_sigs_own(const struct rrset *s);

#endif
