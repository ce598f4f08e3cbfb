/* The resolver's unit of data: one RRset (or one negative answer) as a
 * flat view. RDATA is kept in stored form (uncompressed names, as
 * msg_rr_rdata() gives it) as a sequence of count items, each a
 * 2-octet big-endian length followed by that many octets. */
#ifndef BANCHI_RESOLVE_RRSET_H
#define BANCHI_RESOLVE_RRSET_H

#include <stddef.h>
#include <stdint.h>

/* RFC 2181 5.4.1 credibility, lowest first. Data of a lower rank never
 * replaces live data of a higher one; only RANK_ANSWER_NONAUTH and up
 * may go to clients (glue and referral NS sets are for iteration only). */
enum rank {
	RANK_NONE = 0,
	RANK_ADDITIONAL,        /* additional section of any reply */
	RANK_GLUE,              /* referral: NS set and in-bailiwick glue */
	RANK_AUTHORITY,         /* authority section of an AA reply */
	RANK_ANSWER_NONAUTH,    /* answer section without AA (forwarders) */
	RANK_ANSWER,            /* answer section of an AA reply */
	RANK_LOCAL              /* configured local data, hints */
};

/* What an entry says. For RRSET_NXDOMAIN the key type is 0 (the name
 * does not exist for any type); the SOA of the negative answer, when
 * the server gave one, is the entry's one record (soa_owner set). */
enum rrset_kind { RRSET_POSITIVE = 0, RRSET_NXDOMAIN, RRSET_NODATA };

/* DNSSEC status (doc/design/dnssec-validation.md): UNCHECKED as the
 * iterator inserts it (and always with validation off), then what the
 * validation phase found. Bogus data is never given as valid. */
enum rrset_sec { SEC_UNCHECKED = 0, SEC_SECURE, SEC_INSECURE, SEC_BOGUS };

struct rrset {
	const uint8_t *owner;   /* wire form, lowercase in the cache */
	uint16_t type, rclass;
	uint32_t ttl;           /* remaining seconds */
	uint8_t kind;           /* enum rrset_kind */
	uint8_t rank;           /* enum rank */
	uint16_t count;         /* RDATA items (negative: 0 or 1 SOA) */
	/* DNSSEC: the RRSIGs covering the set (same owner; none unless
	 * validation is on), and the status */
	uint16_t nsigs;
	uint8_t sec;            /* enum rrset_sec */
	uint8_t why;            /* SEC_BOGUS: the DNSSEC_ result (dnssec.h) */
	const uint8_t *rdata;   /* count x (u16 length, octets) */
	uint32_t rdata_len;     /* octets of the whole sequence */
	/* the RRSIGs (nsigs of them) follow the RDATA in memory, in its
	 * layout: rrset_sigs() (so that the view stays 56 octets) */
	uint32_t sigs_len;
	const uint8_t *soa_owner; /* negative answers: the SOA's owner */
	/* A CNAME synthesised from a DNAME: the DNAME's owner, so that an
	 * answer from the cache carries the DNAME too (RFC 6672 3.4). */
	const uint8_t *dname_owner;
};

static inline const uint8_t *rrset_sigs(const struct rrset *s)
{
	return s->rdata + s->rdata_len;
}

#endif
