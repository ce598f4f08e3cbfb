/* "Why this answer?" for banchi-resolver (banchi-ctl why): what the
 * resolver holds for a question and where it comes from, read without
 * changing anything: local data (which answers first), the cache (each
 * link of a CNAME chain with its TTL left, rank and DNSSEC status, or a
 * negative entry and the zone whose SOA proved it), else where a
 * resolution would start (forward or stub zone, the closest delegation
 * cached, the root hints) and what is known of those servers (RTT,
 * timeouts, down, lame or avoided for the zone). No I/O: the daemon's
 * control thread calls it as an RCU reader. */
#ifndef BANCHI_RESOLVE_WHY_H
#define BANCHI_RESOLVE_WHY_H

#include <stdint.h>

#include "resolve/conf.h"
#include "resolve/local.h"

struct res_why_in {
	const struct local_data *local;
	struct cache *cache;
	struct infra *infra;
	const struct res_conf *conf;
	uint64_t now_ms;
};

typedef void res_why_line_fn(void *ctx, const char *text);

/* Tells qname (any case) / qtype as sentences to line(ctx, text). 0 or
 * BN_ENOMEM. */
int res_why(const struct res_why_in *in, const uint8_t *qname,
	    uint16_t qtype, res_why_line_fn *line, void *ctx);

#endif
