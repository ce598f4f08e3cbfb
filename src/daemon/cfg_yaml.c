/* The shared YAML config loader (libyaml document API): walks the
 * mapping of sections, looks every key up in the schema, hands other
 * top-level keys to the daemon's hook, and reports the first problem as
 * FILE:LINE: message. Unknown sections and keys are errors. */
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cfg_yaml.h"

struct cfg_yaml {
	const struct cfg_schema *s;
	void *base;
	yaml_document_t *doc;
	const char *name;
	char *err;
};

void *cfg_yaml_base(const struct cfg_yaml *y)
{
	return y->base;
}

yaml_node_t *cfg_yaml_node(const struct cfg_yaml *y, int id)
{
	return yaml_document_get_node(y->doc, id);
}

const char *cfg_yaml_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ?
	       (const char *)n->data.scalar.value : NULL;
}

int cfg_yaml_fail(struct cfg_yaml *y, const yaml_node_t *n,
		  const char *fmt, ...)
{
	int k = snprintf(y->err, CONFIG_ERR_MAX, "%s:%lu: ", y->name,
			 (unsigned long)n->start_mark.line + 1);
	va_list ap;

	va_start(ap, fmt);
	if (k > 0 && k < CONFIG_ERR_MAX)
		vsnprintf(y->err + k, CONFIG_ERR_MAX - k, fmt, ap);
	va_end(ap);
	return -1;
}

static int set_one(struct cfg_yaml *y, const struct cfg_opt *o,
		   const yaml_node_t *at, const char *text)
{
	char msg[CONFIG_ERR_MAX];

	if (cfg_set(y->s, y->base, o, text, msg) < 0)
		return cfg_yaml_fail(y, at, "%s", msg);
	return 0;
}

/* A CFG_F_JOIN sequence: [0.0.0.0, "::"] is the same as "0.0.0.0 ::". */
static int set_joined(struct cfg_yaml *y, const struct cfg_opt *o,
		      yaml_node_t *v)
{
	char buf[256] = "";
	yaml_node_item_t *it;

	for (it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		const char *s = cfg_yaml_scalar(cfg_yaml_node(y, *it));

		if (!s)
			return cfg_yaml_fail(y, cfg_yaml_node(y, *it),
					     "%s: expected a string", o->key);
		if (strlen(buf) + strlen(s) + 2 > sizeof(buf))
			return cfg_yaml_fail(y, v, "%s: too long", o->key);
		strcat(buf, " ");
		strcat(buf, s);
	}
	return set_one(y, o, v, buf);
}

/* Sets one option; list options take a sequence or a single value. */
static int set_value(struct cfg_yaml *y, const struct cfg_opt *o,
		     yaml_node_t *v)
{
	yaml_node_item_t *it;

	if (v->type == YAML_SEQUENCE_NODE && (o->flags & CFG_F_JOIN))
		return set_joined(y, o, v);
	if (v->type == YAML_SEQUENCE_NODE && (o->flags & CFG_F_LIST)) {
		for (it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = cfg_yaml_node(y, *it);

			if (!cfg_yaml_scalar(e))
				return cfg_yaml_fail(y, e, "%s: expected a "
						     "string", o->key);
			if (set_one(y, o, e, cfg_yaml_scalar(e)) < 0)
				return -1;
		}
		return 0;
	}
	if (!cfg_yaml_scalar(v))
		return cfg_yaml_fail(y, v, "%s: expected a single value",
				     o->key);
	if ((y->s->flags & CFG_S_STRICT_EMPTY) && (o->flags & CFG_F_LIST) &&
	    !*cfg_yaml_scalar(v))
		return 0;
	return set_one(y, o, v, cfg_yaml_scalar(v));
}

static int load_section(struct cfg_yaml *y, const char *sec, yaml_node_t *m)
{
	char key[128];
	yaml_node_pair_t *p;

	if ((y->s->flags & CFG_S_STRICT_EMPTY) &&
	    m->type == YAML_SCALAR_NODE && !*cfg_yaml_scalar(m))
		return 0;
	if (m->type != YAML_MAPPING_NODE)
		return cfg_yaml_fail(y, m, "%s: expected a mapping", sec);
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = cfg_yaml_node(y, p->key);
		const struct cfg_opt *o;

		if (!cfg_yaml_scalar(k))
			return cfg_yaml_fail(y, k, "%s: keys must be strings",
					     sec);
		snprintf(key, sizeof(key), "%s.%s", sec, cfg_yaml_scalar(k));
		o = cfg_opt_by_key(y->s, key);
		if (!o)
			return cfg_yaml_fail(y, k, "unknown key '%s'", key);
		if (set_value(y, o, cfg_yaml_node(y, p->value)) < 0)
			return -1;
	}
	return 0;
}

static bool is_section(const struct cfg_schema *s, const char *name)
{
	const char *const *sec;

	for (sec = s->sections; name && *sec; sec++)
		if (strcmp(name, *sec) == 0)
			return true;
	return false;
}

static int load_root(struct cfg_yaml *y, yaml_node_t *root)
{
	yaml_node_pair_t *p;

	if (root->type == YAML_SCALAR_NODE && !*cfg_yaml_scalar(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return cfg_yaml_fail(y, root, "%s", y->s->root_expect);
	for (p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = cfg_yaml_node(y, p->key);
		yaml_node_t *v = cfg_yaml_node(y, p->value);
		const char *ks = cfg_yaml_scalar(k);
		int ret = ks && y->s->top ? y->s->top(y, ks, v) : 1;

		if (ret == 1 && is_section(y->s, ks))
			ret = load_section(y, ks, v);
		else if (ret == 1)
			ret = cfg_yaml_fail(y, k, "unknown section '%s'",
					    ks ? ks : "?");
		if (ret < 0)
			return -1;
	}
	return 0;
}

int cfg_load_text(const struct cfg_schema *s, void *base, const char *text,
		  size_t len, const char *name, char *err)
{
	struct cfg_yaml y = { s, base, NULL, name, err };
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
	y.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	ret = root ? load_root(&y, root) : 0;
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

static int remember_path(const struct cfg_schema *s, void *base,
			 const char *path)
{
	char **file = (void *)((char *)base + s->path_off);
	char **dir = (void *)((char *)base + s->basedir_off);
	char *copy = strdup(path);

	free(*file);
	free(*dir);
	*file = strdup(path);
	*dir = copy ? strdup(dirname(copy)) : NULL;
	free(copy);
	return *file && *dir ? 0 : -1;
}

int cfg_load_file(const struct cfg_schema *s, void *base, const char *path,
		  char *err)
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
	if (remember_path(s, base, path) < 0) {
		snprintf(err, CONFIG_ERR_MAX, "%s: out of memory", path);
		free(text);
		return -1;
	}
	ret = cfg_load_text(s, base, text, len, path, err);
	free(text);
	return ret;
}
