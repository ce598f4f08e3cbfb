/* Authenticated denial of existence (RFC 4035 5.4, RFC 5155 8, RFC 6840,
 * RFC 7129, RFC 9276): whether the NSEC or NSEC3 records of a reply
 * prove a name error, a type absent, a wildcard expansion, or a DS
 * absent at a delegation. Pure: no I/O, no globals; NSEC3 hashes are
 * counted against the caller's budget (CVE-2023-50868).
 *
 * These functions judge a proof only: the caller has verified each
 * NSEC/NSEC3 RRset with its RRSIGs and the keys of the zone that signed
 * them (dnssec_verify_rrset), and passes only those that verified, with
 * the signer's name as zone. */
#ifndef BANCHI_DNSSEC_DENIAL_H
#define BANCHI_DNSSEC_DENIAL_H

#include <stdint.h>

#include "dnssec/dnssec.h"

/* NSEC3 of more iterations are insecure (RFC 9276 3.2; Unbound and BIND
 * do the same since 2021/2022), and never hashed. */
#define DNSSEC_NSEC3_ITER_MAX 150

/* Records looked at per call: a real proof needs at most three; those
 * after the first DNSSEC_DENIAL_RECORDS_MAX are ignored, so a reply
 * stuffed with records costs no more than this many. */
#define DNSSEC_DENIAL_RECORDS_MAX 64

/* What is to be proven, and with what. */
struct dnssec_denial {
	const uint8_t *qname;   /* the name denied (wire form, any case):
				 * after a CNAME chain, its last target */
	uint16_t qtype;         /* the type denied (prove_nodata) */
	const uint8_t *zone;    /* the zone that signed the records */
	/* The reply's NSEC and NSEC3 RRsets (others are skipped), each
	 * verified. A zone proves with one kind: NSEC if there is any
	 * under zone, otherwise NSEC3. Records not of zone (NSEC: owner
	 * or next name outside it; NSEC3: owner not one label under it),
	 * malformed, of flags other than opt-out, or (NSEC3) of other
	 * parameters than the first usable one are ignored. */
	const struct dnssec_rrset *sets;
	unsigned nsets;
};

/* Results, for each function below: DNSSEC_SECURE (proven);
 * DNSSEC_NO_PROOF (bogus: EDE 12); DNSSEC_BUDGET (no NSEC3 hash left);
 * insecure ones (dnssec_result_insecure): DNSSEC_OPT_OUT,
 * DNSSEC_UNSIGNED_CUT (the name is under a delegation without DS:
 * its data is an unsigned child's), DNSSEC_NSEC3_ITERATIONS,
 * DNSSEC_NSEC3_UNSUPPORTED. */

/* NXDOMAIN: qname does not exist (NSEC: a record covering it, and one
 * covering the wildcard at its closest encloser; NSEC3: the closest
 * encloser proof and the wildcard covered, RFC 5155 8.4). An opt-out
 * span over the next closer name gives DNSSEC_OPT_OUT. */
int dnssec_prove_nxdomain(const struct dnssec_denial *d,
			  struct dnssec_budget *b);

/* NODATA: qname exists without qtype and without CNAME (a record at
 * qname), or is an empty non-terminal (NSEC: a record covering it whose
 * next name is below it; NSEC3: its own record), or a wildcard at its
 * closest encloser exists without them (wildcard NODATA). A record at a
 * delegation's parent side (NS, no SOA) proves no type but DS. For DS:
 * a record of the apex (SOA) cannot prove DS absent (the child's side),
 * and an NSEC3 opt-out span over the name gives DNSSEC_OPT_OUT. */
int dnssec_prove_nodata(const struct dnssec_denial *d,
			struct dnssec_budget *b);

/* A positive answer for qname synthesised from a wildcard: the RRSIG's
 * labels field (fewer than qname's labels) names the closest encloser;
 * proven when the next closer name does not exist (RFC 4035 5.3.4, RFC
 * 5155 8.8). An opt-out span over it gives DNSSEC_OPT_OUT. The
 * wildcard's own name ("*" and labels + 1 labels) is no expansion:
 * DNSSEC_SECURE with nothing to prove. */
int dnssec_prove_wildcard(const struct dnssec_denial *d, unsigned labels,
			  struct dnssec_budget *b);

/* A DS query for qname, a delegation of zone (qtype is ignored):
 * DNSSEC_SECURE: qname is a delegation without DS (the child is
 * insecure, proven); DNSSEC_OPT_OUT: qname is in an opt-out span (the
 * child is insecure, RFC 5155 9.2); DNSSEC_NO_CUT: no DS and no
 * delegation at qname (an empty non-terminal, a name without NS: the
 * zone goes on below it); DNSSEC_NSEC3_ITERATIONS and
 * DNSSEC_NSEC3_UNSUPPORTED (insecure); otherwise bogus: DNSSEC_NO_PROOF
 * (a record with the DS bit, one of the child's apex, qname at or above
 * zone, no proof), DNSSEC_BUDGET. */
int dnssec_prove_no_ds(const struct dnssec_denial *d,
		       struct dnssec_budget *b);

#endif
