/* YAML config loader (libyaml document API): walks the mapping of
 * sections, looks every key up in the schema and reports the first
 * problem as FILE:LINE: message. Unknown keys are errors. */
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "daemon/config.h"

struct ld {
	struct config *c;
	yaml_document_t *doc;
	const char *name;
	char *err;
};

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

/* Sets one option; a sequence is allowed for lists (listen). */
static int set_value(struct ld *l, const struct cfg_opt *o,
		     yaml_node_t *v)
{
	char msg[CONFIG_ERR_MAX];
	yaml_node_item_t *it;

	if (v->type == YAML_SEQUENCE_NODE && o->type == CFG_LISTEN) {
		for (it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(l->doc, *it);

			if (!scalar(e))
				return fail(l, e, "%s: expected a string",
					    o->key);
			if (config_set(l->c, o, scalar(e), msg) < 0)
				return fail(l, e, "%s", msg);
		}
		return 0;
	}
	if (!scalar(v))
		return fail(l, v, "%s: expected a single value", o->key);
	if (config_set(l->c, o, scalar(v), msg) < 0)
		return fail(l, v, "%s", msg);
	return 0;
}

static int load_section(struct ld *l, const char *sec, yaml_node_t *m)
{
	char key[128];
	yaml_node_pair_t *p;

	if (m->type != YAML_MAPPING_NODE)
		return fail(l, m, "%s: expected a mapping", sec);
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		const struct cfg_opt *o;

		if (!scalar(k))
			return fail(l, k, "%s: keys must be strings", sec);
		snprintf(key, sizeof(key), "%s.%s", sec, scalar(k));
		o = config_opt_by_key(key);
		if (!o)
			return fail(l, k, "unknown key '%s'", key);
		if (set_value(l, o, v) < 0)
			return -1;
	}
	return 0;
}

static int load_zone(struct ld *l, yaml_node_t *m)
{
	const char *name = NULL, *file = NULL;
	char msg[CONFIG_ERR_MAX];
	yaml_node_pair_t *p;

	if (m->type != YAML_MAPPING_NODE)
		return fail(l, m, "%s", "zones: each zone is a mapping "
			    "with name and file");
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		const char *ks = scalar(k);

		if (!ks || (strcmp(ks, "name") && strcmp(ks, "file")))
			return fail(l, k, "unknown key 'zones.%s'",
				    ks ? ks : "?");
		if (!scalar(v))
			return fail(l, v, "zones.%s: expected a string", ks);
		if (strcmp(ks, "name") == 0)
			name = scalar(v);
		else
			file = scalar(v);
	}
	if (!name || !file)
		return fail(l, m, "zone without %s", name ? "file" : "name");
	if (config_add_zone(l->c, name, file, msg) < 0)
		return fail(l, m, "%s", msg);
	return 0;
}

static int load_zones(struct ld *l, yaml_node_t *s)
{
	yaml_node_item_t *it;

	if (s->type == YAML_SCALAR_NODE && !*scalar(s))
		return 0;
	if (s->type != YAML_SEQUENCE_NODE)
		return fail(l, s, "%s", "zones: expected a list");
	for (it = s->data.sequence.items.start;
	     it < s->data.sequence.items.top; it++)
		if (load_zone(l, yaml_document_get_node(l->doc, *it)) < 0)
			return -1;
	return 0;
}

static int load_root(struct ld *l, yaml_node_t *root)
{
	yaml_node_pair_t *p;

	if (root->type == YAML_SCALAR_NODE && !*scalar(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return fail(l, root, "%s", "expected a mapping of sections "
			    "(server, log, zones)");
	for (p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
		const char *ks = scalar(k);
		int ret;

		if (ks && strcmp(ks, "zones") == 0)
			ret = load_zones(l, v);
		else if (ks && (!strcmp(ks, "server") || !strcmp(ks, "log")))
			ret = load_section(l, ks, v);
		else
			ret = fail(l, k, "unknown section '%s'", ks ? ks : "?");
		if (ret < 0)
			return -1;
	}
	return 0;
}

int config_load_text(struct config *c, const char *text, size_t len,
		     const char *name, char *err)
{
	struct ld l = { c, NULL, name, err };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret = -1;

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

static int remember_path(struct config *c, const char *path)
{
	char *copy = strdup(path);

	free(c->path);
	free(c->basedir);
	c->path = strdup(path);
	c->basedir = copy ? strdup(dirname(copy)) : NULL;
	free(copy);
	return c->path && c->basedir ? 0 : -1;
}

int config_load_file(struct config *c, const char *path, char *err)
{
	char *text = NULL;
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
	ret = config_load_text(c, text, len, path, err);
	free(text);
	return ret;
}
