/* Presentation tokens to wire RDATA, driven by the type table: one small
 * parser per field kind, RFC 3597 generic form for every type, and the
 * final layout check so text and wire accept the same RDATA as BIND. */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "base/encode.h"
#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rdata_special.h"
#include "wire/rrtype.h"
#include "wire/text.h"

struct tin {
	const struct ztoken *tok;
	size_t ntok;
	size_t i;
	const uint8_t *origin;
	uint16_t type;
	struct wbuf w;
	const char **errmsg;
	size_t *errtok;
};

static int fail(struct tin *in, size_t at, int err, const char *msg)
{
	*in->errmsg = msg;
	*in->errtok = at;
	return err < 0 ? err : BN_ESYNTAX;
}

static const struct ztoken *next(struct tin *in)
{
	if (in->i >= in->ntok) {
		fail(in, in->ntok, BN_ESYNTAX, "unexpected end of input");
		return NULL;
	}
	return &in->tok[in->i++];
}

/* BIND takes quoted text only where a character-string goes. */
static const struct ztoken *next_plain(struct tin *in)
{
	const struct ztoken *t = next(in);

	if (t && t->quoted) {
		fail(in, in->i - 1, BN_ESYNTAX, "unexpected quoted string");
		return NULL;
	}
	return t;
}

static int put(struct tin *in, int ret)
{
	if (ret == BN_ENOSPC)
		return fail(in, in->i ? in->i - 1 : 0, ret, "RDATA too long");
	return ret;
}

struct mnem {
	const char *name;
	uint16_t v;
};

/* BIND's mnemonics: DNSSEC algorithms, DS digests, DSYNC schemes and
 * CERT types. */
static const struct mnem algs[] = {
	{ "RSAMD5", 1 }, { "DH", 2 }, { "DSA", 3 }, { "RSASHA1", 5 },
	{ "NSEC3DSA", 6 }, { "NSEC3RSASHA1", 7 }, { "RSASHA256", 8 },
	{ "RSASHA512", 10 }, { "ECCGOST", 12 }, { "ECDSAP256SHA256", 13 },
	{ "ECDSAP384SHA384", 14 }, { "ED25519", 15 }, { "ED448", 16 },
	{ "INDIRECT", 252 }, { "PRIVATEDNS", 253 }, { "PRIVATEOID", 254 },
	{ NULL, 0 },
}, digests[] = {
	{ "SHA-1", 1 }, { "SHA1", 1 }, { "SHA-256", 2 }, { "SHA256", 2 },
	{ "GOST", 3 }, { "SHA-384", 4 }, { "SHA384", 4 }, { NULL, 0 },
}, schemes[] = {
	{ "NOTIFY", 1 }, { NULL, 0 },
}, protocols[] = {
	{ "NONE", 0 }, { "TLS", 1 }, { "EMAIL", 2 }, { "DNSSEC", 3 },
	{ "IPSEC", 4 }, { "ALL", 255 }, { NULL, 0 },
}, certtypes[] = {
	{ "PKIX", 1 }, { "SPKI", 2 }, { "PGP", 3 }, { "IPKIX", 4 },
	{ "ISPKI", 5 }, { "IPGP", 6 }, { "ACPKIX", 7 }, { "IACPKIX", 8 },
	{ "URI", 253 }, { "OID", 254 }, { NULL, 0 },
};

static int hexdig(char c);

/* KEY flag names as BIND reads them: value, and the bits a name sets. */
static const struct {
	const char *name;
	uint16_t value, mask;
} keyflags[] = {
	{ "NOCONF", 0x4000, 0xc000 }, { "NOAUTH", 0x8000, 0xc000 },
	{ "NOKEY", 0xc000, 0xc000 }, { "FLAG2", 0x2000, 0x2000 },
	{ "EXTEND", 0x1000, 0x1000 }, { "FLAG4", 0x0800, 0x0800 },
	{ "FLAG5", 0x0400, 0x0400 }, { "USER", 0x0000, 0x0300 },
	{ "ZONE", 0x0100, 0x0300 }, { "HOST", 0x0200, 0x0300 },
	{ "NTYP3", 0x0300, 0x0300 }, { "FLAG8", 0x0080, 0x0080 },
	{ "FLAG9", 0x0040, 0x0040 }, { "FLAG10", 0x0020, 0x0020 },
	{ "FLAG11", 0x0010, 0x0010 }, { "KSK", 0x0001, 0x0001 },
	{ "SIG0", 0, 0x000f }, { "SIG1", 1, 0x000f }, { "SIG2", 2, 0x000f },
	{ "SIG3", 3, 0x000f }, { "SIG4", 4, 0x000f }, { "SIG5", 5, 0x000f },
	{ "SIG6", 6, 0x000f }, { "SIG7", 7, 0x000f }, { "SIG8", 8, 0x000f },
	{ "SIG9", 9, 0x000f }, { "SIG10", 10, 0x000f },
	{ "SIG11", 11, 0x000f }, { "SIG12", 12, 0x000f },
	{ "SIG13", 13, 0x000f }, { "SIG14", 14, 0x000f },
	{ "SIG15", 15, 0x000f },
};

static int keyflag_word(const char *s, size_t len, uint32_t *v)
{
	for (size_t k = 0; k < sizeof(keyflags) / sizeof(keyflags[0]); k++) {
		if (strlen(keyflags[k].name) == len &&
		    !strncasecmp(s, keyflags[k].name, len)) {
			*v = (*v & ~(uint32_t)keyflags[k].mask) | keyflags[k].value;
			return 0;
		}
	}
	return BN_EUNKNOWN;
}

/* Flags: a decimal or 0x hex number, or names joined by '|'. */
static int keyflags_from_text(const struct ztoken *t, uint32_t *v)
{
	size_t start = 0;

	if (t->len > 2 && t->s[0] == '0' && (t->s[1] | 0x20) == 'x') {
		size_t nd = t->len - 2;

		if (nd > 4 || nd == 0)
			return nd ? BN_ERANGE : BN_ESYNTAX;
		*v = 0;
		for (size_t k = 2; k < t->len; k++) {
			int d = hexdig(t->s[k]);

			if (d < 0)
				return BN_ESYNTAX;
			*v = *v << 4 | (uint32_t)d;
		}
		return 0;
	}
	if (t->len && t->s[0] >= '0' && t->s[0] <= '9')
		return text_u32(t->s, t->len, 0xffff, v);
	*v = 0;
	for (size_t k = 0; k <= t->len; k++) {
		if (k < t->len && t->s[k] != '|')
			continue;
		if (k > start && keyflag_word(t->s + start, k - start, v) < 0)
			return BN_EUNKNOWN;
		start = k + 1;
	}
	return 0;
}

/* A mnemonic from tab (case-insensitive) or a decimal number <= max. */
static int mnemonic(const struct mnem *tab, const struct ztoken *t,
		    uint32_t max, uint32_t *v)
{
	for (; tab->name; tab++) {
		if (strlen(tab->name) == t->len &&
		    !strncasecmp(t->s, tab->name, t->len)) {
			*v = tab->v;
			return 0;
		}
	}
	return text_u32(t->s, t->len, max, v) < 0 ? BN_ESYNTAX : 0;
}

static int cstr(const struct ztoken *t, char *buf, size_t cap)
{
	if (t->len >= cap)
		return BN_ESYNTAX;
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	return 0;
}

static int days_in_month(unsigned y, unsigned m)
{
	static const unsigned char dm[] = { 31, 28, 31, 30, 31, 30, 31, 31,
					    30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return dm[m - 1] + (m == 2 && leap);
}

/* Days from 1970-01-01 to a proleptic Gregorian date (may be negative). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* YYYYMMDDHHMMSS (UTC) to seconds since the epoch, kept modulo 2^32 as
 * RFC 4034 section 3.1.5 serial arithmetic wants. Like BIND, any year
 * 0000-9999 is taken and a leap second rolls over. */
static int time_from_text(const char *s, size_t len, bool dates_only,
			  uint32_t *v)
{
	unsigned f[6], w[6] = { 4, 2, 2, 2, 2, 2 };
	int64_t t;

	if (len <= 10 && !dates_only)
		return text_u32(s, len, 0xffffffffu, v);
	if (len != 14)
		return BN_ESYNTAX;
	for (int k = 0, p = 0; k < 6; p += (int)w[k], k++) {
		uint32_t x;

		if (text_u32(s + p, w[k], 9999, &x) < 0)
			return BN_ESYNTAX;
		f[k] = x;
	}
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 ||
	    f[2] > (unsigned)days_in_month(f[0], f[1]) || f[3] > 23 ||
	    f[4] > 59 || f[5] > 60)
		return BN_ERANGE;
	t = days_from_civil(f[0], f[1], f[2]) * 86400 + f[3] * 3600 +
	    f[4] * 60 + f[5];
	*v = (uint32_t)(uint64_t)t;
	return 0;
}

static int hexdig(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* EUI-48/64: groups of one or two hex digits joined by '-'. BIND reads
 * them with sscanf("%2x-%2x..."), so text after the last group is
 * ignored; we follow it. */
static int eui_from_text(const struct ztoken *t, uint8_t *out, size_t n)
{
	size_t p = 0;

	for (size_t k = 0; k < n; k++) {
		int v = 0, nd = 0;

		if (k && (p >= t->len || t->s[p++] != '-'))
			return BN_ESYNTAX;
		for (; nd < 2 && p < t->len && hexdig(t->s[p]) >= 0; nd++, p++)
			v = v << 4 | hexdig(t->s[p]);
		if (nd == 0)
			return BN_ESYNTAX;
		out[k] = (uint8_t)v;
	}
	return 0;
}

/* ILNP 64-bit locator/identifier: four 16-bit hex groups (RFC 6742). */
static int ilnp64_from_text(const struct ztoken *t, uint8_t out[8])
{
	size_t p = 0;

	for (int g = 0; g < 4; g++) {
		unsigned v = 0, nd = 0;

		for (; p < t->len && t->s[p] != ':'; p++, nd++) {
			int d = hexdig(t->s[p]);

			if (d < 0 || nd >= 4)
				return BN_ESYNTAX;
			v = v << 4 | (unsigned)d;
		}
		if (nd == 0 || (g < 3 && (p >= t->len || t->s[p] != ':')))
			return BN_ESYNTAX;
		p++;
		out[2 * g] = (uint8_t)(v >> 8);
		out[2 * g + 1] = (uint8_t)v;
	}
	return p == t->len + 1 ? 0 : BN_ESYNTAX;
}

static int parse_string(struct tin *in, size_t max)
{
	const struct ztoken *t = next(in);
	uint8_t buf[256];
	int n;

	if (!t)
		return BN_ESYNTAX;
	n = text_unescape(t->s, t->len, buf, max < sizeof(buf) ? max : sizeof(buf));
	if (n == BN_ENOSPC)
		return fail(in, in->i - 1, BN_ERANGE, "character-string too long");
	if (n < 0)
		return fail(in, in->i - 1, n, "bad escape");
	if (put(in, wbuf_u8(&in->w, (uint8_t)n)) < 0)
		return BN_ENOSPC;
	return put(in, wbuf_bytes(&in->w, buf, (size_t)n));
}

/* Octets to the end of RDATA from one token (URI target). */
static int parse_rest_string(struct tin *in)
{
	const struct ztoken *t = next(in);
	int n;

	if (!t)
		return BN_ESYNTAX;
	if (!t->quoted)
		return fail(in, in->i - 1, BN_ESYNTAX, "quoted string expected");
	n = text_unescape(t->s, t->len, in->w.data + in->w.len,
			  in->w.cap - in->w.len);
	if (n < 0)
		return fail(in, in->i - 1, n, n == BN_ENOSPC ? "RDATA too long"
				: "bad escape");
	in->w.len += (size_t)n;
	return 0;
}

/* Whole quanta s[0..len) decoded into RDATA; *padded set when the last
 * was padded. */
static int b64_put(struct tin *in, const char *s, size_t len, bool *padded)
{
	int n = base64_decode(s, len, in->w.data + in->w.len,
			      in->w.cap - in->w.len);

	if (n < 0)
		return fail(in, in->i, n, n == BN_ENOSPC ? "RDATA too long"
				: "bad base64 encoding");
	in->w.len += (size_t)n;
	*padded = n % 3 != 0;
	return 0;
}

/* Base64 over the remaining tokens; a quantum may straddle tokens as in
 * BIND, and nothing may follow a padded quantum. A token's whole quanta
 * are decoded in one call (an RRSIG's signature is one or a few tokens). */
static int parse_b64(struct tin *in)
{
	char q[4];
	size_t nq = 0;
	bool padded = false;

	if (in->i >= in->ntok)
		return fail(in, in->ntok, BN_ESYNTAX, "unexpected end of input");
	for (; in->i < in->ntok; in->i++) {
		const struct ztoken *t = &in->tok[in->i];
		size_t k = 0;

		if (t->quoted)
			return fail(in, in->i, BN_ESYNTAX, "bad base64 encoding");
		while (k < t->len) {
			size_t m = (t->len - k) & ~(size_t)3;
			int r;

			if (padded)
				return fail(in, in->i, BN_ESYNTAX, "bad base64 encoding");
			if (nq == 0 && m) {
				r = b64_put(in, t->s + k, m, &padded);
				if (r < 0)
					return r;
				k += m;
				continue;
			}
			q[nq++] = t->s[k++];
			if (nq < 4)
				continue;
			r = b64_put(in, q, 4, &padded);
			if (r < 0)
				return r;
			nq = 0;
		}
	}
	if (nq)
		return fail(in, in->i - 1, BN_ESYNTAX, "bad base64 encoding");
	return 0;
}

/* Hex over the remaining tokens (at least one), digit pairs may
 * straddle tokens. */
static int parse_hex(struct tin *in, bool optional)
{
	int hi = -1;

	if (in->i >= in->ntok && !optional)
		return fail(in, in->ntok, BN_ESYNTAX, "unexpected end of input");
	for (; in->i < in->ntok; in->i++) {
		const struct ztoken *t = &in->tok[in->i];

		if (t->quoted)
			return fail(in, in->i, BN_ESYNTAX, "bad hex encoding");
		for (size_t k = 0; k < t->len; k++) {
			int d = hexdig(t->s[k]);

			if (d < 0)
				return fail(in, in->i, BN_ESYNTAX, "bad hex encoding");
			if (hi < 0) {
				hi = d;
				continue;
			}
			if (wbuf_u8(&in->w, (uint8_t)(hi << 4 | d)) < 0)
				return fail(in, in->i, BN_ENOSPC, "RDATA too long");
			hi = -1;
		}
	}
	if (hi >= 0)
		return fail(in, in->i - 1, BN_ESYNTAX, "bad hex encoding");
	return 0;
}

/* u8 length + octets from one token: hex ("-" is empty) or base32hex. */
static int parse_lenfield(struct tin *in, bool b32)
{
	const struct ztoken *t = next_plain(in);
	uint8_t buf[255];
	int n;

	if (!t)
		return BN_ESYNTAX;
	if (!b32 && t->len == 1 && t->s[0] == '-')
		n = 0;
	else if (b32)
		n = base32hex_decode(t->s, t->len, buf, sizeof(buf));
	else
		n = hex_decode(t->s, t->len, buf, sizeof(buf));
	if (n == BN_ENOSPC)
		return fail(in, in->i - 1, BN_ERANGE, "field longer than 255 octets");
	if (n < 0 || (b32 && n == 0))
		return fail(in, in->i - 1, BN_ESYNTAX, b32 ?
			    "bad base32hex encoding" : "bad hex encoding");
	if (wbuf_u8(&in->w, (uint8_t)n) < 0)
		return put(in, BN_ENOSPC);
	return put(in, wbuf_bytes(&in->w, buf, (size_t)n));
}

/* NSEC-style type bitmap (RFC 4034 section 4.1.2) from the remaining
 * tokens: 256 windows of 32 octets on the stack, then the used ones. */
static int parse_bitmap(struct tin *in)
{
	uint8_t bits[256][32];
	uint8_t wlen[256] = { 0 };

	for (; in->i < in->ntok; in->i++) {
		const struct ztoken *t = &in->tok[in->i];
		uint16_t c;
		int win, oct;

		if (t->quoted || rrtype_from_text(t->s, t->len, &c) < 0)
			return fail(in, in->i, BN_EUNKNOWN, "unknown RR type");
		win = c >> 8;
		oct = (c & 0xff) >> 3;
		if (wlen[win] == 0)
			memset(bits[win], 0, sizeof(bits[win]));
		bits[win][oct] |= (uint8_t)(0x80 >> (c & 7));
		if (wlen[win] < oct + 1)
			wlen[win] = (uint8_t)(oct + 1);
	}
	for (int win = 0; win < 256; win++) {
		if (!wlen[win])
			continue;
		if (wbuf_u8(&in->w, (uint8_t)win) < 0 ||
		    wbuf_u8(&in->w, wlen[win]) < 0 ||
		    wbuf_bytes(&in->w, bits[win], wlen[win]) < 0)
			return fail(in, in->i - 1, BN_ENOSPC, "RDATA too long");
	}
	return 0;
}

/* RFC 2535 NXT bitmap: types 1-127 as one to sixteen octets. */
static int parse_nxt_bitmap(struct tin *in)
{
	uint8_t bits[16] = { 0 };
	size_t len = 0;

	for (; in->i < in->ntok; in->i++) {
		const struct ztoken *t = &in->tok[in->i];
		uint16_t c;

		if (t->quoted || rrtype_from_text(t->s, t->len, &c) < 0)
			return fail(in, in->i, BN_EUNKNOWN, "unknown RR type");
		if (c == 0 || c > 127)
			return fail(in, in->i, BN_ERANGE, "type out of NXT range");
		bits[c / 8] |= (uint8_t)(0x80 >> (c % 8));
		if (len < c / 8u + 1)
			len = c / 8u + 1;
	}
	return put(in, wbuf_bytes(&in->w, bits, len));
}

/* ATM address: "+" and E.164 digits, or AESA hex; '.' is ignored. */
static int parse_atma(struct tin *in)
{
	const struct ztoken *t = next_plain(in);
	bool e164 = t && t->len && t->s[0] == '+';
	int hi = -1;

	if (!t || put(in, wbuf_u8(&in->w, e164)) < 0)
		return t ? BN_ENOSPC : BN_ESYNTAX;
	for (size_t k = e164; k < t->len; k++) {
		int d = hexdig(t->s[k]), ret;

		if (t->s[k] == '.')
			continue;
		if (d < 0 || (e164 && d > 9))
			return fail(in, in->i - 1, BN_ESYNTAX, "bad ATM address");
		if (!e164 && hi < 0) {
			hi = d;
			continue;
		}
		ret = wbuf_u8(&in->w, (uint8_t)(e164 ? t->s[k] : hi << 4 | d));
		if (put(in, ret) < 0)
			return BN_ENOSPC;
		hi = -1;
	}
	if (hi >= 0 || in->w.len < 2)
		return fail(in, in->i - 1, BN_ESYNTAX, "bad ATM address");
	return 0;
}

static int parse_name(struct tin *in);

/* A6: prefix length, the address (absent for 128) whose prefix bits are
 * dropped, and the prefix name (absent for 0). */
static int parse_a6(struct tin *in)
{
	const struct ztoken *t = next_plain(in);
	uint8_t addr[16] = { 0 };
	uint32_t plen;
	size_t n;
	char cs[64];

	if (!t)
		return BN_ESYNTAX;
	if (text_u32(t->s, t->len, 128, &plen) < 0)
		return fail(in, in->i - 1, BN_ERANGE, "bad A6 prefix length");
	n = (128 - plen + 7) / 8;
	if (plen < 128) {
		t = next_plain(in);
		if (!t)
			return BN_ESYNTAX;
		if (cstr(t, cs, sizeof(cs)) < 0 || inet_pton(AF_INET6, cs, addr) != 1)
			return fail(in, in->i - 1, BN_ESYNTAX, "bad IPv6 address");
		if (plen % 8)
			addr[16 - n] &= (uint8_t)(0xff >> (plen % 8));
	}
	if (put(in, wbuf_u8(&in->w, (uint8_t)plen)) < 0 ||
	    put(in, wbuf_bytes(&in->w, addr + 16 - n, n)) < 0)
		return BN_ENOSPC;
	return plen ? parse_name(in) : 0;
}

static int parse_name(struct tin *in)
{
	const struct ztoken *t = next_plain(in);
	uint8_t name[NAME_MAXLEN];
	int n;

	if (!t)
		return BN_ESYNTAX;
	n = name_from_text(name, t->s, t->len, in->origin);
	if (n < 0)
		return fail(in, in->i - 1, n, "bad domain name");
	return put(in, wbuf_bytes(&in->w, name, (size_t)n));
}

/* Numeric fields (mnemonics allowed for some): value and wire size. */
static int number_value(const struct tin *in, const struct ztoken *t,
			uint8_t kind, uint32_t *v, size_t *size)
{
	uint16_t v16;
	int ret;

	*size = 1;
	switch (kind) {
	case RDF_U8:
		return text_u32(t->s, t->len, 0xff, v);
	case RDF_ALG:
		return mnemonic(algs, t, 0xff, v);
	case RDF_DIGEST:
		return mnemonic(digests, t, 0xff, v);
	case RDF_SCHEME:
		return mnemonic(schemes, t, 0xff, v);
	case RDF_KEYPROTO:
		return mnemonic(protocols, t, 0xff, v);
	}
	*size = 2;
	switch (kind) {
	case RDF_U16:
		return text_u32(t->s, t->len, 0xffff, v);
	case RDF_CERTTYPE:
		return mnemonic(certtypes, t, 0xffff, v);
	case RDF_KEYFLAGS:
		return keyflags_from_text(t, v);
	case RDF_TYPE:
		ret = rrtype_from_text(t->s, t->len, &v16);
		*v = v16;
		return ret;
	}
	*size = 4;
	switch (kind) {
	case RDF_U32:
		return text_u32(t->s, t->len, 0xffffffffu, v);
	case RDF_TTL:
		return text_ttl(t->s, t->len, v);
	case RDF_TIME:
		/* SIG (RFC 2535) times are dates only, as in BIND. */
		return time_from_text(t->s, t->len, in->type == RR_SIG, v);
	}
	return BN_EINVAL;
}

/* Address-like fields: octets into b (16 octets room), size set. */
static int address_value(const struct ztoken *t, uint8_t kind, uint8_t *b,
			 size_t *size)
{
	char cs[64];

	switch (kind) {
	case RDF_A:
	case RDF_AAAA:
		*size = kind == RDF_A ? 4 : 16;
		if (cstr(t, cs, sizeof(cs)) == 0 &&
		    inet_pton(kind == RDF_A ? AF_INET : AF_INET6, cs, b) == 1)
			return 0;
		return BN_ESYNTAX;
	case RDF_EUI48:
	case RDF_EUI64:
		*size = kind == RDF_EUI48 ? 6 : 8;
		return eui_from_text(t, b, *size);
	case RDF_ILNP64:
		*size = 8;
		return ilnp64_from_text(t, b);
	}
	return BN_EINVAL;
}

static const char *fixed_errmsg(uint8_t kind)
{
	switch (kind) {
	case RDF_TTL: return "bad TTL";
	case RDF_TIME: return "bad time";
	case RDF_ALG: return "bad algorithm";
	case RDF_DIGEST: return "bad digest type";
	case RDF_SCHEME: return "bad scheme";
	case RDF_KEYFLAGS: return "bad key flags";
	case RDF_KEYPROTO: return "bad key protocol";
	case RDF_CERTTYPE: return "bad certificate type";
	case RDF_TYPE: return "unknown RR type";
	case RDF_A: return "bad IPv4 address";
	case RDF_AAAA: return "bad IPv6 address";
	case RDF_EUI48: case RDF_EUI64: return "bad EUI address";
	case RDF_ILNP64: return "bad ILNP64 value";
	}
	return "bad number";
}

/* Fixed-size numeric and address fields: one token each. */
static int parse_fixed(struct tin *in, uint8_t kind)
{
	const struct ztoken *t = next_plain(in);
	uint8_t b[16];
	uint32_t v = 0;
	size_t size = 0;
	int ret;

	if (!t)
		return BN_ESYNTAX;
	if (kind == RDF_A || kind == RDF_AAAA || kind == RDF_EUI48 ||
	    kind == RDF_EUI64 || kind == RDF_ILNP64) {
		ret = address_value(t, kind, b, &size);
	} else {
		ret = number_value(in, t, kind, &v, &size);
		for (size_t k = 0; k < size; k++)
			b[k] = (uint8_t)(v >> (8 * (size - 1 - k)));
	}
	if (ret < 0)
		return fail(in, in->i - 1, ret, fixed_errmsg(kind));
	return put(in, wbuf_bytes(&in->w, b, size));
}

static int parse_field(struct tin *in, uint8_t kind)
{
	switch (kind) {
	case RDF_NAME_C:
	case RDF_NAME_D:
	case RDF_NAME:
		return parse_name(in);
	case RDF_STR:
		return parse_string(in, 255);
	case RDF_STR_OPT:
		return in->i < in->ntok ? parse_string(in, 255) : 0;
	case RDF_STRS:
		do {
			int ret = parse_string(in, 255);

			if (ret < 0)
				return ret;
		} while (in->i < in->ntok);
		return 0;
	case RDF_STR_REST:
		return parse_rest_string(in);
	case RDF_B64:
		/* A KEY with the NOKEY flags carries no key (RFC 2535 3.1.2),
		 * SINK data may be absent. */
		if (in->type == RR_KEY && in->w.len >= 2 &&
		    (in->w.data[0] & 0xc0) == 0xc0)
			return 0;
		if (in->type == RR_SINK && in->i >= in->ntok)
			return 0;
		return parse_b64(in);
	case RDF_B64DASH:
		if (in->i < in->ntok && !in->tok[in->i].quoted &&
		    in->tok[in->i].len == 1 && in->tok[in->i].s[0] == '-') {
			in->i++;
			return 0;
		}
		return parse_b64(in);
	case RDF_NXTBITMAP:
		return parse_nxt_bitmap(in);
	case RDF_ATMA:
		return parse_atma(in);
	case RDF_A6:
		return parse_a6(in);
	case RDF_HEX:
		/* BIND lets an SSHFP fingerprint be absent. */
		return parse_hex(in, in->type == RR_SSHFP);
	case RDF_HEXLEN:
		return parse_lenfield(in, false);
	case RDF_B32LEN:
		return parse_lenfield(in, true);
	case RDF_BITMAP:
		return parse_bitmap(in);
	default:
		return parse_fixed(in, kind);
	}
}

/* RFC 3597 section 5: "\#" length hex... */
static int parse_generic(struct tin *in)
{
	const struct ztoken *t;
	uint32_t len;
	int ret;

	in->i = 1;
	t = next_plain(in);
	if (!t)
		return BN_ESYNTAX;
	if (text_u32(t->s, t->len, RDATA_MAXLEN, &len) < 0)
		return fail(in, in->i - 1, BN_ESYNTAX, "bad generic RDATA length");
	if (len == 0 && in->i == in->ntok)
		return 0;
	ret = parse_hex(in, false);
	if (ret < 0)
		return ret;
	if (in->w.len != len)
		return fail(in, in->ntok - 1, BN_ESYNTAX,
			    "generic RDATA length does not match its data");
	return 0;
}

static bool is_generic(const struct ztoken *tok, size_t ntok)
{
	return ntok > 0 && !tok[0].quoted && tok[0].len == 2 &&
	       tok[0].s[0] == '\\' && tok[0].s[1] == '#';
}

static int parse_fields(struct tin *in, const struct rrtype_desc *d)
{
	const struct rdata_special *sp;

	if (d->fields[0] == RDF_SPECIAL) {
		sp = rdata_special_find(in->type);
		if (!sp)
			return fail(in, 0, BN_EUNKNOWN, "type needs generic RDATA");
		return sp->from_text(in->tok, in->ntok, in->origin, &in->w,
				     in->errmsg, in->errtok);
	}
	if (d->fields[0] == RDF_END)
		return fail(in, 0, BN_ESYNTAX, "type needs generic RDATA");
	for (int f = 0; f < RDF_MAX && d->fields[f] != RDF_END; f++) {
		int ret = parse_field(in, d->fields[f]);

		if (ret < 0)
			return ret;
	}
	if (in->i < in->ntok)
		return fail(in, in->i, BN_ESYNTAX, "extra input text");
	return 0;
}

int rdata_from_text(uint16_t type, const struct ztoken *tok, size_t ntok,
		    const uint8_t *origin, uint8_t *out, size_t cap,
		    const char **errmsg, size_t *errtok)
{
	const struct rrtype_desc *d = rrtype_by_code(type);
	struct tin in = {
		.tok = tok, .ntok = ntok, .origin = origin, .type = type,
		.errmsg = errmsg, .errtok = errtok,
	};
	int ret;

	wbuf_init(&in.w, out, cap > RDATA_MAXLEN ? RDATA_MAXLEN : cap);
	if (is_generic(tok, ntok))
		ret = parse_generic(&in);
	else if (!d)
		ret = fail(&in, 0, BN_EUNKNOWN, "unknown type needs generic RDATA");
	else
		ret = parse_fields(&in, d);
	if (ret < 0)
		return ret;
	/* BIND 9.18 refuses RRSIG text with a zero label count unless the
	 * signer is the root. */
	if (type == RR_RRSIG && !is_generic(tok, ntok) && out[3] == 0 &&
	    out[18] != 0)
		return fail(&in, 2, BN_ERANGE, "RRSIG labels out of range");
	if (d && rdata_check(type, out, in.w.len) < 0)
		return fail(&in, ntok, BN_ERDATA,
			    "RDATA does not match its type");
	return (int)in.w.len;
}
