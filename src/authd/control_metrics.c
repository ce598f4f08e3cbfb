/* banchi-auth's metrics (the Prometheus endpoint, --metrics): what the
 * workers counted (summed over their threads at each scrape), the zones
 * and records served, transfers out, secondary zones. Run by the
 * control thread; reads what the status and stats commands read. */
#include <stdio.h>
#include <time.h>

#include "authd/control.h"
#include "authd/daemon.h"
#include "qlog/qlog.h"

static void queries(struct daemon *x, struct ctl_mtext *m)
{
	struct ctl_qsum sum = { 0 };
	uint64_t udp, tcp;

	server_counts(&x->srv, &udp, &tcp);
	ctl_mt_family(m, "banchi_auth_queries_total", "counter",
		      "Queries received, by transport.");
	ctl_mt_u64(m, "banchi_auth_queries_total", "transport=\"udp\"", udp);
	ctl_mt_u64(m, "banchi_auth_queries_total", "transport=\"tcp\"", tcp);
	server_qstats(&x->srv, &sum);
	ctl_mt_qsum(m, "banchi_auth_", &sum);
}

static void zones(struct daemon *x, struct ctl_mtext *m)
{
	size_t n, nsec, ndead;
	uint64_t rrs;

	control_served_counts(x, &n, &rrs);
	secondary_counts(&x->sec, &nsec, &ndead);
	ctl_mt_gauge(m, "banchi_auth_zones", "Zones served.", (double)n);
	ctl_mt_gauge(m, "banchi_auth_records", "Records in the zones served.",
		     (double)rrs);
	ctl_mt_gauge(m, "banchi_auth_secondary_zones", "Zones this server is "
		     "a secondary of.", (double)nsec);
	ctl_mt_gauge(m, "banchi_auth_secondary_zones_expired", "Secondary "
		     "zones not served: past their SOA expire.", (double)ndead);
}

void control_metrics(void *arg, struct ctl_mtext *m)
{
	struct daemon *x = arg;

	ctl_mt_gauge(m, "process_start_time_seconds", "Start time of the "
		     "process since the epoch, in seconds.",
		     (double)time(NULL) - ctl_uptime(x->ctl));
	queries(x, m);
	ctl_mt_counter(m, "banchi_auth_transfers_out_total", "Zone "
		       "transfers (AXFR, IXFR) completed to secondaries.",
		       control_transfers_out(x));
	zones(x, m);
	qlog_metrics(m, "banchi_auth_", x->ql);
}
