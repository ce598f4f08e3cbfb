/* BIND's key statements, as tsig-keygen writes them:
 *     key "name" { algorithm hmac-sha256; secret "base64"; };
 * with BIND's comments (#, //, C style). A tokenizer and the grammar of
 * this one statement; nothing after a secret is ever quoted back. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "daemon/keyfile_int.h"

enum tok { T_EOF, T_WORD, T_STRING, T_PUNCT, T_BAD };

struct lex {
	const char *p, *end;
	unsigned line;
	enum tok kind;
	unsigned tline;                 /* line of the token */
	char tok[2048];
	size_t len;
	const char *name;
	char *err;
};

static int fail(struct lex *x, unsigned line, const char *fmt, ...)
{
	int k = snprintf(x->err, CONFIG_ERR_MAX, "%s:%u: ", x->name, line);
	va_list ap;

	va_start(ap, fmt);
	if (k > 0 && k < CONFIG_ERR_MAX)
		vsnprintf(x->err + k, CONFIG_ERR_MAX - k, fmt, ap);
	va_end(ap);
	return -1;
}

/* Spaces and the three kinds of comments. */
static void skip_blank(struct lex *x)
{
	while (x->p < x->end) {
		if (*x->p == '\n') {
			x->line++;
			x->p++;
		} else if (isspace((unsigned char)*x->p)) {
			x->p++;
		} else if (*x->p == '#' || (*x->p == '/' && x->p + 1 < x->end &&
					    x->p[1] == '/')) {
			while (x->p < x->end && *x->p != '\n')
				x->p++;
		} else if (*x->p == '/' && x->p + 1 < x->end &&
			   x->p[1] == '*') {
			for (x->p += 2; x->p < x->end; x->p++) {
				if (*x->p == '\n')
					x->line++;
				if (*x->p == '*' && x->p + 1 < x->end &&
				    x->p[1] == '/') {
					x->p++;
					break;
				}
			}
			x->p++;
		} else {
			return;
		}
	}
}

static void put(struct lex *x, char c)
{
	if (x->len + 1 < sizeof(x->tok))
		x->tok[x->len++] = c;
	else
		x->kind = T_BAD;
}

static void read_string(struct lex *x)
{
	x->kind = T_STRING;
	for (x->p++; x->p < x->end && *x->p != '"'; x->p++) {
		if (*x->p == '\\' && x->p + 1 < x->end)
			x->p++;
		if (*x->p == '\n')
			x->line++;
		put(x, *x->p);
	}
	if (x->p >= x->end)
		x->kind = T_BAD;        /* unterminated */
	else
		x->p++;
}

static enum tok next(struct lex *x)
{
	skip_blank(x);
	x->len = 0;
	x->tline = x->line;
	if (x->p >= x->end) {
		x->kind = T_EOF;
	} else if (*x->p == '"') {
		read_string(x);
	} else if (strchr("{};", *x->p)) {
		x->kind = T_PUNCT;
		put(x, *x->p++);
	} else {
		x->kind = T_WORD;
		while (x->p < x->end && !isspace((unsigned char)*x->p) &&
		       !strchr("{};\"#", *x->p))
			put(x, *x->p++);
	}
	x->tok[x->len] = 0;
	return x->kind;
}

static bool is(const struct lex *x, const char *s)
{
	return (x->kind == T_WORD || x->kind == T_PUNCT) &&
	       strcmp(x->tok, s) == 0;
}

/* The current token for a message: a keyword-like word, else nothing
 * (it may be part of a secret). */
static const char *shown(const struct lex *x)
{
	if (x->kind == T_EOF)
		return "the end of the file";
	if (x->kind == T_PUNCT || (x->kind == T_WORD && x->len <= 32 &&
				   strspn(x->tok, "abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
					  "-_.") == x->len))
		return x->tok;
	return "something else";
}

/* The token into dst (cap octets); false when it does not fit. */
static bool copy_tok(const struct lex *x, char *dst, size_t cap)
{
	if (x->len >= cap)
		return false;
	memcpy(dst, x->tok, x->len + 1);
	return true;
}

static int expect(struct lex *x, const char *what, const char *after)
{
	if (next(x) == T_BAD)
		return fail(x, x->tline, "unterminated string");
	if (!is(x, what))
		return fail(x, x->tline, "expected '%s' %s", what, after);
	return 0;
}

struct clauses {
	char alg[64];
	char secret[2048];
	unsigned line;
};

/* algorithm and secret, up to the closing brace. */
static int read_clauses(struct lex *x, const char *key, struct clauses *c)
{
	for (;;) {
		if (next(x) == T_BAD)
			return fail(x, x->tline, "key '%s': unterminated "
				    "string", key);
		if (is(x, "}"))
			return 0;
		if (is(x, "algorithm")) {
			if (next(x) == T_BAD)
				return fail(x, x->tline, "key '%s': "
					    "unterminated string", key);
			if (x->kind != T_WORD && x->kind != T_STRING)
				return fail(x, x->tline, "key '%s': algorithm "
					    "needs a value", key);
			if (!copy_tok(x, c->alg, sizeof(c->alg)))
				return fail(x, x->tline, "key '%s': algorithm "
					    "name too long", key);
			if (expect(x, ";", "after the algorithm") < 0)
				return -1;
		} else if (is(x, "secret")) {
			if (next(x) == T_BAD)
				return fail(x, x->tline, "key '%s': "
					    "unterminated string", key);
			if (x->kind != T_WORD && x->kind != T_STRING)
				return fail(x, x->tline, "key '%s': secret "
					    "needs a value in quotes", key);
			if (!copy_tok(x, c->secret, sizeof(c->secret)))
				return fail(x, x->tline, "key '%s': secret too "
					    "long", key);
			OPENSSL_cleanse(x->tok, sizeof(x->tok));
			c->line = x->tline;
			if (expect(x, ";", "after the secret") < 0)
				return -1;
		} else {
			return fail(x, x->tline, "key '%s': expected "
				    "algorithm, secret or '}', found '%s'",
				    key, shown(x));
		}
	}
}

/* One statement after its "key": name { clauses } ; */
static int read_key(struct lex *x, keyfile_fn *fn, void *ctx)
{
	char name[NAME_TEXT_MAX], msg[CONFIG_ERR_MAX];
	struct clauses c = { .line = 0 };
	struct tsig_key_spec s;
	unsigned line = x->tline;
	int ret = -1;

	if (next(x) != T_WORD && x->kind != T_STRING)
		return fail(x, x->tline, "%s", "key: expected a name after "
			    "'key'");
	if (!copy_tok(x, name, sizeof(name)))
		return fail(x, x->tline, "%s", "key: name too long");
	if (expect(x, "{", "after the key name") < 0 ||
	    read_clauses(x, name, &c) < 0 ||
	    expect(x, ";", "after the key's '}'") < 0)
		goto out;
	if (!c.secret[0] || !c.alg[0]) {
		fail(x, line, "key '%s' needs both algorithm and secret",
		     name);
		goto out;
	}
	if (tsig_spec_set(&s, name, c.alg, c.secret, msg, sizeof(msg)) < 0) {
		fail(x, c.line ? c.line : line, "%s", msg);
		goto out;
	}
	ret = fn(ctx, &s, msg);
	if (ret < 0)
		fail(x, line, "%s", msg);
	tsig_spec_wipe(&s);
out:
	OPENSSL_cleanse(&c, sizeof(c));
	return ret;
}

int keyfile_bind(const char *text, size_t len, const char *name,
		 keyfile_fn *fn, void *ctx, char *err)
{
	struct lex x = { .p = text, .end = text + len, .line = 1,
			 .name = name, .err = err };
	int n = 0, ret = 0;

	while (ret == 0 && next(&x) != T_EOF) {
		if (!is(&x, "key")) {
			ret = fail(&x, x.tline, "expected a key statement "
				   "(key \"NAME\" { ... };), found '%s'",
				   shown(&x));
			break;
		}
		ret = read_key(&x, fn, ctx);
		n++;
	}
	OPENSSL_cleanse(x.tok, sizeof(x.tok));
	if (ret == 0 && n == 0)
		ret = fail(&x, x.line, "%s", "no key in the file");
	return ret;
}
