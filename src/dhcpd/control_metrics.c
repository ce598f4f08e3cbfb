/* banchi-dhcp's metrics (the Prometheus endpoint, --metrics): the
 * messages received and answered, the requests dropped by reason and
 * refused by the rate limits, DNS updates by result, the leases in
 * effect. Run by the control thread on the serving thread's counters
 * (relaxed atomics); the same numbers as banchi-ctl stats. */
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "dhcpd/control.h"

#define GET(x) ctl_counter_get(&(x))

static void messages(struct dstats *t, struct ctl_mtext *m)
{
	static const struct { const char *name, *help; size_t off; } c[] = {
#define C(n, h) { "banchi_dhcp_" #n "_total", h, offsetof(struct dstats, n) }
		C(received, "DHCP datagrams received."),
		C(discovers, "DHCPDISCOVER messages served."),
		C(offers, "DHCPOFFER replies sent."),
		C(requests, "DHCPREQUEST messages served."),
		C(acks, "DHCPACK replies to requests (not to informs)."),
		C(naks, "DHCPNAK replies sent."),
		C(declines, "DHCPDECLINE messages received."),
		C(releases, "DHCPRELEASE messages received."),
		C(informs, "DHCPINFORM messages answered."),
#undef C
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		ctl_mt_counter(m, c[i].name, c[i].help,
			       GET(*(ctl_counter *)((char *)t + c[i].off)));
}

static void refusals(struct dstats *t, struct ctl_mtext *m)
{
	char label[64];

	ctl_mt_family(m, "banchi_dhcp_dropped_total", "counter", "Requests "
		      "left unanswered, by reason.");
	for (size_t i = 0; i < DROP_REASONS; i++) {
		snprintf(label, sizeof(label), "reason=\"%s\"",
			 dstat_drop_name((enum dstat_drop)i));
		ctl_mt_u64(m, "banchi_dhcp_dropped_total", label,
			   GET(t->dropped[i]));
	}
	ctl_mt_family(m, "banchi_dhcp_rate_limited_total", "counter",
		      "Requests refused by a rate limit, by limit.");
	ctl_mt_u64(m, "banchi_dhcp_rate_limited_total", "limit=\"client\"",
		   GET(t->limited_client));
	ctl_mt_u64(m, "banchi_dhcp_rate_limited_total", "limit=\"new\"",
		   GET(t->limited_new));
	ctl_mt_counter(m, "banchi_dhcp_control_releases_total", "Leases "
		       "released by banchi-ctl lease-release.",
		       GET(t->released_ctl));
	ctl_mt_counter(m, "banchi_dhcp_unsaved_replies_total", "Replies not "
		       "sent because the lease database could not be "
		       "written.", GET(t->unsaved));
}

static void dns(struct ddns *d, struct ctl_mtext *m)
{
	ctl_mt_family(m, "banchi_dhcp_dns_updates_total", "counter",
		      "DNS UPDATEs of leases' names, by result: ok (added or "
		      "removed), failed (no answer or an error, retried), "
		      "refused (the name is someone else's).");
	ctl_mt_u64(m, "banchi_dhcp_dns_updates_total", "result=\"ok\"",
		   d ? GET(d->st.added) + GET(d->st.removed) : 0);
	ctl_mt_u64(m, "banchi_dhcp_dns_updates_total", "result=\"failed\"",
		   d ? GET(d->st.failures) : 0);
	ctl_mt_u64(m, "banchi_dhcp_dns_updates_total", "result=\"refused\"",
		   d ? GET(d->st.refused) : 0);
	ctl_mt_counter(m, "banchi_dhcp_dns_messages_sent_total", "DNS UPDATE "
		       "messages sent (each step and retry).",
		       d ? GET(d->st.sent) : 0);
}

void control_metrics(void *arg, struct ctl_mtext *m)
{
	struct dserver *s = arg;

	ctl_mt_gauge(m, "process_start_time_seconds", "Start time of the "
		     "process since the epoch, in seconds.",
		     (double)time(NULL) - ctl_uptime(s->ctl));
	messages(&s->st, m);
	refusals(&s->st, m);
	dns(s->dd, m);
	ctl_mt_gauge(m, "banchi_dhcp_leases_active", "Leases bound and not "
		     "expired, all interfaces.", (double)GET(s->st.active));
}
