/* banchi-dhcp's startup sequence (daemon.h). The lease database is
 * opened, and its WAL files made, before the privilege drop: the open
 * descriptors keep working for the unprivileged user, who needs no
 * write access to the database's folder. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "daemon/privs.h"
#include "daemon/sandbox.h"
#include "dhcpd/daemon.h"
#include "dhcpd/server.h"
#include "dhcpd/sock.h"

static int load(struct dserver *s, const struct dconfig *c)
{
	size_t loaded, skipped;

	s->store = store_open(c->lease_db);
	if (!s->store)
		return -1;
	if (dhcp_pool_init(&s->pool, &c->dc) < 0) {
		log_err("out of memory for the lease table");
		return -1;
	}
	dhcp_limit_init(&s->lim, &c->lim);
	s->pool.limit = &s->lim;
	if (store_load(s->store, &s->pool, &loaded, &skipped) < 0)
		return -1;
	log_info("lease db %s: %zu leases loaded%s", c->lease_db, loaded,
		 skipped ? " (some outside the range, kept on disk)" : "");
	if (c->dd.server)
		dhcp_pool_want_statics(&s->pool);
	return 0;
}

static int open_sock(struct dserver *s, struct dconfig *c)
{
	char a[INET_ADDRSTRLEN];
	struct in_addr in;
	uint32_t ifaddr;

	s->fd = dsock_open(c->interface, &ifaddr);
	if (s->fd < 0)
		return -1;
	if (!c->dc.server_id)
		c->dc.server_id = ifaddr;
	if (!c->dc.server_id) {
		log_err("%s has no IPv4 address: give --server-id",
			c->interface);
		return -1;
	}
	in.s_addr = htonl(c->dc.server_id);
	inet_ntop(AF_INET, &in, a, sizeof(a));
	log_info("serving %s on %s, server id %s, range %s", c->subnet,
		 c->interface, a, c->range);
	return 0;
}

static int open_ddns(struct dserver *s, const struct dconfig *c)
{
	char z[NAME_TEXT_MAX];

	if (!c->dd.server)
		return 0;
	s->dd = calloc(1, sizeof(*s->dd));
	if (!s->dd || ddns_open(s->dd, &c->dd) < 0)
		return -1;
	name_to_text(z, sizeof(z), c->dd.fzone);
	log_info("names of leases go to %s by dns update (%s, %s)",
		 c->dd.server, z, c->dd.has_key ? "signed" : "unsigned");
	return 0;
}

int dhcpd_run(struct dconfig *c, const sigset_t *set)
{
	struct dserver *s = calloc(1, sizeof(*s));
	int ret = 1;

	if (!s) {
		log_err("out of memory");
		return 1;
	}
	s->fd = -1;
	/* the interface first: a mistyped one makes no lease file */
	if (open_sock(s, c) == 0 && load(s, c) == 0 && open_ddns(s, c) == 0 &&
	    privs_drop(c->user, c->group, c->chroot, c->allow_root) == 0) {
		sandbox_enter("banchi-dhcp", !c->sandbox);
		ret = dserver_run(s, set);
		dserver_log_stats(s);
	}
	if (s->dd)
		ddns_close(s->dd);
	free(s->dd);
	if (s->fd >= 0)
		close(s->fd);
	dhcp_pool_clear(&s->pool);
	store_close(s->store);
	free(s);
	return ret;
}

int dhcpd_leases(int argc, char **argv)
{
	const char *path = NULL, *who = NULL;
	bool all = false, why = !strcmp(argv[0], "why");
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all") && !why)
			all = true;
		else if (!strcmp(argv[i], "--lease-db") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--lease-db=", 11))
			path = argv[i] + 11;
		else if (why && !who && argv[i][0] != '-')
			who = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path || why != (who != NULL)) {
		fputs("usage: banchi-dhcp leases --lease-db PATH [--all]\n"
		      "       banchi-dhcp why HOST-OR-MAC --lease-db PATH\n",
		      stderr);
		return 2;
	}
	if (why)
		return store_why(path, who, stdout);
	return store_list(path, all, stdout) < 0 ? 1 : 0;
}
