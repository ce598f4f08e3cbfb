/* SVCB (64) and HTTPS (65) RDATA, RFC 9460 (+ dohpath, RFC 9461), read
 * and printed the way BIND 9.18 does: SvcParams are stored sorted by key,
 * duplicates and broken "mandatory" lists are refused, keys BIND has no
 * name for print as keyNNNNN="text". */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "base/encode.h"
#include "base/error.h"
#include "wire/name.h"
#include "wire/rdata_special_int.h"
#include "wire/rrtype.h"
#include "wire/text.h"

enum {
	SVC_MANDATORY = 0, SVC_ALPN = 1, SVC_NO_DEFAULT_ALPN = 2,
	SVC_PORT = 3, SVC_IPV4HINT = 4, SVC_ECH = 5, SVC_IPV6HINT = 6,
	SVC_DOHPATH = 7,
};

#define SVC_NNAMES 8
/* Index = key. BIND 9.18 reads "dohpath" but prints it as key7. */
static const char *const svc_names[SVC_NNAMES] = {
	"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech",
	"ipv6hint", "dohpath",
};
#define SVC_NPRINT 7

/* Key name: a known name (case-insensitive only inside mandatory=, as in
 * BIND) or keyNNNNN without leading zeros. */
static int svc_key(const char *s, size_t len, bool nocase, uint16_t *key)
{
	uint32_t v = 0;

	for (uint16_t k = 0; k < SVC_NNAMES; k++) {
		const char *n = svc_names[k];

		if (strlen(n) != len)
			continue;
		if (nocase ? !strncasecmp(s, n, len) : !strncmp(s, n, len)) {
			*key = k;
			return 0;
		}
	}
	if (len < 4 || strncmp(s, "key", 3) != 0)
		return BN_ESYNTAX;
	s += 3;
	len -= 3;
	if (len > 1 && s[0] == '0')
		return BN_ESYNTAX;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return BN_ESYNTAX;
		v = v * 10 + (uint32_t)(s[i] - '0');
		if (v > 65535)
			return BN_ERANGE;
	}
	*key = (uint16_t)v;
	return 0;
}

/* alpn: the value after character-string unescaping is a comma list in
 * which "\X" stands for X (RFC 9460 appendix A.1). The first level is
 * unescaped one octet past the output position and the list is rewritten
 * in place: each item's length octet takes the place of its comma (or,
 * for the first, of the gap), so writing never overtakes reading. */
static int alpn_from(const char *s, size_t slen, struct wbuf *out)
{
	uint8_t *base = out->data + out->len;
	const uint8_t *v = base + 1;
	size_t i = 0, w = 0, len;
	int n;

	if (out->cap - out->len < 1)
		return BN_ENOSPC;
	n = text_unescape(s, slen, base + 1, out->cap - out->len - 1);
	if (n <= 0)
		return n < 0 ? n : BN_ESYNTAX;
	len = (size_t)n;
	while (i <= len) {
		size_t at = w++;
		uint8_t cnt = 0;

		for (; i < len && v[i] != ','; i++) {
			if (v[i] == '\\' && ++i == len)
				return BN_ESYNTAX;
			if (cnt == 255)
				return BN_ERANGE;
			base[w++] = v[i];
			cnt++;
		}
		if (cnt == 0)
			return BN_ESYNTAX;
		base[at] = cnt;
		i++;
	}
	out->len += w;
	return 0;
}

/* Character-string unescaping straight into out (dohpath, keyNNNNN). */
static int text_from(const char *s, size_t slen, struct wbuf *out)
{
	int n = text_unescape(s, slen, out->data + out->len,
			      out->cap - out->len);

	if (n < 0)
		return n;
	out->len += (size_t)n;
	return 0;
}

/* Splits a comma list and hands each item to fn. Empty items fail. */
static int comma_each(const uint8_t *v, size_t len, void *ctx,
		      int (*fn)(void *ctx, const char *s, size_t n))
{
	size_t i = 0;

	if (len == 0)
		return BN_ESYNTAX;
	while (i <= len) {
		const uint8_t *c = memchr(v + i, ',', len - i);
		size_t n = c ? (size_t)(c - (v + i)) : len - i;
		int ret;

		if (n == 0)
			return BN_ESYNTAX;
		ret = fn(ctx, (const char *)v + i, n);
		if (ret < 0)
			return ret;
		i += n + 1;
	}
	return 0;
}

static int addr_item(struct wbuf *out, int af, const char *s, size_t n)
{
	char buf[64];
	uint8_t a[16];

	if (sp_cstr(s, n, buf, sizeof(buf)) < 0 || inet_pton(af, buf, a) != 1)
		return BN_ESYNTAX;
	return wbuf_bytes(out, a, af == AF_INET ? 4 : 16);
}

static int v4_item(void *ctx, const char *s, size_t n)
{
	return addr_item(ctx, AF_INET, s, n);
}

static int v6_item(void *ctx, const char *s, size_t n)
{
	return addr_item(ctx, AF_INET6, s, n);
}

static int key_item(void *ctx, const char *s, size_t n)
{
	uint16_t key;
	int ret = svc_key(s, n, true, &key);

	return ret < 0 ? ret : wbuf_u16(ctx, key);
}

static int cmp_u16(const uint8_t *a, const uint8_t *b)
{
	return (int)wire_get_u16(a) - (int)wire_get_u16(b);
}

/* mandatory: key names, stored sorted; a repeated key is an error. */
static int keylist_from(const uint8_t *v, size_t len, struct wbuf *out)
{
	size_t start = out->len;
	int ret = comma_each(v, len, out, key_item);
	uint8_t *p = out->data + start;
	size_t n = (out->len - start) / 2;

	if (ret < 0)
		return ret;
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0 && cmp_u16(p + 2 * j - 2, p + 2 * j) > 0;
		     j--) {
			uint8_t t0 = p[2 * j - 2], t1 = p[2 * j - 1];

			p[2 * j - 2] = p[2 * j];
			p[2 * j - 1] = p[2 * j + 1];
			p[2 * j] = t0;
			p[2 * j + 1] = t1;
		}
	}
	for (size_t i = 1; i < n; i++)
		if (cmp_u16(p + 2 * i - 2, p + 2 * i) == 0)
			return BN_ESYNTAX;
	return 0;
}

static int port_from(const uint8_t *v, size_t len, struct wbuf *out)
{
	uint32_t port;
	int ret;

	if (len == 0 || v[0] < '0' || v[0] > '9')
		return BN_ESYNTAX;
	ret = text_u32((const char *)v, len, 65535, &port);
	if (ret < 0)
		return ret;
	return wbuf_u16(out, (uint16_t)port);
}

static int b64_from(const uint8_t *v, size_t len, struct wbuf *out)
{
	struct sp_b64 st;
	int ret;

	sp_b64_init(&st);
	ret = sp_b64_feed(&st, (const char *)v, len, out);
	return ret < 0 ? ret : sp_b64_end(&st);
}

/* Value of key appended to out. As in BIND only the text-like values
 * (alpn, dohpath, keyNNNNN) take escapes; the others are read as
 * written. */
static int svc_value_from(uint16_t key, bool generic, const char *s,
			  size_t len, struct wbuf *out)
{
	const uint8_t *v = (const uint8_t *)s;

	if (generic)
		return text_from(s, len, out);
	switch (key) {
	case SVC_MANDATORY:
		return keylist_from(v, len, out);
	case SVC_ALPN:
		return alpn_from(s, len, out);
	case SVC_NO_DEFAULT_ALPN:
		return len ? BN_ESYNTAX : 0;
	case SVC_PORT:
		return port_from(v, len, out);
	case SVC_IPV4HINT:
		return comma_each(v, len, out, v4_item);
	case SVC_IPV6HINT:
		return comma_each(v, len, out, v6_item);
	case SVC_ECH:
		return b64_from(v, len, out);
	default:
		return text_from(s, len, out);
	}
}

/* UTF-8 without overlong forms; surrogates pass, as in BIND. */
static bool utf8_valid(const uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = p[i];
		size_t n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 :
			   c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : 9;
		uint32_t cp = n == 1 ? c & 0x1fu : n == 2 ? c & 0x0fu : c & 0x07u;

		if (n == 9 || len - i - 1 < n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3fu);
		}
		if ((n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += n + 1;
	}
	return true;
}

static bool pct_ok(const uint8_t *p, size_t len, size_t i)
{
	return i + 2 < len && isxdigit(p[i + 1]) && isxdigit(p[i + 2]);
}

/* One RFC 6570 varspec at p[*i]: varname (pct-encoding allowed; BIND
 * refuses the "." RFC 6570 allows inside) and an optional "*" or
 * ":1-9999" modifier. */
static bool tmpl_varspec(const uint8_t *p, size_t len, size_t *i, bool *dns)
{
	size_t start = *i;

	while (*i < len) {
		if (isalnum(p[*i]) || p[*i] == '_')
			(*i)++;
		else if (p[*i] == '%' && pct_ok(p, len, *i))
			*i += 3;
		else
			break;
	}
	if (*i == start)
		return false;
	if (*i - start == 3 && !memcmp(p + start, "dns", 3))
		*dns = true;
	if (*i < len && p[*i] == '*') {
		(*i)++;
	} else if (*i < len && p[*i] == ':') {
		size_t d = ++(*i);

		while (*i < len && isdigit(p[*i]) && *i - d < 4)
			(*i)++;
		if (*i == d || p[d] == '0')
			return false;
	}
	return true;
}

/* A URI template expression [p, p+len) (between the braces). */
static bool tmpl_expr(const uint8_t *p, size_t len, bool *dns)
{
	size_t i = 0;

	if (len && strchr("=,!@|", p[0]))
		return false;
	if (len && strchr("+#./;?&", p[0]))
		i = 1;
	for (;;) {
		if (!tmpl_varspec(p, len, &i, dns))
			return false;
		if (i == len)
			return true;
		if (p[i++] != ',')
			return false;
	}
}

/* dohpath (RFC 9461): a relative URI template starting with "/", in
 * UTF-8, with a "dns" variable. Literals are taken as BIND takes them:
 * anything but a broken %-escape. */
static bool dohpath_valid(const uint8_t *v, size_t len)
{
	bool dns = false;

	if (len == 0 || v[0] != '/' || !utf8_valid(v, len))
		return false;
	for (size_t i = 0; i < len; i++) {
		const uint8_t *e;

		if (v[i] == '%' && !pct_ok(v, len, i))
			return false;
		if (v[i] != '{')
			continue;
		e = memchr(v + i, '}', len - i);
		if (!e || !tmpl_expr(v + i + 1, (size_t)(e - v) - i - 1, &dns))
			return false;
		i = (size_t)(e - v);
	}
	return dns;
}

/* Layout rules for one key's wire value (BIND's svcb_validate). */
static bool svc_value_ok(uint16_t key, const uint8_t *v, size_t len)
{
	switch (key) {
	case SVC_MANDATORY:
		if (len == 0 || len % 2)
			return false;
		for (size_t i = 2; i < len; i += 2)
			if (cmp_u16(v + i - 2, v + i) >= 0)
				return false;
		return wire_get_u16(v) != SVC_MANDATORY;
	case SVC_ALPN:
		if (len == 0)
			return false;
		for (size_t i = 0; i < len; i += 1 + v[i])
			if (v[i] == 0 || v[i] > len - i - 1)
				return false;
		return true;
	case SVC_NO_DEFAULT_ALPN:
		return len == 0;
	case SVC_PORT:
		return len == 2;
	case SVC_IPV4HINT:
		return len && len % 4 == 0;
	case SVC_IPV6HINT:
		return len && len % 16 == 0;
	case SVC_DOHPATH:
		return dohpath_valid(v, len);
	default:
		return true;
	}
}

/* SvcParams at [p, p+len): keys ascending, values well-formed, every key
 * listed in mandatory present, alpn present when no-default-alpn is.
 * Linear: both the keys and the mandatory list are ascending, so they
 * are walked side by side. */
static int svc_params_check(const uint8_t *p, size_t len)
{
	const uint8_t *man = NULL;
	size_t mi = 0, mlen = 0;
	struct rbuf r;
	int32_t last = -1;
	uint16_t key, vlen;

	rbuf_init(&r, p, len);
	while (rbuf_left(&r)) {
		const uint8_t *v;

		if (rbuf_u16(&r, &key) < 0 || rbuf_u16(&r, &vlen) < 0 ||
		    rbuf_left(&r) < vlen || (int32_t)key <= last)
			return BN_ERDATA;
		v = r.base + r.pos;
		if (!svc_value_ok(key, v, vlen))
			return BN_ERDATA;
		if (key == SVC_NO_DEFAULT_ALPN && last != SVC_ALPN)
			return BN_ERDATA;
		if (key == SVC_MANDATORY) {
			man = v;
			mlen = vlen;
		} else if (mi < mlen && wire_get_u16(man + mi) < key) {
			return BN_ERDATA;
		} else if (mi < mlen && wire_get_u16(man + mi) == key) {
			mi += 2;
		}
		last = key;
		rbuf_skip(&r, vlen);
	}
	return mi < mlen ? BN_ERDATA : 0;
}

static int svcb_check(const uint8_t *rd, size_t rdlen)
{
	int n;

	if (rdlen < 3)
		return BN_ERDATA;
	n = name_check(rd + 2, rdlen - 2);
	if (n < 0)
		return BN_ERDATA;
	return svc_params_check(rd + 2 + n, rdlen - 2 - (size_t)n);
}

static void reverse(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		uint8_t t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

/* Moves the record [p+a, p+b) in front of [p, p+a). Small records go
 * through a stack copy and one memmove; big ones by three reversals. */
static void move_front(uint8_t *p, size_t a, size_t b)
{
	uint8_t tmp[512];

	if (b - a <= sizeof(tmp)) {
		memcpy(tmp, p + a, b - a);
		memmove(p + (b - a), p, a);
		memcpy(p, tmp, b - a);
		return;
	}
	reverse(p, a);
	reverse(p + a, b - a);
	reverse(p, b);
}

static size_t rec_len(const uint8_t *p)
{
	return 4 + (size_t)wire_get_u16(p + 2);
}

/* Sorts the SvcParams in [p, p+len) by key in place: insertion sort over
 * variable-size records, no index and no scratch RDATA. In-order keys
 * cost nothing; the search starts at the last insertion point when it
 * can, which keeps runs of keys cheap. Equal keys fail. */
static int svc_sort(uint8_t *p, size_t len)
{
	size_t last = 0, hint = 0, rl;

	for (size_t i = 0; i < len; i += rl) {
		size_t j = 0;

		rl = rec_len(p + i);
		if (i == 0 || cmp_u16(p + i, p + last) > 0) {
			last = i;
			continue;
		}
		if (hint < i && cmp_u16(p + hint, p + i) < 0)
			j = hint;
		while (cmp_u16(p + j, p + i) < 0)
			j += rec_len(p + j);
		if (cmp_u16(p + j, p + i) == 0)
			return BN_ESYNTAX;
		move_front(p + j, i - j, i - j + rl);
		hint = j;
		last += rl;
	}
	return 0;
}

/* One SvcParam token: key, key=value, key="value", or key= followed by
 * a quoted token (how the zone parser may cut key="a b"). */
static int svc_param(struct sp_in *in, struct wbuf *out)
{
	size_t at = in->i, start = out->len;
	const struct ztoken *t = &in->tok[in->i++];
	const char *eq = memchr(t->s, '=', t->len);
	size_t klen = eq ? (size_t)(eq - t->s) : t->len;
	const char *vs = eq ? eq + 1 : "";
	size_t vlen = eq ? t->len - klen - 1 : 0;
	uint16_t key;
	int ret;

	if (t->quoted)
		return sp_fail(in, at, BN_ESYNTAX, "quoted SvcParam");
	if (vlen >= 2 && vs[0] == '"' && vs[vlen - 1] == '"') {
		vs++;
		vlen -= 2;
	} else if (eq && vlen == 0 && in->i < in->ntok &&
		   in->tok[in->i].quoted) {
		vs = in->tok[in->i].s;
		vlen = in->tok[in->i++].len;
	}
	ret = svc_key(t->s, klen, false, &key);
	if (ret < 0)
		return sp_fail(in, at, ret, ret == BN_ERANGE ?
			       "SvcParamKey out of range" : "bad SvcParamKey");
	if (wbuf_u16(out, key) < 0 || wbuf_u16(out, 0) < 0)
		return sp_fail(in, at, BN_ENOSPC, "RDATA too long");
	/* keyNNNNN="..." is raw octets even for keys that have a name. */
	ret = svc_value_from(key, strncmp(t->s, "key", 3) == 0, vs, vlen, out);
	if (ret == BN_ENOSPC || out->len - start - 4 > 65535)
		return sp_fail(in, at, BN_ENOSPC, "RDATA too long");
	if (ret < 0)
		return sp_fail(in, at, ret, ret == BN_ERANGE ? "out of range" :
			       "bad SvcParamValue");
	if (!svc_value_ok(key, out->data + start + 4, out->len - start - 4))
		return sp_fail(in, at, BN_ESYNTAX, "bad SvcParamValue");
	wbuf_put_u16_at(out, start + 2, (uint16_t)(out->len - start - 4));
	return 0;
}

static int svcb_from_text(const struct ztoken *tok, size_t ntok,
			  const uint8_t *origin, struct wbuf *out,
			  const char **errmsg, size_t *errtok)
{
	struct sp_in in = { tok, ntok, 0, origin, errmsg, errtok };
	uint32_t prio;
	size_t start;
	int ret;

	ret = sp_num(&in, 65535, &prio);
	if (ret < 0)
		return ret;
	if (wbuf_u16(out, (uint16_t)prio) < 0)
		return sp_fail(&in, 0, BN_ENOSPC, "RDATA too long");
	ret = sp_name(&in, out, true);
	if (ret < 0)
		return ret;
	start = out->len;
	while (in.i < in.ntok) {
		ret = svc_param(&in, out);
		if (ret < 0)
			return ret;
	}
	if (svc_sort(out->data + start, out->len - start) < 0)
		return sp_fail(&in, ntok, BN_ESYNTAX, "duplicate SvcParamKey");
	if (svc_params_check(out->data + start, out->len - start) < 0)
		return sp_fail(&in, ntok, BN_ESYNTAX,
			       "mandatory or no-default-alpn inconsistent");
	return 0;
}

static void key_out(struct sp_out *o, uint16_t key)
{
	if (key < SVC_NPRINT)
		sp_puts(o, svc_names[key]);
	else
		sp_printf(o, "key%u", key);
}

/* alpn items: "," and "\" get the list-level escape, which the quoting
 * level escapes again; spaces and non-printables as \DDD. */
static void alpn_out(struct sp_out *o, const uint8_t *v, size_t len)
{
	sp_putc(o, '"');
	for (size_t i = 0; i < len; i += 1 + v[i]) {
		if (i)
			sp_putc(o, ',');
		for (size_t k = 1; k <= v[i]; k++) {
			uint8_t c = v[i + k];

			if (c == ',')
				sp_puts(o, "\\\\,");
			else if (c == '\\')
				sp_puts(o, "\\\\\\\\");
			else if (c == '"')
				sp_puts(o, "\\\"");
			else if (c <= ' ' || c >= 0x7f)
				sp_printf(o, "\\%03u", c);
			else
				sp_putc(o, (char)c);
		}
	}
	sp_putc(o, '"');
}

static void addrs_out(struct sp_out *o, int af, const uint8_t *v, size_t len)
{
	size_t step = af == AF_INET ? 4 : 16;

	for (size_t i = 0; i < len; i += step) {
		if (i)
			sp_putc(o, ',');
		sp_addr_out(o, af, v + i);
	}
}

static void svc_value_out(struct sp_out *o, uint16_t key, const uint8_t *v,
			  size_t len)
{
	sp_putc(o, '=');
	switch (key) {
	case SVC_MANDATORY:
		for (size_t i = 0; i < len; i += 2) {
			if (i)
				sp_putc(o, ',');
			key_out(o, wire_get_u16(v + i));
		}
		break;
	case SVC_ALPN:
		alpn_out(o, v, len);
		break;
	case SVC_PORT:
		sp_printf(o, "%u", wire_get_u16(v));
		break;
	case SVC_IPV4HINT:
		addrs_out(o, AF_INET, v, len);
		break;
	case SVC_IPV6HINT:
		addrs_out(o, AF_INET6, v, len);
		break;
	case SVC_ECH:
		sp_b64_out(o, v, len);
		break;
	default:
		sp_quote_out(o, v, len);
		break;
	}
}

static int svcb_to_text(const uint8_t *rd, size_t rdlen, char *out,
			size_t cap)
{
	struct sp_out o;
	struct rbuf r;
	uint16_t key, vlen;
	int n;

	if (svcb_check(rd, rdlen) < 0)
		return BN_ERDATA;
	sp_out_init(&o, out, cap);
	sp_printf(&o, "%u ", wire_get_u16(rd));
	sp_name_out(&o, rd + 2);
	n = name_check(rd + 2, rdlen - 2);
	rbuf_init(&r, rd, rdlen);
	rbuf_skip(&r, 2 + (size_t)n);
	while (rbuf_u16(&r, &key) == 0 && rbuf_u16(&r, &vlen) == 0) {
		sp_putc(&o, ' ');
		key_out(&o, key);
		if (vlen)
			svc_value_out(&o, key, r.base + r.pos, vlen);
		rbuf_skip(&r, vlen);
	}
	return sp_out_done(&o);
}

const struct rdata_special rdata_svcb_special = {
	.type = RR_SVCB,
	.from_text = svcb_from_text,
	.to_text = svcb_to_text,
	.check = svcb_check,
};

const struct rdata_special rdata_https_special = {
	.type = RR_HTTPS,
	.from_text = svcb_from_text,
	.to_text = svcb_to_text,
	.check = svcb_check,
};
