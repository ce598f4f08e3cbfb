/* Internals of the authoritative engine shared by answer.c (packet entry,
 * header, errors, EDNS, truncation), lookup.c (RFC 1034 4.3.2) and
 * additional.c: one struct per query, on the stack. */
#ifndef BANCHI_AUTH_AUTH_INT_H
#define BANCHI_AUTH_AUTH_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/answer.h"
#include "auth/why.h"
#include "wire/msg.h"
#include "wire/tsig.h"
#include "zone/zonedb.h"

/* CNAME records (own or synthesised) in one answer: Knot answers the
 * name after the fifth only when that needs no further CNAME; NSD
 * follows on, BIND gives SERVFAIL after 16. */
#define AUTH_MAX_CHAIN 5
/* RRsets whose targets get additional-section addresses. */
#define AUTH_MAX_ADDL 16
/* Distinct nodes whose addresses were added. */
#define AUTH_MAX_ADDED 32
/* NSEC/NSEC3 records of one answer's proofs (a chain's last name needs
 * three at most, each link of it one more). */
#define AUTH_MAX_PROOFS 12

/* Writer state to roll back a whole RRset (RFC 2181 9). */
struct auth_mark {
	size_t len;
	uint16_t count[MSG_SECTIONS];
	uint16_t ncompr;
	uint8_t section;
};

struct auth_addl {
	const struct zdb_zone *zone;
	const struct zdb_rrset *set;
	const uint8_t *cut;             /* a referral's cut: glue below it
					 * must fit (RFC 9471) */
};

/* A signed query's TSIG state (tsig.c), on the stack of the signed path
 * only: unsigned queries never touch it. */
struct auth_tsig {
	struct tsig_check check;
	struct tsig_signer signer;      /* when signing */
	bool signing;                   /* OK, BADTIME, BADTRUNC */
	uint64_t now;
};

struct auth_xfr;

struct auth_query {
	const struct zonedb *db;
	const struct auth_conf *conf;
	const struct msg_query *q;
	const struct zdb_qname *pre;    /* qname prepared by a batch, or
					 * NULL */
	const struct zdb_zone *pre_zone;/* and the zone it picked */
	const uint8_t *pkt;             /* the query as received */
	size_t pktlen;
	struct msg_writer mw;
	uint16_t rcode;                 /* full 12-bit value */
	bool dnssec;                    /* DO set: RRSIGs and proofs */
	bool aa;
	bool tc;                        /* answer or authority did not fit */
	struct auth_tsig *tsig;         /* signed query, else NULL */
	struct auth_xfr *xfr;           /* a transfer may stream into it,
					 * else NULL (UDP, auth_answer) */
	uint8_t nchain;
	uint8_t naddl;
	uint8_t nadded;
	struct auth_addl addl[AUTH_MAX_ADDL];
	const struct zdb_node *added[AUTH_MAX_ADDED];
	bool glue_tc;                   /* referral glue did not fit */
	/* zone of a positive answer, for the apex NS of full responses */
	const struct zdb_zone *answer_zone;
	const struct zdb_rrset *answer_set;
	/* DNAME sets already in the answer: a DNAME loop writes one once */
	const struct zdb_rrset *dnames[AUTH_MAX_CHAIN + 1];
	uint8_t ndnames;
	/* NSEC/NSEC3 records for the authority section (dnssec.c) */
	const struct zdb_node *proofs[AUTH_MAX_PROOFS];
	uint16_t ptypes[AUTH_MAX_PROOFS];
	uint8_t nproofs;
	/* names visited along a CNAME/DNAME chain */
	uint8_t seen[AUTH_MAX_CHAIN + 1][NAME_MAXLEN];
	struct auth_why *why;           /* banchi-ctl why, else NULL */
};

/* Notes a decision for banchi-ctl why (why.c); name, node and set may
 * be NULL. Client queries pay one untaken branch. */
void auth_why_note(struct auth_why *w, enum auth_why_kind k,
		   const struct zdb_zone *z, const uint8_t *node,
		   const uint8_t *name, uint16_t type,
		   const struct zdb_rrset *set);

static inline void auth_note(const struct auth_query *a,
			     enum auth_why_kind k, const struct zdb_zone *z,
			     const uint8_t *node, const uint8_t *name,
			     uint16_t type, const struct zdb_rrset *set)
{
	if (__builtin_expect(a->why != NULL, 0))
		auth_why_note(a->why, k, z, node, name, type, set);
}

void auth_mark(const struct auth_query *a, struct auth_mark *m);
void auth_rollback(struct auth_query *a, const struct auth_mark *m);

/* Writes a whole RRset under owner, or nothing: BN_ENOSPC. */
int auth_put_rrset(struct auth_query *a, enum msg_section s,
		   const uint8_t *owner, const struct zdb_rrset *set);

/* Remembers an RRset (NS, MX, SRV, SVCB, HTTPS) for additional; cut is
 * the owner of a referral's NS set, else NULL. */
void auth_want_additional(struct auth_query *a, const struct zdb_zone *z,
			  const struct zdb_rrset *set, const uint8_t *cut);

/* TSIG (tsig.c). Checks the query's TSIG, reports it (conf->tsig_note)
 * and sets a->tsig to t unless the answer is FORMERR (or SERVFAIL) with
 * no TSIG; returns the outcome. */
enum tsig_status auth_tsig_check(struct auth_query *a, struct auth_tsig *t);
/* Octets to keep free for the reply's TSIG record. */
size_t auth_tsig_room(const struct auth_query *a);
/* Appends the TSIG record to the finished reply (len octets); the new
 * length, or 0 (send nothing) when it could not be made. */
size_t auth_tsig_finish(struct auth_query *a, size_t len);
void auth_tsig_clear(struct auth_tsig *t);

/* A reply without records, the question echoed: errors, refusals. */
/* CHAOS identity (chaos.c): 0 when the question is one that the config
 * answers (TXT of id.server, hostname.bind, version.bind,
 * version.server), else -1; its record put in the answer section. */
int auth_chaos(const struct auth_query *a);
void auth_chaos_put(struct auth_query *a);

size_t auth_refuse(struct auth_query *a, uint8_t *out, size_t cap,
		   uint16_t rcode);

/* AXFR and IXFR (xfr.c), after the header and TSIG checks. */
size_t auth_xfr_reply(struct auth_query *a, enum auth_transport t,
		      uint8_t *out, size_t cap);

/* auth_answer with qname already prepared from the packet's question
 * (used only when it is the name parsed) and the deepest zone holding
 * it, or both NULL. */
size_t auth_answer_pre(const struct zonedb *db, const struct auth_conf *conf,
		       const uint8_t *q, size_t qlen, enum auth_transport t,
		       uint8_t *out, size_t cap, const struct zdb_qname *pre,
		       const struct zdb_zone *pre_zone);

/* Answer and authority sections for the question (lookup.c). */
void auth_lookup(struct auth_query *a);

/* Offset of the target name in the stored RDATA of a type whose targets
 * get addresses (NS, MX, SRV, SVCB, HTTPS), else -1. */
int auth_target_offset(uint16_t type);

/* Additional section: addresses of the remembered targets. */
void auth_additional(struct auth_query *a);

/* DNSSEC (dnssec.c), for queries with DO set. set under owner, then
 * (a->dnssec) the RRSIGs covering its type at node n: both, or neither
 * and BN_ENOSPC (RFC 4035 3.1.1: the caller sets TC). */
int auth_put_signed(struct auth_query *a, enum msg_section s,
		    const uint8_t *owner, const struct zdb_node *n,
		    const struct zdb_rrset *set);
/* The RRSIGs covering type at n alone, TTL at most ttl (0: any). */
int auth_put_rrsig(struct auth_query *a, enum msg_section s,
		   const uint8_t *owner, const struct zdb_node *n,
		   uint16_t type, uint32_t ttl);
/* The proofs noted, into the authority section (TC when they do not
 * fit): after the answer section, the SOA of a negative answer or the
 * referral's NS and DS. */
void auth_dnssec_flush(struct auth_query *a);
/* The proofs noted for each RFC 4035 3.1.3 / RFC 5155 7.2 case:
 * NODATA at an existing node n (an empty non-terminal too), NXDOMAIN
 * under the closest encloser ce, a wildcard answer (qname denied), a
 * wildcard NODATA (w the wildcard node), a referral (DS written at
 * once, or its denial noted). */
void auth_dnssec_nodata(struct auth_query *a, const struct zdb_zone *z,
			const struct zdb_node *n, const uint8_t *qname);
void auth_dnssec_nxdomain(struct auth_query *a, const struct zdb_zone *z,
			  const struct zdb_node *ce, const uint8_t *qname);
void auth_dnssec_wildcard(struct auth_query *a, const struct zdb_zone *z,
			  const struct zdb_node *ce, const uint8_t *qname);
void auth_dnssec_wild_nodata(struct auth_query *a, const struct zdb_zone *z,
			     const struct zdb_node *ce,
			     const struct zdb_node *w, const uint8_t *qname);
void auth_dnssec_referral(struct auth_query *a, const struct zdb_zone *z,
			  const struct zdb_node *cut);

#endif
