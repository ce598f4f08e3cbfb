/* The control reply writer (ctl_reply.h): members appended to a growing
 * buffer with their separators; the line is put together at the end so
 * that "ok" and "error" come first whatever the command put before it
 * failed. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl_json.h"
#include "ctl/ctl_reply.h"

void ctl_reply_init(struct ctl_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->first[0] = false;    /* "ok" comes before the members */
}

void ctl_reply_clear(struct ctl_reply *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

static void add(struct ctl_reply *r, const char *p, size_t n)
{
	char *nb;
	size_t cap;

	if (r->overflow || !n)
		return;
	if (r->len + n > CTL_REPLY_MAX) {
		r->overflow = true;
		return;
	}
	if (r->len + n > r->cap) {
		cap = r->cap ? r->cap : 512;
		while (cap < r->len + n)
			cap *= 2;
		nb = realloc(r->buf, cap);
		if (!nb) {
			r->overflow = true;
			return;
		}
		r->buf = nb;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

static void adds(struct ctl_reply *r, const char *s)
{
	add(r, s, strlen(s));
}

size_t ctl_json_quote(char *out, size_t cap, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0, k, elen;
	char esc[8];
	const char *e;

	if (cap < 3)
		return 0;
	out[o++] = '"';
	for (size_t i = 0; i < n; i += k) {
		k = ctl_utf8_len(p + i, n - i);
		e = esc;
		if (!k) {               /* not UTF-8: the replacement */
			e = "\\ufffd", elen = 6, k = 1;
		} else if (p[i] == '"' || p[i] == '\\') {
			esc[0] = '\\', esc[1] = (char)p[i], elen = 2;
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			elen = (size_t)snprintf(esc, sizeof(esc), "\\u%04x",
						p[i]);
		} else {
			e = (const char *)p + i, elen = k;
		}
		if (o + elen + 2 > cap)
			return 0;
		memcpy(out + o, e, elen);
		o += elen;
	}
	out[o++] = '"';
	out[o] = '\0';
	return o;
}

static void put_quoted(struct ctl_reply *r, const char *s)
{
	size_t cap = 6 * strlen(s) + 3;
	char small[256], *q = cap <= sizeof(small) ? small : malloc(cap);

	if (!q) {
		r->overflow = true;
		return;
	}
	add(r, q, ctl_json_quote(q, cap, s));
	if (q != small)
		free(q);
}

/* The separator and "key": of the next member. */
static void head(struct ctl_reply *r, const char *key)
{
	if (!r->first[r->depth])
		adds(r, ",");
	r->first[r->depth] = false;
	if (key) {
		put_quoted(r, key);
		adds(r, ":");
	}
}

void ctl_put_raw(struct ctl_reply *r, const char *key, const char *json)
{
	head(r, key);
	adds(r, json);
}

void ctl_put_str(struct ctl_reply *r, const char *key, const char *val)
{
	head(r, key);
	put_quoted(r, val);
}

void ctl_put_u64(struct ctl_reply *r, const char *key, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	ctl_put_raw(r, key, b);
}

void ctl_put_i64(struct ctl_reply *r, const char *key, int64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRId64, v);
	ctl_put_raw(r, key, b);
}

void ctl_put_bool(struct ctl_reply *r, const char *key, bool v)
{
	ctl_put_raw(r, key, v ? "true" : "false");
}

void ctl_put_null(struct ctl_reply *r, const char *key)
{
	ctl_put_raw(r, key, "null");
}

void ctl_put_secs(struct ctl_reply *r, const char *key, double v)
{
	char b[40];

	snprintf(b, sizeof(b), "%.3f", v >= 0 && v < 1e15 ? v : 0.0);
	ctl_put_raw(r, key, b);
}

void ctl_put_time(struct ctl_reply *r, const char *key, time_t t)
{
	char b[32];
	struct tm tm;

	if (!t || !gmtime_r(&t, &tm) ||
	    !strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		ctl_put_null(r, key);
		return;
	}
	ctl_put_str(r, key, b);
}

static void open_level(struct ctl_reply *r, const char *key, char o,
		       char c)
{
	head(r, key);
	add(r, &o, 1);
	if (r->depth == CTL_DEPTH_MAX) {
		r->overflow = true;     /* a command's mistake: loud */
		r->excess++;
		return;
	}
	r->depth++;
	r->first[r->depth] = true;
	r->closer[r->depth] = c;
}

void ctl_open_obj(struct ctl_reply *r, const char *key)
{
	open_level(r, key, '{', '}');
}

void ctl_open_arr(struct ctl_reply *r, const char *key)
{
	open_level(r, key, '[', ']');
}

void ctl_close(struct ctl_reply *r)
{
	if (r->excess) {
		r->excess--;
		return;
	}
	if (!r->depth) {
		r->overflow = true;
		return;
	}
	add(r, &r->closer[r->depth], 1);
	r->depth--;
}

void ctl_fail(struct ctl_reply *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return;
	r->failed = true;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

char *ctl_reply_line(const struct ctl_reply *r, const char *id, size_t *len)
{
	struct ctl_reply l;
	bool ok = !r->failed && !r->overflow && !r->depth;

	ctl_reply_init(&l);
	adds(&l, ok ? "{\"ok\":true" : "{\"ok\":false");
	if (id) {
		adds(&l, ",\"id\":");
		adds(&l, id);
	}
	if (!ok) {
		adds(&l, ",\"error\":");
		put_quoted(&l, r->failed ? r->error : r->depth ?
			   "internal error: reply left open" :
			   "reply too large or out of memory");
	}
	if (!r->overflow && !r->depth)
		add(&l, r->buf, r->len);
	add(&l, "}\n", 3);     /* the NUL too: a C string as well */
	if (l.overflow) {
		ctl_reply_clear(&l);
		return NULL;
	}
	*len = l.len - 1;
	return l.buf;
}
