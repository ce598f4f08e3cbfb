/* Rate limits against starvation (src/dhcp/limit.c, and through
 * serve.c): the per-client token bucket, the cap on new addresses once
 * the pool is nearly used up, offers not held above the mark. */
#include <string.h>

#include "base/error.h"
#include "dhcp/limit.h"
#include "dhcp/serve.h"
#include "check.h"

#define NET 0x0a4d0000u
#define SID (NET | 1)

static struct dhcp_limit lim;
static struct dhcp_conf conf;
static struct dhcp_pool pool;
static struct dhcp_msg req;
static struct dhcp_out out;
static size_t used_val, used_calls;

#define NEWOK(...) (dhcp_limit_new(__VA_ARGS__) != DHCP_NEW_NO)

static size_t used_fn(void *arg)
{
	(void)arg;
	used_calls++;
	return used_val;
}

static void test_bucket(void)
{
	struct dhcp_limit_conf c = { .rate = 1, .burst = 3 };
	int i;

	dhcp_limit_init(&lim, &c);
	for (i = 0; i < 3; i++)
		CHECK(dhcp_limit_client(&lim, (const uint8_t *)"aa", 2, 100));
	CHECK(!dhcp_limit_client(&lim, (const uint8_t *)"aa", 2, 100));
	CHECK(!dhcp_limit_client(&lim, (const uint8_t *)"aa", 2, 100));
	CHECK(lim.limited_client == 2);
	/* another client has its own bucket */
	CHECK(dhcp_limit_client(&lim, (const uint8_t *)"ab", 2, 100));
	/* one a second refills */
	CHECK(dhcp_limit_client(&lim, (const uint8_t *)"aa", 2, 101));
	CHECK(!dhcp_limit_client(&lim, (const uint8_t *)"aa", 2, 101));
	/* up to the burst, not more */
	for (i = 0; i < 3; i++)
		CHECK(dhcp_limit_client(&lim, (const uint8_t *)"aa", 2, 200));
	CHECK(!dhcp_limit_client(&lim, (const uint8_t *)"aa", 2, 200));
	/* a flood of other identifiers (each asking once) does not evict
	 * the limited client: it stays limited */
	for (i = 0; i < 20000; i++) {
		uint8_t id[4] = { (uint8_t)i, (uint8_t)(i >> 8), 7, 7 };

		CHECK(dhcp_limit_client(&lim, id, 4, 200));
	}
	CHECK(!dhcp_limit_client(&lim, (const uint8_t *)"aa", 2, 200));
	/* rate 0: no limit */
	c.rate = 0;
	dhcp_limit_init(&lim, &c);
	for (i = 0; i < 100; i++)
		CHECK(dhcp_limit_client(&lim, (const uint8_t *)"aa", 2, 1));
}

static void test_new_cap(void)
{
	struct dhcp_limit_conf c = { .new_rate = 2 };
	int i;

	dhcp_limit_init(&lim, &c);
	used_val = 95;          /* of 100: above 90% */
	CHECK(NEWOK(&lim, 100, 10, used_fn, NULL));
	CHECK(NEWOK(&lim, 100, 10, used_fn, NULL));
	CHECK(!NEWOK(&lim, 100, 10, used_fn, NULL));
	CHECK(lim.limited_new == 1 && used_calls == 1);
	CHECK(dhcp_limit_new(&lim, 100, 11, used_fn, NULL) == DHCP_NEW_HIGH);
	CHECK(used_calls == 2);
	/* below the mark: all until the mark is reached, counted as they
	 * go, then two a second */
	used_val = 50;
	for (i = 0; i < 40; i++)
		CHECK(NEWOK(&lim, 100, 20, used_fn, NULL));
	CHECK(!NEWOK(&lim, 100, 20, used_fn, NULL));
	CHECK(used_calls == 3);
	used_val = 10;
	CHECK(dhcp_limit_new(&lim, 100, 21, used_fn, NULL) == DHCP_NEW_OK);
	/* new_rate 0: no cap */
	c.new_rate = 0;
	dhcp_limit_init(&lim, &c);
	used_val = 100;
	for (i = 0; i < 10; i++)
		CHECK(NEWOK(&lim, 100, 30, used_fn, NULL));
}

/* A DISCOVER or REQUEST from MAC 02:..:<id>, option 61 cid (0: none). */
static int ask(uint8_t id, int type, uint32_t reqaddr, uint8_t cid,
	       int64_t now)
{
	static struct dhcp_msg h;
	struct dhcp_opts o;
	uint8_t pkt[DHCP_REPLY_MAX];
	uint8_t idopt[3] = { 0, 9, cid };
	int n;

	memset(&h, 0, sizeof(h));
	h.op = BOOTREQUEST;
	h.htype = 1;
	h.hlen = 6;
	h.xid = id;
	memcpy(h.chaddr, "\x02\0\0\0\0", 5);
	h.chaddr[5] = id;
	dhcp_opts_init(&o);
	dhcp_opts_u8(&o, DO_MSG_TYPE, (uint8_t)type);
	if (reqaddr)
		dhcp_opts_u32(&o, DO_REQ_ADDR, reqaddr);
	if (cid)
		dhcp_opts_add(&o, DO_CLIENT_ID, idopt, 3);
	n = dhcp_build(&h, &o, DHCP_DEF_MAX, pkt, sizeof(pkt));
	CHECK(n > 0 && dhcp_parse(&req, pkt, (size_t)n) == 0);
	n = dhcp_serve(&pool, &req, now, &out);
	return n < 0 ? n : out.type;
}

static void setup(const struct dhcp_limit_conf *c)
{
	memset(&conf, 0, sizeof(conf));
	conf.server_id = SID;
	conf.net = NET;
	conf.mask = 0xffffff00;
	conf.first = NET | 10;
	conf.last = NET | 19;
	conf.lease_time = 3600;
	conf.offer_hold = 60;
	conf.decline_time = 600;
	dhcp_pool_clear(&pool);
	CHECK(dhcp_pool_init(&pool, &conf) == 0);
	dhcp_limit_init(&lim, c);
	pool.limit = &lim;
}

static void test_serve_client(void)
{
	struct dhcp_limit_conf c = { .rate = 1, .burst = 2 };

	setup(&c);
	CHECK(ask(1, DHCPDISCOVER, 0, 0, 100) == DHCPOFFER);
	CHECK(ask(1, DHCPDISCOVER, 0, 0, 100) == DHCPOFFER);
	CHECK(ask(1, DHCPDISCOVER, 0, 0, 100) == BN_ELIMIT);
	/* a new client identifier each time: the same MAC, still limited */
	CHECK(ask(1, DHCPDISCOVER, 0, 5, 100) == BN_ELIMIT);
	CHECK(ask(1, DHCPDISCOVER, 0, 6, 100) == BN_ELIMIT);
	CHECK(ask(2, DHCPDISCOVER, 0, 0, 100) == DHCPOFFER);
	CHECK(ask(1, DHCPREQUEST, NET | 10, 0, 101) == DHCPACK);
	CHECK(lim.limited_client == 3);
}

/* Ten addresses: nine offers are held (90%), then one new address a
 * second, offered without holding it; clients with an address of their
 * own are not counted. */
static void test_serve_starvation(void)
{
	struct dhcp_limit_conf c = { .new_rate = 1 };
	struct dhcp_lease *e;
	int i;

	setup(&c);
	for (i = 1; i <= 9; i++)
		CHECK(ask((uint8_t)i, DHCPDISCOVER, 0, 0, 100) == DHCPOFFER);
	CHECK(ask(10, DHCPDISCOVER, 0, 0, 100) == BN_ELIMIT);
	CHECK(lim.limited_new == 1);
	/* a client with its offer is not new: served */
	CHECK(ask(3, DHCPREQUEST, NET | 12, 0, 100) == DHCPACK);
	CHECK(ask(3, DHCPDISCOVER, 0, 0, 100) == DHCPOFFER);
	/* the next second: one more, not held */
	CHECK(ask(11, DHCPDISCOVER, 0, 0, 101) == DHCPOFFER);
	e = dhcp_pool_find(&pool, NET | 19);
	CHECK(e->state == DL_FREE);
	CHECK(ask(12, DHCPDISCOVER, 0, 0, 101) == BN_ELIMIT);
	/* 500 made-up clients over 5 seconds: 5 offers, none held */
	for (i = 0; i < 500; i++)
		ask((uint8_t)(20 + i % 200), DHCPDISCOVER, 0, 0, 102 + i / 100);
	CHECK(lim.limited_new == 2 + 495);
	CHECK(e->state == DL_FREE);
	/* a real client afterwards gets the last address */
	CHECK(ask(250, DHCPDISCOVER, 0, 0, 110) == DHCPOFFER);
	CHECK(ask(250, DHCPREQUEST, NET | 19, 0, 111) == DHCPACK);
	CHECK(e->state == DL_BOUND);
	/* the pool is full: nothing for anyone else, and no crash */
	CHECK(ask(251, DHCPDISCOVER, 0, 0, 112) == 0);
}

int main(void)
{
	test_bucket();
	test_new_cap();
	test_serve_client();
	test_serve_starvation();
	dhcp_pool_clear(&pool);
	return check_done();
}
