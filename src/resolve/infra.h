/* What the resolver knows about upstream servers, by address: smoothed
 * RTT and its variance (RFC 6298 style), the retransmission timeout
 * derived from them, consecutive timeouts (per kind of query, as
 * Unbound counts them, so that a server that drops one type is not
 * taken for dead), whether EDNS or 0x20 must be left off, and per-zone
 * lameness. Only what a server shows for every query goes here: what
 * one odd question provokes (SERVFAIL, REFUSED) only makes the server
 * be asked last for a while. Shared by all threads (sharded locks; it
 * is on the cache-miss path only). Entries age out. Times in ms. */
#ifndef BANCHI_RESOLVE_INFRA_H
#define BANCHI_RESOLVE_INFRA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define INFRA_RTO_UNKNOWN 376   /* first timeout for a new server (Unbound's) */
#define INFRA_RTO_MAX 12000
#define INFRA_HOLD_MS 900000    /* how long lame / no-EDNS / down is kept */
#define INFRA_AVOID_MS 60000    /* how long a server that failed one query is asked last */

struct infra;

struct infra_info {
	unsigned srtt_ms;       /* INFRA_RTO_UNKNOWN when never measured */
	unsigned rto_ms;        /* timeout to use for the next query */
	unsigned timeouts;      /* in a row */
	bool known;             /* measured at least once */
	bool no_edns;           /* answered badly with EDNS: query without */
	bool no_0x20;           /* loses the qname's case: query without 0x20 */
	bool down;              /* timed out repeatedly for this kind of
				 * query; let through once per probe interval */
};

/* A server's standing for one zone (infra_lame). */
enum infra_lame {
	INFRA_OK = 0,
	INFRA_AVOID,            /* failed a query (SERVFAIL, REFUSED): ask last */
	INFRA_RECLAME,          /* recursive, without authority: asked after
				 * all others, with RD (Unbound's rec_lame) */
	INFRA_LAME,             /* not authoritative for the zone: never ask */
};

/* max_entries bounds memory (oldest dropped). NULL when out of memory. */
struct infra *infra_new(size_t max_entries);
void infra_free(struct infra *in);

/* What is known of sa for a query of qtype (timeouts and "down" are
 * counted apart for A, AAAA and the other types). */
void infra_get(struct infra *in, const struct sockaddr *sa, uint16_t qtype,
	       uint64_t now_ms, struct infra_info *out);
/* A reply came after rtt_ms: updates srtt/rttvar, clears timeouts. */
void infra_rtt(struct infra *in, const struct sockaddr *sa, unsigned rtt_ms,
	       uint64_t now_ms);
/* No reply in time to a query of qtype that waited sent_rto ms (the
 * RTO it was sent with): doubles the RTO (up to INFRA_RTO_MAX); after a
 * few in a row for that kind of query (no reply of any kind between
 * them) the server is down for it for a while. A query sent before the
 * last doubling (sent_rto below the RTO now) was lost in the outage
 * already counted, as the other queries in flight with it: neither
 * doubled again nor counted (Unbound's rule), so that one stall with
 * many queries in flight does not take the server for dead. */
void infra_timeout(struct infra *in, const struct sockaddr *sa,
		   uint16_t qtype, unsigned sent_rto, uint64_t now_ms);
/* A query with EDNS got a real answer: EDNS works there, and a later
 * FORMERR to one odd query will not turn it off (Unbound's rule). */
void infra_edns_ok(struct infra *in, const struct sockaddr *sa,
		   uint64_t now_ms);
/* The fallback without EDNS worked: query sa without EDNS for a while,
 * unless EDNS is known to work there. */
void infra_set_no_edns(struct infra *in, const struct sockaddr *sa,
		       uint64_t now_ms);
/* The fallback without 0x20 worked after sa lost the case: plain
 * lowercase for a while. */
void infra_set_no_0x20(struct infra *in, const struct sockaddr *sa,
		       uint64_t now_ms);
/* For zone and queries of qtype's kind (A, or other types, kept apart
 * as Unbound does): INFRA_LAME (answered a query under zone without
 * authority and without a referral down), INFRA_RECLAME (answered as a
 * recursive server, RA without AA), both kept INFRA_HOLD_MS, or
 * INFRA_AVOID (failed one query; kept INFRA_AVOID_MS). A live standing
 * is never replaced by a milder one. */
void infra_set_lame(struct infra *in, const struct sockaddr *sa,
		    const uint8_t *zone, uint16_t qtype, enum infra_lame how,
		    uint64_t now_ms);
enum infra_lame infra_lame(struct infra *in, const struct sockaddr *sa,
			   const uint8_t *zone, uint16_t qtype,
			   uint64_t now_ms);

void infra_flush(struct infra *in);

#endif
