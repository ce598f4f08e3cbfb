/* Address prefixes (recursion, transfers). Each entry keeps its address with
 * the host bits already cleared, so a match is a masked compare; IPv4
 * and IPv6 entries are apart, and a v4-mapped IPv6 client (::ffff:a.b.c.d,
 * a dual-stack socket) is matched as the IPv4 address it is. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "base/acl.h"
#include "base/error.h"

struct acl_entry {
	int family;             /* AF_INET or AF_INET6 */
	uint8_t bits;           /* prefix length */
	uint8_t addr[16];       /* 4 or 16 octets used, host bits zero */
};

struct acl {
	struct acl_entry *e;
	size_t n, cap;
};

struct acl *acl_new(void)
{
	return calloc(1, sizeof(struct acl));
}

void acl_free(struct acl *a)
{
	if (!a)
		return;
	free(a->e);
	free(a);
}

size_t acl_count(const struct acl *a)
{
	return a->n;
}

/* Clears the bits after the first `bits` of addr (len octets). */
static void mask(uint8_t *addr, size_t len, unsigned bits)
{
	for (size_t i = 0; i < len; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		addr[i] &= (uint8_t)(0xff00 >> bits);
		bits = 0;
	}
}

/* A decimal prefix length 0..max, digits only. */
static int parse_bits(const char *s, unsigned max, unsigned *bits)
{
	unsigned v = 0;

	if (!*s || strlen(s) > 3)
		return BN_ESYNTAX;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return BN_ESYNTAX;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v > max)
		return BN_ESYNTAX;
	*bits = v;
	return 0;
}

static int push(struct acl *a, const struct acl_entry *en)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		struct acl_entry *e = realloc(a->e, cap * sizeof(*e));

		if (!e)
			return BN_ENOMEM;
		a->e = e;
		a->cap = cap;
	}
	a->e[a->n++] = *en;
	return 0;
}

int acl_add(struct acl *a, const char *cidr)
{
	char text[INET6_ADDRSTRLEN + 8];
	struct acl_entry en;
	const char *slash;
	unsigned bits, max;
	size_t alen;

	if (strlen(cidr) >= sizeof(text))
		return BN_ESYNTAX;
	strcpy(text, cidr);
	slash = strchr(cidr, '/');
	if (slash)
		text[slash - cidr] = '\0';
	memset(&en, 0, sizeof(en));
	if (inet_pton(AF_INET, text, en.addr) == 1) {
		en.family = AF_INET;
		max = 32;
		alen = 4;
	} else if (inet_pton(AF_INET6, text, en.addr) == 1) {
		en.family = AF_INET6;
		max = 128;
		alen = 16;
	} else {
		return BN_ESYNTAX;
	}
	bits = max;
	if (slash && parse_bits(slash + 1, max, &bits) < 0)
		return BN_ESYNTAX;
	en.bits = (uint8_t)bits;
	mask(en.addr, alen, bits);
	return push(a, &en);
}

int acl_add_loopback(struct acl *a)
{
	int ret = acl_add(a, "127.0.0.0/8");

	return ret < 0 ? ret : acl_add(a, "::1");
}

static bool prefix_match(const struct acl_entry *en, const uint8_t *addr)
{
	unsigned full = en->bits / 8, rest = en->bits % 8;

	if (memcmp(en->addr, addr, full) != 0)
		return false;
	return rest == 0 ||
	       (addr[full] & (uint8_t)(0xff00 >> rest)) == en->addr[full];
}

bool acl_match(const struct acl *a, const struct sockaddr *sa)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };
	const uint8_t *addr;
	int family = sa->sa_family;

	if (family == AF_INET) {
		addr = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	} else if (family == AF_INET6) {
		addr = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
			family = AF_INET;
			addr += sizeof(mapped);
		}
	} else {
		return false;
	}
	for (size_t i = 0; i < a->n; i++) {
		if (a->e[i].family == family && prefix_match(&a->e[i], addr))
			return true;
	}
	return false;
}
