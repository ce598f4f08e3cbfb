/* Wire RDATA to presentation text the way BIND 9's named-compilezone
 * prints it: one line, base64 and long hex in 56-character chunks,
 * character-strings always quoted, mnemonics only where BIND uses them. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/encode.h"
#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rdata_special.h"
#include "wire/rdata_special_int.h"
#include "wire/rrtype.h"
#include "wire/text.h"

#define CHUNK 56

/* Runs an encoder that writes at the end of the output. */
static void out_enc(struct sp_out *o, int (*enc)(const uint8_t *, size_t,
					       char *, size_t),
		    const uint8_t *p, size_t len)
{
	int n;

	if (o->err)
		return;
	n = enc(p, len, o->p + o->len, o->cap - o->len);
	if (n < 0)
		o->err = n;
	else
		o->len += (size_t)n;
}

/* Encoded text split into CHUNK-character words like BIND does. */
static void out_chunked(struct sp_out *o, int (*enc)(const uint8_t *, size_t,
						   char *, size_t),
			const uint8_t *p, size_t len, size_t in_per_chunk)
{
	for (size_t i = 0; i < len; i += in_per_chunk) {
		size_t n = len - i < in_per_chunk ? len - i : in_per_chunk;

		if (i)
			sp_printf(o, " ");
		out_enc(o, enc, p + i, n);
	}
}

static void out_quoted(struct sp_out *o, const uint8_t *p, size_t len)
{
	int n;

	if (o->err)
		return;
	n = text_quote(o->p + o->len, o->cap - o->len, p, len);
	if (n < 0)
		o->err = n;
	else
		o->len += (size_t)n;
}

static void out_name(struct sp_out *o, const uint8_t *name)
{
	int n;

	if (o->err)
		return;
	n = name_to_text(o->p + o->len, o->cap - o->len, name);
	if (n < 0)
		o->err = n;
	else
		o->len += (size_t)n;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* RRSIG times are serial numbers: BIND prints the instant within 68
 * years of now that has these low 32 bits. */
static void out_time(struct sp_out *o, uint32_t v)
{
	int64_t now = (int64_t)time(NULL);
	int64_t t = now + (int32_t)(v - (uint32_t)now);
	int64_t days = (t >= 0 ? t : t - 86399) / 86400, y;
	int64_t secs = t - days * 86400;
	unsigned m, d;

	civil(days, &y, &m, &d);
	sp_printf(o, "%04lld%02u%02u%02u%02u%02u", (long long)y, m, d,
		   (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
		   (unsigned)(secs % 60));
}

static const char *const alg_names[256] = {
	[1] = "RSAMD5", [2] = "DH", [3] = "DSA", [5] = "RSASHA1",
	[6] = "NSEC3DSA", [7] = "NSEC3RSASHA1", [8] = "RSASHA256",
	[10] = "RSASHA512", [12] = "ECCGOST", [13] = "ECDSAP256SHA256",
	[14] = "ECDSAP384SHA384", [15] = "ED25519", [16] = "ED448",
	[252] = "INDIRECT", [253] = "PRIVATEDNS", [254] = "PRIVATEOID",
};

static const char *certtype_name(uint16_t v)
{
	static const char *const names[] = {
		NULL, "PKIX", "SPKI", "PGP", "IPKIX", "ISPKI", "IPGP",
		"ACPKIX", "IACPKIX",
	};

	if (v < sizeof(names) / sizeof(names[0]))
		return names[v];
	return v == 253 ? "URI" : v == 254 ? "OID" : NULL;
}

static void out_bitmap(struct sp_out *o, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2u + p[i + 1]) {
		for (unsigned k = 0; k < p[i + 1] * 8u; k++) {
			char buf[16];

			if (!(p[i + 2 + k / 8] & (0x80 >> (k % 8))))
				continue;
			sp_printf(o, "%s%s", o->len ? " " : "",
				   rrtype_to_text((uint16_t)(p[i] << 8 | k), buf));
		}
	}
}

static void out_nxt_bitmap(struct sp_out *o, const uint8_t *p, size_t len)
{
	char buf[16];

	for (unsigned k = 0; k < len * 8; k++)
		if (p[k / 8] & (0x80 >> (k % 8)))
			sp_printf(o, " %s", rrtype_to_text((uint16_t)k, buf));
}

/* Format 0 prints as lowercase hex, format 1 as "+digits" (others go
 * generic before we get here, as in BIND). */
static void out_atma(struct sp_out *o, const uint8_t *p, size_t len)
{
	if (p[0] == 1)
		sp_printf(o, "+%.*s", (int)(len - 1), (const char *)p + 1);
	for (size_t i = 1; p[0] == 0 && i < len; i++)
		sp_printf(o, "%02x", p[i]);
}

/* A6: an empty address field when the prefix is 128 bits, like BIND. */
static size_t out_a6(struct sp_out *o, const uint8_t *p)
{
	uint8_t addr[16] = { 0 };
	size_t n = (128u - p[0] + 7) / 8;
	char buf[64];

	memcpy(addr + 16 - n, p + 1, n);
	sp_printf(o, "%u ", p[0]);
	if (p[0] < 128) {
		inet_ntop(AF_INET6, addr, buf, sizeof(buf));
		sp_printf(o, "%s", buf);
	}
	if (p[0] == 0)
		return 1 + n;
	sp_printf(o, " ");
	out_name(o, p + 1 + n);
	return 1 + n + name_length(p + 1 + n);
}

static void out_strings(struct sp_out *o, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 1u + p[i]) {
		if (i)
			sp_printf(o, " ");
		out_quoted(o, p + i + 1, p[i]);
	}
}

static void out_fixed(struct sp_out *o, uint16_t type, uint8_t kind,
		      const uint8_t *p)
{
	char buf[64];
	const char *s;

	switch (kind) {
	case RDF_U8: case RDF_DIGEST: case RDF_KEYPROTO:
		sp_printf(o, "%u", p[0]);
		break;
	case RDF_ALG:
		s = type == RR_CERT ? alg_names[p[0]] : NULL;
		if (s)
			sp_printf(o, "%s", s);
		else
			sp_printf(o, "%u", p[0]);
		break;
	case RDF_SCHEME:
		if (p[0] == 1)
			sp_printf(o, "NOTIFY");
		else
			sp_printf(o, "%u", p[0]);
		break;
	case RDF_U16: case RDF_KEYFLAGS:
		sp_printf(o, "%u", wire_get_u16(p));
		break;
	case RDF_CERTTYPE:
		s = certtype_name(wire_get_u16(p));
		if (s)
			sp_printf(o, "%s", s);
		else
			sp_printf(o, "%u", wire_get_u16(p));
		break;
	case RDF_TYPE:
		sp_printf(o, "%s", rrtype_to_text(wire_get_u16(p), buf));
		break;
	case RDF_U32: case RDF_TTL:
		sp_printf(o, "%u", wire_get_u32(p));
		break;
	case RDF_TIME:
		out_time(o, wire_get_u32(p));
		break;
	case RDF_A: case RDF_AAAA:
		inet_ntop(kind == RDF_A ? AF_INET : AF_INET6, p, buf, sizeof(buf));
		sp_printf(o, "%s", buf);
		break;
	case RDF_EUI48: case RDF_EUI64:
		for (int k = 0; k < (kind == RDF_EUI48 ? 6 : 8); k++)
			sp_printf(o, k ? "-%02x" : "%02x", p[k]);
		break;
	case RDF_ILNP64:
		sp_printf(o, "%x:%x:%x:%x", wire_get_u16(p),
			   wire_get_u16(p + 2), wire_get_u16(p + 4),
			   wire_get_u16(p + 6));
		break;
	}
}

/* Prints one field of checked RDATA at p; returns its wire size. */
static size_t out_field(struct sp_out *o, uint16_t type, uint8_t kind,
			const uint8_t *p, size_t left)
{
	switch (kind) {
	case RDF_NAME_C: case RDF_NAME_D: case RDF_NAME:
		out_name(o, p);
		return name_length(p);
	case RDF_STR: case RDF_STR_OPT:
		out_quoted(o, p + 1, p[0]);
		return 1u + p[0];
	case RDF_STRS:
		out_strings(o, p, left);
		return left;
	case RDF_STR_REST:
		out_quoted(o, p, left);
		return left;
	case RDF_B64:
		out_chunked(o, base64_encode, p, left, CHUNK / 4 * 3);
		return left;
	case RDF_B64DASH:
		if (!left)
			sp_printf(o, "-");
		out_chunked(o, base64_encode, p, left, CHUNK / 4 * 3);
		return left;
	case RDF_NXTBITMAP:
		out_nxt_bitmap(o, p, left);
		return left;
	case RDF_ATMA:
		out_atma(o, p, left);
		return left;
	case RDF_A6:
		return out_a6(o, p);
	case RDF_HEX:
		out_chunked(o, hex_encode, p, left, CHUNK / 2);
		return left;
	case RDF_HEXLEN:
		if (p[0] == 0)
			sp_printf(o, "-");
		out_enc(o, hex_encode, p + 1, p[0]);
		return 1u + p[0];
	case RDF_B32LEN:
		out_enc(o, base32hex_encode, p + 1, p[0]);
		return 1u + p[0];
	case RDF_BITMAP:
		out_bitmap(o, p, left);
		return left;
	}
	int n = rdf_fixed_size(kind);

	out_fixed(o, type, kind, p);
	return n < 0 ? left : (size_t)n;
}

/* Fields that print nothing (empty bitmap, absent key or subaddress)
 * get no separator either. */
static bool prints_nothing(uint8_t kind, size_t left)
{
	return left == 0 && (kind == RDF_BITMAP || kind == RDF_B64 ||
			     kind == RDF_NXTBITMAP ||
			     kind == RDF_HEX || kind == RDF_STR_OPT);
}

int rdata_to_generic_text(const uint8_t *rd, size_t rdlen, char *out,
			  size_t cap)
{
	struct sp_out o = { .p = out, .cap = cap };

	if (cap)
		out[0] = '\0';
	sp_printf(&o, "\\# %zu", rdlen);
	if (rdlen)
		sp_printf(&o, " ");
	out_chunked(&o, hex_encode, rd, rdlen, CHUNK / 2);
	return o.err ? o.err : (int)o.len;
}

int rdata_to_text(uint16_t type, const uint8_t *rd, size_t rdlen,
		  char *out, size_t cap)
{
	const struct rrtype_desc *d = rrtype_by_code(type);
	struct sp_out o = { .p = out, .cap = cap };
	size_t pos = 0;

	if (!d || d->fields[0] == RDF_END)
		return rdata_to_generic_text(rd, rdlen, out, cap);
	if (rdata_check(type, rd, rdlen) < 0)
		return BN_ERDATA;
	if (type == RR_ATMA && rd[0] > 1)
		return rdata_to_generic_text(rd, rdlen, out, cap);
	if (d->fields[0] == RDF_SPECIAL) {
		const struct rdata_special *sp = rdata_special_find(type);

		return sp ? sp->to_text(rd, rdlen, out, cap) :
			    rdata_to_generic_text(rd, rdlen, out, cap);
	}
	if (cap)
		out[0] = '\0';
	for (int f = 0; f < RDF_MAX && d->fields[f] != RDF_END; f++) {
		uint8_t kind = d->fields[f];

		if (prints_nothing(kind, rdlen - pos))
			continue;
		if (f && kind != RDF_BITMAP && kind != RDF_NXTBITMAP)
			sp_printf(&o, " ");
		pos += out_field(&o, type, kind, rd + pos, rdlen - pos);
	}
	return o.err ? o.err : (int)o.len;
}
