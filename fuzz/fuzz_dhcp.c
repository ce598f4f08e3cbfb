/* libFuzzer target for the DHCP core (src/dhcp): the input as a datagram
 * through dhcp_parse and, when it parses, dhcp_serve on a small pool
 * (so the reply builder writes options from hostile values: echoed 61,
 * 81, 82, the boot file chosen by option 60, 55 and 93), then again
 * under rate limits; any reply must parse back. The input is also cut
 * into options (code, length octet, value) for the option writer with a
 * size limit taken from the input: what it builds must parse back to
 * the same values (overload and RFC 3396 instances included). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "dhcp/boot.h"
#include "dhcp/limit.h"
#include "dhcp/serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(c)                                                        \
	do {                                                             \
		if (!(c)) {                                              \
			fprintf(stderr, "fuzz_dhcp.c:%d: %s\n", __LINE__, \
				#c);                                     \
			abort();                                         \
		}                                                        \
	} while (0)

static struct dhcp_msg m, back;
static struct dhcp_out out;
static struct dhcp_conf conf;
static struct dhcp_limit lim;
static const struct dhcp_limit_conf lim_conf = { 1, 1, 1 };
/* a static lease by MAC and one by client identifier (inside the
 * range: reserved there) */
static struct dhcp_static st[2] = {
	{ { 2, 0, 0, 0, 0, 1 }, 0x0a000005, "s", { 0 }, 0 },
	{ { 0 }, 0x0a000003, "t", { 1, 2, 0, 0, 0, 0, 2 }, 7 },
};
/* network boot: a PXE, an HTTP boot and a default rule, the last two
 * long enough to need option 67 and to crowd the reply */
static struct dhcp_boot boot[4] = { { 7, "bc.efi", false },
				    { 16, "http://x/", false },
				    { DHCP_ARCH_ANY, "", false },
				    { 0, "http://x/ipxe", true } };

static void serve(const uint8_t *data, size_t size)
{
	struct dhcp_pool pool;
	int64_t due;

	if (dhcp_parse(&m, data, size) < 0)
		return;
	conf.server_id = 0x0a000001;
	conf.net = 0x0a000000;
	conf.mask = 0xffffff00;
	conf.first = 0x0a000002;
	conf.last = 0x0a000009;
	conf.lease_time = 60;
	conf.offer_hold = 5;
	conf.decline_time = 5;
	conf.statics = st;
	conf.nstatic = 2;
	conf.search_len = 3;
	conf.boot = boot;
	conf.nboot = 4;
	if (!boot[2].file[0]) {
		memset(boot[2].file, 'f', 200);
		memset(boot[1].file + 9, 'h', 120);
	}
	strcpy(conf.boot_server_name, "tftp");
	memcpy(conf.search, "\x01" "a\x00", 3);
	if (dhcp_pool_init(&pool, &conf) < 0)
		return;
	/* twice: the second sees the state the first left */
	for (int i = 0; i < 2; i++) {
		if (dhcp_serve(&pool, &m, 100 + i, &out) == 0 && out.type) {
			ASSERT(out.len >= DHCP_MIN_LEN && out.len <=
			       DHCP_REPLY_MAX);
			ASSERT(dhcp_parse(&back, out.pkt, out.len) == 0);
			ASSERT(dhcp_msg_type(&back) == out.type);
			ASSERT(back.xid == m.xid);
			/* a boot file is in file (no options over it) or
			 * in option 67 */
			ASSERT(!back.siaddr || dhcp_has(&back, DO_BOOTFILE) ||
			       (back.file[0] && !(back.overload & 1)));
		}
	}
	/* then with rate limits: a burst of 1 and one new address a
	 * second above the mark (a range of 8: 7 in use is 87%, 8 is
	 * full), so both refusals and unheld offers are reached */
	pool.limit = &lim;
	dhcp_limit_init(&lim, &lim_conf);
	for (int i = 0; i < 3; i++) {
		int r = dhcp_serve(&pool, &m, 102 + i / 2, &out);

		ASSERT(r != BN_ELIMIT || out.type == 0);
		if (r == 0 && out.type)
			ASSERT(dhcp_parse(&back, out.pkt, out.len) == 0);
	}
	dhcp_pool_expire(&pool, 1000, &due);
	dhcp_pool_clear(&pool);
}

static void write_back(const uint8_t *data, size_t size)
{
	static struct dhcp_msg h;
	static uint8_t pkt[DHCP_REPLY_MAX];
	struct dhcp_opts o;
	bool seen[256] = { false };
	size_t i = 1, maxlen;
	const uint8_t *v;
	size_t len;
	int n;

	if (size < 1)
		return;
	maxlen = DHCP_MIN_LEN + (size_t)data[0] * 5;
	dhcp_opts_init(&o);
	memset(&h, 0, sizeof(h));
	h.op = BOOTREPLY;
	while (i + 2 <= size) {
		uint8_t code = data[i];
		size_t l = data[i + 1] * 3u;    /* values over 255 too */

		i += 2;
		if (l > size - i)
			l = size - i;
		if (!seen[code] && dhcp_opts_add(&o, code, data + i, l) == 0)
			seen[code] = true;
		i += l;
	}
	n = dhcp_build(&h, &o, maxlen, pkt, sizeof(pkt));
	if (n < 0)
		return;
	ASSERT(dhcp_parse(&back, pkt, (size_t)n) == 0);
	for (i = 0; i < o.n; i++) {
		ASSERT(dhcp_get(&back, o.o[i].code, &v, &len));
		ASSERT(len == o.o[i].len);
		ASSERT(!len || !memcmp(v, o.data + o.o[i].off, len));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	serve(data, size);
	write_back(data, size);
	return 0;
}
