/* banchi-auth's control table and its quick commands (control.h): they
 * read the published snapshot inside an RCU read section, the workers'
 * counters, and the refresher's state under its own short lock; none
 * of them waits for the publish lock, so they answer while a reload or
 * a batch of updates runs. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <urcu.h>

#include "authd/control.h"
#include "authd/daemon.h"
#include "daemon/log.h"

int control_zone_arg(const char *value, uint8_t *origin, char *name,
		     struct ctl_reply *r)
{
	if (!value || !*value ||
	    name_from_text(origin, value, strlen(value),
			   (const uint8_t *)"") < 0) {
		ctl_fail(r, "'%.300s' is not a zone name", value ? value : "");
		return -1;
	}
	name_to_text(name, NAME_TEXT_MAX, origin);
	return 0;
}

void control_served_counts(struct daemon *x, size_t *zones, uint64_t *rrs)
{
	const struct served *s;

	*zones = 0;
	*rrs = 0;
	rcu_read_lock();
	s = rcu_dereference(x->srv.cur);
	if (s) {
		*zones = zonedb_count(s->db);
		for (size_t i = 0; i < *zones; i++)
			*rrs += zdb_zone_rr_count(zonedb_at(s->db, i));
	}
	rcu_read_unlock();
}

static void cmd_status(void *arg, const char *value, struct ctl_reply *r)
{
	struct daemon *x = arg;
	size_t zones, nsec, ndead;
	uint64_t rrs;

	(void)value;
	control_served_counts(x, &zones, &rrs);
	secondary_counts(&x->sec, &nsec, &ndead);
	ctl_put_str(r, "daemon", "banchi-auth");
	ctl_put_str(r, "version", BANCHI_VERSION);
	ctl_put_i64(r, "pid", (int64_t)getpid());
	ctl_put_secs(r, "uptime", ctl_uptime(x->ctl));
	ctl_put_u64(r, "workers", x->srv.nw);
	ctl_put_u64(r, "zones", zones);
	ctl_put_u64(r, "records", rrs);
	ctl_put_u64(r, "secondaries", nsec);
	ctl_put_u64(r, "secondaries_not_served", ndead);
	ctl_put_str(r, "log_level", log_level_name(log_get_level()));
}

uint64_t control_transfers_out(struct daemon *x)
{
	struct xfr_health *h = &x->health;
	uint64_t n = 0;

	pthread_mutex_lock(&h->mu);
	for (size_t i = 0; i < h->n; i++)
		n += h->p[i].nxfr;
	pthread_mutex_unlock(&h->mu);
	return n;
}

static void cmd_stats(void *arg, const char *value, struct ctl_reply *r)
{
	struct daemon *x = arg;
	uint64_t udp, tcp;

	(void)value;
	server_counts(&x->srv, &udp, &tcp);
	ctl_put_u64(r, "queries_udp", udp);
	ctl_put_u64(r, "queries_tcp", tcp);
	ctl_put_u64(r, "transfers_out", control_transfers_out(x));
}

/* The serial served, or -1 when the zone is not served. */
static int64_t served_serial(struct daemon *x, const uint8_t *origin)
{
	const struct zdb_zone *z;
	int64_t serial = -1;

	rcu_read_lock();
	z = zonedb_get(rcu_dereference(x->srv.cur)->db, origin);
	if (z)
		serial = zdb_zone_serial(z);
	rcu_read_unlock();
	return serial;
}

static void cmd_zone_refresh(void *arg, const char *value,
			     struct ctl_reply *r)
{
	struct daemon *x = arg;
	uint8_t origin[NAME_MAXLEN];
	char name[NAME_TEXT_MAX];
	int64_t serial;

	if (control_zone_arg(value, origin, name, r) < 0)
		return;
	serial = served_serial(x, origin);
	ctl_put_str(r, "zone", name);
	if (secondary_refresh_now(&x->sec, origin) < 0) {
		if (serial >= 0)
			ctl_fail(r, "zone %s is not a secondary here: it is "
				 "served from its file (reload it instead)",
				 name);
		else
			ctl_fail(r, "zone %s is not served here", name);
		return;
	}
	if (serial >= 0)
		ctl_put_u64(r, "serial", (uint64_t)serial);
	else
		ctl_put_null(r, "serial");
	ctl_put_str(r, "refresh", "started (as on a NOTIFY; see zone-status "
		    "for its outcome)");
}

static const struct ctl_cmd commands[] = {
	{ "status", NULL, CTL_NO_ARG, false, false, cmd_status },
	{ "stats", NULL, CTL_NO_ARG, false, false, cmd_stats },
	{ "reload", "zone", CTL_ARG_OPTIONAL, true, true, control_reload },
	{ "zone-status", "zone", CTL_ARG_REQUIRED, true, false,
	  control_zone_status },
	{ "zone-flush", "zone", CTL_ARG_REQUIRED, true, true,
	  control_zone_flush },
	{ "zone-refresh", "zone", CTL_ARG_REQUIRED, false, true,
	  cmd_zone_refresh },
	{ "log-level", "level", CTL_ARG_REQUIRED, false, true,
	  ctl_cmd_log_level },
	{ "why", "query", CTL_ARG_REQUIRED, false, false, control_why },
};

int control_open(struct daemon *x)
{
	struct ctl_conf c = {
		.daemon = "banchi-auth",
		.path = x->cfg.control,
		.def = CTL_AUTH_PATH,
		.cmds = commands,
		.ncmds = sizeof(commands) / sizeof(commands[0]),
		.arg = x,
		.metrics = x->cfg.has_metrics ? &x->cfg.metrics : NULL,
		.metrics_fn = control_metrics,
	};

	return ctl_open(&x->ctl, &c);
}
