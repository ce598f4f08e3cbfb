/* Unit tests for src/resolve/acl.c: prefix parsing (good and bad), /0,
 * /32, /128, odd prefix lengths, host bits, loopback, v4-mapped IPv6
 * clients, and families kept apart. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "check.h"
#include "base/error.h"
#include "base/acl.h"

/* Does the acl let this textual address in? */
static bool allows(const struct acl *a, const char *addr)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, addr, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		return acl_match(a, (struct sockaddr *)&sin);
	}
	CHECKF(inet_pton(AF_INET6, addr, &sin6.sin6_addr) == 1, "%s", addr);
	sin6.sin6_family = AF_INET6;
	return acl_match(a, (struct sockaddr *)&sin6);
}

static void test_syntax(void)
{
	static const char *bad[] = {
		"", "/", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1",
		"10.0.0.0/8x", "10.0.0/8", "256.0.0.1", "10.0.0.1 ",
		" 10.0.0.1", "2001:db8::/129", "2001:db8:::1", "::1/0128",
		"example.com", "10.0.0.0/8/8", "fe80::1%eth0",
		"10.0.0.0/1000000000000000000000",
	};
	struct acl *a = acl_new();

	CHECK(a != NULL);
	if (!a)
		return;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(acl_add(a, bad[i]) == BN_ESYNTAX, "'%s'", bad[i]);
	CHECK(acl_count(a) == 0);
	CHECK(!allows(a, "10.0.0.1"));
	CHECK(!allows(a, "::1"));
	CHECK(acl_add(a, "10.0.0.0/8") == 0);
	CHECK(acl_add(a, "2001:db8::/32") == 0);
	CHECK(acl_add(a, "192.0.2.7") == 0);
	CHECK(acl_count(a) == 3);
	acl_free(a);
	acl_free(NULL);
}

static void test_v4(void)
{
	struct acl *a = acl_new();

	CHECK(acl_add(a, "192.0.2.7") == 0);            /* /32 */
	CHECK(allows(a, "192.0.2.7"));
	CHECK(!allows(a, "192.0.2.6"));
	CHECK(!allows(a, "192.0.2.8"));
	/* host bits in the prefix are ignored (masked), as Unbound does */
	CHECK(acl_add(a, "198.51.100.77/24") == 0);
	CHECK(allows(a, "198.51.100.1"));
	CHECK(allows(a, "198.51.100.255"));
	CHECK(!allows(a, "198.51.101.0"));
	/* an odd length: 172.16.0.0/12 = 172.16 .. 172.31 */
	CHECK(acl_add(a, "172.16.0.0/12") == 0);
	CHECK(allows(a, "172.16.0.1"));
	CHECK(allows(a, "172.31.255.255"));
	CHECK(!allows(a, "172.32.0.0"));
	CHECK(!allows(a, "172.15.255.255"));
	/* no IPv6 entry: IPv6 clients are out */
	CHECK(!allows(a, "2001:db8::1"));
	CHECK(!allows(a, "::"));
	acl_free(a);

	a = acl_new();
	CHECK(acl_add(a, "0.0.0.0/0") == 0);
	CHECK(allows(a, "0.0.0.0"));
	CHECK(allows(a, "255.255.255.255"));
	CHECK(allows(a, "::ffff:203.0.113.9"));
	CHECK(!allows(a, "2001:db8::1"));
	acl_free(a);
}

static void test_v6(void)
{
	struct acl *a = acl_new();

	CHECK(acl_add(a, "2001:db8::1/128") == 0);
	CHECK(allows(a, "2001:db8::1"));
	CHECK(!allows(a, "2001:db8::2"));
	CHECK(!allows(a, "2001:db8::"));
	CHECK(acl_add(a, "fd00::/7") == 0);             /* = fc00::/7 */
	CHECK(allows(a, "fc00::1"));
	CHECK(allows(a, "fdff:ffff::1"));
	CHECK(!allows(a, "fe00::1"));
	CHECK(acl_add(a, "2001:db8:8000::/33") == 0);
	CHECK(allows(a, "2001:db8:ffff::1"));
	CHECK(!allows(a, "2001:db8:7fff::1"));
	CHECK(!allows(a, "10.0.0.1"));
	acl_free(a);

	/* ::/0 is every IPv6 client, but not IPv4 ones (mapped included) */
	a = acl_new();
	CHECK(acl_add(a, "::/0") == 0);
	CHECK(allows(a, "::"));
	CHECK(allows(a, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	CHECK(!allows(a, "192.0.2.1"));
	CHECK(!allows(a, "::ffff:192.0.2.1"));
	acl_free(a);
}

static void test_mapped_and_loopback(void)
{
	struct acl *a = acl_new();
	struct sockaddr sa;

	CHECK(acl_add_loopback(a) == 0);
	CHECK(acl_count(a) == 2);
	CHECK(allows(a, "127.0.0.1"));
	CHECK(allows(a, "127.255.255.254"));
	CHECK(allows(a, "::1"));
	CHECK(allows(a, "::ffff:127.0.0.1"));
	CHECK(!allows(a, "::ffff:128.0.0.1"));
	CHECK(!allows(a, "::2"));
	CHECK(!allows(a, "128.0.0.1"));
	/* IPv4-compatible (::127.0.0.1) is not mapped */
	CHECK(!allows(a, "::127.0.0.1"));
	CHECK(acl_add(a, "192.0.2.0/24") == 0);
	CHECK(allows(a, "::ffff:192.0.2.44"));
	CHECK(!allows(a, "::fffe:192.0.2.44"));
	/* another family is never matched */
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	CHECK(!acl_match(a, &sa));
	acl_free(a);
}

int main(void)
{
	test_syntax();
	test_v4();
	test_v6();
	test_mapped_and_loopback();
	return check_done();
}
