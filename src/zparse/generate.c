/* $GENERATE start-stop[/step] lhs [ttl] [class] type rhs, as BIND 9
 * reads it: '$' is the iterator, '$$' a literal '$', '\X' is kept for the
 * name/RDATA code, ${offset[,width[,base]]} with bases d o x X n N (n/N:
 * reversed nibbles with dots, for ip6.arpa). As in BIND, an offset
 * stays in force for the later '$' of the same template. The rhs is
 * expanded, then cut into tokens like zone text. */
#include "zparse/zparse_int.h"

#include <stdio.h>
#include <string.h>

#include "base/error.h"

struct gen_mod {
	long long delta;
	unsigned width;
	char base;
};

static const char *parse_num(const char *s, const char *e,
			     unsigned long long *v)
{
	const char *start = s;

	*v = 0;
	while (s < e && *s >= '0' && *s <= '9' && *v < 0xffffffffull)
		*v = *v * 10 + (unsigned)(*s++ - '0');
	return s == start ? NULL : s;
}

/* s points after "${"; returns the position after '}' or NULL. */
static const char *parse_mod(const char *s, const char *e,
			     struct gen_mod *m)
{
	unsigned long long v;
	bool neg = false;

	if (s < e && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	s = parse_num(s, e, &v);
	if (!s || v > 0x7fffffffull)
		return NULL;
	m->delta = neg ? -(long long)v : (long long)v;
	if (s < e && *s == ',') {
		s = parse_num(s + 1, e, &v);
		if (!s)
			return NULL;
		if (v > 4096)
			v = 4096;       /* too wide for the buffer anyway */
		m->width = (unsigned)v;
		if (s < e && *s == ',') {
			s++;
			if (s >= e || !strchr("doxXnN", *s))
				return NULL;
			m->base = *s++;
		}
	}
	if (s >= e || *s != '}')
		return NULL;
	return s + 1;
}

/* Nibbles low first, dot separated, padded to width characters. */
static int nibbles(char *out, size_t cap, unsigned width, bool upper,
		   unsigned value)
{
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	do {
		if (n + 2 >= cap)
			return -1;
		out[n++] = hex[value & 0xf];
		value >>= 4;
		if (width > 0)
			width--;
		if (width > 0 || value != 0) {
			out[n++] = '.';
			if (width > 0)
				width--;
		}
	} while (value != 0 || width > 0);
	out[n] = '\0';
	return (int)n;
}

static int format_mod(char *out, size_t cap, const struct gen_mod *m,
		      long long it)
{
	long long v = it + m->delta;
	int w = (int)m->width;

	switch (m->base) {
	case 'o':
		return snprintf(out, cap, "%0*o", w, (unsigned)v);
	case 'x':
		return snprintf(out, cap, "%0*x", w, (unsigned)v);
	case 'X':
		return snprintf(out, cap, "%0*X", w, (unsigned)v);
	case 'n':
	case 'N':
		return nibbles(out, cap, m->width, m->base == 'N', (unsigned)v);
	default:
		return snprintf(out, cap, "%0*lld", w, v);
	}
}

static bool put(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
	if (cap - *o < n)
		return false;
	memcpy(out + *o, s, n);
	*o += n;
	return true;
}

/* Expands one template for iterator value it. Returns the length, or
 * BN_ESYNTAX (bad modifier) / BN_ENOSPC. */
static int expand(const struct ztoken *t, long long it, char *out,
		  size_t cap)
{
	const char *s = t->s, *e = t->s + t->len;
	size_t o = 0;
	char num[128];
	struct gen_mod m = { 0, 0, 'd' };

	while (s < e) {
		size_t n = 1;

		if (*s == '\\') {
			n = s + 1 < e ? 2 : 1;
		} else if (*s == '$' && s + 1 < e && s[1] == '$') {
			s++;
		} else if (*s == '$') {
			s++;
			m.width = 0;
			m.base = 'd';
			if (s < e && *s == '{') {
				s = parse_mod(s + 1, e, &m);
				if (!s)
					return BN_ESYNTAX;
			}
			if (it + m.delta > 0x7fffffffll)
				return BN_ERANGE;
			int len = format_mod(num, sizeof(num), &m, it);

			if (len < 0 || (size_t)len >= sizeof(num) ||
			    !put(out, cap, &o, num, (size_t)len))
				return BN_ENOSPC;
			continue;
		}
		if (!put(out, cap, &o, s, n))
			return BN_ENOSPC;
		s += n;
	}
	return (int)o;
}

static bool parse_range(const struct ztoken *t, unsigned long long *start,
			unsigned long long *stop, unsigned long long *step)
{
	const char *s = t->s, *e = t->s + t->len;

	*step = 1;
	s = parse_num(s, e, start);
	if (!s || s >= e || *s != '-')
		return false;
	s = parse_num(s + 1, e, stop);
	if (!s)
		return false;
	if (s < e && *s == '/') {
		s = parse_num(s + 1, e, step);
		if (!s)
			return false;
	}
	return s == e && *start <= *stop && *stop <= 0x7fffffffull &&
	       *step >= 1 && *step <= 0x7fffffffull;
}

static const char *gen_err(int err)
{
	if (err == BN_ERANGE)
		return "out of range";
	return err == BN_ENOSPC ? "ran out of space" : "syntax error";
}

/* One iteration; returns <0 when the run must stop. */
static int gen_one(struct zctx *c, const char *file, const struct zp_head *h,
		   size_t lhs, size_t rhs, long long it)
{
	unsigned line = c->rec_line;
	int len, ret, n;

	len = expand(&c->tok[lhs], it, c->gen_lhs, sizeof(c->gen_lhs));
	if (len < 0) {
		zp_error(c, file, line, "$GENERATE: %s in '%.*s'", gen_err(len),
			 (int)c->tok[lhs].len, c->tok[lhs].s);
		return len;
	}
	ret = name_from_text(c->name_tmp, c->gen_lhs, (size_t)len, c->origin);
	if (ret < 0) {
		zp_error(c, file, line, "$GENERATE: bad owner '%.*s': %s", len,
			 c->gen_lhs, zp_name_err(ret));
		return ret;
	}
	len = expand(&c->tok[rhs], it, c->gen_rhs, sizeof(c->gen_rhs));
	if (len < 0) {
		zp_error(c, file, line, "$GENERATE: %s in '%.*s'", gen_err(len),
			 (int)c->tok[rhs].len, c->tok[rhs].s);
		return len;
	}
	n = zp_lex_text(c, c->gen_rhs, (size_t)len, c->ntok, file, line);
	if (n < 0)
		return n;
	return zp_emit(c, file, line, c->name_tmp, h, c->ntok, (size_t)n);
}

void zp_generate(struct zctx *c, const char *file)
{
	unsigned long long start, stop, step;
	struct zp_head h;
	size_t i = 3;

	if (c->ntok < 5) {
		zp_error(c, file, c->rec_line,
			 "$GENERATE: unexpected end of line");
		return;
	}
	if (c->tok[1].quoted || c->tok[2].quoted) {
		zp_quoted_error(c, file, c->tok[1].quoted ? 1 : 2);
		return;
	}
	if (!parse_range(&c->tok[1], &start, &stop, &step)) {
		zp_error(c, file, c->rec_line, "$GENERATE: invalid range '%.*s'",
			 (int)c->tok[1].len, c->tok[1].s);
		return;
	}
	if (zp_parse_head(c, file, &i, &h) < 0)
		return;
	if (i >= c->ntok) {
		zp_error(c, file, c->rec_line,
			 "$GENERATE: unexpected end of line (no rhs)");
		return;
	}
	if (i + 1 < c->ntok) {
		zp_error(c, file, zp_err_line(c, i + 1),
			 "$GENERATE: extra input text '%.*s'",
			 (int)c->tok[i + 1].len, c->tok[i + 1].s);
		return;
	}
	for (unsigned long long it = start; it <= stop; it += step) {
		if (gen_one(c, file, &h, 2, i, (long long)it) < 0)
			return;
	}
}
