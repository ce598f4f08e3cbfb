/* banchi-auth's part of the YAML loader: the top-level zones list of
 * {name, file} mappings and the keys list (config_keys.c); the sections
 * go through cfg_yaml.c. */
#include <string.h>

#include "daemon/cfg_yaml.h"
#include "authd/config.h"

static int load_zone(struct cfg_yaml *y, yaml_node_t *m)
{
	const char *name = NULL, *file = NULL;
	char msg[CONFIG_ERR_MAX];
	yaml_node_pair_t *p;

	if (m->type != YAML_MAPPING_NODE)
		return cfg_yaml_fail(y, m, "%s", "zones: each zone is a "
				     "mapping with name and file");
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = cfg_yaml_node(y, p->key);
		yaml_node_t *v = cfg_yaml_node(y, p->value);
		const char *ks = cfg_yaml_scalar(k);

		if (!ks || (strcmp(ks, "name") && strcmp(ks, "file")))
			return cfg_yaml_fail(y, k, "unknown key 'zones.%s'",
					     ks ? ks : "?");
		if (!cfg_yaml_scalar(v))
			return cfg_yaml_fail(y, v, "zones.%s: expected a "
					     "string", ks);
		if (strcmp(ks, "name") == 0)
			name = cfg_yaml_scalar(v);
		else
			file = cfg_yaml_scalar(v);
	}
	if (!name || !file)
		return cfg_yaml_fail(y, m, "zone without %s",
				     name ? "file" : "name");
	if (config_add_zone(cfg_yaml_base(y), name, file, msg) < 0)
		return cfg_yaml_fail(y, m, "%s", msg);
	return 0;
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
