/* banchi-auth's secondary zones in its config: --secondary
 * ZONE=ADDR[:PORT][,ADDR[:PORT]...][@KEYNAME] (repeatable) and, in YAML,
 * a zone with primaries (a string or a list) and key instead of file;
 * --catalog-consume CATALOG=... (YAML: catalog: consume on a secondary)
 * is a secondary whose members become secondaries too.
 * Checked once everything is read: a secondary is not also a file zone,
 * takes no updates (its primary does), and its key is in the ring. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/config.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

static int parse_primaries(struct cfg_secondary *s, const char *text,
			   char *err)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, ", ");
		char one[64];

		if (n == 0) {
			p++;
			continue;
		}
		if (n >= sizeof(one) ||
		    s->nprimary == CFG_PRIMARIES_MAX)
			return ERR("secondary '%.300s': %s", s->name,
				   n >= sizeof(one) ? "primary address too long"
				   : "more than 8 primaries");
		memcpy(one, p, n);
		one[n] = '\0';
		if (config_parse_listen(&s->primary[s->nprimary], one) < 0)
			return ERR("secondary '%.300s': bad primary address "
				   "'%s' (ADDR[:PORT] or [IPV6]:PORT)",
				   s->name, one);
		s->nprimary++;
		p += n;
	}
	if (!s->nprimary)
		return ERR("secondary '%.300s': no primary address", s->name);
	return 0;
}

int config_add_secondary(struct config *c, const char *zone,
			 const char *primaries, const char *key, char *err)
{
	struct cfg_secondary s = { .name = (char *)zone }, *n;

	if (!*zone || name_from_text(s.origin, zone, strlen(zone),
				     (const uint8_t *)"") < 0)
		return ERR("secondary '%.300s': not a valid domain name", zone);
	if (config_secondary(c, s.origin))
		return ERR("secondary '%.300s' given twice", zone);
	if (parse_primaries(&s, primaries, err) < 0)
		return -1;
	if (key && *key) {
		if (name_from_text(s.key, key, strlen(key),
				   (const uint8_t *)"") < 0)
			return ERR("secondary '%.200s': bad key name '%.200s'",
				   zone, key);
		s.keyed = true;
	}
	n = realloc(c->secondaries, (c->nsecondaries + 1) * sizeof(*n));
	if (!n)
		return ERR("out of memory");
	c->secondaries = n;
	s.name = strdup(zone);
	if (!s.name)
		return ERR("out of memory");
	c->secondaries[c->nsecondaries++] = s;
	return 0;
}

static int secondary_flag(void *base, const char *flag, const char *text,
			  char *err)
{
	const char *eq = strchr(text, '=');
	const char *at = eq ? strrchr(eq, '@') : NULL;
	char zone[NAME_TEXT_MAX], prim[1024];
	size_t plen;

	if (!eq || eq == text || (size_t)(eq - text) >= sizeof(zone))
		return ERR("--%s: expected ZONE=ADDR[:PORT][,...]"
			   "[@KEY], got '%.300s'", flag, text);
	memcpy(zone, text, (size_t)(eq - text));
	zone[eq - text] = '\0';
	plen = at ? (size_t)(at - eq - 1) : strlen(eq + 1);
	if (plen >= sizeof(prim))
		return ERR("--%s %.300s: too many primaries", flag, zone);
	memcpy(prim, eq + 1, plen);
	prim[plen] = '\0';
	return config_add_secondary(base, zone, prim, at ? at + 1 : NULL, err);
}

int config_secondary_flag(void *base, const struct cfg_opt *o,
			  const char *text, char *err)
{
	(void)o;
	return secondary_flag(base, "secondary", text, err);
}

int config_catalog_flag(void *base, const struct cfg_opt *o,
			const char *text, char *err)
{
	struct config *c = base;

	(void)o;
	if (secondary_flag(base, "catalog-consume", text, err) < 0)
		return -1;
	c->secondaries[c->nsecondaries - 1].catalog = true;
	return 0;
}

void config_clear_secondaries(struct config *c)
{
	for (size_t i = 0; i < c->nsecondaries; i++)
		free(c->secondaries[i].name);
	free(c->secondaries);
	c->secondaries = NULL;
	c->nsecondaries = 0;
}

const struct cfg_secondary *config_secondary(const struct config *c,
					     const uint8_t *origin)
{
	for (size_t i = 0; i < c->nsecondaries; i++)
		if (name_equal(c->secondaries[i].origin, origin))
			return &c->secondaries[i];
	return NULL;
}

static bool has_key(const struct config *c, const uint8_t *name)
{
	for (size_t i = 0; i < c->nkeys; i++)
		if (name_equal(c->keys[i].name, name))
			return true;
	return false;
}

int config_validate_secondaries(const struct config *c, char *err)
{
	char key[NAME_TEXT_MAX];

	for (size_t i = 0; i < c->nsecondaries; i++) {
		const struct cfg_secondary *s = &c->secondaries[i];
		for (size_t j = 0; j < c->nzones; j++)
			if (name_equal(c->zones[j].origin, s->origin))
				return ERR("zone '%.300s' is both served from "
					   "a file and a secondary", s->name);
		for (size_t j = 0; j < c->nupdates; j++)
			if (name_equal(c->updates[j].origin, s->origin))
				return ERR("secondary zone '%.300s' cannot "
					   "take updates (allow-update): its "
					   "primary does; send them there",
					   s->name);
		name_to_text(key, sizeof(key), s->key);
		if (s->catalog && c->catalog &&
		    name_equal(s->origin, c->catalog_origin))
			return ERR("catalog '%.300s' both produced and "
				   "consumed", s->name);
		if (s->keyed && !has_key(c, s->key))
			return ERR("secondary '%.200s': no key '%.200s' (give "
				   "it with --key, --key-file or keys:)",
				   s->name, key);
	}
	return 0;
}
