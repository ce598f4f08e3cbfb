/* banchi-dhcp's reload (SIGHUP, banchi-ctl reload): the config read
 * again, checked whole, then each interface's pool made anew from it
 * and the leases loaded back from the store (every change is saved
 * first), so that static leases, options, ranges and limits change
 * without a restart and no lease is lost. What was bound or opened at
 * start stays; a config that does not load changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "dhcpd/server.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The interfaces are the sockets': the same names, in the same order. */
static int same_links(const struct dconfig *o, const struct dconfig *n,
		      char *err)
{
	if (o->nlinks != n->nlinks)
		return ERR("the interfaces changed (%zu, were %zu): that "
			   "needs a restart", n->nlinks, o->nlinks);
	for (size_t k = 0; k < n->nlinks; k++)
		if (strcmp(o->links[k].ifname, n->links[k].ifname))
			return ERR("interface %s is now %s: that needs a "
				   "restart", o->links[k].ifname,
				   n->links[k].ifname);
	return 0;
}

static bool same_list(const struct dcfg_list *a, const struct dcfg_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

#define SWAP(a, b) do { __typeof__(a) t_ = (a); (a) = (b); (b) = t_; } while (0)

/* What start fixed goes from o to n (o is freed next), with a warning
 * when the file asked for something else. */
static void keep_fixed(struct dconfig *o, struct dconfig *n)
{
	bool dd = same_str(o->ddns, n->ddns) && same_str(o->key, n->key) &&
		  same_str(o->fzone, n->fzone) &&
		  same_list(&o->rzones, &n->rzones) &&
		  o->ddns_ttl == n->ddns_ttl;
	bool proc = same_str(o->lease_db, n->lease_db) &&
		    same_str(o->user, n->user) &&
		    same_str(o->group, n->group) &&
		    same_str(o->chroot, n->chroot) &&
		    same_str(o->control, n->control) &&
		    o->has_metrics == n->has_metrics &&
		    (!o->has_metrics ||
		     !strcmp(o->metrics.text, n->metrics.text));

	if (!dd || !proc)
		log_warn("reload: lease-db, user, group, chroot, control, "
			 "metrics and the ddns settings need a restart; kept "
			 "as they were");
	SWAP(o->ddns, n->ddns);
	SWAP(o->key, n->key);
	SWAP(o->fzone, n->fzone);
	SWAP(o->rzones, n->rzones);
	SWAP(o->ddns_ttl, n->ddns_ttl);
	SWAP(o->dd, n->dd);
	SWAP(o->lease_db, n->lease_db);
	SWAP(o->control, n->control);
}

/* Each interface's settings that start fixed: whether names are
 * registered, the server identifier taken from the interface. */
static void fix_links(const struct dconfig *o, struct dconfig *n)
{
	for (size_t k = 0; k < n->nlinks; k++) {
		n->links[k].dc.ddns = o->dd.server != NULL;
		if (!n->links[k].dc.server_id)
			n->links[k].dc.server_id = o->links[k].dc.server_id;
	}
}

/* n's pools, with the stored leases: 0, or -1 with err (np cleared). */
static int make_pools(struct dserver *s, struct dconfig *n,
		      struct dhcp_pool *np, size_t *loaded, char *err)
{
	size_t k, i, got, skipped;

	*loaded = 0;
	for (k = 0; k < n->nlinks; k++) {
		if (dhcp_pool_init(&np[k], &n->links[k].dc) < 0 ||
		    store_load(s->store, &np[k], &got, &skipped) < 0) {
			for (i = 0; i <= k; i++)
				dhcp_pool_clear(&np[i]);
			return ERR("out of memory, or the lease database "
				   "unreadable (see the log)");
		}
		*loaded += got;
		if (s->dd)
			dhcp_pool_want_statics(&np[k]);
	}
	return 0;
}

/* The new config and pools in place of the old (and the leases
 * the new pools no longer hold, whose names go). */
static void swap_in(struct dserver *s, struct dconfig *n,
		    struct dhcp_pool *np, struct dhcp_pool *orphans)
{
	dconfig_clear(s->cfg);
	*s->cfg = *n;
	for (size_t k = 0; k < s->nlinks; k++) {
		struct dlink *l = &s->link[k];

		dhcp_pool_clear(&l->pool);
		l->pool = np[k];
		l->lc = &s->cfg->links[k];
		l->pool.conf = &l->lc->dc;
		dhcp_limit_init(&l->lim, &s->cfg->lim);
		l->pool.limit = &l->lim;
	}
	orphans_clear(&s->orphans);
	s->orphans = *orphans;
	if (s->dd)      /* the leases are new: their states are kept */
		ddns_reset(s->dd);
	s->active_stale = true;
}

static int reload(struct dserver *s, struct dconfig *n, char *err)
{
	struct dhcp_pool np[DCONFIG_LINKS], orphans, *npp[DCONFIG_LINKS];
	size_t loaded;

	if (same_links(s->cfg, n, err) < 0)
		return -1;
	if (dserver_sync(s) < 0)    /* what make_pools reads */
		return ERR("the lease database cannot be written (see the "
			   "log)");
	fix_links(s->cfg, n);
	memset(np, 0, sizeof(np));
	if (make_pools(s, n, np, &loaded, err) < 0)
		return -1;
	for (size_t k = 0; k < n->nlinks; k++)
		npp[k] = &np[k];
	if (orphans_find(s, npp, n->nlinks, &orphans) < 0) {
		for (size_t k = 0; k < n->nlinks; k++)
			dhcp_pool_clear(&np[k]);
		return ERR("out of memory, or the lease database unreadable "
			   "(see the log)");
	}
	keep_fixed(s->cfg, n);  /* nothing fails from here on */
	swap_in(s, n, np, &orphans);
	log_set_level((enum log_level)s->cfg->log_level);
	log_info("reload: done: %zu interfaces, %zu leases loaded again",
		 s->nlinks, loaded);
	return dserver_save(s) < 0 ? -1 : 0;  /* the statics' names */
}

int dserver_reload(struct dserver *s, char *err)
{
	struct dconfig n;
	char e[CONFIG_ERR_MAX];
	int ret = dconfig_cmdline(&n, s->argc, s->argv, e);

	if (ret != CMDLINE_OK) {
		/* the file's own errors say FILE:LINE; the checks after
		 * it (a bad static lease) get the file's name */
		if (n.path && strncmp(e, n.path, strlen(n.path)))
			snprintf(err, CONFIG_ERR_MAX, "%.200s: %.300s", n.path,
				 e);
		else
			snprintf(err, CONFIG_ERR_MAX, "%s", ret < 0 ? e :
				 "the command line asks for help, not a "
				 "server");
		dconfig_clear(&n);
		return -1;
	}
	if (reload(s, &n, err) < 0) {
		dconfig_clear(&n);
		return -1;
	}
	return 0;
}
