/* banchi-resolver's YAML loader (libyaml document API): sections of
 * options looked up in the schema, plus the forward and stub lists of
 * {zone, to} mappings. The first problem is reported as FILE:LINE:
 * message; unknown sections and keys are errors. */
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "daemon/rconfig.h"

struct ld {
	struct rconfig *c;
	yaml_document_t *doc;
	const char *name;
	char *err;
};

static const char *const sections[] = { "server", "resolver", "access",
					"cache", "local", "log" };

__attribute__((format(printf, 3, 4)))
static int fail(struct ld *l, const yaml_node_t *n, const char *fmt, ...)
{
	int k = snprintf(l->err, CONFIG_ERR_MAX, "%s:%lu: ", l->name,
			 (unsigned long)n->start_mark.line + 1);
	va_list ap;

	va_start(ap, fmt);
	if (k > 0 && k < CONFIG_ERR_MAX)
		vsnprintf(l->err + k, CONFIG_ERR_MAX - k, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ?
	       (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *node(struct ld *l, int id)
{
	return yaml_document_get_node(l->doc, id);
}

static bool is_list(const struct rcfg_opt *o)
{
	return o->type == RCFG_LISTEN || o->type == RCFG_ALLOW ||
	       o->type == RCFG_LIST || o->type == RCFG_RR ||
	       o->type == RCFG_ZONE;
}

/* block-answer: [0.0.0.0, "::"] is the same as "0.0.0.0 ::". */
static int set_joined(struct ld *l, const struct rcfg_opt *o,
		      yaml_node_t *v)
{
	char buf[256] = "", msg[CONFIG_ERR_MAX];
	yaml_node_item_t *it;

	for (it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		const char *s = scalar(node(l, *it));

		if (!s)
			return fail(l, node(l, *it), "%s: expected a string",
				    o->key);
		if (strlen(buf) + strlen(s) + 2 > sizeof(buf))
			return fail(l, v, "%s: too long", o->key);
		strcat(buf, " ");
		strcat(buf, s);
	}
	if (rconfig_set(l->c, o, buf, msg) < 0)
		return fail(l, v, "%s", msg);
	return 0;
}

/* Sets one option; list options take a sequence or a single value. */
static int set_value(struct ld *l, const struct rcfg_opt *o,
		     yaml_node_t *v)
{
	char msg[CONFIG_ERR_MAX];
	yaml_node_item_t *it;

	if (v->type == YAML_SEQUENCE_NODE && o->type == RCFG_BLOCK)
		return set_joined(l, o, v);
	if (v->type == YAML_SEQUENCE_NODE && is_list(o)) {
		for (it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = node(l, *it);

			if (!scalar(e))
				return fail(l, e, "%s: expected a string",
					    o->key);
			if (rconfig_set(l->c, o, scalar(e), msg) < 0)
				return fail(l, e, "%s", msg);
		}
		return 0;
	}
	if (!scalar(v))
		return fail(l, v, "%s: expected a single value", o->key);
	if (is_list(o) && !*scalar(v))
		return 0;
	if (rconfig_set(l->c, o, scalar(v), msg) < 0)
		return fail(l, v, "%s", msg);
	return 0;
}

static int load_section(struct ld *l, const char *sec, yaml_node_t *m)
{
	char key[128];
	yaml_node_pair_t *p;

	if (m->type == YAML_SCALAR_NODE && !*scalar(m))
		return 0;
	if (m->type != YAML_MAPPING_NODE)
		return fail(l, m, "%s: expected a mapping", sec);
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(l, p->key);
		const struct rcfg_opt *o;

		if (!scalar(k))
			return fail(l, k, "%s: keys must be strings", sec);
		snprintf(key, sizeof(key), "%s.%s", sec, scalar(k));
		o = rconfig_opt_by_key(key);
		if (!o || o->type == RCFG_FWD)
			return fail(l, k, "unknown key '%s'", key);
		if (set_value(l, o, node(l, p->value)) < 0)
			return -1;
	}
	return 0;
}

/* The "to" list of one forward/stub entry, into addrs (up to 64). */
static int fwd_addrs(struct ld *l, const char *sec, yaml_node_t *v,
		     const char **addrs, size_t *n)
{
	yaml_node_item_t *it;

	if (scalar(v)) {
		addrs[(*n)++] = scalar(v);
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(l, v, "%s.to: expected an address or a list",
			    sec);
	for (it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		if (!scalar(node(l, *it)))
			return fail(l, node(l, *it), "%s.to: expected an "
				    "address", sec);
		if (*n == 64)
			return fail(l, v, "%s.to: over 64 addresses", sec);
		addrs[(*n)++] = scalar(node(l, *it));
	}
	return 0;
}

static int load_fwd(struct ld *l, const struct rcfg_opt *o, yaml_node_t *m)
{
	const char *zone = NULL, *addrs[64];
	char msg[CONFIG_ERR_MAX];
	yaml_node_pair_t *p;
	size_t n = 0;

	if (m->type != YAML_MAPPING_NODE)
		return fail(l, m, "%s: each entry is a mapping with zone and "
			    "to", o->key);
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(l, p->key), *v = node(l, p->value);
		const char *ks = scalar(k);

		if (ks && strcmp(ks, "zone") == 0 && scalar(v)) {
			zone = scalar(v);
		} else if (ks && strcmp(ks, "to") == 0) {
			if (fwd_addrs(l, o->key, v, addrs, &n) < 0)
				return -1;
		} else {
			return fail(l, k, ks && !strcmp(ks, "zone") ?
				    "%s.%s: expected a domain name" :
				    "unknown key '%s.%s'", o->key,
				    ks ? ks : "?");
		}
	}
	if (!zone || n == 0)
		return fail(l, m, "%s entry without %s", o->key,
			    zone ? "to" : "zone");
	if (rconfig_add_fwd(l->c, zone, o->min == 1, addrs, n, msg) < 0)
		return fail(l, m, "%s", msg);
	return 0;
}

static int load_fwd_list(struct ld *l, const struct rcfg_opt *o,
			 yaml_node_t *s)
{
	yaml_node_item_t *it;

	if (s->type == YAML_SCALAR_NODE && !*scalar(s))
		return 0;
	if (s->type != YAML_SEQUENCE_NODE)
		return fail(l, s, "%s: expected a list of {zone, to}",
			    o->key);
	for (it = s->data.sequence.items.start;
	     it < s->data.sequence.items.top; it++)
		if (load_fwd(l, o, node(l, *it)) < 0)
			return -1;
	return 0;
}

static bool is_section(const char *s)
{
	size_t i;

	for (i = 0; s && i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strcmp(s, sections[i]) == 0)
			return true;
	return false;
}

static int load_root(struct ld *l, yaml_node_t *root)
{
	yaml_node_pair_t *p;

	if (root->type == YAML_SCALAR_NODE && !*scalar(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return fail(l, root, "%s", "expected a mapping of sections "
			    "(server, resolver, access, cache, forward, stub, "
			    "local, log)");
	for (p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key), *v = node(l, p->value);
		const char *ks = scalar(k);
		const struct rcfg_opt *o = ks ? rconfig_opt_by_key(ks) : NULL;
		int ret;

		if (o && o->type == RCFG_FWD)
			ret = load_fwd_list(l, o, v);
		else if (is_section(ks))
			ret = load_section(l, ks, v);
		else
			ret = fail(l, k, "unknown section '%s'", ks ? ks : "?");
		if (ret < 0)
			return -1;
	}
	return 0;
}

int rconfig_load_text(struct rconfig *c, const char *text, size_t len,
		      const char *name, char *err)
{
	struct ld l = { c, NULL, name, err };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret;

	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, CONFIG_ERR_MAX, "%s: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, CONFIG_ERR_MAX, "%s:%lu: %s", name,
			 (unsigned long)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		return -1;
	}
	l.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	ret = root ? load_root(&l, root) : 0;
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

static int remember_path(struct rconfig *c, const char *path)
{
	char *copy = strdup(path);

	free(c->path);
	free(c->basedir);
	c->path = strdup(path);
	c->basedir = copy ? strdup(dirname(copy)) : NULL;
	free(copy);
	return c->path && c->basedir ? 0 : -1;
}

int rconfig_load_file(struct rconfig *c, const char *path, char *err)
{
	char *text;
	size_t len = 0;
	FILE *f;
	int ret;

	f = fopen(path, "r");
	if (!f) {
		snprintf(err, CONFIG_ERR_MAX, "%s: cannot open: %m", path);
		return -1;
	}
	text = malloc(1 << 20);
	if (text)
		len = fread(text, 1, 1 << 20, f);
	if (!text || ferror(f) || !feof(f)) {
		snprintf(err, CONFIG_ERR_MAX, "%s: cannot read (or over "
			 "1 MiB)", path);
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	if (remember_path(c, path) < 0) {
		snprintf(err, CONFIG_ERR_MAX, "%s: out of memory", path);
		free(text);
		return -1;
	}
	ret = rconfig_load_text(c, text, len, path, err);
	free(text);
	return ret;
}
