/* Config values: defaults from the schema, setting one option from its
 * text (shared by the YAML loader and the flags), zones, listen
 * addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/log.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

void config_init(struct config *c)
{
	char err[CONFIG_ERR_MAX];
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < config_schema_len; i++)
		if (config_schema[i].def)
			config_set(c, &config_schema[i], config_schema[i].def,
				   err);
	c->threads = n < 1 ? 1 : n > 256 ? 256 : n;
}

void config_clear(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nzones; i++) {
		free(c->zones[i].name);
		free(c->zones[i].file);
	}
	free(c->zones);
	free(c->listen);
	free(c->user);
	free(c->group);
	free(c->chroot);
	free(c->path);
	free(c->basedir);
	memset(c, 0, sizeof(*c));
}

const struct cfg_opt *config_opt_by_key(const char *key)
{
	size_t i;

	for (i = 0; i < config_schema_len; i++)
		if (strcmp(config_schema[i].key, key) == 0)
			return &config_schema[i];
	return NULL;
}

const struct cfg_opt *config_opt_by_flag(const char *flag)
{
	size_t i;

	for (i = 0; i < config_schema_len; i++)
		if (config_schema[i].flag &&
		    strcmp(config_schema[i].flag, flag) == 0)
			return &config_schema[i];
	return NULL;
}

int config_parse_listen(struct cfg_listen *l, const char *text)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&l->sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&l->sa;
	char host[64];
	const char *port = NULL, *end;
	unsigned long p = 53;
	char *stop;

	if (strlen(text) >= sizeof(l->text))
		return -1;
	memset(l, 0, sizeof(*l));
	strcpy(l->text, text);
	if (text[0] == '[') {
		end = strchr(text, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -1;
		port = end[1] ? end + 2 : NULL;
		text++;
	} else {
		end = strrchr(text, ':');
		if (end && strchr(text, ':') == end)
			port = end + 1;
		else
			end = text + strlen(text);
	}
	if ((size_t)(end - text) >= sizeof(host))
		return -1;
	memcpy(host, text, end - text);
	host[end - text] = 0;
	if (port) {
		errno = 0;
		p = strtoul(port, &stop, 10);
		if (!*port || *stop || errno || p < 1 || p > 65535)
			return -1;
	}
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(p);
		l->salen = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(p);
		l->salen = sizeof(*v6);
		return 0;
	}
	return -1;
}

static int add_listen(struct config *c, const char *text, char *err)
{
	struct cfg_listen l, *n;

	if (config_parse_listen(&l, text) < 0)
		return ERR("bad listen address '%s' (ADDR:PORT or "
			   "[IPV6]:PORT)", text);
	n = realloc(c->listen, (c->nlisten + 1) * sizeof(*n));
	if (!n)
		return ERR("out of memory");
	c->listen = n;
	c->listen[c->nlisten++] = l;
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

static int set_int(long *dst, const struct cfg_opt *o, const char *text,
		   char *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (!*text || *end || errno)
		return ERR("%s: '%s' is not a number", o->key, text);
	if (v < o->min || v > o->max)
		return ERR("%s: %ld out of range %ld-%ld", o->key, v, o->min,
			   o->max);
	*dst = v;
	return 0;
}

static int set_str(char **dst, const char *text, char *err)
{
	char *s = strdup(text);

	if (!s)
		return ERR("out of memory");
	free(*dst);
	*dst = s;
	return 0;
}

int config_set(struct config *c, const struct cfg_opt *o, const char *text,
	       char *err)
{
	void *field = (char *)c + o->offset;
	int v;

	switch (o->type) {
	case CFG_INT:
		return set_int(field, o, text, err);
	case CFG_BOOL:
		if ((v = parse_bool(text)) < 0)
			return ERR("%s: '%s' is not true or false", o->key,
				   text);
		*(bool *)field = v;
		return 0;
	case CFG_STR:
		if (!*text)
			return ERR("%s: empty value", o->key);
		return set_str(field, text, err);
	case CFG_LISTEN:
		return add_listen(c, text, err);
	case CFG_LEVEL:
		if ((v = log_level_parse(text)) < 0)
			return ERR("%s: '%s' is not error, warning, info or "
				   "debug", o->key, text);
		*(long *)field = v;
		return 0;
	case CFG_TARGET:
		if (strcmp(text, "stderr") && strcmp(text, "syslog"))
			return ERR("%s: '%s' is not stderr or syslog", o->key,
				   text);
		*(bool *)field = strcmp(text, "syslog") == 0;
		return 0;
	}
	return ERR("%s: unknown type", o->key);
}

int config_add_zone(struct config *c, const char *name, const char *file,
		    char *err)
{
	struct cfg_zone z = { 0 }, *n;
	size_t i;
	int len;

	len = name_from_text(z.origin, name, strlen(name), (const uint8_t *)"");
	if (len < 0 || !*name)
		return ERR("zone '%s': not a valid domain name", name);
	if (!*file)
		return ERR("zone '%s': empty file name", name);
	for (i = 0; i < c->nzones; i++)
		if (name_equal(c->zones[i].origin, z.origin))
			return ERR("zone '%s' given twice", name);
	n = realloc(c->zones, (c->nzones + 1) * sizeof(*n));
	if (!n)
		return ERR("out of memory");
	c->zones = n;
	z.name = strdup(name);
	z.file = strdup(file);
	if (!z.name || !z.file) {
		free(z.name);
		free(z.file);
		return ERR("out of memory");
	}
	c->zones[c->nzones++] = z;
	return 0;
}

const char *config_zone_path(const struct config *c,
			     const struct cfg_zone *z, char *buf, size_t cap)
{
	if (z->file[0] == '/' || !c->basedir)
		return z->file;
	snprintf(buf, cap, "%s/%s", c->basedir, z->file);
	return buf;
}

int config_validate(const struct config *c, char *err)
{
	if (c->nlisten == 0)
		return ERR("no listen address (--listen ADDR:PORT or "
			   "server.listen)");
	return 0;
}
