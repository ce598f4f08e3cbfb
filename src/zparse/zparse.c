/* Zone parser driver: public entry points, records (owner, TTL, class,
 * type, RDATA), $ORIGIN / $TTL / $INCLUDE, BIND 9's TTL defaults and the
 * error reporting. The lexer is in lexer.c, $GENERATE in generate.c. */
#include "zparse/zparse_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "wire/rrtype.h"
#include "wire/text.h"

static void zp_vmsg(struct zctx *c, const char *file, unsigned line,
		    bool warning, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (c->o->on_msg)
		c->o->on_msg(c->o->ctx, file, line, warning, msg);
}

void zp_error(struct zctx *c, const char *file, unsigned line,
	      const char *fmt, ...)
{
	va_list ap;

	if (zp_done(c))
		return;
	c->errors++;
	va_start(ap, fmt);
	zp_vmsg(c, file, line, false, fmt, ap);
	va_end(ap);
}

void zp_warn(struct zctx *c, const char *file, unsigned line,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	zp_vmsg(c, file, line, true, fmt, ap);
	va_end(ap);
}

const char *zp_name_err(int err)
{
	switch (err) {
	case BN_ELABEL:
		return "label too long";
	case BN_ENAMELEN:
		return "name too long";
	default:
		return "bad name";
	}
}

/* Token text for messages: long tokens are cut. */
#define TOKF "'%.*s'"
#define TOKA(t) (int)((t).len > 80 ? 80 : (t).len), (t).s

/* BIND takes quoted text only for the owner, the $INCLUDE file name and
 * RDATA (the $GENERATE rhs included). */
void zp_quoted_error(struct zctx *c, const char *file, size_t i)
{
	zp_error(c, file, zp_err_line(c, i),
		 "syntax error: unexpected quoted string \"%.*s\"",
		 TOKA(c->tok[i]));
}

static bool tok_is(const struct ztoken *t, const char *word)
{
	size_t n = strlen(word);

	return !t->quoted && t->len == n && strncasecmp(t->s, word, n) == 0;
}

/* BIND refuses meta types (OPT, TSIG, AXFR, ANY, ...) and TYPE0 in zone
 * data. */
static bool is_meta_type(uint16_t t)
{
	return t == 0 || t == RR_OPT || (t >= 128 && t <= 255);
}

/* Token text equals word (uppercase letters) in any case: for letters,
 * c & ~0x20 is the uppercase one exactly when c is either case. */
static bool letters_eq(const char *s, const char *word, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] & ~0x20) != word[i])
			return false;
	return true;
}

/* The types that make up most zones, ahead of the table scan in
 * rrtype_from_text(); 0 when t is none of them. */
static uint16_t common_type(const struct ztoken *t)
{
	static const struct {
		const char *name;
		uint16_t code;
	} by_len[6][3] = {
		[1] = { { "A", RR_A } },
		[2] = { { "NS", RR_NS }, { "MX", RR_MX }, { "DS", RR_DS } },
		[3] = { { "TXT", RR_TXT }, { "PTR", RR_PTR }, { "SRV", RR_SRV } },
		[4] = { { "AAAA", RR_AAAA }, { "NSEC", RR_NSEC } },
		[5] = { { "CNAME", RR_CNAME }, { "RRSIG", RR_RRSIG } },
	};

	if (t->quoted || t->len == 0 || t->len > 5)
		return 0;
	for (size_t i = 0; i < 3 && by_len[t->len][i].name; i++)
		if (letters_eq(t->s, by_len[t->len][i].name, t->len))
			return by_len[t->len][i].code;
	return 0;
}

static int parse_type(struct zctx *c, const char *file, size_t i,
		      uint16_t *type)
{
	const struct ztoken *t = &c->tok[i];

	if (i >= c->ntok) {
		zp_error(c, file, zp_err_line(c, i),
			 "unexpected end of input (no RR type)");
		return BN_ESYNTAX;
	}
	if (t->quoted) {
		zp_quoted_error(c, file, i);
		return BN_ESYNTAX;
	}
	*type = common_type(t);
	if (!*type && rrtype_from_text(t->s, t->len, type) < 0) {
		zp_error(c, file, zp_err_line(c, i), "unknown RR type " TOKF,
			 TOKA(*t));
		return BN_EUNKNOWN;
	}
	if (is_meta_type(*type)) {
		zp_error(c, file, zp_err_line(c, i),
			 "type " TOKF ": invalid use of a meta type",
			 TOKA(*t));
		return BN_ESYNTAX;
	}
	return 0;
}

static bool try_class(struct zctx *c, size_t i, uint16_t *cls)
{
	const struct ztoken *t = &c->tok[i];

	if (i >= c->ntok || t->quoted || t->len < 2)
		return false;
	return rrclass_from_text(t->s, t->len, cls) >= 0;
}

static bool try_ttl(struct zctx *c, size_t i, uint32_t *ttl)
{
	const struct ztoken *t = &c->tok[i];

	if (i >= c->ntok || t->quoted || t->len == 0 ||
	    t->s[0] < '0' || t->s[0] > '9')
		return false;
	return text_ttl(t->s, t->len, ttl) >= 0;
}

/* TTL and class come in either order, each at most once (as BIND). */
int zp_parse_head(struct zctx *c, const char *file, size_t *i,
		  struct zp_head *h)
{
	uint16_t cls = 0;
	bool has_cls = false;
	size_t cls_tok = 0;

	h->has_ttl = false;
	if (try_class(c, *i, &cls)) {
		has_cls = true;
		cls_tok = (*i)++;
		h->has_ttl = try_ttl(c, *i, &h->ttl);
		*i += h->has_ttl;
	} else if (try_ttl(c, *i, &h->ttl)) {
		h->has_ttl = true;
		(*i)++;
		if (try_class(c, *i, &cls)) {
			has_cls = true;
			cls_tok = (*i)++;
		}
	}
	if (parse_type(c, file, *i, &h->type) < 0)
		return BN_ESYNTAX;
	(*i)++;
	if (has_cls && cls != c->rclass) {
		char a[16], b[16];

		zp_error(c, file, zp_err_line(c, cls_tok),
			 "class '%s' != zone class '%s'",
			 rrclass_to_text(cls, a), rrclass_to_text(c->rclass, b));
		return BN_ESYNTAX;
	}
	if (h->has_ttl && h->ttl > ZP_MAXTTL) {
		zp_warn(c, file, c->rec_line,
			"TTL %u > MAXTTL, setting TTL to 0", h->ttl);
		h->ttl = 0;
	}
	if (h->has_ttl) {
		c->last_ttl = h->ttl;
		c->has_last_ttl = true;
	}
	return 0;
}

/* BIND 9's rules: explicit TTL, else $TTL, else the previous record's
 * TTL (RFC 1035), else the SOA MINIMUM for an SOA (which then acts as
 * $TTL), else an error. */
static int resolve_ttl(struct zctx *c, const char *file, unsigned line,
		       const struct zp_head *h, size_t rdlen, uint32_t *ttl)
{
	if (h->has_ttl) {
		*ttl = h->ttl;
	} else if (c->has_dflt_ttl) {
		*ttl = c->dflt_ttl;
	} else if (c->has_last_ttl) {
		if (!c->warned_1035)
			zp_warn(c, file, line, "using RFC1035 TTL semantics");
		c->warned_1035 = true;
		*ttl = c->last_ttl;
	} else if (h->type == RR_SOA && rdlen >= 4) {
		/* BIND makes the MINIMUM the default TTL, as if $TTL */
		/* cppcheck-suppress pointerOutOfBoundsCond ; rdlen <= RDATA_MAXLEN */
		*ttl = wire_get_u32(c->rdata + rdlen - 4);
		zp_warn(c, file, line,
			"no TTL specified; using SOA MINTTL instead");
		if (*ttl > ZP_MAXTTL) {
			zp_warn(c, file, line,
				"$TTL %u > MAXTTL, setting $TTL to 0", *ttl);
			*ttl = 0;
		}
		c->dflt_ttl = *ttl;
		c->has_dflt_ttl = true;
	} else {
		zp_error(c, file, line, "no TTL specified; zone rejected");
		return BN_ESYNTAX;
	}
	return 0;
}

/* An A record's one token in the only spelling inet_pton() takes
 * (four decimal octets, no leading zeros): most of a large zone. Returns
 * 4, or 0 to leave the token to rdata_from_text() with its messages. */
static int fast_a(const struct ztoken *t, uint8_t *out)
{
	const char *p = t->s, *end = t->s + t->len;

	if (t->quoted || t->len < 7 || t->len > 15)
		return 0;
	for (int k = 0; k < 4; k++) {
		unsigned v = 0, digits = 0;

		while (p < end && *p >= '0' && *p <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255 ||
		    (digits > 1 && p[-(int)digits] == '0'))
			return 0;
		out[k] = (uint8_t)v;
		if (k < 3 && (p == end || *p++ != '.'))
			return 0;
	}
	return p == end ? 4 : 0;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Writes 16 octets: the groups g[0..n), the zero groups of "::" at gap. */
static void put_groups(uint8_t *out, const uint16_t *g, int n, int gap)
{
	int k = 0;

	for (int i = 0; i <= n; i++) {
		if (i == gap)
			for (int z = n; z < 8; z++, k++)
				out[2 * k] = out[2 * k + 1] = 0;
		if (i < n) {
			out[2 * k] = (uint8_t)(g[i] >> 8);
			out[2 * k + 1] = (uint8_t)g[i];
			k++;
		}
	}
}

/* An AAAA record's one token as hex groups with at most one "::" and
 * no dotted quad, which inet_pton() reads the same way (checked against
 * it on millions of generated strings). Returns 16, or 0 to leave the
 * token to rdata_from_text(). */
static int fast_aaaa(const struct ztoken *t, uint8_t *out)
{
	const char *p = t->s, *end = t->s + t->len;
	uint16_t g[8];
	int n = 0, gap = -1;

	if (t->quoted || t->len < 2 || t->len > 39)
		return 0;
	if (p[0] == ':') {
		if (p[1] != ':')
			return 0;
		gap = 0;
		p += 2;
	}
	while (p < end) {
		unsigned v = 0, digits = 0;
		int h;

		while (p < end && digits < 5 && (h = hex_digit(*p)) >= 0) {
			v = v << 4 | (unsigned)h;
			digits++;
			p++;
		}
		if (digits == 0 || digits > 4 || n == 8)
			return 0;
		g[n++] = (uint16_t)v;
		if (p == end)
			break;
		if (*p++ != ':' || p == end)
			return 0;
		if (*p == ':') {
			if (gap >= 0)
				return 0;
			gap = n;
			p++;
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return 0;
	put_groups(out, g, n, gap);
	return 16;
}

/* TXT whose strings hold no escape and fit: each token is its octets
 * behind a length octet, as rdata_from_text() would write them. Returns
 * the length, or 0 to leave the tokens to it (and its messages). */
static int fast_txt(const struct ztoken *tok, size_t n, uint8_t *out)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ztoken *t = &tok[i];

		if (t->len > 255 || len + 1 + t->len > RDATA_MAXLEN ||
		    memchr(t->s, '\\', t->len))
			return 0;
		out[len++] = (uint8_t)t->len;
		memcpy(out + len, t->s, t->len);
		len += t->len;
	}
	return (int)len;
}

int zp_rdata(struct zctx *c, uint16_t type, size_t first, size_t n,
	     const char **msg, size_t *bad)
{
	int len = 0;

	*msg = "bad RDATA";
	*bad = n;
	if (n == 1 && type == RR_A)
		len = fast_a(&c->tok[first], c->rdata);
	else if (n == 1 && type == RR_AAAA)
		len = fast_aaaa(&c->tok[first], c->rdata);
	else if (type == RR_TXT)
		len = fast_txt(&c->tok[first], n, c->rdata);
	if (!len)
		len = rdata_from_text(type, c->tok + first, n, c->origin,
				      c->rdata, sizeof(c->rdata), msg, bad);
	return len;
}

int zp_emit(struct zctx *c, const char *file, unsigned line,
	    const uint8_t *owner, const struct zp_head *h,
	    size_t first, size_t n)
{
	const char *msg;
	size_t bad;
	int len = zp_rdata(c, h->type, first, n, &msg, &bad);

	if (len < 0) {
		if (bad > n)
			bad = n;
		if (bad < n)
			zp_error(c, file, zp_err_line(c, first + bad), "%s " TOKF,
				 msg, TOKA(c->tok[first + bad]));
		else
			zp_error(c, file, zp_err_line(c, first + bad), "%s", msg);
		return len;
	}

	struct zrr rr = {
		.owner = owner, .type = h->type, .rclass = c->rclass,
		.ttl_explicit = h->has_ttl, .rdata = c->rdata,
		.rdlen = (uint16_t)len, .file = file, .line = line,
	};

	if (resolve_ttl(c, file, line, h, (size_t)len, &rr.ttl) < 0)
		return BN_ESYNTAX;
	int ret = c->o->on_rr(c->o->ctx, &rr);

	if (ret < 0)
		c->stop = ret;
	return ret;
}

/* BIND's hint that a blank owner after $ORIGIN is likely a mistake. */
static void warn_inherited(struct zctx *c, const char *file)
{
	char owner[NAME_TEXT_MAX], origin[NAME_TEXT_MAX];

	int lo = name_to_text(owner, sizeof(owner), c->owner);
	int lg = name_to_text(origin, sizeof(origin), c->origin);

	if (lo < 0 || lg < 0)
		return;
	/* BIND prints these two without the final dot */
	if (lo > 1)
		owner[lo - 1] = '\0';
	if (lg > 1)
		origin[lg - 1] = '\0';
	zp_warn(c, file, c->rec_line, "record with inherited owner (%s) "
		"immediately after $ORIGIN (%s)", owner, origin);
}

static int parse_owner(struct zctx *c, const char *file, size_t *i)
{
	const struct ztoken *t = &c->tok[0];
	int ret;

	if (c->ws_start) {
		if (!c->has_owner) {
			zp_error(c, file, c->rec_line, "no current owner name");
			return BN_ESYNTAX;
		}
		if (c->origin_changed)
			warn_inherited(c, file);
		return 0;
	}
	*i = 1;
	if (c->owner_tlen && t->len == c->owner_tlen && !t->quoted &&
	    memcmp(t->s, c->owner_text, t->len) == 0)
		return 0;
	c->owner_tlen = 0;
	ret = name_from_text(c->name_tmp, t->s, t->len, c->origin);
	if (ret < 0) {
		zp_error(c, file, c->rec_line, "bad owner name " TOKF ": %s",
			 TOKA(*t), zp_name_err(ret));
		return ret;
	}
	memcpy(c->owner, c->name_tmp, (size_t)ret);
	c->has_owner = true;
	if (!t->quoted && t->len < sizeof(c->owner_text)) {
		memcpy(c->owner_text, t->s, t->len);
		c->owner_tlen = (uint8_t)t->len;
	}
	return 0;
}

static void do_record(struct zctx *c, const char *file)
{
	struct zp_head h;
	size_t i = 0;

	int ret = parse_owner(c, file, &i);

	c->origin_changed = false;
	if (ret < 0)
		return;
	if (zp_parse_head(c, file, &i, &h) < 0)
		return;
	zp_emit(c, file, c->rec_line, c->owner, &h, i, c->ntok - i);
}

/* Checks a directive has between min and max arguments. */
static bool dir_args(struct zctx *c, const char *file, size_t min,
		     size_t max)
{
	if (c->ntok - 1 < min) {
		zp_error(c, file, c->rec_line, "unexpected end of line after "
			 TOKF, TOKA(c->tok[0]));
		return false;
	}
	if (c->ntok - 1 > max) {
		zp_error(c, file, zp_err_line(c, max + 1), "extra input text "
			 TOKF, TOKA(c->tok[max + 1]));
		return false;
	}
	return true;
}

static void dir_origin(struct zctx *c, const char *file)
{
	const struct ztoken *t = &c->tok[1];
	int ret;

	if (!dir_args(c, file, 1, 1))
		return;
	if (t->quoted) {
		zp_quoted_error(c, file, 1);
		return;
	}
	ret = name_from_text(c->name_tmp, t->s, t->len, c->origin);
	if (ret < 0) {
		zp_error(c, file, c->rec_line, "bad $ORIGIN " TOKF ": %s",
			 TOKA(*t), zp_name_err(ret));
		return;
	}
	memcpy(c->origin, c->name_tmp, (size_t)ret);
	c->origin_changed = true;
	c->owner_tlen = 0;
}

static void dir_ttl(struct zctx *c, const char *file)
{
	const struct ztoken *t = &c->tok[1];
	uint32_t ttl;

	if (!dir_args(c, file, 1, 1))
		return;
	if (t->quoted) {
		zp_quoted_error(c, file, 1);
		return;
	}
	if (text_ttl(t->s, t->len, &ttl) < 0) {
		zp_error(c, file, c->rec_line, "bad TTL " TOKF, TOKA(*t));
		return;
	}
	if (ttl > ZP_MAXTTL) {
		zp_warn(c, file, c->rec_line,
			"$TTL %u > MAXTTL, setting $TTL to 0", ttl);
		ttl = 0;
	}
	c->dflt_ttl = ttl;
	c->has_dflt_ttl = true;
}

static int parse_input(struct zctx *c, struct zinput *in);
static int parse_path(struct zctx *c, const char *path);

/* The included file gets its own origin; the includer's origin and
 * current owner come back afterwards, $TTL does not (as BIND). */
static void dir_include(struct zctx *c, const char *file)
{
	uint8_t origin[NAME_MAXLEN], owner[NAME_MAXLEN];
	bool has_owner = c->has_owner;
	char path[4096];
	const struct ztoken *t = &c->tok[1];
	int ret;

	if (c->o->no_include) {
		zp_error(c, file, c->rec_line, "$INCLUDE not allowed here");
		return;
	}
	if (!dir_args(c, file, 1, 2))
		return;
	if (c->depth >= c->max_depth) {
		zp_error(c, file, c->rec_line, "$INCLUDE nested too deeply");
		return;
	}
	/* BIND takes the file name as written, escapes included */
	if (t->len == 0 || t->len >= sizeof(path) || memchr(t->s, 0, t->len)) {
		zp_error(c, file, c->rec_line, "bad $INCLUDE file name " TOKF,
			 TOKA(*t));
		return;
	}
	memcpy(path, t->s, t->len);
	path[t->len] = '\0';
	memcpy(origin, c->origin, sizeof(origin));
	memcpy(owner, c->owner, sizeof(owner));
	if (c->ntok == 3 && c->tok[2].quoted) {
		zp_quoted_error(c, file, 2);
		return;
	}
	if (c->ntok == 3) {
		t = &c->tok[2];
		ret = name_from_text(c->name_tmp, t->s, t->len, c->origin);
		if (ret < 0) {
			zp_error(c, file, c->rec_line, "bad $INCLUDE origin "
				 TOKF ": %s", TOKA(*t), zp_name_err(ret));
			return;
		}
		memcpy(c->origin, c->name_tmp, (size_t)ret);
		c->origin_changed = true;
	}
	c->owner_tlen = 0;
	c->depth++;
	ret = parse_path(c, path);
	c->depth--;
	if (ret < 0)
		zp_error(c, file, c->rec_line, "$INCLUDE '%s': %s", path,
			 strerror(-ret));
	memcpy(c->origin, origin, sizeof(origin));
	memcpy(c->owner, owner, sizeof(owner));
	c->has_owner = has_owner;
	c->origin_changed = false;
	c->owner_tlen = 0;
}

static void do_directive(struct zctx *c, const char *file)
{
	const struct ztoken *t = &c->tok[0];

	if (tok_is(t, "$ORIGIN"))
		dir_origin(c, file);
	else if (tok_is(t, "$TTL"))
		dir_ttl(c, file);
	else if (tok_is(t, "$INCLUDE"))
		dir_include(c, file);
	else if (tok_is(t, "$GENERATE"))
		zp_generate(c, file);
	else
		zp_error(c, file, c->rec_line, "unknown $ directive " TOKF,
			 TOKA(*t));
}

static int parse_input(struct zctx *c, struct zinput *in)
{
	while (!zp_done(c) && zp_lex_record(c, in)) {
		if (c->bad)
			continue;
		if (!c->ws_start && !c->tok[0].quoted && c->tok[0].len &&
		    c->tok[0].s[0] == '$')
			do_directive(c, in->name);
		else
			do_record(c, in->name);
	}
	if (in->end > in->line_begin && in->end[-1] != '\n' && !zp_done(c))
		zp_warn(c, in->name, in->line, "file does not end with newline");
	return 0;
}

static void input_init(struct zinput *in, const char *text, size_t len,
		       const char *name)
{
	in->p = text;
	/* a file starts with no text: NULL + 0 is undefined (clang's
	 * UBSan stops on it) */
	in->end = text ? text + len : NULL;
	in->line_begin = text;
	in->base = text;
	in->name = name;
	in->line = 1;
	in->eof = true;
	in->fd = -1;
	in->buf = NULL;
	in->cap = 0;
}

int zp_refill(struct zinput *in)
{
	size_t used = (size_t)(in->end - in->line_begin);
	size_t off = (size_t)(in->p - in->line_begin);
	ssize_t n;

	if (in->fd < 0) {
		in->eof = true;
		return 0;
	}
	memmove(in->buf, in->line_begin, used);
	if (in->cap - used < ZP_CHUNK / 2) {
		/* one record longer than the buffer: rare, grow it */
		char *bigger = in->cap < ZP_MAXBUF ?
			       realloc(in->buf, in->cap * 2) : NULL;

		if (!bigger)
			return in->cap < ZP_MAXBUF ? BN_ENOMEM : BN_ENOSPC;
		in->buf = bigger;
		in->cap *= 2;
	}
	in->base = in->buf;
	in->line_begin = in->buf;
	in->p = in->buf + off;
	in->end = in->buf + used;
	do
		n = read(in->fd, in->buf + used, in->cap - used);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return BN_EIO;
	if (n == 0)
		in->eof = true;
	in->end += n;
	return 0;
}

/* Reads the file in big chunks through one buffer; tokens point into
 * it. Returns -errno when the file cannot be opened. */
static int parse_path(struct zctx *c, const char *path)
{
	struct zinput in;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -errno;
		goto out;
	}
	input_init(&in, NULL, 0, path);
	in.fd = fd;
	in.eof = false;
	in.cap = ZP_CHUNK;
	in.buf = malloc(in.cap);
	if (!in.buf) {
		ret = -ENOMEM;
		goto out;
	}
	in.p = in.end = in.line_begin = in.base = in.buf;
	parse_input(c, &in);
	free(in.buf);
out:
	close(fd);
	return ret;
}

struct zctx *zp_ctx_new(const struct zparse_opts *o)
{
	struct zctx *c = malloc(sizeof(*c));
	int len;

	if (!c)
		return NULL;
	if (!o->on_rr) {
		free(c);
		return NULL;
	}
	c->tok = malloc(ZP_MAXTOK * sizeof(*c->tok));
	c->tokline = malloc(ZP_MAXTOK * sizeof(*c->tokline));
	len = o->origin ? name_check(o->origin, NAME_MAXLEN) : BN_EINVAL;
	if (!c->tok || !c->tokline || len < 0) {
		free(c->tok);
		free(c->tokline);
		free(c);
		return NULL;
	}
	memcpy(c->origin, o->origin, (size_t)len);
	c->o = o;
	c->ntok = 0;
	c->has_owner = false;
	c->origin_changed = false;
	c->owner_tlen = 0;
	c->rclass = o->rclass ? o->rclass : CLASS_IN;
	c->dflt_ttl = o->default_ttl;
	c->has_dflt_ttl = o->has_default_ttl;
	c->has_last_ttl = false;
	c->warned_1035 = false;
	c->errors = 0;
	c->max_errors = o->max_errors ? o->max_errors : 100;
	c->depth = 0;
	c->max_depth = o->max_include_depth ? o->max_include_depth : 16;
	c->stop = 0;
	return c;
}

int zp_ctx_finish(struct zctx *c)
{
	int ret = c->stop < 0 ? c->stop : (int)c->errors;

	free(c->tok);
	free(c->tokline);
	free(c);
	return ret;
}

int zparse_file(const char *path, const struct zparse_opts *o)
{
	struct zctx *c = zp_ctx_new(o);
	int ret;

	if (!c)
		return BN_EINVAL;
	ret = parse_path(c, path);
	if (ret < 0)
		zp_error(c, path, 0, "cannot read: %s", strerror(-ret));
	return zp_ctx_finish(c);
}

int zparse_text(const char *text, size_t len, const char *name,
		const struct zparse_opts *o)
{
	struct zctx *c = zp_ctx_new(o);
	struct zinput in;

	if (!c)
		return BN_EINVAL;
	input_init(&in, text, len, name ? name : "-");
	parse_input(c, &in);
	return zp_ctx_finish(c);
}
