/* Writing the exposition format (ctl_metrics.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl_metrics.h"

static void put(struct ctl_mtext *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(m->p ? m->p + m->n : NULL, m->cap - m->n, fmt, ap);
		va_end(ap);
		if (n < 0) {
			m->oom = true;
			return;
		}
		if ((size_t)n < m->cap - m->n) {
			m->n += (size_t)n;
			return;
		}
		size_t cap = m->cap ? m->cap * 2 : 4096;
		while (cap - m->n <= (size_t)n)
			cap *= 2;
		char *p = realloc(m->p, cap);
		if (!p) {
			m->oom = true;
			return;
		}
		m->p = p;
		m->cap = cap;
	}
}

void ctl_mt_family(struct ctl_mtext *m, const char *name, const char *type,
		   const char *help)
{
	put(m, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void ctl_mt_u64(struct ctl_mtext *m, const char *name, const char *labels,
		uint64_t v)
{
	if (*labels)
		put(m, "%s{%s} %llu\n", name, labels, (unsigned long long)v);
	else
		put(m, "%s %llu\n", name, (unsigned long long)v);
}

void ctl_mt_double(struct ctl_mtext *m, const char *name, const char *labels,
		   double v)
{
	if (*labels)
		put(m, "%s{%s} %.15g\n", name, labels, v);
	else
		put(m, "%s %.15g\n", name, v);
}

void ctl_mt_counter(struct ctl_mtext *m, const char *name, const char *help,
		    uint64_t v)
{
	ctl_mt_family(m, name, "counter", help);
	ctl_mt_u64(m, name, "", v);
}

void ctl_mt_gauge(struct ctl_mtext *m, const char *name, const char *help,
		  double v)
{
	ctl_mt_family(m, name, "gauge", help);
	ctl_mt_double(m, name, "", v);
}

/* One counter family with one label over a table of values. */
static void labelled(struct ctl_mtext *m, const char *prefix,
		     const char *what, const char *help, const char *label,
		     const char *(*name)(size_t), const uint64_t *v, size_t n)
{
	char fam[128], lab[96];

	snprintf(fam, sizeof(fam), "%s%s", prefix, what);
	ctl_mt_family(m, fam, "counter", help);
	for (size_t i = 0; i < n; i++) {
		snprintf(lab, sizeof(lab), "%s=\"%s\"", label, name(i));
		ctl_mt_u64(m, fam, lab, v[i]);
	}
}

static void latency(struct ctl_mtext *m, const char *prefix,
		    const struct ctl_qsum *s)
{
	char fam[128], name[140], lab[48];
	uint64_t cum = 0;

	snprintf(fam, sizeof(fam), "%sreply_latency_seconds", prefix);
	ctl_mt_family(m, fam, "histogram", "Time from a query's receipt to "
		      "its reply being sent.");
	snprintf(name, sizeof(name), "%s_bucket", fam);
	for (size_t i = 0; i < CTL_LAT_BUCKETS; i++) {
		cum += s->lat[i];
		if (i < CTL_LAT_BUCKETS - 1)
			snprintf(lab, sizeof(lab), "le=\"%g\"", ctl_lat_bound(i));
		else
			snprintf(lab, sizeof(lab), "le=\"+Inf\"");
		ctl_mt_u64(m, name, lab, cum);
	}
	snprintf(name, sizeof(name), "%s_sum", fam);
	ctl_mt_double(m, name, "", (double)s->lat_ns / 1e9);
	snprintf(name, sizeof(name), "%s_count", fam);
	ctl_mt_u64(m, name, "", cum);
}

void ctl_mt_qsum(struct ctl_mtext *m, const char *prefix,
		 const struct ctl_qsum *s)
{
	labelled(m, prefix, "replies_by_qtype_total", "Replies sent, by "
		 "the type asked for.", "qtype", ctl_qtype_name, s->qtype,
		 CTL_QTYPES);
	labelled(m, prefix, "replies_by_rcode_total", "Replies sent, by "
		 "response code.", "rcode", ctl_rcode_name, s->rcode, 16);
	labelled(m, prefix, "replies_by_kind_total", "Replies by what they "
		 "said (dropped: no reply sent).", "kind", ctl_kind_name,
		 s->kind, CTL_KINDS);
	latency(m, prefix, s);
}
