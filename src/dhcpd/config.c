/* banchi-dhcp's configuration (config.h): list options, and the checks
 * and conversions from the options' text to the core's dhcp_conf. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/opt.h"
#include "dhcpd/config.h"
#include "wire/name.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

void dconfig_init(struct dconfig *c)
{
	cfg_init(&dconfig_cfg, c, sizeof(*c));
}

static void list_clear(struct dcfg_list *l)
{
	while (l->n)
		free(l->v[--l->n]);
	free(l->v);
	l->v = NULL;
}

void dconfig_clear(struct dconfig *c)
{
	char **s[] = { &c->subnet, &c->range, &c->domain,
		       &c->server_id, &c->lease_db, &c->user, &c->group,
		       &c->chroot, &c->path, &c->basedir, &c->ddns, &c->key,
		       &c->fzone, &c->boot_server,
		       &c->boot_server_name, &c->control };
	struct dcfg_list *l[] = { &c->interfaces, &c->routers, &c->dns, &c->ntp, &c->search,
				  &c->routes, &c->statics, &c->boot, &c->rzones };
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		free(*s[i]);
	for (i = 0; i < sizeof(l) / sizeof(l[0]); i++)
		list_clear(l[i]);
	free(c->st);
	free(c->boot_rules);
	for (i = 0; i < c->nlinks; i++)
		free(c->links[i].st);
	tsig_spec_wipe(&c->dd.key);
	memset(c, 0, sizeof(*c));
}

int dconfig_set_list(void *base, const struct cfg_opt *o, const char *text,
		     char *err)
{
	struct dcfg_list *l = (void *)((char *)base + o->offset);
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return ERR("out of memory");
	l->v = v;
	l->v[l->n] = strdup(text);
	if (!l->v[l->n])
		return ERR("out of memory");
	l->n++;
	return 0;
}

int dconfig_addr4(const char *text, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, text, &in) != 1)
		return -1;
	*a = ntohl(in.s_addr);
	return 0;
}

int dconfig_cidr4(const char *text, uint32_t *net, int *width, bool loose)
{
	char buf[64], *slash, *end;
	long w;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = 0;
	w = strtol(slash + 1, &end, 10);
	if (*end || end == slash + 1 || w < 0 || w > 32 ||
	    dconfig_addr4(buf, net))
		return -1;
	*width = (int)w;
	if (!loose && w < 32 && (*net & (0xffffffffu >> w)))
		return -1;
	return 0;
}

/* An address list option into a[] (at most DHCP_LIST_MAX). */
static int addr_list(const struct dcfg_list *l, const char *name,
		     uint32_t *a, size_t *n, char *err)
{
	size_t i;

	if (l->n > DHCP_LIST_MAX)
		return ERR("--%s: at most %d addresses", name, DHCP_LIST_MAX);
	for (i = 0; i < l->n; i++)
		if (dconfig_addr4(l->v[i], &a[i]) < 0)
			return ERR("--%s: '%s' is not an IPv4 address", name,
				   l->v[i]);
	*n = l->n;
	return 0;
}

static int parse_mac(const char *text, uint8_t mac[6])
{
	unsigned b[6];
	int i, used = 0;

	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5], &used) != 6 || text[used])
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if ((ch | 32) >= 'a' && (ch | 32) <= 'f')
		return (ch | 32) - 'a' + 10;
	return -1;
}

/* A client identifier as hex octets, colons between them optional:
 * 2 to DHCP_CID_MAX octets (what dhcp_client_of takes). */
static int parse_cid(const char *text, struct dhcp_static *s)
{
	int hi, lo;

	s->cidlen = 0;
	while (*text) {
		hi = hex_digit(text[0]);
		lo = hi < 0 ? -1 : hex_digit(text[1]);
		if (lo < 0 || s->cidlen >= DHCP_CID_MAX)
			return -1;
		s->cid[s->cidlen++] = (uint8_t)(hi << 4 | lo);
		text += 2;
		if (*text == ':' && text[1])
			text++;
	}
	return s->cidlen >= 2 ? 0 : -1;
}

static int static_key(const char *key, struct dhcp_static *s, char *err)
{
	if (!strncmp(key, "id:", 3)) {
		if (parse_cid(key + 3, s) < 0)
			return ERR("--static: '%s' is not a client identifier "
				   "(id: and 2 to %d hex octets)", key,
				   DHCP_CID_MAX);
		return 0;
	}
	if (parse_mac(key, s->mac) < 0)
		return ERR("--static: '%s' is not a MAC address or id:HEX",
			   key);
	return 0;
}

/* "MAC=ADDR[,NAME]" or "id:HEX=ADDR[,NAME]" (its subnet is checked by
 * dconfig_links) */
static int one_static(const char *text,
		      struct dhcp_static *s, char *err)
{
	char buf[256], *eq, *comma;

	if (strlen(text) >= sizeof(buf))
		return ERR("--static: '%s' is too long", text);
	strcpy(buf, text);
	eq = strchr(buf, '=');
	if (!eq)
		return ERR("--static wants MAC=ADDR[,NAME] or id:HEX=ADDR[,NAME],"
			   " not '%s'", text);
	*eq = 0;
	comma = strchr(eq + 1, ',');
	if (comma)
		*comma = 0;
	if (static_key(buf, s, err) < 0)
		return -1;
	if (dconfig_addr4(eq + 1, &s->addr) < 0)
		return ERR("--static: '%s' is not an IPv4 address", eq + 1);
	if (comma && !dhcp_host_clean(s->name, sizeof(s->name),
				      (const uint8_t *)comma + 1,
				      strlen(comma + 1)))
		return ERR("--static: '%s' is not a host name", comma + 1);
	return 0;
}

/* Whether two static leases could be one client's or share an
 * address: the same address, MAC or identifier, or an identifier that
 * is hardware type 1 and the other's MAC (what such a client sends). */
static bool static_clash(const struct dhcp_static *a,
			 const struct dhcp_static *b)
{
	const struct dhcp_static *m = a->cidlen ? b : a, *i = a->cidlen ? a : b;

	if (a->addr == b->addr)
		return true;
	if (!a->cidlen && !b->cidlen)
		return !memcmp(a->mac, b->mac, 6);
	if (a->cidlen && b->cidlen)
		return a->cidlen == b->cidlen &&
		       !memcmp(a->cid, b->cid, a->cidlen);
	return i->cidlen == 7 && i->cid[0] == 1 && !memcmp(i->cid + 1, m->mac, 6);
}

static int statics(struct dconfig *c, char *err)
{
	size_t i, j;

	c->st = calloc(c->statics.n + 1, sizeof(*c->st));
	if (!c->st)
		return ERR("out of memory");
	for (i = 0; i < c->statics.n; i++) {
		if (one_static(c->statics.v[i], &c->st[i], err) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (static_clash(&c->st[j], &c->st[i]))
				return ERR("--static: '%s' repeats the client "
					   "or address of '%s'",
					   c->statics.v[i], c->statics.v[j]);
	}
	return 0;
}

static int routes(struct dconfig *c, char *err)
{
	struct dhcp_route r[64];
	char buf[64], *eq;
	size_t i;
	int w, n;

	if (c->routes.n > 64)
		return ERR("--route: at most 64 routes");
	for (i = 0; i < c->routes.n; i++) {
		if (strlen(c->routes.v[i]) >= sizeof(buf))
			return ERR("--route: '%s' is too long", c->routes.v[i]);
		strcpy(buf, c->routes.v[i]);
		eq = strchr(buf, '=');
		if (eq)
			*eq = 0;
		if (!eq || dconfig_cidr4(buf, &r[i].prefix, &w, false) < 0 ||
		    dconfig_addr4(eq + 1, &r[i].router) < 0)
			return ERR("--route wants CIDR=ROUTER, not '%s'",
				   c->routes.v[i]);
		r[i].width = (uint8_t)w;
	}
	n = dhcp_routes_encode(c->dc.routes, sizeof(c->dc.routes), r,
			       c->routes.n);
	if (n < 0)
		return ERR("--route: too many routes");
	c->dc.routes_len = (size_t)n;
	return 0;
}

static int options(struct dconfig *c, char *err)
{
	struct dhcp_conf *k = &c->dc;
	int n;

	if (addr_list(&c->routers, "router", k->routers, &k->nrouters, err) ||
	    addr_list(&c->dns, "dns", k->dns, &k->ndns, err) ||
	    addr_list(&c->ntp, "ntp", k->ntp, &k->nntp, err))
		return -1;
	if (c->domain && strlen(c->domain) >= sizeof(k->domain))
		return ERR("--domain: too long");
	if (c->domain)
		strcpy(k->domain, c->domain);
	n = dhcp_search_encode(k->search, sizeof(k->search),
			       (const char *const *)c->search.v, c->search.n);
	if (n < 0)
		return ERR("--search: a bad name, or too many");
	k->search_len = (size_t)n;
	k->mtu = (uint16_t)c->mtu;
	if (k->mtu && k->mtu < 68)
		return ERR("--mtu: at least 68");
	return routes(c, err);
}

/* The plain --interface's subnet and range (c->dc) and the server
 * identifier; each --interface IF=... has its own (config_link.c). */
static int network(struct dconfig *c, char *err)
{
	struct dhcp_conf *k = &c->dc;

	if (!c->interfaces.n || !c->lease_db)
		return ERR("--interface and --lease-db are needed (see --help)");
	if ((c->subnet || c->range) &&
	    dconfig_net_range(k, c->subnet, c->range, err) < 0)
		return -1;
	if (c->server_id && dconfig_addr4(c->server_id, &k->server_id) < 0)
		return ERR("--server-id: '%s' is not an IPv4 address",
			   c->server_id);
	return 0;
}

static int zone(uint8_t *dst, const char *text, const char *flag, char *err)
{
	if (name_from_text(dst, text, strlen(text), (const uint8_t *)"") < 0)
		return ERR("--%s: '%s' is not a domain name", flag, text);
	name_to_lower(dst);
	return 0;
}

static int ddns(struct dconfig *c, char *err)
{
	struct ddns_conf *d = &c->dd;

	if (!c->ddns) {
		if (c->key || c->fzone || c->rzones.n)
			return ERR("--key, --forward-zone and --reverse-zone "
				   "need --ddns");
		return 0;
	}
	if (!c->fzone)
		return ERR("--ddns needs --forward-zone");
	d->server = c->ddns;
	c->dc.ddns = true;
	d->ttl = (uint32_t)c->ddns_ttl;
	d->sweep = c->ddns_sweep;
	if (zone(d->fzone, c->fzone, "forward-zone", err) < 0)
		return -1;
	if (c->rzones.n > DDNS_RZONES_MAX)
		return ERR("--reverse-zone: at most %d", DDNS_RZONES_MAX);
	d->nrzone = c->rzones.n;
	for (size_t i = 0; i < c->rzones.n; i++)
		if (zone(d->rzone[i], c->rzones.v[i], "reverse-zone", err) < 0)
			return -1;
	d->has_key = c->key != NULL;
	if (c->key && tsig_spec_parse(&d->key, c->key, err,
				      CONFIG_ERR_MAX) < 0)
		return -1;
	return 0;
}

int dconfig_finish(struct dconfig *c, char *err)
{
	struct dhcp_conf *k = &c->dc;

	memset(k, 0, sizeof(*k));
	if (network(c, err) < 0 || options(c, err) < 0 ||
	    statics(c, err) < 0 || ddns(c, err) < 0 ||
	    dconfig_boot(c, err) < 0)
		return -1;
	k->lease_time = (uint32_t)c->lease_time;
	k->ddns_grace = (uint32_t)c->ddns_grace;
	k->decline_time = (uint32_t)c->decline_time;
	k->offer_hold = (uint32_t)c->offer_hold;
	c->lim.rate = (uint32_t)c->client_rate;
	c->lim.burst = (uint32_t)c->client_burst;
	c->lim.new_rate = (uint32_t)c->new_rate;
	return dconfig_links(c, err);
}

int dconfig_cmdline(struct dconfig *c, int argc, char **argv, char *err)
{
	int ret;

	dconfig_init(c);
	ret = cfg_cmdline(&dconfig_cfg, c, argc, argv, NULL, err);
	if (ret != CMDLINE_OK)
		return ret;
	return dconfig_finish(c, err);
}
