/* banchi-dhcp's counters, one table read three ways: the stats command
 * (serving thread, JSON), the SIGUSR1 log line (serving thread) and the
 * Prometheus metrics (control thread, --metrics): the messages received
 * and answered, the requests dropped by reason and refused by the rate
 * limits, DNS updates by result, the leases in effect. The counters are
 * relaxed atomics. */
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "dhcpd/control.h"
#include "daemon/log.h"

#define GET(x) ctl_counter_get(&(x))

/* Where a counter is read. */
enum dc_from {
	DC_ST,          /* struct dstats at off */
	DC_DD,          /* struct ddns_stats at off, 0 without DNS updates */
	DC_DD_OK,       /* names added + removed */
	DC_DROP,        /* dropped[], by reason */
	DC_COMMITS,     /* the store's (serving thread: stats only) */
};

struct dcounter {
	const char *key;        /* in the stats reply */
	const char *metric;     /* its family, NULL: stats only */
	const char *label;      /* its sample's label, NULL: none */
	const char *help;       /* the family's, on its first sample */
	enum dc_from from;
	size_t off;
};

#define MSG(n, h) { #n, "banchi_dhcp_" #n "_total", NULL, h, DC_ST, \
		    offsetof(struct dstats, n) }
#define ST(k, m, l, h, f) { k, m, l, h, DC_ST, offsetof(struct dstats, f) }
#define DD(k, m, l, h, f) { k, m, l, h, DC_DD, \
			    offsetof(struct ddns_stats, f) }
#define LIMITED "banchi_dhcp_rate_limited_total"
#define UPDATES "banchi_dhcp_dns_updates_total"

static const struct dcounter counters[] = {
	MSG(received, "DHCP datagrams received."),
	MSG(discovers, "DHCPDISCOVER messages served."),
	MSG(offers, "DHCPOFFER replies sent."),
	MSG(requests, "DHCPREQUEST messages served."),
	MSG(acks, "DHCPACK replies to requests (not to informs)."),
	MSG(naks, "DHCPNAK replies sent."),
	MSG(declines, "DHCPDECLINE messages received."),
	MSG(releases, "DHCPRELEASE messages received."),
	MSG(informs, "DHCPINFORM messages answered."),
	{ "dropped", "banchi_dhcp_dropped_total", NULL,
	  "Requests left unanswered, by reason.", DC_DROP, 0 },
	ST("rate_limited", NULL, NULL, NULL, limited),
	ST("rate_limited_client", LIMITED, "limit=\"client\"",
	   "Requests refused by a rate limit, by limit.", limited_client),
	ST("rate_limited_new", LIMITED, "limit=\"new\"", NULL, limited_new),
	ST("released_by_control", "banchi_dhcp_control_releases_total", NULL,
	   "Leases released by banchi-ctl lease-release.", released_ctl),
	ST("unsaved", "banchi_dhcp_unsaved_replies_total", NULL,
	   "Replies not sent because the lease database could not be "
	   "written.", unsaved),
	{ "commits", NULL, NULL, NULL, DC_COMMITS, 0 },
	DD("dns_updates_sent", "banchi_dhcp_dns_messages_sent_total", NULL,
	   "DNS UPDATE messages sent (each step and retry).", sent),
	{ "dns_updates_ok", UPDATES, "result=\"ok\"",
	  "DNS UPDATEs of leases' names, by result: ok (added or removed), "
	  "failed (no answer or an error, retried), refused (the name is "
	  "someone else's).", DC_DD_OK, 0 },
	DD("dns_updates_failed", UPDATES, "result=\"failed\"", NULL, failures),
	DD("dns_refused", UPDATES, "result=\"refused\"", NULL, refused),
};

#define NCOUNTERS (sizeof(counters) / sizeof(counters[0]))

static uint64_t read_counter(struct dserver *s, const struct dcounter *c)
{
	struct ddns_stats *d = s->dd ? &s->dd->st : NULL;

	switch (c->from) {
	case DC_ST:
		return GET(*(ctl_counter *)((char *)&s->st + c->off));
	case DC_DD:
		return d ? GET(*(ctl_counter *)((char *)d + c->off)) : 0;
	case DC_DD_OK:
		return d ? GET(d->added) + GET(d->removed) : 0;
	case DC_COMMITS:
		return store_commits(s->store);
	case DC_DROP:
		break;
	}
	return 0;
}

void control_stats(void *arg, const char *value, struct ctl_reply *r)
{
	struct dserver *s = arg;

	(void)value;
	for (size_t i = 0; i < NCOUNTERS; i++) {
		const struct dcounter *c = &counters[i];

		if (c->from != DC_DROP) {
			ctl_put_u64(r, c->key, read_counter(s, c));
			continue;
		}
		ctl_open_obj(r, c->key);
		for (size_t k = 0; k < DROP_REASONS; k++)
			ctl_put_u64(r, dstat_drop_name((enum dstat_drop)k),
				    GET(s->st.dropped[k]));
		ctl_close(r);
	}
	ctl_put_u64(r, "active_leases", dserver_count_active(s));
}

/* SIGUSR1 and the exit: the same counters in one log line, key=value,
 * the drops summed. */
void control_log_stats(struct dserver *s)
{
	char line[1024];
	size_t n = 0;

	for (size_t i = 0; i < NCOUNTERS && n < sizeof(line); i++) {
		const struct dcounter *c = &counters[i];
		uint64_t v = read_counter(s, c);

		if (c->from == DC_DROP)
			for (size_t k = 0; k < DROP_REASONS; k++)
				v += GET(s->st.dropped[k]);
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%llu",
				      c->key, (unsigned long long)v);
	}
	log_info("stats:%s", line);
}

static void metric_drops(struct dserver *s, const struct dcounter *c,
			 struct ctl_mtext *m)
{
	char label[64];

	ctl_mt_family(m, c->metric, "counter", c->help);
	for (size_t k = 0; k < DROP_REASONS; k++) {
		snprintf(label, sizeof(label), "reason=\"%s\"",
			 dstat_drop_name((enum dstat_drop)k));
		ctl_mt_u64(m, c->metric, label, GET(s->st.dropped[k]));
	}
}

void control_metrics(void *arg, struct ctl_mtext *m)
{
	struct dserver *s = arg;

	ctl_mt_gauge(m, "process_start_time_seconds", "Start time of the "
		     "process since the epoch, in seconds.",
		     (double)time(NULL) - ctl_uptime(s->ctl));
	for (size_t i = 0; i < NCOUNTERS; i++) {
		const struct dcounter *c = &counters[i];

		if (!c->metric)
			continue;
		if (c->from == DC_DROP) {
			metric_drops(s, c, m);
		} else if (!c->label) {
			ctl_mt_counter(m, c->metric, c->help, read_counter(s, c));
		} else {
			if (c->help)
				ctl_mt_family(m, c->metric, "counter",
					      c->help);
			ctl_mt_u64(m, c->metric, c->label, read_counter(s, c));
		}
	}
	ctl_mt_gauge(m, "banchi_dhcp_leases_active", "Leases bound and not "
		     "expired, all interfaces.", (double)GET(s->st.active));
}
