/* banchi-auth's TSIG keys in its config: --key [ALG:]NAME:SECRET,
 * --key-file FILE, and the YAML keys list, whose items are a key
 * ({name, algorithm, secret}) or a key file ({file}). Key files are read
 * once the whole command line is, so that a chrooted reload finds them.
 * Secrets are wiped when the config is cleared and never quoted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "authd/config.h"
#include "daemon/cfg_yaml.h"
#include "daemon/keyfile.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

int config_add_key(struct config *c, const struct tsig_key_spec *s,
		   char *err)
{
	struct tsig_key_spec *n;
	char name[NAME_TEXT_MAX];

	for (size_t i = 0; i < c->nkeys; i++) {
		if (!name_equal(c->keys[i].name, s->name))
			continue;
		if (tsig_spec_same(&c->keys[i], s))
			return 0;
		name_to_text(name, sizeof(name), s->name);
		return ERR("key '%.300s' defined twice, with different "
			   "algorithms or secrets", name);
	}
	n = realloc(c->keys, (c->nkeys + 1) * sizeof(*n));
	if (!n)
		return ERR("out of memory");
	c->keys = n;
	c->keys[c->nkeys++] = *s;
	return 0;
}

int config_add_keyfile(struct config *c, const char *path, char *err)
{
	char **n;
	char *p;

	if (!*path)
		return ERR("key file: empty file name");
	n = realloc(c->keyfiles, (c->nkeyfiles + 1) * sizeof(*n));
	if (!n)
		return ERR("out of memory");
	c->keyfiles = n;
	if (path[0] != '/' && c->basedir) {
		p = malloc(strlen(c->basedir) + strlen(path) + 2);
		if (p)
			sprintf(p, "%s/%s", c->basedir, path);
	} else {
		p = strdup(path);
	}
	if (!p)
		return ERR("out of memory");
	c->keyfiles[c->nkeyfiles++] = p;
	return 0;
}

int config_key_flag(void *base, const struct cfg_opt *o, const char *text,
		    char *err)
{
	struct tsig_key_spec s;
	char msg[CONFIG_ERR_MAX];
	int ret;

	(void)o;
	if (tsig_spec_parse(&s, text, msg, sizeof(msg)) < 0)
		return ERR("--key: %.480s", msg);
	ret = config_add_key(base, &s, err);
	tsig_spec_wipe(&s);
	return ret;
}

int config_keyfile_flag(void *base, const struct cfg_opt *o,
			const char *text, char *err)
{
	(void)o;
	return config_add_keyfile(base, text, err);
}

static int add_cb(void *ctx, const struct tsig_key_spec *s, char *err)
{
	return config_add_key(ctx, s, err);
}

int config_load_keyfiles(struct config *c, const char *strip, char *err)
{
	size_t n = strip ? strlen(strip) : 0;

	for (size_t i = 0; i < c->nkeyfiles; i++) {
		const char *p = c->keyfiles[i];

		if (n && strncmp(p, strip, n) == 0 && p[n] == '/')
			p += n;
		if (keyfile_load(p, add_cb, c, err) < 0)
			return -1;
	}
	return 0;
}

/* One item: {name, algorithm, secret} or {file}. */
static int yaml_key(struct cfg_yaml *y, yaml_node_t *m)
{
	const char *f[4] = { NULL, NULL, NULL, NULL };
	static const char *const fields[4] = { "name", "algorithm", "secret",
					       "file" };
	char msg[CONFIG_ERR_MAX];
	struct tsig_key_spec s;
	yaml_node_pair_t *p;
	int i, ret;

	if (m->type != YAML_MAPPING_NODE)
		return cfg_yaml_fail(y, m, "%s", "keys: each key is a mapping "
				     "with name, algorithm and secret, or file");
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const char *ks = cfg_yaml_scalar(cfg_yaml_node(y, p->key));
		yaml_node_t *v = cfg_yaml_node(y, p->value);

		for (i = 0; ks && i < 4 && strcmp(ks, fields[i]); i++)
			;
		if (!ks || i == 4)
			return cfg_yaml_fail(y, v, "unknown key 'keys.%s' "
					     "(name, algorithm, secret, file)",
					     ks ? ks : "?");
		if (!cfg_yaml_scalar(v))
			return cfg_yaml_fail(y, v, "keys.%s: expected a "
					     "string", ks);
		f[i] = cfg_yaml_scalar(v);
	}
	if (f[3] && (f[0] || f[1] || f[2]))
		return cfg_yaml_fail(y, m, "%s", "keys: a key file goes in an "
				     "item of its own");
	if (f[3])
		ret = config_add_keyfile(cfg_yaml_base(y), f[3], msg);
	else if (!f[0] || !f[2])
		return cfg_yaml_fail(y, m, "keys: key without %s",
				     f[0] ? "secret" : "name");
	else if ((ret = tsig_spec_set(&s, f[0], f[1], f[2], msg,
				      sizeof(msg))) == 0) {
		ret = config_add_key(cfg_yaml_base(y), &s, msg);
		tsig_spec_wipe(&s);
	}
	return ret < 0 ? cfg_yaml_fail(y, m, "%s", msg) : 0;
}

int config_yaml_keys(struct cfg_yaml *y, yaml_node_t *s)
{
	yaml_node_item_t *it;

	if (s->type == YAML_SCALAR_NODE && !*cfg_yaml_scalar(s))
		return 0;
	if (s->type != YAML_SEQUENCE_NODE)
		return cfg_yaml_fail(y, s, "%s", "keys: expected a list");
	for (it = s->data.sequence.items.start;
	     it < s->data.sequence.items.top; it++)
		if (yaml_key(y, cfg_yaml_node(y, *it)) < 0)
			return -1;
	return 0;
}
