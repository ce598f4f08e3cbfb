/* Presentation-format primitives: decimal numbers, TTLs with BIND units,
 * escape processing of one token and BIND-style quoting on output. */
#include <stdio.h>

#include "base/error.h"
#include "wire/text.h"

int text_u32(const char *s, size_t len, uint32_t max, uint32_t *v)
{
	uint64_t x = 0;

	if (len == 0)
		return BN_ESYNTAX;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return BN_ESYNTAX;
		x = x * 10 + (uint64_t)(s[i] - '0');
		if (x > 0xffffffffu)
			x = (uint64_t)0xffffffffu + 1;
	}
	if (x > max)
		return BN_ERANGE;
	*v = (uint32_t)x;
	return 0;
}

static int unit_seconds(char c, uint64_t *mult)
{
	switch (c | 0x20) {
	case 'w': *mult = 604800; return 0;
	case 'd': *mult = 86400; return 0;
	case 'h': *mult = 3600; return 0;
	case 'm': *mult = 60; return 0;
	case 's': *mult = 1; return 0;
	}
	return BN_ESYNTAX;
}

int text_ttl(const char *s, size_t len, uint32_t *v)
{
	uint64_t total = 0;
	size_t i = 0;

	if (len == 0)
		return BN_ESYNTAX;
	if (text_u32(s, len, 0xffffffffu, v) == 0)
		return 0;
	while (i < len) {
		uint64_t num = 0, mult;
		size_t start = i;

		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			num = num * 10 + (uint64_t)(s[i] - '0');
			if (num > 0xffffffffu)
				return BN_ERANGE;
		}
		/* A number must be followed by a unit once units are used. */
		if (i == start || i == len || unit_seconds(s[i], &mult) < 0)
			return BN_ESYNTAX;
		i++;
		total += num * mult;
		if (total > 0xffffffffu)
			return BN_ERANGE;
	}
	*v = (uint32_t)total;
	return 0;
}

int text_unescape(const char *s, size_t len, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c == '\\') {
			if (++i >= len)
				return BN_ESYNTAX;
			c = (uint8_t)s[i];
			if (c >= '0' && c <= '9') {
				unsigned d = 0;

				for (int k = 0; k < 3; k++, i++) {
					if (i >= len || s[i] < '0' || s[i] > '9')
						return BN_ESYNTAX;
					d = d * 10 + (unsigned)(s[i] - '0');
				}
				i--;
				if (d > 255)
					return BN_ESYNTAX;
				c = (uint8_t)d;
			}
		}
		if (n >= cap)
			return BN_ENOSPC;
		out[n++] = c;
	}
	return (int)n;
}

int text_quote(char *out, size_t cap, const uint8_t *s, size_t len)
{
	size_t n = 0;

	if (cap < 3)
		return BN_ENOSPC;
	out[n++] = '"';
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];

		/* Worst case 4 octets for this one plus the closing quote. */
		if (cap - n < 6)
			return BN_ENOSPC;
		if (c < 0x20 || c >= 0x7f) {
			snprintf(out + n, 5, "\\%03u", c);
			n += 4;
			continue;
		}
		if (c == '"' || c == '\\')
			out[n++] = '\\';
		out[n++] = (char)c;
	}
	out[n++] = '"';
	out[n] = '\0';
	return (int)n;
}
