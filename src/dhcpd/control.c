/* banchi-dhcp's control table and commands (doc/control.md). The
 * leases, pools and lease store belong to the serving thread, so every
 * command that reads or changes them runs there (main: woken through
 * its signalfd, between two rounds); only log-level and the metrics run
 * in the control thread, on counters kept as relaxed atomics. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "daemon/log.h"
#include "daemon/sdnotify.h"
#include "dhcpd/control.h"

static void put_addr(struct ctl_reply *r, const char *key, uint32_t a)
{
	char t[INET_ADDRSTRLEN];
	struct in_addr in = { htonl(a) };

	inet_ntop(AF_INET, &in, t, sizeof(t));
	ctl_put_str(r, key, t);
}

static void cmd_status(void *arg, const char *value, struct ctl_reply *r)
{
	struct dserver *s = arg;

	(void)value;
	ctl_put_str(r, "daemon", "banchi-dhcp");
	ctl_put_str(r, "version", BANCHI_VERSION);
	ctl_put_i64(r, "pid", (int64_t)getpid());
	ctl_put_secs(r, "uptime", ctl_uptime(s->ctl));
	ctl_put_str(r, "lease_db", s->cfg->lease_db);
	ctl_put_u64(r, "active_leases", dserver_count_active(s));
	ctl_open_arr(r, "interfaces");
	for (size_t k = 0; k < s->nlinks; k++) {
		const struct dlink_conf *lc = s->link[k].lc;

		ctl_open_obj(r, NULL);
		ctl_put_str(r, "interface", lc->ifname);
		ctl_put_str(r, "subnet", lc->subnet);
		ctl_put_str(r, "range", lc->range);
		put_addr(r, "server_id", lc->dc.server_id);
		ctl_put_u64(r, "static_leases", lc->dc.nstatic);
		ctl_close(r);
	}
	ctl_close(r);
	if (s->dd)
		ctl_put_str(r, "ddns", s->dd->conf->server);
	else
		ctl_put_null(r, "ddns");
	ctl_put_str(r, "log_level", log_level_name(log_get_level()));
}

static void cmd_reload(void *arg, const char *value, struct ctl_reply *r)
{
	char err[CONFIG_ERR_MAX];
	struct dserver *s = arg;
	size_t nst = 0;

	(void)value;
	log_info("reload: asked on the control socket");
	sdn_reloading();
	if (dserver_reload(s, err) < 0) {
		log_err("reload: %s; the old settings are kept", err);
		dserver_ready(s, err);
		ctl_fail(r, "reload failed: %s; the old settings are kept",
			 err);
		return;
	}
	dserver_ready(s, NULL);
	for (size_t k = 0; k < s->nlinks; k++)
		nst += s->link[k].lc->dc.nstatic;
	ctl_put_u64(r, "interfaces", s->nlinks);
	ctl_put_u64(r, "static_leases", nst);
	ctl_put_u64(r, "active_leases", dserver_count_active(s));
}

static const struct ctl_cmd commands[] = {
	{ "status", NULL, CTL_NO_ARG, true, false, cmd_status },
	{ "stats", NULL, CTL_NO_ARG, true, false, control_stats },
	{ "leases", "which", CTL_ARG_OPTIONAL, true, false, control_leases },
	{ "lease-release", "lease", CTL_ARG_REQUIRED, true, true,
	  control_release },
	{ "reload", NULL, CTL_NO_ARG, true, true, cmd_reload },
	{ "log-level", "level", CTL_ARG_REQUIRED, false, true,
	  ctl_cmd_log_level },
};

int control_open(struct dserver *s)
{
	struct ctl_conf c = {
		.daemon = "banchi-dhcp",
		.path = s->cfg->control,
		.def = CTL_DHCP_PATH,
		.cmds = commands,
		.ncmds = sizeof(commands) / sizeof(commands[0]),
		.arg = s,
		.metrics = s->cfg->has_metrics ? &s->cfg->metrics : NULL,
		.metrics_fn = control_metrics,
	};

	return ctl_open(&s->ctl, &c);
}
