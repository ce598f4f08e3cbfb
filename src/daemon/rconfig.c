/* banchi-resolver config values: defaults from the schema, setting one
 * option from its text (shared by the YAML loader and the flags),
 * forward/stub zones, and the checks made once everything is read. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/rconfig.h"
#include "resolve/local.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

void rconfig_init(struct rconfig *c)
{
	char err[CONFIG_ERR_MAX];
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < rconfig_schema_len; i++)
		if (rconfig_schema[i].def)
			rconfig_set(c, &rconfig_schema[i],
				    rconfig_schema[i].def, err);
	c->threads = n < 1 ? 1 : n > 256 ? 256 : n;
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
	free(c->hosts);
	free(c->blocklist);
	list_clear(&c->allow);
	list_clear(&c->local_data);
	list_clear(&c->allow_special);
	free(c->path);
	free(c->basedir);
	memset(c, 0, sizeof(*c));
}

const struct rcfg_opt *rconfig_opt_by_key(const char *key)
{
	size_t i;

	for (i = 0; i < rconfig_schema_len; i++)
		if (strcmp(rconfig_schema[i].key, key) == 0)
			return &rconfig_schema[i];
	return NULL;
}

const struct rcfg_opt *rconfig_opt_by_flag(const char *flag)
{
	size_t i;

	for (i = 0; i < rconfig_schema_len; i++)
		if (rconfig_schema[i].flag &&
		    strcmp(rconfig_schema[i].flag, flag) == 0)
			return &rconfig_schema[i];
	return NULL;
}

static int add_listen(struct rconfig *c, const char *text, char *err)
{
	struct cfg_listen l, *n;

	if (config_parse_listen(&l, text) < 0)
		return ERR("bad address '%s' (ADDR[:PORT] or [IPV6]:PORT)",
			   text);
	n = realloc(c->listen, (c->nlisten + 1) * sizeof(*n));
	if (!n)
		return ERR("out of memory");
	c->listen = n;
	c->listen[c->nlisten++] = l;
	return 0;
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

static int parse_bool(const char *t)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcmp(t, yes[i]) == 0)
			return 1;
		if (strcmp(t, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Integers, with K/M/G (powers of 1024) when size is set. */
static int set_int(long *dst, const struct rcfg_opt *o, const char *text,
		   bool size, char *err)
{
	char *end;
	long v, mul = 1;

	errno = 0;
	v = strtol(text, &end, 10);
	if (size && end != text && end[0] && !end[1]) {
		const char *u = strchr("KkMmGg", end[0]);

		if (u)
			mul = 1L << (10 * (1 + (u - "KkMmGg") / 2));
		end += !!u;
	}
	if (!*text || *end || errno || v > o->max / mul)
		return ERR("%s: '%s' is not a number%s in range", o->key,
			   text, size ? " (K, M, G suffixes)" : "");
	v *= mul;
	if (v < o->min || v > o->max)
		return ERR("%s: %ld out of range %ld-%ld", o->key, v, o->min,
			   o->max);
	*dst = v;
	return 0;
}

static int set_str(char **dst, const char *text, const char *dir,
		   char *err)
{
	char *s;

	if (dir && text[0] != '/') {
		size_t n = strlen(dir) + strlen(text) + 2;

		s = malloc(n);
		if (s)
			snprintf(s, n, "%s/%s", dir, text);
	} else {
		s = strdup(text);
	}
	if (!s)
		return ERR("out of memory");
	free(*dst);
	*dst = s;
	return 0;
}

/* "nxdomain", or one IPv4 and/or one IPv6 address (space or comma). */
static int set_block(struct rconfig *c, const struct rcfg_opt *o,
		     const char *text, char *err)
{
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

static int set_allow(struct rconfig *c, const struct rcfg_opt *o,
		     const char *text, char *err)
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
	return list_add(&c->allow, text, err);
}

/* A record is read into a throwaway set: the same parser as rsnap_build's,
 * so a line accepted here loads there. */
static int check_rr(const struct rcfg_opt *o, const char *text, char *err)
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
	return 0;
}

static int check_zone(const struct rcfg_opt *o, const char *text,
		      char *err)
{
	uint8_t name[NAME_MAXLEN];

	if (name_from_text(name, text, strlen(text), (const uint8_t *)"") < 0)
		return ERR("%s: '%.200s' is not a domain name", o->key, text);
	return 0;
}

int rconfig_set(struct rconfig *c, const struct rcfg_opt *o,
		const char *text, char *err)
{
	void *field = (char *)c + o->offset;
	int v;

	if (!*text && o->type != RCFG_BOOL)
		return ERR("%s: empty value", o->key);
	switch (o->type) {
	case RCFG_INT:
	case RCFG_SIZE:
		return set_int(field, o, text, o->type == RCFG_SIZE, err);
	case RCFG_BOOL:
		if ((v = parse_bool(text)) < 0)
			return ERR("%s: '%s' is not true or false", o->key,
				   text);
		*(bool *)field = v;
		return 0;
	case RCFG_STR:
		return set_str(field, text, NULL, err);
	case RCFG_PATH:
		return set_str(field, text, c->basedir, err);
	case RCFG_LISTEN:
		return add_listen(c, text, err);
	case RCFG_LEVEL:
		if ((v = log_level_parse(text)) < 0)
			return ERR("%s: '%s' is not error, warning, info or "
				   "debug", o->key, text);
		*(long *)field = v;
		return 0;
	case RCFG_LIST:
		return list_add(field, text, err);
	case RCFG_RR:
		if (check_rr(o, text, err) < 0)
			return -1;
		return list_add(field, text, err);
	case RCFG_ZONE:
		if (check_zone(o, text, err) < 0)
			return -1;
		return list_add(field, text, err);
	case RCFG_ALLOW:
		return set_allow(c, o, text, err);
	case RCFG_FWD:
		return rconfig_parse_fwd(c, text, o->min == 1, err);
	case RCFG_BLOCK:
		return set_block(c, o, text, err);
	}
	return ERR("%s: unknown type", o->key);
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

int rconfig_finish(struct rconfig *c, char *err)
{
	if (c->nlisten == 0 &&
	    (add_listen(c, "127.0.0.1:53", err) < 0 ||
	     add_listen(c, "[::1]:53", err) < 0))
		return -1;
	if (c->min_ttl > c->max_ttl)
		return ERR("cache.min-ttl (%ld) is over cache.max-ttl (%ld)",
			   c->min_ttl, c->max_ttl);
	return 0;
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
