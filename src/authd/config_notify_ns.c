/* --notify-ns ZONE[@KEY] (repeatable) and the zone key notify-ns: in
 * YAML: the zone's NOTIFYs also go to the addresses of its NS names
 * (notify_ns.c finds them in each version of the zone). Checked once
 * everything is read, so that a key given after the zone is found; a
 * mistake in the file is reported at the line that made it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/config.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

const struct cfg_notify_ns *config_notify_ns(const struct config *c,
					     const uint8_t *origin)
{
	for (size_t i = 0; i < c->nnotify_ns; i++)
		if (name_equal(c->notify_ns[i].origin, origin))
			return &c->notify_ns[i];
	return NULL;
}

int config_add_notify_ns(struct config *c, const char *zone, const char *key,
			 unsigned long line, char *err)
{
	struct cfg_notify_ns x = { .line = line }, *v;

	if (!*zone || name_from_text(x.origin, zone, strlen(zone),
				     (const uint8_t *)"") < 0)
		return ERR("notify-ns: zone '%.300s': not a valid domain name",
			   zone);
	if (key && (!*key || name_from_text(x.key, key, strlen(key),
					    (const uint8_t *)"") < 0))
		return ERR("notify-ns: '%.300s' is not a key name", key);
	x.keyed = key != NULL;
	v = (struct cfg_notify_ns *)config_notify_ns(c, x.origin);
	if (v) {                /* the zone again: the last word counts */
		x.zone = v->zone;
		*v = x;
		return 0;
	}
	v = realloc(c->notify_ns, (c->nnotify_ns + 1) * sizeof(*v));
	if (!v)
		return ERR("out of memory");
	c->notify_ns = v;
	x.zone = strdup(zone);
	if (!x.zone)
		return ERR("out of memory");
	c->notify_ns[c->nnotify_ns++] = x;
	return 0;
}

int config_notify_ns_flag(void *base, const struct cfg_opt *o,
			  const char *text, char *err)
{
	const char *at = strchr(text, '@');
	char zone[NAME_TEXT_MAX];
	size_t len = at ? (size_t)(at - text) : strlen(text);

	(void)o;
	if (!len || len >= sizeof(zone))
		return ERR("--notify-ns: expected ZONE[@KEY], got '%.300s'",
			   text);
	memcpy(zone, text, len);
	zone[len] = '\0';
	return config_add_notify_ns(base, zone, at ? at + 1 : NULL, 0, err);
}

void config_clear_notify_ns(struct config *c)
{
	for (size_t i = 0; i < c->nnotify_ns; i++)
		free(c->notify_ns[i].zone);
	free(c->notify_ns);
	c->notify_ns = NULL;
	c->nnotify_ns = 0;
}

static bool served_from_file(const struct config *c, const uint8_t *origin)
{
	for (size_t i = 0; i < c->nzones; i++)
		if (name_equal(c->zones[i].origin, origin))
			return true;
	return false;
}

static bool has_key(const struct config *c, const uint8_t *name)
{
	for (size_t i = 0; i < c->nkeys; i++)
		if (name_equal(c->keys[i].name, name))
			return true;
	return false;
}

int config_validate_notify_ns(const struct config *c, char *err)
{
	char where[320], key[NAME_TEXT_MAX];

	for (size_t i = 0; i < c->nnotify_ns; i++) {
		const struct cfg_notify_ns *x = &c->notify_ns[i];

		where[0] = '\0';
		if (x->line && c->path)
			snprintf(where, sizeof(where), "%.290s:%lu: ", c->path,
				 x->line);
		if (!served_from_file(c, x->origin))
			return ERR("%snotify-ns for zone '%.100s', which is "
				   "not served from a file", where, x->zone);
		name_to_text(key, sizeof(key), x->key);
		if (x->keyed && !has_key(c, x->key))
			return ERR("%snotify-ns for zone '%.50s': no key "
				   "'%.50s' (give it with --key, --key-file "
				   "or keys:)", where, x->zone, key);
	}
	return 0;
}
