/* banchi-ctl's reading of a reply line: "ok" and "error" taken out, the
 * other members printed as indented "key: value" lines (arrays as "-"
 * items), strings unescaped. The reply is the daemon's, but read as
 * carefully as any input: bounded depth, every byte checked. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ctlcmd.h"

#define DEPTH_MAX 16

struct jr {
	const char *s;
	size_t len, pos;
	FILE *out;              /* NULL: parse only */
	int depth;
};

static void ws(struct jr *c)
{
	while (c->pos < c->len && strchr(" \t\r\n", c->s[c->pos]) &&
	       c->s[c->pos])
		c->pos++;
}

static int at(const struct jr *c)
{
	return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1;
}

static void emit(struct jr *c, const char *p, size_t n)
{
	if (c->out)
		fwrite(p, 1, n, c->out);
}

static int hex(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* \uXXXX at c->pos (after the "\u"): the code unit, or -1. */
static long unit(struct jr *c)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int d = hex(at(c));
		if (d < 0)
			return -1;
		v = v << 4 | d;
		c->pos++;
	}
	return v;
}

static int utf8(struct jr *c, long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x20)          /* a control character: not printed raw */
		cp = '?';
	if (cp < 0x80) {
		u[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	emit(c, u, n);
	return 0;
}

static int escape(struct jr *c)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	int ch = at(c);
	const char *e = ch > 0 ? strchr(from, ch) : NULL;
	long cp, lo;

	c->pos++;
	if (e && *e)
		return utf8(c, (unsigned char)to[e - from] < 0x20 ? ' ' :
			    to[e - from]);
	if (ch != 'u' || (cp = unit(c)) < 0)
		return -1;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (at(c) != '\\' || c->pos + 1 >= c->len ||
		    c->s[c->pos + 1] != 'u')
			return -1;
		c->pos += 2;
		lo = unit(c);
		if (lo < 0xdc00 || lo > 0xdfff)
			return -1;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	return utf8(c, cp);
}

/* A string (at its quote), printed unescaped; its raw text copied to
 * buf when not NULL (cap octets, cut). */
static int string(struct jr *c, char *buf, size_t cap)
{
	size_t start;

	c->pos++;
	start = c->pos;
	for (;;) {
		int ch = at(c);
		if (ch < 0x20)
			return -1;
		if (ch == '"')
			break;
		if (ch == '\\') {
			c->pos++;
			if (escape(c) < 0)
				return -1;
			continue;
		}
		emit(c, c->s + c->pos, 1);
		c->pos++;
	}
	if (buf && cap) {
		size_t n = c->pos - start < cap - 1 ? c->pos - start : cap - 1;
		memcpy(buf, c->s + start, n);
		buf[n] = '\0';
	}
	c->pos++;
	return 0;
}

static int scalar(struct jr *c)
{
	size_t start = c->pos;

	while (c->pos < c->len && strchr("-+.0123456789eEtrufalsn",
					 c->s[c->pos]) && c->s[c->pos])
		c->pos++;
	if (c->pos == start)
		return -1;
	emit(c, c->s + start, c->pos - start);
	return 0;
}

static int value(struct jr *c, int indent);

static void pad(struct jr *c, int indent)
{
	for (int i = 0; i < indent; i++)
		emit(c, " ", 1);
}

/* Members or items of the container at c->pos, one a line. */
static int container(struct jr *c, int indent)
{
	bool obj = at(c) == '{';
	int close = obj ? '}' : ']', n = 0;

	if (++c->depth > DEPTH_MAX)
		return -1;
	c->pos++;
	ws(c);
	for (; at(c) != close; n++) {
		if (n && (at(c) != ',' || (c->pos++, ws(c), 0)))
			return -1;
		emit(c, "\n", 1);
		pad(c, indent);
		if (obj && (at(c) != '"' || string(c, NULL, 0) < 0))
			return -1;
		ws(c);
		if (obj && at(c) != ':')
			return -1;
		c->pos += obj;
		emit(c, obj ? ":" : "-", 1);
		ws(c);
		if (value(c, indent + 2) < 0)
			return -1;
		ws(c);
	}
	if (!n)
		emit(c, obj ? " {}" : " (none)", obj ? 3 : 7);
	c->pos++;
	c->depth--;
	return 0;
}

static int value(struct jr *c, int indent)
{
	int ch = at(c);

	if (ch == '{' || ch == '[')
		return container(c, indent);
	emit(c, " ", 1);
	if (ch == '"')
		return string(c, NULL, 0);
	return scalar(c);
}

/* The error's sentence, unescaped into err. */
static int error_text(struct jr *c, char *err, size_t cap)
{
	FILE *m = fmemopen(err, cap, "w");
	int ret;

	if (!m)
		return string(c, NULL, 0);
	c->out = m;
	ret = string(c, NULL, 0);
	c->out = NULL;
	fclose(m);
	err[cap - 1] = '\0';
	return ret;
}

/* One top-level member: ok and error kept, the others printed. */
static int top_member(struct jr *c, int *ok, char *err, size_t cap)
{
	char key[64];
	FILE *out = c->out;
	size_t at_key = c->pos;

	c->out = NULL;
	if (at(c) != '"' || string(c, key, sizeof(key)) < 0)
		return -1;
	ws(c);
	if (at(c) != ':')
		return -1;
	c->pos++;
	ws(c);
	if (!strcmp(key, "ok") && (at(c) == 't' || at(c) == 'f'))
		*ok = at(c) == 't';
	if (!strcmp(key, "ok") || !strcmp(key, "id"))
		return value(c, 0);
	if (!strcmp(key, "error") && at(c) == '"')
		return error_text(c, err, cap);
	c->out = out;
	c->pos = at_key;
	if (string(c, NULL, 0) < 0)
		return -1;
	emit(c, ":", 1);
	ws(c);
	c->pos++;
	ws(c);
	if (value(c, 2) < 0)
		return -1;
	emit(c, "\n", 1);
	return 0;
}

int reply_print(const char *line, size_t len, FILE *out, char *err,
		size_t cap)
{
	struct jr c = { line, len, 0, out, 0 };
	int ok = -1;

	err[0] = '\0';
	ws(&c);
	if (at(&c) != '{')
		return -1;
	c.pos++;
	ws(&c);
	for (int n = 0; at(&c) != '}'; n++) {
		if (n && (at(&c) != ',' || (c.pos++, ws(&c), 0)))
			return -1;
		if (top_member(&c, &ok, err, cap) < 0)
			return -1;
		c.out = out;
		ws(&c);
	}
	return ok;
}
