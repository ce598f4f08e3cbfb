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

/* One interface served: its name, and the core's settings for its
 * subnet (the shared options, its own network, router, server
 * identifier and static leases). */
#define DCONFIG_LINKS 8
struct dlink_conf {
	char ifname[16];                /* IFNAMSIZ */
	char subnet[20], range[32];     /* as given, for the log */
	struct dhcp_conf dc;            /* server_id 0: the interface's */
	struct dhcp_static *st;         /* dc.statics */
};

struct dconfig {
	/* dhcp */
	char *subnet, *range, *domain, *server_id;
	struct dcfg_list interfaces, routers, dns, ntp, search, routes,
			 statics, boot;
	char *boot_server, *boot_server_name;
	long lease_time, decline_time, offer_hold, mtu;
	long client_rate, client_burst, new_rate;
	char *lease_db;
	/* ddns */
	char *ddns, *key, *fzone;
	struct dcfg_list rzones;        /* ddns.reverse-zone, repeatable */
	long ddns_ttl;
	long ddns_grace;
	bool ddns_sweep;
	/* server */
	char *user, *group, *chroot;
	bool allow_root;
	bool sandbox;                   /* seccomp once serving */
	bool landlock;                  /* Landlock once serving */
	char *control;                  /* control socket: NULL for the
					 * default, "none" for none */
	struct cfg_listen metrics;      /* the metrics endpoint, when */
	bool has_metrics;               /* on (off by default) */
	/* log */
	long log_level;
	bool log_syslog;
	char *path, *basedir;
	/* made by dconfig_finish */
	struct dhcp_conf dc;            /* the options the interfaces share,
					 * and the plain --interface's
					 * network and --server-id */
	struct dhcp_static *st;         /* every static lease */
	struct dlink_conf links[DCONFIG_LINKS];
	size_t nlinks;
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

/* Parsers shared by the config files: an IPv4 address (host order);
 * "ADDR/BITS" (host bits must be zero unless loose). 0 or -1. */
int dconfig_addr4(const char *text, uint32_t *a);
int dconfig_cidr4(const char *text, uint32_t *net, int *width, bool loose);

/* "ADDR/BITS" (8-30) and "FIRST-LAST" inside it into k's net, mask,
 * first and last (config_link.c). 0 or -1 with err. */
int dconfig_net_range(struct dhcp_conf *k, const char *subnet,
		      const char *range, char *err);
/* The interfaces into c->links, each with c->dc's options and the
 * static leases of its subnet (config_link.c). 0 or -1 with err. */
int dconfig_links(struct dconfig *c, char *err);

/* The network boot options into c->dc (config_boot.c). */
int dconfig_boot(struct dconfig *c, char *err);

/* Defaults, the config file (-c FILE), then the flags; then
 * dconfig_finish. CMDLINE_OK/HELP/VERSION or -1 with err. */
int dconfig_cmdline(struct dconfig *c, int argc, char **argv, char *err);

#endif
