/* LOC (29) RDATA, RFC 1876, read and printed like BIND 9.18: latitude and
 * longitude as d [m [s.sss]] N|S, altitude in metres (cm precision),
 * size and precisions (defaults 1m 10000m 10m) in mantissa/exponent form.
 * Versions other than 0 are kept but printed in RFC 3597 form. */
#include <string.h>

#include "base/error.h"
#include "wire/rdata_special_int.h"
#include "wire/rrtype.h"

#define LOC_EQUATOR 0x80000000u         /* 2^31: latitude/longitude 0 */
#define LOC_ALT_ZERO 10000000u          /* altitude 0 is 100000m below */
#define LOC_ALT_MAX 4294967295ll        /* largest stored altitude */
#define LOC_SIZE_MAX 9000000000ll       /* 9e9 cm, 9 x 10^9 */
#define MS_PER_DEG 3600000u

/* Decimal [sign] digits [. up to nfrac digits] [m], scaled to nfrac
 * decimals. Returns 0, BN_ESYNTAX or BN_ERANGE. */
static int loc_dec(const struct ztoken *t, int nfrac, bool sign, bool unit,
		   long long *v)
{
	size_t i = 0, len = t->len;
	long long x = 0;
	int nd = 0, f = 0;
	bool neg = false;

	if (unit && len && t->s[len - 1] == 'm')
		len--;
	if (sign && i < len && (t->s[i] == '-' || t->s[i] == '+'))
		neg = t->s[i++] == '-';
	for (; i < len && t->s[i] >= '0' && t->s[i] <= '9'; i++, nd++) {
		if (nd >= 12)
			return BN_ERANGE;
		x = x * 10 + (t->s[i] - '0');
	}
	if (i < len && t->s[i] == '.' && nfrac > 0) {
		for (i++; i < len && t->s[i] >= '0' && t->s[i] <= '9'; i++) {
			if (++f > nfrac)
				return BN_ESYNTAX;
			x = x * 10 + (t->s[i] - '0');
			nd++;
		}
	}
	if (i != len || nd == 0)
		return BN_ESYNTAX;
	for (; f < nfrac; f++)
		x *= 10;
	*v = neg ? -x : x;
	return 0;
}

/* Next token as a number for loc_dec, with errors reported on it. */
static int loc_num(struct sp_in *in, int nfrac, bool sign, bool unit,
		   long long *v)
{
	const struct ztoken *t = sp_next(in);
	int ret;

	if (!t)
		return BN_ESYNTAX;
	ret = loc_dec(t, nfrac, sign, unit, v);
	if (ret < 0)
		return sp_fail(in, in->i - 1, ret, ret == BN_ERANGE ?
			       "out of range" : "not a valid number");
	return 0;
}

static bool is_hemi(const struct ztoken *t, const char *hemi)
{
	return t->len == 1 && (t->s[0] == hemi[0] || t->s[0] == hemi[1]);
}

/* d [m [s.sss]] H, H one of hemi ("NS" or "EW"); the result is
 * 2^31 +/- milliseconds of arc. */
static int loc_angle(struct sp_in *in, uint32_t maxdeg, const char *hemi,
		     uint32_t *out)
{
	long long part[3] = { 0, 0, 0 }, ms;
	static const long long limit[3] = { 0, 59, 59999 };
	static const int nfrac[3] = { 0, 0, 3 };
	const struct ztoken *t;
	int k, ret;

	for (k = 0; k < 3; k++) {
		if (k > 0 && in->i < in->ntok && is_hemi(&in->tok[in->i], hemi))
			break;
		ret = loc_num(in, nfrac[k], false, false, &part[k]);
		if (ret < 0)
			return ret;
		if (part[k] > (k ? limit[k] : (long long)maxdeg))
			return sp_fail(in, in->i - 1, BN_ERANGE, "out of range");
	}
	ms = part[0] * MS_PER_DEG + part[1] * 60000 + part[2];
	if (ms > (long long)maxdeg * MS_PER_DEG)
		return sp_fail(in, in->i - 1, BN_ERANGE, "out of range");
	t = sp_next(in);
	if (!t)
		return BN_ESYNTAX;
	if (!is_hemi(t, hemi))
		return sp_fail(in, in->i - 1, BN_ESYNTAX,
			       "expected hemisphere letter");
	*out = t->s[0] == hemi[0] ? LOC_EQUATOR + (uint32_t)ms :
				     LOC_EQUATOR - (uint32_t)ms;
	return 0;
}

/* Size or precision in cm to the RFC 1876 mantissa/exponent octet (the
 * mantissa is truncated, as BIND does). */
static uint8_t loc_prec(long long cm)
{
	int e = 0;

	while (e < 9 && cm >= 10) {
		cm /= 10;
		e++;
	}
	return (uint8_t)(cm << 4 | e);
}

static int loc_from_text(const struct ztoken *tok, size_t ntok,
			 const uint8_t *origin, struct wbuf *out,
			 const char **errmsg, size_t *errtok)
{
	struct sp_in in = { tok, ntok, 0, origin, errmsg, errtok };
	long long alt, prec[3] = { 100, 1000000, 1000 };
	uint32_t lat, lon;
	int ret;

	ret = loc_angle(&in, 90, "NS", &lat);
	if (ret < 0)
		return ret;
	ret = loc_angle(&in, 180, "EW", &lon);
	if (ret < 0)
		return ret;
	ret = loc_num(&in, 2, true, true, &alt);
	if (ret < 0)
		return ret;
	alt += LOC_ALT_ZERO;
	if (alt < 0 || alt > LOC_ALT_MAX)
		return sp_fail(&in, in.i - 1, BN_ERANGE, "out of range");
	for (int k = 0; k < 3 && in.i < in.ntok; k++) {
		ret = loc_num(&in, 2, true, true, &prec[k]);
		if (ret < 0)
			return ret;
		if (prec[k] < 0)
			return sp_fail(&in, in.i - 1, BN_ERANGE, "out of range");
		/* BIND bounds the metres only; centimetres past the
		 * largest value are truncated away by the encoding. */
		if (prec[k] / 100 > LOC_SIZE_MAX / 100)
			return sp_fail(&in, in.i - 1, BN_ERANGE, "out of range");
	}
	ret = sp_end(&in);
	if (ret < 0)
		return ret;
	if (wbuf_u8(out, 0) < 0 || wbuf_u8(out, loc_prec(prec[0])) < 0 ||
	    wbuf_u8(out, loc_prec(prec[1])) < 0 ||
	    wbuf_u8(out, loc_prec(prec[2])) < 0 || wbuf_u32(out, lat) < 0 ||
	    wbuf_u32(out, lon) < 0 || wbuf_u32(out, (uint32_t)alt) < 0)
		return sp_fail(&in, 0, BN_ENOSPC, "RDATA too long");
	return 0;
}

static bool prec_ok(uint8_t c)
{
	uint8_t m = c >> 4, e = c & 0x0f;

	return m <= 9 && e <= 9 && (m != 0 || e == 0);
}

static bool angle_ok(uint32_t v, uint32_t maxdeg)
{
	uint32_t d = v >= LOC_EQUATOR ? v - LOC_EQUATOR : LOC_EQUATOR - v;

	return d <= maxdeg * MS_PER_DEG;
}

static int loc_check(const uint8_t *rd, size_t rdlen)
{
	if (rdlen < 1)
		return BN_ERDATA;
	if (rd[0] != 0)
		return 0;
	if (rdlen != 16 || !prec_ok(rd[1]) || !prec_ok(rd[2]) ||
	    !prec_ok(rd[3]) || !angle_ok(wire_get_u32(rd + 4), 90) ||
	    !angle_ok(wire_get_u32(rd + 8), 180))
		return BN_ERDATA;
	return 0;
}

static void angle_out(struct sp_out *o, uint32_t v, const char *hemi)
{
	uint32_t d = v >= LOC_EQUATOR ? v - LOC_EQUATOR : LOC_EQUATOR - v;

	sp_printf(o, "%u %u %u.%03u %c", d / MS_PER_DEG, d / 60000 % 60,
		  d / 1000 % 60, d % 1000, v >= LOC_EQUATOR ? hemi[0] : hemi[1]);
}

static void prec_out(struct sp_out *o, uint8_t c)
{
	unsigned long long cm = c >> 4;

	for (int e = c & 0x0f; e > 0; e--)
		cm *= 10;
	if (cm >= 100 && cm % 100 == 0)
		sp_printf(o, " %llum", cm / 100);
	else
		sp_printf(o, " %llu.%02llum", cm / 100, cm % 100);
}

static int loc_to_text(const uint8_t *rd, size_t rdlen, char *out,
		       size_t cap)
{
	struct sp_out o;
	long long alt;

	if (loc_check(rd, rdlen) < 0)
		return BN_ERDATA;
	sp_out_init(&o, out, cap);
	if (rd[0] != 0) {
		sp_generic_out(&o, rd, rdlen);
		return sp_out_done(&o);
	}
	angle_out(&o, wire_get_u32(rd + 4), "NS");
	sp_putc(&o, ' ');
	angle_out(&o, wire_get_u32(rd + 8), "EW");
	alt = (long long)wire_get_u32(rd + 12) - LOC_ALT_ZERO;
	sp_printf(&o, " %s%lld.%02lldm", alt < 0 ? "-" : "",
		  (alt < 0 ? -alt : alt) / 100, (alt < 0 ? -alt : alt) % 100);
	for (int k = 1; k <= 3; k++)
		prec_out(&o, rd[k]);
	return sp_out_done(&o);
}

const struct rdata_special rdata_loc_special = {
	.type = RR_LOC,
	.from_text = loc_from_text,
	.to_text = loc_to_text,
	.check = loc_check,
};
