/* Dynamic UPDATE (RFC 2136, RFC 3007's processing rules), the pure core:
 * from the zone being served and a parsed UPDATE message, an rcode and,
 * on NOERROR, the change the message makes, in IXFR's form. No I/O: the
 * daemon checks opcode, ACL and TSIG before, journals and publishes the
 * change and answers after. Where the RFC leaves room, BIND 9.18 is
 * followed; apply.c lists where (and where Knot 3.2 differs). */
#ifndef BANCHI_UPDATE_UPDATE_H
#define BANCHI_UPDATE_UPDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "wire/msg.h"
#include "zone/change.h"
#include "zone/zonedb.h"

enum update_section {
	UPDATE_SEC_NONE = 0,
	UPDATE_SEC_ZONE,
	UPDATE_SEC_PREREQ,
	UPDATE_SEC_UPDATE,
};

/* What to log. On an error, the record that failed and why, in words:
 * "prerequisite 2: www.example.com. A RRset exists (NXRRSET) failed: no
 * such RRset". On NOERROR, text names the first update record that was
 * ignored on purpose (CNAME conflict, last apex NS, old SOA serial...),
 * or is empty. */
struct update_info {
	char text[320];
	enum update_section section;
	unsigned index;         /* 1-based record within its section, or 0 */
	unsigned ignored;       /* update records ignored on purpose */
};

/* Applies UPDATE message m to zone z (the zone its zone section names;
 * the caller checked that much). Returns the RCODE: NOERROR, FORMERR,
 * NOTIMP (zone class not IN), NOTAUTH (zone name not z's), NOTZONE,
 * YXDOMAIN, YXRRSET, NXDOMAIN, NXRRSET, REFUSED (NSEC, NSEC3, RRSIG
 * but at the apex; an apex NS left without address: BIND's policy), or
 * SERVFAIL (out of memory). out must be zchange_init()ed and empty.
 *
 * On NOERROR out->soa_from is always the zone's SOA. If the message
 * changes something, out->soa_to is the new SOA (serial one after the
 * old, 0 skipped, unless the message set a later one itself) and
 * del/add list the net records removed and added, the SOA not among
 * them. If it changes nothing, out->soa_to.owner is NULL and ndel and
 * nadd are 0 (update_changed() false): nothing to publish. On an error
 * out holds nothing useful; zchange_clear() it either way. */
uint16_t update_apply(const struct zdb_zone *z, const struct msg *m,
		      struct zchange *out, struct update_info *info);

static inline bool update_changed(const struct zchange *c)
{
	return c->soa_to.owner != NULL;
}

#endif
