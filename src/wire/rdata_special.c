/* Registry of the RR types whose RDATA needs its own code (RDF_SPECIAL),
 * and the token and output helpers those implementations share. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/encode.h"
#include "base/error.h"
#include "wire/name.h"
#include "wire/rdata_special_int.h"
#include "wire/text.h"

static const struct rdata_special *const specials[] = {
	&rdata_wks_special,      &rdata_nsap_special,
	&rdata_loc_special,      &rdata_apl_special,
	&rdata_ipseckey_special, &rdata_hip_special,
	&rdata_svcb_special,     &rdata_https_special,
	&rdata_caa_special,      &rdata_amtrelay_special,
};

const struct rdata_special *rdata_special_find(uint16_t type)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (specials[i]->type == type)
			return specials[i];
	return NULL;
}

int sp_fail(struct sp_in *in, size_t at, int err, const char *msg)
{
	if (in->errmsg)
		*in->errmsg = msg;
	if (in->errtok)
		*in->errtok = at;
	return err;
}

const struct ztoken *sp_next_q(struct sp_in *in)
{
	if (in->i >= in->ntok) {
		sp_fail(in, in->ntok, BN_ESYNTAX, "unexpected end of input");
		return NULL;
	}
	return &in->tok[in->i++];
}

const struct ztoken *sp_next(struct sp_in *in)
{
	const struct ztoken *t = sp_next_q(in);

	if (t && t->quoted) {
		sp_fail(in, in->i - 1, BN_ESYNTAX, "unexpected quoted string");
		return NULL;
	}
	return t;
}

int sp_end(struct sp_in *in)
{
	if (in->i < in->ntok)
		return sp_fail(in, in->i, BN_ESYNTAX, "extra input text");
	return 0;
}

int sp_num(struct sp_in *in, uint32_t max, uint32_t *v)
{
	const struct ztoken *t = sp_next(in);
	int ret;

	if (!t)
		return BN_ESYNTAX;
	ret = text_u32(t->s, t->len, max, v);
	if (ret == BN_ERANGE)
		return sp_fail(in, in->i - 1, ret, "out of range");
	if (ret < 0)
		return sp_fail(in, in->i - 1, BN_ESYNTAX, "not a valid number");
	return 0;
}

int sp_name(struct sp_in *in, struct wbuf *out, bool quoted)
{
	const struct ztoken *t = quoted ? sp_next_q(in) : sp_next(in);
	uint8_t name[NAME_MAXLEN];
	int ret;

	if (!t)
		return BN_ESYNTAX;
	ret = name_from_text(name, t->s, t->len, in->origin);
	if (ret < 0)
		return sp_fail(in, in->i - 1, ret, "bad name");
	if (wbuf_bytes(out, name, (size_t)ret) < 0)
		return sp_fail(in, in->i - 1, BN_ENOSPC, "RDATA too long");
	return 0;
}

int sp_cstr(const char *s, size_t len, char *buf, size_t cap)
{
	if (len >= cap || memchr(s, '\0', len))
		return BN_ESYNTAX;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

void sp_b64_init(struct sp_b64 *st)
{
	st->nq = 0;
	st->done = false;
}

/* One quantum at a time, so that tokens may split the text anywhere; a
 * quantum must encode back to itself (no stray bits in the padding). */
int sp_b64_feed(struct sp_b64 *st, const char *s, size_t len,
		struct wbuf *out)
{
	uint8_t bin[3];
	char again[5];
	int n;

	for (size_t k = 0; k < len; k++) {
		if (st->done)
			return BN_ESYNTAX;
		st->q[st->nq++] = s[k];
		if (st->nq < 4)
			continue;
		st->nq = 0;
		n = base64_decode(st->q, 4, bin, sizeof(bin));
		if (n <= 0 || base64_encode(bin, (size_t)n, again,
					    sizeof(again)) != 4 ||
		    memcmp(again, st->q, 4) != 0)
			return BN_ESYNTAX;
		if (wbuf_bytes(out, bin, (size_t)n) < 0)
			return BN_ENOSPC;
		st->done = n < 3;
	}
	return 0;
}

int sp_b64_end(const struct sp_b64 *st)
{
	return st->nq ? BN_ESYNTAX : 0;
}

int sp_b64_rest(struct sp_in *in, struct wbuf *out)
{
	struct sp_b64 st;
	size_t first = in->i;
	int ret;

	if (in->i >= in->ntok)
		return sp_fail(in, in->ntok, BN_ESYNTAX, "unexpected end of input");
	sp_b64_init(&st);
	for (; in->i < in->ntok; in->i++) {
		const struct ztoken *t = &in->tok[in->i];

		if (t->quoted)
			return sp_fail(in, in->i, BN_ESYNTAX,
				       "unexpected quoted string");
		ret = sp_b64_feed(&st, t->s, t->len, out);
		if (ret < 0)
			return sp_fail(in, in->i, ret, ret == BN_ENOSPC ?
				       "RDATA too long" : "bad base64 encoding");
	}
	if (sp_b64_end(&st) < 0)
		return sp_fail(in, first, BN_ESYNTAX, "bad base64 encoding");
	return 0;
}

void sp_out_init(struct sp_out *o, char *p, size_t cap)
{
	o->p = p;
	o->cap = cap;
	o->len = 0;
	o->err = 0;
	if (cap)
		p[0] = '\0';
}

void sp_printf(struct sp_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->err = BN_ENOSPC;
		return;
	}
	o->len += (size_t)n;
}

void sp_putc(struct sp_out *o, char c)
{
	if (o->err)
		return;
	if (o->cap - o->len < 2) {
		o->err = BN_ENOSPC;
		return;
	}
	o->p[o->len++] = c;
	o->p[o->len] = '\0';
}

void sp_puts(struct sp_out *o, const char *s)
{
	sp_printf(o, "%s", s);
}

/* Runs an encoder that writes at the cursor and returns its length. */
static void put_encoded(struct sp_out *o, int n)
{
	if (o->err)
		return;
	if (n < 0) {
		o->err = n;
		return;
	}
	o->len += (size_t)n;
}

void sp_name_out(struct sp_out *o, const uint8_t *name)
{
	if (!o->err)
		put_encoded(o, name_to_text(o->p + o->len, o->cap - o->len,
					    name));
}

void sp_b64_out(struct sp_out *o, const uint8_t *p, size_t len)
{
	if (!o->err)
		put_encoded(o, base64_encode(p, len, o->p + o->len,
					     o->cap - o->len));
}

void sp_hex_out(struct sp_out *o, const uint8_t *p, size_t len)
{
	if (!o->err)
		put_encoded(o, hex_encode(p, len, o->p + o->len,
					  o->cap - o->len));
}

void sp_quote_out(struct sp_out *o, const uint8_t *p, size_t len)
{
	if (!o->err)
		put_encoded(o, text_quote(o->p + o->len, o->cap - o->len, p,
					  len));
}

void sp_addr_out(struct sp_out *o, int af, const uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(af, addr, buf, sizeof(buf))) {
		o->err = BN_ERDATA;
		return;
	}
	sp_puts(o, buf);
}

void sp_generic_out(struct sp_out *o, const uint8_t *rd, size_t rdlen)
{
	if (!o->err)
		put_encoded(o, rdata_to_generic_text(rd, rdlen, o->p + o->len,
						     o->cap - o->len));
}

int sp_out_done(struct sp_out *o)
{
	if (o->err)
		return o->err;
	return (int)o->len;
}
