/* banchi-resolver's metrics (the Prometheus endpoint, --metrics): the
 * workers' counters and their replies (summed over the workers at each
 * scrape), the cache's. Run by the control thread. */
#include <time.h>

#include "ctl/ctl.h"
#include "resolve/cache.h"
#include "resolverd/control.h"
#include "resolverd/daemon.h"

#define P "banchi_resolver_"

static void counters(struct ctl_mtext *m, const struct rserver_stats *st)
{
	ctl_mt_family(m, P "queries_total", "counter",
		      "Client queries received, by transport.");
	ctl_mt_u64(m, P "queries_total", "transport=\"udp\"",
		   st->queries - st->tcp_queries);
	ctl_mt_u64(m, P "queries_total", "transport=\"tcp\"", st->tcp_queries);
	ctl_mt_counter(m, P "cache_answers_total", "Queries answered from "
		       "the cache at once.", st->cache_hits);
	ctl_mt_counter(m, P "local_answers_total", "Queries answered by a "
		       "local rule (local data, block lists, special names).",
		       st->local_answers);
	ctl_mt_counter(m, P "refused_total", "Queries refused (not an "
		       "allowed client, or not a query).", st->refused);
	ctl_mt_counter(m, P "servfail_total", "Answers that were SERVFAIL.",
		       st->servfail);
	ctl_mt_counter(m, P "stale_answers_total", "Answers served stale "
		       "(RFC 8767) because a refresh failed.", st->stale);
	ctl_mt_counter(m, P "aggressive_nsec_answers_total", "NXDOMAIN, "
		       "NODATA and wildcard answers synthesised from cached "
		       "secure NSEC records (RFC 8198), without an upstream "
		       "query.",
		       st->aggressive_nsec);
	ctl_mt_counter(m, P "prefetches_total", "Entries refreshed before "
		       "they expired.", st->prefetch);
	ctl_mt_counter(m, P "dropped_total", "Client queries dropped "
		       "(malformed, or over a limit).", st->dropped);
	ctl_mt_family(m, P "upstream_queries_total", "counter",
		      "Queries sent to authoritative servers, by transport.");
	ctl_mt_u64(m, P "upstream_queries_total", "transport=\"udp\"",
		   st->upstream - st->upstream_tcp);
	ctl_mt_u64(m, P "upstream_queries_total", "transport=\"tcp\"",
		   st->upstream_tcp);
	ctl_mt_counter(m, P "upstream_timeouts_total", "Queries to "
		       "authoritative servers that timed out.", st->timeouts);
	ctl_mt_counter(m, P "dnssec_verifications_total", "DNSSEC "
		       "signature verifications.", st->dnssec_verified);
	ctl_mt_counter(m, P "dnssec_limit_hits_total", "Times a DNSSEC work "
		       "limit (KeyTrap budget) stopped a validation.",
		       st->dnssec_stopped);
}

static void cache(struct ctl_mtext *m, struct cache *c)
{
	struct cache_stats cs;

	cache_get_stats(c, &cs);
	ctl_mt_counter(m, P "cache_hits_total", "Cache lookups that found "
		       "an entry.", cs.hits);
	ctl_mt_counter(m, P "cache_misses_total", "Cache lookups that found "
		       "none.", cs.misses);
	ctl_mt_counter(m, P "cache_inserts_total", "Entries put in the "
		       "cache.", cs.inserts);
	ctl_mt_counter(m, P "cache_evictions_total", "Entries evicted to "
		       "make room.", cs.evictions);
	ctl_mt_gauge(m, P "cache_entries", "Entries in the cache.",
		     (double)cs.entries);
	ctl_mt_gauge(m, P "cache_bytes", "Memory the cache holds.",
		     (double)cs.bytes);
}

void rcontrol_metrics(void *arg, struct ctl_mtext *m)
{
	struct rdaemon *x = arg;
	struct rserver_stats st;
	struct ctl_qsum sum = { 0 };

	ctl_mt_gauge(m, "process_start_time_seconds", "Start time of the "
		     "process since the epoch, in seconds.",
		     (double)time(NULL) - ctl_uptime(x->ctl));
	rserver_get_stats(&x->srv, &st);
	counters(m, &st);
	rserver_qstats(&x->srv, &sum);
	ctl_mt_qsum(m, P, &sum);
	cache(m, x->srv.cache);
	qlog_metrics(m, P, x->ql);
}
