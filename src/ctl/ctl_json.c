/* The control request parser (ctl_json.h): RFC 8259 for one flat
 * object, strictly (no comments, no trailing commas, no control
 * characters or invalid UTF-8 in strings, no lone surrogates, no NUL).
 * A cursor over the line; every error names its offset. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl_json.h"

struct cur {
	const char *s;
	size_t len, pos;
	struct ctl_request *rq;
	char *err;
	size_t cap;
};

static int fail(struct cur *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct cur *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->err, c->cap, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < c->cap)
		snprintf(c->err + n, c->cap - n, " at offset %zu", c->pos);
	return -1;
}

static void skip_ws(struct cur *c)
{
	while (c->pos < c->len && (c->s[c->pos] == ' ' ||
				   c->s[c->pos] == '\t' ||
				   c->s[c->pos] == '\r' ||
				   c->s[c->pos] == '\n'))
		c->pos++;
}

static int peek(const struct cur *c)
{
	return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1;
}

size_t ctl_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t k;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return k;
}

static bool put(struct cur *c, const void *p, size_t n)
{
	if (c->rq->used + n > sizeof(c->rq->store))
		return false;
	memcpy(c->rq->store + c->rq->used, p, n);
	c->rq->used += n;
	return true;
}

static int hex4(struct cur *c, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		int ch = peek(c), d;
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return fail(c, "bad \\u escape");
		*v = *v << 4 | (uint32_t)d;
		c->pos++;
	}
	return 0;
}

/* \uXXXX (and its low surrogate) as UTF-8 into the store. */
static int unicode(struct cur *c)
{
	uint8_t u[4];
	uint32_t cp, lo;
	size_t n;

	if (hex4(c, &cp) < 0)
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(c, "lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (peek(c) != '\\' || c->pos + 1 >= c->len ||
		    c->s[c->pos + 1] != 'u')
			return fail(c, "high surrogate without its low one");
		c->pos += 2;
		if (hex4(c, &lo) < 0)
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(c, "high surrogate without its low one");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return fail(c, "NUL in a string");
	if (cp < 0x80) {
		u[0] = (uint8_t)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xc0 | cp >> 6, u[1] = 0x80 | (cp & 0x3f), n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | cp >> 12, u[1] = 0x80 | (cp >> 6 & 0x3f);
		u[2] = 0x80 | (cp & 0x3f), n = 3;
	} else {
		u[0] = 0xf0 | cp >> 18, u[1] = 0x80 | (cp >> 12 & 0x3f);
		u[2] = 0x80 | (cp >> 6 & 0x3f), u[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	return put(c, u, n) ? 0 : fail(c, "request too long");
}

static int escape(struct cur *c)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	int ch = peek(c);
	const char *e = ch > 0 ? strchr(from, ch) : NULL;

	if (ch == 'u') {
		c->pos++;
		return unicode(c);
	}
	if (!e || !*e)
		return fail(c, "bad escape in a string");
	c->pos++;
	return put(c, &to[e - from], 1) ? 0 : fail(c, "request too long");
}

/* A string (at its opening quote) into the store; *out points at it. */
static int string(struct cur *c, const char **out)
{
	size_t k;

	*out = c->rq->store + c->rq->used;
	c->pos++;
	for (;;) {
		int ch = peek(c);
		if (ch < 0)
			return fail(c, "unterminated string");
		if (ch == '"')
			break;
		if (ch < 0x20)
			return fail(c, "control character in a string");
		if (ch == '\\') {
			c->pos++;
			if (escape(c) < 0)
				return -1;
			continue;
		}
		k = ctl_utf8_len((const unsigned char *)c->s + c->pos,
				 c->len - c->pos);
		if (!k)
			return fail(c, "invalid UTF-8");
		if (!put(c, c->s + c->pos, k))
			return fail(c, "request too long");
		c->pos += k;
	}
	c->pos++;
	return put(c, "", 1) ? 0 : fail(c, "request too long");
}

static bool digit(const struct cur *c)
{
	int ch = peek(c);

	return ch >= '0' && ch <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(struct cur *c, const char **out)
{
	size_t start = c->pos;

	if (peek(c) == '-')
		c->pos++;
	if (!digit(c))
		return fail(c, "bad number");
	if (peek(c) == '0')
		c->pos++;
	else
		while (digit(c))
			c->pos++;
	if (peek(c) == '.') {
		c->pos++;
		if (!digit(c))
			return fail(c, "bad number");
		while (digit(c))
			c->pos++;
	}
	if (peek(c) == 'e' || peek(c) == 'E') {
		c->pos++;
		if (peek(c) == '+' || peek(c) == '-')
			c->pos++;
		if (!digit(c))
			return fail(c, "bad number");
		while (digit(c))
			c->pos++;
	}
	*out = c->rq->store + c->rq->used;
	if (!put(c, c->s + start, c->pos - start) || !put(c, "", 1))
		return fail(c, "request too long");
	return 0;
}

static int literal(struct cur *c, struct ctl_member *m)
{
	static const char *const word[] = { "true", "false", "null" };
	static const enum ctl_type type[] = { CTL_T_TRUE, CTL_T_FALSE,
					      CTL_T_NULL };

	for (int i = 0; i < 3; i++) {
		size_t n = strlen(word[i]);
		if (c->len - c->pos >= n && !memcmp(c->s + c->pos, word[i], n)) {
			c->pos += n;
			m->val = word[i];
			m->type = type[i];
			return 0;
		}
	}
	return fail(c, "expected a value");
}

static int value(struct cur *c, struct ctl_member *m)
{
	int ch = peek(c);

	if (ch == '"') {
		m->type = CTL_T_STRING;
		return string(c, &m->val);
	}
	if (ch == '-' || (ch >= '0' && ch <= '9')) {
		m->type = CTL_T_NUMBER;
		return number(c, &m->val);
	}
	if (ch == '{' || ch == '[')
		return fail(c, "member '%.64s': objects and arrays are not "
			    "taken", m->key);
	return literal(c, m);
}

static int member(struct cur *c)
{
	struct ctl_member *m = &c->rq->m[c->rq->n];

	if (c->rq->n == CTL_MEMBERS_MAX)
		return fail(c, "more than %d members", CTL_MEMBERS_MAX);
	if (peek(c) != '"')
		return fail(c, "expected a member name");
	if (string(c, &m->key) < 0)
		return -1;
	if (ctl_request_get(c->rq, m->key))
		return fail(c, "member '%.64s' given twice", m->key);
	skip_ws(c);
	if (peek(c) != ':')
		return fail(c, "expected ':'");
	c->pos++;
	skip_ws(c);
	if (value(c, m) < 0)
		return -1;
	c->rq->n++;
	return 0;
}

static int object(struct cur *c)
{
	skip_ws(c);
	if (c->pos == c->len)
		return fail(c, "empty request");
	if (peek(c) != '{')
		return fail(c, "expected '{' (a request is one JSON object)");
	c->pos++;
	skip_ws(c);
	if (peek(c) == '}') {
		c->pos++;
		return 0;
	}
	for (;;) {
		if (member(c) < 0)
			return -1;
		skip_ws(c);
		if (peek(c) == '}') {
			c->pos++;
			return 0;
		}
		if (peek(c) != ',')
			return fail(c, "expected ',' or '}'");
		c->pos++;
		skip_ws(c);
	}
}

int ctl_request_parse(struct ctl_request *rq, const char *text, size_t len,
		      char *err, size_t cap)
{
	struct cur c;

	rq->n = 0;
	rq->used = 0;
	c = (struct cur){ text, len, 0, rq, err, cap };
	if (len >= CTL_REQUEST_MAX) {
		snprintf(err, cap, "request over %d octets", CTL_REQUEST_MAX);
		return -1;
	}
	if (object(&c) < 0)
		return -1;
	skip_ws(&c);
	if (c.pos != len)
		return fail(&c, "text after the object");
	return 0;
}

const struct ctl_member *ctl_request_get(const struct ctl_request *rq,
					 const char *key)
{
	for (size_t i = 0; i < rq->n; i++)
		if (!strcmp(rq->m[i].key, key))
			return &rq->m[i];
	return NULL;
}
