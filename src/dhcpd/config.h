/* banchi-dhcp configuration: one schema table (config_schema.c) drives
 * the YAML keys and the flags; dconfig_finish turns the text into the
 * protocol core's struct dhcp_conf. Built whole at start, then
 * read-only. */
#ifndef BANCHI_DHCPD_CONFIG_H
#define BANCHI_DHCPD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/cfg.h"
#include "dhcp/limit.h"
#include "dhcp/pool.h"
#include "dhcpd/ddns.h"

struct dcfg_list {
	char **v;
	size_t n;
};

struct dconfig {
	/* dhcp */
	char *interface, *subnet, *range, *domain, *server_id;
	struct dcfg_list routers, dns, ntp, search, routes, statics, boot;
	char *boot_server, *boot_server_name;
	long lease_time, decline_time, offer_hold, mtu;
	long client_rate, client_burst, new_rate;
	char *lease_db;
	/* ddns */
	char *ddns, *key, *fzone, *rzone;
	long ddns_ttl;
	/* server */
	char *user, *group, *chroot;
	bool allow_root;
	bool sandbox;                   /* seccomp once serving */
	/* log */
	long log_level;
	bool log_syslog;
	char *path, *basedir;
	/* made by dconfig_finish */
	struct dhcp_conf dc;            /* server_id from --server-id, or
					 * 0 for the interface's */
	struct dhcp_static *st;
	struct dhcp_boot *boot_rules;
	struct dhcp_limit_conf lim;
	struct ddns_conf dd;            /* dd.server NULL: no updates */
};

extern const struct cfg_schema dconfig_cfg;
extern const char dconfig_usage[];
cfg_set_fn dconfig_set_list;

void dconfig_init(struct dconfig *c);
void dconfig_clear(struct dconfig *c);

/* Checks the options together and fills c->dc. 0 or -1 with err. */
int dconfig_finish(struct dconfig *c, char *err);

/* The network boot options into c->dc (config_boot.c). */
int dconfig_boot(struct dconfig *c, char *err);

/* Defaults, the config file (-c FILE), then the flags; then
 * dconfig_finish. CMDLINE_OK/HELP/VERSION or -1 with err. */
int dconfig_cmdline(struct dconfig *c, int argc, char **argv, char *err);

#endif
