/* Key files: which form a file is in, Knot's YAML key list (read with
 * libyaml, every other top-level key of a knot.conf ignored) and the
 * one-key-a-line form; reading the file. BIND's form is
 * keyfile_bind.c's. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include <openssl/crypto.h>

#include "daemon/keyfile_int.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

enum form { FORM_BIND, FORM_KNOT, FORM_LINES };

/* The first word after blanks and comment lines tells the form. */
static enum form form_of(const char *p, const char *end)
{
	size_t n = 0;

	for (;;) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p < end && *p == '#') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		break;
	}
	if (end - p >= 2 && p[0] == '/' && (p[1] == '/' || p[1] == '*'))
		return FORM_BIND;
	while (p + n < end && !isspace((unsigned char)p[n]))
		n++;
	if (n && p[n - 1] == ':' && !memchr(p, ':', n - 1))
		return FORM_KNOT;
	/* braces are BIND's: no line of the other form has any */
	if (memchr(p, '{', (size_t)(end - p)) ||
	    (n >= 3 && strncmp(p, "key", 3) == 0 &&
	     (n == 3 || p[3] == '"')))
		return FORM_BIND;
	return FORM_LINES;
}

static int line_fail(char *err, const char *name, unsigned long line,
		     const char *fmt, ...)
{
	int k = snprintf(err, CONFIG_ERR_MAX, "%s:%lu: ", name, line);
	va_list ap;

	va_start(ap, fmt);
	if (k > 0 && k < CONFIG_ERR_MAX)
		vsnprintf(err + k, CONFIG_ERR_MAX - k, fmt, ap);
	va_end(ap);
	return -1;
}

static int one_line(const char *l, size_t n, const char *name,
		    unsigned long line, keyfile_fn *fn, void *ctx, char *err)
{
	char buf[2048], msg[CONFIG_ERR_MAX];
	struct tsig_key_spec s;
	int ret;

	while (n && isspace((unsigned char)l[n - 1]))
		n--;
	while (n && isspace((unsigned char)*l)) {
		l++;
		n--;
	}
	if (!n || *l == '#')
		return 0;
	if (n >= sizeof(buf))
		return line_fail(err, name, line, "%s", "line too long");
	memcpy(buf, l, n);
	buf[n] = 0;
	ret = tsig_spec_parse(&s, buf, msg, sizeof(msg));
	OPENSSL_cleanse(buf, sizeof(buf));
	if (ret == 0) {
		ret = fn(ctx, &s, msg);
		tsig_spec_wipe(&s);
	}
	return ret < 0 ? line_fail(err, name, line, "%s", msg) : 1;
}

static int lines(const char *text, size_t len, const char *name,
		 keyfile_fn *fn, void *ctx, char *err)
{
	const char *p = text, *end = text + len, *nl;
	unsigned long line = 1;
	int n = 0, ret;

	for (; p < end; p = nl + 1, line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		ret = one_line(p, (size_t)(nl - p), name, line, fn, ctx, err);
		if (ret < 0)
			return -1;
		n += ret;
	}
	return n ? 0 : ERR("%s: no key in the file", name);
}

struct knot {
	yaml_document_t *doc;
	const char *name;
	char *err;
};

static int knot_fail(struct knot *k, const yaml_node_t *n, const char *what)
{
	return line_fail(k->err, k->name, n->start_mark.line + 1, "%s", what);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
	       (const char *)n->data.scalar.value : NULL;
}

/* One item of the key list: id, algorithm, secret. */
static int knot_key(struct knot *k, yaml_node_t *m, keyfile_fn *fn,
		    void *ctx)
{
	const char *id = NULL, *alg = NULL, *secret = NULL;
	char msg[CONFIG_ERR_MAX];
	struct tsig_key_spec s;
	yaml_node_pair_t *p;
	int ret;

	if (m->type != YAML_MAPPING_NODE)
		return knot_fail(k, m, "key: each key is a mapping of id, "
				 "algorithm and secret");
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const char *ks = scalar(yaml_document_get_node(k->doc, p->key));
		yaml_node_t *v = yaml_document_get_node(k->doc, p->value);

		if (!ks || (strcmp(ks, "id") && strcmp(ks, "algorithm") &&
			    strcmp(ks, "secret")))
			return knot_fail(k, v, "key: unknown field (id, "
					 "algorithm, secret)");
		if (!scalar(v))
			return knot_fail(k, v, "key: expected a string");
		*(ks[0] == 'i' ? &id : ks[0] == 'a' ? &alg : &secret) =
			scalar(v);
	}
	if (!id || !alg || !secret)
		return knot_fail(k, m, "key: id, algorithm and secret are "
				 "all needed");
	ret = tsig_spec_set(&s, id, alg, secret, msg, sizeof(msg));
	if (ret == 0) {
		ret = fn(ctx, &s, msg);
		tsig_spec_wipe(&s);
	}
	return ret < 0 ? knot_fail(k, m, msg) : 0;
}

static int knot_keys(struct knot *k, yaml_node_t *root, keyfile_fn *fn,
		     void *ctx)
{
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	int n = 0;

	if (root->type != YAML_MAPPING_NODE)
		return knot_fail(k, root, "expected a mapping with 'key:'");
	for (p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		const char *ks = scalar(yaml_document_get_node(k->doc, p->key));
		yaml_node_t *v = yaml_document_get_node(k->doc, p->value);

		if (!ks || strcmp(ks, "key"))
			continue;       /* the rest of a knot.conf */
		if (v->type != YAML_SEQUENCE_NODE)
			return knot_fail(k, v, "key: expected a list");
		for (it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++, n++)
			if (knot_key(k, yaml_document_get_node(k->doc, *it),
				     fn, ctx) < 0)
				return -1;
	}
	return n ? 0 : knot_fail(k, root, "no key in the file");
}

static int knot(const char *text, size_t len, const char *name,
		keyfile_fn *fn, void *ctx, char *err)
{
	struct knot k = { NULL, name, err };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret;

	if (!yaml_parser_initialize(&parser))
		return ERR("%s: out of memory", name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = line_fail(err, name, parser.problem_mark.line + 1, "%s",
				parser.problem ? parser.problem :
				"YAML error");
		yaml_parser_delete(&parser);
		return ret;
	}
	k.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	ret = root ? knot_keys(&k, root, fn, ctx) :
	      ERR("%s: no key in the file", name);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

int keyfile_parse(const char *text, size_t len, const char *name,
		  keyfile_fn *fn, void *ctx, char *err)
{
	switch (form_of(text, text + len)) {
	case FORM_BIND:
		return keyfile_bind(text, len, name, fn, ctx, err);
	case FORM_KNOT:
		return knot(text, len, name, fn, ctx, err);
	default:
		return lines(text, len, name, fn, ctx, err);
	}
}

int keyfile_load(const char *path, keyfile_fn *fn, void *ctx, char *err)
{
	const size_t cap = 1 << 20;
	char *text;
	size_t len = 0;
	FILE *f = fopen(path, "r");
	int ret;

	if (!f)
		return ERR("%s: cannot open: %m", path);
	text = malloc(cap);
	if (text)
		len = fread(text, 1, cap, f);
	if (!text || ferror(f) || !feof(f)) {
		fclose(f);
		free(text);
		return ERR("%s: cannot read (or over 1 MiB)", path);
	}
	fclose(f);
	ret = keyfile_parse(text, len, path, fn, ctx, err);
	OPENSSL_cleanse(text, len);
	free(text);
	return ret;
}
