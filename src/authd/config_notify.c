/* --notify ZONE=ADDR[:PORT][@KEY],... (repeatable) and the zone key
 * notify: in YAML: where a zone's NOTIFYs go. The list is parsed here
 * once so that a mistake is reported where it was written; the notifier
 * parses it again (notify_targets_parse) when it takes the config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/config.h"
#include "authd/notify.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

/* One target, text[0 .. len). */
static int one_target(struct notify_target *t, const char *text, size_t len,
		      char *err)
{
	struct cfg_listen l;
	char buf[sizeof(t->text)];
	const char *at;

	if (len >= sizeof(buf))
		return ERR("notify target '%.*s': too long", (int)len, text);
	memcpy(buf, text, len);
	buf[len] = '\0';
	memset(t, 0, sizeof(*t));
	strcpy(t->text, buf);
	at = strchr(buf, '@');
	if (at) {
		buf[at - buf] = '\0';
		if (!at[1] || name_from_text(t->key, at + 1, strlen(at + 1),
					     (const uint8_t *)"") < 0)
			return ERR("notify target '%s': bad key name", t->text);
	}
	if (config_parse_listen(&l, buf) < 0)
		return ERR("notify target '%s': expected ADDR[:PORT][@KEY] "
			   "(IPv6 as [ADDR]:PORT)", t->text);
	t->sa = l.sa;
	t->salen = l.salen;
	return 0;
}

int notify_targets_parse(const char *text, struct notify_target **out,
			 size_t *n, char *err)
{
	struct notify_target *v = NULL, *nv;
	size_t cnt = 0;
	const char *p = text;

	*out = NULL;
	*n = 0;
	while (*p) {
		size_t len;

		p += strspn(p, " \t,");
		len = strcspn(p, " \t,");
		if (!len)
			break;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			return ERR("out of memory");
		}
		v = nv;
		if (one_target(&v[cnt], p, len, err) < 0) {
			free(v);
			return -1;
		}
		cnt++;
		p += len;
	}
	if (!cnt)
		return ERR("notify: no target in '%.300s'", text);
	*out = v;
	*n = cnt;
	return 0;
}

int config_add_notify(struct config *c, const char *zone, const char *list,
		      char *err)
{
	struct notify_target *t;
	struct cfg_xfr x = { 0 }, *nl;
	size_t n;

	if (!*zone || name_from_text(x.origin, zone, strlen(zone),
				     (const uint8_t *)"") < 0)
		return ERR("notify: zone '%.300s': not a valid domain name",
			   zone);
	if (notify_targets_parse(list, &t, &n, err) < 0)
		return -1;
	free(t);
	for (size_t i = 0; i < c->nnotifies; i++) {
		struct cfg_xfr *o = &c->notifies[i];
		char *both;

		if (!name_equal(o->origin, x.origin))
			continue;
		both = malloc(strlen(o->acl) + strlen(list) + 2);
		if (!both)
			return ERR("out of memory");
		sprintf(both, "%s,%s", o->acl, list);
		free(o->acl);
		o->acl = both;
		return 0;
	}
	nl = realloc(c->notifies, (c->nnotifies + 1) * sizeof(*nl));
	if (!nl)
		return ERR("out of memory");
	c->notifies = nl;
	x.zone = strdup(zone);
	x.acl = strdup(list);
	if (!x.zone || !x.acl) {
		free(x.zone);
		free(x.acl);
		return ERR("out of memory");
	}
	c->notifies[c->nnotifies++] = x;
	return 0;
}

int config_notify_flag(void *base, const struct cfg_opt *o, const char *text,
		       char *err)
{
	const char *eq = strchr(text, '=');
	char zone[NAME_TEXT_MAX];

	(void)o;
	if (!eq || eq == text || (size_t)(eq - text) >= sizeof(zone))
		return ERR("--notify: expected ZONE=ADDR[:PORT][@KEY],..., "
			   "got '%.300s'", text);
	memcpy(zone, text, (size_t)(eq - text));
	zone[eq - text] = '\0';
	return config_add_notify(base, zone, eq + 1, err);
}

void config_clear_notify(struct config *c)
{
	for (size_t i = 0; i < c->nnotifies; i++) {
		free(c->notifies[i].zone);
		free(c->notifies[i].acl);
	}
	free(c->notifies);
	c->notifies = NULL;
	c->nnotifies = 0;
}

int config_validate_notify(const struct config *c, char *err)
{
	for (size_t i = 0; i < c->nnotifies; i++) {
		size_t j;

		for (j = 0; j < c->nzones; j++)
			if (name_equal(c->zones[j].origin,
				       c->notifies[i].origin))
				break;
		/* a zone of the database: known once it is read */
		if (j == c->nzones && !c->zone_db &&
		    !config_secondary(c, c->notifies[i].origin))
			return ERR("notify for zone '%.300s', which is not "
				   "served", c->notifies[i].zone);
	}
	return 0;
}
