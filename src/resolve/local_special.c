/* The special-use zones answered without going upstream: RFC 6761
 * (localhost, invalid, test, the private and loopback reverse zones),
 * RFC 6762 (local), RFC 7686 (onion), RFC 8375 (home.arpa), RFC 6303
 * (the AS112 reverse zones) and Unbound's other defaults. A table, so
 * that the list reads as the list. */
#include <string.h>

#include "resolve/local_int.h"
#include "base/error.h"
#include "wire/rrtype.h"

/* Static zones: NXDOMAIN below the apex, SOA and NS at it. */
static const char *const static_zones[] = {
	"invalid.", "test.", "onion.", "local.", "home.arpa.",
	/* RFC 1918, link-local, "this network", loopback, broadcast */
	"10.in-addr.arpa.", "168.192.in-addr.arpa.",
	"254.169.in-addr.arpa.", "0.in-addr.arpa.", "127.in-addr.arpa.",
	"255.255.255.255.in-addr.arpa.",
	/* IPv6: ULA, link-local (fe80::/10), documentation */
	"d.f.ip6.arpa.", "8.e.f.ip6.arpa.", "9.e.f.ip6.arpa.",
	"a.e.f.ip6.arpa.", "b.e.f.ip6.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa.",
};

static int from_text(uint8_t *dst, const char *text)
{
	return name_from_text(dst, text, strlen(text), NULL);
}

/* 16.172.in-addr.arpa. .. 31.172.in-addr.arpa. (172.16.0.0/12). */
static int add_172(struct local_data *ld)
{
	uint8_t name[NAME_MAXLEN];
	char text[32];
	int ret = 0;

	for (int i = 16; i <= 31 && ret == 0; i++) {
		text[0] = (char)('0' + i / 10);
		text[1] = (char)('0' + i % 10);
		memcpy(text + 2, ".172.in-addr.arpa.", sizeof(".172.in-addr.arpa."));
		ret = from_text(name, text);
		if (ret > 0)
			ret = local_set_zone(ld, name, LZ_STATIC, NULL);
	}
	return ret;
}

/* A static zone holding one PTR to localhost.: the reverse names of
 * 127.0.0.1 (inside 127.in-addr.arpa.) and of ::1 (its own zone, as in
 * Unbound); the reverse of :: is a zone with no data. */
static int add_loopback_ptrs(struct local_data *ld)
{
	static const uint8_t localhost[] = "\x09localhost";
	uint8_t name[NAME_MAXLEN], addr[16];
	int ret;

	memcpy(addr, "\x7f\0\0\x01", 4);
	local_reverse_name(name, addr, 4);
	ret = local_add_rr(ld, name, RR_PTR, LOCAL_TTL, localhost,
			   sizeof(localhost), true);
	memset(addr, 0, sizeof(addr));
	local_reverse_name(name, addr, 16);
	if (ret == 0)
		ret = local_set_zone(ld, name, LZ_STATIC, NULL);
	addr[15] = 1;
	local_reverse_name(name, addr, 16);
	if (ret == 0)
		ret = local_set_zone(ld, name, LZ_STATIC, NULL);
	if (ret == 0)
		ret = local_add_rr(ld, name, RR_PTR, LOCAL_TTL, localhost,
				   sizeof(localhost), true);
	return ret;
}

int local_add_special(struct local_data *ld)
{
	uint8_t name[NAME_MAXLEN];
	int ret = 0;

	for (size_t i = 0; i < sizeof(static_zones) / sizeof(static_zones[0]);
	     i++) {
		if (from_text(name, static_zones[i]) < 0)
			return BN_EINVAL;
		ret = local_set_zone(ld, name, LZ_STATIC, NULL);
		if (ret < 0)
			return ret;
	}
	ret = from_text(name, "localhost.");
	if (ret > 0)
		ret = local_set_zone(ld, name, LZ_LOCALHOST, NULL);
	if (ret == 0)
		ret = add_172(ld);
	if (ret == 0)
		ret = add_loopback_ptrs(ld);
	return ret < 0 ? ret : 0;
}

static const char hex[] = "0123456789abcdef";

void local_reverse_name(uint8_t *dst, const uint8_t *addr, size_t len)
{
	static const uint8_t in_addr[] = "\x07in-addr\x04" "arpa";
	static const uint8_t ip6[] = "\x03ip6\x04" "arpa";
	size_t pos = 0;

	if (len == 4) {
		for (size_t i = 4; i-- > 0;) {
			uint8_t v = addr[i], d[3];
			size_t n = 0;

			do {
				d[n++] = (uint8_t)('0' + v % 10);
				v /= 10;
			} while (v);
			dst[pos++] = (uint8_t)n;
			while (n)
				dst[pos++] = d[--n];
		}
		memcpy(dst + pos, in_addr, sizeof(in_addr));
		return;
	}
	for (size_t i = 16; i-- > 0;) {
		dst[pos++] = 1;
		dst[pos++] = (uint8_t)hex[addr[i] & 0x0f];
		dst[pos++] = 1;
		dst[pos++] = (uint8_t)hex[addr[i] >> 4];
	}
	memcpy(dst + pos, ip6, sizeof(ip6));
}
