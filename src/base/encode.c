/* base64, base32hex and hex codecs for presentation formats. Decoders are
 * strict (no whitespace, complete base64 quanta) because the callers join
 * tokens first; encoders write uppercase like BIND. */
#include <stdbool.h>
#include <stdint.h>

#include "base/encode.h"
#include "base/error.h"

static const char b64_alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b32_alpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
static const char hex_alpha[] = "0123456789ABCDEF";

/* Tables, not branches: signed zones are mostly base64 (RRSIG) and
 * base32hex (NSEC3), and branches on random text mispredict. */
static const int8_t b64_val[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static const int8_t b32_val[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
	25, 26, 27, 28, 29, 30, 31, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
	25, 26, 27, 28, 29, 30, 31, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A quantum with '=' (or a bad character); pad counts the trailing '='
 * (0..2). */
static int b64_padded(const unsigned char *s, bool last, uint8_t v[3],
		      int *nout)
{
	int pad = 0, x[4];

	for (int i = 0; i < 4; i++) {
		if (s[i] == '=') {
			if (!last || i < 2)
				return BN_ESYNTAX;
			pad++;
			x[i] = 0;
			continue;
		}
		if (pad)
			return BN_ESYNTAX;
		x[i] = b64_val[s[i]];
		if (x[i] < 0)
			return BN_ESYNTAX;
	}
	/* Bits under the padding must be zero, as BIND requires. */
	if ((pad == 2 && (x[1] & 0xf)) || (pad == 1 && (x[2] & 0x3)))
		return BN_ESYNTAX;
	v[0] = (uint8_t)(x[0] << 2 | x[1] >> 4);
	v[1] = (uint8_t)((x[1] & 0xf) << 4 | x[2] >> 2);
	v[2] = (uint8_t)((x[2] & 0x3) << 6 | x[3]);
	*nout = 3 - pad;
	return 0;
}

/* One 4-character quantum: three octets unless padded. */
static int b64_quantum(const char *s, bool last, uint8_t v[3], int *nout)
{
	const unsigned char *u = (const unsigned char *)s;
	int a = b64_val[u[0]], b = b64_val[u[1]], c = b64_val[u[2]],
	    d = b64_val[u[3]];

	if ((a | b | c | d) < 0)
		return b64_padded(u, last, v, nout);
	v[0] = (uint8_t)(a << 2 | b >> 4);
	v[1] = (uint8_t)((b & 0xf) << 4 | c >> 2);
	v[2] = (uint8_t)((c & 0x3) << 6 | d);
	*nout = 3;
	return 0;
}

int base64_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	size_t n = 0;

	if (len % 4)
		return BN_ESYNTAX;
	for (size_t i = 0; i < len; i += 4) {
		uint8_t v[3];
		int k, ret = b64_quantum(s + i, i + 4 == len, v, &k);

		if (ret < 0)
			return ret;
		if (cap - n < (size_t)k)
			return BN_ENOSPC;
		for (int j = 0; j < k; j++)
			out[n++] = v[j];
	}
	if (n > (size_t)0x7fffffff)
		return BN_ENOSPC;
	return (int)n;
}

int base32hex_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;

	/* Remainders of 1, 3 or 6 characters cannot end a valid encoding. */
	switch (len % 8) {
	case 1: case 3: case 6:
		return BN_ESYNTAX;
	}
	for (size_t i = 0; i < len; i++) {
		int v = b32_val[(unsigned char)s[i]];

		if (v < 0)
			return BN_ESYNTAX;
		acc = (acc << 5 | (uint32_t)v) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return BN_ENOSPC;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1))
		return BN_ESYNTAX;
	return (int)n;
}

int hex_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	if (len % 2)
		return BN_ESYNTAX;
	if (len / 2 > cap)
		return BN_ENOSPC;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hex_val(s[i]), lo = hex_val(s[i + 1]);

		if (hi < 0 || lo < 0)
			return BN_ESYNTAX;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(len / 2);
}

int base64_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	size_t need = (len + 2) / 3 * 4, n = 0;

	if (need >= cap)
		return BN_ENOSPC;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t k = len - i;

		if (k > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (k > 2)
			v |= in[i + 2];
		out[n++] = b64_alpha[v >> 18 & 63];
		out[n++] = b64_alpha[v >> 12 & 63];
		out[n++] = k > 1 ? b64_alpha[v >> 6 & 63] : '=';
		out[n++] = k > 2 ? b64_alpha[v & 63] : '=';
	}
	out[n] = '\0';
	return (int)n;
}

int base32hex_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	size_t need = (len * 8 + 4) / 5, n = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (need >= cap)
		return BN_ENOSPC;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8 | in[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = b32_alpha[acc >> bits & 31];
		}
	}
	if (bits)
		out[n++] = b32_alpha[acc << (5 - bits) & 31];
	out[n] = '\0';
	return (int)n;
}

int hex_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	if (len * 2 >= cap)
		return BN_ENOSPC;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_alpha[in[i] >> 4];
		out[2 * i + 1] = hex_alpha[in[i] & 15];
	}
	out[len * 2] = '\0';
	return (int)(len * 2);
}
