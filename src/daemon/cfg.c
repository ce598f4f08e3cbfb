/* The config engine's values: defaults from a schema, option lookup, and
 * setting one option from its text (shared by the YAML loader and the
 * flags of both daemons), listen addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/cfg.h"
#include "daemon/log.h"
#include "wire/chaos.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

void cfg_init(const struct cfg_schema *s, void *base, size_t size)
{
	char err[CONFIG_ERR_MAX];
	size_t i;

	memset(base, 0, size);
	for (i = 0; i < s->nopt; i++)
		if (s->opt[i].def)
			cfg_set(s, base, &s->opt[i], s->opt[i].def, err);
}

long cfg_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : n;
}

const struct cfg_opt *cfg_opt_by_key(const struct cfg_schema *s,
				     const char *key)
{
	size_t i;

	for (i = 0; i < s->nopt; i++)
		if (s->opt[i].key && strcmp(s->opt[i].key, key) == 0)
			return &s->opt[i];
	return NULL;
}

const struct cfg_opt *cfg_opt_by_flag(const struct cfg_schema *s,
				      const char *flag)
{
	size_t i;

	for (i = 0; i < s->nopt; i++)
		if (s->opt[i].flag && strcmp(s->opt[i].flag, flag) == 0)
			return &s->opt[i];
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

const char *cfg_identity(const char *identity, char *host, size_t cap)
{
	if (identity)
		return strcmp(identity, "none") ? identity : NULL;
	if (gethostname(host, cap - 1) < 0)
		host[0] = '\0';
	host[cap - 1] = '\0';
	return host;
}

void cfg_chaos_ident(struct chaos_ident *ci, const char *identity,
		     const char *version_text)
{
	char host[256];
	const char *v = version_text ? version_text : "banchi " BANCHI_VERSION;

	chaos_ident_set(ci, cfg_identity(identity, host, sizeof(host)),
			strcmp(v, "none") ? v : NULL);
}

int cfg_set_metrics(void *base, const struct cfg_opt *o, const char *text,
		    char *err)
{
	struct cfg_listen *l = (void *)((char *)base + o->offset);
	bool *on = (void *)((char *)base + o->n_offset);
	char full[80];
	const char *t = text;

	if (!strcmp(text, "none") || !strcmp(text, "off")) {
		*on = false;
		return 0;
	}
	/* a port alone: loopback */
	if (strspn(text, "0123456789") == strlen(text) && strlen(text) < 8) {
		snprintf(full, sizeof(full), "127.0.0.1:%s", text);
		t = full;
	}
	if (config_parse_listen(l, t) < 0 || !strpbrk(t, ":"))
		return ERR("metrics '%.100s' is not ADDR:PORT, [IPV6]:PORT, "
			   "PORT (on 127.0.0.1) or none", text);
	*on = true;
	return 0;
}

static int add_listen(const struct cfg_schema *s, void *base,
		      const struct cfg_opt *o, const char *text, char *err)
{
	struct cfg_listen **v = (void *)((char *)base + o->offset);
	size_t *n = (void *)((char *)base + o->n_offset);
	struct cfg_listen l, *nv;

	if (config_parse_listen(&l, text) < 0)
		return ERR("%s '%s' %s", s->listen_bad, text, s->listen_forms);
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return ERR("out of memory");
	*v = nv;
	nv[(*n)++] = l;
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

/* Integers, with K/M/G (powers of 1024) for CFG_SIZE. Under
 * CFG_S_STRICT_EMPTY a value over max reads "not a number in range". */
static int set_int(const struct cfg_schema *s, long *dst,
		   const struct cfg_opt *o, const char *text, char *err)
{
	bool size = o->type == CFG_SIZE;
	bool strict = s->flags & CFG_S_STRICT_EMPTY;
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
	if (!*text || *end || errno || (strict && v > o->max / mul))
		return ERR("%s: '%s' is not a number%s%s", o->key, text,
			   size ? " (K, M, G suffixes)" : "",
			   strict ? " in range" : "");
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

/* "none", or a path no longer than sun_path takes (with its NUL). */
static int set_socket(char **dst, const struct cfg_opt *o, const char *text,
		      const char *dir, char *err)
{
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;

	if (!*text)
		return ERR("%s: empty value (a path, or none)", o->key);
	if (set_str(dst, text, strcmp(text, "none") ? dir : NULL, err) < 0)
		return -1;
	if (strlen(*dst) > max)
		return ERR("%s: '%.200s' is longer than %zu octets (a UNIX "
			   "socket path)", o->key, *dst, max);
	return 0;
}

static int set_named(void *field, const struct cfg_opt *o, const char *text,
		     char *err)
{
	int v;

	if (o->type == CFG_LEVEL) {
		if ((v = log_level_parse(text)) < 0)
			return ERR("%s: '%s' is not error, warning, info or "
				   "debug", o->key, text);
		*(long *)field = v;
		return 0;
	}
	if (o->type == CFG_BOOL) {
		if ((v = parse_bool(text)) < 0)
			return ERR("%s: '%s' is not true or false", o->key,
				   text);
		*(bool *)field = v;
		return 0;
	}
	if (strcmp(text, "stderr") && strcmp(text, "syslog"))
		return ERR("%s: '%s' is not stderr or syslog", o->key, text);
	*(bool *)field = strcmp(text, "syslog") == 0;
	return 0;
}

int cfg_set(const struct cfg_schema *s, void *base, const struct cfg_opt *o,
	    const char *text, char *err)
{
	void *field = (char *)base + o->offset;
	char *const *dir = (void *)((char *)base + s->basedir_off);

	if (!*text && (o->type == CFG_STR || ((s->flags & CFG_S_STRICT_EMPTY)
					     && o->type != CFG_BOOL)))
		return ERR("%s: empty value", o->key);
	switch (o->type) {
	case CFG_INT:
	case CFG_SIZE:
		return set_int(s, field, o, text, err);
	case CFG_STR:
		return set_str(field, text, NULL, err);
	case CFG_PATH:
		return set_str(field, text, *dir, err);
	case CFG_LISTEN:
		return add_listen(s, base, o, text, err);
	case CFG_BOOL:
	case CFG_LEVEL:
	case CFG_TARGET:
		return set_named(field, o, text, err);
	case CFG_HOOK:
		return o->set(base, o, text, err);
	case CFG_SOCKET:
		return set_socket(field, o, text, *dir, err);
	}
	return ERR("%s: unknown type", o->key);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool cfg_process_same(const struct cfg_process *a,
		      const struct cfg_process *b)
{
	bool same = a->nlisten == b->nlisten && a->threads == b->threads &&
		    a->allow_root == b->allow_root &&
		    a->sandbox == b->sandbox && a->landlock == b->landlock &&
		    same_str(a->user, b->user) &&
		    same_str(a->group, b->group) &&
		    same_str(a->chroot, b->chroot);
	size_t i;

	for (i = 0; same && i < a->nlisten; i++)
		same = strcmp(a->listen[i].text, b->listen[i].text) == 0;
	return same;
}
