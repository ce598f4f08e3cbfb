/* What the resolver knows about upstream servers, by address: smoothed
 * RTT and its variance (RFC 6298 style), the retransmission timeout
 * derived from them, consecutive timeouts, whether EDNS must be left
 * off, and per-zone lameness. Shared by all threads (sharded locks; it
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

struct infra;

struct infra_info {
	unsigned srtt_ms;       /* INFRA_RTO_UNKNOWN when never measured */
	unsigned rto_ms;        /* timeout to use for the next query */
	unsigned timeouts;      /* in a row */
	bool known;             /* measured at least once */
	bool no_edns;           /* answered badly with EDNS: query without */
	bool down;              /* timed out repeatedly; probe only rarely */
};

/* max_entries bounds memory (oldest dropped). NULL when out of memory. */
struct infra *infra_new(size_t max_entries);
void infra_free(struct infra *in);

void infra_get(struct infra *in, const struct sockaddr *sa, uint64_t now_ms,
	       struct infra_info *out);
/* A reply came after rtt_ms: updates srtt/rttvar, clears timeouts. */
void infra_rtt(struct infra *in, const struct sockaddr *sa, unsigned rtt_ms,
	       uint64_t now_ms);
/* No reply in time: doubles the RTO (up to INFRA_RTO_MAX); after a few
 * in a row the server is marked down for a while. */
void infra_timeout(struct infra *in, const struct sockaddr *sa,
		   uint64_t now_ms);
void infra_set_no_edns(struct infra *in, const struct sockaddr *sa,
		       uint64_t now_ms);
/* Lame for zone: it answered a query under zone without authority and
 * without a referral down (or REFUSED/SERVFAIL). */
void infra_set_lame(struct infra *in, const struct sockaddr *sa,
		    const uint8_t *zone, uint64_t now_ms);
bool infra_is_lame(struct infra *in, const struct sockaddr *sa,
		   const uint8_t *zone, uint64_t now_ms);

void infra_flush(struct infra *in);

#endif
