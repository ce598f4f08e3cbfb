/* The Prometheus text exposition format (version 0.0.4) that each
 * daemon's metrics endpoint serves (ctl_http.c): families with HELP and
 * TYPE lines, samples with labels, histograms. Names follow Prometheus'
 * conventions: banchi_<daemon>_..._total for counters, units in names
 * (_seconds, _bytes). */
#ifndef BANCHI_CTL_CTL_METRICS_H
#define BANCHI_CTL_CTL_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl/ctl_stats.h"

/* The text being made: grows as needed; oom set (and the text cut)
 * when memory ran out. */
struct ctl_mtext {
	char *p;
	size_t n, cap;
	bool oom;
};

/* A family's HELP and TYPE ("counter", "gauge", "histogram"). */
void ctl_mt_family(struct ctl_mtext *m, const char *name, const char *type,
		   const char *help);
/* One sample; labels is "" or a label list without braces
 * ("type=\"A\""). */
void ctl_mt_u64(struct ctl_mtext *m, const char *name, const char *labels,
		uint64_t v);
void ctl_mt_double(struct ctl_mtext *m, const char *name, const char *labels,
		   double v);
/* A whole family of one sample. */
void ctl_mt_counter(struct ctl_mtext *m, const char *name, const char *help,
		    uint64_t v);
void ctl_mt_gauge(struct ctl_mtext *m, const char *name, const char *help,
		  double v);
/* The families of a sum of reply counters, named prefix + "replies_total"
 * etc. ("banchi_auth_"). */
void ctl_mt_qsum(struct ctl_mtext *m, const char *prefix,
		 const struct ctl_qsum *s);

/* What a daemon writes on each scrape. */
typedef void ctl_metrics_fn(void *arg, struct ctl_mtext *m);

#endif
