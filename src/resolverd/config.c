/* banchi-resolver config values: defaults (from the schema, through the
 * shared engine cfg.h), the setters of its own option types (client
 * CIDRs, records, zones, block answer, forward/stub zones), and the
 * checks made once everything is read. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolverd/config.h"
#include "resolve/local.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

void rconfig_init(struct rconfig *c)
{
	cfg_init(&rconfig_cfg, c, sizeof(*c));
	c->threads = cfg_cores();
}

static void list_clear(struct rcfg_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void rconfig_clear(struct rconfig *c)
{
	size_t i;

	for (i = 0; i < c->nfwd; i++) {
		free(c->fwd[i].zone);
		free(c->fwd[i].to);
	}
	free(c->fwd);
	free(c->listen);
	free(c->user);
	free(c->group);
	free(c->chroot);
	free(c->root_hints);
	free(c->trust_anchor);
	free(c->auto_trust_anchor);
	free(c->cache_file);
	free(c->hosts);
	free(c->blocklist);
	free(c->control);
	free(c->identity);
	free(c->version_text);
	list_clear(&c->allow);
	list_clear(&c->allow_snoop);
	list_clear(&c->local_data);
	list_clear(&c->allow_special);
	list_clear(&c->domain_insecure);
	free(c->path);
	free(c->basedir);
	qlog_conf_clear(&c->qlog);
	memset(c, 0, sizeof(*c));
}

static int list_add(struct rcfg_list *l, const char *text, char *err)
{
	char **n = realloc(l->v, (l->n + 1) * sizeof(*n));

	if (!n)
		return ERR("out of memory");
	l->v = n;
	l->v[l->n] = strdup(text);
	if (!l->v[l->n])
		return ERR("out of memory");
	l->n++;
	return 0;
}

/* "nxdomain", or one IPv4 and/or one IPv6 address (space or comma). */
int rconfig_set_block(void *base, const struct cfg_opt *o, const char *text,
		      char *err)
{
	struct rconfig *c = base;
	char buf[128], *tok, *save = NULL;

	c->block_has4 = c->block_has6 = false;
	if (strcmp(text, "nxdomain") == 0)
		return 0;
	if (strlen(text) >= sizeof(buf))
		return ERR("%s: '%s' is too long", o->key, text);
	strcpy(buf, text);
	for (tok = strtok_r(buf, " ,", &save); tok;
	     tok = strtok_r(NULL, " ,", &save)) {
		if (!c->block_has4 && inet_pton(AF_INET, tok, c->block4) == 1)
			c->block_has4 = true;
		else if (!c->block_has6 &&
			 inet_pton(AF_INET6, tok, c->block6) == 1)
			c->block_has6 = true;
		else
			return ERR("%s: '%s' is not nxdomain or one IPv4 "
				   "and/or one IPv6 address", o->key, text);
	}
	if (!c->block_has4 && !c->block_has6)
		return ERR("%s: empty value", o->key);
	return 0;
}

/* A client prefix into the list at o's offset (allow, allow-snoop). */
int rconfig_set_allow(void *base, const struct cfg_opt *o, const char *text,
		      char *err)
{
	char a[64], *slash;
	uint8_t buf[16];
	long bits = -1;

	if (strlen(text) >= sizeof(a))
		return ERR("%s: '%s' is not an address or CIDR", o->key, text);
	strcpy(a, text);
	slash = strchr(a, '/');
	if (slash) {
		char *end;

		*slash++ = 0;
		bits = strtol(slash, &end, 10);
		if (!*slash || *end)
			bits = 999;
	}
	if (inet_pton(AF_INET, a, buf) == 1 ? bits > 32 :
	    inet_pton(AF_INET6, a, buf) != 1 || bits > 128)
		return ERR("%s: '%s' is not an address or CIDR", o->key, text);
	return list_add((void *)((char *)base + o->offset), text, err);
}

/* A record is read into a throwaway set: the same parser as rsnap_build's,
 * so a line accepted here loads there. */
int rconfig_set_rr(void *base, const struct cfg_opt *o, const char *text,
		   char *err)
{
	struct local_data *ld = local_new();
	char msg[LOCAL_ERR_MAX];
	int ret;

	if (!ld)
		return ERR("out of memory");
	ret = local_add_text(ld, text, msg);
	local_free(ld);
	if (ret < 0)
		return ERR("%s: '%.200s': %s", o->key, text, msg);
	return list_add((void *)((char *)base + o->offset), text, err);
}

int rconfig_set_zone(void *base, const struct cfg_opt *o, const char *text,
		     char *err)
{
	uint8_t name[NAME_MAXLEN];

	if (name_from_text(name, text, strlen(text), (const uint8_t *)"") < 0)
		return ERR("%s: '%.200s' is not a domain name", o->key, text);
	return list_add((void *)((char *)base + o->offset), text, err);
}

int rconfig_set_fwd(void *base, const struct cfg_opt *o, const char *text,
		    char *err)
{
	return rconfig_parse_fwd(base, text, o->min == 1, err);
}

static int fill_fwd(struct rcfg_fwd *f, const char *zone, bool stub,
		    const char *const *addrs, size_t naddrs, char *err)
{
	size_t i;

	if (name_from_text(f->name, zone, strlen(zone),
			   (const uint8_t *)"") < 0 || !*zone)
		return ERR("%s '%s': not a valid domain name",
			   stub ? "stub" : "forward", zone);
	name_to_lower(f->name);
	f->stub = stub;
	if (naddrs == 0)
		return ERR("%s '%s': no server address",
			   stub ? "stub" : "forward", zone);
	f->to = calloc(naddrs, sizeof(*f->to));
	f->zone = strdup(zone);
	if (!f->to || !f->zone)
		return ERR("out of memory");
	for (i = 0; i < naddrs; i++, f->nto++)
		if (config_parse_listen(&f->to[i], addrs[i]) < 0)
			return ERR("%s '%s': bad address '%s' (ADDR[:PORT] "
				   "or [IPV6]:PORT)", stub ? "stub" :
				   "forward", zone, addrs[i]);
	return 0;
}

int rconfig_add_fwd(struct rconfig *c, const char *zone, bool stub,
		    const char *const *addrs, size_t naddrs, char *err)
{
	struct rcfg_fwd f = { 0 }, *n;
	size_t i;
	int ret;

	if ((ret = fill_fwd(&f, zone, stub, addrs, naddrs, err)) < 0)
		goto fail;
	for (i = 0; i < c->nfwd; i++)
		if (name_equal(c->fwd[i].name, f.name)) {
			ret = ERR("zone '%s' is given twice in forward/stub",
				  zone);
			goto fail;
		}
	n = realloc(c->fwd, (c->nfwd + 1) * sizeof(*n));
	if (!n) {
		ret = ERR("out of memory");
		goto fail;
	}
	c->fwd = n;
	c->fwd[c->nfwd++] = f;
	return 0;
fail:
	free(f.zone);
	free(f.to);
	return ret;
}

int rconfig_parse_fwd(struct rconfig *c, const char *text, bool stub,
		      char *err)
{
	const char *addrs[64];
	char buf[2048], *eq, *tok, *save = NULL;
	size_t n = 0;

	if (strlen(text) >= sizeof(buf))
		return ERR("--%s: value too long", stub ? "stub" : "forward");
	strcpy(buf, text);
	eq = strchr(buf, '=');
	if (!eq || eq == buf || !eq[1])
		return ERR("%s wants ZONE=ADDR[:PORT][,ADDR...], not '%.200s'",
			   stub ? "stub" : "forward", text);
	*eq = 0;
	for (tok = strtok_r(eq + 1, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == sizeof(addrs) / sizeof(addrs[0]))
			return ERR("%s '%.200s': over 64 addresses",
				   stub ? "stub" : "forward", buf);
		addrs[n++] = tok;
	}
	return rconfig_add_fwd(c, buf, stub, addrs, n, err);
}

int rconfig_load_text(struct rconfig *c, const char *text, size_t len,
		      const char *name, char *err)
{
	return cfg_load_text(&rconfig_cfg, c, text, len, name, err);
}

int rconfig_load_file(struct rconfig *c, const char *path, char *err)
{
	return cfg_load_file(&rconfig_cfg, c, path, err);
}

int rconfig_finish(struct rconfig *c, char *err)
{
	const struct cfg_opt *l = cfg_opt_by_key(&rconfig_cfg, "server.listen");

	if (c->nlisten == 0 &&
	    (cfg_set(&rconfig_cfg, c, l, "127.0.0.1:53", err) < 0 ||
	     cfg_set(&rconfig_cfg, c, l, "[::1]:53", err) < 0))
		return -1;
	if (c->min_ttl > c->max_ttl)
		return ERR("cache.min-ttl (%ld) is over cache.max-ttl (%ld)",
			   c->min_ttl, c->max_ttl);
	return qlog_conf_check(&c->qlog, QLOG_MSG_BIT(QLOG_CLIENT_QUERY) |
			       QLOG_MSG_BIT(QLOG_CLIENT_RESPONSE) |
			       QLOG_MSG_BIT(QLOG_RESOLVER_QUERY) |
			       QLOG_MSG_BIT(QLOG_RESOLVER_RESPONSE), err);
}

void rconfig_cache_conf(const struct rconfig *c, struct cache_conf *cc)
{
	cache_conf_init(cc);
	cc->max_bytes = (size_t)c->cache_size;
	cc->min_ttl = (uint32_t)c->min_ttl;
	cc->max_ttl = (uint32_t)c->max_ttl;
	cc->neg_max_ttl = (uint32_t)c->neg_max_ttl;
	cc->stale_ttl = (uint32_t)c->serve_stale;
	if (!c->prefetch)
		cc->prefetch_pct = 0;
}

/* 127/8 and ::1 only: a wildcard (0.0.0.0, ::) listens publicly. */
static bool is_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
	const uint8_t *a = v6->sin6_addr.s6_addr;

	if (ss->ss_family == AF_INET)
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr))
		return a[12] == 127;
	return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
}

bool rconfig_listens_public(const struct rconfig *c)
{
	size_t i;

	for (i = 0; i < c->nlisten; i++)
		if (!is_loopback(&c->listen[i].sa))
			return true;
	return false;
}
