/* banchi-auth's part of the YAML loader: the top-level zones list of
 * {name, file, allow-transfer, allow-update, notify, notify-ns} mappings (a
 * secondary has primaries and key instead of file) and the keys list
 * (config_keys.c); the sections go through cfg_yaml.c. */
#include <string.h>

#include "daemon/cfg_yaml.h"
#include "authd/config.h"

#define NFIELDS 9

/* allow-transfer: a string, or a list of entries joined with commas. */
static const char *acl_text(struct cfg_yaml *y, yaml_node_t *v, char *buf,
			    size_t cap)
{
	yaml_node_item_t *it;
	size_t len = 0;

	if (cfg_yaml_scalar(v))
		return cfg_yaml_scalar(v);
	if (v->type != YAML_SEQUENCE_NODE)
		return NULL;
	buf[0] = '\0';
	for (it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		const char *e = cfg_yaml_scalar(cfg_yaml_node(y, *it));
		int n;

		if (!e)
			return NULL;
		n = snprintf(buf + len, cap - len, "%s%s", len ? "," : "", e);
		if (n < 0 || (size_t)n >= cap - len)
			return NULL;
		len += (size_t)n;
	}
	return buf;
}

/* name, file, allow-transfer, allow-update, primaries, key, notify,
 * catalog, notify-ns (f[0..8], their nodes in vn);
 * the lists are joined into buf (four quarters). */
static int zone_fields(struct cfg_yaml *y, yaml_node_t *m, const char **f,
		       yaml_node_t **vn, char *buf, size_t cap)
{
	static const char *const keys[NFIELDS] = {
		"name", "file", "allow-transfer", "allow-update", "primaries",
		"key", "notify", "catalog", "notify-ns" };
	yaml_node_pair_t *p;
	int i;

	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = cfg_yaml_node(y, p->key);
		yaml_node_t *v = cfg_yaml_node(y, p->value);
		const char *ks = cfg_yaml_scalar(k);

		for (i = 0; ks && i < NFIELDS && strcmp(ks, keys[i]); i++)
			;
		if (!ks || i == NFIELDS)
			return cfg_yaml_fail(y, k, "unknown key 'zones.%s' "
					     "(name, file, allow-transfer, "
					     "allow-update, primaries, key, "
					     "notify, notify-ns, catalog)",
					     ks ? ks : "?");
		f[i] = i < 2 || (i >= 5 && i != 6) ? cfg_yaml_scalar(v) :
		       acl_text(y, v, buf + (size_t)(i == 6 ? 3 : i - 2) *
				(cap / 4), cap / 4);
		vn[i] = v;
		if (!f[i])
			return cfg_yaml_fail(y, v, "zones.%s: expected a "
					     "string%s", ks, i >= 2 && i < 5 ?
					     " or a list of strings" : "");
	}
	return 0;
}

/* notify-ns: true or false (yes, no, on, off), or key:NAME (signed). */
static int notify_ns(struct cfg_yaml *y, const char *zone, const char *v,
		     const yaml_node_t *at)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	unsigned long line = (unsigned long)at->start_mark.line + 1;
	char msg[CONFIG_ERR_MAX];
	const char *key = NULL;
	size_t i;

	for (i = 0; i < 3; i++)
		if (!strcmp(v, no[i]))
			return 0;
	for (i = 0; i < 3 && strcmp(v, yes[i]); i++)
		;
	if (i == 3 && strncmp(v, "key:", 4))
		return cfg_yaml_fail(y, at, "zones.notify-ns: expected true, "
				     "false or key:NAME, got '%.300s'", v);
	if (i == 3)
		key = v + 4;
	if (config_add_notify_ns(cfg_yaml_base(y), zone, key, line, msg) < 0)
		return cfg_yaml_fail(y, at, "%s", msg);
	return 0;
}

static int load_zone(struct cfg_yaml *y, yaml_node_t *m)
{
	const char *f[NFIELDS] = { NULL };
	yaml_node_t *vn[NFIELDS] = { NULL };
	char msg[CONFIG_ERR_MAX], acl[4 * 4096];
	struct config *c = cfg_yaml_base(y);

	if (m->type != YAML_MAPPING_NODE)
		return cfg_yaml_fail(y, m, "%s", "zones: each zone is a "
				     "mapping with name and file");
	if (zone_fields(y, m, f, vn, acl, sizeof(acl)) < 0)
		return -1;
	/* neither: the settings of a zone from server.zone-db */
	if (!f[0] || (f[1] && f[4]) ||
	    (!f[1] && !f[4] && (f[3] || f[5] || (!f[2] && !f[6]))))
		return cfg_yaml_fail(y, m, "zone %s", !f[0] ? "without name" :
				     f[1] ? "with both file and primaries" :
				     "without file (or primaries): only "
				     "allow-transfer and notify for a zone of "
				     "server.zone-db");
	if (f[5] && !f[4])
		return cfg_yaml_fail(y, m, "%s", "zones.key: only for a "
				     "secondary zone (with primaries)");
	if (f[7] && (!f[4] || strcmp(f[7], "consume")))
		return cfg_yaml_fail(y, m, "%s", "zones.catalog: only "
				     "'consume', on a secondary zone (with "
				     "primaries)");
	if (f[8] && f[4])
		return cfg_yaml_fail(y, vn[8], "%s", "zones.notify-ns: only "
				     "for a zone from a file");
	if ((f[1] && config_add_zone(c, f[0], f[1], msg) < 0) ||
	    (f[4] && config_add_secondary(c, f[0], f[4], f[5], msg) < 0) ||
	    (f[2] && config_add_xfr(c, f[0], f[2], msg) < 0) ||
	    (f[3] && config_add_update(c, f[0], f[3], msg) < 0) ||
	    (f[6] && config_add_notify(c, f[0], f[6], msg) < 0))
		return cfg_yaml_fail(y, m, "%s", msg);
	if (f[7])
		c->secondaries[c->nsecondaries - 1].catalog = true;
	return f[8] ? notify_ns(y, f[0], f[8], vn[8]) : 0;
}

int config_yaml_top(struct cfg_yaml *y, const char *key, yaml_node_t *s)
{
	yaml_node_item_t *it;

	if (strcmp(key, "keys") == 0)
		return config_yaml_keys(y, s);
	if (strcmp(key, "zones") != 0)
		return 1;
	if (s->type == YAML_SCALAR_NODE && !*cfg_yaml_scalar(s))
		return 0;
	if (s->type != YAML_SEQUENCE_NODE)
		return cfg_yaml_fail(y, s, "%s", "zones: expected a list");
	for (it = s->data.sequence.items.start;
	     it < s->data.sequence.items.top; it++)
		if (load_zone(y, cfg_yaml_node(y, *it)) < 0)
			return -1;
	return 0;
}
