/* DHCP messages and options (src/dhcp/msg_*.c, opt.c): parse and build,
 * RFC 3396 joining, option 52 overload both ways, malformed input, the
 * search list's compression and classless routes. */
#include <string.h>

#include "base/error.h"
#include "dhcp/msg.h"
#include "dhcp/opt.h"
#include "check.h"

static struct dhcp_msg m;

static size_t base_packet(uint8_t *p)
{
	memset(p, 0, DHCP_HDR_LEN);
	p[0] = 1;
	p[1] = 1;
	p[2] = 6;
	p[4] = 0xde;
	p[7] = 0xef;
	memcpy(p + 28, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(p + 236, "\x63\x82\x53\x63", 4);
	return DHCP_HDR_LEN;
}

static void test_parse(void)
{
	uint8_t p[600];
	size_t n = base_packet(p);
	const uint8_t *v;
	size_t len;
	uint32_t a;

	/* type, a pad, requested address, a split option 12 (RFC 3396) */
	memcpy(p + n, "\x35\x01\x01\x00\x32\x04\x0a\x00\x00\x07"
		      "\x0c\x02ho\x37\x01\x03\x0c\x03stx\xff", 24);
	n += 24;
	CHECK(dhcp_parse(&m, p, n) == 0);
	CHECK(m.op == 1 && m.xid == 0xde0000ef && m.hlen == 6);
	CHECK(dhcp_msg_type(&m) == DHCPDISCOVER);
	CHECK(dhcp_get_u32(&m, DO_REQ_ADDR, &a) && a == 0x0a000007);
	CHECK(dhcp_get(&m, DO_HOSTNAME, &v, &len) && len == 5 &&
	      !memcmp(v, "hostx", 5));
	CHECK(dhcp_get(&m, DO_PARAM_LIST, &v, &len) && len == 1 && v[0] == 3);
	CHECK(!dhcp_has(&m, DO_CLIENT_ID));
	/* without an end option: taken as it is */
	CHECK(dhcp_parse(&m, p, n - 1) == 0);
	/* an option running past the end */
	CHECK(dhcp_parse(&m, p, n - 3) == BN_ETRUNC);
	CHECK(dhcp_parse(&m, p, 100) == BN_ESHORT);
	p[236] = 0;
	CHECK(dhcp_parse(&m, p, n) == BN_EINVAL);
}

static void test_parse_overload(void)
{
	uint8_t p[600];
	size_t n = base_packet(p);
	const uint8_t *v;
	size_t len;

	/* 52 = 3: file (108) then sname (44) carry options */
	memcpy(p + n, "\x35\x01\x03\x34\x01\x03\x0c\x01" "a\xff", 10);
	n += 10;
	memcpy(p + 108, "\x0c\x01" "b\x0f\x03lan\xff", 9);
	memcpy(p + 44, "\x0c\x01" "c\xff", 4);
	CHECK(dhcp_parse(&m, p, n) == 0);
	CHECK(m.overload == 3);
	CHECK(dhcp_get(&m, DO_HOSTNAME, &v, &len) && len == 3 &&
	      !memcmp(v, "abc", 3));
	CHECK(dhcp_get(&m, DO_DOMAIN, &v, &len) && len == 3);
	/* without 52 the fields are not read */
	p[DHCP_HDR_LEN + 3] = 0;
	p[DHCP_HDR_LEN + 4] = 0;
	p[DHCP_HDR_LEN + 5] = 0;
	CHECK(dhcp_parse(&m, p, n) == 0);
	CHECK(dhcp_get(&m, DO_HOSTNAME, &v, &len) && len == 1);
	CHECK(!dhcp_has(&m, DO_DOMAIN));
	/* a bad option inside an overloaded field */
	p[DHCP_HDR_LEN + 3] = 0x34;
	p[DHCP_HDR_LEN + 4] = 1;
	p[DHCP_HDR_LEN + 5] = 1;
	memcpy(p + 108 + 125, "\x0c\x09", 2);
	memset(p + 108, 0, 125);
	CHECK(dhcp_parse(&m, p, n) == BN_ETRUNC);
}

static void header(struct dhcp_msg *h)
{
	memset(h, 0, sizeof(*h));
	h->op = BOOTREPLY;
	h->htype = 1;
	h->hlen = 6;
	h->xid = 42;
	h->yiaddr = 0x0a000005;
}

static void test_build_roundtrip(void)
{
	static struct dhcp_msg h, r;
	struct dhcp_opts o;
	uint8_t out[DHCP_REPLY_MAX], big[600];
	uint32_t a[2] = { 0x0a000001, 0x0a000002 }, x;
	const uint8_t *v;
	size_t len;
	int n;

	header(&h);
	dhcp_opts_init(&o);
	memset(big, 'x', sizeof(big));
	CHECK(dhcp_opts_u8(&o, DO_MSG_TYPE, DHCPACK) == 0);
	CHECK(dhcp_opts_addrs(&o, DO_DNS, a, 2) == 0);
	CHECK(dhcp_opts_add(&o, DO_OVERLOAD, big, 1) == BN_EINVAL);
	n = dhcp_build(&h, &o, DHCP_DEF_MAX, out, sizeof(out));
	CHECK(n == DHCP_MIN_LEN);
	CHECK(dhcp_parse(&r, out, (size_t)n) == 0);
	CHECK(r.op == BOOTREPLY && r.xid == 42 && r.yiaddr == 0x0a000005);
	CHECK(dhcp_msg_type(&r) == DHCPACK);
	CHECK(dhcp_get(&r, DO_DNS, &v, &len) && len == 8);
	/* 450 octets: instances in options, file and sname */
	CHECK(dhcp_opts_add(&o, 224, big, 450) == 0);
	n = dhcp_build(&h, &o, DHCP_DEF_MAX, out, sizeof(out));
	CHECK(n == DHCP_DEF_MAX);
	CHECK(dhcp_parse(&r, out, (size_t)n) == 0);
	CHECK(r.overload == 3);
	CHECK(dhcp_get(&r, 224, &v, &len) && len == 450 && v[449] == 'x');
	CHECK(dhcp_get_u32(&r, DO_DNS, &x) == false);   /* 8 octets */
	/* a larger limit keeps it in the options field */
	n = dhcp_build(&h, &o, 1000, out, sizeof(out));
	CHECK(n > DHCP_DEF_MAX && dhcp_parse(&r, out, (size_t)n) == 0);
	CHECK(r.overload == 0 && dhcp_get(&r, 224, &v, &len) && len == 450);
	/* too much for any field */
	CHECK(dhcp_opts_add(&o, 225, big, 600) == 0);
	CHECK(dhcp_build(&h, &o, DHCP_DEF_MAX, out, sizeof(out)) ==
	      BN_ENOSPC);
	/* a used file field is not overloaded */
	dhcp_opts_init(&o);
	dhcp_opts_add(&o, 224, big, 330);
	h.file[0] = 'f';
	n = dhcp_build(&h, &o, DHCP_DEF_MAX, out, sizeof(out));
	CHECK(n == DHCP_DEF_MAX && dhcp_parse(&r, out, (size_t)n) == 0);
	CHECK(r.overload == 2 && r.file[0] == 'f');
	CHECK(dhcp_get(&r, 224, &v, &len) && len == 330);
}

static void test_search(void)
{
	const char *names[] = { "eng.apple.com", "marketing.apple.com." };
	/* RFC 3397 section 3's example */
	static const uint8_t want[] = "\x03" "eng\x05" "apple\x03" "com\x00"
				      "\x09" "marketing\xc0\x04";
	uint8_t out[64];
	int n = dhcp_search_encode(out, sizeof(out), names, 2);

	CHECK(n == (int)sizeof(want) - 1);
	CHECK(n > 0 && !memcmp(out, want, (size_t)n));
	CHECK(dhcp_search_encode(out, 8, names, 2) == BN_ENOSPC);
}

static void test_routes(void)
{
	/* RFC 3442's examples: 0/0, 10/8, 10.17/16, 10.27.129/24,
	 * 10.229.0.128/25 */
	struct dhcp_route r[] = {
		{ 0, 0x0a000001, 0 }, { 0x0a000000, 0x0a000001, 8 },
		{ 0x0a110000, 0x0a000001, 16 }, { 0x0a1b8100, 0x0a000001, 24 },
		{ 0x0ae50080, 0x0a000001, 25 },
	};
	uint8_t out[64];
	int n = dhcp_routes_encode(out, sizeof(out), r, 5);

	CHECK(n == 5 + 0 + 1 + 2 + 3 + 4 + 5 * 4);
	CHECK(!memcmp(out, "\x00\x0a\x00\x00\x01", 5));
	CHECK(!memcmp(out + 5, "\x08\x0a\x0a\x00\x00\x01", 6));
	CHECK(!memcmp(out + 26, "\x19\x0a\xe5\x00\x80", 5));
	r[0].width = 33;
	CHECK(dhcp_routes_encode(out, sizeof(out), r, 1) == BN_EINVAL);
}

static void test_names(void)
{
	char h[64];
	uint8_t long_name[300];

	CHECK(dhcp_host_clean(h, sizeof(h), (const uint8_t *)"My_Laptop.lan",
			      13) == 8 && !strcmp(h, "mylaptop"));
	CHECK(dhcp_host_clean(h, sizeof(h), (const uint8_t *)"-a-b-", 5) == 3 &&
	      !strcmp(h, "a-b"));
	CHECK(dhcp_host_clean(h, sizeof(h), (const uint8_t *)"\xff\x01", 2) ==
	      0 && !h[0]);
	memset(long_name, 'a', sizeof(long_name));
	CHECK(dhcp_host_clean(h, sizeof(h), long_name, 255) == 63);
	CHECK(dhcp_fqdn_host(h, sizeof(h), (const uint8_t *)"\x05\0\0"
			     "\x04node\x03lan\0", 13) == 4 && !strcmp(h, "node"));
	CHECK(dhcp_fqdn_host(h, sizeof(h), (const uint8_t *)"\x00\0\0"
			     "pc1.lan", 10) == 3 && !strcmp(h, "pc1"));
	CHECK(dhcp_fqdn_host(h, sizeof(h), (const uint8_t *)"\x04\0\0"
			     "\x40xx", 6) == 0);
	CHECK(dhcp_fqdn_host(h, sizeof(h), (const uint8_t *)"\x04", 1) == 0);
}

static void test_fqdn_reply(void)
{
	uint8_t out[32];
	int n = dhcp_fqdn_reply(out, sizeof(out),
				(const uint8_t *)"\x05\0\0\x02pc\0", 7, false);

	/* S asked: O set, N set (no update done), E kept */
	CHECK(n == 7 && out[0] == (FQDN_N | FQDN_O | FQDN_E));
	CHECK(out[1] == 255 && out[2] == 255 && !memcmp(out + 3, "\x02pc", 3));
	/* the server updates: S set; O set when the client wanted to */
	n = dhcp_fqdn_reply(out, sizeof(out),
			    (const uint8_t *)"\x05\0\0\x02pc\0", 7, true);
	CHECK(n == 7 && out[0] == (FQDN_S | FQDN_E));
	n = dhcp_fqdn_reply(out, sizeof(out), (const uint8_t *)"\0\0\0pc", 5,
			    true);
	CHECK(n == 5 && out[0] == (FQDN_S | FQDN_O));
	CHECK(dhcp_fqdn_reply(out, sizeof(out), (const uint8_t *)"\x01", 1,
			      false) == BN_EINVAL);
}

int main(void)
{
	test_parse();
	test_parse_overload();
	test_build_roundtrip();
	test_search();
	test_routes();
	test_names();
	test_fqdn_reply();
	return check_done();
}
