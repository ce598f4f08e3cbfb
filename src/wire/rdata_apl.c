/* APL (42) RDATA, RFC 3123: items [!]afi:address/prefix; on the wire the
 * address loses its trailing zero octets. Only AFI 1 and 2 are read from
 * text; RDATA with other families is kept and printed as RFC 3597. */
#include <arpa/inet.h>
#include <string.h>

#include "base/error.h"
#include "wire/rdata_special_int.h"
#include "wire/rrtype.h"
#include "wire/text.h"

static int apl_item(struct sp_in *in, struct wbuf *out)
{
	size_t at = in->i;
	const struct ztoken *t = &in->tok[in->i++];
	const char *s = t->s, *colon, *slash;
	size_t len = t->len;
	uint32_t afi, prefix;
	uint8_t addr[16], neg = 0, alen;
	char buf[64];

	if (t->quoted)
		return sp_fail(in, at, BN_ESYNTAX, "unexpected quoted string");
	if (len && s[0] == '!') {
		neg = 0x80;
		s++;
		len--;
	}
	/* BIND reads the family with strtoul(), which takes a "+". */
	if (len && s[0] == '+') {
		s++;
		len--;
	}
	colon = memchr(s, ':', len);
	slash = NULL;
	for (size_t k = len; k > 0 && !slash; k--)
		if (s[k - 1] == '/')
			slash = s + k - 1;
	if (!colon || !slash || slash < colon ||
	    text_u32(s, (size_t)(colon - s), 65535, &afi) < 0 ||
	    text_u32(slash + 1, len - (size_t)(slash + 1 - s), 255,
		     &prefix) < 0)
		return sp_fail(in, at, BN_ESYNTAX, "syntax error");
	if (afi != 1 && afi != 2)
		return sp_fail(in, at, BN_ESYNTAX, "unsupported address family");
	alen = afi == 1 ? 4 : 16;
	if (prefix > alen * 8u)
		return sp_fail(in, at, BN_ERANGE, "out of range");
	if (sp_cstr(colon + 1, (size_t)(slash - colon - 1), buf,
		    sizeof(buf)) < 0 ||
	    inet_pton(afi == 1 ? AF_INET : AF_INET6, buf, addr) != 1)
		return sp_fail(in, at, BN_ESYNTAX, afi == 1 ?
			       "bad dotted quad" : "bad IPv6 address");
	while (alen > 0 && addr[alen - 1] == 0)
		alen--;
	if (wbuf_u16(out, (uint16_t)afi) < 0 ||
	    wbuf_u8(out, (uint8_t)prefix) < 0 || wbuf_u8(out, neg | alen) < 0 ||
	    wbuf_bytes(out, addr, alen) < 0)
		return sp_fail(in, at, BN_ENOSPC, "RDATA too long");
	return 0;
}

static int apl_from_text(const struct ztoken *tok, size_t ntok,
			 const uint8_t *origin, struct wbuf *out,
			 const char **errmsg, size_t *errtok)
{
	struct sp_in in = { tok, ntok, 0, origin, errmsg, errtok };
	int ret;

	while (in.i < in.ntok) {
		ret = apl_item(&in, out);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Walks the items; *known is cleared when a family other than 1 and 2
 * appears (BIND then prints the whole RDATA generically). */
static int apl_walk(const uint8_t *rd, size_t rdlen, bool *known)
{
	struct rbuf r;
	uint16_t afi;
	uint8_t prefix, nlen, alen;

	*known = true;
	rbuf_init(&r, rd, rdlen);
	while (rbuf_left(&r)) {
		if (rbuf_u16(&r, &afi) < 0 || rbuf_u8(&r, &prefix) < 0 ||
		    rbuf_u8(&r, &nlen) < 0)
			return BN_ERDATA;
		alen = nlen & 0x7f;
		if (rbuf_left(&r) < alen)
			return BN_ERDATA;
		if (afi == 1 || afi == 2) {
			uint8_t max = afi == 1 ? 4 : 16;

			if (prefix > max * 8 || alen > max ||
			    (alen && r.base[r.pos + alen - 1] == 0))
				return BN_ERDATA;
		} else {
			*known = false;
		}
		rbuf_skip(&r, alen);
	}
	return 0;
}

static int apl_check(const uint8_t *rd, size_t rdlen)
{
	bool known;

	return apl_walk(rd, rdlen, &known);
}

static int apl_to_text(const uint8_t *rd, size_t rdlen, char *out,
		       size_t cap)
{
	struct sp_out o;
	bool known;

	if (apl_walk(rd, rdlen, &known) < 0)
		return BN_ERDATA;
	sp_out_init(&o, out, cap);
	if (!known) {
		sp_generic_out(&o, rd, rdlen);
		return sp_out_done(&o);
	}
	for (size_t i = 0; i < rdlen;) {
		uint16_t afi = wire_get_u16(rd + i);
		uint8_t addr[16] = { 0 }, alen = rd[i + 3] & 0x7f;

		memcpy(addr, rd + i + 4, alen);
		sp_printf(&o, "%s%s%u:", i ? " " : "",
			  rd[i + 3] & 0x80 ? "!" : "", afi);
		sp_addr_out(&o, afi == 1 ? AF_INET : AF_INET6, addr);
		sp_printf(&o, "/%u", rd[i + 2]);
		i += 4 + alen;
	}
	return sp_out_done(&o);
}

const struct rdata_special rdata_apl_special = {
	.type = RR_APL,
	.from_text = apl_from_text,
	.to_text = apl_to_text,
	.check = apl_check,
};
