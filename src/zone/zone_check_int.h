/* Internal to the zone checks: the state and the reporting helpers that
 * zone_check.c and zone_check_dnssec.c share. Not for other modules. */
#ifndef BANCHI_ZONE_ZONE_CHECK_INT_H
#define BANCHI_ZONE_ZONE_CHECK_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "zone/zone.h"

struct zck {
	const struct zone *z;
	int errors;
	bool refuse;
	bool has_dname;                 /* some node owns a DNAME */
	bool origin_host;               /* the origin passes is_hostname */
};

/* "owner/TYPE: 'target' msg", counted by level. target may be NULL. */
void zck_report(struct zck *c, const struct zone_rr *rr,
		enum zone_level level, const char *msg, const uint8_t *name,
		const uint8_t *target, uint16_t type);

/* "owner/TYPE: what num". */
void zck_report_num(struct zck *c, const struct zone_rr *rr,
		    enum zone_level level, const char *what, int num);

/* The apex holds an RRSIG covering its SOA (the zone is signed). */
bool zck_soa_signed(const struct zone *z, const struct zone_node *apex);

static inline const struct zone_rr *zck_set_rr(const struct zone *z,
					       const struct zone_rrset *s,
					       uint32_t i)
{
	return z->rrs[s->first + i];
}

/* Octet at off in rr's RDATA, or -1 when RDATA is shorter. */
static inline int zck_rd_u8(const struct zone_rr *rr, size_t off)
{
	return off < rr->rdlen ? rr->rdata[off] : -1;
}

/* zone_check_dnssec.c: per-RRset checks (DS, keys, signatures), apex
 * checks (CDS/CDNSKEY, NSEC3PARAM) and the NSEC chain of signed zones. */
void zck_dnssec_set(struct zck *c, const struct zone_rrset *s, bool apex,
		    bool cut);
void zck_dnssec_apex(struct zck *c, const struct zone_node *apex);
void zck_nsec_chain(struct zck *c, const struct zone_node *apex);
/* zone_check_sig.c: signatures valid now and the NSEC3 chain of signed
 * zones, when z->now is set (banchi-check). */
void zck_signatures(struct zck *c, const struct zone_node *apex);

#endif
