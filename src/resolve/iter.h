/* The iterator: resolves one (qname, qtype, qclass) for a client by
 * walking delegations from the closest cached zone cut (or the root
 * hints, or a forwarder/stub), one upstream query at a time. No I/O:
 * iter_step() says what to send, the caller sends it (random source
 * port, connected socket, so only the server asked can reach it) and
 * hands back the reply (iter_consume) or the timeout (iter_timeout).
 *
 * What it checks and does (Knot Resolver's produce/consume shape):
 * random query IDs (env->random), optional 0x20 qname case; replies must
 * match ID, question (and case under 0x20); bailiwick and RFC 2181
 * ranks before anything is cached (out-of-bailiwick records are dropped,
 * glue only for names under the delegated zone); referrals, glueless
 * delegations (the NS name resolved on the side, depth-limited), CNAME
 * and DNAME chains across zones, NXDOMAIN/NODATA cached per RFC 2308;
 * QNAME minimisation (RFC 9156, relaxed: falls back to the full name on
 * errors); EDNS with fallback to none (infra remembers); TC -> the same
 * query over TCP; server choice by smoothed RTT with exploration, lame
 * and down servers skipped; loopback targets refused unless
 * conf->query_loopback. Work is bounded by conf->max_upstream,
 * max_depth, max_cname and max_time_ms: past any of them the answer is
 * SERVFAIL. Not thread-safe per iter; the cache and infra are shared. */
#ifndef BANCHI_RESOLVE_ITER_H
#define BANCHI_RESOLVE_ITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "resolve/answer.h"
#include "resolve/conf.h"

#define ITER_QUERY_MAX 512

enum iter_status { ITER_SEND = 1, ITER_DONE = 2 };

/* iter_consume() results besides 0 (accepted: call iter_step again). */
enum { ITER_IGNORED = 1 };      /* not the reply we wait for: keep waiting */

struct iter_query {
	struct res_addr to;
	bool tcp;                       /* send over TCP (2-octet framing is the caller's) */
	unsigned timeout_ms;
	uint16_t len;
	uint8_t pkt[ITER_QUERY_MAX];    /* complete query, random ID */
};

struct iter_stats {
	unsigned upstream;              /* queries sent for this client query */
	unsigned timeouts;
	unsigned tcp;                   /* of which over TCP */
	unsigned dnssec_verified;       /* signature verifications */
	unsigned dnssec_stopped;        /* times the budget stopped them */
};

struct iter;

/* Allocates an iterator working on env (which must outlive it). */
struct iter *iter_new(const struct res_env *env);
void iter_free(struct iter *it);

#define ITER_PREFETCH 1u        /* refresh: do not take the answer from the cache */

/* Starts (or restarts: an iter is reusable) a resolution. qname in any
 * case. 0 or BN_EINVAL. */
int iter_begin(struct iter *it, const uint8_t *qname, uint16_t qtype,
	       uint16_t qclass, unsigned flags, uint64_t now_ms);

/* ITER_SEND: send *q, then call iter_consume() with each datagram (or
 * TCP message) received on that socket until it returns 0, or
 * iter_timeout() after q->timeout_ms. ITER_DONE: iter_result() holds
 * the answer (SERVFAIL when resolution failed). */
int iter_step(struct iter *it, uint64_t now_ms, struct iter_query *q);

/* 0: the reply was taken (whatever it said: call iter_step next);
 * ITER_IGNORED: wrong ID or question, or not a response (ignore it and
 * keep waiting: a spoof must not end the wait). */
int iter_consume(struct iter *it, const uint8_t *pkt, size_t len,
		 uint64_t now_ms);
void iter_timeout(struct iter *it, uint64_t now_ms);
/* The query of the last ITER_SEND could not be sent (a local failure:
 * no socket, no route): another server is tried, and nothing is held
 * against this one. Call iter_step next. */
void iter_unsent(struct iter *it);
/* The caller cannot go on (out of memory): the answer is SERVFAIL. */
void iter_abort(struct iter *it);

/* When nothing can be reached: let the final answer come from expired
 * cache data (serve-stale, RFC 8767), if there is any; that data is then
 * answered at once, without a new resolution, for CACHE_RECHECK_S.
 * Called by the caller when iter_step() returned ITER_DONE with
 * SERVFAIL; returns true when a stale answer replaced it. */
bool iter_try_stale(struct iter *it, uint64_t now_ms);

const struct answer *iter_result(const struct iter *it);
const struct iter_stats *iter_get_stats(const struct iter *it);

#endif
