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
#include "daemon/sandbox_fs.h"
#include "daemon/sdnotify.h"
#include "dhcpd/control.h"
#include "dhcpd/daemon.h"
#include "dhcpd/server.h"
#include "dhcpd/sock.h"
#include "dhcpd/sweep.h"

/* Each interface's pool, and the stored leases of its subnet. */
static int load(struct dserver *s, const struct dconfig *c)
{
	size_t loaded = 0, skipped = 0, all = 0, again = 0, k;
	char server[STORE_SERVER_MAX];

	s->store = store_open(c->lease_db);
	if (!s->store)
		return -1;
	if (c->dd.server && ddns_server_text(server, sizeof(server),
					     c->dd.server) == 0)
		store_set_server(s->store, server);
	for (k = 0; k < s->nlinks; k++) {
		if (dhcp_pool_init(&s->link[k].pool, &c->links[k].dc) < 0) {
			log_err("out of memory for the lease table");
			return -1;
		}
		dhcp_limit_init(&s->link[k].lim, &c->lim);
		s->link[k].pool.limit = &s->link[k].lim;
		s->pools[k] = &s->link[k].pool;
		if (store_load(s->store, s->pools[k], &loaded, &skipped) < 0)
			return -1;
		all += loaded;
		if (c->dd.server) {
			again += dhcp_pool_reassert(s->pools[k]);
			dhcp_pool_want_statics(s->pools[k]);
		}
	}
	if (again)
		log_info("dns: the %zu names registered before sent again "
			 "(a DNS server that lost them gets them back)", again);
	/* every pass reads every row: loaded + skipped of the last */
	log_info("lease db %s: %zu leases loaded%s", c->lease_db, all,
		 loaded + skipped > all ? " (some outside the ranges, kept "
		 "on disk)" : "");
	return 0;
}

static int open_link(struct dlink *l, struct dlink_conf *lc)
{
	char a[INET_ADDRSTRLEN];
	struct in_addr in;
	uint32_t ifaddr;

	l->lc = lc;
	l->fd = dsock_open(lc->ifname, &ifaddr);
	if (l->fd < 0)
		return -1;
	if (!lc->dc.server_id)
		lc->dc.server_id = ifaddr;
	if (!lc->dc.server_id) {
		log_err("%s has no IPv4 address: give --server-id",
			lc->ifname);
		return -1;
	}
	in.s_addr = htonl(lc->dc.server_id);
	inet_ntop(AF_INET, &in, a, sizeof(a));
	log_info("serving %s on %s, server id %s, range %s", lc->subnet,
		 lc->ifname, a, lc->range);
	return 0;
}

static int open_sock(struct dserver *s, struct dconfig *c)
{
	size_t k;

	for (k = 0; k < c->nlinks; k++) {
		s->nlinks = k + 1;
		if (open_link(&s->link[k], &c->links[k]) < 0)
			return -1;
	}
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
	s->dd_pools[0] = &s->orphans;
	memcpy(s->dd_pools + 1, s->pools, s->nlinks * sizeof(*s->pools));
	s->dd->pools = s->dd_pools;
	s->dd->npools = s->nlinks + 1;
	if (orphans_find(s, s->pools, s->nlinks, &s->orphans) < 0 ||
	    sweep_run(s->dd) < 0)
		return -1;
	name_to_text(z, sizeof(z), c->dd.fzone);
	log_info("names of leases go to %s by dns update (%s, %s)",
		 c->dd.server, z, c->dd.has_key ? "signed" : "unsigned");
	return 0;
}

/* Landlock, before any thread starts (it binds the threads made after):
 * the config's folder (reload), the lease database's folder (SQLite:
 * -journal, -wal beside it), the control socket. Always 0. */
static int enter_landlock(struct dserver *s)
{
	const struct dconfig *c = s->cfg;
	struct sandbox_fs f;

	sandbox_fs_init(&f, c->chroot);
	sandbox_fs_add(&f, c->basedir, SANDBOX_FS_READ);
	sandbox_fs_add_dir_of(&f, c->path, SANDBOX_FS_READ);
	sandbox_fs_add_dir_of(&f, c->lease_db, SANDBOX_FS_WRITE);
	sandbox_fs_add_dir_of(&f, ctl_path(s->ctl), SANDBOX_FS_SOCK);
	sandbox_fs_enter(&f, "banchi-dhcp", !c->landlock);
	sandbox_fs_clear(&f);
	return 0;
}

int dhcpd_run(struct dconfig *c, int argc, char **argv, const sigset_t *set)
{
	struct dserver *s = calloc(1, sizeof(*s));
	int ret = 1;
	size_t k;

	if (!s) {
		log_err("out of memory");
		return 1;
	}
	sdn_open();
	s->cfg = c;
	s->argc = argc;
	s->argv = argv;
	for (k = 0; k < DCONFIG_LINKS; k++)
		s->link[k].fd = -1;
	/* the interfaces first: a mistyped one makes no lease file */
	if (open_sock(s, c) == 0 && load(s, c) == 0 && open_ddns(s, c) == 0 &&
	    control_open(s) == 0 &&
	    privs_drop(c->user, c->group, c->chroot, c->allow_root) == 0 &&
	    enter_landlock(s) == 0 && ctl_start(s->ctl) == 0 &&
	    (s->cm = commit_start(s->store, &s->st.unsaved))) {
		if (s->dd)
			s->dd->cm = s->cm;
		sandbox_enter("banchi-dhcp", !c->sandbox);
		dserver_ready(s, NULL);
		ret = dserver_run(s, set);
		control_log_stats(s);
	}
	ctl_stop(s->ctl);
	commit_stop(s->cm);     /* the last replies, before the sockets go */
	if (s->dd) {
		sweep_clear(s->dd);
		ddns_close(s->dd);
	}
	free(s->dd);
	for (k = 0; k < s->nlinks; k++) {
		if (s->link[k].fd >= 0)
			close(s->link[k].fd);
		dhcp_pool_clear(&s->link[k].pool);
	}
	orphans_clear(&s->orphans);
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
