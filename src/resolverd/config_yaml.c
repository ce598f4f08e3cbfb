/* banchi-resolver's part of the YAML loader: the top-level forward and
 * stub lists of {zone, to} mappings (the sections go through
 * cfg_yaml.c). The first problem is reported as FILE:LINE: message. */
#include <string.h>

#include "daemon/cfg_yaml.h"
#include "resolverd/config.h"

/* The "to" list of one forward/stub entry, into addrs (up to 64). */
static int fwd_addrs(struct cfg_yaml *y, const char *sec, yaml_node_t *v,
		     const char **addrs, size_t *n)
{
	yaml_node_item_t *it;

	if (cfg_yaml_scalar(v)) {
		addrs[(*n)++] = cfg_yaml_scalar(v);
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_yaml_fail(y, v, "%s.to: expected an address or "
				     "a list", sec);
	for (it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		const yaml_node_t *e = cfg_yaml_node(y, *it);

		if (!cfg_yaml_scalar(e))
			return cfg_yaml_fail(y, e, "%s.to: expected an "
					     "address", sec);
		if (*n == 64)
			return cfg_yaml_fail(y, v, "%s.to: over 64 addresses",
					     sec);
		addrs[(*n)++] = cfg_yaml_scalar(e);
	}
	return 0;
}

static int load_fwd(struct cfg_yaml *y, const struct cfg_opt *o,
		    yaml_node_t *m)
{
	const char *zone = NULL, *addrs[64];
	char msg[CONFIG_ERR_MAX];
	yaml_node_pair_t *p;
	size_t n = 0;

	if (m->type != YAML_MAPPING_NODE)
		return cfg_yaml_fail(y, m, "%s: each entry is a mapping "
				     "with zone and to", o->key);
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = cfg_yaml_node(y, p->key);
		yaml_node_t *v = cfg_yaml_node(y, p->value);
		const char *ks = cfg_yaml_scalar(k);

		if (ks && strcmp(ks, "zone") == 0 && cfg_yaml_scalar(v)) {
			zone = cfg_yaml_scalar(v);
		} else if (ks && strcmp(ks, "to") == 0) {
			if (fwd_addrs(y, o->key, v, addrs, &n) < 0)
				return -1;
		} else {
			return cfg_yaml_fail(y, k, ks && !strcmp(ks, "zone") ?
					     "%s.%s: expected a domain name" :
					     "unknown key '%s.%s'", o->key,
					     ks ? ks : "?");
		}
	}
	if (!zone || n == 0)
		return cfg_yaml_fail(y, m, "%s entry without %s", o->key,
				     zone ? "to" : "zone");
	if (rconfig_add_fwd(cfg_yaml_base(y), zone, o->min == 1, addrs, n,
			    msg) < 0)
		return cfg_yaml_fail(y, m, "%s", msg);
	return 0;
}

static int load_fwd_list(struct cfg_yaml *y, const struct cfg_opt *o,
			 yaml_node_t *s)
{
	yaml_node_item_t *it;

	if (s->type == YAML_SCALAR_NODE && !*cfg_yaml_scalar(s))
		return 0;
	if (s->type != YAML_SEQUENCE_NODE)
		return cfg_yaml_fail(y, s, "%s: expected a list of "
				     "{zone, to}", o->key);
	for (it = s->data.sequence.items.start;
	     it < s->data.sequence.items.top; it++)
		if (load_fwd(y, o, cfg_yaml_node(y, *it)) < 0)
			return -1;
	return 0;
}

int rconfig_yaml_fwd(struct cfg_yaml *y, const char *key, yaml_node_t *v)
{
	const struct cfg_opt *o = cfg_opt_by_key(&rconfig_cfg, key);

	if (!o || o->set != rconfig_set_fwd)
		return 1;
	return load_fwd_list(y, o, v);
}
