/* banchi-dhcp's served interfaces (--interface, repeatable): one plain
 * IF taking --subnet, --range, --router and --server-id, and any number
 * of IF=CIDR,FIRST-LAST[,ROUTER] with their own; the other options are
 * shared, and each static lease goes to the subnet of its address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcpd/config.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

static uint32_t mask_of(int width)
{
	return width ? 0xffffffffu << (32 - width) : 0;
}

int dconfig_net_range(struct dhcp_conf *k, const char *subnet,
		      const char *range, char *err)
{
	char buf[64], *dash;
	int w;

	if (!subnet || !range)
		return ERR("--subnet and --range go together");
	if (dconfig_cidr4(subnet, &k->net, &w, false) < 0 || w < 8 || w > 30)
		return ERR("subnet '%s' is not ADDR/BITS (8-30, host bits "
			   "zero)", subnet);
	k->mask = mask_of(w);
	if (strlen(range) >= sizeof(buf))
		return ERR("range '%s': too long", range);
	strcpy(buf, range);
	dash = strchr(buf, '-');
	if (dash)
		*dash = 0;
	if (!dash || dconfig_addr4(buf, &k->first) ||
	    dconfig_addr4(dash + 1, &k->last) || k->first > k->last ||
	    (k->first & k->mask) != k->net || (k->last & k->mask) != k->net ||
	    k->first == k->net || k->last == (k->net | ~k->mask) ||
	    k->last - k->first >= DHCP_RANGE_MAX)
		return ERR("range '%s' is not FIRST-LAST inside the subnet "
			   "(at most %d addresses)", range, DHCP_RANGE_MAX);
	return 0;
}

/* "IF=CIDR,FIRST-LAST[,ROUTER]": l->dc already holds the shared
 * options; its network, router and (unknown yet) server id are set. */
static int link_spec(struct dlink_conf *l, char *text, char *err)
{
	char *sub = strchr(text, '='), *range, *router;
	struct dhcp_conf *k = &l->dc;

	*sub++ = 0;
	range = strchr(sub, ',');
	if (!range)
		return ERR("--interface wants IF=CIDR,FIRST-LAST[,ROUTER], not "
			   "'%s=%s'", text, sub);
	*range++ = 0;
	router = strchr(range, ',');
	if (router)
		*router++ = 0;
	if (strlen(sub) >= sizeof(l->subnet) ||
	    strlen(range) >= sizeof(l->range))
		return ERR("--interface %s: subnet or range too long", text);
	if (dconfig_net_range(k, sub, range, err) < 0)
		return -1;
	strcpy(l->subnet, sub);
	strcpy(l->range, range);
	k->server_id = 0;
	k->nrouters = 0;
	if (router && (dconfig_addr4(router, &k->routers[0]) < 0 ||
		       (k->routers[0] & k->mask) != k->net))
		return ERR("--interface %s: router '%s' is not an address of "
			   "its subnet", text, router);
	k->nrouters = router ? 1 : 0;
	return 0;
}

static int one_link(struct dconfig *c, struct dlink_conf *l,
		    const char *arg, bool *plain, char *err)
{
	char text[128];

	if (strlen(arg) >= sizeof(text) ||
	    strcspn(arg, "=") >= sizeof(l->ifname))
		return ERR("--interface '%s': too long", arg);
	strcpy(text, arg);
	l->dc = c->dc;
	if (strchr(text, '=')) {
		if (link_spec(l, text, err) < 0)
			return -1;
		strcpy(l->ifname, text);
		return 0;
	}
	strcpy(l->ifname, text);
	if (*plain)
		return ERR("--interface: only one without =CIDR,FIRST-LAST");
	*plain = true;
	if (!c->subnet)
		return ERR("--interface %s needs --subnet and --range (or "
			   "%s=CIDR,FIRST-LAST)", text, text);
	snprintf(l->subnet, sizeof(l->subnet), "%s", c->subnet);
	snprintf(l->range, sizeof(l->range), "%s", c->range);
	return 0;
}

/* Two interfaces of one name, or subnets that overlap. */
static int link_clash(const struct dconfig *c, size_t i, char *err)
{
	const struct dhcp_conf *a = &c->links[i].dc, *b;
	size_t j;

	for (j = 0; j < i; j++) {
		b = &c->links[j].dc;
		if (!strcmp(c->links[j].ifname, c->links[i].ifname))
			return ERR("--interface %s given twice",
				   c->links[i].ifname);
		if ((a->net & b->mask) == b->net ||
		    (b->net & a->mask) == a->net)
			return ERR("--interface %s: subnet %s overlaps %s's",
				   c->links[i].ifname, c->links[i].subnet,
				   c->links[j].ifname);
	}
	return 0;
}

/* Each static lease to the interface of its subnet. */
static int link_statics(struct dconfig *c, char *err)
{
	struct dlink_conf *l;
	size_t i, k, n;

	for (k = 0; k < c->nlinks; k++) {
		l = &c->links[k];
		l->st = calloc(c->statics.n + 1, sizeof(*l->st));
		if (!l->st)
			return ERR("out of memory");
		for (i = n = 0; i < c->statics.n; i++)
			if ((c->st[i].addr & l->dc.mask) == l->dc.net)
				l->st[n++] = c->st[i];
		l->dc.statics = l->st;
		l->dc.nstatic = n;
	}
	for (i = 0; i < c->statics.n; i++) {
		for (k = 0; k < c->nlinks; k++)
			if ((c->st[i].addr & c->links[k].dc.mask) ==
			    c->links[k].dc.net)
				break;
		if (k == c->nlinks)
			return ERR("--static: '%s' is not in a subnet served",
				   c->statics.v[i]);
	}
	return 0;
}

int dconfig_links(struct dconfig *c, char *err)
{
	bool plain = false;
	size_t i;

	if (c->interfaces.n > DCONFIG_LINKS)
		return ERR("--interface: at most %d", DCONFIG_LINKS);
	for (i = 0; i < c->interfaces.n; i++) {
		c->nlinks = i + 1;
		if (one_link(c, &c->links[i], c->interfaces.v[i], &plain,
			     err) < 0 ||
		    link_clash(c, i, err) < 0)
			return -1;
	}
	if (c->subnet && !plain)
		return ERR("--subnet and --range are for a plain --interface "
			   "IF");
	return link_statics(c, err);
}
