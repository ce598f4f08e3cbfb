/* The DHCP server's decisions (src/dhcp/pool.c, serve.c, reply.c): the
 * four-way exchange, REQUEST in each state, NAKs, DECLINE, RELEASE,
 * INFORM, static leases, address choice, expiry, relays, and the
 * destination of each reply. */
#include <string.h>

#include "base/error.h"
#include "dhcp/serve.h"
#include "check.h"

#define NET 0x0a4d0000u         /* 10.77.0.0/24 */
#define SID (NET | 1)

static struct dhcp_conf conf;
static struct dhcp_static statics[2];
static const char *cid;         /* option 61 sent by ask(), or NULL */
static size_t cidlen;
static struct dhcp_pool pool;
static struct dhcp_msg req, rep;
static struct dhcp_out out;

static void setup(uint32_t first, uint32_t last)
{
	memset(&conf, 0, sizeof(conf));
	conf.server_id = SID;
	conf.net = NET;
	conf.mask = 0xffffff00;
	conf.first = NET | first;
	conf.last = NET | last;
	conf.lease_time = 3600;
	conf.offer_hold = 60;
	conf.decline_time = 600;
	conf.routers[0] = SID;
	conf.nrouters = 1;
	conf.dns[0] = NET | 53;
	conf.ndns = 1;
	strcpy(conf.domain, "lan.test");
	memcpy(statics[0].mac, "\x02\0\0\0\0\x99", 6);
	statics[0].addr = NET | 5;
	strcpy(statics[0].name, "nas");
	conf.statics = statics;
	conf.nstatic = 1;
	dhcp_pool_clear(&pool);
	CHECK(dhcp_pool_init(&pool, &conf) == 0);
}

/* A request from MAC 02:00:00:00:00:<id>. */
static int ask(uint8_t id, int type, uint32_t ciaddr, uint32_t reqaddr,
	       uint32_t sid, uint32_t giaddr, int64_t now)
{
	static struct dhcp_msg h;
	struct dhcp_opts o;
	uint8_t pkt[DHCP_REPLY_MAX];
	int n;

	memset(&h, 0, sizeof(h));
	h.op = BOOTREQUEST;
	h.htype = 1;
	h.hlen = 6;
	h.xid = 1000 + id;
	h.ciaddr = ciaddr;
	h.giaddr = giaddr;
	memcpy(h.chaddr, "\x02\0\0\0\0", 5);
	h.chaddr[5] = id;
	dhcp_opts_init(&o);
	dhcp_opts_u8(&o, DO_MSG_TYPE, (uint8_t)type);
	if (reqaddr)
		dhcp_opts_u32(&o, DO_REQ_ADDR, reqaddr);
	if (sid)
		dhcp_opts_u32(&o, DO_SERVER_ID, sid);
	dhcp_opts_add(&o, DO_HOSTNAME, "Host-One", 8);
	if (cid)
		dhcp_opts_add(&o, DO_CLIENT_ID, cid, cidlen);
	if (giaddr)
		dhcp_opts_add(&o, DO_RELAY, "\x01\x03" "abc", 5);
	n = dhcp_build(&h, &o, DHCP_DEF_MAX, pkt, sizeof(pkt));
	CHECK(n > 0 && dhcp_parse(&req, pkt, (size_t)n) == 0);
	n = dhcp_serve(&pool, &req, now, &out);
	if (n == 0 && out.type)
		CHECK(dhcp_parse(&rep, out.pkt, out.len) == 0);
	return n < 0 ? n : out.type;
}

static void test_exchange(void)
{
	uint32_t x;
	const uint8_t *v;
	size_t len;

	setup(10, 20);
	CHECK(ask(1, DHCPDISCOVER, 0, 0, 0, 0, 100) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 10) && rep.xid == 1001);
	CHECK(out.dest == DEST_BROADCAST && out.to == 0xffffffff);
	CHECK(dhcp_get_u32(&rep, DO_SERVER_ID, &x) && x == SID);
	CHECK(dhcp_get_u32(&rep, DO_LEASE_TIME, &x) && x == 3600);
	CHECK(dhcp_get_u32(&rep, DO_T1, &x) && x == 1800);
	CHECK(dhcp_get_u32(&rep, DO_T2, &x) && x == 3150);
	CHECK(dhcp_get_u32(&rep, DO_MASK, &x) && x == 0xffffff00);
	CHECK(dhcp_get_u32(&rep, DO_BROADCAST, &x) && x == (NET | 255));
	CHECK(dhcp_get_u32(&rep, DO_ROUTER, &x) && x == SID);
	CHECK(dhcp_get(&rep, DO_DOMAIN, &v, &len) && len == 8);
	CHECK(pool.ndirty == 0);        /* offers are not stored */
	/* a second client gets another address */
	CHECK(ask(2, DHCPDISCOVER, 0, 0, 0, 0, 100) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 11));
	/* SELECTING */
	CHECK(ask(1, DHCPREQUEST, 0, NET | 10, SID, 0, 101) == DHCPACK);
	CHECK(rep.yiaddr == (NET | 10) && out.dest == DEST_BROADCAST);
	CHECK(pool.ndirty == 1 && pool.dirty[0]->state == DL_BOUND);
	CHECK(!strcmp(pool.dirty[0]->host, "host-one"));
	CHECK(pool.dirty[0]->expires == 101 + 3600);
	dhcp_pool_saved(&pool);
	/* client 2 chose another server: its offer goes back */
	CHECK(ask(2, DHCPREQUEST, 0, NET | 11, NET | 2, 0, 101) == 0);
	CHECK(dhcp_pool_find(&pool, NET | 11)->state == DL_FREE);
	/* RENEWING: unicast, ciaddr kept */
	CHECK(ask(1, DHCPREQUEST, NET | 10, 0, 0, 0, 2000) == DHCPACK);
	CHECK(out.dest == DEST_CLIENT && out.to == (NET | 10));
	CHECK(rep.ciaddr == (NET | 10) && rep.yiaddr == (NET | 10));
	CHECK(dhcp_pool_find(&pool, NET | 10)->expires == 2000 + 3600);
	dhcp_pool_saved(&pool);
	/* the same client DISCOVERs again: its own address */
	CHECK(ask(1, DHCPDISCOVER, 0, 0, 0, 0, 2001) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 10));
	CHECK(dhcp_pool_find(&pool, NET | 10)->state == DL_BOUND);
}

static void test_naks(void)
{
	const uint8_t *v;
	size_t len;

	setup(10, 20);
	CHECK(ask(1, DHCPREQUEST, 0, NET | 10, SID, 0, 100) == DHCPACK);
	dhcp_pool_saved(&pool);
	/* INIT-REBOOT of another's address, of another network, outside
	 * the range: NAK, broadcast */
	CHECK(ask(2, DHCPREQUEST, 0, NET | 10, 0, 0, 100) == DHCPNAK);
	CHECK(out.dest == DEST_BROADCAST && rep.yiaddr == 0);
	CHECK(dhcp_get(&rep, DO_MESSAGE, &v, &len) && len > 0);
	CHECK(ask(2, DHCPREQUEST, 0, 0xc0a80105, 0, 0, 100) == DHCPNAK);
	CHECK(ask(2, DHCPREQUEST, 0, NET | 30, 0, 0, 100) == DHCPNAK);
	/* RENEWING from an address not leased to it: NAK broadcast */
	CHECK(ask(2, DHCPREQUEST, NET | 10, 0, 0, 0, 100) == DHCPNAK);
	CHECK(out.dest == DEST_BROADCAST);
	CHECK(pool.ndirty == 0);
	/* INIT-REBOOT of a free address by an unknown client: ACK */
	CHECK(ask(2, DHCPREQUEST, 0, NET | 15, 0, 0, 100) == DHCPACK);
	CHECK(rep.yiaddr == (NET | 15));
	/* REQUEST without any address: ignored */
	CHECK(ask(3, DHCPREQUEST, 0, 0, 0, 0, 100) == 0);
	/* garbage: a reply type from a client, no type */
	CHECK(ask(3, DHCPOFFER, 0, 0, 0, 0, 100) == BN_EINVAL);
}

static void test_release_decline(void)
{
	struct dhcp_lease *e;

	setup(10, 11);
	CHECK(ask(1, DHCPREQUEST, 0, NET | 10, SID, 0, 100) == DHCPACK);
	dhcp_pool_saved(&pool);
	CHECK(ask(1, DHCPRELEASE, NET | 10, 0, SID, 0, 200) == 0);
	e = dhcp_pool_find(&pool, NET | 10);
	CHECK(e->state == DL_RELEASED && pool.ndirty == 1);
	dhcp_pool_saved(&pool);
	/* another client's RELEASE of it does nothing */
	CHECK(ask(2, DHCPRELEASE, NET | 10, 0, SID, 0, 200) == 0);
	CHECK(pool.ndirty == 0);
	/* the released client comes back to its address */
	CHECK(ask(1, DHCPDISCOVER, 0, 0, 0, 0, 300) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 10));
	CHECK(ask(1, DHCPREQUEST, 0, NET | 10, SID, 0, 300) == DHCPACK);
	dhcp_pool_saved(&pool);
	/* DECLINE: unused until the decline time ends */
	CHECK(ask(1, DHCPDECLINE, 0, NET | 10, SID, 0, 400) == 0);
	CHECK(e->state == DL_DECLINED && pool.ndirty == 1);
	/* its client's identity kept (for its names), found by no lookup */
	CHECK(e->cidlen == 7 && e->hwlen == 6 && !strcmp(e->host, "host-one"));
	dhcp_pool_saved(&pool);
	CHECK(ask(1, DHCPDISCOVER, 0, 0, 0, 0, 401) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 11));
	CHECK(ask(2, DHCPDISCOVER, 0, NET | 10, 0, 0, 402) == 0);
	CHECK(!strcmp(out.note, "no free address"));
	/* after the decline time it is free again */
	CHECK(ask(2, DHCPDISCOVER, 0, NET | 10, 0, 0, 400 + 600) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 10));
}

static void test_choice_and_expiry(void)
{
	struct dhcp_lease *e;
	int64_t due;

	setup(10, 12);
	/* the requested address when free */
	CHECK(ask(1, DHCPDISCOVER, 0, NET | 12, 0, 0, 100) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 12));
	/* the requested address held by someone: a free one */
	CHECK(ask(2, DHCPDISCOVER, 0, NET | 12, 0, 0, 100) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 10));
	CHECK(ask(1, DHCPREQUEST, 0, NET | 12, SID, 0, 100) == DHCPACK);
	CHECK(ask(2, DHCPREQUEST, 0, NET | 10, SID, 0, 100) == DHCPACK);
	CHECK(ask(3, DHCPREQUEST, 0, NET | 11, SID, 0, 100) == DHCPACK);
	dhcp_pool_saved(&pool);
	CHECK(ask(4, DHCPDISCOVER, 0, 0, 0, 0, 200) == 0);
	/* leases end: the one given up longest ago goes first */
	CHECK(dhcp_pool_expire(&pool, 3000, &due) == 0 && due == 3700);
	CHECK(ask(3, DHCPREQUEST, NET | 11, 0, 0, 0, 3000) == DHCPACK);
	CHECK(dhcp_pool_expire(&pool, 3700, &due) == 2 && due == 6600);
	e = dhcp_pool_find(&pool, NET | 12);
	CHECK(e->state == DL_EXPIRED && e->dirty);
	dhcp_pool_saved(&pool);
	CHECK(ask(4, DHCPDISCOVER, 0, 0, 0, 0, 3800) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 10) || rep.yiaddr == (NET | 12));
	/* an expired client still gets its own address back */
	CHECK(ask(1, DHCPDISCOVER, 0, 0, 0, 0, 3800) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 12) || rep.yiaddr == (NET | 10));
	/* offers run out */
	CHECK(dhcp_pool_expire(&pool, 3900, &due) == 2);
}

/* An expired lease keeps its names for the grace period (the expiry
 * marks it when that ends); an address whose names are still in DNS
 * goes to another client only when no other one is left. */
static void test_names_kept(void)
{
	struct dhcp_lease *a, *b;
	int64_t due;

	setup(10, 11);
	conf.ddns_grace = 300;
	CHECK(ask(1, DHCPREQUEST, 0, NET | 10, SID, 0, 100) == DHCPACK);
	CHECK(ask(2, DHCPREQUEST, 0, NET | 11, SID, 0, 200) == DHCPACK);
	a = dhcp_pool_find(&pool, NET | 10);
	b = dhcp_pool_find(&pool, NET | 11);
	a->dns = b->dns = DNS_OK;
	dhcp_pool_saved(&pool);
	/* ended at 3700 and 3800: names until 4000 and 4100 */
	CHECK(dhcp_pool_expire(&pool, 3900, &due) == 2);
	dhcp_pool_saved(&pool);
	CHECK(a->state == DL_EXPIRED && b->state == DL_EXPIRED);
	CHECK(dhcp_pool_expire(&pool, 3900, &due) == 0 && due == 4000);
	CHECK(!a->dirty && !b->dirty);
	dhcp_pool_expire(&pool, 4000, &due);
	CHECK(a->dirty && !b->dirty && due == 4100);
	dhcp_pool_saved(&pool);
	/* 10's names going, 11's gone: a new client gets 11, though 10
	 * ended first and is the one it asks for */
	a->dns = DNS_DEL;
	b->dns = DNS_NONE;
	CHECK(ask(3, DHCPDISCOVER, 0, NET | 10, 0, 0, 5000) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 11));
	/* none left but 10: it goes (its names are lost then) */
	CHECK(ask(3, DHCPREQUEST, 0, NET | 11, SID, 0, 5000) == DHCPACK);
	CHECK(ask(4, DHCPDISCOVER, 0, 0, 0, 0, 5000) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 10));
	conf.ddns_grace = 0;
}

/* A declined address's names leave DNS by its client's DHCID: its
 * entry keeps them, asks for their removal, and stays out of use until
 * the decline time ends, then is given last while they are still there,
 * and freed once they are gone. */
static void test_decline_names(void)
{
	struct dhcp_lease *e;
	int64_t due;

	setup(10, 11);
	CHECK(ask(1, DHCPREQUEST, 0, NET | 10, SID, 0, 100) == DHCPACK);
	e = dhcp_pool_find(&pool, NET | 10);
	e->dns = DNS_OK;
	dhcp_pool_saved(&pool);
	CHECK(ask(1, DHCPDECLINE, 0, NET | 10, SID, 0, 200) == 0);
	CHECK(e->state == DL_DECLINED && e->dirty);
	dhcp_lease_dns(e, 200, 0);
	CHECK(e->dns == DNS_DEL);
	dhcp_pool_saved(&pool);
	/* the decliner is not given it back, nor anyone else */
	CHECK(ask(1, DHCPDISCOVER, 0, NET | 10, 0, 0, 201) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 11));
	CHECK(ask(2, DHCPREQUEST, 0, NET | 10, SID, 0, 202) == DHCPNAK);
	/* its time over, its names not yet gone: kept, given last */
	CHECK(dhcp_pool_expire(&pool, 900, &due) == 1);    /* the offer */
	CHECK(e->state == DL_DECLINED && !e->dirty && e->cidlen == 7);
	CHECK(ask(2, DHCPDISCOVER, 0, NET | 10, 0, 0, 900) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 11));
	CHECK(ask(2, DHCPREQUEST, 0, NET | 11, SID, 0, 900) == DHCPACK);
	/* the names gone: freed at the next expiry */
	e->dns = DNS_NONE;
	CHECK(dhcp_pool_expire(&pool, 901, &due) == 1);
	CHECK(e->state == DL_FREE && e->cidlen == 0 && e->hwlen == 0 &&
	      !e->host[0] && e->dirty);
	dhcp_pool_saved(&pool);
	/* a declined lease without names is freed when its time ends */
	CHECK(ask(3, DHCPREQUEST, 0, NET | 10, SID, 0, 1000) == DHCPACK);
	CHECK(ask(3, DHCPDECLINE, 0, NET | 10, SID, 0, 1000) == 0);
	dhcp_lease_dns(e, 1000, 0);
	CHECK(e->dns == DNS_NONE);
	CHECK(dhcp_pool_expire(&pool, 1600, &due) == 1 && e->state == DL_FREE);
}

/* The identifier index: an entry given to another client moves to
 * that client's chain; a cleared identifier is skipped; hundreds of
 * clients (many sharing chains) each find their own; the search for a
 * free address goes on after the last one found and wraps. */
static void test_index_and_cursor(void)
{
	struct dhcp_client a, b;
	struct dhcp_lease *e;
	uint32_t got[201] = { 0 };
	int i, found = 0;

	setup(10, 209);                 /* 200 addresses */
	for (i = 1; i <= 200; i++) {
		if (i == 0x99)          /* the static lease's MAC */
			continue;
		CHECK(ask((uint8_t)i, DHCPDISCOVER, 0, 0, 0, 0, 100) ==
		      DHCPOFFER);
		got[i] = rep.yiaddr;
		CHECK(ask((uint8_t)i, DHCPREQUEST, 0, got[i], SID, 0, 100) ==
		      DHCPACK);
	}
	for (i = 1; i <= 200; i++)
		if (i != 0x99 &&
		    ask((uint8_t)i, DHCPREQUEST, got[i], 0, 0, 0, 200) ==
		    DHCPACK && rep.yiaddr == got[i])
			found++;
	CHECK(found == 199);
	/* given out in order: the last one is the 199th */
	CHECK(got[200] == (NET | 208));
	/* client 7's entry given to another client: 7 has none after */
	memset(&a, 0, sizeof(a));
	a.cidlen = 7;
	a.cid[0] = 1;
	memcpy(a.cid + 1, "\x02\0\0\0\0\x07", 6);
	b = a;
	b.cid[6] = 0xfe;
	e = dhcp_pool_of_client(&pool, &a);
	CHECK(e && e->addr == got[7]);
	dhcp_pool_assign(&pool, e, &b, DL_BOUND, 9999);
	CHECK(dhcp_pool_of_client(&pool, &a) == NULL);
	CHECK(dhcp_pool_of_client(&pool, &b) == e);
	e->cidlen = 0;                  /* as a DECLINE clears it */
	e->state = DL_FREE;
	CHECK(dhcp_pool_of_client(&pool, &b) == NULL);
	/* the last free one (.209), then 7's, behind the cursor */
	CHECK(ask(0xfd, DHCPDISCOVER, 0, 0, 0, 0, 300) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 209));
	CHECK(ask(0xfc, DHCPDISCOVER, 0, 0, 0, 0, 300) == DHCPOFFER);
	CHECK(rep.yiaddr == got[7]);
}

static void test_static(void)
{
	uint32_t x;
	const uint8_t *v;
	size_t len;

	setup(1, 20);           /* the static address is in the range */
	CHECK(ask(0x99, DHCPDISCOVER, 0, NET | 7, 0, 0, 100) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 5));
	CHECK(dhcp_get(&rep, DO_HOSTNAME, &v, &len) && len == 3 &&
	      !memcmp(v, "nas", 3));
	CHECK(ask(0x99, DHCPREQUEST, 0, NET | 7, 0, 0, 100) == DHCPNAK);
	CHECK(ask(0x99, DHCPREQUEST, 0, NET | 5, SID, 0, 100) == DHCPACK);
	CHECK(pool.ndirty == 1 && pool.dirty[0]->is_static &&
	      !strcmp(pool.dirty[0]->host, "nas"));
	/* nobody else gets it, not even by asking */
	CHECK(ask(1, DHCPREQUEST, 0, NET | 5, 0, 0, 100) == DHCPNAK);
	for (int i = 2; i < 30; i++) {
		if (ask((uint8_t)i, DHCPDISCOVER, 0, NET | 5, 0, 0, 100) !=
		    DHCPOFFER)
			break;
		CHECK(rep.yiaddr != (NET | 5));
	}
	(void)x;
}

#define PRINTER "\x01\x02\x11\x22\x33\x44\x55"

/* A static lease by client identifier: whoever sends that option 61
 * gets it, whatever its MAC; nobody else, even with the MAC of an
 * earlier holder. */
static void test_static_cid(void)
{
	struct dhcp_lease *e;
	const uint8_t *v;
	size_t len;

	setup(1, 20);
	memcpy(statics[1].cid, PRINTER, 7);
	statics[1].cidlen = 7;
	statics[1].addr = NET | 6;
	strcpy(statics[1].name, "printer");
	conf.nstatic = 2;
	dhcp_pool_clear(&pool);
	CHECK(dhcp_pool_init(&pool, &conf) == 0);
	cid = PRINTER;
	cidlen = 7;
	CHECK(ask(7, DHCPDISCOVER, 0, 0, 0, 0, 100) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 6));
	CHECK(dhcp_get(&rep, DO_HOSTNAME, &v, &len) && len == 7);
	CHECK(ask(7, DHCPREQUEST, 0, NET | 6, SID, 0, 100) == DHCPACK);
	e = dhcp_pool_find(&pool, NET | 6);
	CHECK(e->is_static && e->static_cid && e->state == DL_BOUND);
	CHECK(e->hwlen == 6 && e->hw[5] == 7 && e->cidlen == 7);
	CHECK(ask(7, DHCPREQUEST, 0, NET | 8, 0, 0, 100) == DHCPNAK);
	/* another card, same identifier: the same lease */
	CHECK(ask(8, DHCPREQUEST, NET | 6, 0, 0, 0, 200) == DHCPACK);
	CHECK(e->hw[5] == 8);
	/* the identifier beats the MAC of a static lease by MAC */
	CHECK(ask(0x99, DHCPDISCOVER, 0, 0, 0, 0, 300) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 6));
	/* the MAC that held it, without the identifier: not its */
	cid = NULL;
	CHECK(ask(8, DHCPDISCOVER, 0, NET | 6, 0, 0, 300) == DHCPOFFER);
	CHECK(rep.yiaddr != (NET | 6) && rep.yiaddr != (NET | 5));
	CHECK(ask(8, DHCPREQUEST, 0, NET | 6, 0, 0, 300) == DHCPNAK);
	/* another identifier, one octet off: not its either */
	cid = "\x01\x02\x11\x22\x33\x44\x56";
	CHECK(ask(9, DHCPREQUEST, 0, NET | 6, 0, 0, 300) == DHCPNAK);
	/* the identifier with no MAC static: the MAC static still holds
	 * for its MAC */
	cid = NULL;
	CHECK(ask(0x99, DHCPDISCOVER, 0, 0, 0, 0, 300) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 5));
	/* a stored row of another client does not change the key */
	{
		struct dhcp_lease row = *e;

		memcpy(row.cid, "\x01\x02\0\0\0\0\x01", 7);
		CHECK(dhcp_pool_load(&pool, &row));
		CHECK(!memcmp(e->cid, PRINTER, 7));
	}
	cid = PRINTER;
	CHECK(ask(10, DHCPREQUEST, NET | 6, 0, 0, 0, 400) == DHCPACK);
	cid = NULL;
	conf.nstatic = 1;
}

static void test_relay_inform(void)
{
	const uint8_t *v;
	size_t len;
	uint32_t x;

	setup(10, 20);
	CHECK(ask(1, DHCPDISCOVER, 0, 0, 0, NET | 2, 100) == DHCPOFFER);
	CHECK(out.dest == DEST_RELAY && out.to == (NET | 2));
	CHECK(rep.giaddr == (NET | 2));
	CHECK(dhcp_get(&rep, DO_RELAY, &v, &len) && len == 5 &&
	      !memcmp(v, "\x01\x03" "abc", 5));
	/* the relay's option last */
	CHECK(rep.opt_off[DO_RELAY] > rep.opt_off[DO_DNS]);
	CHECK(ask(1, DHCPREQUEST, 0, NET | 10, 0, NET | 2, 100) == DHCPACK);
	CHECK(out.dest == DEST_RELAY);
	CHECK(ask(2, DHCPREQUEST, 0, 0xc0a80101, 0, NET | 2, 100) == DHCPNAK);
	CHECK(out.dest == DEST_RELAY && (rep.flags & DHCP_FLAG_BROADCAST));
	/* a relay of another subnet: not ours */
	CHECK(ask(3, DHCPDISCOVER, 0, 0, 0, 0xc0a80101, 100) == 0);
	/* INFORM: options, no address, no lease time, to ciaddr */
	CHECK(ask(4, DHCPINFORM, NET | 200, 0, 0, 0, 100) == DHCPACK);
	CHECK(out.dest == DEST_CLIENT && out.to == (NET | 200));
	CHECK(rep.yiaddr == 0 && !dhcp_has(&rep, DO_LEASE_TIME));
	CHECK(dhcp_get_u32(&rep, DO_DNS, &x) && x == (NET | 53));
}

static void test_stored_rows(void)
{
	struct dhcp_lease row;

	setup(10, 20);
	memset(&row, 0, sizeof(row));
	row.addr = NET | 14;
	row.state = DL_BOUND;
	row.expires = 5000;
	row.cid[0] = 1;
	memcpy(row.cid + 1, "\x02\0\0\0\0\x01", 6);
	row.cidlen = 7;
	CHECK(dhcp_pool_load(&pool, &row));
	row.addr = NET | 100;
	CHECK(!dhcp_pool_load(&pool, &row));
	/* after a restart: the client's lease from the store */
	CHECK(ask(1, DHCPDISCOVER, 0, 0, 0, 0, 100) == DHCPOFFER);
	CHECK(rep.yiaddr == (NET | 14));
	CHECK(ask(2, DHCPREQUEST, 0, NET | 14, 0, 0, 100) == DHCPNAK);
	CHECK(ask(1, DHCPREQUEST, NET | 14, 0, 0, 0, 100) == DHCPACK);
	CHECK(dhcp_lstate_parse("bound") == DL_BOUND);
	CHECK(dhcp_lstate_parse("x") == -1);
}

int main(void)
{
	test_exchange();
	test_naks();
	test_release_decline();
	test_choice_and_expiry();
	test_names_kept();
	test_decline_names();
	test_index_and_cursor();
	test_static();
	test_static_cid();
	test_relay_inform();
	test_stored_rows();
	dhcp_pool_clear(&pool);
	return check_done();
}
