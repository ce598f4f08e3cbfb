/* Counters of the replies a thread sent, for the metrics endpoint
 * (ctl_metrics.h) and banchi-ctl stats. Each thread writes its own set
 * with a relaxed load and store (one writer: no locked instruction on
 * the query path); readers sum every thread's. They only grow. */
#ifndef BANCHI_CTL_CTL_STATS_H
#define BANCHI_CTL_CTL_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef _Atomic uint64_t ctl_counter;

static inline void ctl_count(ctl_counter *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed)
				 + n, memory_order_relaxed);
}

static inline uint64_t ctl_counter_get(ctl_counter *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* Query types counted on their own; the rest are "other". */
#define CTL_QTYPES 20
/* What a reply was: an answer, a referral, no data, NXDOMAIN, another
 * rcode, or no reply at all. */
enum ctl_kind { CTL_K_ANSWER, CTL_K_REFERRAL, CTL_K_NODATA, CTL_K_NXDOMAIN,
		CTL_K_ERROR, CTL_K_DROPPED, CTL_KINDS };
/* Latency buckets (upper bounds in ctl_stats.c), the last one +Inf. */
#define CTL_LAT_BUCKETS 12

struct ctl_qstats {
	ctl_counter qtype[CTL_QTYPES];
	ctl_counter rcode[16];
	ctl_counter kind[CTL_KINDS];
	ctl_counter lat[CTL_LAT_BUCKETS];
	ctl_counter lat_ns;             /* the sum of the latencies */
};

/* A reply of len octets (0: none was sent). */
void ctl_qstats_reply(struct ctl_qstats *s, const uint8_t *reply, size_t len);
/* n replies that each took ns nanoseconds from receipt to send. */
void ctl_qstats_latency(struct ctl_qstats *s, uint64_t ns, uint64_t n);

/* A sum of threads' counters, read at one moment. */
struct ctl_qsum {
	uint64_t qtype[CTL_QTYPES], rcode[16], kind[CTL_KINDS];
	uint64_t lat[CTL_LAT_BUCKETS], lat_ns;
};

void ctl_qsum_add(struct ctl_qsum *sum, struct ctl_qstats *s);
uint64_t ctl_qsum_replies(const struct ctl_qsum *sum);

/* Names for the metrics' labels. */
const char *ctl_qtype_name(size_t i);
const char *ctl_rcode_name(size_t rcode);
const char *ctl_kind_name(size_t k);
/* The latency buckets' upper bounds, seconds (CTL_LAT_BUCKETS - 1 of
 * them: the last bucket has none). */
double ctl_lat_bound(size_t i);

#endif
