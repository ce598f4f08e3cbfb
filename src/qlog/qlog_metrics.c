/* The query logs' counters in a daemon's Prometheus text: what was
 * written, what was dropped (a full ring, no reader, a failed write) and
 * what the sample or rate left out; only the families of the logs on. */
#include <stdio.h>

#include "ctl/ctl_metrics.h"
#include "qlog/qlog.h"

static void counter(struct ctl_mtext *m, const char *prefix,
		    const char *name, const char *help, uint64_t v)
{
	char full[128];

	snprintf(full, sizeof(full), "%s%s", prefix, name);
	ctl_mt_counter(m, full, help, v);
}

void qlog_metrics(struct ctl_mtext *m, const char *prefix,
		  const struct qlog *q)
{
	struct qlog_counts c;

	qlog_counts(q, &c);
	if (c.dnstap) {
		counter(m, prefix, "dnstap_frames_total", "dnstap messages "
			"written.", c.dnstap_frames);
		counter(m, prefix, "dnstap_dropped_total", "Queries (or "
			"responses) whose dnstap messages were dropped: the "
			"writer or its reader could not keep up, or no reader "
			"was connected.", c.dnstap_dropped);
	}
	if (c.text) {
		counter(m, prefix, "query_log_lines_total", "Query log lines "
			"written.", c.text_lines);
		counter(m, prefix, "query_log_dropped_total", "Queries whose "
			"query log line was dropped (the writer could not keep "
			"up, or a write failed).", c.text_dropped);
	}
	if (c.dnstap || c.text)
		counter(m, prefix, "query_log_sampled_out_total", "Queries "
			"left out of dnstap and the query log by "
			"query-log-sample or query-log-rate.", c.sampled_out);
}
